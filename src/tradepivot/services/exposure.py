"""Exposure to a market and value at risk under a tariff scenario, and where the loss can go.

Three kinds of exporter are handled the same way once they are a table of holdings
(HS6 x market x USD): a country-sector (the national pattern itself), a firm portfolio
(its own rows) and a cluster (a total spread by the national pattern, with the assumption
printed). The scenario's simulated loss *rate* per product in its market (the exporter's
change over its 2024 sales there, at low/central/high elasticities) is applied to the
holdings in that market. The redirect step spreads each product's loss over the other
markets in proportion to the exporter's untapped potential there, never more than it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tradepivot.data.flows import YearSpan, flow_source
from tradepivot.data.reference import ProductScope
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import InputError
from tradepivot.i18n.numbers import money_text
from tradepivot.services._enrich import add_descriptions, add_names
from tradepivot.services.currency import output_currency
from tradepivot.services.opportunity import potential_rows
from tradepivot.services.report import Provenance, Report
from tradepivot.services.sales import national_pattern
from tradepivot.services.simulation import SimulationResult, run_simulation
from tradepivot.tariffs.portfolio import Portfolio, expand
from tradepivot.tariffs.scenarios import Scenario

__all__ = [
    "Exposure",
    "allocate",
    "assess_exposure",
    "exposure_report",
    "redirect",
]

CASES = ("central", "low", "high")


@dataclass
class Exposure:
    """Holdings with the scenario's value at risk, ready to report or to redirect."""

    name: str
    exporter: str
    scope: ProductScope
    holdings: pa.Table  # hs6, market, value_usd (+ at_risk_*_usd when a scenario is given)
    provenance: Provenance
    portfolio: Portfolio | None = None
    simulation: SimulationResult | None = None
    assumptions: list[str] = field(default_factory=list)
    period: str = "2024"  # of the trade flows behind the national pattern and the simulation

    @property
    def market(self) -> str | None:
        return self.simulation.scenario.market if self.simulation else None


def _holdings_from_portfolio(portfolio: Portfolio) -> pa.Table:
    rows = portfolio.holdings or ()
    return pa.table(
        {
            "hs6": pa.array([h.hs for h in rows], pa.string()),
            "market": pa.array([h.market for h in rows], pa.string()),
            "value_usd": pa.array([h.value_usd for h in rows], pa.float64()),
        }
    )


def _loss_rates(simulation: SimulationResult, exporter: str) -> dict[str, dict[str, float]]:
    """Per HS6: the exporter's change over its base value in the scenario market, per case."""
    rows = simulation.rows.filter(pc.equal(simulation.rows.column("exporter"), exporter))
    columns = {"central": "change_usd", "low": "change_low_usd", "high": "change_high_usd"}
    sums = rows.group_by("hs6").aggregate(
        [("value_usd", "sum"), *[(c, "sum") for c in columns.values()]]
    )
    out: dict[str, dict[str, float]] = {}
    for r in sums.to_pylist():
        base = r["value_usd_sum"]
        if base:
            out[r["hs6"]] = {case: -r[f"{col}_sum"] / base for case, col in columns.items()}
    return out


def _rate_for(code: str, rates: dict[str, dict[str, float]], case: str) -> float | None:
    """The loss rate of an HS code of any length (a prefix pools its HS6 codes equally)."""
    if code in rates:
        return rates[code][case]
    under = [v[case] for k, v in rates.items() if k.startswith(code)]
    return float(np.mean(under)) if under else None


def assess_exposure(
    wh: Warehouse,
    *,
    portfolio: Portfolio | None = None,
    exporter: str | None = None,
    sector: str | None = None,
    hs: list[str] | None = None,
    scenario: Scenario | None = None,
    dataset: str | None = None,
    years_span: YearSpan | None = None,
) -> Exposure:
    """Holdings (country-sector, firm or cluster) and their value at risk under ``scenario``,
    on the trade flows of ``dataset`` in one year of it (``years_span``, default its latest)."""
    ref = wh.reference
    provenance = Provenance()
    period = flow_source(wh, dataset=dataset, years_span=years_span).period
    loaded: Portfolio | None = None
    assumptions: list[str] = []
    if portfolio is not None:
        loaded = portfolio
        exporter_iso = loaded.exporter
        if loaded.cluster is not None:
            scope = loaded.cluster.scope
            pattern, pattern_prov = national_pattern(
                wh, exporter_iso, scope, dataset=dataset, years_span=years_span
            )
            provenance.merge(pattern_prov)
            loaded = expand(
                loaded,
                pattern,
                ref=ref,
                pattern_source="; ".join(sorted(set(pattern.column("source").to_pylist()))),
            )
        else:
            scope = ref.product_scope(hs=sorted({h.hs for h in loaded.holdings or ()}))
        holdings = _holdings_from_portfolio(loaded)
        assumptions += list(loaded.assumptions)
        name = loaded.name
    else:
        if exporter is None:
            raise InputError(
                "Give a $portfolio, or an $exporter with $sector/$hs.",
                hint="For example $exporter IND, $sector leather and a tariff $scenario.",
                param="portfolio",
                mentions=("exporter", "sector", "hs", "scenario"),
            )
        exporter_iso = ref.iso3(exporter)
        scope = ref.product_scope(hs=hs, sector=sector)
        pattern, pattern_prov = national_pattern(
            wh, exporter_iso, scope, dataset=dataset, years_span=years_span
        )
        provenance.merge(pattern_prov)
        holdings = pattern.select(["hs6", "market", "value_usd"])
        name = f"{ref.name(exporter_iso)}, {scope.label.lower()}"
    simulation = None
    if scenario is not None:
        loaded_scenario = scenario
        simulation = run_simulation(
            wh, loaded_scenario, scope=scope, dataset=dataset, years_span=years_span
        )
        provenance.merge(simulation.provenance)
        rates = _loss_rates(simulation, exporter_iso)
        market = loaded_scenario.market
        codes = holdings.column("hs6").to_pylist()
        markets = holdings.column("market").to_pylist()
        values = holdings.column("value_usd").to_pylist()
        unknown = 0.0
        for case in CASES:
            at_risk = []
            for code, m, v in zip(codes, markets, values, strict=True):
                if m != market:
                    at_risk.append(0.0)
                    continue
                rate = _rate_for(code, rates, case)
                if rate is None:
                    if case == "central":
                        unknown += v
                    rate = 0.0
                at_risk.append(v * rate)
            holdings = holdings.append_column(
                f"at_risk_{case}_usd", pa.array(at_risk, pa.float64())
            )
        if unknown:
            provenance.note(
                f"{money_text(unknown, scale='m')} of holdings in {market} are in products "
                f"{ref.name(exporter_iso)} did not sell there in {period}: no loss rate, counted as 0."
            )
        provenance.note(
            "Value at risk = holdings in the scenario's market x the simulated loss rate of "
            f"the product (the exporter's simulated change over its {period} sales there)."
        )
    provenance.note(*assumptions)
    return Exposure(
        name=name,
        exporter=exporter_iso,
        scope=scope,
        holdings=holdings,
        provenance=provenance,
        portfolio=loaded,
        simulation=simulation,
        assumptions=assumptions,
        period=period,
    )


def exposure_report(
    wh: Warehouse,
    *,
    portfolio: Portfolio | None = None,
    exporter: str | None = None,
    sector: str | None = None,
    hs: list[str] | None = None,
    scenario: Scenario | None = None,
    top: int | None = 20,
    currency: str | None = None,
    dataset: str | None = None,
    years_span: YearSpan | None = None,
) -> Report:
    """Exposure by market (share of the exports, value at risk) and by product at risk."""
    ref = wh.reference
    exposure = assess_exposure(
        wh,
        portfolio=portfolio,
        exporter=exporter,
        sector=sector,
        hs=hs,
        scenario=scenario,
        dataset=dataset,
        years_span=years_span,
    )
    h = exposure.holdings
    money_columns = [c for c in h.column_names if c.endswith("_usd")]
    sums = h.group_by("market").aggregate([(c, "sum") for c in money_columns])
    by_market = pa.table(
        {"market_code": sums.column("market")} | {c: sums.column(f"{c}_sum") for c in money_columns}
    )
    total = pc.sum(by_market.column("value_usd")).as_py() or 0.0
    by_market = by_market.append_column(
        "share_pct", pc.multiply(pc.divide(by_market.column("value_usd"), total or 1.0), 100.0)
    ).sort_by([("value_usd", "descending")])
    by_market = add_names(by_market, ref, "market_code", "market")
    totals: dict[str, Any] = {"exports_usd": total, "markets": by_market.num_rows}
    tables: dict[str, pa.Table] = {}
    market = exposure.market
    if market is not None:
        in_market = h.filter(pc.equal(h.column("market"), market))
        totals["market"] = market
        totals["market_usd"] = pc.sum(in_market.column("value_usd")).as_py() or 0.0
        totals["market_share_pct"] = 100 * totals["market_usd"] / total if total else None
        for case in CASES:
            totals[f"at_risk_{case}_usd"] = (
                pc.sum(in_market.column(f"at_risk_{case}_usd")).as_py() or 0.0
            )
        products = in_market.group_by("hs6").aggregate(
            [("value_usd", "sum"), *[(f"at_risk_{c}_usd", "sum") for c in CASES]]
        )
        products = pa.table(
            {"hs6": products.column("hs6"), "value_usd": products.column("value_usd_sum")}
            | {f"at_risk_{c}_usd": products.column(f"at_risk_{c}_usd_sum") for c in CASES}
        ).sort_by([("at_risk_central_usd", "descending")])
        products = add_descriptions(products, ref, "HS2017", column="hs6")
        tables["products_at_risk"] = products.slice(0, top) if top else products
    title = f"Exposure of {exposure.name}"
    if exposure.simulation is not None:
        title += f" under “{exposure.simulation.scenario.name}”"
    period = (
        exposure.portfolio.period
        if exposure.portfolio and exposure.portfolio.period
        else exposure.period
    )
    return Report(
        title=title,
        rows=by_market.slice(0, top) if top else by_market,
        query={
            "portfolio": portfolio.name if portfolio else None,
            "exporter": exposure.exporter,
            "scope": exposure.scope.describe(),
            "scenario": scenario.path if scenario else None,
            "dataset": dataset,
            "period": exposure.period,
        },
        provenance=exposure.provenance,
        totals=totals,
        tables=tables,
        currency=output_currency(ref, currency, period, exposure.portfolio),
        kind="exposure" if market is None else "exposure-scenario",
    )


def allocate(untapped: pa.Table, loss: dict[str, float]) -> tuple[pa.Table, dict[str, float]]:
    """Add ``absorbed_usd`` to ``importer, hs6, untapped_usd`` rows: each product's loss
    spread in proportion to untapped potential, ``U_jk x min(1, L_k / sum_j U_jk)``.

    Returns the rows and each product's total untapped potential.
    """
    sums = untapped.group_by("hs6").aggregate([("untapped_usd", "sum")])
    totals = dict(
        zip(
            sums.column("hs6").to_pylist(), sums.column("untapped_usd_sum").to_pylist(), strict=True
        )
    )
    factor = [
        min(1.0, max(loss.get(k, 0.0), 0.0) / totals[k]) if totals.get(k) else 0.0
        for k in untapped.column("hs6").to_pylist()
    ]
    absorbed = pc.multiply(untapped.column("untapped_usd"), pa.array(factor, pa.float64()))
    return untapped.append_column("absorbed_usd", absorbed), totals


def redirect(
    wh: Warehouse,
    exporter: str,
    losses: pa.Table,
    *,
    exclude: list[str],
    dataset: str | None = None,
    years_span: YearSpan | None = None,
) -> tuple[pa.Table, pa.Table, dict[str, float]]:
    """Spread each product's loss over other markets by untapped potential, capped by it.

    ``losses``: ``hs6, loss_usd``. Market j absorbs ``U_jk x min(1, L_k / sum_j U_jk)`` of
    product k: in proportion to its untapped potential and never more than it. Returns the
    absorption by market and by product, and totals (loss, absorbed, left over).
    """
    codes = list(losses.column("hs6").to_pylist())
    if not codes:
        empty = pa.table({"market_code": pa.array([], pa.string())})
        return (
            empty,
            pa.table({"hs6": pa.array([], pa.string())}),
            {"loss_usd": 0.0, "absorbed_usd": 0.0, "unabsorbed_usd": 0.0},
        )
    report = potential_rows(
        wh, exporter=exporter, hs=sorted(set(codes)), dataset=dataset, years_span=years_span
    )
    pot = report.rows.filter(
        pc.invert(pc.is_in(report.rows.column("importer"), pa.array(exclude, pa.string())))
    )
    pot = pa.table(
        {
            "importer": pot.column("importer"),
            "hs6": pot.column("code"),
            "untapped_usd": pot.column("untapped_usd"),
        }
    )
    loss = dict(zip(codes, losses.column("loss_usd").to_pylist(), strict=True))
    pot, totals_u = allocate(pot, loss)
    sums = pot.group_by("importer").aggregate([("untapped_usd", "sum"), ("absorbed_usd", "sum")])
    by_market = pa.table(
        {
            "market_code": sums.column("importer"),
            "untapped_usd": sums.column("untapped_usd_sum"),
            "absorbed_usd": sums.column("absorbed_usd_sum"),
        }
    ).sort_by([("absorbed_usd", "descending"), ("market_code", "ascending")])
    total_loss = float(sum(max(v, 0.0) for v in loss.values()))
    by_market = by_market.append_column(
        "of_loss_pct",
        pc.multiply(pc.divide(by_market.column("absorbed_usd"), total_loss or 1.0), 100.0),
    )
    by_market = add_names(by_market, wh.reference, "market_code", "market")
    product_sums = pot.group_by("hs6").aggregate([("absorbed_usd", "sum"), ("untapped_usd", "sum")])
    absorbed_by = dict(
        zip(
            product_sums.column("hs6").to_pylist(),
            product_sums.column("absorbed_usd_sum").to_pylist(),
            strict=True,
        )
    )
    by_product = pa.table(
        {
            "hs6": codes,
            "loss_usd": losses.column("loss_usd"),
            "untapped_elsewhere_usd": pa.array([totals_u.get(k, 0.0) for k in codes], pa.float64()),
            "absorbed_usd": pa.array([absorbed_by.get(k, 0.0) for k in codes], pa.float64()),
        }
    ).sort_by([("loss_usd", "descending")])
    absorbed_total = float(pc.sum(by_market.column("absorbed_usd")).as_py() or 0.0)
    return (
        by_market,
        by_product,
        {
            "loss_usd": total_loss,
            "absorbed_usd": absorbed_total,
            "unabsorbed_usd": total_loss - absorbed_total,
        },
    )

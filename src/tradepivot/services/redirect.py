"""The shock-to-redirect chain of the `pivot` brief: loss, where it can go, what to do.

simulated loss by product (a tariff scenario on one market, applied to the sector, firm or
cluster) -> alternative markets ranked by the exporter's untapped potential (the scenario
changes duties in its own market only, so potentials elsewhere are as computed) -> how much
of each product's loss each market could absorb (in proportion to its untapped potential,
never more than it) -> a summary an exporter can act on, in USD and, for Indian users, INR
crore.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tradepivot.data.flows import YearSpan
from tradepivot.data.warehouse import Warehouse
from tradepivot.i18n.numbers import money, money_text
from tradepivot.services._enrich import add_descriptions
from tradepivot.services.briefing import Chart, Figure, Section
from tradepivot.services.currency import output_currency
from tradepivot.services.exposure import CASES, assess_exposure, redirect
from tradepivot.services.report import Provenance
from tradepivot.tariffs.portfolio import Portfolio
from tradepivot.tariffs.scenarios import Scenario

__all__ = ["shock_sections"]


def _inr(value: float, inr: dict[str, Any] | None) -> str | None:
    return f"INR {money(value, inr)} crore" if inr else None


def _both(value: float, inr: dict[str, Any] | None) -> str:
    text = money_text(value, scale="m")
    if inr:
        text += f" (INR {money(value, inr)} crore)"
    return text


def shock_sections(
    wh: Warehouse,
    exporter: str,
    *,
    sector: str | None,
    hs: list[str] | None,
    scenario: Scenario | None,
    portfolio: Portfolio | None,
    provenance: Provenance,
    top: int = 15,
    dataset: str | None = None,
    years_span: YearSpan | None = None,
) -> list[Section]:
    """The exposure-under-scenario and redirect sections of the brief (on ``dataset``'s
    flows of one year, ``years_span``, default its latest)."""
    ref = wh.reference
    exposure = assess_exposure(
        wh,
        portfolio=portfolio,
        exporter=None if portfolio else exporter,
        sector=sector,
        hs=hs,
        scenario=scenario,
        dataset=dataset,
        years_span=years_span,
    )
    provenance.merge(exposure.provenance)
    holdings = exposure.holdings
    total = float(pc.sum(holdings.column("value_usd")).as_py() or 0.0)
    # The brief's one rate: the portfolio's own when it was given in rupees.
    inr = (
        output_currency(ref, "INR", exposure.period, portfolio)
        if exposure.exporter == "IND"
        else None
    )
    who = exposure.name
    section = Section(title="Exposure under the tariff scenario")
    if exposure.simulation is None:
        section.paragraphs.append(
            f"{who}: no tariff scenario given, so no value at risk (pass --scenario FILE)."
        )
        section.figures.append(Figure("Exports in scope", total, "usd"))
        return [section]
    sim = exposure.simulation
    market = sim.scenario.market
    market_name = ref.name(market)
    in_market = holdings.filter(pc.equal(holdings.column("market"), market))
    sold = float(pc.sum(in_market.column("value_usd")).as_py() or 0.0)
    risk = {
        case: float(pc.sum(in_market.column(f"at_risk_{case}_usd")).as_py() or 0.0)
        for case in CASES
    }
    section.figures = [
        Figure("Exports in scope", total, "usd", who),
        Figure(f"Of which to {market_name}", sold, "usd"),
        Figure("Simulated loss (central)", risk["central"], "usd", _inr(risk["central"], inr)),
        Figure(
            "Sensitivity range",
            f"{money(risk['low'], None)}-{money(risk['high'], None)} USD m",
            "text",
            "low and high elasticities",
        ),
    ]
    section.paragraphs.append(
        f"Scenario “{sim.scenario.name}” ({sim.scenario.path}), as of {sim.scenario.date}: "
        f"{who} would lose {_both(risk['central'], inr)} of {_both(sold, inr)} sold to "
        f"{market_name} (range {_both(risk['low'], inr)} to {_both(risk['high'], inr)})."
    )
    by_product = in_market.group_by("hs6").aggregate(
        [("value_usd", "sum"), *[(f"at_risk_{c}_usd", "sum") for c in CASES]]
    )
    losses = pa.table(
        {
            "hs6": by_product.column("hs6"),
            "value_usd": by_product.column("value_usd_sum"),
            "loss_usd": by_product.column("at_risk_central_usd_sum"),
            "loss_low_usd": by_product.column("at_risk_low_usd_sum"),
            "loss_high_usd": by_product.column("at_risk_high_usd_sum"),
        }
    ).sort_by([("loss_usd", "descending")])
    section.tables.append(
        (
            f"Simulated loss in {market_name} by product",
            add_descriptions(losses.slice(0, 15), ref, "HS2017", column="hs6"),
        )
    )

    markets, products, totals = redirect(
        wh,
        exposure.exporter,
        losses.select(["hs6", "loss_usd"]),
        exclude=[market],
        dataset=dataset,
        years_span=years_span,
    )
    shift = Section(title="Redirect: where the lost sales could go")
    shift.figures = [
        Figure("Loss to redirect", totals["loss_usd"], "usd", _inr(totals["loss_usd"], inr)),
        Figure(
            "Absorbable by other markets",
            totals["absorbed_usd"],
            "usd",
            _inr(totals["absorbed_usd"], inr),
        ),
        Figure(
            "Left without a market",
            totals["unabsorbed_usd"],
            "usd",
            _inr(totals["unabsorbed_usd"], inr),
        ),
    ]
    shift.paragraphs.append(
        "Each product's loss is spread over the other markets in proportion to the exporter's "
        f"untapped potential there (ITC method, {exposure.period} data), never more than that "
        "potential; the "
        f"scenario changes duties in {market_name} only, so potentials elsewhere are unchanged. "
        "For a firm or cluster, the national untapped potential is the ceiling: a single "
        "exporter wins only part of it."
    )
    top_markets = markets.slice(0, top)
    shift.tables.append(
        (
            "Markets that could absorb the loss",
            top_markets.select(
                ["market", "market_code", "absorbed_usd", "of_loss_pct", "untapped_usd"]
            ),
        )
    )
    shift.tables.append(
        (
            "Loss and absorption by product",
            add_descriptions(products.slice(0, 15), ref, "HS2017", column="hs6"),
        )
    )
    shift.charts.append(
        Chart(
            title="Loss each market could absorb",
            data=top_markets.select(["market", "absorbed_usd"]).slice(0, 12),
            x="market",
            y="absorbed_usd",
            highlight=ref.name("RUS"),
        )
    )
    leaders = top_markets.slice(0, 5).to_pylist()
    if leaders and totals["loss_usd"] > 0:
        listed = ", ".join(f"{r['market']} {_both(r['absorbed_usd'], inr)}" for r in leaders)
        shift.callouts.append(
            f"To act on: of {_both(totals['loss_usd'], inr)} at risk in {market_name}, "
            f"{_both(totals['absorbed_usd'], inr)} could move to other markets, led by {listed}; "
            f"{_both(totals['unabsorbed_usd'], inr)} has no market with untapped potential left. "
            "Start with the products at the top of the loss table and the markets above."
        )
    return [section, shift]

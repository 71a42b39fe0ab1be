"""Tariff shock simulation for one market: base flows, scenario duties, SMART, summaries.

Base flows and rates: for the US, 2024 imports by HS6 and partner from the Census data, the
base rate being duty collected over customs value (so preferences and 2024's Section 301
duties are in it); for the EAEU, EU and UK markets, the world matrix with the shipped MFN
duties (:mod:`tradepivot.services.duties`); for other markets, the world matrix with base
duties taken as zero (no applied rates ship for them, and the output says so). The scenario's measures
in force on its date (and, with ``schedule: true``, the embedded dated US measures) give the
new rates; :mod:`tradepivot.tariffs.smart` gives creation and diversion at a low, central and
high elasticity setting.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tradepivot.analytics.markets import in_scope
from tradepivot.data.flows import YearSpan, flow_source
from tradepivot.data.reference import ProductScope, Reference
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import InputError, SourceFileError
from tradepivot.i18n.numbers import money_text
from tradepivot.inputs import HS_EXPECTED, HsCodeError, normalise_hs, read_text
from tradepivot.services._enrich import add_descriptions
from tradepivot.services.currency import currency_info
from tradepivot.services.report import Provenance, Report
from tradepivot.services.sales import exporter_sales_of
from tradepivot.services.tariffs import DISCLAIMER, schedule_for
from tradepivot.tariffs.apply import additional_duties
from tradepivot.tariffs.scenarios import ElasticityOverride, Scenario
from tradepivot.tariffs.shipped import base_duties
from tradepivot.tariffs.smart import SENSITIVITY, Elasticities, simulate_range

__all__ = [
    "SimulationResult",
    "load_elasticities",
    "parse_elasticities",
    "run_simulation",
    "simulate_scenario",
]

US_SOURCE = "us-census-2024"


@dataclass
class SimulationResult:
    """Per supplier x product rows of one market at three elasticity settings."""

    scenario: Scenario
    scope: ProductScope
    rows: pa.Table  # exporter, hs6, value_usd, tariff_before/after, *_usd per case
    cases: dict[str, Elasticities]
    provenance: Provenance
    edition: str
    notes: list[str] = field(default_factory=list)
    period: str = "2024"  # the year of the trade flows (or "FIRST-LAST average")


def _base_flows(
    wh: Warehouse,
    market: str,
    scope: ProductScope,
    *,
    dataset: str | None = None,
    years_span: YearSpan | None = None,
) -> tuple[pa.Table, Provenance, str, str]:
    """exporter, code (the market's own HS6 code), hs6, value_usd, tariff_before (fraction);
    the provenance, HS edition and period of the flows.

    The US market uses the US Census imports (with the duties collected) unless a
    ``dataset`` is named; ``years_span`` picks a year of a multi-year dataset."""
    provenance = Provenance()
    if market == "USA" and dataset is None and years_span is None:
        table, manifest = wh.table(US_SOURCE, "us_imports")
        table = table.filter(~table.hs6.substr(0, 2).isin(["98", "99"]) & (table.value_usd > 0))
        if not scope.is_everything:
            table = table.filter(in_scope(table.hs6, scope))
        grouped = table.group_by(["partner", "code", "hs6"]).aggregate(
            value_usd=table.value_usd.sum(), duty_usd=table.duty_usd.sum()
        )
        arrow = grouped.to_pyarrow()
        value = arrow.column("value_usd").to_numpy()
        duty = arrow.column("duty_usd").fill_null(0).to_numpy()
        rows = pa.table(
            {
                "exporter": arrow.column("partner"),
                "code": arrow.column("code"),
                "hs6": arrow.column("hs6"),
                "value_usd": value,
                "tariff_before": np.where(value > 0, duty / np.where(value > 0, value, 1), 0.0),
            }
        )
        provenance.use(manifest, importers=["USA"], scope=scope)
        provenance.note(
            "Base duties are 2024's applied rates: duty collected over customs value per HS6 "
            "and partner (US Census), so preferences and 2024's Section 301 duties are in them.",
            "US Census data: EU members appear only as one bloc supplier (EU27); partners outside "
            "the 50 largest are absent at HS6 (98.7% of US imports by value are covered).",
        )
        return rows, provenance, manifest.hs_edition, ", ".join(map(str, manifest.years))
    source = flow_source(wh, importer=market, dataset=dataset, years_span=years_span)
    flows = source.table.filter(source.table.importer == market)
    if not scope.is_everything:
        flows = flows.filter(in_scope(flows.hs6, scope))
    flows = flows.filter(flows.value_usd > 0)
    arrow = flows.select("exporter", "hs6", "value_usd").to_pyarrow()
    before = np.zeros(arrow.num_rows)
    shipped = (
        base_duties(market, arrow.column("exporter").to_pylist(), arrow.column("hs6").to_pylist())
        if source.edition == "HS2017"
        else None
    )
    if shipped is not None:
        duties, schedule = shipped
        before = np.array([(d or 0.0) / 100 for d in duties])
        unknown = sum(d is None for d in duties)
        provenance.note(
            f"Base duties in {market} are the MFN rates of the {schedule} (the latest shipped "
            "schedule; preferences not applied; zero within the customs union; specific "
            "duties as ad valorem equivalents, India's at its own unit values); the scenario "
            "adds to them."
            + (
                f" {unknown} of {len(duties)} flows have no known duty and start from zero."
                if unknown
                else ""
            )
        )
    rows = pa.table(
        {
            "exporter": arrow.column("exporter"),
            "code": arrow.column("hs6"),
            "hs6": arrow.column("hs6"),
            "value_usd": arrow.column("value_usd").cast(pa.float64()),
            "tariff_before": pa.array(before),
        }
    )
    provenance.use(source.manifest, importers=[market], scope=scope)
    provenance.note(*source.notes)
    if shipped is None:
        provenance.note(
            f"No applied tariff rates ship for {market}: base duties are taken as zero, so a "
            "scenario's rates are the whole duty (set them with `add`)."
        )
    return rows, provenance, source.edition, source.period


def load_elasticities(path: Path) -> list[ElasticityOverride]:
    """A CSV file of ``hs,import_demand,substitution`` (blank = keep the default)."""
    return parse_elasticities(read_text(path, "elasticities file"), str(path))


def parse_elasticities(content: str, path: str) -> list[ElasticityOverride]:
    """The overrides in ``content``, a CSV of ``hs,import_demand,substitution``; errors name
    ``path`` (a file's name or an upload's), the line and the field."""
    # Comment and blank lines are skipped but counted, so errors give the physical line.
    numbered = [
        (n, line)
        for n, line in enumerate(content.splitlines(), start=1)
        if line.strip() and not line.startswith("#")
    ]
    out: list[ElasticityOverride] = []
    reader = csv.DictReader(line for _, line in numbered)
    header_line = numbered[0][0] if numbered else 1
    missing = {"hs", "import_demand", "substitution"} - set(reader.fieldnames or [])
    if missing:
        raise SourceFileError(
            str(path),
            f"missing column(s) {', '.join(sorted(missing))}",
            line=header_line,
            expected="header hs,import_demand,substitution",
        )
    for index, row in enumerate(reader, start=1):
        line = numbered[index][0]
        try:
            code = normalise_hs(row["hs"] or "").code
        except HsCodeError as exc:
            raise SourceFileError(
                str(path), str(exc), line=line, field="hs", expected=HS_EXPECTED
            ) from None
        values: dict[str, float | None] = {}
        for name, low, high, expected in (
            (
                "import_demand",
                -100.0,
                0.0,
                "a number from -100 to 0 (imports fall when prices rise)",
            ),
            ("substitution", 0.0, 100.0, "a number above 0 and at most 100"),
        ):
            text = (row[name] or "").strip()
            if not text:
                values[name] = None
                continue
            try:
                value = float(text)
            except ValueError:
                value = float("nan")
            valid = bool(np.isfinite(value)) and (
                low <= value <= high if name == "import_demand" else low < value <= high
            )
            if not valid:
                raise SourceFileError(
                    str(path),
                    f"{name} {text!r} is invalid",
                    line=line,
                    field=name,
                    expected=expected,
                )
            values[name] = value
        out.append(ElasticityOverride(code, values["import_demand"], values["substitution"]))
    return out


def _elasticity_columns(
    codes: pa.ChunkedArray, overrides: Sequence[ElasticityOverride]
) -> tuple[pa.Array, pa.Array]:
    """Per-row elasticities from the longest matching override prefix (null = default)."""
    n = len(codes)
    if not overrides:
        return pa.nulls(n, pa.float64()), pa.nulls(n, pa.float64())
    ordered = sorted(overrides, key=lambda o: len(o.prefix), reverse=True)
    encoded = codes.combine_chunks().dictionary_encode()
    demand: list[float | None] = []
    substitution: list[float | None] = []
    for code in encoded.dictionary.to_pylist():
        match = next((o for o in ordered if code.startswith(o.prefix)), None)
        demand.append(match.import_demand if match else None)
        substitution.append(match.substitution if match else None)
    return (
        pa.array(demand, pa.float64()).take(encoded.indices),
        pa.array(substitution, pa.float64()).take(encoded.indices),
    )


def _cases(scenario: Scenario) -> dict[str, Elasticities]:
    """Low/central/high settings; a scenario's own defaults replace the central case."""
    cases = dict(SENSITIVITY)
    if scenario.import_demand is not None or scenario.substitution is not None:
        central = cases["central"]
        cases["central"] = Elasticities(
            scenario.import_demand if scenario.import_demand is not None else central.import_demand,
            scenario.substitution if scenario.substitution is not None else central.substitution,
        )
    return cases


def run_simulation(
    wh: Warehouse,
    scenario: Scenario,
    *,
    scope: ProductScope | None = None,
    elasticities: Sequence[ElasticityOverride] = (),
    dataset: str | None = None,
    years_span: YearSpan | None = None,
) -> SimulationResult:
    """Simulate ``scenario`` on every supplier and product of its market within ``scope``,
    on the flows of ``dataset`` (the default world matrix; US Census imports for the US)
    in one year of it (``years_span``, default its latest) or the average of a range."""
    ref = wh.reference
    scope = scope or ref.product_scope()
    base, provenance, edition, period = _base_flows(
        wh, scenario.market, scope, dataset=dataset, years_span=years_span
    )
    if base.num_rows == 0:
        raise InputError(
            f"{ref.name(scenario.market)} imported nothing in {scope.describe()} in the data.",
            hint="Widen $hs/$sector or check the scenario's market.",
            mentions=("hs", "sector"),
        )
    measures = list(scenario.in_force())
    exempt_lists = None
    lines = None
    if scenario.schedule:
        schedule = schedule_for(scenario.market)
        measures += [m for m in schedule.measures if m.in_force(scenario.date)]
        exempt_lists = schedule.lists
        lines = schedule.lines
        provenance.datasets.append(schedule.citation())
        provenance.note(
            f"Embedded US measures in force on {scenario.date} are added on top of 2024's rates."
        )
    before = base.column("tariff_before").to_numpy()
    extra = additional_duties(
        measures,
        scenario.date,
        market=scenario.market,
        exporters=base.column("exporter"),
        codes=base.column("code"),
        base_pct=before * 100,
        exempt_lists=exempt_lists,
        lines=lines,
    )
    demand, substitution = _elasticity_columns(
        base.column("hs6"), [*scenario.by_product, *elasticities]
    )
    table = pa.table(
        {
            "product": base.column("hs6"),
            "exporter": base.column("exporter"),
            "value_usd": base.column("value_usd"),
            "tariff_before": pa.array(before),
            "tariff_after": pa.array(before + extra / 100),
            "import_elasticity": demand,
            "substitution_elasticity": substitution,
        }
    )
    cases = _cases(scenario)
    results = simulate_range(table, cases)
    central = results["central"]
    columns: dict[str, Any] = {
        "exporter": base.column("exporter"),
        "code": base.column("code"),
        "hs6": base.column("hs6"),
        "value_usd": base.column("value_usd"),
        "tariff_before_pct": pc.multiply(table.column("tariff_before"), 100),
        "tariff_after_pct": pc.multiply(table.column("tariff_after"), 100),
        "creation_usd": central.column("creation_usd"),
        "diversion_usd": central.column("diversion_usd"),
        "change_usd": central.column("change_usd"),
    }
    for name, result in results.items():
        if name != "central":
            columns[f"change_{name}_usd"] = result.column("change_usd")
    provenance.note(*scenario.notes)
    provenance.note(
        "SMART-style partial equilibrium, one market (docs/methods.md): trade creation with the "
        "import demand elasticity, then diversion among suppliers with the substitution "
        "elasticity; export supply infinitely elastic (no world-price effect).",
        "Elasticities: "
        + "; ".join(
            f"{name} ε={e.import_demand:g}, σ={e.substitution:g}" for name, e in cases.items()
        )
        + (
            " (conventional defaults, not estimates; product overrides: "
            + ", ".join(f"HS {o.prefix}" for o in (*scenario.by_product, *elasticities))
            + ")"
            if scenario.by_product or elasticities
            else " (conventional defaults, not estimates: see the range)"
        ),
        DISCLAIMER,
    )
    return SimulationResult(
        scenario=scenario,
        scope=scope,
        rows=pa.table(columns),
        cases=cases,
        provenance=provenance,
        edition=edition,
        period=period,
    )


def _sum_by(table: pa.Table, keys: list[str], columns: Sequence[str]) -> pa.Table:
    """Sums of ``columns`` per ``keys``, keys first, columns keeping their names."""
    sums = table.group_by(keys).aggregate([(c, "sum") for c in columns])
    return pa.table(
        {name: sums.column(name) for name in keys} | {c: sums.column(f"{c}_sum") for c in columns}
    )


CHANGE_COLUMNS = (
    "value_usd",
    "creation_usd",
    "diversion_usd",
    "change_usd",
    "change_low_usd",
    "change_high_usd",
)


def simulate_scenario(
    wh: Warehouse,
    scenario: Scenario,
    *,
    exporter: str | None = None,
    sector: str | None = None,
    hs: list[str] | None = None,
    elasticities: Sequence[ElasticityOverride] = (),
    top: int | None = 25,
    currency: str | None = None,
    dataset: str | None = None,
    years_span: YearSpan | None = None,
) -> Report:
    """The scenario's effect on one exporter (or on the market), by HS6 and by sector.

    ``scenario`` is parsed already (:func:`~tradepivot.services.tariffs.load_scenario` for a
    file, :func:`~tradepivot.tariffs.scenarios.parse_scenario` for text or an upload), and so
    are the ``elasticities`` overrides (:func:`parse_elasticities`).
    """
    ref = wh.reference
    edition = "HS2017"
    scope = ref.product_scope(hs=hs, sector=sector, edition=edition)
    result = run_simulation(
        wh,
        scenario,
        scope=scope,
        elasticities=list(elasticities),
        dataset=dataset,
        years_span=years_span,
    )
    rows = result.rows
    focus = ref.iso3(exporter) if exporter else _single_target(scenario)
    market_by_product = _sum_by(rows, ["hs6"], ("value_usd", "creation_usd"))
    market_by_product = market_by_product.rename_columns(
        ["hs6", "market_imports_usd", "market_change_usd"]
    )
    if focus is not None:
        mine = rows.filter(pc.equal(rows.column("exporter"), focus))
        if mine.num_rows == 0:
            raise InputError(
                f"{ref.name(focus)} sold nothing to {ref.name(scenario.market)} in "
                f"{scope.describe()} in the data.",
                hint="Check $exporter, $sector and $hs.",
                param="exporter",
                mentions=("sector", "hs"),
            )
        others = rows.filter(pc.not_equal(rows.column("exporter"), focus))
    else:
        mine, others = rows, rows.slice(0, 0)
    columns = [c for c in CHANGE_COLUMNS if c in rows.column_names]
    by_product = _sum_by(mine, ["hs6"], columns)
    rates = _rates(mine)
    by_product = by_product.join(rates, "hs6").join(market_by_product, "hs6")
    by_product = by_product.sort_by([("change_usd", "ascending")])
    by_product = add_descriptions(by_product, ref, edition, column="hs6")
    shown = by_product.slice(0, top) if top else by_product
    sectors = _by_sector(ref, mine, columns)
    competitors = _competitors(ref, others, focus)
    totals = _totals(mine, others, rows, focus is not None)
    if focus is not None and dataset is None:
        _own_sales_note(wh, focus, scenario.market, scope, totals, result.provenance, years_span)
    title_who = ref.name(focus) if focus else "all suppliers"
    report = Report(
        title=(
            f"{scenario.name}: effect on {title_who} in {ref.name(scenario.market)}, "
            f"{scope.describe()} (as of {scenario.date})"
        ),
        rows=shown,
        query={
            "scenario": scenario.path,
            "market": scenario.market,
            "exporter": focus,
            "scope": scope.describe(),
            "date": scenario.date.isoformat(),
            "edition": result.edition,
            "dataset": dataset,
            "period": result.period,
        },
        provenance=result.provenance,
        totals=totals,
        tables={
            "sectors": sectors,
            "competitors": competitors,
            "measures": pa.Table.from_pylist(scenario.summary()["measures"]),
        },
        currency=currency_info(ref, currency, result.period),
        kind="simulation",
    )
    if top and by_product.num_rows > top:
        report.provenance.note(
            f"{by_product.num_rows - top} more products in csv/json/xlsx output."
        )
    return report


def _own_sales_note(
    wh: Warehouse,
    exporter: str,
    market: str,
    scope: ProductScope,
    totals: dict[str, Any],
    provenance: Provenance,
    years_span: YearSpan | None,
) -> None:
    """Put the exporter's sales under the one source rule (what ``balance``, ``rank`` and the
    pivot brief report) beside the simulation's base, which is the market's own import
    record by nature: SMART weighs every supplier on the same statistics, so shares and
    diversion are like for like, and the two figures can differ (valuation, timing, routing)."""
    ref = wh.reference
    found = exporter_sales_of(wh, exporter, scope, years_span=years_span)
    rows = found.rows.filter(found.rows.market == market)
    own = float(rows.value_usd.sum().to_pyarrow().as_py() or 0.0)
    totals["sales_usd"] = own
    base = float(totals["exports_usd"])
    text = (
        f"The simulation starts from {ref.name(market)}'s imports as {ref.name(market)} records "
        f"them ({money_text(base, scale='m')} from {ref.name(exporter)}): SMART weighs every "
        "supplier on the market's own statistics, so shares and diversion are like for like."
    )
    if abs(own - base) > 0.01 * max(abs(own), abs(base), 1.0):
        text += (
            f" {ref.name(exporter)}'s sales there under the source rule of `balance` and `rank` "
            f"are {money_text(own, scale='m')} ({found.period}; the exporter's own statistics "
            "where they cover a product): the difference is the usual gap between the two "
            "sides' records (CIF against FOB, timing, goods routed through third countries)."
        )
    provenance.note(text)


def _single_target(scenario: Scenario) -> str | None:
    targets = {e for m in scenario.measures for e in m.exporters}
    return next(iter(targets)) if len(targets) == 1 and "all" not in targets else None


def _rates(table: pa.Table) -> pa.Table:
    """Value-weighted before/after rates per HS6."""
    weighted = table.append_column(
        "w_before", pc.multiply(table.column("tariff_before_pct"), table.column("value_usd"))
    ).append_column(
        "w_after", pc.multiply(table.column("tariff_after_pct"), table.column("value_usd"))
    )
    sums = weighted.group_by("hs6").aggregate(
        [("w_before", "sum"), ("w_after", "sum"), ("value_usd", "sum")]
    )
    value = sums.column("value_usd_sum")
    safe = pc.if_else(pc.greater(value, 0), value, 1.0)
    return pa.table(
        {
            "hs6": sums.column("hs6"),
            "tariff_before_pct": pc.divide(sums.column("w_before_sum"), safe),
            "tariff_after_pct": pc.divide(sums.column("w_after_sum"), safe),
        }
    )


def _by_sector(ref: Reference, table: pa.Table, columns: Sequence[str]) -> pa.Table:
    out = []
    codes = table.column("hs6").to_pylist()
    for sector in ref.sectors():
        scope = ref.product_scope(sector=sector.name)
        mask = pa.array([scope.contains(c) for c in codes], pa.bool_())
        part = table.filter(mask)
        if part.num_rows == 0:
            continue
        row: dict[str, Any] = {"sector": sector.name, "hs_scope": scope.describe()}
        for c in columns:
            row[c] = pc.sum(part.column(c)).as_py() or 0.0
        out.append(row)
    out.sort(key=lambda r: r["change_usd"])
    return pa.Table.from_pylist(out) if out else pa.table({"sector": pa.array([], pa.string())})


def _competitors(ref: Reference, others: pa.Table, focus: str | None) -> pa.Table:
    if others.num_rows == 0:
        return pa.table({"exporter": pa.array([], pa.string())})
    sums = _sum_by(others, ["exporter"], ("value_usd", "diversion_usd", "change_usd"))
    sums = sums.sort_by([("change_usd", "descending")]).slice(0, 15)
    # Every code the data uses has a name (S19 is Taiwan as BACI codes it, EU27 the Census'
    # EU bloc); an unknown code stays as it is.
    names = [ref.name(e) for e in sums.column("exporter").to_pylist()]
    return sums.append_column("name", pa.array(names))


def _totals(mine: pa.Table, others: pa.Table, rows: pa.Table, focused: bool) -> dict[str, Any]:
    def total(table: pa.Table, column: str) -> float:
        if column not in table.column_names or table.num_rows == 0:
            return 0.0
        return float(pc.sum(table.column(column)).as_py() or 0.0)

    exports = total(mine, "value_usd")
    out: dict[str, Any] = {
        "exports_usd": exports,
        "change_usd": total(mine, "change_usd"),
        "change_low_usd": total(mine, "change_low_usd"),
        "change_high_usd": total(mine, "change_high_usd"),
        "market_imports_usd": total(rows, "value_usd"),
        "market_change_usd": total(rows, "change_usd"),
    }
    if focused:
        out["competitors_gain_usd"] = total(others, "change_usd")
        out["loss_pct"] = -100 * out["change_usd"] / exports if exports else None
    return out

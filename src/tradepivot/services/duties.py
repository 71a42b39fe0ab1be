"""Duties in the markets exporters pivot to: the EAEU, EU and UK schedules that ship.

One assembly of "what duty does exporter i pay on product k in market j" outside the US,
used by ``tariff show`` (line by line), ``rank`` and the pivot brief (a duty per market next
to the untapped potential) and the export-potential tariff factors (a rate per product).
Rates are MFN (conventional) rates read from the shipped schedules; specific duties are
ad valorem equivalents at a stated unit value (:mod:`tradepivot.tariffs.base_rates`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from tradepivot.analytics.tariff_factors import TariffTerms, tariff_terms
from tradepivot.data.catalog import DatasetManifest
from tradepivot.data.reference import Country, Reference
from tradepivot.data.tariff_schedule import other_tariff_files, other_tariff_manifest
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import DataGapError, InputError, UnknownProductError
from tradepivot.inputs import HsCodeError, normalise_hs
from tradepivot.services.report import Provenance, Report
from tradepivot.tariffs.base_rates import (
    EXPORTER_WITH_QUANTITIES,
    BaseSchedule,
    RateLine,
    UnitValue,
    UnitValues,
)

__all__ = [
    "DISCLAIMER",
    "DutyLookup",
    "DutyTables",
    "Schedules",
    "attach_duties",
    "base_duties",
    "base_stack",
    "base_timeline",
    "covered_markets",
    "duty_rates",
    "duty_tables",
    "market_duties",
    "schedules",
    "shipped_tariff_terms",
    "tariff_coverage",
]

DISCLAIMER = (
    "Tariff figures are read from the shipped sources as stated; tradepivot informs and does "
    "not give legal or customs advice."
)


@dataclass(frozen=True)
class Schedules:
    """Every shipped non-US schedule, India's unit values, and the HS2022->HS2017 weights."""

    items: tuple[BaseSchedule, ...]
    unit_values: UnitValues
    to_hs2017: dict[str, list[tuple[str, float]]]

    def for_market(self, market: str, day: dt.date | None = None) -> BaseSchedule | None:
        """The schedule in force in ``market`` on ``day`` (the latest shipped one if None)."""
        found = [s for s in self.items if market in s.markets]
        if day is not None:
            found = [s for s in found if s.in_force(day)]
        return max(found, key=lambda s: s.start) if found else None

    def markets(self) -> list[str]:
        return sorted({m for s in self.items for m in s.markets})


@cache
def schedules() -> Schedules:
    """The embedded EAEU, EU and UK schedules (read once per process)."""
    files = other_tariff_files()
    fx = {r["currency"]: float(r["usd_per_unit"]) for r in files.manifest["fx"]}
    items = tuple(
        BaseSchedule.from_records(meta, files.lines, fx, files.to_hs2022)
        for meta in files.manifest["schedules"]
    )
    values = UnitValues(
        UnitValue(r["code"], r["market"], r["fy"], r["unit"], r["value_usd"], r["quantity"])
        for r in files.unit_values
    )
    return Schedules(items, values, files.to_hs2017)


def covered_markets() -> list[str]:
    """Markets whose tariff schedule ships (besides the US)."""
    return sorted(_infos())


def _schedule(market: Country, day: dt.date | None) -> BaseSchedule:
    found = schedules().for_market(market.iso3)
    if found is None:
        raise InputError(
            f"No tariff schedule is embedded for {market.label()}: schedules ship for the US, "
            "the EAEU (RUS, BLR, KAZ, ARM, KGZ), the EU member states and the UK.",
            hint="For other markets, describe the duties in a scenario file "
            "(see docs/tariffs.md) and run `tradepivot tariff simulate`.",
        )
    if day is not None and not found.in_force(day):
        raise DataGapError(
            f"The shipped {found.title} is in force from {found.start}; no rates for "
            f"{market.name} on {day} ship.",
            hint=f"Ask for a date on or after {found.start}, or for the timeline.",
        )
    return found


def _lines(schedule: BaseSchedule, ref: Reference, hs: str) -> tuple[str, list[RateLine]]:
    try:  # national lines stay whole: a TN VED or CN line is asked for as written
        code = normalise_hs(hs, national=False).code
    except HsCodeError as exc:
        raise UnknownProductError(hs, schedule.edition, f"cannot be read: {exc}") from None
    lines = schedule.lines_under(code)
    if not lines:
        ref.hs(code[:6], schedule.edition)  # a code that does not exist at all says so
        raise UnknownProductError(
            hs, schedule.manifest["nomenclature"], f"has no tariff line in the {schedule.short}"
        )
    return code, lines


def _rows(
    schedule: BaseSchedule,
    ref: Reference,
    lines: Sequence[RateLine],
    exporter: str,
    market: str,
) -> list[dict[str, Any]]:
    rows = []
    values = schedules().unit_values
    for line in lines:
        ave = schedule.ave(line, exporter, market, values)
        rows.append(
            {
                "line": line.line,
                "hs6": line.hs6,
                "description": line.description or ref.describe(line.hs6, schedule.edition),
                "mfn_text": line.duty.text,
                "form": line.duty.form,
                "mfn_pct": line.duty.ad_valorem_pct,
                "total_pct": ave.pct,
                "at_least_pct": ave.lower_bound_pct if ave.pct is None else None,
                "unit_value_usd": ave.unit_value.usd_per_unit if ave.unit_value else None,
                "basis": ave.basis,
                "flags": line.flag,
                "source_row": line.source_row,
            }
        )
    return rows


def _provenance(schedule: BaseSchedule, rows: Iterable[dict[str, Any]]) -> Provenance:
    provenance = Provenance()
    provenance.datasets.append(schedule.citation())
    provenance.note(*schedule.notes())
    specific = [r for r in rows if r["form"] in ("specific", "minimum", "compound")]
    if specific:
        fx = ", ".join(
            f"{r['currency']} = USD {r['usd_per_unit']:g} ({r['source']})"
            for r in other_tariff_files().manifest["fx"]
            if r["currency"] != "USD"
        )
        provenance.note(
            f"{len(specific)} line(s) carry a specific duty (per kg, pair, litre ...), shown as "
            "an ad valorem equivalent (AVE) at the unit value in `basis`: India's own from EIDB "
            "quantities (to this market when it holds at least USD 0.1 m of trade, else to all "
            "markets, else the heading's); for other exporters India's, as a proxy. The duty "
            f"as written is in `mfn_text`. Exchange rates: {fx}."
        )
    provenance.note(DISCLAIMER)
    return provenance


def _span(values: Iterable[float | None]) -> str | None:
    known = [v for v in values if v is not None]
    if not known:
        return None
    low, high = min(known), max(known)
    return f"{low:.3g}%" if low == high else f"{low:.3g}-{high:.3g}%"


def base_stack(ref: Reference, market: Country, exporter: Country, hs: str, day: dt.date) -> Report:
    """The duties on every national line under ``hs`` entering ``market`` on ``day``."""
    schedule = _schedule(market, day)
    code, lines = _lines(schedule, ref, hs)
    rows = _rows(schedule, ref, lines, exporter.iso3, market.iso3)
    totals = {
        "lines": len(rows),
        "mfn": _span(r["mfn_pct"] for r in rows),
        "total": _span(r["total_pct"] for r in rows),
        "specific_lines": sum(r["form"] in ("specific", "minimum", "compound") for r in rows),
        "ave_unknown_lines": sum(r["total_pct"] is None for r in rows),
        "schedule": schedule.id,
        "in_force_from": schedule.start.isoformat(),
    }
    return Report(
        title=(
            f"{schedule.short} duties on {exporter.label()}'s HS {code} entering {market.name} "
            f"on {day.isoformat()} ({len(rows)} tariff lines, MFN)"
        ),
        rows=pa.Table.from_pylist(rows),
        query={"market": market.iso3, "exporter": exporter.iso3, "hs": code, "date": str(day)},
        provenance=_provenance(schedule, rows),
        totals=totals,
        kind="duty-stack",
    )


def base_timeline(
    ref: Reference,
    market: Country,
    exporter: Country,
    hs: str,
    start: dt.date,
    end: dt.date,
) -> Report:
    """Periods of [start, end] with the schedule in force (or none shipped) on ``hs``."""
    schedule = _schedule(market, None)
    code, lines = _lines(schedule, ref, hs)
    rows: list[dict[str, Any]] = []
    if start < schedule.start:
        rows.append(
            {
                "from": start.isoformat(),
                "to": min(end, schedule.start - dt.timedelta(days=1)).isoformat(),
                "total_min_pct": None,
                "total_max_pct": None,
                "layers": "no rates shipped",
                "event": "",
            }
        )
    lines_rows = _rows(schedule, ref, lines, exporter.iso3, market.iso3)
    if end >= schedule.start:
        totals = [r["total_pct"] for r in lines_rows if r["total_pct"] is not None]
        begins = max(start, schedule.start)
        rows.append(
            {
                "from": begins.isoformat(),
                "to": end.isoformat(),
                "total_min_pct": min(totals) if totals else None,
                "total_max_pct": max(totals) if totals else None,
                "layers": f"MFN ({schedule.short})",
                "event": f"{schedule.short} in force" if begins == schedule.start else "",
            }
        )
    return Report(
        title=(
            f"{schedule.short} duties on {exporter.label()}'s HS {code} entering {market.name}, "
            f"{start.isoformat()} to {end.isoformat()} ({len(lines)} tariff lines)"
        ),
        rows=pa.Table.from_pylist(rows),
        query={
            "market": market.iso3,
            "exporter": exporter.iso3,
            "hs": code,
            "from": start.isoformat(),
            "to": end.isoformat(),
        },
        provenance=_provenance(schedule, lines_rows),
        totals={"lines": len(lines), "periods": len(rows)},
        tables={"lines": pa.Table.from_pylist(lines_rows)},
        kind="duty-timeline",
    )


def _hs6_rates(schedule_id: str, exporter: str, market: str) -> dict[str, float]:
    """HS2017 HS6 -> the duty (AVE, percent) ``exporter`` pays in ``market`` under the
    schedule: the mean over the national lines with a known AVE, mapped from HS2022 with the
    concordance weights where needed. Only India's AVEs depend on the market (its own unit
    values), and only on lines with a specific duty."""
    if exporter != EXPORTER_WITH_QUANTITIES:
        return _to_hs2017(schedule_id, "", "WLD")
    return _to_hs2017(schedule_id, exporter, market)


@cache
def _native(schedule_id: str, exporter: str, market: str) -> dict[str, float]:
    """HS6 of the schedule's edition -> mean AVE; for India only the codes whose lines
    carry a specific duty (the others are everyone's)."""
    found = schedules()
    schedule = next(s for s in found.items if s.id == schedule_id)
    own = exporter == EXPORTER_WITH_QUANTITIES
    sums: dict[str, list[float]] = {}
    for code, lines in schedule.by_hs6().items():
        if own and not any(line.duty.has_specific for line in lines):
            continue
        for line in lines:
            ave = schedule.ave(line, exporter, market, found.unit_values).pct
            if ave is not None:
                cell = sums.setdefault(code, [0.0, 0.0])
                cell[0] += ave
                cell[1] += 1
    return {code: total / count for code, (total, count) in sums.items()}


@cache
def _to_hs2017(schedule_id: str, exporter: str, market: str) -> dict[str, float]:
    found = schedules()
    schedule = next(s for s in found.items if s.id == schedule_id)
    by_hs6 = dict(_native(schedule_id, "", "WLD"))
    if exporter:
        by_hs6.update(_native(schedule_id, exporter, market))
    if schedule.edition == "HS2017":
        return by_hs6
    weighted: dict[str, list[float]] = {}
    for code, rate in by_hs6.items():
        for target, weight in found.to_hs2017.get(code, [(code, 1.0)]):
            cell = weighted.setdefault(target, [0.0, 0.0])
            cell[0] += rate * weight
            cell[1] += weight
    return {code: total / w for code, (total, w) in weighted.items() if w > 0}


def duty_rates(exporter: str, markets: Iterable[str], day: dt.date | None = None) -> pa.Table:
    """``importer, hs6, duty_pct`` (HS2017) for ``exporter`` in the covered ``markets``."""
    found = schedules()
    importers, codes, rates = [], [], []
    for market in sorted(set(markets)):
        schedule = found.for_market(market, day)
        if schedule is None or market == exporter:
            continue
        if schedule.free_between(exporter, market):
            continue  # duty-free: the caller treats a missing pair of a covered market as 0
        for code, rate in _hs6_rates(schedule.id, exporter, market).items():
            importers.append(market)
            codes.append(code)
            rates.append(rate)
    return pa.table(
        {
            "importer": pa.array(importers, pa.string()),
            "hs6": pa.array(codes, pa.string()),
            "duty_pct": pa.array(rates, pa.float64()),
        }
    )


@dataclass(frozen=True)
class _Info:
    """What the manifest says of a schedule: enough to name it and tell who pays nothing."""

    id: str
    title: str
    short: str
    start: str
    union: frozenset[str]

    def free_between(self, exporter: str, market: str) -> bool:
        return exporter in self.union and market in self.union and exporter != market

    def source(self, exporter: str, market: str) -> str:
        if self.free_between(exporter, market):
            return f"{self.short}: customs union, duty-free"
        return f"{self.short}, MFN, from {self.start}"


@cache
def _infos() -> dict[str, _Info]:
    """Market -> the latest shipped schedule's description (the manifest only, no lines)."""
    found: dict[str, _Info] = {}
    for meta in sorted(other_tariff_manifest()["schedules"], key=lambda m: m["start"]):
        info = _Info(
            meta["id"], meta["title"], meta["short"], meta["start"], frozenset(meta["union"])
        )
        for market in meta["markets"]:
            found[market] = info
    return found


DutyLookup = Mapping[tuple[str, str], float]  # (importer, HS2017 hs6) -> duty, percent


def base_duties(
    market: str, exporters: Sequence[str], codes: Sequence[str]
) -> tuple[list[float | None], str] | None:
    """The shipped MFN duty (percent) each exporter pays on each HS2017 code in ``market``,
    None where unknown, with the schedule's short name; None when no schedule ships."""
    info = _infos().get(market)
    if info is None:
        return None
    general = _hs6_rates(info.id, "", market)
    india = _hs6_rates(info.id, EXPORTER_WITH_QUANTITIES, market)
    duties = [
        0.0
        if info.free_between(exporter, market)
        else (india if exporter == EXPORTER_WITH_QUANTITIES else general).get(code)
        for exporter, code in zip(exporters, codes, strict=True)
    ]
    return duties, f"{info.title}, in force from {info.start}"


def market_duties(exporter: str, demand: pa.Table, rates: DutyLookup) -> pa.Table:
    """Per market, the duty ``exporter`` faces on the products in ``demand``.

    ``demand`` has ``importer, hs6, imports_usd`` (HS2017); ``rates`` the exporter's duties
    (:func:`duty_lookup`). Returns ``importer, duty_pct`` (the import-weighted mean over the
    products with a known duty), ``duty_range``, ``duty_source`` (schedule, rate type and first
    day) for every covered market in ``demand``; markets without a shipped schedule are absent.
    """
    infos = _infos()
    weights: dict[str, list[float]] = {}
    ranges: dict[str, list[float]] = {}
    sources: dict[str, str] = {}
    for row in demand.select(["importer", "hs6", "imports_usd"]).to_pylist():
        market = row["importer"]
        info = infos.get(market)
        if info is None:
            continue
        sources[market] = info.source(exporter, market)
        free = info.free_between(exporter, market)
        rate = 0.0 if free else rates.get((market, row["hs6"]))
        if rate is None or not row["imports_usd"]:
            continue
        cell = weights.setdefault(market, [0.0, 0.0])
        cell[0] += rate * row["imports_usd"]
        cell[1] += row["imports_usd"]
        ranges.setdefault(market, []).append(rate)
    markets = sorted(sources)
    return pa.table(
        {
            "importer": pa.array(markets, pa.string()),
            "duty_pct": pa.array(
                [weights[m][0] / weights[m][1] if m in weights else None for m in markets],
                pa.float64(),
            ),
            "duty_range": pa.array([_span(ranges.get(m, [])) for m in markets], pa.string()),
            "duty_source": pa.array([sources[m] for m in markets], pa.string()),
        }
    )


def attach_duties(
    table: pa.Table, exporter: str, demand: pa.Table, rates: DutyLookup, provenance: Provenance
) -> pa.Table:
    """``table`` (one row per ``importer``, or per ``importer`` and ``code``) with the duty
    ``exporter`` faces there: ``duty_pct`` and ``duty_source`` (plus ``duty_range`` per
    market), and a note naming the markets with and without a shipped schedule.

    ``demand`` (``importer, hs6, imports_usd``) weights a market's products; ``rates`` are
    the exporter's duties (:func:`duty_lookup`).
    """
    infos = _infos()
    importers = table.column("importer").to_pylist()
    if "code" in table.column_names:
        duty, source = [], []
        for market, code in zip(importers, table.column("code").to_pylist(), strict=True):
            info = infos.get(market)
            free = info is not None and info.free_between(exporter, market)
            duty.append(0.0 if free else rates.get((market, code)))
            source.append(info.short if info else None)
        table = table.append_column("duty_pct", pa.array(duty, pa.float64()))
        table = table.append_column("duty_source", pa.array(source, pa.string()))
    else:
        wanted = demand.filter(pc.is_in(demand.column("importer"), pa.array(importers)))
        duties = {r["importer"]: r for r in market_duties(exporter, wanted, rates).to_pylist()}
        for column, kind in (
            ("duty_pct", pa.float64()),
            ("duty_range", pa.string()),
            ("duty_source", pa.string()),
        ):
            values = [duties[i][column] if i in duties else None for i in importers]
            table = table.append_column(column, pa.array(values, kind))
    covered = sorted({i for i in importers if i in infos})
    missing = sorted(set(importers) - set(covered))
    if covered:
        used = {infos[i].id: infos[i] for i in covered}
        provenance.note(
            f"Duties shown for {len(covered)} of the {len(set(importers))} markets listed "
            f"({', '.join(covered[:12])}{' ...' if len(covered) > 12 else ''}): MFN rates of "
            + "; ".join(f"{s.title}, in force from {s.start}" for _, s in sorted(used.items()))
            + ". Preferences not applied; specific duties as ad valorem equivalents at "
            "India's EIDB unit values; per market, import-weighted over the products in scope. "
            "`tradepivot tariff show MARKET EXPORTER --hs CODE` gives them line by line."
        )
    if missing:
        provenance.note(
            f"No tariff data ships for {len(missing)} market(s), so no duty is shown there: "
            f"{', '.join(missing[:15])}{' ...' if len(missing) > 15 else ''}."
        )
    return table


def _by_pair(rates: pa.Table, column: str) -> dict[tuple[str, str], float]:
    """``(importer, hs6) -> rates[column]``."""
    return dict(
        zip(
            zip(rates.column("importer").to_pylist(), rates.column("hs6").to_pylist(), strict=True),
            rates.column(column).to_pylist(),
            strict=True,
        )
    )


def _as_fraction(rates: pa.Table) -> pa.Table:
    """``importer, hs6, duty_pct`` -> ``importer, hs6, rate`` (0.125 for 12.5%)."""
    return pa.table(
        {
            "importer": rates.column("importer"),
            "hs6": rates.column("hs6"),
            "rate": pc.divide(rates.column("duty_pct"), 100.0),
        }
    )


@dataclass(frozen=True)
class DutyTables:
    """The shipped duties as tables of the warehouse's engine (rates are fractions).

    ``general``: importer, hs6, rate (everyone's); ``own``: exporter, importer, hs6, rate
    (India's, where its unit values make them differ); ``free``: exporter, importer (one
    customs union). Built from the schedules once per dataset and kept in the user cache.
    """

    general: ir.Table
    own: ir.Table
    free: ir.Table

    def map(self, materialise: Callable[[ir.Table], ir.Table]) -> DutyTables:
        """The same tables passed through ``materialise`` (e.g. into the engine's memory)."""
        return DutyTables(materialise(self.general), materialise(self.own), materialise(self.free))

    def lookup(self, exporter: str, importers: Iterable[str]) -> dict[tuple[str, str], float]:
        """(importer, hs6) -> the duty ``exporter`` pays, in percent, in ``importers``."""
        wanted = sorted(set(importers) & set(_infos()))
        general = self.general.filter(self.general.importer.isin(wanted)).to_pyarrow()
        found = {key: rate * 100 for key, rate in _by_pair(general, "rate").items()}
        own = self.own.filter(
            (self.own.exporter == exporter) & self.own.importer.isin(wanted)
        ).to_pyarrow()
        found.update({key: rate * 100 for key, rate in _by_pair(own, "rate").items()})
        return found


def duty_tables(wh: Warehouse, manifest: DatasetManifest) -> DutyTables:
    """The shipped duties for ``manifest``'s dataset (HS2017), cached on first use."""
    markets = covered_markets()
    version = other_tariff_manifest()["inputs_sha256"][:12]

    def general() -> pa.Table:
        return _as_fraction(duty_rates("", markets))

    def own() -> pa.Table:
        # India's own AVEs, only where they differ from everyone's (specific duties).
        mine, base = duty_rates(EXPORTER_WITH_QUANTITIES, markets), _by_pair(general(), "rate")
        rows = [
            {"exporter": EXPORTER_WITH_QUANTITIES, "importer": i, "hs6": c, "rate": r / 100}
            for i, c, r in zip(
                mine.column("importer").to_pylist(),
                mine.column("hs6").to_pylist(),
                mine.column("duty_pct").to_pylist(),
                strict=True,
            )
            if base.get((i, c)) != r / 100
        ]
        schema = pa.schema(
            [
                ("exporter", pa.string()),
                ("importer", pa.string()),
                ("hs6", pa.string()),
                ("rate", pa.float64()),
            ]
        )
        return pa.Table.from_pylist(rows, schema=schema)

    def free() -> pa.Table:
        infos = _infos()
        pairs = [
            (a, b) for a in sorted(infos) for b in sorted(infos) if infos[b].free_between(a, b)
        ]
        return pa.table(
            {
                "exporter": pa.array([a for a, _ in pairs], pa.string()),
                "importer": pa.array([b for _, b in pairs], pa.string()),
            }
        )

    def table(name: str, build: Callable[[], pa.Table]) -> ir.Table:
        # Kept as a derived table of the dataset (a Parquet file in the user cache, built on
        # first use), which both engines read; the schedules' checksum is in the key.
        return wh.derived(manifest, f"duties-{version}-{name}", lambda: ibis.memtable(build()))

    return DutyTables(table("general", general), table("own", own), table("free", free))


def shipped_tariff_terms(
    flows: ir.Table,
    duties: DutyTables,
    provenance: Provenance | None = None,
    materialise: Callable[[ir.Table], ir.Table] | None = None,
) -> TariffTerms:
    """The export-potential tariff factors from the shipped duties, for ``flows`` (HS2017).

    Known duties: the EAEU, EU and UK MFN schedules (AVEs at India's unit values to all
    markets, and for India at its own), zero between members of one customs union; unknown
    elsewhere (factors 1).
    """
    terms = tariff_terms(flows, duties.general, duties.own, duties.free, materialise=materialise)
    if provenance is not None:
        provenance.note(
            f"Tariff factors (ITC's market tariff advantage and global tariff disadvantage, "
            f"sigma = {terms.sigma:g}) use the shipped MFN duties of {len(_infos())} markets "
            "(EAEU CCT 2026: RUS, BLR, KAZ, ARM, KGZ; EU CET 2020: the 27 EU members; UKGT "
            "2021: GBR), zero within the EAEU and within the EU (customs unions), "
            "preferences not applied; in every other market the duty is unknown and the "
            "factors are 1. Ease (actual over hypothetical trade) is computed without duties."
        )
    return terms


def tariff_coverage(exporter: str = EXPORTER_WITH_QUANTITIES) -> Report:
    """What the shipped EAEU, EU and UK schedules cover, one row per schedule.

    Lines, HS6 codes (the schedule's edition and HS2017), the rate forms, and how many lines
    with a specific duty get an ad valorem equivalent for ``exporter`` (India: its unit
    values to every market; the AVE for one market may differ).
    """
    found = schedules()
    rows: list[dict[str, Any]] = []
    for schedule in found.items:
        forms: dict[str, int] = {}
        converted = unknown = 0
        for line in schedule.lines.values():
            forms[line.duty.form] = forms.get(line.duty.form, 0) + 1
            if line.duty.has_specific:
                ave = schedule.ave(line, exporter, "", found.unit_values)
                converted += ave.pct is not None
                unknown += ave.pct is None
        rows.append(
            {
                "schedule": schedule.id,
                "title": schedule.title,
                "markets": ", ".join(schedule.markets),
                "in_force_from": schedule.start.isoformat(),
                "lines": len(schedule.lines),
                "hs6_codes": len(schedule.by_hs6()),
                "hs2017_codes": len(_to_hs2017(schedule.id, "", "WLD")),
                "ad_valorem_lines": forms.get("ad_valorem", 0) + forms.get("free", 0),
                "specific_lines": converted + unknown,
                "specific_converted": converted,
                "specific_no_ave": unknown,
                "complex_lines": forms.get("complex", 0),
                "ambiguous_lines": forms.get("ambiguous", 0),
            }
        )
    provenance = Provenance()
    for schedule in found.items:
        provenance.datasets.append(schedule.citation())
    provenance.note(
        "specific_lines: lines with a specific part (per kg, pair, litre ...: specific, "
        "'at least' and compound duties); specific_converted: those with an ad valorem "
        f"equivalent for {exporter} at its unit values to every market (EIDB); hs2017_codes: "
        "HS2017 subheadings with a known duty after the HS2022 concordance.",
        DISCLAIMER,
    )
    totals = {
        key: sum(r[key] for r in rows)
        for key in ("lines", "specific_lines", "specific_converted", "specific_no_ave")
    }
    return Report(
        title="Tariff schedules shipped besides the US one (MFN rates)",
        rows=pa.Table.from_pylist(rows),
        query={"exporter": exporter},
        provenance=provenance,
        totals={"schedules": len(rows), **totals, "markets": len(found.markets())},
        kind="duty-coverage",
    )

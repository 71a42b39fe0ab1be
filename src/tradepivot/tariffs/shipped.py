"""The shipped EAEU, EU and UK tariff schedules as rates: per HS2017 code, market and exporter.

One computation of "what duty does exporter i pay on product k in market j" outside the US:
MFN (conventional) rates read from the shipped schedules, specific duties as ad valorem
equivalents at a stated unit value (:mod:`tradepivot.tariffs.base_rates`), HS2022 lines mapped
to HS2017 with the concordance weights, zero within a customs union. The export-potential
tariff factors (:class:`DutyTables`, :func:`shipped_tariff_terms`), ``rank``'s and the brief's
duty per market (:func:`attach_duties`) and ``tariff show`` all read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from tradepivot.analytics.tariff_factors import TariffTerms, tariff_terms
from tradepivot.data.catalog import DatasetManifest
from tradepivot.data.provenance import Provenance
from tradepivot.data.tariff_schedule import other_tariff_files, other_tariff_manifest
from tradepivot.data.warehouse import Warehouse
from tradepivot.tariffs.base_rates import (
    EXPORTER_WITH_QUANTITIES,
    BaseSchedule,
    UnitValue,
    UnitValues,
)

__all__ = [
    "DutyLookup",
    "DutyTables",
    "ScheduleInfo",
    "Schedules",
    "attach_duties",
    "base_duties",
    "covered_markets",
    "duty_rates",
    "duty_tables",
    "hs2017_rates",
    "market_duties",
    "rate_span",
    "schedule_infos",
    "schedules",
    "shipped_tariff_terms",
]


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
    return sorted(schedule_infos())


def rate_span(values: Iterable[float | None]) -> str | None:
    known = [v for v in values if v is not None]
    if not known:
        return None
    low, high = min(known), max(known)
    return f"{low:.3g}%" if low == high else f"{low:.3g}-{high:.3g}%"


def _hs6_rates(schedule_id: str, exporter: str, market: str) -> dict[str, float]:
    """HS2017 HS6 -> the duty (AVE, percent) ``exporter`` pays in ``market`` under the
    schedule: the mean over the national lines with a known AVE, mapped from HS2022 with the
    concordance weights where needed. Only India's AVEs depend on the market (its own unit
    values), and only on lines with a specific duty."""
    if exporter != EXPORTER_WITH_QUANTITIES:
        return hs2017_rates(schedule_id, "", "WLD")
    return hs2017_rates(schedule_id, exporter, market)


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
def hs2017_rates(schedule_id: str, exporter: str, market: str) -> dict[str, float]:
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
class ScheduleInfo:
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
def schedule_infos() -> dict[str, ScheduleInfo]:
    """Market -> the latest shipped schedule's description (the manifest only, no lines)."""
    found: dict[str, ScheduleInfo] = {}
    for meta in sorted(other_tariff_manifest()["schedules"], key=lambda m: m["start"]):
        info = ScheduleInfo(
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
    info = schedule_infos().get(market)
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
    infos = schedule_infos()
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
            "duty_range": pa.array([rate_span(ranges.get(m, [])) for m in markets], pa.string()),
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
    infos = schedule_infos()
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
        wanted = sorted(set(importers) & set(schedule_infos()))
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
        infos = schedule_infos()
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
            f"sigma = {terms.sigma:g}) use the shipped MFN duties of {len(schedule_infos())} markets "
            "(EAEU CCT 2026: RUS, BLR, KAZ, ARM, KGZ; EU CET 2020: the 27 EU members; UKGT "
            "2021: GBR), zero within the EAEU and within the EU (customs unions), "
            "preferences not applied; in every other market the duty is unknown and the "
            "factors are 1. Ease (actual over hypothetical trade) is computed without duties."
        )
    return terms

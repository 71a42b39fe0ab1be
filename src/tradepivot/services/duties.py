"""Duties in the markets exporters pivot to: the EAEU, EU and UK schedules that ship.

One assembly of "what duty does exporter i pay on product k in market j" outside the US,
used by ``tariff show`` (line by line), ``rank`` and the pivot brief (a duty per market next
to the untapped potential) and the export-potential tariff factors (a rate per product).
Rates are MFN (conventional) rates read from the shipped schedules; specific duties are
ad valorem equivalents at a stated unit value (:mod:`tradepivot.tariffs.base_rates`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa

from tradepivot.data.reference import Country, Reference
from tradepivot.data.tariff_schedule import other_tariff_files
from tradepivot.errors import DataGapError, InputError, UnknownProductError
from tradepivot.inputs import HsCodeError, normalise_hs
from tradepivot.services.report import Provenance, Report
from tradepivot.tariffs.base_rates import (
    EXPORTER_WITH_QUANTITIES,
    BaseSchedule,
    RateLine,
)
from tradepivot.tariffs.shipped import hs2017_rates, rate_span, schedules

__all__ = [
    "DISCLAIMER",
    "base_stack",
    "base_timeline",
    "tariff_coverage",
]

DISCLAIMER = (
    "Tariff figures are read from the shipped sources as stated; tradepivot informs and does "
    "not give legal or customs advice."
)


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


def base_stack(ref: Reference, market: Country, exporter: Country, hs: str, day: dt.date) -> Report:
    """The duties on every national line under ``hs`` entering ``market`` on ``day``."""
    schedule = _schedule(market, day)
    code, lines = _lines(schedule, ref, hs)
    rows = _rows(schedule, ref, lines, exporter.iso3, market.iso3)
    totals = {
        "lines": len(rows),
        "mfn": rate_span(r["mfn_pct"] for r in rows),
        "total": rate_span(r["total_pct"] for r in rows),
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
                "hs2017_codes": len(hs2017_rates(schedule.id, "", "WLD")),
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

"""Tariff look-ups: the dated stack of duties on a product, and how it changed over time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from tradepivot.data.reference import Reference
from tradepivot.data.tariff_schedule import us_tariff_files
from tradepivot.errors import InputError, UnknownProductError
from tradepivot.inputs import HsCodeError, normalise_hs, read_text
from tradepivot.services.duties import DISCLAIMER, base_stack, base_timeline
from tradepivot.services.report import Provenance, Report
from tradepivot.tariffs.measures import Measure, Stack
from tradepivot.tariffs.scenarios import SCENARIO_LIMITS, Scenario, parse_scenario
from tradepivot.tariffs.schedule import TariffSchedule

__all__ = [
    "DISCLAIMER",
    "load_scenario",
    "schedule_for",
    "tariff_stack",
    "tariff_timeline",
]

TIMELINE_START = dt.date(2025, 1, 1)
TIMELINE_END = dt.date(2026, 12, 31)


@cache
def _us() -> TariffSchedule:
    f = us_tariff_files()
    return TariffSchedule.from_records(
        f.market, f.measures, f.country_rates, f.mfn, f.lists, f.manifest
    )


def schedule_for(market: str) -> TariffSchedule:
    """The embedded US schedule with its dated measures (other markets: :mod:`.duties`)."""
    if market != "USA":
        raise InputError(
            f"No dated US-style measures are embedded for {market}: its MFN schedule, if "
            "shipped, is read with `tradepivot tariff show`.",
            hint="For additional duties, describe them in a scenario file "
            "(see docs/tariffs.md) and run `tradepivot tariff simulate`.",
        )
    return _us()


def load_scenario(path: Path, ref: Reference) -> Scenario:
    """Read and validate a scenario file (a regular UTF-8 file of at most 4 MiB)."""
    text = read_text(path, "scenario file", SCENARIO_LIMITS)
    return parse_scenario(text, str(path), ref)


def _lines(schedule: TariffSchedule, ref: Reference, hs: str) -> tuple[str, list[str]]:
    try:
        code = normalise_hs(hs, national=False).code
    except HsCodeError as exc:
        raise UnknownProductError(hs, "HTS", "is not 2, 4, 6, 8 or 10 digits") from exc
    lines = schedule.lines(code)
    if not lines:
        try:  # an HS code that exists but has no US line, or one that does not exist at all
            ref.hs(code[:6], "HS2022")
        except UnknownProductError:
            raise
        raise UnknownProductError(hs, "US HTS 2025", "has no tariff line in the US schedule")
    return code, lines


def _layer_text(stack: Stack) -> str:
    parts = [f"{_short(layer.measure)} +{layer.rate_pct:g}" for layer in stack.layers]
    return "; ".join(parts) if parts else "none"


def _short(measure: Measure) -> str:
    """A measure's legal heading without the act ("9903.01.84"), or its id."""
    return measure.reference.split(" (")[0].removeprefix("HTSUS ") or measure.id


def _flags(schedule: TariffSchedule, line: str) -> str | None:
    metals = [
        name.removeprefix("s232-")
        for name in schedule.lists
        if name.startswith("s232-")
        if schedule.on_list(name, line)
    ]
    if metals:  # every annex entry dates from 2026-04-06 (s232_annex_products.csv)
        return f"on the Section 232 {'/'.join(metals)} annex from 2026-04-06 (not modelled)"
    return None


def _provenance(schedule: TariffSchedule, stacks: Iterable[Stack]) -> Provenance:
    provenance = Provenance()
    provenance.datasets.append(schedule.citation())
    for gap in schedule.manifest.get("gaps", []):
        provenance.gaps.append({"dataset": schedule.manifest["id"], "id": "tariffs", "text": gap})
    for stack in stacks:
        provenance.note(*stack.notes)
    provenance.note(
        "Each measure's source file and line: the `measures` table in csv/json/xlsx output, "
        "and tradepivot/data/reference/us_measures.yaml.",
        DISCLAIMER,
    )
    return provenance


def _measure_rows(stacks: Sequence[Stack]) -> pa.Table:
    used: dict[str, tuple[Measure, int, float, float]] = {}
    for stack in stacks:
        for layer in stack.layers:
            m = layer.measure
            seen = used.get(m.id)
            low = min(layer.rate_pct, seen[2]) if seen else layer.rate_pct
            high = max(layer.rate_pct, seen[3]) if seen else layer.rate_pct
            used[m.id] = (m, (seen[1] if seen else 0) + 1, low, high)
    rows = [
        {
            "measure": m.id,
            "reference": m.reference,
            "rate_pct": m.rate_pct,
            "applied": f"{low:g}%" if low == high else f"{low:g}-{high:g}%",
            "lines": count,
            "period": m.period(),
            "source": m.source,
            "layer": m.layer,
            "mode": m.mode,
            "ambiguity": m.ambiguity,
        }
        for m, count, low, high in used.values()
    ]
    return pa.Table.from_pylist(rows) if rows else pa.table({"measure": pa.array([], pa.string())})


def tariff_stack(
    ref: Reference,
    market: str,
    exporter: str,
    hs: str,
    day: dt.date,
    extra: Sequence[Measure] = (),
) -> Report:
    """The duties in force on ``day`` on every national line under ``hs``, layer by layer.

    The US: MFN plus the dated additional measures. The EAEU, EU and UK: their MFN schedule
    (:func:`tradepivot.services.duties.base_stack`).
    """
    market_c, exporter_c = ref.country(market), ref.country(exporter)
    if market_c.iso3 != "USA":
        return base_stack(ref, market_c, exporter_c, hs, day)
    schedule = schedule_for(market_c.iso3)
    code, lines = _lines(schedule, ref, hs)
    stacks = [schedule.stack(exporter_c.iso3, line, day, extra) for line in lines]
    rows = []
    for line, stack in zip(lines, stacks, strict=True):
        mfn = schedule.mfn[line]
        rows.append(
            {
                "line": line,
                "hs6": line[:6],
                "description": ref.describe(line[:6], "HS2022"),
                "mfn_pct": mfn.mfn_pct,
                "mfn_text": mfn.rate_text,
                "additional_pct": stack.additional_pct,
                "total_pct": stack.total_pct,
                "layers": _layer_text(stack),
                "flags": _flags(schedule, line),
            }
        )
    table = pa.Table.from_pylist(rows)
    totals = _ranges(rows)
    provenance = _provenance(schedule, stacks)
    if any(r["mfn_pct"] is None for r in rows):
        provenance.note(
            "Some lines carry specific or compound MFN duties (shown as text): their total "
            "is unknown without a unit value."
        )
    if day > TIMELINE_END or day < TIMELINE_START:
        provenance.note(f"{day} is outside 2025-2026, the period the shipped measures describe.")
    return Report(
        title=(
            f"US duties on {exporter_c.label()}'s HS {code} on {day.isoformat()} "
            f"({len(lines)} tariff lines)"
        ),
        rows=table,
        query={
            "market": market_c.iso3,
            "exporter": exporter_c.iso3,
            "hs": code,
            "date": day.isoformat(),
        },
        provenance=provenance,
        totals=totals,
        tables={"measures": _measure_rows(stacks)},
        kind="tariff-stack",
    )


def _ranges(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    def span(key: str) -> str | None:
        values = [r[key] for r in rows if r[key] is not None]
        if not values:
            return None
        low, high = min(values), max(values)
        return f"{low:g}%" if low == high else f"{low:g}-{high:g}%"

    return {
        "lines": len(rows),
        "mfn": span("mfn_pct"),
        "additional": span("additional_pct"),
        "total": span("total_pct"),
    }


def tariff_timeline(
    ref: Reference,
    market: str,
    exporter: str,
    hs: str,
    start: dt.date = TIMELINE_START,
    end: dt.date = TIMELINE_END,
    extra: Sequence[Measure] = (),
) -> Report:
    """Every period of 2025-2026 with a different stack on ``hs``, with the layers in force."""
    if end < start:
        raise InputError(f"The timeline ends ({end}) before it starts ({start}).")
    market_c, exporter_c = ref.country(market), ref.country(exporter)
    if market_c.iso3 != "USA":
        return base_timeline(ref, market_c, exporter_c, hs, start, end)
    schedule = schedule_for(market_c.iso3)
    code, lines = _lines(schedule, ref, hs)
    days = schedule.change_dates(start, end, extra)
    rows: list[dict[str, Any]] = []
    every: list[Stack] = []
    for n, day in enumerate(days):
        stacks = [schedule.stack(exporter_c.iso3, line, day, extra) for line in lines]
        every += stacks
        additional = sorted({s.additional_pct for s in stacks})
        totals = [s.total_pct for s in stacks if s.total_pct is not None]
        last = days[n + 1] - dt.timedelta(days=1) if n + 1 < len(days) else end
        layers = sorted({_layer_text(s) for s in stacks}, key=len, reverse=True)
        row = {
            "from": day.isoformat(),
            "to": last.isoformat(),
            "additional_min_pct": additional[0],
            "additional_max_pct": additional[-1],
            "total_min_pct": min(totals) if totals else None,
            "total_max_pct": max(totals) if totals else None,
            "layers": layers[0],
            "event": _event(schedule, day, extra, exporter_c.iso3),
        }
        if rows and {k: v for k, v in rows[-1].items() if k not in ("from", "to", "event")} == {
            k: v for k, v in row.items() if k not in ("from", "to", "event")
        }:
            rows[-1]["to"] = row["to"]  # no change for this product: merge the periods
            continue
        rows.append(row)
    return Report(
        title=(
            f"US duties on {exporter_c.label()}'s HS {code}, {start.isoformat()} to "
            f"{end.isoformat()} ({len(lines)} tariff lines)"
        ),
        rows=pa.Table.from_pylist(rows),
        query={
            "market": market_c.iso3,
            "exporter": exporter_c.iso3,
            "hs": code,
            "from": start.isoformat(),
            "to": end.isoformat(),
        },
        provenance=_provenance(schedule, every),
        totals={"lines": len(lines), "periods": len(rows)},
        tables={"measures": _measure_rows(every)},
        kind="tariff-timeline",
    )


def _event(schedule: TariffSchedule, day: dt.date, extra: Sequence[Measure], exporter: str) -> str:
    """What starts or ends on ``day`` for ``exporter`` (before product exemptions)."""
    events = []
    for m in (*schedule.measures, *extra):
        if not m.covers_exporter(exporter):
            continue
        if m.start == day:
            events.append(f"{_short(m)} starts")
        if m.end is not None and m.end + dt.timedelta(days=1) == day:
            events.append(f"{_short(m)} ends")
    return "; ".join(dict.fromkeys(events))

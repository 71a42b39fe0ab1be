"""Matchmaking use cases: suggest partners, schedule, reschedule, agendas.

Every interface (CLI today, the organiser portal later) calls these. An event is a folder
(docs/events.md); its ``meetings`` file, when present, is the published schedule: locked
meetings never move, published ones stay unless a change forces them or the organiser asks.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import InputError
from tradepivot.matchmaking import agenda as agendas
from tradepivot.matchmaking.event_io import load_event, write_meetings
from tradepivot.matchmaking.evidence import MarketEvidence
from tradepivot.matchmaking.model import Event, Meeting, Schedule, Table
from tradepivot.matchmaking.schedule import ScheduleOptions, solve
from tradepivot.matchmaking.scoring import Score, explain, score_pairs
from tradepivot.services.report import Provenance, Report

__all__ = [
    "Changes",
    "ScheduleRun",
    "load",
    "match_agenda",
    "match_reschedule",
    "match_schedule",
    "match_suggest",
]

SYNTHETIC_NOTE = "This event is labelled synthetic: its participants are invented."


def load(wh: Warehouse, folder: Path, schedule: Path | None = None) -> tuple[Event, list[str]]:
    """Read an event folder (and a schedule file instead of its own ``meetings``)."""
    return load_event(folder, wh.reference, meetings=schedule)


def _scores(
    wh: Warehouse, event: Event, market: bool, provenance: Provenance
) -> dict[tuple[str, str], Score]:
    evidence = MarketEvidence.for_event(wh, event) if market else MarketEvidence.empty()
    if market:
        world = wh.dataset()
        provenance.use(world, all_importers=True)
        provenance.note(*evidence.notes)
    else:
        provenance.note("Scored without market evidence (--no-market).")
    return score_pairs(event, evidence, reference=wh.reference)


def _participant(event: Event, query: str) -> str:
    """A participant id from an id or an exact organisation name; close matches if neither."""
    if query in event.participants:
        return query
    by_name = [p.id for p in event.participants.values() if p.organisation.lower() == query.lower()]
    if len(by_name) == 1:
        return by_name[0]
    names = {p.id: f"{p.id} ({p.organisation})" for p in event.participants.values()}
    # "IN001" for "IN0001": compare ids with the zeros that pad numbers taken out.
    unpadded = re.sub(r"0+(?=\d)", "", query.upper())
    close = [pid for pid in names if re.sub(r"0+(?=\d)", "", pid.upper()) == unpadded]
    close += difflib.get_close_matches(query, list(names), n=3, cutoff=0.5)
    close += [
        pid for pid, p in event.participants.items() if query.lower() in p.organisation.lower()
    ][:3]
    raise InputError(
        f"No participant {query!r} in {event.name}.",
        hint=("Did you mean: " + ", ".join(names[c] for c in list(dict.fromkeys(close))[:4]) + "?")
        if close
        else "List participants in participants.csv of the event folder.",
    )


# ---------------------------------------------------------------------------- suggest
def match_suggest(
    wh: Warehouse,
    folder: Path,
    participant: str,
    *,
    top: int = 10,
    market: bool = True,
) -> Report:
    """The best counterparts for one participant, each with why (vetoed pairs left out)."""
    event, notes = load(wh, folder)
    provenance = Provenance()
    provenance.note(*notes)
    pid = _participant(event, participant)
    scores = _scores(wh, event, market, provenance)
    mine = [s for s in scores.values() if pid in s.pair and not s.veto]
    mine.sort(key=lambda s: (-s.total, s.pair))
    rows = []
    for rank, s in enumerate(mine[:top], start=1):
        other = event.participants[s.b if s.a == pid else s.a]
        rows.append(
            {
                "rank": rank,
                "id": other.id,
                "organisation": other.organisation,
                "country": other.country,
                "side": other.side,
                "delegation": other.delegation,
                "score": round(s.total, 1),
                "why": explain(s, pid, event),
                "interpreter_needed": s.interpreter_needed,
                "must": s.must,
            }
        )
    me = event.participants[pid]
    vetoed = sum(1 for s in scores.values() if pid in s.pair and s.veto)
    if vetoed:
        provenance.note(f"{vetoed} pair(s) with {pid} are vetoed (a 'no' preference) and left out.")
    if event.synthetic:
        provenance.note(SYNTHETIC_NOTE)
    return Report(
        title=f"Suggested meetings for {me.organisation} ({pid}), {event.name}",
        rows=pa.Table.from_pylist(rows) if rows else pa.table({"rank": pa.array([], pa.int64())}),
        query={"event": str(folder), "participant": pid, "top": top, "market": market},
        provenance=provenance,
        totals={"candidates": len(mine)},
        display=("rank", "id", "organisation", "country", "score", "why"),
    )


# ---------------------------------------------------------------------------- schedule
@dataclass
class ScheduleRun:
    """A solved schedule with its event, scores and statistics (what the CLI prints)."""

    event: Event
    schedule: Schedule
    scores: dict[tuple[str, str], Score]
    statistics: dict[str, Any]
    report: Report
    written: list[Path] = field(default_factory=list)


def _statistics_report(
    title: str,
    event: Event,
    schedule: Schedule,
    statistics: Mapping[str, Any],
    query: dict[str, Any],
    provenance: Provenance,
    extra: Mapping[str, Any] | None = None,
) -> Report:
    rows = []
    for name, figures in sorted(statistics["by_delegation"].items()):
        rows.append({"group": f"delegation: {name}", **_figures(figures)})
    for name, figures in sorted(statistics["by_side"].items()):
        rows.append({"group": f"side: {name}", **_figures(figures)})
    rows.append({"group": "everyone", **_figures(statistics["overall"])})
    tables_used = [s["used"] for s in statistics["tables_per_slot"]]
    tables_free = [s["available"] for s in statistics["tables_per_slot"]]
    interp_used = [s["busy"] for s in statistics["interpreters_per_slot"]]
    interp_free = [s["available"] for s in statistics["interpreters_per_slot"]]
    must = statistics["must_meets"]
    totals: dict[str, Any] = {
        "meetings": statistics["meetings"],
        "interpreted": statistics["interpreted_meetings"],
        "participants": statistics["participants"],
        "without_meetings": len(statistics["zero_meetings"]),
        "must_meets": f"{must['satisfied']}/{must['requested']}",
        "must_met_pct": 100 * must["share"] if must["share"] is not None else None,
        "table_use_pct": 100 * sum(tables_used) / sum(tables_free) if sum(tables_free) else None,
        "interpreter_use_pct": 100 * sum(interp_used) / sum(interp_free)
        if sum(interp_free)
        else None,
        "objective": round(schedule.objective, 1),
        "bound": round(schedule.bound, 1) if schedule.bound is not None else None,
        "of_bound_pct": 100 * schedule.objective / schedule.bound if schedule.bound else None,
        "gap_pct": 100 * schedule.gap if schedule.gap is not None else None,
        "idle_slots": schedule.idle_slots,
        "status": schedule.status,
        "seconds": round(schedule.seconds, 1),
        "seed": schedule.seed,
    }
    if extra:
        totals.update(extra)
    provenance.note(*schedule.notes)
    provenance.note(
        "Objective = total score (must-meets +50) + 40 per meeting up to each delegation "
        "member's floor; the bound is an upper bound on it (docs/matchmaking.md). Idle slots "
        "are minimised after it, at the same objective."
    )
    if event.synthetic:
        provenance.note(SYNTHETIC_NOTE)
    return Report(
        title=title,
        rows=pa.Table.from_pylist(rows),
        query=query,
        provenance=provenance,
        totals=totals,
        tables={
            "tables_per_slot": pa.Table.from_pylist(statistics["tables_per_slot"]),
            "interpreters_per_slot": pa.Table.from_pylist(
                [
                    {k: v for k, v in s.items() if k in ("slot", "start", "busy", "available")}
                    for s in statistics["interpreters_per_slot"]
                ]
            ),
        },
        table_display={
            "tables_per_slot": ("slot", "start", "used", "available"),
        },
    )


def _figures(figures: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "participants": figures["participants"],
        "min": figures["min"],
        "median": figures["median"],
        "max": figures["max"],
        "mean": round(figures["mean"], 2) if figures["mean"] is not None else None,
    }


def _write_outputs(
    event: Event, meetings: Sequence[Meeting], statistics: Mapping[str, Any], out: Path
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    path = out / "meetings.csv"
    write_meetings(meetings, path)
    written.append(path)
    readable = out / "meetings-readable.csv"
    agendas.meetings_csv(event, meetings, readable)
    written.append(readable)
    grid = agendas.organiser_grid(event, meetings)
    html = out / "grid.html"
    html.write_text(agendas.grid_html(grid), encoding="utf-8")
    written.append(html)
    xlsx = out / "grid.xlsx"
    agendas.grid_xlsx(grid, xlsx)
    written.append(xlsx)
    summary = out / "statistics.json"
    summary.write_text(json.dumps(statistics, indent=1, default=str) + "\n", encoding="utf-8")
    written.append(summary)
    return written


def match_schedule(
    wh: Warehouse,
    folder: Path,
    *,
    time_limit: float = 60.0,
    seed: int = 1,
    output: Path | None = None,
    market: bool = True,
    publish: bool = False,
) -> ScheduleRun:
    """Schedule the event; locked meetings of its ``meetings`` file stay where they are.

    ``publish`` also writes the schedule as the event's ``meetings.csv`` with every meeting
    marked published (the previous file is kept as ``meetings.previous.csv``): from then on
    :func:`match_reschedule` keeps them unless a change forces them.
    """
    if time_limit <= 0:
        raise InputError("--time-limit must be positive (seconds).")
    event, notes = load(wh, folder)
    provenance = Provenance()
    provenance.note(*notes)
    scores = _scores(wh, event, market, provenance)
    fixed = [m for m in event.meetings if m.locked]
    schedule = solve(
        event,
        {k: s.total for k, s in scores.items() if not s.veto},
        ScheduleOptions(time_limit=time_limit, seed=seed),
        fixed=fixed,
    )
    statistics = agendas.statistics(event, schedule.meetings)
    out = output or (Path(folder) / "schedule")
    written = _write_outputs(event, schedule.meetings, statistics, out)
    report = _statistics_report(
        f"Schedule for {event.name}: {len(schedule.meetings)} meetings",
        event,
        schedule,
        statistics,
        {"event": str(folder), "time_limit": time_limit, "seed": seed, "output": str(out)},
        provenance,
    )
    report.provenance.note(f"Wrote {', '.join(p.name for p in written)} to {out}.")
    if publish:
        target = _publish(Path(folder), schedule.meetings)
        written.append(target)
        report.provenance.note(f"Published: {target} now holds the schedule (published=true).")
    return ScheduleRun(event, schedule, scores, statistics, report, written)


def _publish(folder: Path, meetings: Iterable[Meeting]) -> Path:
    others = [p for p in folder.glob("meetings.*") if p.suffix.lower() in (".xlsx", ".json")]
    if others:
        raise InputError(
            f"{others[0]} holds the event's meetings: publishing would leave two meetings files.",
            hint="Convert it to meetings.csv or publish by hand.",
        )
    target = folder / "meetings.csv"
    if target.exists():
        target.replace(folder / "meetings.previous.csv")
    write_meetings([replace(m, published=True) for m in meetings], target)
    return target


# ---------------------------------------------------------------------------- reschedule
@dataclass(frozen=True)
class Changes:
    """What happened after the schedule was published."""

    cancelled: tuple[str, ...] = ()  # participants who withdrew (all their meetings go)
    no_shows: tuple[str, ...] = ()  # absent from ``from_slot`` on
    tables_lost: tuple[str, ...] = ()  # tables unusable from ``from_slot`` on
    from_slot: str | None = None  # the first slot the changes apply to (default: the first)
    move_published: bool = False  # let published (not locked) meetings move


def match_reschedule(
    wh: Warehouse,
    folder: Path,
    changes: Changes,
    *,
    schedule_file: Path | None = None,
    time_limit: float = 30.0,
    seed: int = 1,
    output: Path | None = None,
    market: bool = True,
    publish: bool = False,
) -> ScheduleRun:
    """Re-optimise a published schedule after cancellations, no-shows, late registrations
    or lost tables; report exactly what moved. ``publish`` makes the new schedule the
    event's ``meetings.csv`` (as :func:`match_schedule` does)."""
    event, notes = load(wh, folder, schedule_file)
    if not event.meetings:
        raise InputError(
            f"{folder} has no published schedule (meetings file) to change.",
            hint="Run `tradepivot match schedule` first, or pass --schedule FILE.",
        )
    provenance = Provenance()
    provenance.note(*notes)
    slot_ids = [s.id for s in event.slots]
    start = changes.from_slot or slot_ids[0]
    if start not in slot_ids:
        raise InputError(f"Unknown slot {start!r}.", hint=f"Slots: {', '.join(slot_ids)}.")
    later = set(slot_ids[slot_ids.index(start) :])
    for pid in (*changes.cancelled, *changes.no_shows):
        if pid not in event.participants:
            _participant(event, pid)  # raises with suggestions
    known_tables = {t.id for t in event.tables}
    for table in changes.tables_lost:
        if table not in known_tables:
            raise InputError(
                f"Unknown table {table!r}.", hint=f"Tables: {', '.join(sorted(known_tables))}."
            )

    # The event as it is now: who left, which tables are gone.
    people = dict(event.participants)
    for pid in changes.cancelled:
        people.pop(pid)
    for pid in changes.no_shows:
        p = people[pid]
        available = set(p.available if p.available is not None else slot_ids) - later
        people[pid] = replace(p, available=frozenset(available))
    tables = tuple(
        replace(t, unavailable=t.unavailable | frozenset(later))
        if t.id in changes.tables_lost
        else t
        for t in event.tables
    )
    current = replace(event, participants=people, tables=tables)

    gone = set(changes.cancelled)
    absent = set(changes.no_shows)
    kept: list[Meeting] = []
    dropped: list[tuple[Meeting, str]] = []
    for m in event.meetings:
        if gone & set(m.pair):
            dropped.append((m, "a participant cancelled"))
        elif absent & set(m.pair) and m.slot in later:
            dropped.append((m, "a participant is absent"))
        elif m.slot not in later:
            kept.append(replace(m, locked=True))  # already held: history, never moves
        elif m.locked or (m.published and not changes.move_published):
            kept.append(m)
    # Lost tables: meetings at them keep their slot when another table is free.
    kept = _reseat(current, kept, dropped)
    scores = _scores(wh, current, market, provenance)
    weights = {k: s.total for k, s in scores.items() if not s.veto}
    for m in kept:  # a fixed meeting needs a weight even if its pair no longer scores
        weights.setdefault(m.pair, 0.0)
    solved = solve(current, weights, ScheduleOptions(time_limit=time_limit, seed=seed), fixed=kept)
    diff = _diff(event.meetings, solved.meetings, dropped)
    statistics = agendas.statistics(current, solved.meetings)
    out = output or (Path(folder) / "schedule")
    written = _write_outputs(current, solved.meetings, statistics, out)
    report = _statistics_report(
        f"Rescheduled {event.name}: {diff['counts']['kept']} kept, {diff['counts']['moved']} moved, "
        f"{diff['counts']['cancelled']} cancelled, {diff['counts']['added']} added",
        current,
        solved,
        statistics,
        {
            "event": str(folder),
            "cancelled": list(changes.cancelled),
            "no_shows": list(changes.no_shows),
            "tables_lost": list(changes.tables_lost),
            "from_slot": start,
            "move_published": changes.move_published,
            "output": str(out),
        },
        provenance,
        extra=diff["counts"],
    )
    report.tables["changes"] = (
        pa.Table.from_pylist(diff["rows"])
        if diff["rows"]
        else pa.table({"change": pa.array([], pa.string())})
    )
    if publish:
        target = _publish(Path(folder), solved.meetings)
        written.append(target)
        report.provenance.note(f"Published: {target} now holds the new schedule.")
    report.table_display["changes"] = (
        "change",
        "a",
        "b",
        "old_slot",
        "new_slot",
        "old_table",
        "new_table",
        "why",
    )
    report.provenance.note(f"Wrote {', '.join(p.name for p in written)} to {out}.")
    return ScheduleRun(current, solved, scores, statistics, report, written)


def _reseat(event: Event, kept: list[Meeting], dropped: list[tuple[Meeting, str]]) -> list[Meeting]:
    """Fixed meetings whose table was lost: another free table of the same slot, else they
    lose their fixed place (locked ones included: a lost table cannot host them)."""
    usable: dict[str, list[Table]] = {}
    for slot in event.slots:
        usable[slot.id] = [
            t for t in event.tables if t.venue == slot.venue and slot.id not in t.unavailable
        ]
    taken: dict[str, set[str]] = {}
    out = []
    for m in kept:
        free_ids = [t.id for t in usable[m.slot]]
        if m.table in free_ids and m.table not in taken.setdefault(m.slot, set()):
            taken[m.slot].add(m.table)
            out.append(m)
    for m in kept:
        if m in out:
            continue
        spare = [t.id for t in usable[m.slot] if t.id not in taken.setdefault(m.slot, set())]
        if spare:
            taken[m.slot].add(spare[0])
            out.append(replace(m, table=spare[0]))
        else:
            dropped.append((m, "its table was lost and the slot has no other"))
    return out


def _diff(
    before: Iterable[Meeting], after: Iterable[Meeting], dropped: Sequence[tuple[Meeting, str]]
) -> dict[str, Any]:
    old = {m.pair: m for m in before}
    new = {m.pair: m for m in after}
    reasons = {m.pair: why for m, why in dropped}
    rows = []
    counts = {"kept": 0, "moved": 0, "cancelled": 0, "added": 0}
    for pair in sorted(set(old) | set(new)):
        o, n = old.get(pair), new.get(pair)
        if o and n:
            if (o.slot, o.table, o.interpreter) == (n.slot, n.table, n.interpreter):
                counts["kept"] += 1
                continue
            change = "moved" if o.slot != n.slot else "reseated"
            counts["moved"] += 1
        elif o:
            change = "cancelled"
            counts["cancelled"] += 1
        else:
            change = "added"
            counts["added"] += 1
        rows.append(
            {
                "change": change,
                "a": pair[0],
                "b": pair[1],
                "old_slot": o.slot if o else None,
                "new_slot": n.slot if n else None,
                "old_table": o.table if o else None,
                "new_table": n.table if n else None,
                "old_interpreter": o.interpreter if o else None,
                "new_interpreter": n.interpreter if n else None,
                "why": reasons.get(pair, "re-optimised" if change != "added" else "freed capacity"),
            }
        )
    return {"rows": rows, "counts": counts}


# ---------------------------------------------------------------------------- agenda
def match_agenda(
    wh: Warehouse,
    folder: Path,
    participant: str,
    fmt: str,
    *,
    schedule_file: Path | None = None,
    market: bool = True,
) -> tuple[bytes, str]:
    """One participant's agenda as HTML, PDF or ICS bytes, with a suggested file name.

    Each meeting carries why it was suggested, with the trade figures behind it unless
    ``market`` is off.
    """
    if schedule_file is None:
        candidate = Path(folder) / "schedule" / "meetings.csv"
        schedule_file = candidate if candidate.is_file() else None
    event, _ = load(wh, folder, schedule_file)
    if not event.meetings:
        raise InputError(
            f"No schedule found for {folder}.",
            hint="Run `tradepivot match schedule EVENT` first, or pass --schedule FILE.",
        )
    pid = _participant(event, participant)
    provenance = Provenance()
    scores = _scores(wh, event, market, provenance)
    explanations = {
        m.pair: explain(scores[m.pair], pid, event)
        for m in event.meetings
        if pid in m.pair and m.pair in scores
    }
    data = agendas.participant_agenda(event, event.meetings, pid, explanations)
    if fmt == "html":
        return agendas.agenda_html(data).encode("utf-8"), f"agenda-{pid}.html"
    if fmt == "pdf":
        return agendas.agenda_pdf(data), f"agenda-{pid}.pdf"
    if fmt == "ics":
        return agendas.agenda_ics(data), f"agenda-{pid}.ics"
    raise InputError(f"Unknown agenda format {fmt!r}.", hint="Use html, pdf or ics.")

"""An organiser's review of a schedule (the draft or a published version), locking and
publishing it, and its exports.

:func:`review` lays a schedule out as the organiser reads it: a slot x table grid filtered by
hall, delegation or side; the statistics the CLI prints (``agenda.statistics``: meetings per
participant, must-meets met, tables and interpreters used); the solver's bound and gap when
the run is at hand; and the participants left without a meeting, each with the likeliest
reason. :func:`lock` fixes meetings of the draft (the next schedule keeps them);
:func:`publish_draft` makes the draft the next published version.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from tradepivot.errors import InputError
from tradepivot.events.store import EventStore, ScheduleVersion
from tradepivot.matchmaking import agenda as agendas
from tradepivot.matchmaking.model import Event, Meeting, shares_language

__all__ = [
    "Review",
    "ReviewFilter",
    "agendas_zip",
    "lock",
    "meetings_csv",
    "meetings_table",
    "publish_draft",
    "review",
]

Which = Literal["draft", "published"]


@dataclass(frozen=True)
class ReviewFilter:
    """Show only meetings in one hall (venue id), with a delegation, or with a side."""

    venue: str = ""
    delegation: str = ""
    side: str = ""


@dataclass(frozen=True)
class Review:
    """A schedule as the organiser reviews it."""

    which: Which
    version: int | None  # the published version shown, or the draft's base version
    meetings: tuple[Meeting, ...]  # after the filter
    total: int  # meetings before the filter
    slots: tuple[tuple[str, str], ...]  # (slot id, "10:00-10:20 Hall A")
    tables: tuple[str, ...]
    grid: dict[tuple[str, str], Meeting]  # (slot, table) -> meeting, filtered
    statistics: dict[str, Any]
    without: tuple[tuple[str, str, str], ...]  # (id, organisation, why) with no meeting
    names: dict[str, str]


def _why_none(event: Event, pid: str) -> str:
    """The likeliest reason a participant got no meeting (checked in this order)."""
    p = event.participants[pid]
    if p.available is not None and not any(event.attends(pid, s) for s in event.slots):
        return "not available in any slot"
    if p.max_meetings == 0:
        return "asked for no meeting (max_meetings 0)"
    others = [q for q in event.participants.values() if q.id != pid]
    if not p.offers and not p.seeks and not p.services_offered and not p.services_sought:
        return "lists no product or service to match on"
    if not any(shares_language(p, q) for q in others) and not event.interpreters:
        return "shares no language with anyone and the event has no interpreter"
    if not any(shares_language(p, q) for q in others):
        return "needs an interpreter for every meeting, and interpreters were fully booked"
    return "every slot it can attend went to better-scoring pairs (tables or partners were full)"


def review(store: EventStore, event_id: str, which: Which, where: ReviewFilter) -> Review:
    """The draft (``which="draft"``) or the current published schedule, filtered."""
    loaded = store.load(event_id)
    event = loaded.event
    if which == "draft":
        draft = store.draft(event_id)
        if draft is None:
            raise InputError(
                "There is no draft schedule yet.", hint="Run the optimiser on this page."
            )
        meetings, version = draft.meetings, draft.base_version
    else:
        published = store.published(event_id)
        if published is None:
            raise InputError("Nothing is published yet.", hint="Publish a draft first.")
        meetings, version = published.meetings, published.number
    people = event.participants

    def keep(m: Meeting) -> bool:
        slot_venue = next((s.venue for s in event.slots if s.id == m.slot), "")
        if where.venue and slot_venue != where.venue:
            return False
        pair = (people[m.a], people[m.b])
        if where.delegation and not any((p.delegation or "") == where.delegation for p in pair):
            return False
        return not (where.side and not any(p.side == where.side for p in pair))

    shown = tuple(m for m in meetings if keep(m))
    statistics = agendas.statistics(event, meetings)
    venues = {v.id: v.name for v in event.venues.values()}
    slots = tuple(
        (s.id, f"{s.start:%H:%M}-{s.end:%H:%M} {venues.get(s.venue, s.venue)}")
        for s in event.slots
        if not where.venue or s.venue == where.venue
    )
    tables = tuple(t.id for t in event.tables if not where.venue or t.venue == where.venue)
    without = tuple(
        (pid, people[pid].organisation, _why_none(event, pid))
        for pid in statistics["zero_meetings"]
    )
    return Review(
        which=which,
        version=version,
        meetings=shown,
        total=len(meetings),
        slots=slots,
        tables=tables,
        grid={(m.slot, m.table): m for m in shown},
        statistics=statistics,
        without=without,
        names={pid: p.organisation for pid, p in people.items()},
    )


def lock(store: EventStore, event_id: str, pairs: Iterable[tuple[str, str]] | None) -> int:
    """Lock the draft's meetings of ``pairs`` (None: every meeting); returns how many are
    locked now. Locked meetings never move in later schedules."""
    draft = store.draft(event_id)
    if draft is None:
        raise InputError("There is no draft schedule to lock meetings in.")
    chosen = None if pairs is None else {tuple(sorted(p)) for p in pairs}
    meetings = [
        replace(m, locked=True) if chosen is None or m.pair in chosen else m for m in draft.meetings
    ]
    store.save_draft(event_id, meetings, base_version=draft.base_version, note=draft.note)
    return sum(1 for m in meetings if m.locked)


def publish_draft(store: EventStore, event_id: str) -> ScheduleVersion:
    """Publish the draft as the next version (refused when another version was published
    after the draft was made: re-run the optimiser on the current one)."""
    draft = store.draft(event_id)
    if draft is None:
        raise InputError("There is no draft schedule to publish.", hint="Run the optimiser.")
    return store.publish(
        event_id, draft.meetings, base_version=draft.base_version, note="published in the portal"
    )


def meetings_table(event: Event, meetings: Iterable[Meeting]) -> list[dict[str, object]]:
    """One row per meeting with names, times and the interpreter (for CSV and XLSX)."""
    slots = {s.id: s for s in event.slots}
    interpreters = {i.id: i.name for i in event.interpreters}
    rows = []
    for m in sorted(meetings, key=lambda m: (slots[m.slot].start, m.table)):
        slot = slots[m.slot]
        a, b = event.participants[m.a], event.participants[m.b]
        rows.append(
            {
                "slot": m.slot,
                "start": slot.start.isoformat(),
                "end": slot.end.isoformat(),
                "table": m.table,
                "a": m.a,
                "a_organisation": a.organisation,
                "b": m.b,
                "b_organisation": b.organisation,
                "interpreter": interpreters.get(m.interpreter or "", ""),
                "score": round(m.score, 1),
                "locked": m.locked,
            }
        )
    return rows


def meetings_csv(rows: list[dict[str, object]]) -> bytes:
    """The rows of :func:`meetings_table` as UTF-8 CSV."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["slot"])
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def agendas_zip(
    participants: Iterable[str], render: Callable[[str], bytes], *, suffix: str = "pdf"
) -> bytes:
    """One file per participant (``render(pid)``) in a zip, ``agenda-PID.pdf``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for pid in participants:
            archive.writestr(f"agenda-{pid}.{suffix}", render(pid))
    return buffer.getvalue()

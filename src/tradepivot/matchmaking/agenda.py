"""Agendas for participants and grids for organisers: HTML, PDF, iCalendar, XLSX and CSV.

A participant's agenda lists their meetings in their own time zone and, when it differs, in
the event's (``07:30 MSK / 10:00 IST``), with the counterpart, table, interpreter and why the
two were matched, plus the slots still free. The organiser's grid shows every venue as slots
by tables, with table and interpreter use per slot. Every output is deterministic: the same
input gives the same bytes (PDF creation date and iCalendar DTSTAMP are fixed, not "now").

HTML pages are self-contained (inline CSS, no script, a CSP that forbids any request) and
escape every text. PDFs embed DejaVu Sans (shipped in ``reports/fonts``), so Cyrillic names
print; the font is read from the package, never from the system.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from statistics import fmean, median
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tradepivot import __version__
from tradepivot.errors import InputError
from tradepivot.matchmaking.model import (
    SIDES,
    Event,
    Meeting,
    Participant,
    Slot,
    Table,
    Venue,
)

__all__ = [
    "AgendaData",
    "AgendaRow",
    "CancelledMeeting",
    "FreeSlot",
    "GridCell",
    "GridData",
    "GridRow",
    "SessionBlock",
    "VenueGrid",
    "calendar_changes",
    "check_meetings",
    "organiser_grid",
    "participant_agenda",
    "statistics",
    "time_labels",
    "venue_of",
    "zone_of",
]

TOOL = f"tradepivot {__version__}"
SHORT_NAME = 24  # characters of an organisation's name in a grid cell
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # creation date of a PDF with no slot at all
NO_DELEGATION = "(none)"
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Legal forms dropped from names in grid cells ("Sharma Exports Pvt Ltd" -> "Sharma Exports").
_LEGAL_FORM = re.compile(
    r"(?<!\w)(private limited|pvt\.? ?ltd\.?|ltd\.?|limited|llp|llc|inc\.?|gmbh|pjsc|jsc|"
    r"ooo|ооо|пао|зао|оао|ао)(?!\w)",
    re.IGNORECASE,
)


# --- participant agenda ----------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaRow:
    """One meeting of the participant, its times in their zone and in the event's."""

    meeting: Meeting
    slot: str
    start: dt.datetime  # participant's time zone
    end: dt.datetime
    event_start: dt.datetime  # event's time zone
    event_end: dt.datetime
    venue: str  # venue name
    venue_timezone: str  # IANA name of the venue (the zone of DTSTART in the .ics)
    table: str
    counterpart: Participant
    interpreter: str | None  # interpreter's name
    explanation: str  # why we matched ("" when none was given)
    start_label: str  # "07:30 MSK / 10:00 IST", or "10:00 IST" in one zone
    end_label: str


@dataclass(frozen=True)
class FreeSlot:
    """A time window the participant can attend and has no meeting in (all venues merged)."""

    slots: tuple[str, ...]
    start: dt.datetime  # participant's time zone
    end: dt.datetime
    event_start: dt.datetime
    event_end: dt.datetime
    venues: tuple[str, ...]  # venue names
    start_label: str
    end_label: str


@dataclass(frozen=True)
class SessionBlock:
    """A group session (roadshow, B2G briefing) the participant joined or presents."""

    id: str
    title: str
    start: dt.datetime  # participant's time zone
    end: dt.datetime
    event_start: dt.datetime
    event_end: dt.datetime
    venue: str  # venue name
    venue_timezone: str
    start_label: str
    end_label: str
    hosting: bool


@dataclass(frozen=True)
class AgendaData:
    """Everything a participant's agenda shows, in any format."""

    event_name: str
    event_timezone: str
    participant: Participant
    timezone: str  # the participant's (IANA)
    two_zones: bool  # whether times are shown in both zones
    rows: tuple[AgendaRow, ...]  # by start
    free: tuple[FreeSlot, ...]  # by start
    sessions: tuple[SessionBlock, ...] = ()  # joined or presented, by start


def participant_agenda(
    event: Event,
    meetings: Sequence[Meeting],
    participant_id: str,
    explanations: Mapping[tuple[str, str], str] | None = None,
) -> AgendaData:
    """The agenda of ``participant_id``: their meetings and free slots, in both time zones.

    ``explanations`` maps a pair ``(a, b)`` (either order) to why the two were matched.
    Raises :class:`InputError` for an unknown participant (with close matches as the hint)
    or a meeting that names an unknown slot, table, participant or interpreter.
    """
    participant = event.participants.get(participant_id)
    if participant is None:
        raise InputError(
            f"Unknown participant {participant_id!r} in event {event.name!r}.",
            hint=_participant_hint(event, participant_id),
        )
    check_meetings(event, meetings)
    own = zone_of(participant.timezone, f"time zone of participant {participant.id!r}")
    home = zone_of(event.timezone, f"time zone of event {event.name!r}")
    slots = {s.id: s for s in event.slots}
    interpreters = {i.id: i for i in event.interpreters}
    notes = explanations or {}
    mine = sorted(
        (m for m in meetings if participant_id in m.pair),
        key=lambda m: (slots[m.slot].start, m.slot, m.table),
    )
    times = [(slots[m.slot].start, slots[m.slot].end) for m in mine]
    free_slots = [
        s
        for s in event.slots
        if event.attends(participant.id, s)
        and not any(s.start < end and start < s.end for start, end in times)
    ]
    shown = [*(slots[m.slot] for m in mine), *free_slots]
    two = participant.timezone != event.timezone and any(
        _differs(s.start.astimezone(own), s.start.astimezone(home)) for s in shown
    )
    rows = []
    for meeting in mine:
        slot = slots[meeting.slot]
        venue = venue_of(event, slot.venue)
        other = meeting.b if meeting.a == participant_id else meeting.a
        interpreter = interpreters[meeting.interpreter] if meeting.interpreter else None
        rows.append(
            AgendaRow(
                meeting=meeting,
                slot=slot.id,
                start=slot.start.astimezone(own),
                end=slot.end.astimezone(own),
                event_start=slot.start.astimezone(home),
                event_end=slot.end.astimezone(home),
                venue=venue.name,
                venue_timezone=venue.timezone or event.timezone,
                table=meeting.table,
                counterpart=event.participants[other],
                interpreter=interpreter.name if interpreter else None,
                explanation=notes.get(meeting.pair, notes.get((meeting.b, meeting.a), "")),
                start_label=_label(slot.start, own, home, two),
                end_label=_label(slot.end, own, home, two),
            )
        )
    return AgendaData(
        event_name=event.name,
        event_timezone=event.timezone,
        participant=participant,
        timezone=participant.timezone,
        two_zones=two,
        rows=tuple(rows),
        free=_free(event, free_slots, own, home, two),
        sessions=tuple(
            SessionBlock(
                g.id, g.title,
                g.start.astimezone(own), g.end.astimezone(own),
                g.start.astimezone(home), g.end.astimezone(home),
                venue_of(event, g.venue).name, venue_of(event, g.venue).timezone or event.timezone,
                _label(g.start, own, home, two), _label(g.end, own, home, two),
                participant_id in g.hosts,
            )
            for g in sorted(event.sessions, key=lambda g: (g.start, g.id))
            if participant_id in g.people
        ),
    )  # fmt: skip


@dataclass(frozen=True)
class CancelledMeeting:
    """A meeting that was published and is no longer: as it was last announced."""

    meeting: Meeting
    start: dt.datetime
    end: dt.datetime
    venue: str  # venue name
    venue_timezone: str
    counterpart: str  # organisation (or id, when they left the event)
    sequence: int  # the SEQUENCE of the cancellation


def calendar_changes(
    event: Event,
    history: Sequence[Sequence[Meeting]],
    participant_id: str,
    current: Sequence[Meeting],
) -> tuple[dict[tuple[str, str], int], tuple[CancelledMeeting, ...]]:
    """What a participant's calendar needs to update: per pair, how many times its meeting
    changed (slot, table, interpreter, or cancelled and set again) across the published
    versions ``history`` (oldest first) up to ``current``; and the meetings published once
    and absent from ``current``, as last announced.
    """
    State = tuple[str, str, str | None] | None  # slot, table, interpreter; None: absent
    states: dict[tuple[str, str], State] = {}
    sequences: dict[tuple[str, str], int] = {}
    for meetings in [*history, current]:
        here: dict[tuple[str, str], State] = {
            m.pair: (m.slot, m.table, m.interpreter) for m in meetings if participant_id in m.pair
        }
        for pair in set(states) | set(here):
            new = here.get(pair)
            if pair not in states:
                sequences[pair] = 0
            elif states[pair] != new:
                sequences[pair] += 1
            states[pair] = new
    slots = {s.id: s for s in event.slots}
    gone: list[CancelledMeeting] = []
    seen_last: dict[tuple[str, str], Meeting] = {}
    for meetings in history:
        for m in meetings:
            if participant_id in m.pair:
                seen_last[m.pair] = m
    now_pairs = {m.pair for m in current}
    for pair, meeting in sorted(seen_last.items()):
        slot = slots.get(meeting.slot)
        if pair in now_pairs or slot is None:
            continue
        venue = venue_of(event, slot.venue)
        other = meeting.b if meeting.a == participant_id else meeting.a
        person = event.participants.get(other)
        gone.append(
            CancelledMeeting(
                meeting,
                slot.start,
                slot.end,
                venue.name,
                venue.timezone or event.timezone,
                person.organisation if person else other,
                sequences.get(pair, 0),
            )
        )
    return sequences, tuple(gone)


# --- organiser grid --------------------------------------------------------------------------


@dataclass(frozen=True)
class GridCell:
    """One meeting in the grid: the two organisations (short and full) and the interpreter."""

    meeting: Meeting
    a: str  # short organisation names
    b: str
    a_full: str
    b_full: str
    interpreter: str | None  # name


@dataclass(frozen=True)
class GridRow:
    """One slot of a venue: a cell per table (``None`` = free) and what the slot uses."""

    slot: Slot
    start: dt.datetime  # event's time zone
    end: dt.datetime
    label: str  # "Mon 2 Mar 10:00–10:30 IST"
    cells: tuple[GridCell | None, ...]  # aligned with VenueGrid.tables
    closed: frozenset[str]  # table ids that cannot be used in this slot
    tables_used: int
    tables_available: int
    interpreters_busy: tuple[str, ...]  # names
    interpreters_free: tuple[str, ...]  # names: could work here, busy nowhere at that time


@dataclass(frozen=True)
class VenueGrid:
    venue: Venue
    tables: tuple[Table, ...]
    rows: tuple[GridRow, ...]


@dataclass(frozen=True)
class GridData:
    """The organiser's view: per venue, slots by tables."""

    event_name: str
    timezone: str  # the event's
    venues: tuple[VenueGrid, ...]
    meetings: int
    interpreted: int


def organiser_grid(event: Event, meetings: Sequence[Meeting]) -> GridData:
    """Slots by tables for every venue, with table and interpreter use per slot.

    Raises :class:`InputError` when a meeting names something unknown or two meetings
    share a table in a slot.
    """
    check_meetings(event, meetings)
    home = zone_of(event.timezone, f"time zone of event {event.name!r}")
    interpreters = {i.id: i for i in event.interpreters}
    slots = {s.id: s for s in event.slots}
    by_place: dict[tuple[str, str], Meeting] = {}
    for meeting in meetings:
        key = (meeting.slot, meeting.table)
        if key in by_place:
            raise InputError(
                f"Two meetings at table {meeting.table!r} in slot {meeting.slot!r}: "
                f"{'/'.join(by_place[key].pair)} and {'/'.join(meeting.pair)}."
            )
        by_place[key] = meeting
    venue_ids = list(dict.fromkeys([*event.venues, *(s.venue for s in event.slots)]))
    grids = []
    for venue_id in venue_ids:
        tables = tuple(t for t in event.tables if t.venue == venue_id)
        venue_slots = [s for s in event.slots if s.venue == venue_id]
        if not venue_slots and not tables:
            continue
        rows = []
        for slot in venue_slots:
            cells = tuple(_grid_cell(event, by_place.get((slot.id, t.id))) for t in tables)
            closed = frozenset(t.id for t in tables if slot.id in t.unavailable)
            here = [m for m in meetings if m.slot == slot.id]
            busy_ids = sorted({m.interpreter for m in here if m.interpreter})
            elsewhere = {
                m.interpreter for m in meetings if m.interpreter and slots[m.slot].overlaps(slot)
            }
            free = [
                i.name for i in event.interpreters if i.works_in(slot) and i.id not in elsewhere
            ]
            rows.append(
                GridRow(
                    slot=slot,
                    start=slot.start.astimezone(home),
                    end=slot.end.astimezone(home),
                    label=f"{_short_day(slot.start.astimezone(home))} "
                    f"{_span(slot.start.astimezone(home), slot.end.astimezone(home))}",
                    cells=cells,
                    closed=closed,
                    tables_used=len({m.table for m in here}),
                    tables_available=len(tables) - len(closed),
                    interpreters_busy=tuple(
                        interpreters[i].name if i in interpreters else i for i in busy_ids
                    ),
                    interpreters_free=tuple(free),
                )
            )
        grids.append(VenueGrid(venue_of(event, venue_id), tables, tuple(rows)))
    return GridData(
        event_name=event.name,
        timezone=event.timezone,
        venues=tuple(grids),
        meetings=len(meetings),
        interpreted=sum(1 for m in meetings if m.interpreter),
    )


# --- statistics ------------------------------------------------------------------------------


def statistics(
    event: Event,
    meetings: Sequence[Meeting],
    must_pairs: AbstractSet[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """Counts that say how good a schedule is (a JSON-ready dict; the CLI prints it).

    ``must_pairs`` are the pairs that must meet (either order); by default the event's
    ``must`` preferences. Keys: ``meetings``, ``interpreted_meetings``, ``participants``,
    ``meetings_per_participant`` (id -> count), ``overall``, ``by_side`` and
    ``by_delegation`` (each ``participants/min/median/max/mean``), ``must_meets``
    (``requested/satisfied/share/unsatisfied``), ``zero_meetings``, ``tables_per_slot`` and
    ``interpreters_per_slot`` (``slot/venue/start/used|busy/available`` per slot).
    """
    check_meetings(event, meetings)
    home = zone_of(event.timezone, f"time zone of event {event.name!r}")
    counts: Counter[str] = Counter()
    for m in meetings:
        counts[m.a] += 1
        counts[m.b] += 1
    per = {pid: counts[pid] for pid in sorted(event.participants)}
    people = [event.participants[pid] for pid in sorted(event.participants)]
    by_side = {
        side: _summary([per[p.id] for p in people if p.side == side])
        for side in SIDES
        if any(p.side == side for p in people)
    }
    delegations = sorted({p.delegation or NO_DELEGATION for p in people})
    by_delegation = {
        d: _summary([per[p.id] for p in people if (p.delegation or NO_DELEGATION) == d])
        for d in delegations
    }
    if must_pairs is None:
        must_pairs = {(p.source, p.target) for p in event.preferences if p.level == "must"}
    wanted = sorted({_ordered(a, b) for a, b in must_pairs if a != b})
    held = {_ordered(m.a, m.b) for m in meetings}
    unsatisfied = [list(pair) for pair in wanted if pair not in held]
    satisfied = len(wanted) - len(unsatisfied)
    tables_per_slot = []
    interpreters_per_slot = []
    for slot in event.slots:
        here = [m for m in meetings if m.slot == slot.id]
        place = {
            "slot": slot.id,
            "venue": slot.venue,
            "start": slot.start.astimezone(home).isoformat(),
        }
        tables = [t for t in event.tables if t.venue == slot.venue]
        tables_per_slot.append(
            place
            | {
                "used": len({m.table for m in here}),
                "available": sum(1 for t in tables if slot.id not in t.unavailable),
            }
        )
        interpreters_per_slot.append(
            place
            | {
                "busy": len({m.interpreter for m in here if m.interpreter}),
                "available": sum(1 for i in event.interpreters if i.works_in(slot)),
            }
        )
    return {
        "event": event.name,
        "meetings": len(meetings),
        "interpreted_meetings": sum(1 for m in meetings if m.interpreter),
        "participants": len(people),
        "meetings_per_participant": per,
        "overall": _summary(list(per.values())),
        "by_side": by_side,
        "by_delegation": by_delegation,
        "must_meets": {
            "requested": len(wanted),
            "satisfied": satisfied,
            "share": satisfied / len(wanted) if wanted else None,
            "unsatisfied": unsatisfied,
        },
        "zero_meetings": [pid for pid, n in per.items() if n == 0],
        "tables_per_slot": tables_per_slot,
        "interpreters_per_slot": interpreters_per_slot,
    }


# --- helpers ---------------------------------------------------------------------------------


def check_meetings(event: Event, meetings: Iterable[Meeting]) -> None:
    """Every meeting names a known slot, participant, table (at the slot's venue), interpreter."""
    slots = {s.id: s for s in event.slots}
    tables = {(t.venue, t.id) for t in event.tables}
    interpreters = {i.id for i in event.interpreters}
    for m in meetings:
        where = f"Meeting {m.a}/{m.b} in slot {m.slot!r}"
        for pid in m.pair:
            if pid not in event.participants:
                raise InputError(
                    f"{where} names unknown participant {pid!r}.",
                    hint=_participant_hint(event, pid),
                )
        slot = slots.get(m.slot)
        if slot is None:
            raise InputError(f"{where} names an unknown slot.", hint=_hint(m.slot, slots))
        if (slot.venue, m.table) not in tables:
            here = [t.id for t in event.tables if t.venue == slot.venue]
            raise InputError(
                f"{where} names table {m.table!r}, which venue {slot.venue!r} does not have.",
                hint=_hint(m.table, here),
            )
        if m.interpreter is not None and m.interpreter not in interpreters:
            raise InputError(
                f"{where} names unknown interpreter {m.interpreter!r}.",
                hint=_hint(m.interpreter, interpreters),
            )


def _participant_hint(event: Event, query: str) -> str | None:
    """Close participant ids, and ids of organisations whose name is close to ``query``."""
    ids = sorted(event.participants)
    found = difflib.get_close_matches(query, ids, n=3, cutoff=0.6)
    names = {p.organisation.casefold(): p.id for p in event.participants.values()}
    for name in difflib.get_close_matches(query.casefold(), sorted(names), n=3, cutoff=0.6):
        if names[name] not in found:
            found.append(names[name])
    if not found:
        return None
    shown = [f"{pid} ({event.participants[pid].organisation})" for pid in found]
    return "Did you mean: " + ", ".join(shown) + "?"


def _hint(query: str, known: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(query, sorted(known), n=3, cutoff=0.6)
    return "Did you mean: " + ", ".join(found) + "?" if found else None


def zone_of(name: str, what: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InputError(
            f"Unknown {what}: {name!r}.", hint="Use an IANA name such as Asia/Kolkata."
        ) from error


def venue_of(event: Event, venue_id: str) -> Venue:
    return event.venues.get(venue_id) or Venue(venue_id, venue_id, "", event.timezone)


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _summary(values: list[int]) -> dict[str, Any]:
    if not values:
        return {"participants": 0, "min": None, "median": None, "max": None, "mean": None}
    return {
        "participants": len(values),
        "min": min(values),
        "median": float(median(values)),
        "max": max(values),
        "mean": round(fmean(values), 3),
    }


def _free(
    event: Event, slots: Sequence[Slot], own: ZoneInfo, home: ZoneInfo, two: bool
) -> tuple[FreeSlot, ...]:
    """Free slots merged by time window (parallel slots at several venues are one window)."""
    windows: dict[tuple[dt.datetime, dt.datetime], list[Slot]] = defaultdict(list)
    for slot in slots:
        windows[(slot.start, slot.end)].append(slot)
    return tuple(
        FreeSlot(
            slots=tuple(s.id for s in group),
            start=start.astimezone(own),
            end=end.astimezone(own),
            event_start=start.astimezone(home),
            event_end=end.astimezone(home),
            venues=tuple(dict.fromkeys(venue_of(event, s.venue).name for s in group)),
            start_label=_label(start, own, home, two),
            end_label=_label(end, own, home, two),
        )
        for (start, end), group in sorted(windows.items(), key=lambda w: w[0])
    )


def _abbreviation(moment: dt.datetime) -> str:
    """The zone's abbreviation (IST, MSK); ``UTC+04`` where tzdata has only a number."""
    name = moment.strftime("%Z")
    return f"UTC{name}" if name[:1] in "+-" else name


def _clock(moment: dt.datetime) -> str:
    return f"{moment:%H:%M} {_abbreviation(moment)}"


def _differs(a: dt.datetime, b: dt.datetime) -> bool:
    return a.utcoffset() != b.utcoffset() or _abbreviation(a) != _abbreviation(b)


def time_labels(
    event: Event, participant: Participant, start: dt.datetime, end: dt.datetime
) -> tuple[str, str]:
    """``start`` and ``end`` as an agenda writes them for ``participant``: in their zone,
    and in the event's too when the two differ then (``07:30 MSK / 10:00 IST``)."""
    own = zone_of(participant.timezone, f"time zone of participant {participant.id!r}")
    home = zone_of(event.timezone, f"time zone of event {event.name!r}")
    two = participant.timezone != event.timezone and _differs(
        start.astimezone(own), start.astimezone(home)
    )
    return _label(start, own, home, two), _label(end, own, home, two)


def _label(moment: dt.datetime, own: ZoneInfo, home: ZoneInfo, two: bool) -> str:
    """``07:30 MSK / 10:00 IST``: own zone first; the event's day is added when it differs."""
    local = moment.astimezone(own)
    if not two:
        return _clock(local)
    event = moment.astimezone(home)
    day = f" ({_short_day(event)})" if event.date() != local.date() else ""
    return f"{_clock(local)} / {_clock(event)}{day}"


def _span(start: dt.datetime, end: dt.datetime) -> str:
    return f"{start:%H:%M}–{end:%H:%M} {_abbreviation(start)}"


def _short_day(moment: dt.datetime) -> str:
    return f"{_DAYS[moment.weekday()][:3]} {moment.day} {_MONTHS[moment.month - 1][:3]}"


def _short(name: str, size: int = SHORT_NAME) -> str:
    """A short form of an organisation's name for a grid cell (legal form dropped, cut)."""
    text = re.sub(r"\s+", " ", _LEGAL_FORM.sub("", name)).strip(" ,.-")
    text = text or name.strip()
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _grid_cell(event: Event, meeting: Meeting | None) -> GridCell | None:
    if meeting is None:
        return None
    a, b = event.participants[meeting.a], event.participants[meeting.b]
    names = {i.id: i.name for i in event.interpreters}
    interpreter = meeting.interpreter
    return GridCell(
        meeting=meeting,
        a=_short(a.organisation),
        b=_short(b.organisation),
        a_full=a.organisation,
        b_full=b.organisation,
        interpreter=names.get(interpreter, interpreter) if interpreter else None,
    )

"""Validated records -> one :class:`~tradepivot.matchmaking.model.Event`.

Each record is validated with its row schema (:mod:`tradepivot.events.schemas`); then the
checks that need other records: unique ids, references to venues, slots, tables, participants
and interpreters that exist, a table in its slot's venue, local times that exist in the
venue's time zone, nobody booked twice in a slot. Every problem is raised by the record's
:class:`Place`, so it names the file, line and field (a folder) or the record (a database).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from tradepivot.data.reference import Reference
from tradepivot.errors import InputError
from tradepivot.events.schemas import (
    EventMetaIn,
    InterpreterIn,
    MeetingIn,
    PairWeightIn,
    ParticipantIn,
    PreferenceIn,
    Problem,
    RowModel,
    SessionIn,
    SlotIn,
    TableIn,
    TravelIn,
    VenueIn,
    validate_row,
)
from tradepivot.events.tabular import did_you_mean
from tradepivot.matchmaking.model import (
    Event,
    GroupSession,
    Interpreter,
    Meeting,
    PairWeight,
    Participant,
    Preference,
    Slot,
    Table,
    Venue,
)

__all__ = ["Place", "Record", "Tables", "assemble"]


class Place(Protocol):
    """Where a record came from: it makes located errors and notes."""

    def error(
        self,
        field: str | None,
        problem: str,
        *,
        expected: str | None = None,
        hint: str | None = None,
    ) -> InputError: ...

    def where(self, field: str | None = None) -> str: ...

    def same_as(self) -> str:
        """``line 4`` / ``record 3``: this record, as another record's message names it."""
        ...


@dataclass(frozen=True)
class Record:
    """One record's values (text cells or JSON values) and its place."""

    place: Place
    cells: Mapping[str, object]


Tables = Mapping[str, Sequence[Record]]
_M = TypeVar("_M", bound=RowModel)


class _Assembler:
    def __init__(self, meta: EventMetaIn, reference: Reference) -> None:
        self.meta = meta
        self.reference = reference
        self.notes: list[str] = []
        self.venues: dict[str, Venue] = {}
        self.slots: dict[str, Slot] = {}
        self.tables: dict[str, Table] = {}
        self.interpreters: dict[str, Interpreter] = {}
        self.participants: dict[str, Participant] = {}

    # -- records -----------------------------------------------------------------------------
    def rows(self, model: type[_M], records: Iterable[Record]) -> list[tuple[Place, _M]]:
        out = []
        for record in records:
            notes: list[tuple[str, str]] = []
            row = validate_row(model, record.cells, reference=self.reference, notes=notes)
            if isinstance(row, Problem):
                raise record.place.error(
                    row.field, row.problem, expected=row.expected, hint=row.hint
                )
            self.notes.extend(f"{record.place.where(field)}: {text}" for field, text in notes)
            out.append((record.place, row))
        return out

    @staticmethod
    def unique(place: Place, value: str, seen: dict[str, Place]) -> None:
        if value in seen:
            raise place.error(
                "id",
                f"duplicate id {value!r} (first at {seen[value].same_as()})",
                expected="unique ids",
            )
        seen[value] = place

    @staticmethod
    def known(place: Place, field: str, value: str, known: Mapping[str, object], what: str) -> str:
        if value not in known:
            raise place.error(
                field,
                f"unknown {what} {value!r}",
                expected=f"an id from the {what}s file",
                hint=did_you_mean(value, known),
            )
        return value

    def venue_of(self, place: Place, value: str | None) -> str:
        """A venue id; may be left empty when the event has exactly one venue."""
        if value is None and len(self.venues) == 1:
            return next(iter(self.venues))
        if value is None:
            raise place.error(
                "venue", "venue is empty", expected=f"one of {', '.join(self.venues)}"
            )
        return self.known(place, "venue", value, self.venues, "venue")

    def slot_ids(self, place: Place, field: str, ids: Iterable[str]) -> frozenset[str]:
        for slot in ids:
            if slot not in self.slots:
                raise place.error(
                    field,
                    f"unknown slot {slot!r}",
                    expected="slot ids from the slots file, separated by ';'",
                    hint=did_you_mean(slot, self.slots),
                )
        return frozenset(ids)

    def availability(self, place: Place, ids: frozenset[str] | None) -> frozenset[str] | None:
        return None if ids is None else self.slot_ids(place, "available", ids)

    # -- tables ------------------------------------------------------------------------------
    def read_venues(self, records: Sequence[Record], empty: Place) -> None:
        seen: dict[str, Place] = {}
        for place, row in self.rows(VenueIn, records):
            self.unique(place, row.id, seen)
            self.venues[row.id] = Venue(
                row.id, row.name, row.city, row.timezone or self.meta.timezone
            )
        if not self.venues:
            raise empty.error(None, "lists no venue", expected="at least one venue")

    def read_slots(self, records: Sequence[Record]) -> None:
        seen: dict[str, Place] = {}
        slots: list[Slot] = []
        for place, row in self.rows(SlotIn, records):
            self.unique(place, row.id, seen)
            venue = self.venue_of(place, row.venue)
            zone = zoneinfo.ZoneInfo(self.venues[venue].timezone)
            start = self.moment(place, "start", row.date, row.start, zone)
            end = self.moment(place, "end", row.date, row.end, zone)
            slots.append(Slot(row.id, start, end, venue, row.session))
        slots.sort(key=lambda s: s.start)  # stable: ties keep the file's order
        self.slots = {s.id: s for s in slots}

    @staticmethod
    def moment(
        place: Place, field: str, day: dt.date, clock: dt.time, zone: zoneinfo.ZoneInfo
    ) -> dt.datetime:
        local = dt.datetime.combine(day, clock, tzinfo=zone)
        if local.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != local.replace(
            tzinfo=None
        ):
            raise place.error(
                field,
                f"{day} {clock:%H:%M} does not exist in {zone.key} (clocks change)",
                expected="a local time that exists on that date",
            )
        return local

    def read_tables(self, records: Sequence[Record]) -> None:
        seen: dict[str, Place] = {}
        for place, row in self.rows(TableIn, records):
            self.unique(place, row.id, seen)
            venue = self.venue_of(place, row.venue)
            unavailable = self.slot_ids(place, "unavailable", row.unavailable)
            self.tables[row.id] = Table(row.id, venue, unavailable)

    def read_interpreters(self, records: Sequence[Record]) -> None:
        seen: dict[str, Place] = {}
        for place, row in self.rows(InterpreterIn, records):
            self.unique(place, row.id, seen)
            venue = self.venue_of(place, row.venue) if row.venue is not None else None
            self.interpreters[row.id] = Interpreter(
                id=row.id,
                name=row.name or row.id,
                pairs=row.pairs,
                venue=venue,
                available=self.availability(place, row.available),
            )

    def read_participants(self, records: Sequence[Record], table: str) -> None:
        seen: dict[str, Place] = {}
        no_language = 0
        for place, row in self.rows(ParticipantIn, records):
            self.unique(place, row.id, seen)
            if not row.languages:
                no_language += 1
            self.participants[row.id] = Participant(
                id=row.id,
                organisation=row.organisation,
                side=row.side,
                country=row.country,
                city=row.city,
                contact=row.contact,
                email=row.email,
                delegation=row.delegation,
                offers=row.offers,
                seeks=row.seeks,
                cooperation_offered=row.cooperation_offered,
                cooperation_sought=row.cooperation_sought,
                languages=row.languages or ("en",),
                certifications=row.certifications,
                description=row.description,
                timezone=row.timezone or self.meta.timezone,
                available=self.availability(place, row.available),
                max_meetings=row.max_meetings,
                services_offered=row.services_offered,
                services_sought=row.services_sought,
                skills_offered=row.skills_offered,
                skills_sought=row.skills_sought,
            )
        if no_language:
            self.notes.append(
                f"{table}: {no_language} participant{'s' if no_language > 1 else ''} "
                "list no language; English (en) assumed."
            )

    def read_travel(self, records: Sequence[Record]) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        for place, row in self.rows(TravelIn, records):
            a = self.known(place, "from", row.from_, self.venues, "venue")
            b = self.known(place, "to", row.to, self.venues, "venue")
            if (a, b) in out:
                raise place.error(
                    "to", f"travel {a} -> {b} given twice", expected="one row per direction"
                )
            out[(a, b)] = row.minutes
        return out

    def read_preferences(self, records: Sequence[Record]) -> list[Preference]:
        out: list[Preference] = []
        seen: set[tuple[str, str]] = set()
        for place, row in self.rows(PreferenceIn, records):
            source = self.known(place, "source", row.source, self.participants, "participant")
            target = self.known(place, "target", row.target, self.participants, "participant")
            if (source, target) in seen:
                raise place.error(
                    "target",
                    f"a second preference of {source!r} about {target!r}",
                    expected="one preference per source and target",
                )
            seen.add((source, target))
            out.append(Preference(source, target, row.level))
        return out

    def read_pair_weights(self, records: Sequence[Record]) -> list[PairWeight]:
        out: list[PairWeight] = []
        seen: dict[tuple[str, str], Place] = {}
        for place, row in self.rows(PairWeightIn, records):
            source = self.known(place, "source", row.source, self.participants, "participant")
            target = self.known(place, "target", row.target, self.participants, "participant")
            weight = PairWeight(source, target, row.weight, row.reason, row.mode)
            first = seen.get(weight.pair)
            if first is not None:
                raise place.error(
                    "target",
                    f"a second score for {source!r} and {target!r} ({first.same_as()})",
                    expected="one row per pair (in either order)",
                )
            seen[weight.pair] = place
            out.append(weight)
        return out

    def read_sessions(self, records: Sequence[Record]) -> list[GroupSession]:
        out: list[GroupSession] = []
        seen: dict[str, Place] = {}
        for place, row in self.rows(SessionIn, records):
            self.unique(place, row.id, seen)
            venue = self.venue_of(place, row.venue)
            zone = zoneinfo.ZoneInfo(self.venues[venue].timezone)
            for field, ids in (("hosts", row.hosts), ("attendees", row.attendees)):
                for pid in ids:
                    self.known(place, field, pid, self.participants, "participant")
            both = sorted(set(row.hosts) & set(row.attendees))
            if both:
                raise place.error(
                    "attendees",
                    f"{', '.join(both)} both host and attend session {row.id!r}",
                    expected="hosts present, attendees take a seat: each in one list",
                )
            if len(row.attendees) > row.capacity:
                raise place.error(
                    "attendees",
                    f"{len(row.attendees)} attendees for {row.capacity} seats",
                    expected=f"at most {row.capacity} attendees",
                    hint="Raise the capacity or move some attendees to another session.",
                )
            out.append(
                GroupSession(
                    id=row.id,
                    title=row.title,
                    start=self.moment(place, "start", row.date, row.start, zone),
                    end=self.moment(place, "end", row.date, row.end, zone),
                    venue=venue,
                    capacity=row.capacity,
                    kind=row.kind,
                    hosts=row.hosts,
                    attendees=row.attendees,
                    description=row.description,
                )
            )
        return out

    def read_meetings(self, records: Sequence[Record]) -> list[Meeting]:
        out: list[Meeting] = []
        busy: dict[tuple[str, str], Place] = {}  # (slot, who) -> where it was booked first
        for place, row in self.rows(MeetingIn, records):
            a = self.known(place, "a", row.a, self.participants, "participant")
            b = self.known(place, "b", row.b, self.participants, "participant")
            slot = self.known(place, "slot", row.slot, self.slots, "slot")
            table = self.known(place, "table", row.table, self.tables, "table")
            if self.tables[table].venue != self.slots[slot].venue:
                raise place.error(
                    "table",
                    f"table {table!r} is in venue {self.tables[table].venue!r}, "
                    f"slot {slot!r} in {self.slots[slot].venue!r}",
                    expected="a table in the slot's venue",
                )
            interpreter = None
            if row.interpreter is not None:
                interpreter = self.known(
                    place, "interpreter", row.interpreter, self.interpreters, "interpreter"
                )
            who = [("table", f"table {table}"), ("a", a), ("b", b)]
            if interpreter:
                who.append(("interpreter", f"interpreter {interpreter}"))
            for field, name in who:
                first = busy.get((slot, name))
                if first is not None:
                    raise place.error(
                        field,
                        f"{name} is already in a meeting in slot {slot!r} ({first.same_as()})",
                        expected="one meeting per participant, table and interpreter per slot",
                    )
                busy[(slot, name)] = place
            out.append(
                Meeting(
                    a=min(a, b),
                    b=max(a, b),
                    slot=slot,
                    table=table,
                    interpreter=interpreter,
                    score=row.score,
                    locked=row.locked,
                    published=row.published,
                )
            )
        return out


def assemble(
    meta: EventMetaIn,
    tables: Tables,
    reference: Reference,
    *,
    places: Mapping[str, Place],
    meetings: Sequence[Record] | None = None,
) -> tuple[Event, list[str]]:
    """Build the event from its records (``tables``: name -> records; absent optional tables
    may be missing) and the notes made on the way.

    ``places`` gives, per table name, the place of the table as a whole (for "lists no
    venue"); ``meetings`` replaces the ``meetings`` table (a schedule read from elsewhere).
    Raises the records' located errors (:class:`~tradepivot.errors.SourceFileError` for a
    folder) at the first problem.
    """
    builder = _Assembler(meta, reference)
    builder.read_venues(tables.get("venues", ()), places["venues"])
    builder.read_slots(tables.get("slots", ()))
    builder.read_tables(tables.get("tables", ()))
    builder.read_interpreters(tables.get("interpreters", ()))
    builder.read_participants(tables.get("participants", ()), places["participants"].where())
    travel = builder.read_travel(tables.get("travel", ()))
    preferences = builder.read_preferences(tables.get("preferences", ()))
    pair_weights = builder.read_pair_weights(tables.get("scores", ()))
    sessions = builder.read_sessions(tables.get("sessions", ()))
    found = builder.read_meetings(tables.get("meetings", ()) if meetings is None else meetings)
    event = Event(
        name=meta.name,
        timezone=meta.timezone,
        participants=builder.participants,
        venues=builder.venues,
        slots=tuple(builder.slots.values()),
        tables=tuple(builder.tables.values()),
        interpreters=tuple(builder.interpreters.values()),
        preferences=tuple(preferences),
        travel_minutes=travel,
        meetings=tuple(found),
        synthetic=meta.synthetic,
        pair_weights=tuple(pair_weights),
        weights=meta.weights,
        sessions=tuple(sessions),
    )
    return event, builder.notes

"""An event as data: participants, slots, venues, tables, interpreters, preferences, meetings.

Plain frozen dataclasses shared by every part of matchmaking: the readers (event folders)
build them, scoring and the scheduler read them, agendas render them. Identifiers are
strings chosen by the organiser; times are timezone-aware datetimes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "COOPERATION",
    "SIDES",
    "Cooperation",
    "Event",
    "Interpreter",
    "Meeting",
    "Participant",
    "Preference",
    "PreferenceLevel",
    "Schedule",
    "Side",
    "Slot",
    "Table",
    "Venue",
]

Side = Literal["exporter", "buyer", "official", "other"]
SIDES: tuple[Side, ...] = ("exporter", "buyer", "official", "other")
Cooperation = Literal[
    "distribution", "supply", "joint_venture", "licensing", "subcontracting", "investment"
]
COOPERATION: tuple[Cooperation, ...] = (
    "distribution",
    "supply",
    "joint_venture",
    "licensing",
    "subcontracting",
    "investment",
)
PreferenceLevel = Literal["must", "meet", "no"]


@dataclass(frozen=True)
class Participant:
    """One company or institution at the event (one seat at a table)."""

    id: str
    organisation: str
    side: Side
    country: str  # ISO3
    city: str = ""
    contact: str = ""
    email: str = ""
    delegation: str | None = None
    offers: tuple[str, ...] = ()  # HS codes of 2-6 digits (national lines cut to HS6)
    seeks: tuple[str, ...] = ()
    cooperation_offered: tuple[Cooperation, ...] = ()  # what it can be for a partner
    cooperation_sought: tuple[Cooperation, ...] = ()  # what it looks for in a partner
    languages: tuple[str, ...] = ("en",)  # ISO 639-1 codes
    certifications: tuple[str, ...] = ()
    description: str = ""
    timezone: str = "UTC"  # IANA name, for the agenda (e.g. Asia/Kolkata)
    available: frozenset[str] | None = None  # slot ids; None = every slot
    max_meetings: int | None = None


@dataclass(frozen=True)
class Venue:
    id: str
    name: str
    city: str
    timezone: str  # IANA name


@dataclass(frozen=True)
class Slot:
    id: str
    start: dt.datetime  # timezone-aware
    end: dt.datetime
    venue: str  # Venue.id
    session: str = ""


@dataclass(frozen=True)
class Table:
    id: str
    venue: str
    unavailable: frozenset[str] = frozenset()  # slot ids the table cannot be used in


@dataclass(frozen=True)
class Interpreter:
    id: str
    name: str
    pairs: frozenset[frozenset[str]]  # language pairs, e.g. {frozenset({"en", "ru"})}
    venue: str | None = None  # None = any venue
    available: frozenset[str] | None = None  # slot ids; None = every slot

    def covers(self, a: frozenset[str], b: frozenset[str]) -> bool:
        """Whether the interpreter can bridge someone speaking ``a`` and someone speaking ``b``."""
        return any(frozenset({x, y}) in self.pairs for x in a for y in b if x != y)


@dataclass(frozen=True)
class Preference:
    """``source`` asks to meet (``must``/``meet``) or never to meet (``no``) ``target``."""

    source: str
    target: str
    level: PreferenceLevel


@dataclass(frozen=True)
class Meeting:
    """Two participants at a table in a slot, with an interpreter when they share no language."""

    a: str  # participant ids, a < b
    b: str
    slot: str
    table: str
    interpreter: str | None = None
    score: float = 0.0
    locked: bool = False  # fixed by the organiser: never moved
    published: bool = False  # announced to participants: kept unless told otherwise

    @property
    def pair(self) -> tuple[str, str]:
        return (self.a, self.b)


@dataclass(frozen=True)
class Event:
    """Everything the scheduler needs; built by :mod:`tradepivot.events`."""

    name: str
    timezone: str  # the organiser's time zone (IANA)
    participants: Mapping[str, Participant]
    venues: Mapping[str, Venue]
    slots: tuple[Slot, ...]  # sorted by start
    tables: tuple[Table, ...]
    interpreters: tuple[Interpreter, ...] = ()
    preferences: tuple[Preference, ...] = ()
    travel_minutes: Mapping[tuple[str, str], int] = field(default_factory=dict)  # venue pairs
    meetings: tuple[Meeting, ...] = ()  # an existing (locked or published) schedule
    synthetic: bool = False

    def travel(self, a: str, b: str) -> int:
        """Minutes from venue ``a`` to venue ``b`` (0 within a venue)."""
        if a == b:
            return 0
        return self.travel_minutes.get((a, b), self.travel_minutes.get((b, a), 0))


@dataclass(frozen=True)
class Schedule:
    """A solved schedule and what the solver can say about it."""

    meetings: tuple[Meeting, ...]
    objective: float
    bound: float | None  # an upper bound on the objective (None when unknown)
    status: str  # OPTIMAL, FEASIBLE, ...
    seconds: float
    seed: int
    notes: tuple[str, ...] = ()
    idle_slots: int = 0  # slots between a participant's first and last meeting left empty

    @property
    def gap(self) -> float | None:
        """Relative gap to the bound (0 = proven optimal)."""
        if self.bound is None or self.bound <= 0:
            return None
        return max(0.0, (self.bound - self.objective) / self.bound)

"""An event as data: participants, slots, venues, tables, interpreters, preferences, meetings.

Plain frozen dataclasses shared by every part of matchmaking: the readers (event folders)
build them, scoring and the scheduler read them, agendas render them. Identifiers are
strings chosen by the organiser; times are timezone-aware datetimes.

The rules of who can be where are defined here once, as methods, and used by the
scheduler, the baselines and the agendas alike:

- :meth:`Event.attends`: a participant can meet in a slot (declared availability, and not
  at a group session then, travel between venues included);
- :meth:`Interpreter.works_in` / :meth:`Event.interpreters_for`: who can interpret a
  meeting of two participants in a slot;
- :meth:`Event.clash`: two slots one person cannot both attend (overlap, or too close for
  the travel between their venues); :meth:`Slot.overlaps` for resources that do not travel;
- :meth:`Event.usable_tables`: the tables a slot can seat meetings at.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import cached_property
from typing import Literal

from tradepivot.errors import InputError

__all__ = [
    "COOPERATION",
    "SIDES",
    "ComponentWeights",
    "Cooperation",
    "Event",
    "GroupSession",
    "Interpreter",
    "Meeting",
    "PairWeight",
    "PairWeightMode",
    "Participant",
    "Preference",
    "PreferenceLevel",
    "Schedule",
    "SessionKind",
    "Side",
    "Slot",
    "SolveStatus",
    "Table",
    "Venue",
    "shares_language",
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
    # Services traded, as EBOPS 2010 codes (UN MSITS 2010, e.g. "9.2" computer services,
    # "10.2.1" legal services): scored by hierarchy like HS codes (matchmaking/scoring.py).
    services_offered: tuple[str, ...] = ()
    services_sought: tuple[str, ...] = ()
    # Skills and human resources, as ISCO-08 occupation groups of 1-4 digits (ILO, e.g.
    # "2512" software developers, "32" health associate professionals): offered by a
    # staffing firm or a training institute, sought by an employer; scored like HS codes.
    skills_offered: tuple[str, ...] = ()
    skills_sought: tuple[str, ...] = ()

    def available_in(self, slot_id: str) -> bool:
        """Whether the participant declared itself available in ``slot_id`` (no sessions:
        :meth:`Event.attends` also takes the group sessions it joined into account)."""
        return self.available is None or slot_id in self.available


def shares_language(a: Participant, b: Participant) -> bool:
    """Whether two participants can talk without an interpreter."""
    return not frozenset(a.languages).isdisjoint(b.languages)


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

    def overlaps(self, other: Slot) -> bool:
        """Whether the two run at the same time (a table or a room cannot serve both)."""
        return self.start < other.end and other.start < self.end


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

    def works_in(self, slot: Slot) -> bool:
        """Whether the interpreter is at the slot's venue and available then."""
        return (self.venue is None or self.venue == slot.venue) and (
            self.available is None or slot.id in self.available
        )


@dataclass(frozen=True)
class Preference:
    """``source`` asks to meet (``must``/``meet``) or never to meet (``no``) ``target``."""

    source: str
    target: str
    level: PreferenceLevel


PairWeightMode = Literal["replace", "add"]


@dataclass(frozen=True)
class PairWeight:
    """The organiser's own weight for a pair (``scores.csv``: a CRM's lead score, a council's
    priority), in the points of the built-in score (0-100 by default).

    ``replace``: the pair scores ``weight`` instead of the built-in total (which is kept
    for the record and the explanation); ``add``: ``weight`` (which may be negative) is
    added to it, the sum floored at 0. The pair is unordered (``source``/``target`` as the
    file names them); a weighted pair becomes a candidate whatever the two sides are. A
    ``no`` preference still vetoes it. ``reason`` is shown with the score's own reasons.
    """

    source: str
    target: str
    weight: float
    reason: str = ""
    mode: PairWeightMode = "replace"

    def __post_init__(self) -> None:
        if not math.isfinite(self.weight):
            raise InputError(f"The weight of {self.source}-{self.target} must be finite.")
        if self.mode == "replace" and self.weight < 0:
            raise InputError(
                f"The weight of {self.source}-{self.target} replaces its score: it cannot be "
                f"negative ({self.weight:g}).",
                hint="Use mode add to lower a pair's score, or 0 to make it no candidate.",
            )

    @property
    def pair(self) -> tuple[str, str]:
        """The two participants in id order (how scores and meetings are keyed)."""
        return (
            (self.source, self.target) if self.source < self.target else (self.target, self.source)
        )


@dataclass(frozen=True)
class ComponentWeights:
    """Points of each score component (default sum 100), set in event.yaml ``weights``.

    Totals are ``100 * sum(weight * value) / sum(weights)``, so custom weights need not add
    up to 100; a weight of 0 switches a component off. ``product`` covers goods (HS),
    services (EBOPS 2010) and skills (ISCO-08) alike: the deepest match of any of them.
    See :mod:`tradepivot.matchmaking.scoring` for what each component measures.
    """

    product: float = 35.0
    coverage: float = 15.0
    cooperation: float = 15.0
    market: float = 15.0
    preference: float = 10.0
    language: float = 5.0
    text: float = 5.0

    def __post_init__(self) -> None:
        values = self.as_dict()
        negative = [k for k, v in values.items() if not v >= 0 or math.isinf(v)]
        if negative:
            raise InputError(
                f"Score weights must be finite and non-negative: {', '.join(negative)}."
            )
        if sum(values.values()) <= 0:
            raise InputError("At least one score weight must be positive.")

    def as_dict(self) -> dict[str, float]:
        """Component name -> weight, in the order of the fields."""
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}


SessionKind = Literal["roadshow", "b2g", "other"]


@dataclass(frozen=True)
class GroupSession:
    """A block in the timetable where one presents to many: a roadshow, a ministry's B2G
    briefing. Not a B2B meeting: it has its own room (``capacity`` seats, no table), and
    the scheduler treats it as busy time for its hosts and attendees (no meeting in a
    slot that overlaps it or is too close for the travel from its venue).

    ``attendees`` are the participants who joined it (at most ``capacity``); ``hosts``
    present (a ministry, an export council) and take no seat.
    """

    id: str
    title: str
    start: dt.datetime  # timezone-aware
    end: dt.datetime
    venue: str  # Venue.id
    capacity: int
    kind: SessionKind = "roadshow"
    hosts: tuple[str, ...] = ()  # participant ids
    attendees: tuple[str, ...] = ()  # participant ids
    description: str = ""

    def __post_init__(self) -> None:
        if not self.end > self.start:
            raise InputError(f"Session {self.id} must end after it starts.")
        if self.capacity < len(self.attendees):
            raise InputError(
                f"Session {self.id} has {len(self.attendees)} attendees but {self.capacity} seats.",
                hint="Raise its capacity or remove attendees.",
            )

    @property
    def people(self) -> tuple[str, ...]:
        """Hosts and attendees: everyone the session keeps busy."""
        return (*self.hosts, *self.attendees)


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
    pair_weights: tuple[PairWeight, ...] = ()  # scores.csv: the organiser's own pair scores
    weights: ComponentWeights = field(default_factory=ComponentWeights)  # event.yaml weights
    sessions: tuple[GroupSession, ...] = ()  # roadshows and B2G briefings (busy time)

    def travel(self, a: str, b: str) -> int:
        """Minutes from venue ``a`` to venue ``b`` (0 within a venue)."""
        if a == b:
            return 0
        return self.travel_minutes.get((a, b), self.travel_minutes.get((b, a), 0))

    def clash(self, s: Slot, t: Slot, *, travel: bool = True) -> bool:
        """Whether one person cannot attend both slots (two different slots): they overlap,
        or (``travel``) the gap between them is shorter than the travel between venues."""
        first, second = (s, t) if (s.start, s.end) <= (t.start, t.end) else (t, s)
        gap = (second.start - first.end).total_seconds() / 60
        return gap < 0 or (travel and gap < self.travel(first.venue, second.venue))

    def _blocks(self, start: dt.datetime, end: dt.datetime, venue: str, slot: Slot) -> bool:
        """Whether being at ``venue`` from ``start`` to ``end`` rules out meeting in ``slot``."""
        if start < slot.end and slot.start < end:
            return True
        if end <= slot.start:
            gap = (slot.start - end).total_seconds() / 60
        else:
            gap = (start - slot.end).total_seconds() / 60
        return gap < self.travel(venue, slot.venue)

    @cached_property
    def session_busy(self) -> Mapping[str, frozenset[str]]:
        """Participant id -> the slots its group sessions rule out (see :class:`GroupSession`)."""
        out: dict[str, set[str]] = {}
        for session in self.sessions:
            ruled_out = {
                slot.id
                for slot in self.slots
                if self._blocks(session.start, session.end, session.venue, slot)
            }
            for pid in session.people:
                out.setdefault(pid, set()).update(ruled_out)
        return {pid: frozenset(ids) for pid, ids in out.items()}

    def attends(self, pid: str, slot: Slot) -> bool:
        """Whether participant ``pid`` can meet in ``slot``: available, not at a session."""
        p = self.participants[pid]
        return p.available_in(slot.id) and slot.id not in self.session_busy.get(pid, ())

    def usable_tables(self, slot: Slot) -> tuple[Table, ...]:
        """The tables of the slot's venue that can be used in it, in the event's order."""
        return tuple(
            t for t in self.tables if t.venue == slot.venue and slot.id not in t.unavailable
        )

    def interpreters_for(self, a: Participant, b: Participant, slot: Slot) -> tuple[str, ...]:
        """Ids of the interpreters who can serve a meeting of ``a`` and ``b`` in ``slot``."""
        la, lb = frozenset(a.languages), frozenset(b.languages)
        return tuple(i.id for i in self.interpreters if i.works_in(slot) and i.covers(la, lb))


class SolveStatus(StrEnum):
    """What the solver can say of a schedule. A time-out is never "infeasible": only a
    proof that no schedule exists is."""

    OPTIMAL = "optimal"  # proven best
    FEASIBLE = "feasible"  # valid, not proven best (gap to the bound reported)
    INFEASIBLE = "infeasible"  # proven: no schedule keeps every hard constraint
    TIMED_OUT = "timed out"  # the time limit came before the solver found a schedule
    ERROR = "error"  # the solver failed (a model it rejects, a crash)


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
    # The first tier of the objective: participants with a feasible candidate (eligible),
    # those with at least one meeting (reached), and the most any schedule can reach (the
    # bound's, None when unknown). ``objective`` and ``bound`` are the second tier: among
    # schedules reaching as many, none scores above ``bound``.
    eligible: int = 0
    reached: int = 0
    reach_bound: int | None = None
    lp_bound: float | None = None  # the time-indexed LP relaxation's bound (second tier)
    # Participants with >= k meetings among those whose floor is >= k, k = 1, 2, ...: the
    # fairness tiers, ranked in this order before the score (``tiers[0] == reached``).
    tiers: tuple[int, ...] = ()
    # How many leading tiers are proven lexicographically optimal (0 on the large-event
    # path unless its bound proves the first; see docs/matchmaking.md).
    tiers_proven: int = 0

    @property
    def gap(self) -> float | None:
        """Relative gap to the bound (0 = proven optimal)."""
        if self.bound is None or self.bound <= 0:
            return None
        return max(0.0, (self.bound - self.objective) / self.bound)

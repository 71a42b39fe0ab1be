"""Baseline schedules the CP-SAT scheduler is measured against (benchmarks/bench_schedule.py).

- :func:`first_come_first_served`: what self-booking matchmaking platforms do. Participants
  arrive in a random (seeded) order; each books its best-scored counterparts (its own
  must-meet requests first) into the earliest slot where both are free and a table, and an
  interpreter when they share no language, is still available, until its cap or the
  agenda is full. Nobody plans for anybody else.
- :func:`greedy_schedule`: the scheduler's own greedy (:func:`~tradepivot.matchmaking.
  schedule.greedy`, best pairs first into their earliest feasible slot), with tables
  assigned, as a complete schedule.

Both respect every hard constraint (availability, one meeting per slot and no clashing
slots per participant, caps, vetoes, tables, interpreters, fixed meetings). The first
come, first served booking treats interpreters as people (never in two clashing slots) and
tables as furniture (never in two overlapping slots), which the per-slot model does not
need on events without overlapping slots.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping

from tradepivot.matchmaking.model import Event, Meeting, Participant, Slot, shares_language
from tradepivot.matchmaking.schedule import ScheduleOptions, build_instance, greedy

__all__ = ["first_come_first_served", "greedy_schedule"]

_DEFAULTS = ScheduleOptions()


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _clashes(event: Event, *, travel: bool) -> dict[str, set[str]]:
    """For each slot, the other slots one person (or one table) cannot also use."""
    out: dict[str, set[str]] = {s.id: set() for s in event.slots}
    for i, s in enumerate(event.slots):
        for t in event.slots[i + 1 :]:
            if event.clash(s, t, travel=travel):
                out[s.id].add(t.id)
                out[t.id].add(s.id)
    return out


class _Book:
    """Who and what is taken in which slot, with the clash rules of people and tables."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self.people = event.participants
        self.slots = {s.id: s for s in event.slots}
        self.person_clash = _clashes(event, travel=True)
        self.table_clash = _clashes(event, travel=False)
        self.busy: dict[str, set[str]] = defaultdict(set)  # participant or interpreter -> slots
        self.tables: dict[str, set[str]] = defaultdict(set)  # table -> slots
        self.count: dict[str, int] = defaultdict(int)
        self.met: set[tuple[str, str]] = set()
        self.meetings: list[Meeting] = []
        self.seats = {
            s.id: [t.id for t in event.tables if t.venue == s.venue and s.id not in t.unavailable]
            for s in event.slots
        }
        self.first_seat = dict.fromkeys(self.seats, 0)  # tables are only ever taken: monotonic
        self.eligible: dict[tuple[frozenset[str], frozenset[str], str], list[str]] = {}

    def free(self, who: str, slot: str) -> bool:
        taken = self.busy.get(who)
        return not taken or (slot not in taken and not (taken & self.person_clash[slot]))

    def table_free(self, table: str, slot: str) -> bool:
        taken = self.tables.get(table)
        return not taken or (slot not in taken and not (taken & self.table_clash[slot]))

    def capped(self, pid: str) -> bool:
        cap = self.people[pid].max_meetings
        return cap is not None and self.count[pid] >= cap

    def table_for(self, slot: Slot, wanted: str = "") -> str | None:
        seats = self.seats[slot.id]
        if wanted:
            return wanted if wanted in seats and self.table_free(wanted, slot.id) else None
        k = self.first_seat[slot.id]
        while k < len(seats) and not self.table_free(seats[k], slot.id):
            k += 1
        self.first_seat[slot.id] = k
        return seats[k] if k < len(seats) else None

    def interpreter_for(
        self, a: Participant, b: Participant, slot: Slot, wanted: str | None = None
    ) -> tuple[bool, str | None]:
        """(possible, interpreter): no interpreter when the two share a language."""
        if shares_language(a, b):
            return True, None
        key = (frozenset(a.languages), frozenset(b.languages), slot.id)
        ids = self.eligible.get(key)
        if ids is None:
            ids = list(self.event.interpreters_for(a, b, slot))
        # interpreters are only ever taken: drop the busy ones for good
        ids = self.eligible[key] = [i for i in ids if self.free(i, slot.id)]
        for i in ids:
            if not wanted or i == wanted:
                return True, i
        return False, None

    def try_book(
        self,
        pair: tuple[str, str],
        slot: Slot,
        score: float,
        *,
        table: str = "",
        interpreter: str | None = None,
        locked: bool = False,
        published: bool = False,
    ) -> bool:
        a, b = self.people[pair[0]], self.people[pair[1]]
        if not (self.free(a.id, slot.id) and self.free(b.id, slot.id)):
            return False
        if not (self.event.attends(a.id, slot) and self.event.attends(b.id, slot)):
            return False
        seat = self.table_for(slot, table)
        if seat is None:
            return False
        ok, named = self.interpreter_for(a, b, slot, interpreter)
        if not ok:
            return False
        for who in (a.id, b.id, named):
            if who is not None:
                self.busy[who].add(slot.id)
        self.tables[seat].add(slot.id)
        self.count[a.id] += 1
        self.count[b.id] += 1
        self.met.add(pair)
        self.meetings.append(
            Meeting(
                a=pair[0],
                b=pair[1],
                slot=slot.id,
                table=seat,
                interpreter=named,
                score=score,
                locked=locked,
                published=published,
            )
        )
        return True

    def place_fixed(
        self, fixed: Iterable[Meeting], scores: Mapping[tuple[str, str], float]
    ) -> None:
        for m in fixed:
            pair = _pair(m.a, m.b)
            slot = self.slots.get(m.slot)
            placed = slot is not None and (
                self.try_book(
                    pair,
                    slot,
                    scores.get(pair, 0.0),
                    table=m.table if m.locked else "",
                    interpreter=m.interpreter,
                    locked=m.locked,
                    published=m.published,
                )
                # a published meeting may change table or interpreter, never its slot
                or (
                    not m.locked
                    and self.try_book(
                        pair, slot, scores.get(pair, 0.0), locked=False, published=m.published
                    )
                )
            )
            if not placed:
                raise ValueError(f"the fixed meeting {m.a}-{m.b} in slot {m.slot} cannot hold")


def first_come_first_served(
    event: Event,
    scores: Mapping[tuple[str, str], float],
    *,
    seed: int,
    fixed: Iterable[Meeting] = (),
    min_score: float = 1.0,
) -> list[Meeting]:
    """Self-booking in a random arrival order (``seed``): see the module docstring.

    A participant's menu is every scored counterpart it has not vetoed nor been vetoed by,
    scoring at least ``min_score``, its own must-meet requests first, then by score. Fixed
    meetings (``fixed``) are booked before anybody arrives; raises ``ValueError`` when they
    do not fit.
    """
    people = event.participants
    vetoes = {_pair(p.source, p.target) for p in event.preferences if p.level == "no"}
    asked = {(p.source, p.target) for p in event.preferences if p.level == "must"}
    weights: dict[tuple[str, str], float] = {}
    for (x, y), score in scores.items():
        pair = _pair(x, y)
        if x == y or pair in vetoes or x not in people or y not in people:
            continue
        weights[pair] = float(score)
    for source, target in asked:  # a must-meet request is on the menu even unscored
        pair = _pair(source, target)
        if pair not in vetoes and source in people and target in people and source != target:
            weights.setdefault(pair, 0.0)
    menu: dict[str, list[tuple[bool, float, str]]] = defaultdict(list)
    for (x, y), score in weights.items():
        for me, other in ((x, y), (y, x)):
            must = (me, other) in asked
            if must or score >= min_score:
                menu[me].append((not must, -score, other))
    for items in menu.values():
        items.sort()

    book = _Book(event)
    book.place_fixed(fixed, weights)
    order = sorted(people)
    random.Random(seed).shuffle(order)
    slots = sorted(event.slots, key=lambda s: (s.start, s.id))
    for pid in order:
        for _, _, other in menu.get(pid, ()):
            if book.capped(pid) or len(book.busy.get(pid, ())) >= len(slots):
                break
            pair = _pair(pid, other)
            if pair in book.met or book.capped(other):
                continue
            for slot in slots:
                if book.try_book(pair, slot, weights[pair]):
                    break
    return book.meetings


def greedy_schedule(
    event: Event,
    scores: Mapping[tuple[str, str], float],
    *,
    options: ScheduleOptions = _DEFAULTS,
    fixed: Iterable[Meeting] = (),
) -> list[Meeting]:
    """The scheduler's greedy (best pairs first, earliest feasible slot) with tables seated.

    Locked meetings keep their table when it is free; every other meeting gets the first
    free table of its slot's venue, in the order of ``event.tables``.
    """
    fixed = list(fixed)
    instance = build_instance(event, scores, options, fixed)
    placed = greedy(instance)
    by_pair = {_pair(m.a, m.b): m for m in fixed}
    slots = {s.id: s for s in event.slots}
    per_slot: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for pair, (slot_id, _) in placed.items():
        per_slot[slot_id].append(pair)
    meetings: list[Meeting] = []
    for slot_id in sorted(per_slot, key=lambda s: (slots[s].start, s)):
        slot = slots[slot_id]
        free = [
            t.id for t in event.tables if t.venue == slot.venue and slot_id not in t.unavailable
        ]
        pairs = sorted(per_slot[slot_id])
        seat: dict[tuple[str, str], str] = {}
        for pair in pairs:
            old = by_pair.get(pair)
            if old is not None and old.table in free and old.table not in seat.values():
                seat[pair] = old.table
        rest = iter(t for t in free if t not in seat.values())
        for pair in pairs:
            old = by_pair.get(pair)
            meetings.append(
                Meeting(
                    a=pair[0],
                    b=pair[1],
                    slot=slot_id,
                    table=seat.get(pair) or next(rest),
                    interpreter=placed[pair][1],
                    score=float(scores.get(pair, scores.get((pair[1], pair[0]), 0.0))),
                    locked=bool(old and old.locked),
                    published=bool(old and old.published),
                )
            )
    return meetings

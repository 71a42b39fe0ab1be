"""Meeting schedules with OR-Tools CP-SAT, seeded by a greedy solution.

The model, in the order it is built (read it like the constraint list of DESIGN.md section 6):

- **Candidates.** Scored pairs that nobody vetoed, pruned to each participant's best
  ``candidates_per_participant`` (a pair stays if it is among the best of either side),
  plus every must-meet and every fixed meeting. ``x[p, s] = 1`` when pair p meets in slot s,
  created only for slots both can attend and, when the pair shares no language, where an
  eligible interpreter is available.
- **Hard constraints.** Each pair meets at most once; a participant has at most one meeting
  in a slot, and none in two slots that overlap or that are too close for the travel between
  their venues; at most as many meetings in a slot as the venue has tables; an interpreter
  serves one meeting per slot (``y[p, s, i]`` chooses who); meeting caps; fixed meetings
  (locked, or published and kept) stay in their slot.
- **Objective**, lexicographic. First: the participants with at least one meeting, among
  everyone with a feasible candidate (a first meeting earns :attr:`Instance.first`, more
  than everything below together). Then total score (must-meets carry a bonus) +
  ``fairness_weight`` per meeting after a participant's first, up to its floor (the most
  its candidates, availability and caps allow, at most ``fairness_floor``). Then, keeping
  that value: the fewest idle slots between a participant's first and last meeting
  of a day. Idle gaps come second because no useful bound exists for them and a meeting
  gained is worth more than a gap closed; they are reported beside the objective.
- **Bound and gap.** CP-SAT's best objective bound (from its LP relaxation and search) is
  reported with the gap. The solver runs with ``interleave_search`` and a deterministic time
  limit, so the same event, scores, seed and limit give the same schedule.

Tables and interpreters are assigned to meetings after solving (any free table of the slot's
venue; locked meetings keep theirs). :func:`greedy` is also a baseline in benchmarks/.
"""

from __future__ import annotations

import datetime as dt
import heapq
import time
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from tradepivot.errors import InfeasibleScheduleError, InputError
from tradepivot.matchmaking.model import (
    Event,
    Interpreter,
    Meeting,
    Participant,
    Schedule,
    Slot,
    shares_language,
)

__all__ = [
    "SCALE",
    "Candidate",
    "Instance",
    "ScheduleOptions",
    "build_instance",
    "evaluate",
    "greedy",
    "idle_slots",
    "reached",
    "solve",
    "total",
]

SCALE = 10  # scores are given to one decimal; CP-SAT needs integers


@dataclass(frozen=True)
class ScheduleOptions:
    """Knobs of the scheduling model (defaults suit a one-day forum)."""

    time_limit: float = 60.0  # CP-SAT deterministic time (about seconds on this machine)
    seed: int = 1
    workers: int = 2
    candidates_per_participant: int = 24
    must_bonus: float = 50.0  # added to a must-meet pair's score
    fairness_floor: int = 4  # meetings every delegation member should reach if possible
    fairness_weight: float = 40.0  # per meeting up to the floor
    compact: bool = True  # then minimise idle gaps without losing any of the objective
    compact_share: float = 0.3  # share of the time limit spent on that second stage
    min_score: float = 1.0  # pairs scoring below are not candidates (unless must or fixed)
    exact_limit: int = 40_000  # pair x slot variables up to which one exact model is solved
    neighbourhood_extra: int = 400  # unscheduled pairs offered to each two-slot re-solve
    # Points a published meeting earns for staying in its slot when it may move (reschedule
    # --move-published): it moves only when that gains more than it costs.
    change_cost: float = 20.0
    # A wall-clock safety net in seconds (None: none). Off by default: with it, a busy
    # machine could stop the search early and the same seed would not give the same schedule.
    wall_limit: float | None = None


@dataclass(frozen=True)
class Candidate:
    """A pair that may meet: its weight and the slots it may use."""

    a: str
    b: str
    score: float
    must: bool
    needs_interpreter: bool
    slots: tuple[str, ...]
    interpreters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # slot -> ids
    home: str | None = None  # the published slot it may leave at a cost (reschedule)
    stay: float = 0.0  # points for staying in ``home``

    @property
    def pair(self) -> tuple[str, str]:
        return (self.a, self.b)

    @property
    def weight(self) -> int:
        return round(self.score * SCALE)

    def value(self, slot: str) -> int:
        """Model units the pair earns in ``slot``: its weight, plus the stay bonus at home."""
        return self.weight + (round(self.stay * SCALE) if slot == self.home else 0)

    @property
    def best(self) -> int:
        """The most the pair can earn in any slot (for bounds)."""
        return self.weight + (round(self.stay * SCALE) if self.home is not None else 0)


@dataclass(frozen=True)
class Instance:
    """Everything the solver and the greedy read, derived once from an event and scores."""

    event: Event
    candidates: tuple[Candidate, ...]
    fixed: Mapping[tuple[str, str], Meeting]  # pair -> the meeting that must stay
    capacity: Mapping[str, int]  # slot -> usable tables
    conflicts: Mapping[str, tuple[tuple[str, str], ...]]  # participant -> slot pairs it cannot join
    floors: Mapping[str, int]  # participants with a candidate -> fairness floor (>= 1)
    options: ScheduleOptions
    notes: tuple[str, ...] = ()
    # slot -> slots overlapping it in time (parallel halls): an interpreter serves one of them
    overlaps: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # published meetings that may move (reschedule): where they were, table and interpreter
    homes: Mapping[tuple[str, str], Meeting] = field(default_factory=dict)

    @cached_property
    def by_pair(self) -> dict[tuple[str, str], Candidate]:
        """Candidates by pair, built once (the re-solves look them up per window)."""
        return {c.pair: c for c in self.candidates}

    @cached_property
    def first(self) -> int:
        """Model units of a participant's first meeting: more than everything else together
        (every candidate's best value and every later fairness step), so the number of
        participants with a meeting comes first, lexicographically."""
        fair = round(self.options.fairness_weight * SCALE)
        rest = sum(c.best for c in self.candidates) + fair * sum(
            f - 1 for f in self.floors.values()
        )
        return rest + 1

    def fairness(self, pid: str, count: int) -> int:
        """Model units of fairness for ``pid`` with ``count`` meetings: :attr:`first` for the
        first, ``fairness_weight`` for each further one up to the floor."""
        floor = self.floors.get(pid, 0)
        if floor <= 0 or count <= 0:
            return 0
        fair = round(self.options.fairness_weight * SCALE)
        return self.first + fair * (min(floor, count) - 1)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


class _Eligibility:
    """Memoised :meth:`Event.interpreters_for` by (languages, languages, slot): pairs repeat
    language sets."""

    def __init__(self, event: Event) -> None:
        self._event = event
        self._memo: dict[tuple[frozenset[str], frozenset[str], str], tuple[str, ...]] = {}

    def __call__(self, a: Participant, b: Participant, slot: Slot) -> tuple[str, ...]:
        key = (frozenset(a.languages), frozenset(b.languages), slot.id)
        if key not in self._memo:
            self._memo[key] = self._event.interpreters_for(a, b, slot)
        return self._memo[key]


def _slot_conflicts(event: Event) -> list[tuple[str, str]]:
    """Slot pairs nobody can attend both of: overlapping, or too close for the travel."""
    slots = event.slots
    return [(s.id, t.id) for i, s in enumerate(slots) for t in slots[i + 1 :] if event.clash(s, t)]


def _capacity(event: Event) -> dict[str, int]:
    return {
        slot.id: sum(
            1 for t in event.tables if t.venue == slot.venue and slot.id not in t.unavailable
        )
        for slot in event.slots
    }


def build_instance(
    event: Event,
    scores: Mapping[tuple[str, str], float],
    options: ScheduleOptions = ScheduleOptions(),
    fixed: Iterable[Meeting] = (),
    *,
    frozen: Collection[str] = (),
    homes: Iterable[Meeting] = (),
) -> Instance:
    """Candidates, capacities and conflicts; raises :class:`InfeasibleScheduleError` when
    the fixed meetings cannot hold (naming the constraint and the participants).

    ``frozen``: slots that only fixed meetings may use (a reschedule's history: nothing is
    added to it). ``homes``: pairs published in a slot that may move, each earning
    ``options.change_cost`` for staying there (the stability term of a reschedule); the
    table and interpreter they had are kept when they stay."""
    home_meetings = {m.pair: m for m in (_normalised(m) for m in homes)}
    homes_slot = {pair: m.slot for pair, m in home_meetings.items()}
    frozen = frozenset(frozen)
    people = event.participants
    vetoes = {_pair(p.source, p.target) for p in event.preferences if p.level == "no"}
    musts = {_pair(p.source, p.target) for p in event.preferences if p.level == "must"}
    fixed = [_normalised(m) for m in fixed]
    fixed_by_pair = {m.pair: m for m in fixed}
    notes: list[str] = []
    _check_fixed(event, fixed)

    # Pruning: keep a pair when it is among the best of either side.
    by_person: dict[str, list[tuple[float, tuple[str, str]]]] = defaultdict(list)
    for pair, score in scores.items():
        pair = _pair(*pair)
        if pair in vetoes or pair[0] not in people or pair[1] not in people:
            continue
        if score < options.min_score and pair not in musts:
            continue
        by_person[pair[0]].append((score, pair))
        by_person[pair[1]].append((score, pair))
    keep: set[tuple[str, str]] = set(musts - vetoes) | set(fixed_by_pair) | set(homes_slot)
    for items in by_person.values():
        items.sort(key=lambda item: (-item[0], item[1]))
        keep.update(pair for _, pair in items[: options.candidates_per_participant])

    eligible_for = _Eligibility(event)
    candidates = []
    unschedulable_musts = []
    for pair in sorted(keep):
        a, b = people.get(pair[0]), people.get(pair[1])
        if a is None or b is None:
            continue
        needs = not shares_language(a, b)
        usable: list[str] = []
        eligible: dict[str, tuple[str, ...]] = {}
        for slot in event.slots:
            if slot.id in frozen:
                continue
            if not (event.attends(a.id, slot) and event.attends(b.id, slot)):
                continue
            if needs:
                ids = eligible_for(a, b, slot)
                if not ids:
                    continue
                eligible[slot.id] = ids
            usable.append(slot.id)
        fixed_meeting = fixed_by_pair.get(pair)
        if fixed_meeting is not None:
            usable = [fixed_meeting.slot]
            if needs and fixed_meeting.interpreter:
                eligible = {fixed_meeting.slot: (fixed_meeting.interpreter,)}
        if not usable:
            if pair in musts:
                unschedulable_musts.append(pair)
            continue
        score = float(scores.get(pair, scores.get((pair[1], pair[0]), 0.0)))
        must = pair in musts
        home = homes_slot.get(pair) if fixed_meeting is None else None
        candidates.append(
            Candidate(
                a=pair[0],
                b=pair[1],
                score=score + (options.must_bonus if must else 0.0),
                must=must,
                needs_interpreter=needs,
                slots=tuple(usable),
                interpreters=eligible,
                home=home if home in usable else None,
                stay=options.change_cost if home in usable else 0.0,
            )
        )
    for first_id, second_id in unschedulable_musts:
        notes.append(
            f"Must-meet {first_id}-{second_id} cannot be scheduled: no common available slot"
            + (
                " with an interpreter for their languages"
                if not shares_language(people[first_id], people[second_id])
                else ""
            )
            + "."
        )

    conflicts_all = _slot_conflicts(event)
    conflicts = {pid: tuple(conflicts_all) for pid in people} if conflicts_all else {}
    floors = _floors(event, candidates, options)
    overlaps = _overlaps(event)
    return Instance(
        event=event,
        candidates=tuple(candidates),
        fixed=fixed_by_pair,
        capacity=_capacity(event),
        conflicts=conflicts,
        floors=floors,
        options=options,
        notes=tuple(notes),
        overlaps=overlaps,
        homes={p: m for p, m in home_meetings.items() if p not in fixed_by_pair},
    )


def _overlaps(event: Event) -> dict[str, frozenset[str]]:
    """Slots that run at the same time (parallel halls). Tables belong to one venue, so
    parallel slots in one venue would share its tables: that is refused as unsupported."""
    out: dict[str, set[str]] = defaultdict(set)
    for i, s in enumerate(event.slots):
        for t in event.slots[i + 1 :]:
            if s.start < t.end and t.start < s.end:
                if s.venue == t.venue:
                    raise InputError(
                        f"Slots {s.id} and {t.id} overlap in the same venue ({s.venue}).",
                        hint="Give each parallel hall its own venue (tables belong to one venue).",
                    )
                out[s.id].add(t.id)
                out[t.id].add(s.id)
    return {k: frozenset(v) for k, v in out.items()}


def _floors(
    event: Event, candidates: Sequence[Candidate], options: ScheduleOptions
) -> dict[str, int]:
    """The fairness floor of every participant with a candidate: what its candidates,
    slots and cap allow, at most ``options.fairness_floor``."""
    count: dict[str, int] = defaultdict(int)
    for c in candidates:
        count[c.a] += 1
        count[c.b] += 1
    floors = {}
    for p in event.participants.values():
        slots = sum(1 for s in event.slots if event.attends(p.id, s))
        limit = min(options.fairness_floor, count.get(p.id, 0), slots)
        if p.max_meetings is not None:
            limit = min(limit, p.max_meetings)
        if limit > 0:
            floors[p.id] = limit
    return floors


def _normalised(m: Meeting) -> Meeting:
    """The meeting with its participants in id order (pairs are keyed ``a < b``)."""
    return m if m.a < m.b else replace(m, a=m.b, b=m.a)


def _check_fixed(event: Event, fixed: Iterable[Meeting]) -> None:
    """Fixed meetings must respect availability, languages, vetoes, caps, travel, tables,
    interpreters and each other; a violation names the constraint and the participants."""
    fixed = list(fixed)
    people = event.participants
    vetoes = {_pair(p.source, p.target): p.source for p in event.preferences if p.level == "no"}
    seen_pairs: dict[tuple[str, str], Meeting] = {}
    for m in fixed:
        if m.a == m.b:
            raise InfeasibleScheduleError(
                "fixed meeting", [m.a], "a participant cannot meet itself"
            )
        earlier = seen_pairs.get(m.pair)
        if earlier is not None:
            raise InfeasibleScheduleError(
                "each pair meets at most once",
                list(m.pair),
                f"the pair has fixed meetings in slots {earlier.slot} and {m.slot}",
                hint="Remove one of the two meetings.",
            )
        seen_pairs[m.pair] = m
        if m.pair in vetoes:
            raise InfeasibleScheduleError(
                "veto",
                list(m.pair),
                f"{vetoes[m.pair]} declined this meeting ('no' preference), yet it is fixed in "
                f"slot {m.slot}",
                hint="Unlock the meeting or remove the preference.",
            )
    count: dict[str, list[Meeting]] = defaultdict(list)
    for m in fixed:
        for pid in m.pair:
            count[pid].append(m)
    for pid, items in count.items():
        cap = people[pid].max_meetings if pid in people else None
        if cap is not None and len(items) > cap:
            raise InfeasibleScheduleError(
                "meeting cap",
                sorted({p for x in items for p in x.pair}),
                f"{pid} has {len(items)} fixed meetings but accepts at most {cap}",
            )
    slot_of = {s.id: s for s in event.slots}
    clashing = set(_slot_conflicts(event))
    for pid, items in count.items():
        for i, first in enumerate(items):
            for second in items[i + 1 :]:
                key = (first.slot, second.slot)
                if key in clashing or key[::-1] in clashing:
                    a, b = slot_of.get(first.slot), slot_of.get(second.slot)
                    why = (
                        "overlap"
                        if a and b and a.start < b.end and b.start < a.end
                        else "are too close for the travel between their venues"
                    )
                    raise InfeasibleScheduleError(
                        "travel and overlapping slots",
                        sorted(set(first.pair) | set(second.pair)),
                        f"{pid}'s fixed meetings in slots {first.slot} and {second.slot} {why}",
                    )
    _check_fixed_resources(event, fixed)


def _check_fixed_resources(event: Event, fixed: Sequence[Meeting]) -> None:
    """Slots, availability, languages, tables and interpreters of fixed meetings."""
    people = event.participants
    slots = {s.id: s for s in event.slots}
    tables = {t.id: t for t in event.tables}
    interpreters = {i.id: i for i in event.interpreters}
    busy: dict[tuple[str, str], Meeting] = {}
    seated: dict[tuple[str, str], Meeting] = {}
    for m in fixed:
        for pid in (m.a, m.b):
            if pid not in people:
                raise InfeasibleScheduleError(
                    "fixed meeting", [m.a, m.b], f"participant {pid} is not registered"
                )
        slot = slots.get(m.slot)
        if slot is None:
            raise InfeasibleScheduleError(
                "fixed meeting", [m.a, m.b], f"slot {m.slot} does not exist"
            )
        for pid in (m.a, m.b):
            if not event.attends(pid, slot):
                raise InfeasibleScheduleError(
                    "availability",
                    [m.a, m.b],
                    f"the fixed meeting in slot {m.slot} is outside {pid}'s availability",
                    hint="Unlock the meeting or change the participant's availability.",
                )
            clash = busy.get((pid, m.slot))
            if clash is not None:
                raise InfeasibleScheduleError(
                    "one meeting per participant per slot",
                    sorted({m.a, m.b, clash.a, clash.b}),
                    f"{pid} has two fixed meetings in slot {m.slot}",
                )
            busy[(pid, m.slot)] = m
        a, b = people[m.a], people[m.b]
        if not shares_language(a, b):
            options = event.interpreters_for(a, b, slot)
            if m.interpreter and m.interpreter not in options:
                raise InfeasibleScheduleError(
                    "interpreter",
                    [m.a, m.b],
                    f"interpreter {m.interpreter} cannot serve {'/'.join(a.languages)} - "
                    f"{'/'.join(b.languages)} in slot {m.slot}",
                )
            if not options:
                raise InfeasibleScheduleError(
                    "interpreter",
                    [m.a, m.b],
                    f"they share no language ({'/'.join(a.languages)} vs {'/'.join(b.languages)}) "
                    f"and no interpreter for that pair is available in slot {m.slot}",
                    hint="Add an interpreter for these languages or move the meeting.",
                )
        if m.locked and m.table:
            table = tables.get(m.table)
            if table is None or table.venue != slot.venue or slot.id in table.unavailable:
                raise InfeasibleScheduleError(
                    "tables", [m.a, m.b], f"table {m.table} cannot be used in slot {m.slot}"
                )
            clash = seated.get((m.table, m.slot))
            if clash is not None:
                raise InfeasibleScheduleError(
                    "tables",
                    sorted({m.a, m.b, clash.a, clash.b}),
                    f"two locked meetings at table {m.table} in slot {m.slot}",
                )
            seated[(m.table, m.slot)] = m
        if m.interpreter and m.interpreter not in interpreters:
            raise InfeasibleScheduleError(
                "interpreter", [m.a, m.b], f"interpreter {m.interpreter} does not exist"
            )
    capacity = _capacity(event)
    per_slot: dict[str, list[Meeting]] = defaultdict(list)
    for m in busy.values():
        per_slot[m.slot].append(m)
    for slot_id, items in per_slot.items():
        meetings = {x.pair: x for x in items}
        if len(meetings) > capacity.get(slot_id, 0):
            who = sorted({p for x in meetings.values() for p in x.pair})
            raise InfeasibleScheduleError(
                "tables",
                who,
                f"{len(meetings)} fixed meetings in slot {slot_id} but {capacity.get(slot_id, 0)} tables",
            )
        needing = [x for x in meetings.values() if not shares_language(people[x.a], people[x.b])]
        eligible: dict[tuple[str, str], list[str]] = {
            x.pair: [x.interpreter]
            if x.interpreter
            else list(event.interpreters_for(people[x.a], people[x.b], slots[slot_id]))
            for x in needing
        }
        if len(_matching(eligible)) < len(needing):
            raise InfeasibleScheduleError(
                "interpreter",
                sorted({p for x in needing for p in x.pair}),
                f"{len(needing)} fixed meetings in slot {slot_id} need an interpreter, more than "
                "the interpreters available for their languages",
                hint="Add interpreters or move one of these meetings.",
            )


def _matching(options: Mapping[tuple[str, str], Sequence[str]]) -> dict[str, tuple[str, str]]:
    """A maximum matching of meetings to interpreters (augmenting paths; inputs are small)."""
    owner: dict[str, tuple[str, str]] = {}

    def assign(pair: tuple[str, str], seen: set[str]) -> bool:
        for interpreter in options[pair]:
            if interpreter in seen:
                continue
            seen.add(interpreter)
            if interpreter not in owner or assign(owner[interpreter], seen):
                owner[interpreter] = pair
                return True
        return False

    for pair in sorted(options):
        assign(pair, set())
    return owner


# ---------------------------------------------------------------------------- greedy
def greedy(
    instance: Instance, only: set[tuple[str, str]] | None = None
) -> dict[tuple[str, str], tuple[str, str | None]]:
    """Best pairs first, each into its earliest feasible slot: pair -> (slot, interpreter).

    Fixed meetings are placed first. Respects every hard constraint of the model. With
    ``only`` (a chosen set of pairs), the pairs with the fewest usable slots go first: the
    set is meant to be placed whole, and the flexible ones fit around the rest.
    """
    event = instance.event
    people = event.participants
    order = {s.id: n for n, s in enumerate(event.slots)}
    conflicts = defaultdict(set)
    for pid, pairs in instance.conflicts.items():
        for s, t in pairs:
            conflicts[(pid, s)].add(t)
            conflicts[(pid, t)].add(s)
    busy: set[tuple[str, str]] = set()
    used_tables: dict[str, int] = defaultdict(int)
    used_interpreters: set[tuple[str, str]] = set()
    meetings: dict[str, int] = defaultdict(int)
    out: dict[tuple[str, str], tuple[str, str | None]] = {}

    def free(pid: str, slot: str) -> bool:
        if (pid, slot) in busy:
            return False
        return not any((pid, t) in busy for t in conflicts.get((pid, slot), ()))

    def place(c: Candidate, slot: str) -> bool:
        if used_tables[slot] >= instance.capacity.get(slot, 0):
            return False
        if not (free(c.a, slot) and free(c.b, slot)):
            return False
        interpreter = None
        if c.needs_interpreter:
            interpreter = next(
                (i for i in c.interpreters.get(slot, ()) if (i, slot) not in used_interpreters),
                None,
            )
            if interpreter is None:
                return False
            used_interpreters.add((interpreter, slot))
            for other in instance.overlaps.get(slot, ()):
                used_interpreters.add((interpreter, other))  # parallel halls
        busy.update({(c.a, slot), (c.b, slot)})
        used_tables[slot] += 1
        meetings[c.a] += 1
        meetings[c.b] += 1
        out[c.pair] = (slot, interpreter)
        return True

    def capped(pid: str) -> bool:
        cap = people[pid].max_meetings
        return cap is not None and meetings[pid] >= cap

    fixed = [c for c in instance.candidates if c.pair in instance.fixed]
    rest = [
        c
        for c in instance.candidates
        if c.pair not in instance.fixed and (only is None or c.pair in only)
    ]
    for c in fixed:
        place(c, c.slots[0])
    for c in rest:  # published meetings that may move start where they were
        if c.home is not None and not (capped(c.a) or capped(c.b)):
            place(c, c.home)
    rest = [c for c in rest if c.pair not in out]
    if only is None:
        rest.sort(key=lambda c: (-c.weight, c.pair))
    else:
        rest.sort(key=lambda c: (len(c.slots), -c.weight, c.pair))
    for c in rest:
        if capped(c.a) or capped(c.b):
            continue
        for slot in sorted(c.slots, key=order.__getitem__):
            if place(c, slot):
                break
    return out


# ---------------------------------------------------------------------------- CP-SAT
def solve(
    event: Event,
    scores: Mapping[tuple[str, str], float],
    options: ScheduleOptions = ScheduleOptions(),
    fixed: Iterable[Meeting] = (),
    *,
    frozen: Collection[str] = (),
    homes: Iterable[Meeting] = (),
) -> Schedule:
    """The schedule maximising score + fairness - idle gaps (see the module docstring).

    Small events (up to ``options.exact_limit`` pair x slot variables) are solved as one
    model, which CP-SAT proves optimal. Larger ones are solved in two steps: *which* pairs
    meet (a model over pairs only, whose relaxation bounds the whole problem), then *when*
    (the full model over the chosen pairs), then any table still free is filled greedily.
    """
    started = time.perf_counter()
    instance = build_instance(event, scores, options, fixed, frozen=frozen, homes=homes)
    individual = bool(instance.overlaps)
    classes = {slot.id: _Classes(event.interpreters, slot, individual) for slot in event.slots}
    size = sum(len(c.slots) for c in instance.candidates)
    notes = list(instance.notes)
    hint = greedy(instance)
    if size <= options.exact_limit:
        result = _slot_model(instance, instance.candidates, classes, hint, options.time_limit)
        bound = result.bound
        status = result.status
        chosen, groups = result.chosen, result.groups
    else:
        moving = any(c.home is not None for c in instance.candidates)
        flow = _select_flow(instance)
        if moving and flow is not None:
            # A reschedule starts from the published schedule (the greedy keeps each
            # meeting in its slot) and improves it locally: a fresh selection would churn.
            selected, bound = set(hint), flow[1]
            select_status = "KEPT"
        elif flow is not None:
            selected, bound = flow
            select_status = "FLOW"
        else:
            selected, bound, select_status = _select(instance, hint, options.time_limit * 0.3)
        placed = greedy(instance, only=selected)
        restricted = {p: v for p, v in hint.items() if p in selected}
        if total(instance, _as_meetings(placed)) < total(instance, _as_meetings(restricted)):
            placed = restricted
        chosen = {pair: slot for pair, (slot, _) in placed.items()}
        groups = {
            (pair, slot): g
            for pair, (slot, i) in placed.items()
            if i is not None and (g := classes[slot].of(i)) is not None
        }
        first = len(chosen)
        rounds, stopped = _improve(
            instance, chosen, groups, classes, options.time_limit / 4, options.wall_limit
        )
        if stopped:
            notes.append(
                "The search hit the wall-clock safety net before its deterministic budget: a "
                "rerun may differ."
            )
        added = _fill(instance, chosen, groups, classes)
        status = f"{select_status}/LNS"
        notes.append(
            f"Solved in two steps ({size:,} pair x slot variables): {len(selected):,} pairs "
            f"chosen, {first:,} placed greedily, improved over {rounds} rounds of slot-pair "
            f"re-optimisation, {added:,} more added in free seats; the bound is the "
            "pair-selection relaxation's. Idle gaps are counted, not minimised, at this size."
        )
    interpreters = _name_interpreters(instance, chosen, groups, classes)
    meetings = _seat(instance, chosen, interpreters)
    objective = evaluate(instance, meetings)
    met = reached(instance, meetings)
    unit = instance.first / SCALE
    reach_bound: int | None = None
    second: float | None = None
    if bound is not None:
        # Lexicographic: no schedule reaches more than bound / first participants, and
        # among those reaching as many as this one, none scores above bound - first * met.
        reach_bound = max(met, min(len(instance.floors), int(bound / unit + 1e-9)))
        second = max(bound - unit * met, objective)
        if reach_bound > met:
            # That bound charges the participants not reached at a first meeting's worth.
            # With a first meeting priced like any further one, the flow bounds score +
            # fairness for every schedule; less fairness_weight x met, for those reaching
            # as many as this one (the second tier never counts the first meeting).
            fair = round(options.fairness_weight * SCALE)
            alt = _select_flow(instance, first=fair)
            if alt is not None:
                second = max(min(second, alt[1] - fair / SCALE * met), objective)
    return Schedule(
        meetings=meetings,
        objective=objective,
        bound=second,
        idle_slots=idle_slots(event, meetings),
        status=status,
        seconds=time.perf_counter() - started,
        seed=options.seed,
        notes=tuple(notes),
        eligible=len(instance.floors),
        reached=met,
        reach_bound=reach_bound,
    )


def _as_meetings(placed: Mapping[tuple[str, str], tuple[str, str | None]]) -> list[Meeting]:
    return [Meeting(a, b, slot, "", i) for (a, b), (slot, i) in placed.items()]


def _counts(meetings: Iterable[Meeting]) -> dict[str, int]:
    count: dict[str, int] = defaultdict(int)
    for m in meetings:
        for pid in m.pair:
            count[pid] += 1
    return count


def evaluate(instance: Instance, meetings: Iterable[Meeting]) -> float:
    """The objective of any schedule, after its first tier: score (with the must-meet bonus)
    + ``fairness_weight`` per meeting after a participant's first, up to its floor.

    Computed from the meetings alone, so the solver, the greedy and the baselines compare
    alike against the same bound. The first tier is :func:`reached`; idle gaps are counted
    apart (:func:`idle_slots`).
    """
    weights = {c.pair: c.score for c in instance.candidates}
    meetings = list(meetings)
    value = sum(weights.get(m.pair, 0.0) for m in meetings)
    count = _counts(meetings)
    for pid, floor in instance.floors.items():
        value += instance.options.fairness_weight * max(0, min(floor, count.get(pid, 0)) - 1)
    return value


def reached(instance: Instance, meetings: Iterable[Meeting]) -> int:
    """Participants with a candidate who have at least one meeting (the first tier)."""
    count = _counts(meetings)
    return sum(1 for pid in instance.floors if count.get(pid, 0) > 0)


def total(instance: Instance, meetings: Iterable[Meeting]) -> float:
    """Both tiers as one number (what the solver maximises, in points)."""
    meetings = list(meetings)
    return instance.first / SCALE * reached(instance, meetings) + evaluate(instance, meetings)


def idle_slots(event: Event, meetings: Iterable[Meeting]) -> int:
    """Slots with no meeting between a participant's first and last meeting of a day."""
    busy: dict[str, set[str]] = defaultdict(set)
    for m in meetings:
        busy[m.a].add(m.slot)
        busy[m.b].add(m.slot)
    days: dict[dt.date, list[str]] = defaultdict(list)
    for slot in event.slots:
        days[slot.start.date()].append(slot.id)
    idle = 0
    for taken in busy.values():
        for ids in days.values():
            marks = [sid in taken for sid in ids]
            if sum(marks) >= 2:
                first = marks.index(True)
                last = len(marks) - 1 - marks[::-1].index(True)
                idle += sum(1 for k in range(first, last) if not marks[k])
    return idle


@dataclass
class _Result:
    chosen: dict[tuple[str, str], str]
    groups: dict[tuple[tuple[str, str], str], int]
    bound: float | None
    status: str


def _solver(options: ScheduleOptions, limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.random_seed = options.seed
    params.num_workers = options.workers
    params.interleave_search = True  # the same result for the same seed, whatever the timing
    params.max_deterministic_time = max(limit, 0.5)
    if options.wall_limit is not None:  # off by default: it would make runs timing-dependent
        params.max_time_in_seconds = options.wall_limit
    return solver


def _slot_model(
    instance: Instance,
    candidates: Sequence[Candidate],
    classes: Mapping[str, _Classes],
    hint: Mapping[tuple[str, str], tuple[str, str | None]],
    limit: float,
) -> _Result:
    """The full model (pairs x slots) over ``candidates``."""
    event = instance.event
    options = instance.options
    model = cp_model.CpModel()
    x: dict[tuple[tuple[str, str], str], cp_model.IntVar] = {}
    y: dict[tuple[tuple[str, str], str, int], cp_model.IntVar] = {}
    by_person_slot: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
    by_slot: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    # Interpreters with the same languages, venue and availability are interchangeable: the
    # model counts them per class and slot, and names them after solving.
    by_class: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    by_person: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    objective: list[cp_model.LinearExprT] = []

    for c in candidates:
        pair_vars = []
        for slot in c.slots:
            var = model.new_bool_var(f"x_{c.a}_{c.b}_{slot}")
            x[(c.pair, slot)] = var
            pair_vars.append(var)
            by_person_slot[(c.a, slot)].append(var)
            by_person_slot[(c.b, slot)].append(var)
            by_slot[slot].append(var)
            by_person[c.a].append(var)
            by_person[c.b].append(var)
            objective.append(c.value(slot) * var)
            if c.needs_interpreter:
                groups = classes[slot].groups(c.interpreters.get(slot, ()))
                if len(groups) == 1:  # one kind of interpreter fits: no choice to make
                    by_class[(slot, groups[0])].append(var)
                else:
                    choices = []
                    for g in groups:
                        choice = model.new_bool_var(f"y_{c.a}_{c.b}_{slot}_{g}")
                        y[(c.pair, slot, g)] = choice
                        by_class[(slot, g)].append(choice)
                        choices.append(choice)
                    model.add(sum(choices) == var)
        if c.pair in instance.fixed:
            model.add(sum(pair_vars) == 1)
        else:
            model.add_at_most_one(pair_vars)

    for vars_ in by_person_slot.values():
        if len(vars_) > 1:
            model.add_at_most_one(vars_)
    for pid, pairs in instance.conflicts.items():
        for s, t in pairs:
            both = by_person_slot.get((pid, s), []) + by_person_slot.get((pid, t), [])
            if len(both) > 1:
                model.add_at_most_one(both)
    for slot, vars_ in by_slot.items():
        model.add(sum(vars_) <= instance.capacity.get(slot, 0))
    for (slot, g), vars_ in by_class.items():
        model.add(sum(vars_) <= classes[slot].size(g))
    # Parallel halls: an interpreter (one class each then) serves one of overlapping slots.
    for slot, others in instance.overlaps.items():
        for other in others:
            if other <= slot:
                continue
            for i in event.interpreters:
                here, there = classes[slot].of(i.id), classes[other].of(i.id)
                if here is None or there is None:
                    continue
                both = by_class.get((slot, here), []) + by_class.get((other, there), [])
                if len(both) > 1:
                    model.add(sum(both) <= 1)
    for pid, vars_ in by_person.items():
        cap = event.participants[pid].max_meetings
        if cap is not None:
            model.add(sum(vars_) <= cap)

    # Fairness: a first meeting for everyone who can have one, then more up to the floor.
    hinted: dict[str, int] = defaultdict(int)
    in_model = {c.pair for c in candidates}
    for pair, _ in hint.items():
        if pair in in_model:
            hinted[pair[0]] += 1
            hinted[pair[1]] += 1
    floor_vars = _fairness_terms(model, instance, by_person, {}, objective, hinted)

    primary = sum(objective)
    model.maximize(primary)
    for (pair, slot), var in x.items():
        placed = hint.get(pair)
        model.add_hint(var, 1 if placed is not None and placed[0] == slot else 0)
    for (pair, slot, g), var in y.items():
        placed = hint.get(pair)
        used = placed is not None and placed[0] == slot and placed[1] is not None
        named = placed[1] if placed is not None else None
        model.add_hint(var, 1 if used and classes[slot].of(named or "") == g else 0)

    first = limit * (1 - options.compact_share) if options.compact else limit
    solver = _solver(options, first)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleScheduleError(
            "model",
            [],
            f"CP-SAT found no schedule ({solver.status_name(status)})",
            hint="Check fixed meetings, tables and interpreters.",
        )
    bound = solver.best_objective_bound / SCALE
    name = solver.status_name(status)
    if options.compact:
        # Second stage: keep the objective reached, minimise idle gaps (lexicographic).
        best = round(solver.objective_value)
        x_values = {key: solver.boolean_value(var) for key, var in x.items()}
        y_values = {key: solver.boolean_value(var) for key, var in y.items()}
        floor_values = [(var, solver.value(var)) for var in floor_vars]
        busy_now = {(pid, slot): True for (pair, slot), v in x_values.items() if v for pid in pair}
        model.add(primary >= best)
        model.clear_hints()  # type: ignore[no-untyped-call]
        idle_terms = _idle_terms(model, event, by_person_slot, busy_now)
        for x_key, x_var in x.items():
            model.add_hint(x_var, x_values[x_key])
        for y_key, y_var in y.items():
            model.add_hint(y_var, y_values[y_key])
        for floor_var, value in floor_values:
            model.add_hint(floor_var, value)
        model.minimize(sum(idle_terms))
        second = _solver(options, limit - first)
        status2 = second.solve(model)
        if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            solver = second
            name = f"{name}+{second.status_name(status2)}"
    return _Result(
        chosen={pair: slot for (pair, slot), var in x.items() if solver.boolean_value(var)},
        groups={(pair, slot): g for (pair, slot, g), var in y.items() if solver.boolean_value(var)},
        bound=bound,
        status=name,
    )


def _fairness_terms(
    model: cp_model.CpModel,
    instance: Instance,
    meetings: Mapping[str, Sequence[cp_model.LinearExprT]],
    already: Mapping[str, int],
    objective: list[cp_model.LinearExprT],
    hinted: Mapping[str, int],
) -> list[cp_model.IntVar]:
    """Fairness of each participant who already has ``already`` meetings and may get
    ``meetings`` more: :attr:`Instance.first` for a first meeting, ``fairness_weight`` for
    each further one up to the floor (the one definition of :meth:`Instance.fairness`)."""
    fair = round(instance.options.fairness_weight * SCALE)
    out = []
    for pid, floor in instance.floors.items():
        terms = meetings.get(pid)
        had = already.get(pid, 0)
        if not terms or had >= floor:
            continue
        steps = []
        if had == 0:
            first = model.new_bool_var(f"first_{pid}")
            objective.append(instance.first * first)
            model.add_hint(first, hinted.get(pid, 0) > 0)
            steps.append(first)
            out.append(first)
        more = floor - max(had, 1)
        if more > 0:
            extra = model.new_int_var(0, more, f"more_{pid}")
            objective.append(fair * extra)
            model.add_hint(extra, max(0, min(floor, hinted.get(pid, 0)) - 1))
            steps.append(extra)
            out.append(extra)
        model.add(sum(steps) <= sum(terms))
    return out


def _select(
    instance: Instance, hint: Mapping[tuple[str, str], tuple[str, str | None]], limit: float
) -> tuple[set[tuple[str, str]], float, str]:
    """Which pairs meet, ignoring when: a relaxation of the full model (its bound bounds it).

    Each participant meets at most as often as its cap and its usable slots allow, the
    meetings fit the tables of all slots, interpreted meetings fit the interpreters' slots,
    and fixed pairs are in. Idle gaps cannot be negative, so leaving them out keeps a bound.
    """
    event = instance.event
    options = instance.options
    model = cp_model.CpModel()
    z = {c.pair: model.new_bool_var(f"z_{c.a}_{c.b}") for c in instance.candidates}
    by_person: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    interpreted = []
    for c in instance.candidates:
        by_person[c.a].append(z[c.pair])
        by_person[c.b].append(z[c.pair])
        if c.needs_interpreter:
            interpreted.append(z[c.pair])
        if c.pair in instance.fixed:
            model.add(z[c.pair] == 1)
    for pid, vars_ in by_person.items():
        p = event.participants[pid]
        usable = _usable_slots(instance, pid)
        limit_u = usable if p.max_meetings is None else min(usable, p.max_meetings)
        model.add(sum(vars_) <= limit_u)
    model.add(sum(z.values()) <= sum(instance.capacity.values()))
    interpreter_slots = _interpreter_slots(event)
    if interpreted:
        model.add(sum(interpreted) <= interpreter_slots)
    objective: list[cp_model.LinearExprT] = [c.best * z[c.pair] for c in instance.candidates]
    hinted: dict[str, int] = defaultdict(int)
    for pair in hint:
        hinted[pair[0]] += 1
        hinted[pair[1]] += 1
    _fairness_terms(model, instance, by_person, {}, objective, hinted)
    model.maximize(sum(objective))
    for pair, var in z.items():
        model.add_hint(var, 1 if pair in hint else 0)
    solver = _solver(options, limit)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleScheduleError(
            "model", [], f"CP-SAT found no pair selection ({solver.status_name(status)})"
        )
    selected = {pair for pair, var in z.items() if solver.boolean_value(var)}
    return selected, solver.best_objective_bound / SCALE, solver.status_name(status)


def _select_flow(
    instance: Instance, first: int | None = None
) -> tuple[set[tuple[str, str]], float] | None:
    """Pair selection as a min-cost flow, with a Lagrangian price on interpretation.

    When every candidate pair has exactly one exporter, the selection relaxation of
    :func:`_select` is a bipartite b-matching with a cardinality limit: exporters on the
    left, everyone else on the right, each with its meeting limit (the first ``floor``
    meetings of a delegation member earn the fairness reward: a concave gain a flow
    handles exactly). The one side constraint, interpreted meetings within the
    interpreters' slots, is priced by ``lam`` per interpreted meeting: for every
    ``lam >= 0`` the flow optimum plus ``lam`` x the interpreter slots bounds the
    relaxation, so the smallest such value is the bound; the selection is the best one
    that respects the interpreter limit. Returns None when the candidates are not
    bipartite (the CP-SAT selection is used then). ``first``: the gain of a first meeting
    (default :attr:`Instance.first`; ``fairness_weight`` bounds the second tier alone).
    """
    first_gain = instance.first if first is None else first
    event = instance.event
    people = event.participants
    left = {pid for pid, p in people.items() if p.side == "exporter"}
    if any((c.a in left) == (c.b in left) for c in instance.candidates):
        return None
    options = instance.options
    limit = {
        pid: (
            _usable_slots(instance, pid)
            if people[pid].max_meetings is None
            else min(_usable_slots(instance, pid), people[pid].max_meetings or 0)
        )
        for pid in people
    }
    total = sum(instance.capacity.values())
    interpreter_slots = _interpreter_slots(event)
    fixed_pairs = set(instance.fixed)
    big = 10**9

    def run(lam: float) -> tuple[set[tuple[str, str]], float, int]:
        """Selection and its Lagrangian value at price ``lam`` (in score units)."""
        flow = min_cost_flow.SimpleMinCostFlow()
        ids = {pid: n + 3 for n, pid in enumerate(sorted(people))}
        s0, src, sink = 0, 1, 2
        flow.add_arc_with_capacity_and_unit_cost(s0, src, total, 0)
        flow.add_arc_with_capacity_and_unit_cost(src, sink, total, 0)  # unused seats
        fair = round(options.fairness_weight * SCALE)
        for pid in sorted(people):
            floor = min(instance.floors.get(pid, 0), limit[pid])
            rest = limit[pid] - floor
            tail, head = (src, ids[pid]) if pid in left else (ids[pid], sink)
            if floor:  # the first meeting, then the rest up to the floor: a concave gain
                flow.add_arc_with_capacity_and_unit_cost(tail, head, 1, -first_gain)
            if floor > 1:
                flow.add_arc_with_capacity_and_unit_cost(tail, head, floor - 1, -fair)
            if rest > 0:
                flow.add_arc_with_capacity_and_unit_cost(tail, head, rest, 0)
        arcs = []
        for c in instance.candidates:
            u, v = (c.a, c.b) if c.a in left else (c.b, c.a)
            gain = c.best - (round(lam * SCALE) if c.needs_interpreter else 0)
            if c.pair in fixed_pairs:
                gain += big
            arcs.append((c, flow.add_arc_with_capacity_and_unit_cost(ids[u], ids[v], 1, -gain)))
        flow.set_node_supply(s0, total)
        flow.set_node_supply(sink, -total)
        if flow.solve() != flow.OPTIMAL:
            raise InfeasibleScheduleError("model", [], "the pair-selection flow has no solution")
        chosen = {c.pair for c, arc in arcs if flow.flow(arc) > 0}
        value = -flow.optimal_cost() / SCALE - len(fixed_pairs & chosen) * big / SCALE
        interpreted = sum(1 for c, arc in arcs if c.needs_interpreter and flow.flow(arc) > 0)
        return chosen, value + lam * interpreter_slots, interpreted

    chosen, bound, interpreted = run(0.0)
    if interpreted <= interpreter_slots:
        return chosen, bound
    best_bound, best_feasible = bound, None
    low, high = (
        0.0,
        max((c.best / SCALE for c in instance.candidates), default=0.0) + 2 * first_gain / SCALE,
    )
    for _ in range(30):  # bisection on the price of interpretation
        lam = (low + high) / 2
        chosen, value, interpreted = run(lam)
        best_bound = min(best_bound, value)
        if interpreted > interpreter_slots:
            low = lam
        else:
            high = lam
            best_feasible = chosen
        if high - low < 0.05:
            break
    if best_feasible is None:
        best_feasible, value, _ = run(high)
        best_bound = min(best_bound, value)
    return best_feasible, best_bound


def _interpreter_slots(event: Event) -> int:
    """Interpreter x slot pairs in which an interpreter can work (the selection's capacity)."""
    return sum(
        1
        for i in event.interpreters
        for slot in event.slots
        if (i.available is None or slot.id in i.available) and (i.venue in (None, slot.venue))
    )


def _usable_slots(instance: Instance, pid: str) -> int:
    """Slots a participant can attend, less those that clash (a conservative upper count)."""
    p = instance.event.participants[pid]
    return sum(1 for s in instance.event.slots if instance.event.attends(p.id, s))


def _improve(
    instance: Instance,
    chosen: dict[tuple[str, str], str],
    groups: dict[tuple[tuple[str, str], str], int],
    classes: Mapping[str, _Classes],
    budget: float,
    wall: float | None,
) -> tuple[int, bool]:
    """Deterministic large-neighbourhood search: re-solve two slots at a time, exactly.

    For each pair of slots, the meetings in them and the unscheduled candidates that could
    use them are re-assigned by a small single-worker CP-SAT model; everything else stays.
    A round visits every slot pair; rounds repeat while they gain and ``budget`` (seconds
    of CP-SAT's deterministic time, so runs repeat exactly) lasts; ``wall`` seconds is a
    safety net. Returns the rounds run and whether the wall clock stopped the search.
    """
    event = instance.event
    options = instance.options
    by_pair = instance.by_pair
    ranked = sorted(instance.candidates, key=lambda c: (-c.weight, c.pair))
    usable_in: dict[str, list[int]] = defaultdict(list)  # slot -> ranks of candidates
    for rank, c in enumerate(ranked):
        for slot in c.slots:
            usable_in[slot].append(rank)
    slot_ids = [s.id for s in event.slots]
    deadline = time.perf_counter() + wall if wall is not None else None
    spent = 0.0
    rounds = 0
    step = max(0.05, budget / max(1, len(slot_ids) * (len(slot_ids) - 1) / 2) / 3)
    while spent < budget:
        rounds += 1
        gained = False
        for i, s in enumerate(slot_ids):
            for t in slot_ids[i + 1 :]:
                if spent >= budget:
                    break
                if deadline is not None and time.perf_counter() > deadline:
                    return rounds, True
                window = {s, t}
                count: dict[str, int] = defaultdict(int)
                busy_elsewhere: set[tuple[str, str]] = set()
                for pair, slot in chosen.items():
                    if slot not in window:
                        for pid in pair:
                            count[pid] += 1
                            busy_elsewhere.add((pid, slot))
                movable = [
                    p for p, slot in chosen.items() if slot in window and p not in instance.fixed
                ]
                pinned = [p for p, slot in chosen.items() if slot in window and p in instance.fixed]
                extra: list[tuple[str, str]] = []
                for rank in heapq.merge(usable_in[s], usable_in[t]):
                    c = ranked[rank]
                    if c.pair in chosen or (extra and extra[-1] == c.pair):
                        continue
                    if all(
                        (cap := event.participants[pid].max_meetings) is None or count[pid] < cap
                        for pid in c.pair
                    ):
                        extra.append(c.pair)
                        if len(extra) >= options.neighbourhood_extra:
                            break
                pool = movable + extra
                if not pool:
                    continue
                model = cp_model.CpModel()
                x: dict[tuple[tuple[str, str], str], cp_model.IntVar] = {}
                yv: dict[tuple[tuple[str, str], str, int], cp_model.IntVar] = {}
                per_person: dict[tuple[str, str], list[cp_model.LinearExprT]] = defaultdict(list)
                per_slot: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
                per_class: dict[tuple[str, int], list[cp_model.LinearExprT]] = defaultdict(list)
                new_count: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
                objective: list[cp_model.LinearExprT] = []
                for pair in pinned:
                    slot = chosen[pair]
                    c = by_pair[pair]
                    for pid in pair:
                        per_person[(pid, slot)].append(1)
                    per_slot[slot].append(1)
                    if c.needs_interpreter:
                        g = groups.get((pair, slot))
                        if g is None:
                            g = classes[slot].groups(c.interpreters.get(slot, ()))[0]
                        per_class[(slot, g)].append(1)
                for pair in pool:
                    c = by_pair[pair]
                    options_ = []
                    for slot in c.slots:
                        if slot not in window:
                            continue
                        if any(
                            (pid, other) in busy_elsewhere
                            for pid in pair
                            for a_, b_ in instance.conflicts.get(pid, ())
                            for other in ((b_,) if a_ == slot else (a_,) if b_ == slot else ())
                        ):
                            continue
                        var = model.new_bool_var("")
                        x[(pair, slot)] = var
                        options_.append(var)
                        for pid in pair:
                            per_person[(pid, slot)].append(var)
                            new_count[pid].append(var)
                        per_slot[slot].append(var)
                        objective.append(c.value(slot) * var)
                        if c.needs_interpreter:
                            gs = classes[slot].groups(c.interpreters.get(slot, ()))
                            choice = []
                            for g in gs:
                                gv = model.new_bool_var("")
                                yv[(pair, slot, g)] = gv
                                per_class[(slot, g)].append(gv)
                                choice.append(gv)
                            model.add(sum(choice) == var)
                    if options_:
                        model.add_at_most_one(options_)
                for (pid, slot), terms in per_person.items():
                    if (pid, slot) in busy_elsewhere:
                        model.add(sum(terms) == 0)
                    elif len(terms) > 1:
                        model.add(sum(terms) <= 1)
                for slot, terms in per_slot.items():
                    model.add(sum(terms) <= instance.capacity.get(slot, 0))
                blocked = _blocked_interpreters(instance, chosen, groups, classes, window)
                for (slot, g), terms in per_class.items():
                    room = 0 if (slot, g) in blocked else classes[slot].size(g)
                    model.add(sum(terms) <= room)
                if t in instance.overlaps.get(s, ()):  # the two slots run in parallel halls
                    for interp in event.interpreters:
                        here, there = classes[s].of(interp.id), classes[t].of(interp.id)
                        if here is not None and there is not None:
                            both = per_class.get((s, here), []) + per_class.get((t, there), [])
                            if len(both) > 1:
                                model.add(sum(both) <= 1)
                already: dict[str, int] = {}
                for pid, terms in new_count.items():
                    cap = event.participants[pid].max_meetings
                    already[pid] = count[pid] + sum(1 for p in pinned if pid in p)
                    if cap is not None:
                        model.add(sum(terms) <= cap - already[pid])
                _fairness_terms(model, instance, new_count, already, objective, {})
                model.maximize(sum(objective))
                for pair in movable:
                    slot = chosen[pair]
                    if (pair, slot) in x:
                        model.add_hint(x[(pair, slot)], 1)
                for key, var in x.items():
                    if chosen.get(key[0]) != key[1]:
                        model.add_hint(var, 0)
                solver = cp_model.CpSolver()
                solver.parameters.num_workers = 1
                solver.parameters.random_seed = options.seed
                solver.parameters.max_deterministic_time = step
                status = solver.solve(model)
                spent += solver.deterministic_time
                if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    continue
                before = _window_value(instance, chosen, window, movable, count)
                after_pairs = {
                    key[0]: key[1] for key, var in x.items() if solver.boolean_value(var)
                }
                after = _window_value(instance, after_pairs, window, list(after_pairs), count)
                if after <= before:
                    continue
                for pair in movable:
                    del chosen[pair]
                    for slot in window:
                        groups.pop((pair, slot), None)
                for pair, slot in after_pairs.items():
                    chosen[pair] = slot
                for (pair, slot, g), var in yv.items():
                    if solver.boolean_value(var):
                        groups[(pair, slot)] = g
                gained = True
        if not gained:
            break
    return rounds, False


def _blocked_interpreters(
    instance: Instance,
    chosen: Mapping[tuple[str, str], str],
    groups: Mapping[tuple[tuple[str, str], str], int],
    classes: Mapping[str, _Classes],
    window: set[str],
) -> set[tuple[str, int]]:
    """(slot, class) of the window whose interpreter works in a parallel slot outside it."""
    if not instance.overlaps:
        return set()
    by_pair = instance.by_pair
    out = set()
    for pair, slot in chosen.items():
        c = by_pair[pair]
        if slot in window or not c.needs_interpreter:
            continue
        g = groups.get((pair, slot))
        if g is None:
            g = classes[slot].groups(c.interpreters.get(slot, ()))[0]
        interpreter = classes[slot].members(g)[0]
        for other in instance.overlaps.get(slot, ()):
            if other in window and (there := classes[other].of(interpreter)) is not None:
                out.add((other, there))
    return out


def _window_value(
    instance: Instance,
    placed: Mapping[tuple[str, str], str],
    window: set[str],
    pairs: Iterable[tuple[str, str]],
    count: Mapping[str, int],
) -> int:
    """Score + fairness (in model units) of the movable meetings of a window."""
    by_pair = instance.by_pair
    value = 0
    extra: dict[str, int] = defaultdict(int)
    for pair in pairs:
        slot = placed.get(pair)
        if slot is not None and slot in window:
            value += by_pair[pair].value(slot)
            for pid in pair:
                extra[pid] += 1
    pinned: dict[str, int] = defaultdict(int)
    for pair, slot in placed.items():
        if slot in window and pair in instance.fixed:
            for pid in pair:
                pinned[pid] += 1
    for pid, n in extra.items():
        had = count.get(pid, 0) + pinned[pid]
        value += instance.fairness(pid, had + n) - instance.fairness(pid, had)
    return value


def _fill(
    instance: Instance,
    chosen: dict[tuple[str, str], str],
    groups: dict[tuple[tuple[str, str], str], int],
    classes: Mapping[str, _Classes],
) -> int:
    """Add unscheduled candidates into free seats, best first, keeping every constraint."""
    event = instance.event
    order = {s.id: n for n, s in enumerate(event.slots)}
    by_pair = instance.by_pair
    busy = {(pid, slot) for pair, slot in chosen.items() for pid in pair}
    tables: dict[str, int] = defaultdict(int)
    count: dict[str, int] = defaultdict(int)
    used: dict[tuple[str, int], int] = defaultdict(int)

    def use(slot: str, g: int) -> None:
        used[(slot, g)] += 1
        for other in instance.overlaps.get(slot, ()):  # one class per interpreter then
            there = classes[other].of(classes[slot].members(g)[0])
            if there is not None:
                used[(other, there)] += 1

    for pair, slot in chosen.items():
        tables[slot] += 1
        for pid in pair:
            count[pid] += 1
        c = by_pair[pair]
        if c.needs_interpreter:
            g = groups.get((pair, slot))
            if g is None:
                g = classes[slot].groups(c.interpreters.get(slot, ()))[0]
            use(slot, g)
    clashes: dict[tuple[str, str], set[str]] = defaultdict(set)
    for pid, pairs in instance.conflicts.items():
        for s, t in pairs:
            clashes[(pid, s)].add(t)
            clashes[(pid, t)].add(s)

    def free(pid: str, slot: str) -> bool:
        if (pid, slot) in busy:
            return False
        return not any((pid, t) in busy for t in clashes.get((pid, slot), ()))

    added = 0
    for c in sorted(instance.candidates, key=lambda c: (-c.weight, c.pair)):
        if c.pair in chosen:
            continue
        if any(
            (cap := event.participants[pid].max_meetings) is not None and count[pid] >= cap
            for pid in c.pair
        ):
            continue
        for slot in sorted(c.slots, key=order.__getitem__):
            if tables[slot] >= instance.capacity.get(slot, 0):
                continue
            if not (free(c.a, slot) and free(c.b, slot)):
                continue
            group = None
            if c.needs_interpreter:
                group = next(
                    (
                        g
                        for g in classes[slot].groups(c.interpreters.get(slot, ()))
                        if used[(slot, g)] < classes[slot].size(g)
                    ),
                    None,
                )
                if group is None:
                    continue
                use(slot, group)
                groups[(c.pair, slot)] = group
            chosen[c.pair] = slot
            tables[slot] += 1
            busy.update({(c.a, slot), (c.b, slot)})
            count[c.a] += 1
            count[c.b] += 1
            added += 1
            break
    return added


class _Classes:
    """The interpreters of one slot grouped by what they can do there."""

    def __init__(
        self, interpreters: Sequence[Interpreter], slot: Slot, individual: bool = False
    ) -> None:
        """``individual``: one class per interpreter, so overlapping slots can share them."""
        present = [
            i
            for i in interpreters
            if (i.venue is None or i.venue == slot.venue)
            and (i.available is None or slot.id in i.available)
        ]
        keys: dict[frozenset[frozenset[str]], int] = {}
        self._members: list[list[str]] = []
        self._class_of: dict[str, int] = {}
        for i in sorted(present, key=lambda i: i.id):
            key = frozenset({frozenset({i.id})}) if individual else i.pairs
            g = keys.setdefault(key, len(keys))
            if g == len(self._members):
                self._members.append([])
            self._members[g].append(i.id)
            self._class_of[i.id] = g

    def groups(self, ids: Iterable[str]) -> list[int]:
        return sorted({self._class_of[i] for i in ids if i in self._class_of})

    def size(self, g: int) -> int:
        return len(self._members[g])

    def members(self, g: int) -> list[str]:
        return self._members[g]

    def of(self, interpreter: str) -> int | None:
        return self._class_of.get(interpreter)


def _name_interpreters(
    instance: Instance,
    chosen: Mapping[tuple[str, str], str],
    groups: Mapping[tuple[tuple[str, str], str], int],
    classes: Mapping[str, _Classes],
) -> dict[tuple[tuple[str, str], str], str]:
    """Name an interpreter of the chosen class for each meeting that needs one."""
    by_pair = instance.by_pair
    free: dict[tuple[str, int], list[str]] = {}
    out: dict[tuple[tuple[str, str], str], str] = {}
    ordered = sorted(
        chosen.items(),
        key=lambda item: (item[0] not in instance.fixed, item[0] not in instance.homes, item),
    )
    for pair, slot in ordered:
        c = by_pair[pair]
        if not c.needs_interpreter:
            continue
        fixed = instance.fixed.get(pair) or instance.homes.get(pair)
        g = groups.get((pair, slot))
        if g is None:
            g = classes[slot].groups(c.interpreters.get(slot, ()))[0]
        pool = free.setdefault((slot, g), list(classes[slot].members(g)))
        if fixed is not None and fixed.slot == slot and fixed.interpreter in pool:
            pool.remove(fixed.interpreter)
            out[(pair, slot)] = fixed.interpreter
        else:
            out[(pair, slot)] = pool.pop(0)
    return out


def _idle_terms(
    model: cp_model.CpModel,
    event: Event,
    by_person_slot: Mapping[tuple[str, str], list[cp_model.IntVar]],
    busy_hint: Mapping[tuple[str, str], bool],
) -> list[cp_model.IntVar]:
    """Idle-slot indicators per participant and day, hinted from ``busy_hint``.

    idle[k] >= before[k-1] + after[k+1] - 1 - busy[k], where before/after say whether the
    participant meets at or before / at or after a slot. Minimising drives idle to 0 unless
    the slot lies between two meetings.
    """
    days: dict[dt.date, list[Slot]] = defaultdict(list)
    for slot in event.slots:
        days[slot.start.date()].append(slot)
    people = sorted({pid for pid, _ in by_person_slot})
    out = []
    for pid in people:
        for slots in days.values():
            if sum(1 for slot in slots if by_person_slot.get((pid, slot.id))) < 2:
                continue
            busy = []
            marks = [bool(busy_hint.get((pid, slot.id))) for slot in slots]
            for slot, mark in zip(slots, marks, strict=True):
                vars_ = by_person_slot.get((pid, slot.id), [])
                b = model.new_bool_var(f"busy_{pid}_{slot.id}")
                model.add(sum(vars_) == b) if vars_ else model.add(b == 0)
                model.add_hint(b, mark)
                busy.append(b)
            n = len(busy)
            before = [model.new_bool_var(f"before_{pid}_{k}") for k in range(n)]
            after = [model.new_bool_var(f"after_{pid}_{k}") for k in range(n)]
            for k in range(n):
                model.add_max_equality(before[k], busy[: k + 1])
                model.add_max_equality(after[k], busy[k:])
                model.add_hint(before[k], any(marks[: k + 1]))
                model.add_hint(after[k], any(marks[k:]))
            for k in range(1, n - 1):
                idle = model.new_bool_var(f"idle_{pid}_{k}")
                model.add(idle >= before[k - 1] + after[k + 1] - 1 - busy[k])
                model.add_hint(idle, any(marks[:k]) and any(marks[k + 1 :]) and not marks[k])
                out.append(idle)
    return out


def _seat(
    instance: Instance,
    chosen: Mapping[tuple[str, str], str],
    interpreters: Mapping[tuple[tuple[str, str], str], str],
) -> tuple[Meeting, ...]:
    """Give each meeting a table of its slot's venue (fixed ones keep theirs when they can)."""
    event = instance.event
    slots = {s.id: s for s in event.slots}
    weights = {c.pair: c.score for c in instance.candidates}
    musts = {c.pair for c in instance.candidates if c.must}
    per_slot: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for pair, slot in chosen.items():
        per_slot[slot].append(pair)
    meetings = []
    for slot_id in sorted(per_slot, key=lambda s: (slots[s].start, s)):
        venue = slots[slot_id].venue
        free = [t.id for t in event.tables if t.venue == venue and slot_id not in t.unavailable]
        taken: set[str] = set()
        pairs = sorted(per_slot[slot_id])
        keep = {}

        # Locked meetings claim their tables before published ones (which may move table).
        # Then published meetings that stayed in their slot keep their table when they can.
        def rank(p: tuple[str, str]) -> int:
            fixed = instance.fixed.get(p)
            return 0 if fixed is not None and fixed.locked else 1 if fixed is not None else 2

        for pair in sorted(pairs, key=rank):
            old = instance.fixed.get(pair) or instance.homes.get(pair)
            if (
                old is not None
                and old.slot == slot_id
                and old.table in free
                and old.table not in taken
            ):
                keep[pair] = old.table
                taken.add(old.table)
        rest = iter(t for t in free if t not in taken)
        for pair in pairs:
            table = keep.get(pair) or next(rest)
            old = instance.fixed.get(pair) or instance.homes.get(pair)
            meetings.append(
                Meeting(
                    a=pair[0],
                    b=pair[1],
                    slot=slot_id,
                    table=table,
                    interpreter=interpreters.get((pair, slot_id)),
                    score=weights.get(pair, 0.0)
                    - (instance.options.must_bonus if pair in musts else 0.0),
                    locked=bool(old and old.locked),
                    published=bool(old and old.published),
                )
            )
    return tuple(meetings)

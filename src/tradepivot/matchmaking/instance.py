"""What the scheduler reads, derived once from an event and scores: the options, the
candidate pairs with their usable slots and interpreters, capacities, conflicts and the
fairness floors (:func:`build_instance`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from tradepivot.errors import InputError
from tradepivot.matchmaking.fixed import (
    check_fixed,
    normalised,
    pair_of,
    slot_conflicts,
    table_capacity,
)
from tradepivot.matchmaking.model import Event, Meeting, Participant, Slot, shares_language

__all__ = [
    "SCALE",
    "Candidate",
    "Instance",
    "ScheduleOptions",
    "build_instance",
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

    @cached_property
    def max_floor(self) -> int:
        """The highest fairness floor: the number of fairness tiers (>= 1, >= 2, ...)."""
        return max(self.floors.values(), default=0)

    @cached_property
    def tier_weights(self) -> tuple[int, ...] | None:
        """Strict weights of the tiers ">= k meetings", k = 1 .. :attr:`max_floor` (model
        units), when they provably fit; else None.

        Tier k's weight is one more than everything below it can add up to together (every
        participant reaching every later tier, every candidate's best value, every further
        meeting's ``fairness_weight``), so one weighted objective ranks the tiers strictly,
        lexicographically. Such weights grow like participants ** floor: with a floor of 4
        they overflow int64 at ~2,000 participants. They are returned only when the largest
        objective they make stays below 2**53, so CP-SAT's objective (a double) and its
        int64 arithmetic are both exact."""
        fair = round(self.options.fairness_weight * SCALE)
        below = sum(c.best for c in self.candidates) + fair * sum(
            f - 1 for f in self.floors.values()
        )
        weights: list[int] = []
        for k in range(self.max_floor, 0, -1):
            weight = below + 1
            weights.append(weight)
            below += weight * sum(1 for f in self.floors.values() if f >= k)
            if below >= 2**53:
                return None
        return tuple(reversed(weights))

    def fairness(self, pid: str, count: int) -> int:
        """Model units of fairness for ``pid`` with ``count`` meetings: :attr:`first` for the
        first, ``fairness_weight`` for each further one up to the floor; with
        :attr:`tier_weights` (when they fit), each tier's strict weight instead, plus
        ``fairness_weight`` per meeting after the first (as :func:`add_fairness` prices it)."""
        floor = self.floors.get(pid, 0)
        if floor <= 0 or count <= 0:
            return 0
        fair = round(self.options.fairness_weight * SCALE)
        reached = min(floor, count)
        strict = self.tier_weights
        if strict is not None:
            return sum(strict[:reached]) + fair * (reached - 1)
        return self.first + fair * (reached - 1)


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
    home_meetings = {m.pair: m for m in (normalised(m) for m in homes)}
    homes_slot = {pair: m.slot for pair, m in home_meetings.items()}
    frozen = frozenset(frozen)
    people = event.participants
    vetoes = {pair_of(p.source, p.target) for p in event.preferences if p.level == "no"}
    musts = {pair_of(p.source, p.target) for p in event.preferences if p.level == "must"}
    fixed = [normalised(m) for m in fixed]
    fixed_by_pair = {m.pair: m for m in fixed}
    notes: list[str] = []
    check_fixed(event, fixed)

    # Pruning: keep a pair when it is among the best of either side.
    by_person: dict[str, list[tuple[float, tuple[str, str]]]] = defaultdict(list)
    for pair, score in scores.items():
        pair = pair_of(*pair)
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

    nowhere = [
        pid
        for pid, p in people.items()
        if p.max_meetings != 0 and not any(event.attends(pid, s) for s in event.slots)
    ]
    if nowhere:
        shown = ", ".join(nowhere[:10]) + (
            f" and {len(nowhere) - 10} more" if len(nowhere) > 10 else ""
        )
        notes.append(
            f"{len(nowhere)} participant(s) can meet in no slot at all (their availability and "
            f"group sessions leave none): {shown}. Check 'available' in participants.csv."
        )

    conflicts_all = slot_conflicts(event)
    conflicts = {pid: tuple(conflicts_all) for pid in people} if conflicts_all else {}
    floors = _floors(event, candidates, options)
    overlaps = _overlaps(event)
    return Instance(
        event=event,
        candidates=tuple(candidates),
        fixed=fixed_by_pair,
        capacity=table_capacity(event),
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

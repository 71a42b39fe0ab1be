"""The CP-SAT scheduler against an independent checker and an exhaustive search.

- Hypothesis draws small random events (one or two venues, slots that may overlap or sit
  too close for the travel between venues, scarce tables and interpreters, random
  languages, availability, caps, vetoes and must-meets, sometimes a locked meeting): every
  schedule, also after a reschedule, passes :func:`tests.matchmaking.checker.check_schedule`
  and its objective equals the optimum of an exhaustive search written here from the
  model's definition (only the fairness floors are read from ``build_instance``).
- Determinism, the example event against the greedy, infeasible events, fixed meetings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as label
from hypothesis import strategies as st

from tests.matchmaking.checker import (
    check_schedule,
    clashing_slots,
    resource_clashes,
    unneeded_interpreters,
)
from tradepivot.data.reference import Reference
from tradepivot.errors import InfeasibleScheduleError, InputError
from tradepivot.events import load_event
from tradepivot.matchmaking.baselines import first_come_first_served, greedy_schedule
from tradepivot.matchmaking.evidence import MarketEvidence
from tradepivot.matchmaking.model import (
    Event,
    Interpreter,
    Meeting,
    Participant,
    Preference,
    PreferenceLevel,
    Slot,
    Table,
    Venue,
)
from tradepivot.matchmaking.relaxation import time_indexed_lp
from tradepivot.matchmaking.schedule import (
    Instance,
    ScheduleOptions,
    build_instance,
    evaluate,
    lexicographic,
    reached,
    solve,
    tiers,
    total,
)
from tradepivot.matchmaking.scoring import score_pairs

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "india-russia-forum"
ZONE = ZoneInfo("Asia/Kolkata")
DAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ZONE)
EN_RU = frozenset({frozenset({"en", "ru"})})
DEFAULTS = ScheduleOptions()
OPTIONS = ScheduleOptions(time_limit=5.0, seed=3)
QUICK = ScheduleOptions(time_limit=1.0, seed=3)  # events too large to prove optimal
LANGUAGES: tuple[tuple[str, ...], ...] = (("en",), ("ru",), ("en", "ru"))

Pair = tuple[str, str]


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def _attends(p: Participant, slot_id: str) -> bool:
    return p.available is None or slot_id in p.available


# ---------------------------------------------------------------------------- exhaustive search
@dataclass
class Optimum:
    value: float
    meetings: list[Meeting]


def exhaustive(
    event: Event,
    scores: Mapping[Pair, float],
    floors: Mapping[str, int],
    *,
    fixed: Sequence[Meeting] = (),
    options: ScheduleOptions = DEFAULTS,
    tiers: Sequence[float] = (),
    reach: int = 0,
) -> Optimum | None:
    """The best schedule by branch and bound over every pair x (slot or nothing); None when
    no schedule keeps the fixed meetings.

    The model, from the scheduler's definition: candidate pairs are the scored pairs nobody
    vetoed scoring at least ``min_score``, every must-meet and every fixed pair; a pair is
    worth its score plus ``must_bonus`` when it is a must-meet; a participant with k
    meetings adds ``tiers[j]`` for each j < k up to its floor (``floors``: participants
    with a candidate) and ``fairness_weight`` for each meeting after the first up to it.
    With ``reach`` = r, the value counts only the tiers ">= 1" .. ">= r", lexicographically:
    ``sum((n + 1) ** (r - k) * T_k)`` for n participants. Hard constraints as in the checker
    (per-slot tables and interpreters, interpreters matched to meetings per slot).
    ``floors`` is the only input taken from the scheduler (``build_instance(...).floors``).
    """
    people = event.participants
    slots = list(event.slots)
    index = {s.id: k for k, s in enumerate(slots)}
    n = len(slots)
    clash = [
        [k != j and clashing_slots(event, slots[k], slots[j]) for j in range(n)] for k in range(n)
    ]
    capacity = [
        sum(1 for t in event.tables if t.venue == s.venue and s.id not in t.unavailable)
        for s in slots
    ]
    vetoes = {_pair(p.source, p.target) for p in event.preferences if p.level == "no"}
    musts = {_pair(p.source, p.target) for p in event.preferences if p.level == "must"} - vetoes
    fixed_by_pair = {_pair(m.a, m.b): m for m in fixed}
    if set(fixed_by_pair) & vetoes:
        return None
    pairs: set[Pair] = set(musts) | set(fixed_by_pair)
    for (x, y), score in scores.items():
        pair = _pair(x, y)
        if pair not in vetoes and score >= options.min_score:
            pairs.add(pair)
    pairs = {p for p in pairs if p[0] in people and p[1] in people and p[0] != p[1]}

    def score_of(pair: Pair) -> float:
        return float(scores.get(pair, scores.get((pair[1], pair[0]), 0.0)))

    weight = {p: score_of(p) + (options.must_bonus if p in musts else 0.0) for p in pairs}
    if reach:
        weight = dict.fromkeys(pairs, 0.0)
        floors = {pid: min(f, reach) for pid, f in floors.items()}
        tiers = [float((len(people) + 1) ** (reach - k)) for k in range(1, reach + 1)]

    # usable slots, and for interpreted ones the eligible interpreters per slot
    usable: dict[Pair, list[tuple[int, frozenset[str] | None]]] = {}
    for pair in pairs:
        a, b = people[pair[0]], people[pair[1]]
        needs = not set(a.languages) & set(b.languages)
        options_: list[tuple[int, frozenset[str] | None]] = []
        for k, s in enumerate(slots):
            if not all(p.available is None or s.id in p.available for p in (a, b)):
                continue
            eligible = None
            if needs:
                eligible = frozenset(
                    i.id
                    for i in event.interpreters
                    if (i.venue is None or i.venue == s.venue)
                    and (i.available is None or s.id in i.available)
                    and i.covers(frozenset(a.languages), frozenset(b.languages))
                )
                if not eligible:
                    continue
            options_.append((k, eligible))
        usable[pair] = options_
    locked_tables: set[tuple[str, str]] = set()
    for pair, m in fixed_by_pair.items():
        if m.slot not in index:
            return None
        usable[pair] = [o for o in usable[pair] if o[0] == index[m.slot]]
        if not usable[pair]:
            return None
        if m.locked and m.table:
            table = next((t for t in event.tables if t.id == m.table), None)
            slot = slots[index[m.slot]]
            if table is None or table.venue != slot.venue or slot.id in table.unavailable:
                return None
            if (m.table, m.slot) in locked_tables:
                return None
            locked_tables.add((m.table, m.slot))

    order = sorted(fixed_by_pair) + sorted(
        (p for p in pairs if p not in fixed_by_pair), key=lambda p: (-weight[p], p)
    )
    n_fixed = len(fixed_by_pair)
    busy: dict[str, set[int]] = defaultdict(set)
    count: dict[str, int] = defaultdict(int)
    tables_used = [0] * n
    interpreted: list[list[frozenset[str]]] = [[] for _ in range(n)]
    chosen: dict[Pair, int] = {}
    best: list[tuple[float, dict[Pair, int]]] = []
    fair = 0.0 if reach else options.fairness_weight

    def fairness(pid: str, k: int) -> float:
        f = floors.get(pid, 0)
        if f <= 0 or k <= 0:
            return 0.0
        return sum(tiers[: min(f, k)]) + fair * (min(f, k) - 1)

    def cap(pid: str) -> int:
        limit = people[pid].max_meetings
        return n if limit is None else limit

    def free(pid: str, k: int) -> bool:
        return all(k != j and not clash[k][j] for j in busy[pid])

    def matchable(sets: list[frozenset[str]]) -> bool:
        """Whether distinct interpreters can serve every meeting (augmenting paths)."""
        owner: dict[str, int] = {}

        def augment(m: int, seen: set[str]) -> bool:
            for i in sorted(sets[m]):
                if i in seen:
                    continue
                seen.add(i)
                if i not in owner or augment(owner[i], seen):
                    owner[i] = m
                    return True
            return False

        return all(augment(m, set()) for m in range(len(sets)))

    def value_now() -> float:
        total = sum(weight[p] for p in chosen)
        return total + sum(fairness(pid, count[pid]) for pid in floors)

    def left(pid: str) -> int:
        """Meetings ``pid`` may still get: its cap, and the slots it could still use."""
        p = people[pid]
        open_ = sum(
            1
            for k, s in enumerate(slots)
            if (p.available is None or s.id in p.available)
            and tables_used[k] < capacity[k]
            and free(pid, k)
        )
        return min(cap(pid) - count[pid], open_)

    def bound(start: int) -> float:
        limit = {pid: left(pid) for pid in people}
        room = min(sum(capacity) - len(chosen), sum(limit.values()) // 2)
        extra = 0.0
        more: dict[str, int] = defaultdict(int)
        for pair in order[start:]:
            if any(limit[pid] <= 0 for pid in pair):
                continue
            if room > 0:
                extra += max(weight[pair], 0.0)
                room -= 1
            for pid in pair:
                more[pid] += 1
        gain = sum(
            fairness(pid, count[pid] + min(more[pid], limit[pid])) - fairness(pid, count[pid])
            for pid in floors
        )
        return value_now() + extra + gain

    def search(i: int) -> None:
        if i == len(order):
            value = value_now()
            if not best or value > best[0][0] + 1e-9:
                best[:] = [(value, dict(chosen))]
            return
        if i >= n_fixed and best and bound(i) <= best[0][0] + 1e-9:
            return
        pair = order[i]
        a, b = pair
        if count[a] < cap(a) and count[b] < cap(b):
            for k, eligible in usable[pair]:
                if tables_used[k] >= capacity[k] or not (free(a, k) and free(b, k)):
                    continue
                if eligible is not None and not matchable([*interpreted[k], eligible]):
                    continue
                chosen[pair] = k
                busy[a].add(k)
                busy[b].add(k)
                count[a] += 1
                count[b] += 1
                tables_used[k] += 1
                if eligible is not None:
                    interpreted[k].append(eligible)
                search(i + 1)
                if eligible is not None:
                    interpreted[k].pop()
                tables_used[k] -= 1
                count[a] -= 1
                count[b] -= 1
                busy[a].discard(k)
                busy[b].discard(k)
                del chosen[pair]
        if i >= n_fixed:
            search(i + 1)

    search(0)
    if not best:
        return None
    value, placed = best[0]
    meetings = [Meeting(p[0], p[1], slots[k].id, "") for p, k in placed.items()]
    return Optimum(value, meetings)


# ---------------------------------------------------------------------------- random events
@dataclass(frozen=True)
class Case:
    event: Event
    scores: dict[Pair, float]
    fixed: tuple[Meeting, ...]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    n_exporters = draw(st.integers(2, 5))
    n_buyers = draw(st.integers(2, 4))
    n_slots = draw(st.integers(2, 4))
    two_venues = draw(st.booleans())
    venue_ids = ["V1", "V2"] if two_venues else ["V1"]
    venues = {v: Venue(v, f"Hall {v}", "New Delhi", "Asia/Kolkata") for v in venue_ids}
    travel = {("V1", "V2"): draw(st.sampled_from([0, 5, 15]))} if two_venues else {}
    raw = []
    for _ in range(n_slots):
        start = DAY + dt.timedelta(minutes=10 * draw(st.integers(0, 2 * n_slots)))
        minutes = draw(st.sampled_from([20, 20, 30]))
        raw.append((start, minutes, draw(st.sampled_from(venue_ids))))
    raw.sort()
    # Parallel slots must be in different venues (one venue's tables cannot host both):
    # a slot overlapping an earlier one of its venue is left out.
    kept: list[tuple[dt.datetime, int, str]] = []
    for start, minutes, venue in raw:
        end = start + dt.timedelta(minutes=minutes)
        if all(
            v != venue or not (s0 < end and start < s0 + dt.timedelta(minutes=m0))
            for s0, m0, v in kept
        ):
            kept.append((start, minutes, venue))
    slots = tuple(
        Slot(f"s{k + 1}", start, start + dt.timedelta(minutes=minutes), venue)
        for k, (start, minutes, venue) in enumerate(kept)
    )
    slot_ids = [s.id for s in slots]

    def some_slots() -> frozenset[str] | None:
        if draw(st.integers(0, 2)) > 0:
            return None
        return frozenset(draw(st.sets(st.sampled_from(slot_ids), min_size=1)))

    tables = tuple(
        Table(
            f"T{k + 1}",
            draw(st.sampled_from(venue_ids)) if k else venue_ids[0],
            frozenset(draw(st.sets(st.sampled_from(slot_ids), max_size=1)))
            if draw(st.integers(0, 3)) == 0
            else frozenset(),
        )
        for k in range(draw(st.integers(1, 3)))
    )
    interpreters = tuple(
        Interpreter(
            f"I{k + 1}",
            f"Interpreter {k + 1}",
            EN_RU,
            venue=draw(st.sampled_from([None, *venue_ids])),
            available=some_slots(),
        )
        for k in range(draw(st.integers(0, 2)))
    )
    people: list[Participant] = []
    for side, prefix, count in (("exporter", "E", n_exporters), ("buyer", "B", n_buyers)):
        for k in range(count):
            people.append(
                Participant(
                    f"{prefix}{k + 1}",
                    f"{prefix}{k + 1} Ltd",
                    "exporter" if side == "exporter" else "buyer",
                    "IND" if side == "exporter" else "RUS",
                    delegation=draw(st.sampled_from([None, None, "D1", "D2"])),
                    languages=draw(st.sampled_from(LANGUAGES)),
                    available=some_slots(),
                    max_meetings=draw(st.sampled_from([None, None, 1, 2, n_slots])),
                )
            )
    exporters = [p.id for p in people if p.side == "exporter"]
    buyers = [p.id for p in people if p.side == "buyer"]
    all_pairs = [(e, b) for e in exporters for b in buyers]
    scores = {
        _pair(e, b): draw(st.integers(10, 1000)) / 10
        for e, b in all_pairs
        if draw(st.integers(0, 5)) > 0  # some pairs are not scored at all
    }
    preferences = []
    for e, b in draw(st.lists(st.sampled_from(all_pairs), max_size=3, unique=True)):
        level: PreferenceLevel = draw(st.sampled_from(["must", "must", "no"]))
        source, target = (e, b) if draw(st.booleans()) else (b, e)
        preferences.append(Preference(source, target, level))
    event = Event(
        name="random forum",
        timezone="Asia/Kolkata",
        participants={p.id: p for p in people},
        venues=venues,
        slots=slots,
        tables=tables,
        interpreters=interpreters,
        preferences=tuple(preferences),
        travel_minutes=travel,
    )
    fixed: tuple[Meeting, ...] = ()
    if draw(st.integers(0, 4)) == 0:  # sometimes a locked meeting (it may be infeasible)
        vetoed = {_pair(p.source, p.target) for p in preferences if p.level == "no"}
        allowed = [p for p in all_pairs if _pair(*p) not in vetoed]
        e, b = draw(st.sampled_from(allowed))
        a, b = _pair(e, b)
        both = [s for s in slot_ids if all(_attends(event.participants[x], s) for x in (a, b))]
        mostly_feasible = bool(both) and draw(st.booleans())
        fixed = (
            Meeting(
                a,
                b,
                draw(st.sampled_from(both if mostly_feasible else slot_ids)),
                draw(st.sampled_from(["", *(t.id for t in tables)])),
                locked=True,
                published=True,
            ),
        )
    return Case(event, scores, fixed)


def strict_tiers(
    event: Event, floors: Mapping[str, int], scores: Mapping[Pair, float], options: ScheduleOptions
) -> list[float]:
    """Weights of the tiers ">= k meetings" that rank them strictly: each is one more than
    everything below it can add up to (every later tier for everyone, every score, must
    bonus and further-meeting weight)."""
    below = sum(scores.values()) + options.must_bonus * len(event.preferences)
    below += options.fairness_weight * sum(f - 1 for f in floors.values())
    weights = []
    for k in range(max(floors.values(), default=0), 0, -1):
        weights.append(below + 1)
        below += (below + 1) * sum(1 for f in floors.values() if f >= k)
    return weights[::-1]


def _strict_value(
    instance: Instance, meetings: Sequence[Meeting], strict: Sequence[float]
) -> float:
    counts = tiers(instance, meetings)
    return sum(w * t for w, t in zip(strict, counts, strict=True)) + evaluate(instance, meetings)


def _not_better(a: Sequence[float], b: Sequence[float]) -> bool:
    """a is not lexicographically above b (the score compared to 1e-6)."""
    return tuple(a[:-1]) < tuple(b[:-1]) or (
        tuple(a[:-1]) == tuple(b[:-1]) and a[-1] <= b[-1] + 1e-6
    )


def _assert_optimal(case: Case, fixed: Sequence[Meeting]) -> list[Meeting] | None:
    """Solve, check every hard constraint, compare with the exhaustive optimum."""
    event, scores = case.event, case.scores
    try:
        instance = build_instance(event, scores, OPTIONS, fixed)
        result = solve(event, scores, OPTIONS, fixed)
    except InfeasibleScheduleError as error:
        # floors only weigh schedules; whether one exists does not depend on them
        best = exhaustive(event, scores, {}, fixed=fixed, options=OPTIONS)
        assert best is None, f"the solver says infeasible ({error}), a schedule exists"
        label(f"infeasible: {error.constraint}")
        return None
    strict = strict_tiers(event, instance.floors, scores, OPTIONS)
    best = exhaustive(event, scores, instance.floors, fixed=fixed, options=OPTIONS, tiers=strict)
    assert best is not None, "the solver found a schedule where none should exist"
    meetings = list(result.meetings)
    assert check_schedule(event, meetings, scores=scores, fixed=fixed) == []
    assert unneeded_interpreters(event, meetings) == []
    # The library's tiers and evaluate value a schedule as the exhaustive search does.
    assert _strict_value(instance, best.meetings, strict) == pytest.approx(best.value, abs=1e-6)
    assert result.status.startswith("OPTIMAL"), result.status
    # Lexicographically optimal: every tier, then the score, equals the optimum's.
    mine, theirs = lexicographic(instance, meetings), lexicographic(instance, best.meetings)
    assert mine[:-1] == theirs[:-1], f"tiers: solver {mine[:-1]}, optimum {theirs[:-1]}"
    assert mine[-1] == pytest.approx(theirs[-1], abs=1e-6)
    assert result.tiers == mine[:-1] and result.tiers_proven == len(mine) - 1
    assert result.objective == pytest.approx(evaluate(instance, meetings))
    # The fairness tiers alone: an exhaustive search that counts only participants with
    # >= 1 meeting finds the fewest without one; counting >= 1 then >= 2, the most with
    # two meetings among schedules reaching that many.
    n = len(event.participants)
    most = exhaustive(event, scores, instance.floors, fixed=fixed, options=OPTIONS, reach=1)
    assert most is not None
    assert reached(instance, meetings) == round(most.value)
    assert result.reached == round(most.value)
    both = exhaustive(event, scores, instance.floors, fixed=fixed, options=OPTIONS, reach=2)
    assert both is not None
    assert divmod(round(both.value), n + 1) == (*tiers(instance, meetings), 0, 0)[:2]
    # The time-indexed LP relaxation bounds first x reached + score of every schedule.
    relaxation = time_indexed_lp(instance)
    assert relaxation is not None and relaxation.bound >= total(instance, best.meetings) - 1e-6
    assert result.bound is not None and result.bound >= result.objective - 1e-6
    # The baselines are valid schedules too, and never beat the optimum.
    greedy_meetings = greedy_schedule(event, scores, options=OPTIONS, fixed=fixed)
    assert check_schedule(event, greedy_meetings, scores=scores, fixed=fixed) == []
    assert _not_better(lexicographic(instance, greedy_meetings), theirs)
    if not resource_clashes(event, fixed):  # else it cannot book them (module docstring)
        fcfs = first_come_first_served(event, scores, seed=1, fixed=fixed)
        assert check_schedule(event, fcfs, scores=scores, fixed=fixed) == []
        assert resource_clashes(event, fcfs) == []
        assert _not_better(lexicographic(instance, fcfs), theirs)
    label(f"{len(meetings)} meetings" if len(meetings) < 4 else "4+ meetings")
    return meetings


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI cannot flake
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=cases(), data=st.data())
def test_random_events_are_valid_and_optimal(case: Case, data: st.DataObject) -> None:
    meetings = _assert_optimal(case, case.fixed)
    if meetings is None or not meetings:
        return
    # Reschedule: someone cancels; what was published stays where it was.
    event = case.event
    gone = data.draw(st.sampled_from(sorted(event.participants)), label="cancelled")
    kept = [
        dataclasses.replace(m, published=True)
        for m in meetings
        if gone not in m.pair and data.draw(st.booleans(), label=f"keep {m.a}-{m.b}")
    ]
    smaller = dataclasses.replace(
        event,
        participants={k: p for k, p in event.participants.items() if k != gone},
        preferences=tuple(p for p in event.preferences if gone not in (p.source, p.target)),
    )
    scores = {k: v for k, v in case.scores.items() if gone not in k}
    again = _assert_optimal(Case(smaller, scores, ()), kept)
    assert again is not None  # the published meetings came from a valid schedule


# ---------------------------------------------------------------------------- hand-built events
def _slot(sid: str, minutes: int, venue: str = "V1", length: int = 20) -> Slot:
    start = DAY + dt.timedelta(minutes=minutes)
    return Slot(sid, start, start + dt.timedelta(minutes=length), venue)


def _person(pid: str, languages: tuple[str, ...] = ("en",), **kw: object) -> Participant:
    side = "exporter" if pid.startswith("E") else "buyer"
    country = "IND" if side == "exporter" else "RUS"
    return Participant(pid, f"{pid} Ltd", side, country, languages=languages, **kw)  # type: ignore[arg-type]


def _event(
    people: Iterable[Participant],
    slots: Iterable[Slot],
    tables: Iterable[Table],
    *,
    interpreters: Iterable[Interpreter] = (),
    preferences: Iterable[Preference] = (),
    travel: Mapping[tuple[str, str], int] | None = None,
) -> Event:
    slots = tuple(slots)
    venues = {s.venue: Venue(s.venue, s.venue, "New Delhi", "Asia/Kolkata") for s in slots}
    return Event(
        name="hand-built forum",
        timezone="Asia/Kolkata",
        participants={p.id: p for p in people},
        venues=venues,
        slots=slots,
        tables=tuple(tables),
        interpreters=tuple(interpreters),
        preferences=tuple(preferences),
        travel_minutes=dict(travel or {}),
    )


def _medium(seed: int) -> tuple[Event, dict[Pair, float]]:
    """A seeded event a little too large to enumerate: 12 exporters, 8 buyers, 6 slots."""
    rng = random.Random(seed)
    slots = [_slot(f"s{k + 1}", 20 * k) for k in range(6)]
    ids = [s.id for s in slots]
    people = [
        _person(
            f"E{k + 1:02d}",
            rng.choice(LANGUAGES),
            delegation=rng.choice([None, "D1"]),
            max_meetings=rng.choice([None, None, 2, 4]),
        )
        for k in range(12)
    ] + [
        _person(
            f"B{k + 1}",
            rng.choice(LANGUAGES),
            available=None if rng.random() < 0.7 else frozenset(rng.sample(ids, 3)),
        )
        for k in range(8)
    ]
    tables = [Table(f"T{k + 1}", "V1") for k in range(4)]
    interpreters = [
        Interpreter("I1", "One", EN_RU),
        Interpreter("I2", "Two", EN_RU, available=frozenset(ids[:3])),
    ]
    prefs = [Preference("B1", "E01", "must"), Preference("E02", "B2", "no")]
    event = _event(people, slots, tables, interpreters=interpreters, preferences=prefs)
    scores = {
        _pair(e.id, b.id): round(rng.uniform(1, 100), 1)
        for e in people[:12]
        for b in people[12:]
        if rng.random() < 0.8
    }
    return event, scores


@pytest.mark.parametrize("exact_limit", [40_000, 0], ids=["one-model", "two-step"])
def test_same_event_and_seed_give_the_same_schedule(exact_limit: int) -> None:
    event, scores = _medium(5)
    options = ScheduleOptions(time_limit=1.0, seed=7, exact_limit=exact_limit)
    first = solve(event, scores, options)
    second = solve(event, scores, options)
    assert first.meetings == second.meetings
    assert (first.objective, first.bound, first.idle_slots) == (
        second.objective,
        second.bound,
        second.idle_slots,
    )
    assert check_schedule(event, first.meetings, scores=scores) == []


def test_baselines_are_deterministic_and_valid() -> None:
    event, scores = _medium(6)
    fcfs = first_come_first_served(event, scores, seed=4)
    assert fcfs == first_come_first_served(event, scores, seed=4)
    assert check_schedule(event, fcfs, scores=scores) == []
    assert resource_clashes(event, fcfs) == []
    assert greedy_schedule(event, scores) == greedy_schedule(event, scores)
    assert check_schedule(event, greedy_schedule(event, scores), scores=scores) == []


@pytest.fixture(scope="module")
def example() -> tuple[Event, dict[Pair, float]]:
    event, _ = load_event(EXAMPLE, Reference())
    scores = score_pairs(event, MarketEvidence.empty())
    return event, {k: s.total for k, s in scores.items() if not s.veto}


@pytest.mark.slow
def test_example_event_solver_beats_greedy(example: tuple[Event, dict[Pair, float]]) -> None:
    event, scores = example
    options = ScheduleOptions(time_limit=10.0, seed=1)
    fixed = event.meetings
    instance = build_instance(event, scores, options, fixed)
    result = solve(event, scores, options, fixed)
    greedy_meetings = greedy_schedule(event, scores, options=options, fixed=fixed)
    fcfs = first_come_first_served(event, scores, seed=1, fixed=fixed)
    for meetings in (result.meetings, greedy_meetings, fcfs):
        assert check_schedule(event, meetings, scores=scores, fixed=fixed) == []
        assert resource_clashes(event, meetings) == []  # one hall: nothing can clash
    assert unneeded_interpreters(event, result.meetings) == []
    objective = evaluate(instance, result.meetings)
    assert objective == pytest.approx(result.objective)
    assert total(instance, result.meetings) >= total(instance, greedy_meetings)
    assert total(instance, result.meetings) >= total(instance, fcfs)
    assert reached(instance, result.meetings) >= reached(instance, greedy_meetings)
    assert result.bound is not None and result.bound >= objective


# ---------------------------------------------------------------------------- infeasible events
def test_locked_meeting_outside_availability_names_both() -> None:
    event = _event(
        [_person("E1", available=frozenset({"s2"})), _person("B1")],
        [_slot("s1", 0), _slot("s2", 20)],
        [Table("T1", "V1")],
    )
    locked = Meeting("B1", "E1", "s1", "T1", locked=True)
    with pytest.raises(InfeasibleScheduleError) as caught:
        solve(event, {("B1", "E1"): 50.0}, OPTIONS, fixed=[locked])
    message = str(caught.value)
    assert "availability" in message
    assert "E1" in message and "B1" in message


def test_locked_meeting_without_an_interpreter_names_both() -> None:
    event = _event(
        [_person("E1", ("en",)), _person("B1", ("ru",))],
        [_slot("s1", 0)],
        [Table("T1", "V1")],
    )
    locked = Meeting("B1", "E1", "s1", "T1", locked=True)
    with pytest.raises(InfeasibleScheduleError) as caught:
        solve(event, {("B1", "E1"): 50.0}, OPTIONS, fixed=[locked])
    message = str(caught.value)
    assert "interpreter" in message
    assert "E1" in message and "B1" in message


def test_two_locked_meetings_at_one_table_name_the_tables() -> None:
    event = _event(
        [_person("E1"), _person("E2"), _person("B1"), _person("B2")],
        [_slot("s1", 0)],
        [Table("T1", "V1"), Table("T2", "V1")],
    )
    locked = [
        Meeting("B1", "E1", "s1", "T1", locked=True),
        Meeting("B2", "E2", "s1", "T1", locked=True),
    ]
    with pytest.raises(InfeasibleScheduleError) as caught:
        solve(event, {}, OPTIONS, fixed=locked)
    message = str(caught.value)
    assert "tables" in message
    assert all(pid in message for pid in ("B1", "B2", "E1", "E2"))


# ---------------------------------------------------------------------------- fixed meetings
def test_published_meetings_stay_when_rescheduling() -> None:
    event, scores = _medium(8)
    first = solve(event, scores, QUICK)
    published = [dataclasses.replace(m, published=True) for m in first.meetings[::3]]
    assert published
    # A late change: the first buyer leaves after the third slot; a new buyer joins.
    late = _person("B9", ("en", "ru"))
    people = dict(event.participants)
    busy_b1 = {m.slot for m in published if "B1" in m.pair}
    people["B1"] = dataclasses.replace(
        people["B1"], available=frozenset({"s1", "s2", "s3"} | busy_b1)
    )
    people["B9"] = late
    changed = dataclasses.replace(event, participants=people)
    more = dict(scores) | {_pair(e, "B9"): 60.0 for e in people if e.startswith("E")}
    again = solve(changed, more, QUICK, fixed=published)
    assert check_schedule(changed, again.meetings, scores=more, fixed=published) == []
    slots = {m.pair: m.slot for m in again.meetings}
    assert all(slots[m.pair] == m.slot for m in published)
    assert all(m.published for m in again.meetings if m.pair in {p.pair for p in published})
    assert any("B9" in m.pair for m in again.meetings)


def test_locked_meeting_keeps_its_table() -> None:
    event, scores = _medium(9)
    people = event.participants
    pair = next(
        p
        for p in sorted(scores)
        if set(people[p[0]].languages) & set(people[p[1]].languages)
        and all(_attends(people[x], "s4") for x in p)
    )
    locked = Meeting(pair[0], pair[1], "s4", "T3", locked=True)
    result = solve(event, scores, QUICK, fixed=[locked])
    assert check_schedule(event, result.meetings, scores=scores, fixed=[locked]) == []
    got = next(m for m in result.meetings if m.pair == pair)
    assert (got.slot, got.table, got.locked) == ("s4", "T3", True)


# ---------------------------------------------------------------------------- known defects
# Each reproduces a scheduler defect found by these tests (reported, not fixed here). Strict
# and limited to assertion failures: once the scheduler is fixed the test passes, which fails
# the run until the mark is removed.
def _known(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(
        strict=True, reason=reason, raises=(AssertionError, pytest.fail.Exception)
    )


def _two(interpreted: bool = False) -> list[Participant]:
    ru = ("ru",) if interpreted else ("en",)
    return [_person("E1"), _person("E2"), _person("B1", ru), _person("B2", ru)]


def test_an_interpreter_is_never_in_two_halls_at_once() -> None:
    event = _event(
        _two(interpreted=True),
        [_slot("a1", 0, "V1"), _slot("b1", 0, "V2")],  # the same time in two halls
        [Table("T1", "V1"), Table("T2", "V2")],
        interpreters=[Interpreter("I1", "Only", EN_RU)],  # may work in either hall
    )
    result = solve(event, {("B1", "E1"): 50.0, ("B2", "E2"): 50.0}, OPTIONS)
    assert resource_clashes(event, result.meetings) == []


def test_a_locked_meeting_someone_vetoed_is_infeasible() -> None:
    event = _event(
        [_person("E1"), _person("B1")],
        [_slot("s1", 0)],
        [Table("T1", "V1")],
        preferences=[Preference("B1", "E1", "no")],
    )
    with pytest.raises(InfeasibleScheduleError, match="B1"):
        solve(event, {}, OPTIONS, fixed=[Meeting("B1", "E1", "s1", "T1", locked=True)])


def _over_cap() -> tuple[Event, list[Meeting]]:
    event = _event(
        [_person("E1", max_meetings=1), _person("B1"), _person("B2")],
        [_slot("s1", 0), _slot("s2", 20)],
        [Table("T1", "V1")],
    )
    return event, [
        Meeting("B1", "E1", "s1", "T1", locked=True),
        Meeting("B2", "E1", "s2", "T1", locked=True),
    ]


def _clashing_slots() -> tuple[Event, list[Meeting]]:
    event = _event(
        [_person("E1"), _person("B1"), _person("B2")],
        [_slot("s1", 0, "V1"), _slot("s2", 20, "V2")],
        [Table("T1", "V1"), Table("T2", "V2")],
        travel={("V1", "V2"): 10},  # back to back, but ten minutes apart
    )
    return event, [
        Meeting("B1", "E1", "s1", "T1", locked=True),
        Meeting("B2", "E1", "s2", "T2", locked=True),
    ]


def _one_interpreter() -> tuple[Event, list[Meeting]]:
    event = _event(
        _two(interpreted=True),
        [_slot("s1", 0)],
        [Table("T1", "V1"), Table("T2", "V1")],
        interpreters=[Interpreter("I1", "Only", EN_RU)],
    )
    return event, [
        Meeting("B1", "E1", "s1", "T1", locked=True),
        Meeting("B2", "E2", "s1", "T2", locked=True),
    ]


@pytest.mark.parametrize("build", [_over_cap, _clashing_slots, _one_interpreter])
def test_infeasible_locked_meetings_name_the_participants(
    build: Callable[[], tuple[Event, list[Meeting]]],
) -> None:
    event, locked = build()
    with pytest.raises(InfeasibleScheduleError) as caught:
        solve(event, {}, OPTIONS, fixed=locked)
    assert all(pid in str(caught.value) for m in locked for pid in m.pair), str(caught.value)


def test_a_fixed_meeting_given_as_b_a_is_not_doubled() -> None:
    event = _event(
        [_person("E1"), _person("B1")], [_slot("s1", 0), _slot("s2", 20)], [Table("T1", "V1")]
    )
    fixed = [Meeting("E1", "B1", "s2", "T1", published=True)]  # a > b
    result = solve(event, {("B1", "E1"): 50.0}, OPTIONS, fixed=fixed)
    assert check_schedule(event, result.meetings, fixed=fixed) == []


def test_a_locked_table_beats_a_published_one() -> None:
    event = _event(_two(), [_slot("s1", 0)], [Table("T1", "V1"), Table("T2", "V1")])
    fixed = [
        Meeting("B1", "E1", "s1", "T1", published=True),
        Meeting("B2", "E2", "s1", "T1", locked=True),
    ]
    result = solve(event, {}, OPTIONS, fixed=fixed)
    assert check_schedule(event, result.meetings, fixed=fixed) == []


def test_a_pair_locked_twice_is_infeasible() -> None:
    event = _event(
        [_person("E1"), _person("B1")], [_slot("s1", 0), _slot("s2", 20)], [Table("T1", "V1")]
    )
    locked = [
        Meeting("B1", "E1", "s1", "T1", locked=True),
        Meeting("B1", "E1", "s2", "T1", locked=True),
    ]
    with pytest.raises(InfeasibleScheduleError):
        solve(event, {}, OPTIONS, fixed=locked)


def test_parallel_slots_in_one_venue_are_refused_with_the_fix() -> None:
    event = _event(_two(), [_slot("s1", 0), _slot("s2", 10)], [Table("T1", "V1")])
    with pytest.raises(InputError, match="overlap in the same venue") as caught:
        solve(event, {("B1", "E1"): 50.0}, OPTIONS)
    assert caught.value.hint is not None and "own venue" in caught.value.hint


@pytest.mark.parametrize("exact_limit", [40_000, 0], ids=["one-model", "two-step"])
def test_a_second_meeting_for_two_beats_a_higher_score(exact_limit: int) -> None:
    # Fixed meetings leave one free table, in s2. E1-B1 (score 10) gives two participants
    # their second meeting; E2-B2 (score 60) gives E2 its second and B2 its third. Weighted
    # at 40 points a meeting the second wins (60 + 80 > 10 + 80); lexicographically (more
    # participants with >= 2 meetings first) the first must.
    people = [_person(p) for p in ("E1", "E2", "E3", "E4", "E5", "B1", "B2", "B3", "B4")]
    tables = [Table("T1", "V1"), Table("T2", "V1")]
    event = _event(people, [_slot("s1", 0), _slot("s2", 30), _slot("s3", 60)], tables)
    fixed = [
        Meeting("B3", "E1", "s1", "T1", locked=True),
        Meeting("B2", "E3", "s1", "T2", locked=True),
        Meeting("B4", "E2", "s2", "T1", locked=True),
        Meeting("B1", "E4", "s3", "T1", locked=True),
        Meeting("B2", "E5", "s3", "T2", locked=True),
    ]
    scores = {m.pair: 50.0 for m in fixed} | {("B1", "E1"): 10.0, ("B2", "E2"): 60.0}
    options = ScheduleOptions(time_limit=5.0, seed=3, exact_limit=exact_limit)
    result = solve(event, scores, options, fixed)
    added = {m.pair for m in result.meetings} - {m.pair for m in fixed}
    assert added == {("B1", "E1")}
    assert result.tiers == (9, 3, 0)
    assert check_schedule(event, result.meetings, scores=scores, fixed=fixed) == []
    if exact_limit:
        assert result.tiers_proven == 3
        assert "(proven most)" in " ".join(result.notes)
    else:
        assert "strict weights there too" in " ".join(result.notes)

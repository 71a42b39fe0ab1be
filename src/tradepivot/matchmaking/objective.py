"""The objective of any schedule, computed from its meetings alone, so the solver, the
greedy and the baselines compare alike: :func:`reached` (the first tier), :func:`evaluate`
(score and fairness after each first meeting), :func:`total` (both), :func:`idle_slots`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from tradepivot.matchmaking.instance import SCALE, Instance
from tradepivot.matchmaking.model import Event, Meeting

__all__ = [
    "as_meetings",
    "evaluate",
    "idle_slots",
    "lexicographic",
    "reached",
    "tiers",
    "total",
]


def as_meetings(placed: Mapping[tuple[str, str], tuple[str, str | None]]) -> list[Meeting]:
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


def tiers(instance: Instance, meetings: Iterable[Meeting]) -> tuple[int, ...]:
    """Participants with at least k meetings among those whose floor is at least k, for
    k = 1 .. the highest floor: the fairness tiers, ranked in this order."""
    count = _counts(meetings)
    return tuple(
        sum(1 for pid, floor in instance.floors.items() if floor >= k and count.get(pid, 0) >= k)
        for k in range(1, instance.max_floor + 1)
    )


def lexicographic(instance: Instance, meetings: Iterable[Meeting]) -> tuple[float, ...]:
    """The objective as the exact solver ranks it: the tiers in order, then
    :func:`evaluate` (score + ``fairness_weight`` per meeting after the first, up to the
    floor, which is fixed once the tiers are)."""
    meetings = list(meetings)
    return (*tiers(instance, meetings), evaluate(instance, meetings))


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

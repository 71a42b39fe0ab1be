"""The greedy schedule: best pairs first, each into its earliest feasible slot. The
solver's starting point and a baseline in benchmarks/.
"""

from __future__ import annotations

from collections import defaultdict

from tradepivot.matchmaking.instance import Candidate, Instance

__all__ = [
    "greedy",
]


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

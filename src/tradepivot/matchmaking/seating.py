"""After solving: an interpreter of the chosen class for each meeting that needs one, and a
table of its slot's venue (fixed meetings keep theirs, locked ones first).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from tradepivot.matchmaking.constraints import InterpreterClasses
from tradepivot.matchmaking.instance import Instance
from tradepivot.matchmaking.model import Meeting

__all__ = [
    "name_interpreters",
    "seat",
]


def name_interpreters(
    instance: Instance,
    chosen: Mapping[tuple[str, str], str],
    groups: Mapping[tuple[tuple[str, str], str], int],
    classes: Mapping[str, InterpreterClasses],
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


def seat(
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

"""Fixed meetings (locked, or published and kept) checked before solving, and the slot rules
they share with the model: every violation names the constraint and the participants.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from tradepivot.errors import InfeasibleScheduleError
from tradepivot.matchmaking.model import Event, Meeting, shares_language

__all__ = [
    "check_fixed",
    "normalised",
    "pair_of",
    "slot_conflicts",
    "table_capacity",
]


def pair_of(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def slot_conflicts(event: Event) -> list[tuple[str, str]]:
    """Slot pairs nobody can attend both of: overlapping, or too close for the travel."""
    slots = event.slots
    return [(s.id, t.id) for i, s in enumerate(slots) for t in slots[i + 1 :] if event.clash(s, t)]


def table_capacity(event: Event) -> dict[str, int]:
    return {
        slot.id: sum(
            1 for t in event.tables if t.venue == slot.venue and slot.id not in t.unavailable
        )
        for slot in event.slots
    }


def normalised(m: Meeting) -> Meeting:
    """The meeting with its participants in id order (pairs are keyed ``a < b``)."""
    return m if m.a < m.b else replace(m, a=m.b, b=m.a)


def check_fixed(event: Event, fixed: Iterable[Meeting]) -> None:
    """Fixed meetings must respect availability, languages, vetoes, caps, travel, tables,
    interpreters and each other; a violation names the constraint and the participants."""
    fixed = list(fixed)
    people = event.participants
    vetoes = {pair_of(p.source, p.target): p.source for p in event.preferences if p.level == "no"}
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
    clashing = set(slot_conflicts(event))
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
    capacity = table_capacity(event)
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

"""One more meeting in a schedule that stands: the earliest slot, table and interpreter
where a pair can meet without moving anyone else (an accepted request after publication).

The rules are the scheduler's hard constraints (see :func:`~tradepivot.matchmaking.fixed.
check_fixed`): both attend the slot (availability, group sessions), neither meets anyone
in it or in a slot that clashes with it (overlap, travel), the pair has no meeting yet and
no "no", caps hold, a usable table of the slot's venue is free, and when they share no
language an interpreter for the pair works then and serves no meeting at the same time.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from tradepivot.errors import InfeasibleScheduleError
from tradepivot.i18n import N_
from tradepivot.matchmaking.fixed import check_fixed, pair_of
from tradepivot.matchmaking.model import Event, Meeting, Slot, shares_language
from tradepivot.matchmaking.phrases import Phrase, phrase

__all__ = ["Placement", "place_pair"]


@dataclass(frozen=True)
class Placement:
    """Where the pair meets (``meeting``), or why it cannot (``reason``: a phrase, said in
    the reader's language by :func:`~tradepivot.matchmaking.phrases.say`)."""

    meeting: Meeting | None
    reason: Phrase | None = None


def place_pair(
    event: Event,
    meetings: Sequence[Meeting],
    a: str,
    b: str,
    *,
    open_slots: Collection[str] | None = None,
    tables: Collection[str] | None = None,
    score: float = 0.0,
) -> Placement:
    """The earliest placement of ``a`` and ``b`` among ``open_slots`` (default: every slot)
    and ``tables`` (default: any) beside ``meetings``, as a locked meeting; the others are
    never moved."""
    people = event.participants
    for pid in (a, b):
        if pid not in people:
            return Placement(None, phrase(N_("participant %(who)s is not registered"), who=pid))
    if a == b:
        return Placement(None, phrase(N_("a participant cannot meet itself")))
    pair = pair_of(a, b)
    if any(m.pair == pair for m in meetings):
        return Placement(None, phrase(N_("the pair already has a meeting")))
    if any(pair_of(p.source, p.target) == pair and p.level == "no" for p in event.preferences):
        return Placement(None, phrase(N_("one of the two said 'no' to this meeting")))
    for pid in pair:
        cap = people[pid].max_meetings
        if cap is not None and sum(pid in m.pair for m in meetings) >= cap:
            reason = phrase(
                N_("%(who)s has reached their cap of %(cap)s meetings"), who=pid, cap=cap
            )
            return Placement(None, reason)
    slots = {s.id: s for s in event.slots}
    ordered = sorted(
        (s for s in event.slots if open_slots is None or s.id in open_slots),
        key=lambda s: (s.start, s.end, s.id),
    )
    if not ordered:
        return Placement(None, phrase(N_("no slot is left to meet in")))
    needs_interpreter = not shares_language(people[pair[0]], people[pair[1]])
    why = phrase(N_("the two have no slot in common where both are free"))
    for slot in ordered:
        if not all(event.attends(pid, slot) for pid in pair):
            continue
        if _busy(event, meetings, pair, slot, slots):
            continue
        table = _free_table(event, meetings, slot, slots, tables)
        if table is None:
            why = phrase(N_("every table is taken in the slots where both are free"))
            continue
        interpreter = None
        if needs_interpreter:
            interpreter = _free_interpreter(event, meetings, pair, slot, slots)
            if interpreter is None:
                why = phrase(N_("no interpreter for their languages is free when both are"))
                continue
        meeting = Meeting(pair[0], pair[1], slot.id, table, interpreter, score=score, locked=True)
        # the scheduler's own check of fixed meetings, on the two people's day
        try:
            check_fixed(event, [*(m for m in meetings if set(m.pair) & set(pair)), meeting])
        except InfeasibleScheduleError:  # their day already breaks a rule: not here
            why = phrase(N_("their published meetings break a rule: the organiser reviews them"))
            continue
        return Placement(meeting)
    return Placement(None, why)


def _busy(
    event: Event, meetings: Sequence[Meeting], pair: tuple[str, str], slot: Slot,
    slots: dict[str, Slot],
) -> bool:  # fmt: skip
    """Whether either has a meeting in ``slot`` or in a slot they cannot combine with it."""
    for m in meetings:
        if not (set(m.pair) & set(pair)):
            continue
        other = slots.get(m.slot)
        if m.slot == slot.id or (other is not None and event.clash(slot, other)):
            return True
    return False


def _free_table(
    event: Event, meetings: Sequence[Meeting], slot: Slot, slots: dict[str, Slot],
    allowed: Collection[str] | None,
) -> str | None:  # fmt: skip
    """A usable table of the slot's venue with no meeting in this or an overlapping slot."""
    taken = {
        m.table
        for m in meetings
        if m.slot == slot.id or (m.slot in slots and slots[m.slot].overlaps(slot))
    }
    usable = (t.id for t in event.usable_tables(slot) if allowed is None or t.id in allowed)
    return next((t for t in usable if t not in taken), None)


def _free_interpreter(
    event: Event, meetings: Sequence[Meeting], pair: tuple[str, str], slot: Slot,
    slots: dict[str, Slot],
) -> str | None:  # fmt: skip
    """An interpreter for the pair who works in ``slot`` and serves no meeting then."""
    people = event.participants
    taken = {
        m.interpreter
        for m in meetings
        if m.interpreter
        and (m.slot == slot.id or (m.slot in slots and slots[m.slot].overlaps(slot)))
    }
    options = event.interpreters_for(people[pair[0]], people[pair[1]], slot)
    return next((i for i in options if i not in taken), None)

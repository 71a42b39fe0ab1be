"""An independent schedule checker, written from the problem statement.

It deliberately imports nothing from :mod:`tradepivot.matchmaking.schedule`: only the data
model. :func:`check_schedule` returns every violated hard constraint as a sentence (an empty
list means the schedule is valid), so a test can assert ``check_schedule(...) == []`` and a
failure shows everything that is wrong at once.

Hard constraints (each a violation when broken):

- every meeting names two different registered participants (``a < b``), an existing slot,
  an existing table and, when it has one, an existing interpreter;
- a participant has at most one meeting per slot, and never meetings in two slots that
  overlap in time or whose gap is shorter than the travel time between their venues
  (``Event.travel``);
- both participants are available in the slot (``Participant.available`` None = every slot)
  and not at a group session then: a session's hosts and attendees cannot meet in a slot
  that overlaps it, nor in one whose gap to it is shorter than the travel between venues;
- a pair meets at most once; nobody meets someone who vetoed them (preference ``no``,
  in either direction); nobody exceeds ``max_meetings``;
- a table hosts at most one meeting per slot, belongs to the slot's venue and is not
  unavailable in that slot;
- two participants who share no language have an interpreter who covers their languages
  (``Interpreter.covers``), is available in the slot and works at its venue (venue None =
  any); an interpreter serves at most one meeting per slot;
- every fixed meeting (locked, or published and kept) is in the schedule in the same slot,
  and at the same table when it is locked with a table;
- with ``scores``, every scheduled pair has a score (either order), unless it is fixed or
  a must-meet (someone asked for it: the scheduler schedules must-meets whatever their score).

Decisions, and what is reported apart (:func:`resource_clashes`, :func:`unneeded_interpreters`):

- An interpreter at a meeting whose two participants share a language is **allowed** (it
  wastes a scarce person but breaks nothing): :func:`unneeded_interpreters` lists those
  meetings. The interpreter still counts as busy in that slot, so the per-slot rule holds.
- Interpreters and tables are per slot in the scheduler's model. An interpreter is a person,
  though, and a table a piece of furniture: when slots overlap in time (parallel halls) an
  interpreter who may work at any venue could be booked in two places at once, and a table
  in two overlapping slots of its hall. :func:`resource_clashes` reports such double
  bookings (for interpreters also a gap shorter than the travel between the venues); it is
  separate because the per-slot model does not promise it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from tradepivot.matchmaking.model import Event, Meeting, Slot

__all__ = [
    "check_schedule",
    "clashing_slots",
    "resource_clashes",
    "unneeded_interpreters",
]


def _minutes_between(first: Slot, second: Slot) -> float:
    """Minutes from the end of ``first`` to the start of ``second`` (negative: overlap)."""
    return (second.start - first.end).total_seconds() / 60


def clashing_slots(event: Event, s: Slot, t: Slot, *, travel: bool = True) -> bool:
    """Whether one person cannot attend both ``s`` and ``t`` (they differ)."""
    first, second = (s, t) if (s.start, s.end) <= (t.start, t.end) else (t, s)
    gap = _minutes_between(first, second)
    if gap < 0:
        return True
    return travel and gap < event.travel(first.venue, second.venue)


def _describe(m: Meeting) -> str:
    return f"meeting {m.a}-{m.b} in slot {m.slot}"


def check_schedule(
    event: Event,
    meetings: Iterable[Meeting],
    *,
    scores: Mapping[tuple[str, str], float] | None = None,
    fixed: Iterable[Meeting] = (),
) -> list[str]:
    """Every hard constraint ``meetings`` break in ``event``, one sentence each."""
    meetings = list(meetings)
    people = event.participants
    slots = {s.id: s for s in event.slots}
    tables = {t.id: t for t in event.tables}
    interpreters = {i.id: i for i in event.interpreters}
    out: list[str] = []

    # --- well-formed meetings
    valid: list[Meeting] = []
    for m in meetings:
        problems = []
        for pid in (m.a, m.b):
            if pid not in people:
                problems.append(f"{_describe(m)}: participant {pid} is not registered")
        if m.a == m.b:
            problems.append(f"{_describe(m)}: a participant meets itself")
        elif m.a > m.b:
            problems.append(f"{_describe(m)}: participant ids are not in order (a < b)")
        if m.slot not in slots:
            problems.append(f"{_describe(m)}: slot {m.slot} does not exist")
        if m.table not in tables:
            problems.append(f"{_describe(m)}: table {m.table!r} does not exist")
        if m.interpreter is not None and m.interpreter not in interpreters:
            problems.append(f"{_describe(m)}: interpreter {m.interpreter} does not exist")
        out.extend(problems)
        if m.a in people and m.b in people and m.a != m.b and m.slot in slots:
            valid.append(m)

    # --- participants: one meeting per slot, no clashing slots, availability, caps
    by_person: dict[str, list[Meeting]] = defaultdict(list)
    for m in valid:
        by_person[m.a].append(m)
        by_person[m.b].append(m)
    for pid, own in sorted(by_person.items()):
        p = people[pid]
        per_slot: dict[str, list[Meeting]] = defaultdict(list)
        for m in own:
            per_slot[m.slot].append(m)
            if p.available is not None and m.slot not in p.available:
                out.append(f"{_describe(m)}: {pid} is not available in slot {m.slot}")
        for slot_id, items in sorted(per_slot.items()):
            if len(items) > 1:
                pairs = ", ".join(f"{x.a}-{x.b}" for x in items)
                out.append(f"{pid} has {len(items)} meetings in slot {slot_id} ({pairs})")
        used = sorted(per_slot, key=lambda sid: (slots[sid].start, sid))
        for i, s in enumerate(used):
            for t in used[i + 1 :]:
                if clashing_slots(event, slots[s], slots[t]):
                    first, second = slots[s], slots[t]
                    gap = _minutes_between(first, second)
                    why = (
                        "they overlap"
                        if gap < 0
                        else f"{gap:g} min apart but {event.travel(first.venue, second.venue)} "
                        f"min of travel from {first.venue} to {second.venue}"
                    )
                    out.append(f"{pid} meets in slots {s} and {t}, which clash: {why}")
        if p.max_meetings is not None and len(own) > p.max_meetings:
            out.append(f"{pid} has {len(own)} meetings, above its cap of {p.max_meetings}")

    # --- group sessions (roadshows, B2G briefings): busy time
    for session in event.sessions:
        for pid in dict.fromkeys((*session.hosts, *session.attendees)):
            for m in by_person.get(pid, ()):
                slot = slots[m.slot]
                if slot.start < session.end and session.start < slot.end:
                    out.append(f"{_describe(m)}: {pid} is at session {session.id} then")
                    continue
                if slot.end <= session.start:
                    gap = (session.start - slot.end).total_seconds() / 60
                else:
                    gap = (slot.start - session.end).total_seconds() / 60
                need = event.travel(session.venue, slot.venue)
                if gap < need:
                    out.append(
                        f"{_describe(m)}: {pid} has {gap:g} min to or from session "
                        f"{session.id} but {need} min of travel"
                    )

    # --- pairs: once, no vetoes
    vetoes: dict[frozenset[str], str] = {}
    for pref in event.preferences:
        if pref.level == "no":
            vetoes[frozenset({pref.source, pref.target})] = pref.source
    per_pair: dict[frozenset[str], list[Meeting]] = defaultdict(list)
    for m in valid:
        per_pair[frozenset({m.a, m.b})].append(m)
    for key, items in per_pair.items():
        lo, hi = sorted(key)
        if len(items) > 1:
            where = ", ".join(sorted(x.slot for x in items))
            out.append(f"{lo} and {hi} meet {len(items)} times (slots {where})")
        if key in vetoes:
            other = hi if vetoes[key] == lo else lo
            out.append(f"{lo} and {hi} meet although {vetoes[key]} vetoed {other}")

    # --- tables
    seated: dict[tuple[str, str], list[Meeting]] = defaultdict(list)
    for m in valid:
        table = tables.get(m.table)
        if table is None:
            continue
        slot = slots[m.slot]
        seated[(m.table, m.slot)].append(m)
        if table.venue != slot.venue:
            out.append(
                f"{_describe(m)}: table {m.table} is in {table.venue}, the slot in {slot.venue}"
            )
        if m.slot in table.unavailable:
            out.append(f"{_describe(m)}: table {m.table} is unavailable in slot {m.slot}")
    for (table_id, slot_id), items in sorted(seated.items()):
        if len(items) > 1:
            pairs = ", ".join(f"{x.a}-{x.b}" for x in items)
            out.append(f"table {table_id} hosts {len(items)} meetings in slot {slot_id} ({pairs})")

    # --- interpreters
    serving: dict[tuple[str, str], list[Meeting]] = defaultdict(list)
    for m in valid:
        a, b = people[m.a], people[m.b]
        shared = set(a.languages) & set(b.languages)
        slot = slots[m.slot]
        if m.interpreter is None:
            if not shared:
                out.append(
                    f"{_describe(m)}: {m.a} ({'/'.join(a.languages)}) and {m.b} "
                    f"({'/'.join(b.languages)}) share no language and have no interpreter"
                )
            continue
        interpreter = interpreters.get(m.interpreter)
        if interpreter is None:
            continue
        serving[(m.interpreter, m.slot)].append(m)
        if not shared and not interpreter.covers(frozenset(a.languages), frozenset(b.languages)):
            out.append(
                f"{_describe(m)}: interpreter {m.interpreter} cannot bridge "
                f"{'/'.join(a.languages)} and {'/'.join(b.languages)}"
            )
        if interpreter.available is not None and m.slot not in interpreter.available:
            out.append(f"{_describe(m)}: interpreter {m.interpreter} is not available then")
        if interpreter.venue is not None and interpreter.venue != slot.venue:
            out.append(
                f"{_describe(m)}: interpreter {m.interpreter} works at {interpreter.venue}, "
                f"the slot is at {slot.venue}"
            )
    for (interpreter_id, slot_id), items in sorted(serving.items()):
        if len(items) > 1:
            pairs = ", ".join(f"{x.a}-{x.b}" for x in items)
            out.append(
                f"interpreter {interpreter_id} serves {len(items)} meetings in slot {slot_id} "
                f"({pairs})"
            )

    # --- fixed meetings
    present = {frozenset({m.a, m.b}): m for m in meetings}
    fixed_keys = set()
    for f in fixed:
        key = frozenset({f.a, f.b})
        fixed_keys.add(key)
        kind = "locked" if f.locked else "fixed"
        got = present.get(key)
        if got is None:
            out.append(f"the {kind} meeting {f.a}-{f.b} (slot {f.slot}) is missing")
            continue
        if got.slot != f.slot:
            out.append(f"the {kind} meeting {f.a}-{f.b} moved from slot {f.slot} to {got.slot}")
        if f.locked and f.table and got.table != f.table:
            out.append(f"the locked meeting {f.a}-{f.b} moved from table {f.table} to {got.table}")

    # --- scores
    if scores is not None:
        asked = {frozenset({p.source, p.target}) for p in event.preferences if p.level == "must"}
        for m in valid:
            if frozenset({m.a, m.b}) in fixed_keys | asked:
                continue
            if (m.a, m.b) not in scores and (m.b, m.a) not in scores:
                out.append(f"{_describe(m)}: the pair has no score")
    return out


def unneeded_interpreters(event: Event, meetings: Iterable[Meeting]) -> list[str]:
    """Meetings with an interpreter although the two share a language (allowed, wasteful)."""
    people = event.participants
    out = []
    for m in meetings:
        if m.interpreter is None or m.a not in people or m.b not in people:
            continue
        shared = set(people[m.a].languages) & set(people[m.b].languages)
        if shared:
            out.append(
                f"{_describe(m)}: interpreter {m.interpreter} is not needed "
                f"(both speak {'/'.join(sorted(shared))})"
            )
    return out


def resource_clashes(event: Event, meetings: Sequence[Meeting]) -> list[str]:
    """Interpreters or tables booked in two slots that clash in time (see the module doc).

    An interpreter cannot serve in two overlapping slots, nor in two slots whose gap is
    shorter than the travel between their venues; a table cannot host meetings in two
    overlapping slots (it stays in its hall, so travel does not apply).
    """
    slots = {s.id: s for s in event.slots}
    out = []
    for kind, key in (("interpreter", "interpreter"), ("table", "table")):
        used: dict[str, list[Meeting]] = defaultdict(list)
        for m in meetings:
            rid = getattr(m, key)
            if rid and m.slot in slots:
                used[rid].append(m)
        for rid, items in sorted(used.items()):
            items = sorted(items, key=lambda m: (slots[m.slot].start, m.slot))
            for i, m in enumerate(items):
                for n in items[i + 1 :]:
                    if m.slot == n.slot:
                        continue  # the per-slot rule of check_schedule
                    if clashing_slots(event, slots[m.slot], slots[n.slot], travel=kind != "table"):
                        out.append(
                            f"{kind} {rid} is booked in clashing slots {m.slot} "
                            f"({m.a}-{m.b}) and {n.slot} ({n.a}-{n.b})"
                        )
    return out

"""Changes to a published schedule that never rewrite the past.

:func:`reschedule` takes the published meetings and what happened (cancellations, no-shows,
lost tables, from a slot on) and returns the new schedule with an exact change report. Its
invariants, enforced here and by the model rather than by convention:

- **History.** Meetings in slots that start before ``from_slot`` were held: they are kept
  exactly (slot, table, interpreter, flags), whoever cancels, and nothing is added to those
  slots (the scheduler treats them as frozen).
- **Locked meetings** are never dropped or moved to another slot unless ``force`` names them
  (a participant id, or a pair ``A-B``): a change that would drop one is a usage error that
  says so. At a lost table, locked meetings are reseated at the slot's free tables before
  published ones.
- **Published meetings** stay in their slot (reseated if their table is lost, dropped only
  when the slot has no table left or a participant is gone). With ``move_published`` they
  may move, but each earns ``change_cost`` points for staying: a move happens only when it
  gains more than it costs, and the trade-off is reported.
- **Usage.** Naming a participant twice (or as cancelled and as a no-show) is an error.

Every published meeting and every new one gets one :class:`Change` row (kept, reseated,
moved, cancelled or added) with why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from tradepivot.errors import InputError
from tradepivot.i18n import N_
from tradepivot.matchmaking.model import Event, Meeting, Schedule
from tradepivot.matchmaking.phrases import Phrase, phrase, say_all
from tradepivot.matchmaking.schedule import (
    ScheduleOptions,
    build_instance,
    greedy,
    reached,
    solve,
    total,
)

__all__ = [
    "Change",
    "ChangeKind",
    "Changes",
    "Reason",
    "Rescheduled",
    "current_event",
    "history_slots",
    "reschedule",
    "validate_changes",
    "why_text",
]

ChangeKind = Literal["kept", "reseated", "moved", "cancelled", "added"]
# One reason of a change: an English message with %(name)s placeholders (marked for the
# catalogs with N_) and its values; a row's why is its reasons joined by "; ".
Reason = Phrase
_r = phrase


def why_text(reasons: Sequence[Reason], language: str = "en") -> str:
    """The reasons as one sentence in ``language`` (en, ru, hi: the shipped catalogs)."""
    return say_all(reasons, language)


KINDS: tuple[ChangeKind, ...] = ("kept", "reseated", "moved", "cancelled", "added")


@dataclass(frozen=True)
class Changes:
    """What happened after the schedule was published."""

    cancelled: tuple[str, ...] = ()  # participants who withdrew (their meetings from_slot on go)
    no_shows: tuple[str, ...] = ()  # absent from ``from_slot`` on
    tables_lost: tuple[str, ...] = ()  # tables unusable from ``from_slot`` on
    from_slot: str | None = None  # the first slot the changes apply to (default: the first)
    move_published: bool = False  # let published (not locked) meetings move, at a cost
    force: tuple[str, ...] = ()  # locked meetings a change may drop: participant ids or "A-B"
    change_cost: float = 20.0  # points a published meeting is worth keeping in place


@dataclass(frozen=True)
class Change:
    """One line of the change report: a published meeting's fate, or a new meeting."""

    change: ChangeKind
    a: str
    b: str
    old_slot: str | None
    new_slot: str | None
    old_table: str | None
    new_table: str | None
    old_interpreter: str | None
    new_interpreter: str | None
    locked: bool
    reasons: tuple[Reason, ...]

    @property
    def why(self) -> str:
        """The reasons in English."""
        return why_text(self.reasons)

    def as_row(self, language: str = "en") -> dict[str, Any]:
        """The report row; ``why`` in ``language``."""
        row = asdict(self)
        del row["reasons"]
        row["why"] = why_text(self.reasons, language)
        return row


@dataclass(frozen=True)
class Rescheduled:
    """The new schedule, the event as it is now, and what changed."""

    event: Event
    schedule: Schedule
    changes: tuple[Change, ...]
    start: str  # the first slot the changes applied to
    history: frozenset[str]  # slot ids before it
    trade_off: str | None = None  # what moving published meetings gained and cost

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = dict.fromkeys(KINDS, 0)
        for c in self.changes:
            out[c.change] += 1
        return out


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def history_slots(event: Event, start: str) -> frozenset[str]:
    """Slots that start before slot ``start``: held already."""
    first = next(s for s in event.slots if s.id == start)
    return frozenset(s.id for s in event.slots if s.start < first.start)


def validate_changes(event: Event, changes: Changes) -> str:
    """Check ``changes`` against the event (ids known, nobody named twice); the start slot."""
    slot_ids = [s.id for s in event.slots]
    start = changes.from_slot or slot_ids[0]
    if start not in slot_ids:
        raise InputError(f"Unknown slot {start!r}.", hint=f"Slots: {', '.join(slot_ids)}.")
    seen: dict[str, str] = {}
    for option, ids in (("--cancel", changes.cancelled), ("--no-show", changes.no_shows)):
        for pid in ids:
            if pid not in event.participants:
                raise InputError(
                    f"No participant {pid!r} in {event.name}.",
                    hint="List participants in participants.csv of the event folder.",
                )
            if pid in seen:
                raise InputError(
                    f"Participant {pid} is named twice ({seen[pid]} and {option}).",
                    hint="Name each participant once: --cancel for someone who withdrew, "
                    "--no-show for someone absent from --from-slot on.",
                )
            seen[pid] = option
    known = {t.id for t in event.tables}
    lost: set[str] = set()
    for table in changes.tables_lost:
        if table not in known:
            raise InputError(
                f"Unknown table {table!r}.", hint=f"Tables: {', '.join(sorted(known))}."
            )
        if table in lost:
            raise InputError(f"Table {table} is named twice.", hint="Name each lost table once.")
        lost.add(table)
    for name in changes.force:
        parts = name.split("-")
        if name not in event.participants and not (
            len(parts) == 2 and all(p in event.participants for p in parts)
        ):
            raise InputError(
                f"--force-locked {name!r} names no participant and no pair.",
                hint="Give a participant id (all its locked meetings) or a pair as A-B.",
            )
    if changes.change_cost < 0:
        raise InputError("The change cost must not be negative (points per moved meeting).")
    return start


def current_event(event: Event, changes: Changes, start: str) -> Event:
    """The event as it is now: who left is unavailable from ``start`` on, lost tables too.

    Participants who cancelled stay registered (their held meetings are history)."""
    later = frozenset(s.id for s in event.slots) - history_slots(event, start)
    people = dict(event.participants)
    for pid in (*changes.cancelled, *changes.no_shows):
        p = people[pid]
        available = p.available if p.available is not None else frozenset(s.id for s in event.slots)
        people[pid] = replace(p, available=frozenset(available - later))
    tables = tuple(
        replace(t, unavailable=t.unavailable | later) if t.id in changes.tables_lost else t
        for t in event.tables
    )
    return replace(event, participants=people, tables=tables)


def _forced(m: Meeting, force: Sequence[str]) -> bool:
    return any(name in m.pair or name in (f"{m.a}-{m.b}", f"{m.b}-{m.a}") for name in force)


def reschedule(
    event: Event,
    published: Sequence[Meeting],
    scores: Mapping[tuple[str, str], float],
    changes: Changes,
    options: ScheduleOptions | None = None,
) -> Rescheduled:
    """The new schedule after ``changes`` (see the module docstring for its invariants)."""
    start = validate_changes(event, changes)
    history = history_slots(event, start)
    current = current_event(event, changes, start)
    options = replace(options or ScheduleOptions(), change_cost=changes.change_cost)
    gone: dict[str, Reason] = {
        pid: _r(N_("%(who)s cancelled"), who=pid) for pid in changes.cancelled
    }
    gone |= {
        pid: _r(N_("%(who)s is absent from %(start)s on (no-show)"), who=pid, start=start)
        for pid in changes.no_shows
    }

    held: list[Meeting] = []  # history: exactly as published
    dropped: dict[tuple[str, str], tuple[Reason, ...]] = {}
    locked: list[Meeting] = []
    stays: list[Meeting] = []  # published, fixed in their slot
    movable: list[Meeting] = []  # published, may move at a cost
    blocking: list[str] = []
    for m in published:
        if m.slot in history:
            held.append(m)
            continue
        is_locked = m.locked and not _forced(m, changes.force)
        who = tuple(gone[pid] for pid in m.pair if pid in gone)
        if who:
            if is_locked:
                blocking.append(f"{m.a}-{m.b} in {m.slot} ({why_text(who)})")
            dropped[m.pair] = who
        elif is_locked:
            locked.append(m)
        elif changes.move_published:
            movable.append(m)
        else:
            stays.append(m)

    # Lost tables: the slot's free tables go to locked meetings first, then published ones.
    # A table no meeting holds is given before one a movable published meeting holds (it
    # then has to find another seat: ``bumped`` says why).
    seats: dict[str, list[str]] = {}
    for slot in current.slots:
        seats[slot.id] = [t.id for t in current.usable_tables(slot)]
    taken: dict[str, set[str]] = defaultdict(set)
    reseated: dict[tuple[str, str], tuple[Reason, ...]] = {}
    bumped: dict[tuple[str, str], Reason] = {}
    for m in (*held, *locked, *stays):
        if m.table in seats.get(m.slot, ()) and m.table not in taken[m.slot]:
            taken[m.slot].add(m.table)
    holder = {(m.slot, m.table): m for m in movable}
    placed: dict[str, list[Meeting]] = {"locked": [], "stays": []}
    for kind, group in (("locked", locked), ("stays", stays)):
        for m in group:
            if m.table in seats.get(m.slot, ()) and m.table in taken[m.slot]:
                placed[kind].append(m)
                continue
            free = [t for t in seats.get(m.slot, ()) if t not in taken[m.slot]]
            spare = [t for t in free if (m.slot, t) not in holder] + [
                t for t in free if (m.slot, t) in holder
            ]
            if spare:
                table = spare[0]
                taken[m.slot].add(table)
                reasons = [
                    _r(N_("table %(table)s is lost from %(start)s on"), table=m.table, start=start),
                    _r(N_("reseated at %(table)s"), table=table),
                ]
                if kind == "locked":
                    reasons.append(_r(N_("locked meetings are reseated first")))
                reseated[m.pair] = tuple(reasons)
                other = holder.get((m.slot, table))
                if other is not None:
                    bumped[other.pair] = _r(
                        N_(
                            "its table %(table)s went to the locked meeting %(meeting)s, whose "
                            "table %(lost)s is lost"
                        ),
                        table=table,
                        meeting=f"{m.a}-{m.b}",
                        lost=m.table,
                    )
                placed[kind].append(replace(m, table=table))
            elif kind == "locked":
                blocking.append(f"{m.a}-{m.b} in {m.slot} (table {m.table} lost, no free table)")
            else:
                dropped[m.pair] = (
                    _r(
                        N_(
                            "table %(table)s is lost from %(start)s on and slot %(slot)s has "
                            "no free table (locked meetings were reseated first)"
                        ),
                        table=m.table,
                        start=start,
                        slot=m.slot,
                    ),
                )
    if blocking:
        raise InputError(
            "These changes would drop locked meetings: " + ", ".join(blocking) + ".",
            hint="Pass --force-locked with the pair (A-B) or the participant to let them go.",
        )

    # History is fixed at its tables (locked for the solver); published meetings that stay
    # are fixed in their slot; movable ones start at home and earn change_cost for staying.
    fixed = [replace(m, locked=True) for m in held] + placed["locked"] + placed["stays"]
    # Movable meetings go to the solver as they were (a lost table is the seating's business).
    homes = {m.pair: m.slot for m in movable}
    weights = dict(scores)
    for m in (*fixed, *movable):  # a fixed meeting needs a weight even if unscored
        if m.pair not in weights and (m.b, m.a) not in weights:
            weights[m.pair] = 0.0
    solved = solve(current, weights, options, fixed=fixed, frozen=history, homes=movable)

    # Held meetings come back exactly as published; published ones keep their flags.
    original = {m.pair: m for m in published}
    out: list[Meeting] = []
    for m in solved.meetings:
        old = original.get(m.pair)
        if old is not None and old.slot in history:
            if (m.slot, m.table, m.interpreter) != (old.slot, old.table, old.interpreter):
                raise AssertionError(f"history moved: {old} -> {m}")  # the model forbids it
            out.append(old)
        elif old is not None:
            out.append(replace(m, locked=old.locked, published=old.published))
        else:
            out.append(m)
    schedule = replace(solved, meetings=tuple(out))

    trade_off = None
    if homes:
        trade_off = _trade_off(current, weights, options, fixed, history, movable, schedule)
    rows = _report(
        current, published, schedule.meetings, history, start, dropped, reseated, bumped, changes
    )
    return Rescheduled(current, schedule, rows, start, history, trade_off)


def _trade_off(
    event: Event,
    weights: Mapping[tuple[str, str], float],
    options: ScheduleOptions,
    fixed: Sequence[Meeting],
    history: frozenset[str],
    movable: Sequence[Meeting],
    schedule: Schedule,
) -> str:
    """What moving published meetings gained against what it cost, in points."""
    homes = {m.pair: m.slot for m in movable}
    instance = build_instance(event, weights, options, fixed, frozen=history, homes=movable)
    stay = greedy(instance)  # every movable meeting at home, free seats filled best first
    kept = [Meeting(a, b, s, "", i) for (a, b), (s, i) in stay.items()]
    baseline = total(instance, kept)
    new = {m.pair: m.slot for m in schedule.meetings}
    moved = sum(1 for pair, slot in homes.items() if pair in new and new[pair] != slot)
    lost = sum(1 for pair in homes if pair not in new)
    cost = (moved + lost) * options.change_cost
    gain = total(instance, schedule.meetings) - baseline
    firsts = reached(instance, schedule.meetings) - reached(instance, kept)
    if moved + lost == 0:
        return (
            f"No published meeting moved: no move gained more than its change cost "
            f"({options.change_cost:g} points each)."
        )
    return (
        f"Moving published meetings: {moved} moved and {lost} dropped, a change cost of "
        f"{cost:,.1f} points ({options.change_cost:g} each); the objective rose by "
        f"{gain:,.1f} points over keeping them all in place and filling free seats"
        + (f" ({firsts} more participants with a meeting)" if firsts > 0 else "")
        + f", a net gain of {gain - cost:,.1f}."
    )


def _report(
    event: Event,
    before: Sequence[Meeting],
    after: Sequence[Meeting],
    history: frozenset[str],
    start: str,
    dropped: Mapping[tuple[str, str], tuple[Reason, ...]],
    reseated: Mapping[tuple[str, str], tuple[Reason, ...]],
    bumped: Mapping[tuple[str, str], Reason],
    changes: Changes,
) -> tuple[Change, ...]:
    """One row per published meeting and per new one, with why."""
    old = {m.pair: m for m in before}
    new = {m.pair: m for m in after}
    met_before = {pid for m in before for pid in m.pair}
    cost = f"{changes.change_cost:g}"
    rows = []
    for pair in sorted(set(old) | set(new)):
        o, n = old.get(pair), new.get(pair)
        kind: ChangeKind
        reasons: tuple[Reason, ...]
        # A movable meeting goes to the solver with its table; when that table is lost (or
        # went to a locked meeting), that is a cause of its move or cancellation too.
        cause: tuple[Reason, ...] = ()
        if o is not None and o.table in changes.tables_lost:
            cause = (
                _r(N_("table %(table)s is lost from %(start)s on"), table=o.table, start=start),
            )
        elif pair in bumped:
            cause = (bumped[pair],)
        if o is not None and n is not None:
            if o.slot in history:
                kind, reasons = "kept", (_r(N_("held before %(start)s (history)"), start=start),)
            elif (o.slot, o.table, o.interpreter) == (n.slot, n.table, n.interpreter):
                kind = "kept"
                reasons = (
                    (_r(N_("locked")),)
                    if o.locked
                    else (_r(N_("published; staying gains more than moving")),)
                    if changes.move_published
                    else (_r(N_("published")),)
                )
            elif o.slot == n.slot and o.table == n.table:
                kind, reasons = "reseated", (_interpreter_change(event, o, n, after),)
            elif o.slot == n.slot:
                kind = "reseated"
                reasons = reseated.get(pair, ())
                if not reasons:
                    reasons = (
                        *(
                            cause
                            or (_r(N_("table %(table)s went to a fixed meeting"), table=o.table),)
                        ),
                        _r(N_("reseated at %(table)s"), table=n.table),
                    )
                if o.interpreter != n.interpreter:
                    reasons = (*reasons, _interpreter_change(event, o, n, after))
            elif pair in dropped:  # it lost its place; the solver found it another slot
                kind = "moved"
                reasons = (*dropped[pair], _r(N_("moved to %(slot)s"), slot=n.slot))
            else:
                kind = "moved"
                reasons = (
                    *cause,
                    _r(
                        N_(
                            "--move-published: moved from %(old)s to %(new)s, a gain larger "
                            "than its change cost (%(cost)s points)"
                        ),
                        old=o.slot,
                        new=n.slot,
                        cost=cost,
                    ),
                )
        elif o is not None:
            kind = "cancelled"
            if o.pair in dropped:
                reasons = dropped[o.pair]
            else:
                reasons = (
                    *cause,
                    _r(
                        N_(
                            "--move-published: its slot served a better schedule, a gain "
                            "larger than its change cost (%(cost)s points)"
                        ),
                        cost=cost,
                    ),
                )
        else:
            assert n is not None
            kind = "added"
            firsts = [pid for pid in pair if pid not in met_before]
            reasons = (_r(N_("a free seat in %(slot)s after the changes"), slot=n.slot),)
            if len(firsts) == 1:
                reasons += (_r(N_("a first meeting for %(who)s"), who=firsts[0]),)
            elif firsts:
                reasons += (
                    _r(N_("a first meeting for %(a)s and %(b)s"), a=firsts[0], b=firsts[1]),
                )
        ref = o if o is not None else n
        assert ref is not None
        rows.append(
            Change(
                change=kind,
                a=pair[0],
                b=pair[1],
                old_slot=o.slot if o else None,
                new_slot=n.slot if n else None,
                old_table=o.table if o else None,
                new_table=n.table if n else None,
                old_interpreter=o.interpreter if o else None,
                new_interpreter=n.interpreter if n else None,
                locked=bool(o and o.locked),
                reasons=reasons,
            )
        )
    return tuple(rows)


def _interpreter_change(
    event: Event, old: Meeting, new: Meeting, after: Sequence[Meeting]
) -> Reason:
    """Why a meeting kept its slot but not its interpreter: the old one now interprets
    another meeting of the slot, or no longer works then, or the solver reassigned them."""
    if old.interpreter is None:
        return _r(N_("interpreter %(new)s added"), new=new.interpreter)
    if new.interpreter is None:
        return _r(N_("interpreter %(old)s no longer needed"), old=old.interpreter)
    other = next(
        (m for m in after if m.slot == new.slot and m.interpreter == old.interpreter), None
    )
    if other is not None:
        return _r(
            N_("interpreter %(new)s instead of %(old)s, who now interprets %(meeting)s"),
            new=new.interpreter,
            old=old.interpreter,
            meeting=f"{other.a}-{other.b}",
        )
    slot = next(s for s in event.slots if s.id == new.slot)
    gone = next((i for i in event.interpreters if i.id == old.interpreter), None)
    if gone is None or not gone.works_in(slot):
        return _r(
            N_("interpreter %(new)s instead of %(old)s, who no longer works in %(slot)s"),
            new=new.interpreter,
            old=old.interpreter,
            slot=new.slot,
        )
    return _r(
        N_(
            "interpreter %(new)s instead of %(old)s: the solver reassigned the interpreters of %(slot)s"
        ),
        new=new.interpreter,
        old=old.interpreter,
        slot=new.slot,
    )

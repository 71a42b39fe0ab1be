"""Reschedules never rewrite the past: property tests against the independent checker.

Hypothesis draws a small random event (the strategy of test_schedule), solves and publishes
it (some meetings locked), then draws what happened: a start slot, cancellations and
no-shows (disjoint), lost tables, whether published meetings may move, which locked
meetings a change may drop. After every reschedule: history is untouched (same meetings,
nothing added), no unforced locked meeting is dropped or moved, nobody gone meets later,
the change report accounts for every meeting, and the checker finds nothing wrong.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.matchmaking.checker import check_schedule
from tests.matchmaking.test_schedule import Case, cases
from tradepivot.errors import InfeasibleScheduleError, InputError
from tradepivot.matchmaking.model import Event, Interpreter, Meeting, Table
from tradepivot.matchmaking.reschedule import Changes, history_slots, reschedule
from tradepivot.matchmaking.schedule import ScheduleOptions, solve

OPTIONS = ScheduleOptions(time_limit=1.0, seed=3)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI cannot flake
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=cases(), data=st.data())
def test_no_reschedule_touches_history_or_a_locked_meeting(case: Case, data: st.DataObject) -> None:
    event = case.event
    try:
        first = solve(event, case.scores, OPTIONS, case.fixed)
    except InfeasibleScheduleError:
        return
    published = [
        dataclasses.replace(m, published=True, locked=m.locked or data.draw(st.booleans()))
        for m in first.meetings
    ]
    if not published:
        return
    event = dataclasses.replace(event, meetings=tuple(published))
    slot_ids = [s.id for s in event.slots]
    start = data.draw(st.sampled_from(slot_ids), label="from")
    people = sorted(event.participants)
    gone = data.draw(st.lists(st.sampled_from(people), unique=True, max_size=3), label="gone")
    split = data.draw(st.integers(0, len(gone)))
    tables = data.draw(
        st.lists(st.sampled_from([t.id for t in event.tables]), unique=True, max_size=2)
    )
    force = data.draw(st.lists(st.sampled_from(people), unique=True, max_size=2), label="force")
    changes = Changes(
        cancelled=tuple(gone[:split]),
        no_shows=tuple(gone[split:]),
        tables_lost=tuple(tables),
        from_slot=start,
        move_published=data.draw(st.booleans(), label="move published"),
        force=tuple(force),
    )
    history = history_slots(event, start)
    later = set(slot_ids) - history

    def protected(m: Meeting) -> bool:
        return m.locked and m.slot in later and not set(m.pair) & set(force)

    try:
        done = reschedule(event, published, case.scores, changes, OPTIONS)
    except InputError as error:
        assert not isinstance(error, InfeasibleScheduleError), error
        # Only a change that would drop an unforced locked meeting is refused.
        assert "would drop locked meetings" in error.message
        assert any(protected(m) and set(m.pair) & set(gone) for m in published) or any(
            protected(m) and m.table in tables for m in published
        )
        return
    after = list(done.schedule.meetings)
    held = [m for m in published if m.slot in history]
    # History: exactly as published, nothing added, whoever cancelled.
    assert {m for m in after if m.slot in history} == set(held)
    # Locked meetings: same slot and interpreter; the table only changes when it was lost.
    new = {m.pair: m for m in after}
    for m in published:
        if protected(m):
            kept = new.get(m.pair)
            assert kept is not None, f"locked {m} dropped"
            assert kept.slot == m.slot and kept.locked
            if m.table not in tables:
                assert kept.table == m.table
    # Who left meets nobody from the start slot on; lost tables seat nobody then.
    assert not any(set(m.pair) & set(gone) and m.slot in later for m in after)
    assert not any(m.table in tables and m.slot in later for m in after)
    # Every published meeting still there is fixed or was (unscored pairs are allowed).
    fixed = held + [new[m.pair] for m in published if m.pair in new]
    assert check_schedule(done.event, after, scores=case.scores, fixed=fixed) == []
    # The report accounts for every published meeting once and every new one once.
    rows = {(c.a, c.b): c for c in done.changes}
    assert len(rows) == len(done.changes)
    assert set(rows) == {m.pair for m in published} | set(new)
    for pair, row in rows.items():
        assert row.why
        if row.change == "added":
            assert pair not in {m.pair for m in published} and new[pair].slot in later
        if row.change == "reseated":
            assert row.old_slot == row.new_slot and "re-optimised" not in row.why
    if not changes.move_published:
        # Without --move-published a meeting changes slot only after losing its place:
        # its table was lost and its slot had no other.
        for row in done.changes:
            if row.change == "moved":
                assert row.old_table in tables and "no free table" in row.why, row


def _forum() -> tuple[list[Meeting], Case]:
    from tests.matchmaking.test_schedule import _medium

    event, scores = _medium(11)
    first = solve(event, scores, OPTIONS)
    published = [dataclasses.replace(m, published=True) for m in first.meetings]
    return published, Case(dataclasses.replace(event, meetings=tuple(published)), scores, ())


def test_locked_meetings_are_reseated_before_published_ones() -> None:
    published, case = _forum()
    event = case.event
    slot = max(event.slots, key=lambda s: sum(1 for m in published if m.slot == s.id))
    here = sorted((m for m in published if m.slot == slot.id), key=lambda m: m.table)
    assert len(here) >= 2
    # Both lose their table; one table of the slot is left free: the locked meeting gets it.
    published = [dataclasses.replace(m, locked=m == here[1]) for m in published]
    event = dataclasses.replace(event, tables=(*event.tables, Table("T9", slot.venue)))
    free = [t.id for t in event.usable_tables(slot) if t.id not in {m.table for m in here}]
    lose = (here[0].table, here[1].table, *free[1:])
    event = dataclasses.replace(event, meetings=tuple(published))
    done = reschedule(
        event, published, case.scores, Changes(tables_lost=lose, from_slot=slot.id), OPTIONS
    )
    rows = {(c.a, c.b): c for c in done.changes}
    locked = rows[here[1].pair]
    assert locked.change == "reseated" and locked.new_table == free[0]
    assert "locked meetings are reseated first" in locked.why
    bumped = rows[here[0].pair]
    assert bumped.change == "cancelled" and "no free table" in bumped.why


def test_naming_a_participant_twice_is_a_usage_error() -> None:
    published, case = _forum()
    pid = published[0].a
    for changes in (Changes(cancelled=(pid, pid)), Changes(cancelled=(pid,), no_shows=(pid,))):
        with pytest.raises(InputError, match=f"{pid} is named twice"):
            reschedule(case.event, published, case.scores, changes, OPTIONS)


def test_a_lost_table_is_named_as_the_cause_of_a_movable_meetings_fate() -> None:
    # With --move-published and every table lost, no meeting can stay: each published one
    # is cancelled, and its row names the lost table, not only the solver's trade-off.
    published, case = _forum()
    published = [dataclasses.replace(m, locked=False) for m in published]
    event = dataclasses.replace(case.event, meetings=tuple(published))
    lose = tuple(t.id for t in event.tables)
    done = reschedule(
        event,
        published,
        case.scores,
        Changes(tables_lost=lose, move_published=True),
        OPTIONS,
    )
    assert done.schedule.meetings == ()
    rows = [c for c in done.changes if c.change != "kept"]
    assert rows and all(c.change == "cancelled" for c in rows)
    for c in rows:
        assert f"table {c.old_table} is lost" in c.why, c.why


def _two_meetings(
    tables: tuple[str, ...],
) -> tuple[list[Meeting], Event, dict[tuple[str, str], float]]:
    """E1-B1 locked at T1 and E2-B2 published at T2, both in s1; s2 free for everyone."""
    from tests.matchmaking.test_schedule import _event, _person, _slot

    people = [_person("E1"), _person("E2"), _person("B1"), _person("B2")]
    event = _event(people, [_slot("s1", 0), _slot("s2", 30)], [Table(t, "V1") for t in tables])
    published = [
        Meeting("B1", "E1", "s1", "T1", locked=True, published=True),
        Meeting("B2", "E2", "s1", "T2", published=True),
    ]
    scores = {("B1", "E1"): 50.0, ("B2", "E2"): 40.0}
    return published, dataclasses.replace(event, meetings=tuple(published)), scores


def test_a_locked_meeting_is_reseated_at_a_free_table_before_a_movable_meetings() -> None:
    published, event, scores = _two_meetings(("T1", "T2", "T3"))
    changes = Changes(tables_lost=("T1",), move_published=True)
    done = reschedule(event, published, scores, changes, OPTIONS)
    rows = {(c.a, c.b): c for c in done.changes}
    assert rows[("B1", "E1")].change == "reseated" and rows[("B1", "E1")].new_table == "T3"
    assert rows[("B2", "E2")].change == "kept" and rows[("B2", "E2")].new_table == "T2"
    assert check_schedule(done.event, done.schedule.meetings, scores=scores) == []


def test_a_table_that_went_to_a_locked_meeting_is_named_as_the_cause() -> None:
    # No free table in s1: the locked meeting takes the movable meeting's table, which moves.
    published, event, scores = _two_meetings(("T1", "T2"))
    changes = Changes(tables_lost=("T1",), move_published=True)
    done = reschedule(event, published, scores, changes, OPTIONS)
    rows = {(c.a, c.b): c for c in done.changes}
    assert rows[("B1", "E1")].change == "reseated" and rows[("B1", "E1")].new_table == "T2"
    moved = rows[("B2", "E2")]
    assert moved.change == "moved" and moved.new_slot == "s2"
    assert "its table T2 went to the locked meeting B1-E1, whose table T1 is lost" in moved.why
    assert check_schedule(done.event, done.schedule.meetings, scores=scores) == []


def test_an_interpreter_only_change_has_its_own_reason() -> None:
    # The published interpreter no longer works in the slot (interpreters.csv was edited):
    # the meeting keeps its slot and table, and the row says why the interpreter changed.
    from tests.matchmaking.test_schedule import EN_RU, _event, _person, _slot

    people = [_person("E1", ("en",)), _person("B1", ("ru",))]
    interpreters = [
        Interpreter("I1", "One", EN_RU, available=frozenset({"s2"})),
        Interpreter("I2", "Two", EN_RU),
    ]
    event = _event(
        people, [_slot("s1", 0), _slot("s2", 30)], [Table("T1", "V1")], interpreters=interpreters
    )
    published = [Meeting("B1", "E1", "s1", "T1", "I1", published=True)]
    event = dataclasses.replace(event, meetings=tuple(published))
    scores = {("B1", "E1"): 50.0}
    done = reschedule(event, published, scores, Changes(move_published=True), OPTIONS)
    (row,) = done.changes
    assert (row.change, row.new_slot, row.new_table, row.new_interpreter) == (
        "reseated",
        "s1",
        "T1",
        "I2",
    )
    assert row.why == "interpreter I2 instead of I1, who no longer works in s1"
    assert check_schedule(done.event, done.schedule.meetings, scores=scores) == []


def test_why_texts_are_translated() -> None:
    published, event, scores = _two_meetings(("T1", "T2"))
    changes = Changes(tables_lost=("T1",), move_published=True)
    done = reschedule(event, published, scores, changes, OPTIONS)
    for c in done.changes:
        english = c.as_row()["why"]
        assert english == c.why
        for language, script in (("ru", "А-Яа-яЁё"), ("hi", "\u0900-\u097f")):
            text = c.as_row(language)["why"]
            assert text != english and re.search(f"[{script}]", text), (language, text)
            # ids and slots are kept as they are
            for value in (c.new_slot, c.new_table):
                if value and value in english:
                    assert value in text

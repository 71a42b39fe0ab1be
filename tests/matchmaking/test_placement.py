"""One more meeting in a standing schedule (place_pair), checked by the independent checker:
the placement breaks no hard constraint, moves nobody, uses only the open slots, and is the
earliest that works; when it finds none, no slot, table and interpreter would have worked."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import event as label
from hypothesis import strategies as st

from tests.matchmaking.checker import check_schedule, resource_clashes
from tests.matchmaking.test_schedule import cases
from tradepivot.matchmaking.baselines import greedy_schedule
from tradepivot.matchmaking.model import (
    Event,
    Interpreter,
    Meeting,
    Participant,
    Preference,
    Slot,
    Table,
    Venue,
)
from tradepivot.matchmaking.phrases import say
from tradepivot.matchmaking.placement import Placement, place_pair

ZONE = dt.timezone(dt.timedelta(hours=5, minutes=30))
DAY = dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZONE)


def _works(event: Event, meetings: list[Meeting], candidate: Meeting) -> bool:
    """Whether ``candidate`` added to ``meetings`` keeps every hard constraint (and adds no
    table or interpreter double booking across overlapping slots), by the checker."""
    after = [*meetings, candidate]
    if check_schedule(event, after, fixed=meetings):
        return False
    return set(resource_clashes(event, after)) <= set(resource_clashes(event, meetings))


def _options(event: Event, a: str, b: str, slot: Slot) -> list[Meeting]:
    """Every way the pair could sit in ``slot``: each table, with no or any interpreter."""
    return [
        Meeting(a, b, slot.id, t.id, i)
        for t in event.tables
        for i in (None, *(x.id for x in event.interpreters))
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(), data=st.data())
def test_a_placement_is_valid_earliest_and_moves_nobody(case: object, data: st.DataObject) -> None:
    event = case.event  # type: ignore[attr-defined]
    scores = case.scores  # type: ignore[attr-defined]
    # part of a valid schedule (leaving meetings out keeps it valid), so that room is left
    full = greedy_schedule(event, scores)
    meetings = [m for m in full if data.draw(st.integers(0, 2), label=f"keep {m.pair}") == 0]
    assert check_schedule(event, meetings) == []
    exporters = sorted(p for p, x in event.participants.items() if x.side == "exporter")
    buyers = sorted(p for p, x in event.participants.items() if x.side == "buyer")
    a, b = data.draw(st.sampled_from(exporters)), data.draw(st.sampled_from(buyers))
    slot_ids = [s.id for s in event.slots]
    open_slots = data.draw(st.none() | st.sets(st.sampled_from(slot_ids)))
    pair = (a, b) if a < b else (b, a)

    placed = place_pair(event, meetings, a, b, open_slots=open_slots)
    label("placed" if placed.meeting else f"not placed: {say(placed.reason)}")  # type: ignore[arg-type]

    ordered = sorted(event.slots, key=lambda s: (s.start, s.end, s.id))
    usable = [s for s in ordered if open_slots is None or s.id in open_slots]
    if placed.meeting is None:
        assert placed.reason is not None
        for slot in usable:
            assert not any(_works(event, meetings, m) for m in _options(event, *pair, slot))
        return
    m = placed.meeting
    assert (m.a, m.b) == pair and m.locked
    assert open_slots is None or m.slot in open_slots
    assert _works(event, meetings, m)
    for slot in usable:
        if slot.id == m.slot:
            break
        assert not any(_works(event, meetings, x) for x in _options(event, *pair, slot)), slot.id


def _event(**changes: object) -> Event:
    slots = tuple(
        Slot(
            f"s{k}",
            DAY + dt.timedelta(minutes=20 * k),
            DAY + dt.timedelta(minutes=20 * k + 20),
            "V",
        )
        for k in range(3)
    )
    people = {
        "B1": Participant("B1", "B1 LLC", "buyer", "RUS", languages=("ru",)),
        "B2": Participant("B2", "B2 LLC", "buyer", "RUS", languages=("ru",)),
        "E1": Participant("E1", "E1 Ltd", "exporter", "IND", languages=("en",)),
        "E2": Participant("E2", "E2 Ltd", "exporter", "IND", languages=("en", "ru")),
    }
    base = {
        "name": "forum",
        "timezone": "Asia/Kolkata",
        "participants": people,
        "venues": {"V": Venue("V", "Hall", "New Delhi", "Asia/Kolkata")},
        "slots": slots,
        "tables": (Table("T1", "V"),),
        "interpreters": (Interpreter("I1", "Anna", frozenset({frozenset({"en", "ru"})})),),
    }
    return Event(**{**base, **changes})  # type: ignore[arg-type]


def why(placed: Placement, language: str = "en") -> str:
    assert placed.meeting is None and placed.reason is not None
    return say(placed.reason, language)


def test_the_reasons_name_what_is_missing() -> None:
    event = _event()
    taken = [Meeting("B2", "E2", "s0", "T1", locked=True, published=True)]
    # a pair meets once
    assert why(place_pair(event, taken, "E2", "B2")) == "the pair already has a meeting"
    # the table is taken in s0: E1 and B1 go to s1, with the interpreter (no shared language)
    placed = place_pair(event, taken, "E1", "B1")
    assert placed.meeting == Meeting("B1", "E1", "s1", "T1", "I1", locked=True)
    # only s0 open: its one table is taken; B2 has a meeting there
    assert why(place_pair(event, taken, "E1", "B1", open_slots={"s0"})).startswith(
        "every table is taken"
    )
    assert why(place_pair(event, taken, "E1", "B2", open_slots={"s0"})).startswith(
        "the two have no slot in common"
    )
    # no slot open at all (the day is over)
    assert (
        why(place_pair(event, taken, "E1", "B1", open_slots=set())) == "no slot is left to meet in"
    )
    # a "no" wins over an accepted request
    vetoed = _event(preferences=(Preference("B1", "E1", "no"),))
    assert "'no'" in why(place_pair(vetoed, [], "E1", "B1"))
    # no interpreter: they share no language
    alone = _event(interpreters=())
    assert why(place_pair(alone, [], "E1", "B1")).startswith("no interpreter")

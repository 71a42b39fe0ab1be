"""Participants left without a meeting get the cause an organiser can act on, and the LP
relaxation's shadow prices say what one more interpreter would be worth."""

from __future__ import annotations

from tests.matchmaking.test_schedule import EN_RU, _event, _person, _slot
from tradepivot.matchmaking.model import Interpreter, Table
from tradepivot.matchmaking.relaxation import help_sentences, time_indexed_lp
from tradepivot.matchmaking.schedule import ScheduleOptions, build_instance, solve
from tradepivot.matchmaking.unmet import unmet

OPTIONS = ScheduleOptions(time_limit=2.0, seed=1)


def test_each_participant_without_a_meeting_gets_its_cause() -> None:
    slots = [_slot("s1", 0), _slot("s2", 20)]
    people = [
        _person("E1"),  # meets B1
        _person("E2"),  # nobody scores with it
        _person("E3", available=frozenset({"s2"})),  # its only candidate B2 is there in s1
        _person("E4", ("hi",)),  # its candidates speak en or ru: nobody interprets hi
        _person("B1"),
        _person("B2", ("ru",), available=frozenset({"s1"})),
        _person("B3", ("ru",)),
        _person("E5", ("en",)),  # B3 needs the one en-ru interpreter, E6 took it
        _person("E6", ("en",)),
    ]
    event = _event(
        people,
        slots,
        [Table("T1", "V1"), Table("T2", "V1"), Table("T3", "V1")],
        interpreters=[Interpreter("I1", "One", EN_RU, available=frozenset({"s1"}))],
    )
    scores = {
        ("B1", "E1"): 50.0,
        ("B2", "E3"): 50.0,
        ("B1", "E4"): 40.0,
        ("B3", "E4"): 40.0,
        ("B3", "E5"): 30.0,
        ("B3", "E6"): 90.0,
    }
    result = solve(event, scores, OPTIONS)
    instance = build_instance(event, scores, OPTIONS)
    causes = {u.participant: u.cause for u in unmet(instance, scores, result.meetings)}
    met = {p for m in result.meetings for p in m.pair}
    assert causes.keys() == set(event.participants) - met
    assert causes["E2"] == "no candidate"
    assert causes["E3"] == "no common slot"
    assert causes["B2"] == "no common slot"
    assert causes["E5"] == "interpreter shortage"
    # E4 (hi) could meet B1 (en)? No common language and no hi interpreter: B1's seat only.
    assert "E4" in causes and causes["E4"] in ("interpreter shortage", "counterparts busy")


def test_one_more_interpreter_is_worth_a_first_meeting() -> None:
    slots = [_slot("s1", 0)]
    people = [_person("E1", ("en",)), _person("E2", ("en",)), _person("B1", ("ru",))]
    people += [_person("B2", ("ru",))]
    event = _event(
        people,
        slots,
        [Table("T1", "V1"), Table("T2", "V1")],
        interpreters=[Interpreter("I1", "One", EN_RU)],
    )
    scores = {("B1", "E1"): 50.0, ("B2", "E2"): 50.0}
    instance = build_instance(event, scores, OPTIONS)
    relaxation = time_indexed_lp(instance)
    assert relaxation is not None
    # Two interpreted meetings want the one interpreter: one more gives two participants
    # a first meeting (and 50 points).
    value = relaxation.interpreters[("s1", "en–ru")]
    assert value / relaxation.first >= 1.99
    assert relaxation.tables["s1"] == 0.0  # a table is not what is missing
    # Re-solved with the interpreter added: one more meeting, and it reaches the two
    # participants the schedule leaves without one.
    meetings = solve(event, scores, OPTIONS).meetings
    none = sorted(set(event.participants) - {p for m in meetings for p in m.pair})
    assert len(none) == 2
    (sentence,) = help_sentences(relaxation, instance, unmet=none)
    assert sentence.startswith(
        "One more en–ru interpreter in s1 would give about 1 more meeting, a first meeting "
        "for 2 of the participants who have none"
    ), sentence
    # Those who have a meeting already are not counted.
    (sentence,) = help_sentences(relaxation, instance, unmet=none[:1])
    assert "a first meeting for 1 of the participants" in sentence, sentence


def test_a_table_short_is_priced_and_re_solved() -> None:
    # One slot, one table, three pairs who share a language: a second table seats one more
    # pair, two participants who have none.
    slots = [_slot("s1", 0)]
    people = [_person(p, ("en",)) for p in ("E1", "E2", "E3", "B1", "B2", "B3")]
    event = _event(people, slots, [Table("T1", "V1")])
    scores = {("B1", "E1"): 50.0, ("B2", "E2"): 40.0, ("B3", "E3"): 30.0}
    instance = build_instance(event, scores, OPTIONS)
    relaxation = time_indexed_lp(instance)
    assert relaxation is not None and relaxation.tables["s1"] > 0
    meetings = solve(event, scores, OPTIONS).meetings
    none = sorted(set(event.participants) - {p for m in meetings for p in m.pair})
    assert len(meetings) == 1 and len(none) == 4
    (sentence,) = help_sentences(relaxation, instance, unmet=none)
    assert sentence.startswith(
        "One more table in s1 would give about 1 more meeting, a first meeting for 2 of the "
        "participants who have none"
    ), sentence


def test_a_participant_with_no_available_slot_is_warned_and_named() -> None:
    """Availability that names no meeting slot (a typo, a slot dropped from the event) or
    group sessions taking every free slot: the schedule's notes warn before solving, and
    the report of participants without a meeting gives that cause, not 'no candidate'."""
    import dataclasses

    from tradepivot.matchmaking.model import GroupSession

    slots = [_slot("s1", 0), _slot("s2", 20)]
    people = [
        _person("E1"),
        _person("E2", available=frozenset({"s9"})),  # a slot the event does not have
        _person("E3", available=frozenset({"s1"})),  # at the roadshow in s1
        _person("B1"),
        _person("B2"),
    ]
    event = _event(people, slots, [Table("T1", "V1"), Table("T2", "V1")])
    roadshow = GroupSession(
        "R1", "Roadshow", slots[0].start, slots[0].end, "V1", capacity=5, attendees=("E3",)
    )
    event = dataclasses.replace(event, sessions=(roadshow,))
    scores = {("B1", "E1"): 50.0, ("B1", "E2"): 60.0, ("B2", "E3"): 60.0}
    instance = build_instance(event, scores, OPTIONS)
    (note,) = [n for n in instance.notes if "no slot at all" in n]
    assert note.startswith("2 participant(s) can meet in no slot at all") and "E2, E3" in note
    result = solve(event, scores, OPTIONS)
    found = {u.participant: u for u in unmet(instance, scores, result.meetings)}
    assert found["E2"].cause == found["E3"].cause == "no available slot"
    assert "names none of the event's 2 meeting slots" in found["E2"].detail
    assert "group sessions take all 1 slots" in found["E3"].detail
    assert any(n.startswith("2 participant(s)") for n in result.notes)

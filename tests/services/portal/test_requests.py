"""Meeting requests: ask, answer, expire, the cap, bookings that never double-book, the
e-mails each step queues; attendance on the day."""

from __future__ import annotations

import datetime as dt

import pytest

from tradepivot.errors import InputError, ScheduleConflictError
from tradepivot.matchmaking.model import Meeting
from tradepivot.services.portal import PortalDatabase
from tradepivot.services.portal.attendance import attendance, record_attendance
from tradepivot.services.portal.outbox import outbox
from tradepivot.services.portal.requests import (
    RequestPolicy,
    book_request,
    bookings,
    create_request,
    decide_request,
    expire_requests,
)

NOW = dt.datetime(2025, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_ask_accept_and_the_emails_on_the_way(portal: PortalDatabase) -> None:
    made = portal.create_request("forum", "ex1", "bu1", "Leather for Moscow?")
    assert (made.status, made.requester, made.recipient) == ("pending", "ex1", "bu1")
    assert made.expires_at - made.created_at == dt.timedelta(days=3)
    answered = portal.decide_request("forum", "bu1", made.id, accept=True)
    assert answered.status == "accepted"
    mail = outbox(portal.engine)
    assert [(m.kind, m.recipient) for m in mail] == [
        ("request_received", "olga.petrova@zarinak.example"),
        ("request_accepted", "anil.rao@kavirath.example"),
    ]
    assert "Leather for Moscow?" in mail[0].body_text
    assert mail[0].subject == "ex1 предлагает вам встречу на мероприятии Tiny test forum"
    assert [r.id for r in portal.requests_of("forum", "bu1")] == [made.id]
    assert portal.requests_of("forum", "bu2") == []
    assert [r.status for r in portal.event_requests("forum")] == ["accepted"]


def test_what_may_not_be_asked_or_answered(portal: PortalDatabase) -> None:
    with pytest.raises(InputError, match="yourself"):
        portal.create_request("forum", "ex1", "ex1", "")
    with pytest.raises(InputError, match="no participant 'ghost'"):
        portal.create_request("forum", "ex1", "ghost", "")
    made = portal.create_request("forum", "ex1", "bu1", "")
    with pytest.raises(InputError, match="asked bu1 already"):
        portal.create_request("forum", "ex1", "bu1", "again")
    with pytest.raises(InputError, match="not yours to answer"):
        portal.decide_request("forum", "ex1", made.id, accept=True)  # the requester
    with pytest.raises(InputError, match="not yours to answer"):
        portal.decide_request("forum", "bu2", made.id, accept=True)  # a third party
    assert portal.decide_request("forum", "bu1", made.id, accept=False).status == "declined"
    with pytest.raises(InputError, match="is declined"):
        portal.decide_request("forum", "bu1", made.id, accept=True)
    assert portal.create_request("forum", "ex1", "bu1", "once more").status == "pending"


def test_pending_requests_are_capped(portal: PortalDatabase) -> None:
    policy = RequestPolicy(max_pending=2)
    for other in ("bu1", "bu2"):
        create_request(portal.engine, "forum", "ex1", other, policy=policy)
    with pytest.raises(InputError, match="2 requests waiting"):
        create_request(portal.engine, "forum", "ex1", "of1", policy=policy)
    create_request(portal.engine, "forum", "ex2", "of1", policy=policy)  # per requester


def test_requests_expire(portal: PortalDatabase) -> None:
    policy = RequestPolicy(ttl=dt.timedelta(hours=1))
    made = create_request(portal.engine, "forum", "ex1", "bu1", policy=policy, now=NOW)
    later = NOW + dt.timedelta(hours=2)
    assert (
        decide_request(portal.engine, "forum", "bu1", made.id, True, now=later).status == "expired"
    )
    other = create_request(portal.engine, "forum", "ex2", "bu2", policy=policy, now=NOW)
    assert expire_requests(portal.engine, now=later) == 1
    assert [r.status for r in portal.requests_of("forum", "ex2")] == ["expired"]
    assert other.id != made.id


def _accepted(portal: PortalDatabase, a: str, b: str) -> int:
    made = portal.create_request("forum", a, b, "")
    portal.decide_request("forum", b, made.id, accept=True)
    return made.id


def test_bookings_never_seat_anyone_twice(portal: PortalDatabase) -> None:
    first = _accepted(portal, "ex1", "bu1")
    second = _accepted(portal, "ex1", "bu2")
    third = _accepted(portal, "ex2", "bu2")
    fourth = _accepted(portal, "ex3", "of1")
    booked = book_request(portal.engine, "forum", first, "s1")
    assert (booked.a, booked.b, booked.slot, booked.table) == ("bu1", "ex1", "s1", "t1")
    with pytest.raises(ScheduleConflictError, match="ex1 already has a meeting in slot 's1'"):
        book_request(portal.engine, "forum", second, "s1")
    assert book_request(portal.engine, "forum", third, "s1").table == "t2"  # t1 is taken
    with pytest.raises(ScheduleConflictError, match="Every table is taken in slot 's1'"):
        book_request(portal.engine, "forum", fourth, "s1")
    with pytest.raises(ScheduleConflictError, match="Table 't1' is taken"):
        book_request(portal.engine, "forum", fourth, "s1", "t1")
    with pytest.raises(ScheduleConflictError, match="of1 is not available in slot 's3'"):
        book_request(portal.engine, "forum", fourth, "s3")
    assert book_request(portal.engine, "forum", fourth, "s2").table == "t1"
    with pytest.raises(InputError, match="booked already"):
        book_request(portal.engine, "forum", first, "s2")
    pending = portal.create_request("forum", "ex2", "of1", "")
    with pytest.raises(InputError, match="only accepted ones"):
        book_request(portal.engine, "forum", pending.id, "s2")
    assert [(b.slot, b.table, b.a, b.b) for b in bookings(portal.engine, "forum")] == [
        ("s1", "t1", "bu1", "ex1"),
        ("s1", "t2", "bu2", "ex2"),
        ("s2", "t1", "ex3", "of1"),
    ]


def test_check_in_and_no_shows(portal: PortalDatabase) -> None:
    record_attendance(portal.engine, "forum", "ex1", "present", now=NOW)
    record_attendance(portal.engine, "forum", "bu1", "no_show", slot_id="s1", now=NOW)
    record_attendance(portal.engine, "forum", "bu1", "present", slot_id="s1", now=NOW)  # late
    assert [(a.participant, a.slot, a.status) for a in attendance(portal.engine, "forum")] == [
        ("bu1", "s1", "present"),
        ("ex1", None, "present"),
    ]
    with pytest.raises(InputError, match="no slot 's9'"):
        record_attendance(portal.engine, "forum", "ex1", "present", slot_id="s9")
    with pytest.raises(InputError, match="Unknown attendance"):
        record_attendance(portal.engine, "forum", "ex1", "asleep")


def test_bookings_respect_the_published_schedule_and_availability(
    portal: PortalDatabase,
) -> None:
    portal.store.publish("forum", [Meeting("bu1", "ex3", "s1", "t1")], base_version=0)
    first = _accepted(portal, "ex1", "bu1")
    with pytest.raises(
        ScheduleConflictError, match="bu1 already has a meeting in slot 's1' \\(published"
    ):
        book_request(portal.engine, "forum", first, "s1")
    second = _accepted(portal, "ex1", "bu2")
    assert book_request(portal.engine, "forum", second, "s1").table == "t2"  # t1: published
    third = _accepted(portal, "ex2", "of1")  # ex2 is available in s1 and s2 only
    with pytest.raises(ScheduleConflictError, match="ex2 is not available in slot 's3'"):
        book_request(portal.engine, "forum", third, "s3")

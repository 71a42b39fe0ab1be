"""Meeting requests between participants: ask, accept or decline, expire, book a slot.

Rules (each kept inside one write transaction):

- a participant asks another of the same event; never itself; one pending request per
  pair and direction (a unique index); at most :attr:`RequestPolicy.max_pending` pending
  requests per requester (its participant row is locked while counting, so 50 concurrent
  asks cannot overshoot the cap);
- only the recipient answers, only while pending and unexpired; a request past
  ``expires_at`` becomes ``expired`` (:func:`expire_requests`, or when touched);
- :func:`book_request` places an accepted request in a slot at a free table, never where
  either participant is unavailable or seated by the published schedule. The database
  seats each participant once per slot and each table once per slot
  (``booking_seats``/``bookings``), so two bookings racing for one person or one table
  cannot both commit: the loser gets :class:`~tradepivot.errors.ScheduleConflictError`
  naming who is taken ("ex1 already has a meeting in slot s1").

Each decision queues the other side's e-mail in the same transaction (the outbox).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tradepivot.db.engine import read_session, retrying, write_session
from tradepivot.db.models import (
    BookingRow,
    BookingSeatRow,
    EventRow,
    MeetingRow,
    MeetingSeatRow,
    ParticipantRow,
    RequestRow,
    ScheduleRow,
    SlotRow,
    TableRow,
)
from tradepivot.errors import InputError, ScheduleConflictError
from tradepivot.services.portal.messages import compose, mail_language
from tradepivot.services.portal.outbox import enqueue

__all__ = [
    "DEFAULT_POLICY",
    "Booking",
    "MeetingRequest",
    "RequestPolicy",
    "book_request",
    "bookings",
    "create_request",
    "decide_request",
    "event_requests",
    "expire_requests",
    "requests_of",
]


@dataclass(frozen=True)
class RequestPolicy:
    """How long a request waits for an answer and how many one may have pending."""

    ttl: dt.timedelta = dt.timedelta(days=3)
    max_pending: int = 10


DEFAULT_POLICY = RequestPolicy()


@dataclass(frozen=True)
class MeetingRequest:
    """``requester`` asked ``recipient`` for a meeting at ``event_id``."""

    id: int
    event_id: str
    requester: str
    recipient: str
    status: str  # pending | accepted | declined | expired | cancelled
    message: str
    created_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True)
class Booking:
    """An accepted request placed at ``table`` in ``slot``."""

    request_id: int
    event_id: str
    a: str
    b: str
    slot: str
    table: str


def _request(row: RequestRow) -> MeetingRequest:
    return MeetingRequest(
        row.id, row.event_id, row.requester, row.recipient, row.status, row.message,
        row.created_at, row.expires_at,
    )  # fmt: skip


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def _participant(
    session: Session, event_id: str, pid: str, *, lock: bool = False
) -> ParticipantRow:
    # FOR NO KEY UPDATE: serialises this participant's requests without blocking the
    # foreign-key checks of others' requests that name it (FOR UPDATE would deadlock them)
    row = session.get(
        ParticipantRow, (event_id, pid), with_for_update={"key_share": True} if lock else None
    )
    if row is None:
        raise InputError(f"Event {event_id!r} has no participant {pid!r}.", param="participant")
    return row


def _notify(
    session: Session,
    event_id: str,
    to: ParticipantRow,
    kind: str,
    other: ParticipantRow,
    message: str = "",
) -> None:
    if not to.email.strip():
        return
    event = session.get(EventRow, event_id)
    language = mail_language(to.languages)
    text = compose(
        kind,
        language,
        event=event.name if event else event_id,
        other=other.id,
        message=message,
    )
    enqueue(
        session,
        kind=kind,
        recipient=to.email.strip().lower(),
        subject=text.subject,
        body_text=text.body,
        event_id=event_id,
    )


def create_request(
    engine: Engine,
    event_id: str,
    requester: str,
    recipient: str,
    message: str = "",
    *,
    policy: RequestPolicy = DEFAULT_POLICY,
    now: dt.datetime | None = None,
) -> MeetingRequest:
    """Ask ``recipient`` for a meeting (InputError: oneself, unknown, a pending duplicate,
    the cap reached); the recipient's e-mail is queued."""
    when = _now(now)
    if requester == recipient:
        raise InputError("You cannot ask yourself for a meeting.", param="recipient")
    return retrying(lambda: _create(engine, event_id, requester, recipient, message, policy, when))


def _create(
    engine: Engine,
    event_id: str,
    requester: str,
    recipient: str,
    message: str,
    policy: RequestPolicy,
    when: dt.datetime,
) -> MeetingRequest:
    try:
        with write_session(engine) as session:
            asker = _participant(session, event_id, requester, lock=True)
            other = _participant(session, event_id, recipient)
            _expire(session, when, event_id=event_id, requester=requester)
            pending = session.scalar(
                select(func.count())
                .select_from(RequestRow)
                .where(
                    RequestRow.event_id == event_id,
                    RequestRow.requester == requester,
                    RequestRow.status == "pending",
                )
            )
            if (pending or 0) >= policy.max_pending:
                raise InputError(
                    f"You have {pending} requests waiting for an answer, the most allowed.",
                    hint="Wait for answers, or withdraw a request, before asking again.",
                )
            row = RequestRow(
                event_id=event_id,
                requester=requester,
                recipient=recipient,
                status="pending",
                message=message[:2000],
                created_at=when,
                expires_at=when + policy.ttl,
            )
            session.add(row)
            session.flush()
            _notify(session, event_id, other, "request_received", asker, row.message)
            return _request(row)
    except IntegrityError:
        raise InputError(
            f"You have asked {recipient} already; the request is waiting for an answer.",
            param="recipient",
        ) from None


def decide_request(
    engine: Engine,
    event_id: str,
    participant_id: str,
    request_id: int,
    accept: bool,
    *,
    now: dt.datetime | None = None,
) -> MeetingRequest:
    """The recipient accepts or declines a pending request; the requester's e-mail is
    queued. InputError for anyone else, or a request no longer pending."""
    when = _now(now)
    return retrying(lambda: _decide(engine, event_id, participant_id, request_id, accept, when))


def _decide(
    engine: Engine,
    event_id: str,
    participant_id: str,
    request_id: int,
    accept: bool,
    when: dt.datetime,
) -> MeetingRequest:
    with write_session(engine) as session:
        row = session.get(RequestRow, request_id, with_for_update={"key_share": True})
        if row is None or row.event_id != event_id or row.recipient != participant_id:
            raise InputError("This request is not yours to answer.")
        if row.status == "pending" and row.expires_at <= when:
            row.status, row.decided_at = "expired", when
            session.flush()
            return _request(row)  # committed as expired; the caller sees why
        if row.status != "pending":
            raise InputError(f"This request is {row.status}: it can no longer be answered.")
        row.status = "accepted" if accept else "declined"
        row.decided_at = when
        session.flush()
        requester = _participant(session, event_id, row.requester)
        recipient = _participant(session, event_id, row.recipient)
        kind = "request_accepted" if accept else "request_declined"
        _notify(session, event_id, requester, kind, recipient)
        return _request(row)


def _expire(
    session: Session,
    when: dt.datetime,
    *,
    event_id: str | None = None,
    requester: str | None = None,
) -> int:
    query = (
        update(RequestRow)
        .where(RequestRow.status == "pending", RequestRow.expires_at <= when)
        .values(status="expired", decided_at=when)
    )
    if event_id is not None:
        query = query.where(RequestRow.event_id == event_id)
    if requester is not None:
        query = query.where(RequestRow.requester == requester)
    return session.execute(query).rowcount or 0  # type: ignore[attr-defined]


def expire_requests(engine: Engine, *, now: dt.datetime | None = None) -> int:
    """Mark every pending request past its time ``expired``; returns how many."""
    with write_session(engine) as session:
        return _expire(session, _now(now))


def requests_of(engine: Engine, event_id: str, participant_id: str) -> list[MeetingRequest]:
    """The requests the participant sent or received, newest first."""
    with read_session(engine) as session:
        rows = session.scalars(
            select(RequestRow)
            .where(
                RequestRow.event_id == event_id,
                (RequestRow.requester == participant_id) | (RequestRow.recipient == participant_id),
            )
            .order_by(RequestRow.id.desc())
        )
        return [_request(r) for r in rows]


def event_requests(engine: Engine, event_id: str) -> list[MeetingRequest]:
    """Every request of the event, newest first (the organiser's overview)."""
    with read_session(engine) as session:
        rows = session.scalars(
            select(RequestRow).where(RequestRow.event_id == event_id).order_by(RequestRow.id.desc())
        )
        return [_request(r) for r in rows]


def book_request(
    engine: Engine,
    event_id: str,
    request_id: int,
    slot_id: str,
    table_id: str | None = None,
    *,
    attempts: int = 5,
) -> Booking:
    """Place accepted request ``request_id`` in ``slot_id`` at ``table_id`` (default: a free
    table of the slot's venue). Raises ScheduleConflictError when either participant or the
    table is taken in that slot (the database decides when two bookings race)."""
    for _ in range(attempts):
        try:
            return retrying(lambda: _book(engine, event_id, request_id, slot_id, table_id))
        except IntegrityError as exc:
            taken = _taken(engine, event_id, request_id, slot_id, table_id)
            if taken is not None:
                raise ScheduleConflictError(taken, hint="Choose another slot.") from exc
            # the table picked was taken meanwhile: pick again
    raise ScheduleConflictError(
        f"No free table in slot {slot_id!r} after {attempts} tries.", hint="Choose another slot."
    )


def _book(
    engine: Engine, event_id: str, request_id: int, slot_id: str, table_id: str | None
) -> Booking:
    with write_session(engine) as session:
        request = session.get(RequestRow, request_id, with_for_update={"key_share": True})
        if request is None or request.event_id != event_id:
            raise InputError(f"Event {event_id!r} has no request {request_id}.")
        if request.status != "accepted":
            raise InputError(
                f"Request {request_id} is {request.status}: only accepted ones are booked."
            )
        if session.scalars(select(BookingRow).where(BookingRow.request_id == request_id)).first():
            raise InputError(f"Request {request_id} is booked already.")
        slot = session.get(SlotRow, (event_id, slot_id))
        if slot is None:
            raise InputError(f"Event {event_id!r} has no slot {slot_id!r}.", param="slot")
        taken = _taken_in(session, event_id, request, slot_id, table_id)
        if taken is not None:
            raise ScheduleConflictError(taken, hint="Choose another slot.")
        busy = _unavailable(session, event_id, request, slot_id)
        if busy is not None:
            raise ScheduleConflictError(busy, hint="Choose another slot.")
        table = table_id or _free_table(session, event_id, slot)
        if table is None:
            # a rival booking may have committed since the check above (PostgreSQL reads
            # each statement afresh): if it took one of the two, say so, the truer cause
            taken = _taken_in(session, event_id, request, slot_id, None)
            raise ScheduleConflictError(
                taken or f"Every table is taken in slot {slot_id!r}.", hint="Choose another slot."
            )
        booking = BookingRow(
            event_id=event_id, request_id=request_id, slot_id=slot_id, table_id=table
        )
        session.add(booking)
        session.flush()
        session.add_all(
            BookingSeatRow(
                event_id=event_id, slot_id=slot_id, participant_id=who, booking_id=booking.id
            )
            for who in sorted((request.requester, request.recipient))  # one lock order for all
        )
        session.flush()
        a, b = sorted((request.requester, request.recipient))
        return Booking(request_id, event_id, a, b, slot_id, table)


def _unavailable(session: Session, event_id: str, request: RequestRow, slot_id: str) -> str | None:
    """Why one of the two cannot meet in the slot: declared unavailable, or seated there by
    the published schedule (read under the event's share lock, so a publish in progress
    is waited for)."""
    event = session.get(EventRow, event_id, with_for_update={"read": True})
    for who in (request.requester, request.recipient):
        person = session.get(ParticipantRow, (event_id, who))
        if person is not None and person.available is not None and slot_id not in person.available:
            return f"{who} is not available in slot {slot_id!r}."
    current = _current_schedule(session, event)
    if current is None:
        return None
    for who in (request.requester, request.recipient):
        if session.get(MeetingSeatRow, (current, slot_id, who)) is not None:
            return f"{who} already has a meeting in slot {slot_id!r} (published schedule)."
    return None


def _current_schedule(session: Session, event: EventRow | None) -> int | None:
    if event is None:
        return None
    return session.scalar(
        select(ScheduleRow.id).where(
            ScheduleRow.event_id == event.id,
            ScheduleRow.kind == "published",
            ScheduleRow.number == event.current_version,
        )
    )


def _free_table(session: Session, event_id: str, slot: SlotRow) -> str | None:
    """A table of the slot's venue usable then, free of bookings and published meetings."""
    used = select(BookingRow.table_id).where(
        BookingRow.event_id == event_id, BookingRow.slot_id == slot.id
    )
    current = _current_schedule(session, session.get(EventRow, event_id))
    published = select(MeetingRow.table_id).where(
        MeetingRow.schedule_id == (current if current is not None else -1),
        MeetingRow.slot_id == slot.id,
    )
    for table in session.scalars(
        select(TableRow)
        .where(
            TableRow.event_id == event_id,
            TableRow.venue_id == slot.venue_id,
            TableRow.id.not_in(used),
            TableRow.id.not_in(published),
        )
        .order_by(TableRow.position)
    ):
        if slot.id not in table.unavailable:
            return table.id
    return None


def _taken_in(
    session: Session, event_id: str, request: RequestRow, slot_id: str, table_id: str | None
) -> str | None:
    for who in (request.requester, request.recipient):
        if session.get(BookingSeatRow, (event_id, slot_id, who)) is not None:
            return f"{who} already has a meeting in slot {slot_id!r}."
    if (
        table_id is not None
        and session.scalars(
            select(BookingRow).where(
                BookingRow.event_id == event_id,
                BookingRow.slot_id == slot_id,
                BookingRow.table_id == table_id,
            )
        ).first()
    ):
        return f"Table {table_id!r} is taken in slot {slot_id!r}."
    return None


def _taken(
    engine: Engine, event_id: str, request_id: int, slot_id: str, table_id: str | None
) -> str | None:
    with read_session(engine) as session:
        request = session.get(RequestRow, request_id)
        if request is None:
            return None
        return _taken_in(session, event_id, request, slot_id, table_id)


def bookings(engine: Engine, event_id: str) -> list[Booking]:
    """The event's bookings, by slot and table."""
    with read_session(engine) as session:
        rows = session.execute(
            select(BookingRow, RequestRow)
            .join(RequestRow, RequestRow.id == BookingRow.request_id)
            .where(BookingRow.event_id == event_id)
            .order_by(BookingRow.slot_id, BookingRow.table_id)
        ).all()
        return [
            Booking(
                b.request_id, event_id, *sorted((r.requester, r.recipient)), b.slot_id, b.table_id
            )  # type: ignore[call-arg]
            for b, r in rows
        ]

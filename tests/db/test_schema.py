"""The schema: migrations build exactly the models, and the database itself refuses what
would break an event (a participant or a table twice in a slot, a dangling reference, a
value outside its set), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tradepivot.db import make_engine, status, upgrade, write_session
from tradepivot.db.models import (
    AttendanceRow,
    Base,
    BookingRow,
    BookingSeatRow,
    EventRow,
    MeetingRow,
    MeetingSeatRow,
    OrganisationRow,
    ParticipantRow,
    RequestRow,
    ScheduleRow,
    SlotRow,
    TableRow,
    TokenRow,
    UserRow,
    VenueRow,
)

NOW = dt.datetime(2025, 12, 4, 9, 0, tzinfo=dt.UTC)


def seed(session: Session) -> None:
    """An event with one venue, two slots, two tables and four participants."""
    session.add(EventRow(id="forum", name="Forum", timezone="Asia/Kolkata"))
    session.flush()
    session.add(VenueRow(event_id="forum", id="v1", name="Hall", timezone="Asia/Kolkata"))
    session.flush()
    session.add_all(
        [
            SlotRow(
                event_id="forum",
                id=f"s{i}",
                venue_id="v1",
                date=dt.date(2025, 12, 4),
                start_time=dt.time(10 + i),
                end_time=dt.time(10 + i, 20),
                position=i,
            )
            for i in (1, 2)
        ]
        + [TableRow(event_id="forum", id=f"t{i}", venue_id="v1") for i in (1, 2)]
    )
    org = OrganisationRow(event_id="forum", name="Acme")
    session.add(org)
    session.flush()
    session.add_all(
        ParticipantRow(
            event_id="forum", id=f"p{i}", organisation_id=org.id, side="buyer", country="IND"
        )
        for i in (1, 2, 3, 4)
    )
    session.flush()


def meeting(session: Session, schedule: int, a: str, b: str, slot: str, table: str) -> None:
    row = MeetingRow(schedule_id=schedule, event_id="forum", a=a, b=b, slot_id=slot, table_id=table)
    session.add(row)
    session.flush()
    session.add_all(
        MeetingSeatRow(
            schedule_id=schedule,
            slot_id=slot,
            participant_id=p,
            event_id="forum",
            meeting_id=row.id,
        )
        for p in (a, b)
    )
    session.flush()


def refused(engine: Engine, change: Callable[[Session], None]) -> str:
    """The constraint error the database raises for ``change`` on the seeded event."""
    with pytest.raises(IntegrityError) as info, write_session(engine) as session:
        seed(session)
        change(session)
    return str(info.value.orig)


@pytest.mark.filterwarnings("ignore:.*expression-based index:UserWarning")
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    found = status(engine)
    assert found.up_to_date and found.current == found.head
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    # the expression index autogenerate cannot reflect on SQLite is created by hand
    assert [d for d in diff if "uq_attendance_once" not in repr(d)] == []
    names = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= names


def test_upgrade_twice_changes_nothing(engine: Engine) -> None:
    before = status(engine)
    assert upgrade(engine) == before


def test_an_empty_database_has_every_migration_pending(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/new.sqlite3")
    found = status(engine)
    assert found.current is None and found.pending == (
        "0001_initial",
        "0002_organisers",
        "0003_event_revision",
        "0004_browser_sessions",
        "0005_event_jobs",
    )
    assert found.head == found.pending[-1]
    assert upgrade(engine).up_to_date
    engine.dispose()


def test_the_seeded_event_is_accepted(engine: Engine) -> None:
    with write_session(engine) as session:
        seed(session)
        schedule = ScheduleRow(event_id="forum", kind="published", number=1)
        session.add(schedule)
        session.flush()
        meeting(session, schedule.id, "p1", "p2", "s1", "t1")
        meeting(session, schedule.id, "p3", "p4", "s1", "t2")
        meeting(session, schedule.id, "p1", "p3", "s2", "t1")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM meeting_seats")).scalar() == 6


def _schedule(session: Session, number: int | None = 1) -> int:
    row = ScheduleRow(
        event_id="forum", kind="published" if number is not None else "draft", number=number
    )
    session.add(row)
    session.flush()
    return row.id


def test_a_participant_twice_in_a_slot_is_refused(engine: Engine) -> None:
    def change(session: Session) -> None:
        schedule = _schedule(session)
        meeting(session, schedule, "p1", "p2", "s1", "t1")
        meeting(session, schedule, "p1", "p3", "s1", "t2")  # p1 again in s1

    assert "meeting_seats" in refused(engine, change) or "UNIQUE" in refused(engine, change)


def test_a_table_twice_in_a_slot_is_refused(engine: Engine) -> None:
    def change(session: Session) -> None:
        schedule = _schedule(session)
        meeting(session, schedule, "p1", "p2", "s1", "t1")
        meeting(session, schedule, "p3", "p4", "s1", "t1")

    message = refused(engine, change)
    assert "uq_meetings_schedule_id_slot_id_table_id" in message or "meetings.table_id" in message


def test_two_versions_may_seat_the_same_people(engine: Engine) -> None:
    with write_session(engine) as session:
        seed(session)
        for number in (1, 2):
            meeting(session, _schedule(session, number), "p1", "p2", "s1", "t1")


@pytest.mark.parametrize(
    ("what", "change"),
    [
        (
            "a meeting with an unknown participant",
            lambda s: meeting(s, _schedule(s), "p1", "ghost", "s1", "t1"),
        ),
        ("a meeting with oneself", lambda s: meeting(s, _schedule(s), "p1", "p1", "s1", "t1")),
        ("a second draft", lambda s: (_schedule(s, None), _schedule(s, None))),
        ("version -1", lambda s: _schedule(s, -1)),
        ("a version number twice", lambda s: (_schedule(s, 3), _schedule(s, 3))),
        (
            "a side outside the set",
            lambda s: (
                s.add(
                    ParticipantRow(
                        event_id="forum", id="x", organisation_id=1, side="vendor", country="IND"
                    )
                )
                or s.flush()
            ),
        ),
        (
            "a slot ending before it starts",
            lambda s: (
                s.add(
                    SlotRow(
                        event_id="forum",
                        id="bad",
                        venue_id="v1",
                        date=dt.date(2025, 12, 4),
                        start_time=dt.time(12),
                        end_time=dt.time(11),
                    )
                )
                or s.flush()
            ),
        ),
        (
            "a slot in an unknown venue",
            lambda s: (
                s.add(
                    SlotRow(
                        event_id="forum",
                        id="bad",
                        venue_id="nowhere",
                        date=dt.date(2025, 12, 4),
                        start_time=dt.time(11),
                        end_time=dt.time(12),
                    )
                )
                or s.flush()
            ),
        ),
        (
            "an e-mail not in lower case",
            lambda s: s.add(UserRow(email="Org@Example.com", role="organiser")) or s.flush(),
        ),
        (
            "a participant user without a participant",
            lambda s: s.add(UserRow(email="p@example.com", role="participant")) or s.flush(),
        ),
        (
            "a participant user of an unknown participant",
            lambda s: (
                s.add(
                    UserRow(
                        email="p@example.com",
                        role="participant",
                        event_id="forum",
                        participant_id="zz",
                    )
                )
                or s.flush()
            ),
        ),
        (
            "a participant user with a password",
            lambda s: (
                s.add(
                    UserRow(
                        email="p@example.com",
                        role="participant",
                        event_id="forum",
                        participant_id="p1",
                        password_hash="x",
                    )
                )
                or s.flush()
            ),
        ),
        (
            "two users with one e-mail",
            lambda s: (
                s.add_all([UserRow(email="o@example.com", role="organiser") for _ in range(2)])
                or s.flush()
            ),
        ),
        (
            "a token for an unknown purpose",
            lambda s: (
                s.add(UserRow(id=7, email="o@example.com", role="organiser"))
                or s.flush()
                or s.add(TokenRow(user_id=7, token_hash="0" * 64, purpose="admin", expires_at=NOW))
                or s.flush()
            ),
        ),
        (
            "a request to oneself",
            lambda s: (
                s.add(RequestRow(event_id="forum", requester="p1", recipient="p1", expires_at=NOW))
                or s.flush()
            ),
        ),
        (
            "two pending requests of one pair",
            lambda s: (
                s.add_all(
                    [
                        RequestRow(event_id="forum", requester="p1", recipient="p2", expires_at=NOW)
                        for _ in range(2)
                    ]
                )
                or s.flush()
            ),
        ),
        (
            "two check-ins of one participant",
            lambda s: (
                s.add_all(
                    [
                        AttendanceRow(event_id="forum", participant_id="p1", status="present")
                        for _ in range(2)
                    ]
                )
                or s.flush()
            ),
        ),
    ],
)
def test_the_database_refuses(engine: Engine, what: str, change: Callable[[Session], None]) -> None:
    assert refused(engine, change), what


def _book(session: Session, request: int, slot: str, table: str, people: tuple[str, str]) -> None:
    booking = BookingRow(event_id="forum", request_id=request, slot_id=slot, table_id=table)
    session.add(booking)
    session.flush()
    session.add_all(
        BookingSeatRow(event_id="forum", slot_id=slot, participant_id=p, booking_id=booking.id)
        for p in people
    )
    session.flush()


def _requests(session: Session) -> list[int]:
    rows = [
        RequestRow(event_id="forum", requester=a, recipient=b, status="accepted", expires_at=NOW)
        for a, b in (("p1", "p2"), ("p1", "p3"), ("p3", "p4"))
    ]
    session.add_all(rows)
    session.flush()
    return [r.id for r in rows]


def test_bookings_seat_a_participant_once_per_slot(engine: Engine) -> None:
    def change(session: Session) -> None:
        first, second, _ = _requests(session)
        _book(session, first, "s1", "t1", ("p1", "p2"))
        _book(session, second, "s1", "t2", ("p1", "p3"))

    assert refused(engine, change)


def test_bookings_use_a_table_once_per_slot(engine: Engine) -> None:
    def change(session: Session) -> None:
        first, _, third = _requests(session)
        _book(session, first, "s1", "t1", ("p1", "p2"))
        _book(session, third, "s1", "t1", ("p3", "p4"))

    assert refused(engine, change)


def test_a_declined_request_may_be_asked_again(engine: Engine) -> None:
    with write_session(engine) as session:
        seed(session)
        for status_ in ("declined", "expired", "pending"):
            session.add(
                RequestRow(
                    event_id="forum",
                    requester="p1",
                    recipient="p2",
                    status=status_,
                    expires_at=NOW,
                )
            )
            session.flush()
        session.add(AttendanceRow(event_id="forum", participant_id="p1", status="present"))
        session.add(
            AttendanceRow(event_id="forum", participant_id="p1", slot_id="s1", status="no_show")
        )


def test_timestamps_come_back_aware_in_utc(engine: Engine) -> None:
    kolkata = dt.timezone(dt.timedelta(hours=5, minutes=30))
    with write_session(engine) as session:
        seed(session)
        session.add(
            RequestRow(
                id=5,
                event_id="forum",
                requester="p1",
                recipient="p2",
                expires_at=dt.datetime(2025, 12, 4, 15, 30, tzinfo=kolkata),
            )
        )
    with Session(engine) as session:
        row = session.get(RequestRow, 5)
        assert row is not None
        assert row.expires_at == dt.datetime(2025, 12, 4, 10, 0, tzinfo=dt.UTC)
        assert row.expires_at.utcoffset() == dt.timedelta(0)
        assert row.created_at.tzinfo is not None


def test_a_migration_that_copies_a_table_keeps_the_rows_pointing_at_it(tmp_path: object) -> None:
    """0002 rebuilds users on SQLite; the tokens (ON DELETE CASCADE) must survive it."""
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    upgrade(engine, "0001_initial")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (email, role, created_at) "
                "VALUES ('o@forum.example', 'organiser', '2025-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO tokens (user_id, token_hash, purpose, created_at, expires_at) "
                "VALUES (1, 'h', 'sign_in', '2025-01-01', '2025-01-02')"
            )
        )
    assert upgrade(engine).up_to_date
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM tokens")).scalar() == 1
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()

"""On the day: check-in and no-shows, one record per participant and slot.

``slot_id`` None records the participant at the event (checked in at the desk); a slot
records a meeting (present, or a no-show the organiser may reschedule around). Recording
again replaces the record (a no-show who turns up late becomes present); the database's
unique index keeps one record per (participant, slot) even when two phones record at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from tradepivot.db.engine import read_session, write_session
from tradepivot.db.models import AttendanceRow, ParticipantRow, SlotRow
from tradepivot.db.models.portal import ATTENDANCE
from tradepivot.errors import InputError

__all__ = ["Attendance", "attendance", "record_attendance"]


@dataclass(frozen=True)
class Attendance:
    """``participant`` was ``status`` (present | no_show) at ``slot`` (None: the event)."""

    participant: str
    slot: str | None
    status: str
    recorded_at: dt.datetime
    recorded_by: int | None


def record_attendance(
    engine: Engine,
    event_id: str,
    participant_id: str,
    status: str,
    *,
    slot_id: str | None = None,
    by: int | None = None,
    now: dt.datetime | None = None,
) -> Attendance:
    """Record (or replace) the participant's attendance at the event or one slot."""
    if status not in ATTENDANCE:
        raise InputError(f"Unknown attendance {status!r}.", hint=" or ".join(ATTENDANCE))
    when = now or dt.datetime.now(dt.UTC)
    for _ in range(3):
        try:
            with write_session(engine) as session:
                if session.get(ParticipantRow, (event_id, participant_id)) is None:
                    raise InputError(f"Event {event_id!r} has no participant {participant_id!r}.")
                if slot_id is not None and session.get(SlotRow, (event_id, slot_id)) is None:
                    raise InputError(f"Event {event_id!r} has no slot {slot_id!r}.")
                row = session.scalars(
                    select(AttendanceRow)
                    .where(
                        AttendanceRow.event_id == event_id,
                        AttendanceRow.participant_id == participant_id,
                        AttendanceRow.slot_id.is_(None)
                        if slot_id is None
                        else AttendanceRow.slot_id == slot_id,
                    )
                    .with_for_update()
                ).one_or_none()
                if row is None:
                    row = AttendanceRow(
                        event_id=event_id, participant_id=participant_id, slot_id=slot_id
                    )
                    session.add(row)
                row.status, row.recorded_at, row.recorded_by = status, when, by
                session.flush()
                return Attendance(participant_id, slot_id, status, when, by)
        except IntegrityError:
            continue  # another phone recorded it first: replace theirs
    raise InputError("The attendance could not be recorded; try again.")


def attendance(engine: Engine, event_id: str) -> list[Attendance]:
    """Every attendance record of the event, by participant then slot (event first)."""
    with read_session(engine) as session:
        rows = session.scalars(
            select(AttendanceRow)
            .where(AttendanceRow.event_id == event_id)
            .order_by(AttendanceRow.participant_id, AttendanceRow.slot_id)
        )
        return [
            Attendance(r.participant_id, r.slot_id, r.status, r.recorded_at, r.recorded_by)
            for r in rows
        ]

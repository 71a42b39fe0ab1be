"""Schedules as tables: published versions, the draft, their meetings, the kept scores.

A schedule is published version ``number`` (0 is a schedule imported before anything was
published; then 1, 2, ...) or the event's one draft (``number`` NULL). Each meeting puts its
two participants on :class:`MeetingSeatRow` rows, so the database itself refuses a
participant twice in a slot of one schedule (primary key ``schedule, slot, participant``)
and a table twice in a slot (unique ``schedule, slot, table``), whatever the Python above.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from tradepivot.db.models.base import Base
from tradepivot.db.models.event import ID, in_
from tradepivot.db.types import UtcDateTime, utcnow

__all__ = ["KINDS", "CandidateScoreRow", "MeetingRow", "MeetingSeatRow", "ScheduleRow"]

KINDS = ("published", "draft")


class ScheduleRow(Base):
    """One schedule of an event: a published version or the draft."""

    __tablename__ = "schedules"
    __table_args__ = (
        CheckConstraint(in_("kind", KINDS), name="kind"),
        CheckConstraint(
            "(kind = 'published' AND number >= 0) OR (kind = 'draft' AND number IS NULL)",
            name="number",
        ),
        CheckConstraint("base_version >= 0", name="base_version"),
        UniqueConstraint("event_id", "number"),
        Index(
            "uq_schedules_one_draft",
            "event_id",
            unique=True,
            sqlite_where=text("kind = 'draft'"),
            postgresql_where=text("kind = 'draft'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[int | None] = mapped_column(Integer, default=None)
    base_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class MeetingRow(Base):
    """Two participants at a table in a slot (with an interpreter when needed)."""

    __tablename__ = "meetings"
    __table_args__ = (
        ForeignKeyConstraint(["event_id", "slot_id"], ["slots.event_id", "slots.id"]),
        ForeignKeyConstraint(["event_id", "table_id"], ["tables.event_id", "tables.id"]),
        ForeignKeyConstraint(["event_id", "a"], ["participants.event_id", "participants.id"]),
        ForeignKeyConstraint(["event_id", "b"], ["participants.event_id", "participants.id"]),
        ForeignKeyConstraint(
            ["event_id", "interpreter_id"], ["interpreters.event_id", "interpreters.id"]
        ),
        CheckConstraint("a <> b", name="two_participants"),
        UniqueConstraint("schedule_id", "slot_id", "table_id"),  # one meeting per table and slot
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(ID)
    position: Mapped[int] = mapped_column(Integer, default=0)
    a: Mapped[str] = mapped_column(ID)
    b: Mapped[str] = mapped_column(ID)
    slot_id: Mapped[str] = mapped_column(ID)
    table_id: Mapped[str] = mapped_column(ID)
    interpreter_id: Mapped[str | None] = mapped_column(ID, default=None)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    published: Mapped[bool] = mapped_column(Boolean, default=False)


class MeetingSeatRow(Base):
    """A participant's seat in a meeting: the key forbids two meetings of one participant in
    one slot of a schedule."""

    __tablename__ = "meeting_seats"
    __table_args__ = (
        ForeignKeyConstraint(["event_id", "slot_id"], ["slots.event_id", "slots.id"]),
        ForeignKeyConstraint(
            ["event_id", "participant_id"], ["participants.event_id", "participants.id"]
        ),
    )

    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("schedules.id", ondelete="CASCADE"), primary_key=True
    )
    slot_id: Mapped[str] = mapped_column(ID, primary_key=True)
    participant_id: Mapped[str] = mapped_column(ID, primary_key=True)
    event_id: Mapped[str] = mapped_column(ID)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))


class CandidateScoreRow(Base):
    """The kept score of a candidate pair (``a < b``), as the JSON :func:`score_json` writes;
    valid while the event's ``scores_key`` is the key it was computed under."""

    __tablename__ = "candidate_scores"
    __table_args__ = (CheckConstraint("a < b", name="ordered_pair"),)

    event_id: Mapped[str] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    a: Mapped[str] = mapped_column(ID, primary_key=True)
    b: Mapped[str] = mapped_column(ID, primary_key=True)
    score: Mapped[str] = mapped_column(Text)

"""The portal's own tables: meeting requests and their bookings, attendance, users, tokens
and the e-mail outbox.

Integrity the database keeps, not only Python:

- a request is between two participants of its event (composite foreign keys), never with
  oneself, in a known status; at most one *pending* request per ordered pair;
- a booking (an accepted request placed in a slot) seats each participant once per slot
  (primary key of :class:`BookingSeatRow`) and each table once per slot (unique), so two
  accepts racing for one slot cannot both win;
- a user's e-mail is stored lower-case, unique among organisers (a participant's address
  may serve several seats or events); a participant user points at an existing
  participant, once; an organiser has no participant link and runs the events
  :class:`OrganiserRow` grants;
- a token is stored only as its SHA-256 hash, unique, for one purpose.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from tradepivot.db.models.base import Base
from tradepivot.db.models.event import ID, in_
from tradepivot.db.types import UtcDateTime, utcnow

__all__ = [
    "ATTENDANCE",
    "JOB_STATUSES",
    "OUTBOX_STATUSES",
    "REQUEST_STATUSES",
    "ROLES",
    "TOKEN_PURPOSES",
    "AttendanceRow",
    "BookingRow",
    "BookingSeatRow",
    "BrowserSessionRow",
    "JobRow",
    "OrganiserRow",
    "OutboxRow",
    "RequestRow",
    "TokenRow",
    "UserRow",
]

REQUEST_STATUSES = ("pending", "accepted", "declined", "expired", "cancelled")
ATTENDANCE = ("present", "no_show")
ROLES = ("organiser", "participant")
TOKEN_PURPOSES = ("sign_in", "calendar")
OUTBOX_STATUSES = ("pending", "sent", "failed")


def _participant(column: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["event_id", column], ["participants.event_id", "participants.id"], ondelete="CASCADE"
    )


class RequestRow(Base):
    """``requester`` asks ``recipient`` for a meeting; the recipient accepts or declines,
    or it expires at ``expires_at``."""

    __tablename__ = "requests"
    __table_args__ = (
        _participant("requester"),
        _participant("recipient"),
        CheckConstraint("requester <> recipient", name="two_participants"),
        CheckConstraint(in_("status", REQUEST_STATUSES), name="status"),
        Index(
            "uq_requests_one_pending",
            "event_id",
            "requester",
            "recipient",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_requests_recipient", "event_id", "recipient", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ID)
    requester: Mapped[str] = mapped_column(ID)
    recipient: Mapped[str] = mapped_column(ID)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)


class BookingRow(Base):
    """An accepted request placed at a table in a slot (seating it in the published
    schedule, ``services.portal.seating``, keeps that slot and table when they still work)."""

    __tablename__ = "bookings"
    __table_args__ = (
        ForeignKeyConstraint(["event_id", "slot_id"], ["slots.event_id", "slots.id"]),
        ForeignKeyConstraint(["event_id", "table_id"], ["tables.event_id", "tables.id"]),
        UniqueConstraint("event_id", "slot_id", "table_id"),  # a table once per slot
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ID)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), unique=True
    )
    slot_id: Mapped[str] = mapped_column(ID)
    table_id: Mapped[str] = mapped_column(ID)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class BookingSeatRow(Base):
    """A participant's seat in a booking: the key forbids two bookings of one participant in
    one slot."""

    __tablename__ = "booking_seats"
    __table_args__ = (
        ForeignKeyConstraint(["event_id", "slot_id"], ["slots.event_id", "slots.id"]),
        _participant("participant_id"),
    )

    event_id: Mapped[str] = mapped_column(ID, primary_key=True)
    slot_id: Mapped[str] = mapped_column(ID, primary_key=True)
    participant_id: Mapped[str] = mapped_column(ID, primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))


class AttendanceRow(Base):
    """On the day: a participant checked in (``slot_id`` NULL: at the event; else at that
    slot's meeting) or marked a no-show; the latest record per (participant, slot) counts."""

    __tablename__ = "attendance"
    __table_args__ = (
        _participant("participant_id"),
        ForeignKeyConstraint(["event_id", "slot_id"], ["slots.event_id", "slots.id"]),
        CheckConstraint(in_("status", ATTENDANCE), name="status"),
        Index(
            "uq_attendance_once",
            "event_id",
            "participant_id",
            func.coalesce(text("slot_id"), ""),
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ID)
    participant_id: Mapped[str] = mapped_column(ID)
    slot_id: Mapped[str | None] = mapped_column(ID, default=None)
    status: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class UserRow(Base):
    """Someone who signs in: an organiser (argon2 password) or a participant (links only)."""

    __tablename__ = "users"
    __table_args__ = (
        ForeignKeyConstraint(
            ["event_id", "participant_id"],
            ["participants.event_id", "participants.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint(in_("role", ROLES), name="role"),
        CheckConstraint("email = lower(email) AND email LIKE '%_@_%'", name="email"),
        CheckConstraint(
            "(role = 'organiser' AND participant_id IS NULL) OR "
            "(role = 'participant' AND event_id IS NOT NULL AND participant_id IS NOT NULL "
            "AND password_hash IS NULL)",
            name="role_link",
        ),
        UniqueConstraint("event_id", "participant_id"),
        Index(
            "uq_users_organiser_email",
            "email",
            unique=True,
            sqlite_where=text("role = 'organiser'"),
            postgresql_where=text("role = 'organiser'"),
        ),
        Index("ix_users_email", "email"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(Text, default="", server_default="")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(Text, default=None)
    event_id: Mapped[str | None] = mapped_column(ID, default=None)
    participant_id: Mapped[str | None] = mapped_column(ID, default=None)
    language: Mapped[str | None] = mapped_column(String(8), default=None)  # en, ru, hi
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)


class OrganiserRow(Base):
    """``user_id`` (an organiser) runs ``event_id``."""

    __tablename__ = "organisers"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[str] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )


class TokenRow(Base):
    """A single-purpose token; only its SHA-256 hash is stored. ``used_at`` set on use
    (a sign-in link works once; a calendar feed token is read many times)."""

    __tablename__ = "tokens"
    __table_args__ = (CheckConstraint(in_("purpose", TOKEN_PURPOSES), name="purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)


class BrowserSessionRow(Base):
    """A signed-in browser. The session cookie holds a random id; only its SHA-256 hash is
    stored. Deleting the row signs that browser out wherever a copy of its cookie is (sign
    out, "sign out everywhere", the user deleted)."""

    __tablename__ = "browser_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


JOB_STATUSES = ("running", "done", "failed")


class JobRow(Base):
    """An event's latest optimiser job (one at a time), where every worker of the server
    finds it: the page polling its progress may reach any of them. A job whose process
    died stays ``running`` in the row; readers treat it as failed once its time is long
    past (``services.portal.jobs``)."""

    __tablename__ = "event_jobs"
    __table_args__ = (CheckConstraint(in_("status", JOB_STATUSES), name="status"),)

    event_id: Mapped[str] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    label: Mapped[str] = mapped_column(String(32))
    seconds: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class OutboxRow(Base):
    """An e-mail to send (``pending``), sent (``sent_at``) or given up on (``failed``).

    ``attachments``: ``[{"filename", "content_type", "text"}]`` (calendar files are text).
    The sender retries with backoff until ``next_attempt_at``; ``attempts`` and
    ``last_error`` are the record of what happened.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(in_("status", OUTBOX_STATUSES), name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), default=None
    )
    kind: Mapped[str] = mapped_column(String(32))  # sign_in, request_received, ...
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text, default=None)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)

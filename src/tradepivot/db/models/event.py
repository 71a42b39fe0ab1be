"""An event's registration data as tables: the rows of an event folder, typed.

Every table is keyed by ``(event_id, id)`` with the organiser's identifiers, so a folder
imports without renaming anything and references stay readable; the composite foreign keys
keep a slot in a venue of the same event, a preference between participants of the same
event, and so on. ``position`` keeps each table's order (slots sort by time; the rest keep
the organiser's order, which the scheduler's ties follow). Lists (languages, HS codes by
product rows, slot ids) are JSON arrays; ``None`` where the model means "every slot".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from tradepivot.db.models.base import Base
from tradepivot.db.types import UtcDateTime, utcnow

__all__ = [
    "ID",
    "EventRow",
    "InterpreterRow",
    "OrganisationRow",
    "PairWeightRow",
    "ParticipantRow",
    "PreferenceRow",
    "ProductRow",
    "SessionRow",
    "SlotRow",
    "TableRow",
    "TravelRow",
    "VenueRow",
    "in_",
]

ID = String(64)  # tradepivot identifiers are 1-64 characters (events.schemas.MAX_ID_LENGTH)


def _event_fk() -> ForeignKey:
    return ForeignKey("events.id", ondelete="CASCADE")


def in_(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class EventRow(Base):
    """One event: event.yaml, plus the published version its schedule is at."""

    __tablename__ = "events"
    __table_args__ = (CheckConstraint("current_version >= 0", name="version"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # changed ones only
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    scores_key: Mapped[str | None] = mapped_column(String(128), default=None)
    # counts every change of what loading the event returns (registrations, the published
    # version): a process that holds the event assembled compares this and reloads when it
    # moved (SqlStore's cache)
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class VenueRow(Base):
    __tablename__ = "venues"

    event_id: Mapped[str] = mapped_column(_event_fk(), primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    city: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)


class SlotRow(Base):
    """A meeting time, local to its venue (date, start, end as the organiser wrote them)."""

    __tablename__ = "slots"
    __table_args__ = (
        ForeignKeyConstraint(["event_id", "venue_id"], ["venues.event_id", "venues.id"]),
        CheckConstraint("end_time > start_time", name="ends_after_start"),
    )

    event_id: Mapped[str] = mapped_column(_event_fk(), primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    venue_id: Mapped[str] = mapped_column(ID)
    date: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)
    session: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class TableRow(Base):
    __tablename__ = "tables"
    __table_args__ = (
        ForeignKeyConstraint(["event_id", "venue_id"], ["venues.event_id", "venues.id"]),
    )

    event_id: Mapped[str] = mapped_column(_event_fk(), primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    venue_id: Mapped[str] = mapped_column(ID)
    unavailable: Mapped[list[str]] = mapped_column(JSON, default=list)  # slot ids
    position: Mapped[int] = mapped_column(Integer, default=0)


class InterpreterRow(Base):
    __tablename__ = "interpreters"
    __table_args__ = (
        ForeignKeyConstraint(["event_id", "venue_id"], ["venues.event_id", "venues.id"]),
    )

    event_id: Mapped[str] = mapped_column(_event_fk(), primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    pairs: Mapped[list[str]] = mapped_column(JSON, default=list)  # "en-ru", ...
    venue_id: Mapped[str | None] = mapped_column(ID, default=None)  # None: any venue
    available: Mapped[list[str] | None] = mapped_column(JSON, default=None)  # None: every slot
    position: Mapped[int] = mapped_column(Integer, default=0)


class OrganisationRow(Base):
    """A company or institution; one or more participants (seats) represent it."""

    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(_event_fk())
    name: Mapped[str] = mapped_column(Text)


_SIDES = ("exporter", "buyer", "official", "other")


class ParticipantRow(Base):
    """One participant (a seat at a table); its products are :class:`ProductRow` rows."""

    __tablename__ = "participants"
    __table_args__ = (
        CheckConstraint(in_("side", _SIDES), name="side"),
        CheckConstraint("max_meetings IS NULL OR max_meetings >= 0", name="max_meetings"),
    )

    event_id: Mapped[str] = mapped_column(_event_fk(), primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    side: Mapped[str] = mapped_column(String(16))
    country: Mapped[str] = mapped_column(String(3))  # ISO3
    city: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(Text, default="")
    delegation: Mapped[str | None] = mapped_column(Text, default=None)
    cooperation_offered: Mapped[list[str]] = mapped_column(JSON, default=list)
    cooperation_sought: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    certifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    available: Mapped[list[str] | None] = mapped_column(JSON, default=None)  # None: every slot
    max_meetings: Mapped[int | None] = mapped_column(Integer, default=None)
    services_offered: Mapped[list[str]] = mapped_column(JSON, default=list)
    services_sought: Mapped[list[str]] = mapped_column(JSON, default=list)
    skills_offered: Mapped[list[str]] = mapped_column(JSON, default=list)
    skills_sought: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ProductRow(Base):
    """An HS code a participant offers or seeks (one row each: searchable with SQL)."""

    __tablename__ = "products"
    __table_args__ = (
        ForeignKeyConstraint(
            ["event_id", "participant_id"],
            ["participants.event_id", "participants.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint(in_("direction", ("offers", "seeks")), name="direction"),
        UniqueConstraint("event_id", "participant_id", "direction", "hs"),
    )

    event_id: Mapped[str] = mapped_column(ID, primary_key=True)
    participant_id: Mapped[str] = mapped_column(ID, primary_key=True)
    direction: Mapped[str] = mapped_column(String(8), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    hs: Mapped[str] = mapped_column(String(12))


def _participant_fk(column: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["event_id", column], ["participants.event_id", "participants.id"], ondelete="CASCADE"
    )


class PreferenceRow(Base):
    __tablename__ = "preferences"
    __table_args__ = (
        _participant_fk("source"),
        _participant_fk("target"),
        CheckConstraint("source <> target", name="two_participants"),
        CheckConstraint(in_("level", ("must", "meet", "no")), name="level"),
    )

    event_id: Mapped[str] = mapped_column(ID, primary_key=True)
    source: Mapped[str] = mapped_column(ID, primary_key=True)
    target: Mapped[str] = mapped_column(ID, primary_key=True)
    level: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(Integer, default=0)


class TravelRow(Base):
    __tablename__ = "travel"
    __table_args__ = (
        ForeignKeyConstraint(["event_id", "from_venue"], ["venues.event_id", "venues.id"]),
        ForeignKeyConstraint(["event_id", "to_venue"], ["venues.event_id", "venues.id"]),
        CheckConstraint("minutes >= 0", name="minutes"),
        CheckConstraint("from_venue <> to_venue", name="two_venues"),
    )

    event_id: Mapped[str] = mapped_column(_event_fk(), primary_key=True)
    from_venue: Mapped[str] = mapped_column(ID, primary_key=True)
    to_venue: Mapped[str] = mapped_column(ID, primary_key=True)
    minutes: Mapped[int] = mapped_column(Integer)


class PairWeightRow(Base):
    """The organiser's own score for a pair (a folder's ``scores`` table)."""

    __tablename__ = "pair_weights"
    __table_args__ = (
        _participant_fk("source"),
        _participant_fk("target"),
        CheckConstraint(in_("mode", ("replace", "add")), name="mode"),
    )

    event_id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(ID)
    target: Mapped[str] = mapped_column(ID)
    weight: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(8), default="replace")


class SessionRow(Base):
    """A roadshow or B2G briefing: a block in the timetable participants can join."""

    __tablename__ = "sessions"
    __table_args__ = (
        ForeignKeyConstraint(["event_id", "venue_id"], ["venues.event_id", "venues.id"]),
        CheckConstraint("end_time > start_time", name="ends_after_start"),
        CheckConstraint("capacity >= 0", name="capacity"),
        CheckConstraint(in_("kind", ("roadshow", "b2g", "other")), name="kind"),
    )

    event_id: Mapped[str] = mapped_column(_event_fk(), primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    date: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)
    venue_id: Mapped[str] = mapped_column(ID)
    capacity: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="roadshow")
    hosts: Mapped[list[str]] = mapped_column(JSON, default=list)
    attendees: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

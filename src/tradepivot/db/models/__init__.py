"""The portal database's tables as SQLAlchemy 2 typed models (one class per table).

- :mod:`~tradepivot.db.models.event`: registration data (events, venues, slots, tables,
  interpreters, organisations, participants, products, preferences, travel, pair weights,
  group sessions);
- :mod:`~tradepivot.db.models.schedule`: published versions and the draft, meetings, seats,
  kept candidate scores;
- :mod:`~tradepivot.db.models.portal`: requests, bookings, attendance, users, tokens, outbox.

``Base.metadata`` is the schema the migrations build (a test checks they agree).
"""

from __future__ import annotations

from tradepivot.db.models.base import Base
from tradepivot.db.models.event import (
    EventRow,
    InterpreterRow,
    OrganisationRow,
    PairWeightRow,
    ParticipantRow,
    PreferenceRow,
    ProductRow,
    SessionRow,
    SlotRow,
    TableRow,
    TravelRow,
    VenueRow,
)
from tradepivot.db.models.portal import (
    AttendanceRow,
    BookingRow,
    BookingSeatRow,
    BrowserSessionRow,
    JobRow,
    OrganiserRow,
    OutboxRow,
    RequestRow,
    TokenRow,
    UserRow,
)
from tradepivot.db.models.schedule import (
    CandidateScoreRow,
    MeetingRow,
    MeetingSeatRow,
    ScheduleRow,
)

__all__ = [
    "AttendanceRow",
    "Base",
    "BookingRow",
    "BookingSeatRow",
    "BrowserSessionRow",
    "CandidateScoreRow",
    "EventRow",
    "InterpreterRow",
    "JobRow",
    "MeetingRow",
    "MeetingSeatRow",
    "OrganisationRow",
    "OrganiserRow",
    "OutboxRow",
    "PairWeightRow",
    "ParticipantRow",
    "PreferenceRow",
    "ProductRow",
    "RequestRow",
    "ScheduleRow",
    "SessionRow",
    "SlotRow",
    "TableRow",
    "TokenRow",
    "TravelRow",
    "UserRow",
    "VenueRow",
]

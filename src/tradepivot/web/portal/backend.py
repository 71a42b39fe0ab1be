"""What the portal's pages need from the database: the page services interface.

The pages never touch SQL or the event store's files: they call a :class:`PortalBackend`,
which the database layer (:mod:`tradepivot.db`) implements over its services (accounts,
tokens, meeting requests, the outbox) and its event store. Keeping the interface here, in
the page layer's own words, lets the routes be read (and their authorisation tested)
without the database, and keeps every use of it in one adapter
(:class:`tradepivot.services.portal.backend.PortalDatabase`). The records it returns are
the services' own (:class:`Account`, :class:`MeetingRequest`).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol

from tradepivot.events.store import EventStore
from tradepivot.matchmaking.group_places import SessionPlace
from tradepivot.services.portal.accounts import Account
from tradepivot.services.portal.attendance import Attendance
from tradepivot.services.portal.jobs import JobState
from tradepivot.services.portal.notify import CalendarFiles
from tradepivot.services.portal.requests import MeetingRequest
from tradepivot.services.portal.seating import Seating

__all__ = ["Account", "Attendance", "JobState", "MeetingRequest", "PortalBackend", "Seating"]


class PortalBackend(Protocol):
    """The database as the portal's pages use it."""

    @property
    def store(self) -> EventStore:
        """The events (registrations, published versions, drafts, scores)."""
        ...

    def record_attendance(
        self, event_id: str, participant_id: str, status: str, by: int | None
    ) -> Attendance:
        """Check a participant in at the event (``present``) or mark them a ``no_show``;
        recording again replaces the record."""
        ...

    def attendance(self, event_id: str) -> list[Attendance]:
        """Every attendance record of the event."""
        ...

    def grant_event(self, user_id: int, event_id: str) -> None:
        """Make the account an organiser of ``event_id`` (it created the event)."""
        ...

    def authenticate(self, email: str, password: str) -> Account | None:
        """The organiser account when the password is right (argon2), else None."""
        ...

    def account(self, user_id: int) -> Account | None:
        """The account of a signed-in session (None: deleted since)."""
        ...

    def organised_events(self, user_id: int) -> list[str]:
        """Ids of the events the account organises, sorted."""
        ...

    def organises(self, user_id: int, event_id: str) -> bool:
        """Whether the account may run ``event_id``."""
        ...

    def send_sign_in_link(self, event_id: str, participant_id: str, base_url: str) -> None:
        """Put a personal sign-in link (``base_url/portal/signin/TOKEN``: single use,
        expiring) to the participant's e-mail address in the outbox."""
        ...

    def request_sign_in_link(self, email: str, base_url: str) -> None:
        """As :meth:`send_sign_in_link` for the participant registered with ``email``
        (nothing, and no sign of it, when there is none)."""
        ...

    def redeem_sign_in(self, token: str) -> tuple[str, str] | None:
        """(event id, participant id) of a valid, unused sign-in token, now used; else None."""
        ...

    def requests_of(self, event_id: str, participant_id: str) -> list[MeetingRequest]:
        """The requests the participant sent or received, newest first."""
        ...

    def event_requests(self, event_id: str) -> list[MeetingRequest]:
        """Every request of the event (the organiser's overview), newest first."""
        ...

    def create_request(
        self, event_id: str, requester: str, recipient: str, message: str
    ) -> MeetingRequest:
        """Ask for a meeting (refused with InputError: oneself, a pending duplicate, too
        many pending requests); the recipient is notified."""
        ...

    def decide_request(
        self, event_id: str, participant_id: str, request_id: int, accept: bool
    ) -> MeetingRequest:
        """The recipient accepts or declines a pending request (InputError for anyone else
        or a request no longer pending); the requester is notified."""
        ...

    def session_places(self, event_id: str, participant_id: str) -> tuple[SessionPlace, ...]:
        """The event's group sessions as the participant sees them (seats left, joined or
        hosting, the meetings of theirs joining would clash with)."""
        ...

    def set_session_seat(
        self, event_id: str, session_id: str, participant_id: str, *, join: bool
    ) -> None:
        """Join or leave a group session (InputError: full, a host, a clash, no such)."""
        ...

    def claim_job(self, event_id: str, label: str, seconds: float) -> JobState | None:
        """Record a new running optimiser job of the event (None: one runs already, in
        this worker or another)."""
        ...

    def finish_job(
        self, job: JobState, *, result: dict[str, Any] | None = None, error: str | None = None
    ) -> None:
        """Record how the job ended (its result, or the error shown to the organiser)."""
        ...

    def current_job(self, event_id: str) -> JobState | None:
        """The event's latest job, as any worker sees it."""
        ...

    def start_session(
        self, user_id: int | None = None, *, participant: tuple[str, str] | None = None
    ) -> str:
        """Record a signed-in browser (an organiser's ``user_id``, or a participant's
        ``(event id, participant id)``); returns the id its session cookie carries."""
        ...

    def session_valid(self, token: object) -> bool:
        """Whether a session id is still signed in (not signed out, not expired)."""
        ...

    def end_session(self, token: object) -> None:
        """Sign that browser out: its cookie, and any copy of it, stops working."""
        ...

    def seat_accepted_requests(
        self, event_id: str, request_ids: Collection[int] | None = None
    ) -> Seating:
        """Seat accepted requests (all, or ``request_ids``) that have no meeting in the
        published schedule in the earliest free slot still ahead, as locked meetings of a
        new published version; nothing is published before the first schedule."""
        ...

    def notify_published(self, event_id: str, calendars: CalendarFiles) -> int:
        """Queue an e-mail to every participant whose meetings the latest published
        version changed, with the calendar files ``calendars`` writes (the agenda with
        ``SEQUENCE`` grown, and ``METHOD:CANCEL`` for cancelled meetings); how many."""
        ...

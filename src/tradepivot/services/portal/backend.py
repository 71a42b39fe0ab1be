"""The portal's database as the web pages use it: :class:`PortalDatabase`.

One object over an engine, with the methods of ``tradepivot.web.portal.backend.
PortalBackend`` (same names, arguments and meanings; :class:`~.accounts.Account` and
:class:`~.requests.MeetingRequest` carry the same fields as the page layer's), each a call
of the services in this package. Sign-in links are queued in the outbox, whose sender
(:mod:`~tradepivot.services.portal.sender`) delivers them.

Example::

    portal = PortalDatabase(open_database(settings))
    portal.send_sign_in_link("forum", "IN0001", "https://forum.example")
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Engine, func, select

from tradepivot.data.reference import Reference
from tradepivot.db.engine import read_session, write_session
from tradepivot.db.models import EventRow, ParticipantRow, UserRow
from tradepivot.db.store import SqlStore
from tradepivot.errors import InputError
from tradepivot.matchmaking.group_places import SessionPlace
from tradepivot.services.portal import (
    accounts,
    browser_sessions,
    group_sessions,
    jobs,
    notify,
    requests,
)
from tradepivot.services.portal import attendance as attendance_records
from tradepivot.services.portal.accounts import Account
from tradepivot.services.portal.attendance import Attendance
from tradepivot.services.portal.messages import compose, mail_language
from tradepivot.services.portal.notify import CalendarFiles
from tradepivot.services.portal.outbox import enqueue
from tradepivot.services.portal.requests import MeetingRequest, RequestPolicy
from tradepivot.services.portal.seating import Seating, seat_accepted_requests
from tradepivot.services.portal.tokens import consume_token, issue_token

__all__ = ["PortalDatabase"]


class PortalDatabase:
    """The portal's services over one database (see the module docstring)."""

    def __init__(
        self,
        engine: Engine,
        *,
        reference: Reference | None = None,
        policy: RequestPolicy | None = None,
    ) -> None:
        self.engine = engine
        self.policy = policy or RequestPolicy()
        self._store = SqlStore(engine, reference=reference)

    @property
    def store(self) -> SqlStore:
        return self._store

    # -- organisers --------------------------------------------------------------------------
    def record_attendance(
        self, event_id: str, participant_id: str, status: str, by: int | None
    ) -> Attendance:
        return attendance_records.record_attendance(
            self.engine, event_id, participant_id, status, by=by
        )

    def attendance(self, event_id: str) -> list[Attendance]:
        return attendance_records.attendance(self.engine, event_id)

    def grant_event(self, user_id: int, event_id: str) -> None:
        accounts.grant_event(self.engine, user_id, event_id)

    def authenticate(self, email: str, password: str) -> Account | None:
        return accounts.authenticate(self.engine, email, password)

    def account(self, user_id: int) -> Account | None:
        return accounts.get_account(self.engine, user_id)

    def organised_events(self, user_id: int) -> list[str]:
        return accounts.organised_events(self.engine, user_id)

    def organises(self, user_id: int, event_id: str) -> bool:
        return accounts.organises(self.engine, user_id, event_id)

    # -- participants' sign-in -----------------------------------------------------------------
    def send_sign_in_link(self, event_id: str, participant_id: str, base_url: str) -> None:
        """Queue a personal, single-use, expiring sign-in link to the participant."""
        user_id, email = accounts.participant_user(self.engine, event_id, participant_id)
        with write_session(self.engine) as session:
            token = issue_token(session, user_id, "sign_in")
            event = session.get(EventRow, event_id)
            participant = session.get(ParticipantRow, (event_id, participant_id))
            language = mail_language(participant.languages if participant else [])
            text = compose(
                "sign_in",
                language,
                event=event.name if event else event_id,
                link=f"{base_url.rstrip('/')}/portal/signin/{token}",
            )
            enqueue(
                session,
                kind="sign_in",
                recipient=email,
                subject=text.subject,
                body_text=text.body,
                event_id=event_id,
            )

    def request_sign_in_link(self, email: str, base_url: str) -> None:
        """Links for every participant registered with ``email`` (nothing when none)."""
        try:
            address = accounts.normalise_email(email)
        except InputError:
            return
        with read_session(self.engine) as session:
            seats = session.execute(
                select(ParticipantRow.event_id, ParticipantRow.id).where(
                    func.lower(func.trim(ParticipantRow.email)) == address
                )
            ).all()
        for event_id, participant_id in seats:
            self.send_sign_in_link(event_id, participant_id, base_url)

    # -- group sessions ------------------------------------------------------------------------
    def session_places(self, event_id: str, participant_id: str) -> tuple[SessionPlace, ...]:
        return group_sessions.places_of(self._store, event_id, participant_id)

    def set_session_seat(
        self, event_id: str, session_id: str, participant_id: str, *, join: bool
    ) -> None:
        group_sessions.set_session_seat(
            self._store, event_id, session_id, participant_id, join=join
        )

    # -- the optimiser's jobs ------------------------------------------------------------------
    def claim_job(self, event_id: str, label: str, seconds: float) -> jobs.JobState | None:
        return jobs.claim_job(self.engine, event_id, label, seconds)

    def finish_job(
        self, job: jobs.JobState, *, result: dict[str, Any] | None = None, error: str | None = None
    ) -> None:
        jobs.finish_job(self.engine, job, result=result, error=error)

    def current_job(self, event_id: str) -> jobs.JobState | None:
        return jobs.current_job(self.engine, event_id)

    # -- browser sessions --------------------------------------------------------------------
    def start_session(
        self, user_id: int | None = None, *, participant: tuple[str, str] | None = None
    ) -> str:
        if participant is not None:
            user_id, _ = accounts.participant_user(self.engine, *participant)
        if user_id is None:
            raise InputError("A session needs a user or a participant.")
        return browser_sessions.start_session(self.engine, user_id)

    def session_valid(self, token: object) -> bool:
        return browser_sessions.session_user(self.engine, token) is not None

    def end_session(self, token: object) -> None:
        browser_sessions.end_session(self.engine, token)

    def redeem_sign_in(self, token: str) -> tuple[str, str] | None:
        """(event id, participant id) of a valid sign-in token, now used; else None."""
        user_id = consume_token(self.engine, token, "sign_in")
        if user_id is None:
            return None
        with read_session(self.engine) as session:
            user = session.get(UserRow, user_id)
            if user is None or user.event_id is None or user.participant_id is None:
                return None
            return user.event_id, user.participant_id

    # -- requests ----------------------------------------------------------------------------
    def requests_of(self, event_id: str, participant_id: str) -> list[MeetingRequest]:
        return requests.requests_of(self.engine, event_id, participant_id)

    def event_requests(self, event_id: str) -> list[MeetingRequest]:
        return requests.event_requests(self.engine, event_id)

    def create_request(
        self, event_id: str, requester: str, recipient: str, message: str
    ) -> MeetingRequest:
        return requests.create_request(
            self.engine, event_id, requester, recipient, message, policy=self.policy
        )

    def decide_request(
        self, event_id: str, participant_id: str, request_id: int, accept: bool
    ) -> MeetingRequest:
        return requests.decide_request(self.engine, event_id, participant_id, request_id, accept)

    def seat_accepted_requests(
        self, event_id: str, request_ids: Collection[int] | None = None
    ) -> Seating:
        return seat_accepted_requests(self.engine, self._store, event_id, request_ids=request_ids)

    def notify_published(self, event_id: str, calendars: CalendarFiles) -> int:
        """Queue the e-mails of the latest published version (:func:`notify_published`)."""
        return notify.notify_published(self.engine, self._store, event_id, calendars)

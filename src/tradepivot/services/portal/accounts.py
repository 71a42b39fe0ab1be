"""Accounts: organisers (argon2id passwords) and participants (sign-in links only).

An organiser is created from the CLI (``tradepivot users add --organiser EMAIL``) and runs
the events it is granted (:func:`grant_event`). A participant's account is made on first
need from the participant's registered e-mail (:func:`participant_user`); it never has a
password. E-mail addresses are compared and stored lower-case (:func:`normalise_email`).

:func:`authenticate` spends the same argon2 time whether or not the address exists, so the
answer's timing does not tell which organisers exist.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from tradepivot.db.engine import read_session, write_session
from tradepivot.db.models import EventRow, OrganiserRow, ParticipantRow, UserRow
from tradepivot.errors import InputError

__all__ = [
    "MIN_PASSWORD",
    "Account",
    "UserInfo",
    "add_organiser",
    "authenticate",
    "get_account",
    "grant_event",
    "hash_password",
    "list_users",
    "normalise_email",
    "organised_events",
    "organises",
    "participant_user",
]

MIN_PASSWORD = 10  # characters: long passphrases beat composition rules (NIST SP 800-63B)
_HASHER = PasswordHasher()  # argon2id, the library's (RFC 9106) default parameters
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DUMMY = _HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class Account:
    """A person who signs in with a password (an organiser)."""

    id: int
    email: str
    name: str = ""


@dataclass(frozen=True)
class UserInfo:
    """A row of ``users list``."""

    id: int
    email: str
    role: str
    name: str
    event_id: str | None
    participant_id: str | None
    events: tuple[str, ...]  # organised events
    created_at: dt.datetime
    last_login_at: dt.datetime | None


def normalise_email(email: str) -> str:
    """``email`` trimmed and lower-cased; InputError when it is not an address."""
    text = email.strip().lower()
    if len(text) > 320 or not _EMAIL.match(text):
        raise InputError(
            f"{email!r} is not an e-mail address.",
            hint="Write it as name@example.org.",
            param="email",
        )
    return text


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (refused when shorter than :data:`MIN_PASSWORD`)."""
    if len(password) < MIN_PASSWORD:
        raise InputError(
            f"The password has {len(password)} characters; at least {MIN_PASSWORD} are needed.",
            hint="A few unrelated words make a long password that is easy to remember.",
            param="password",
        )
    return _HASHER.hash(password)


def add_organiser(engine: Engine, email: str, password: str, *, name: str = "") -> Account:
    """Create an organiser account; InputError when the address is taken."""
    address = normalise_email(email)
    digest = hash_password(password)
    try:
        with write_session(engine) as session:
            row = UserRow(email=address, role="organiser", password_hash=digest, name=name)
            session.add(row)
            session.flush()
            return Account(row.id, row.email, row.name)
    except IntegrityError:
        raise InputError(f"An organiser {address} exists already.", param="email") from None


def authenticate(engine: Engine, email: str, password: str) -> Account | None:
    """The organiser when ``password`` is theirs (argon2 verification), else None."""
    try:
        address = normalise_email(email)
    except InputError:
        address = ""
    with write_session(engine) as session:
        row = session.scalars(
            select(UserRow).where(UserRow.email == address, UserRow.role == "organiser")
        ).one_or_none()
        digest = row.password_hash if row is not None and row.password_hash else _DUMMY
        try:
            _HASHER.verify(digest, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if _HASHER.check_needs_rehash(digest):
            row.password_hash = _HASHER.hash(password)
        row.last_login_at = dt.datetime.now(dt.UTC)
        return Account(row.id, row.email, row.name)


def get_account(engine: Engine, user_id: int) -> Account | None:
    """The organiser account ``user_id`` (None: none, or not an organiser)."""
    with read_session(engine) as session:
        row = session.get(UserRow, user_id)
        if row is None or row.role != "organiser":
            return None
        return Account(row.id, row.email, row.name)


def grant_event(engine: Engine, user_id: int, event_id: str) -> None:
    """Let organiser ``user_id`` run ``event_id`` (idempotent)."""
    with write_session(engine) as session:
        user = session.get(UserRow, user_id)
        if user is None or user.role != "organiser":
            raise InputError(f"No organiser account {user_id}.")
        if session.get(EventRow, event_id) is None:
            raise InputError(f"No event {event_id!r}.", param="event_id")
        if session.get(OrganiserRow, (user_id, event_id)) is None:
            session.add(OrganiserRow(user_id=user_id, event_id=event_id))


def organised_events(engine: Engine, user_id: int) -> list[str]:
    """The events organiser ``user_id`` runs, sorted."""
    with read_session(engine) as session:
        return list(
            session.scalars(
                select(OrganiserRow.event_id)
                .where(OrganiserRow.user_id == user_id)
                .order_by(OrganiserRow.event_id)
            )
        )


def organises(engine: Engine, user_id: int, event_id: str) -> bool:
    """Whether organiser ``user_id`` runs ``event_id``."""
    with read_session(engine) as session:
        return session.get(OrganiserRow, (user_id, event_id)) is not None


def participant_user(engine: Engine, event_id: str, participant_id: str) -> tuple[int, str]:
    """(user id, e-mail) of the participant's account, made on first need from the
    registered address; InputError when the participant is unknown or has no address."""
    with write_session(engine) as session:
        participant = session.get(ParticipantRow, (event_id, participant_id))
        if participant is None:
            raise InputError(f"Event {event_id!r} has no participant {participant_id!r}.")
        address = normalise_email(participant.email) if participant.email.strip() else ""
        if not address:
            raise InputError(
                f"Participant {participant_id!r} has no e-mail address.",
                hint="Add it to the participant's registration.",
            )
        row = session.scalars(
            select(UserRow).where(
                UserRow.event_id == event_id, UserRow.participant_id == participant_id
            )
        ).one_or_none()
        if row is None:
            row = UserRow(
                email=address, role="participant", event_id=event_id, participant_id=participant_id
            )
            session.add(row)
            session.flush()
        elif row.email != address:
            row.email = address  # the registration changed: links go to the new address
        return row.id, row.email


def list_users(engine: Engine) -> list[UserInfo]:
    """Every account, organisers first, then by e-mail."""
    with read_session(engine) as session:
        grants: dict[int, list[str]] = {}
        for grant in session.scalars(select(OrganiserRow).order_by(OrganiserRow.event_id)):
            grants.setdefault(grant.user_id, []).append(grant.event_id)
        rows = session.scalars(select(UserRow).order_by(UserRow.role, UserRow.email, UserRow.id))
        return [
            UserInfo(
                r.id, r.email, r.role, r.name, r.event_id, r.participant_id,
                tuple(grants.get(r.id, ())), r.created_at, r.last_login_at,
            )
            for r in rows
        ]  # fmt: skip

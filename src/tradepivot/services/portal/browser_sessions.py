"""Signed-in browsers, recorded on the server so that signing out means it.

The session cookie is signed, so nobody can forge one; but a copy of it (a shared computer,
a lost phone, a proxy log) would stay valid for its week. Each sign-in therefore records a
random id here (only its SHA-256 hash is stored, like the sign-in tokens), the cookie carries
the id, and every signed-in request checks the row is still there. Signing out deletes the
row; "sign out everywhere" (``tradepivot users sign-out EMAIL``) deletes every row of the
user; deleting a user deletes theirs (foreign key).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import Engine, delete, select

from tradepivot.db.engine import read_session, write_session
from tradepivot.db.models import BrowserSessionRow, UserRow
from tradepivot.services.portal.accounts import normalise_email

__all__ = [
    "SESSION_TTL",
    "end_session",
    "end_sessions",
    "session_user",
    "sign_out_everywhere",
    "start_session",
]

#: As long as the cookie lasts (a week from sign-in).
SESSION_TTL = dt.timedelta(days=7)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def start_session(
    engine: Engine, user_id: int, *, ttl: dt.timedelta = SESSION_TTL, now: dt.datetime | None = None
) -> str:
    """Record a new signed-in browser of ``user_id``; returns the id for its cookie (shown
    once, never stored). Sessions expired for a day are swept on the way."""
    when = _now(now)
    token = secrets.token_urlsafe(32)
    with write_session(engine) as session:
        session.execute(
            delete(BrowserSessionRow).where(
                BrowserSessionRow.expires_at < when - dt.timedelta(days=1)
            )
        )
        session.add(
            BrowserSessionRow(
                user_id=user_id, token_hash=_hash(token), created_at=when, expires_at=when + ttl
            )
        )
    return token


def session_user(engine: Engine, token: object, *, now: dt.datetime | None = None) -> int | None:
    """The user whose browser holds ``token``; None when it was signed out, expired, or is
    not a session id at all."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    with read_session(engine) as session:
        row = session.scalars(
            select(BrowserSessionRow).where(BrowserSessionRow.token_hash == _hash(token))
        ).one_or_none()
        if row is None or row.expires_at <= _now(now):
            return None
        return row.user_id


def end_session(engine: Engine, token: object) -> None:
    """Sign this browser out (its cookie, and any copy of it, no longer works)."""
    if isinstance(token, str) and token:
        with write_session(engine) as session:
            session.execute(
                delete(BrowserSessionRow).where(BrowserSessionRow.token_hash == _hash(token))
            )


def end_sessions(engine: Engine, user_id: int) -> int:
    """Sign every browser of ``user_id`` out; returns how many were signed in."""
    with write_session(engine) as session:
        result = session.execute(
            delete(BrowserSessionRow).where(BrowserSessionRow.user_id == user_id)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def sign_out_everywhere(engine: Engine, email: str) -> int:
    """Sign out every browser of every account with this e-mail address (an organiser, and
    the participant registrations that use it); returns how many were signed in."""
    address = normalise_email(email)
    with read_session(engine) as session:
        users = list(session.scalars(select(UserRow.id).where(UserRow.email == address)))
    return sum(end_sessions(engine, user) for user in users)

"""Single-purpose, expiring tokens (sign-in links, calendar feeds), stored hashed.

A token is 32 random bytes (``secrets``), URL-safe; the database keeps only its SHA-256, so
a copy of the database signs nobody in. :func:`consume_token` uses a sign-in token once:
one ``UPDATE ... WHERE used_at IS NULL AND expires_at > now RETURNING`` decides, so two
requests racing with the same link cannot both succeed. :func:`peek_token` reads a
reusable token (a calendar feed) without using it up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from tradepivot.db.engine import read_session, write_session
from tradepivot.db.models import TokenRow
from tradepivot.db.models.portal import TOKEN_PURPOSES
from tradepivot.errors import InputError

__all__ = ["SIGN_IN_TTL", "consume_token", "issue_token", "peek_token", "token_hash"]

SIGN_IN_TTL = dt.timedelta(hours=24)


def token_hash(token: str) -> str:
    """The stored form of a token: SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(
    session: Session,
    user_id: int,
    purpose: str,
    *,
    ttl: dt.timedelta = SIGN_IN_TTL,
    now: dt.datetime | None = None,
) -> str:
    """A new token for ``user_id`` (in the caller's transaction); returns the token itself,
    which is shown once (in a link) and never stored."""
    if purpose not in TOKEN_PURPOSES:
        raise InputError(f"Unknown token purpose {purpose!r}.", hint=", ".join(TOKEN_PURPOSES))
    token = secrets.token_urlsafe(32)
    when = now or dt.datetime.now(dt.UTC)
    session.add(
        TokenRow(
            user_id=user_id,
            token_hash=token_hash(token),
            purpose=purpose,
            created_at=when,
            expires_at=when + ttl,
        )
    )
    session.flush()
    return token


def consume_token(
    engine: Engine, token: str, purpose: str, *, now: dt.datetime | None = None
) -> int | None:
    """The user id of a valid, unused, unexpired token of ``purpose``, now used; else None."""
    when = now or dt.datetime.now(dt.UTC)
    with write_session(engine) as session:
        used = session.execute(
            update(TokenRow)
            .where(
                TokenRow.token_hash == token_hash(token),
                TokenRow.purpose == purpose,
                TokenRow.used_at.is_(None),
                TokenRow.expires_at > when,
            )
            .values(used_at=when)
            .returning(TokenRow.user_id)
        ).scalar_one_or_none()
        return used


def peek_token(
    engine: Engine, token: str, purpose: str, *, now: dt.datetime | None = None
) -> int | None:
    """The user id of a valid, unexpired token of ``purpose`` (not used up)."""
    when = now or dt.datetime.now(dt.UTC)
    with read_session(engine) as session:
        return session.scalars(
            select(TokenRow.user_id).where(
                TokenRow.token_hash == token_hash(token),
                TokenRow.purpose == purpose,
                TokenRow.used_at.is_(None),
                TokenRow.expires_at > when,
            )
        ).one_or_none()

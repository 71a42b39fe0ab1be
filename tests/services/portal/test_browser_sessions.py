"""Signed-in browsers on the server (SQLite and PostgreSQL): a session id works until it is
signed out, signed out everywhere, expired, or its user deleted; only its hash is stored."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select

from tradepivot.db.engine import read_session, write_session
from tradepivot.db.models import BrowserSessionRow, UserRow
from tradepivot.services.portal import PortalDatabase
from tradepivot.services.portal.accounts import add_organiser, participant_user
from tradepivot.services.portal.browser_sessions import (
    end_session,
    end_sessions,
    session_user,
    sign_out_everywhere,
    start_session,
)

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def test_a_session_lives_until_it_is_signed_out_or_expires(portal: PortalDatabase) -> None:
    engine = portal.engine
    organiser = add_organiser(engine, "org@forum.example", "correct horse")
    laptop = start_session(engine, organiser.id, now=NOW)
    phone = start_session(engine, organiser.id, now=NOW)
    assert session_user(engine, laptop, now=NOW) == organiser.id
    with read_session(engine) as session:
        stored = set(session.scalars(select(BrowserSessionRow.token_hash)))
    assert laptop not in stored and phone not in stored and len(stored) == 2  # hashes only
    for junk in ("", "x", None, 42, "y" * 43, laptop + "x"):
        assert session_user(engine, junk, now=NOW) is None
    end_session(engine, laptop)
    assert session_user(engine, laptop, now=NOW) is None
    assert session_user(engine, phone, now=NOW) == organiser.id
    assert session_user(engine, phone, now=NOW + dt.timedelta(days=7)) is None  # a week
    # an expired one is swept when someone signs in a day later
    start_session(engine, organiser.id, now=NOW + dt.timedelta(days=9))
    with read_session(engine) as session:
        assert session.scalars(select(BrowserSessionRow)).all().__len__() == 1


def test_signing_out_everywhere_and_deleting_a_user(portal: PortalDatabase) -> None:
    engine = portal.engine
    organiser = add_organiser(engine, "org@forum.example", "correct horse")
    buyer, email = participant_user(engine, "forum", "bu1")
    mine = [start_session(engine, organiser.id) for _ in range(3)]
    theirs = start_session(engine, buyer)
    assert sign_out_everywhere(engine, "ORG@forum.example ") == 3
    assert all(session_user(engine, t) is None for t in mine)
    assert session_user(engine, theirs) == buyer
    assert end_sessions(engine, organiser.id) == 0
    with write_session(engine) as session:
        session.execute(delete(UserRow).where(UserRow.id == buyer))
    assert session_user(engine, theirs) is None
    assert email == "olga.petrova@zarinak.example"

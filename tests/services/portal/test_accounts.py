"""Organiser accounts (argon2), participants' sign-in links (single use, expiring, hashed),
`tradepivot users add|list`."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import select, text

from tradepivot.cli import main
from tradepivot.db.engine import read_session, write_session
from tradepivot.db.models import TokenRow
from tradepivot.errors import InputError
from tradepivot.services.portal import PortalDatabase, accounts
from tradepivot.services.portal.outbox import outbox
from tradepivot.services.portal.tokens import consume_token, issue_token, peek_token, token_hash

PASSWORD = "correct horse battery"


def test_an_organiser_signs_in_with_the_right_password_only(portal: PortalDatabase) -> None:
    made = accounts.add_organiser(portal.engine, " Org@Forum.Example ", PASSWORD, name="Org")
    assert made.email == "org@forum.example"
    assert portal.authenticate("ORG@forum.example", PASSWORD) == made
    assert portal.authenticate("org@forum.example", PASSWORD + "!") is None
    assert portal.authenticate("nobody@forum.example", PASSWORD) is None
    assert portal.authenticate("not an address", PASSWORD) is None
    assert portal.account(made.id) == made
    with read_session(portal.engine) as session:
        stored = session.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_organiser_addresses_are_unique_and_passwords_long(portal: PortalDatabase) -> None:
    accounts.add_organiser(portal.engine, "org@forum.example", PASSWORD)
    with pytest.raises(InputError, match="exists already"):
        accounts.add_organiser(portal.engine, "ORG@forum.example", PASSWORD)
    with pytest.raises(InputError, match="at least 10"):
        accounts.add_organiser(portal.engine, "two@forum.example", "short")
    with pytest.raises(InputError, match="not an e-mail address"):
        accounts.add_organiser(portal.engine, "two at forum", PASSWORD)


def test_organisers_run_the_events_they_are_granted(portal: PortalDatabase) -> None:
    one = accounts.add_organiser(portal.engine, "one@forum.example", PASSWORD)
    two = accounts.add_organiser(portal.engine, "two@forum.example", PASSWORD)
    portal.grant_event(one.id, "forum")
    portal.grant_event(one.id, "forum")  # idempotent
    assert portal.organised_events(one.id) == ["forum"] and portal.organised_events(two.id) == []
    assert portal.organises(one.id, "forum") and not portal.organises(two.id, "forum")
    with pytest.raises(InputError, match="No event 'nope'"):
        portal.grant_event(one.id, "nope")


def _link(body: str) -> str:
    found = re.search(r"https://forum\.example/portal/signin/(\S+)", body)
    assert found, body
    return found.group(1)


def test_a_sign_in_link_works_once(portal: PortalDatabase) -> None:
    portal.send_sign_in_link("forum", "bu1", "https://forum.example/")
    mail = outbox(portal.engine)
    assert [(m.kind, m.recipient, m.status) for m in mail] == [
        ("sign_in", "olga.petrova@zarinak.example", "pending")
    ]
    assert mail[0].subject == "Ваша ссылка для входа: Tiny test forum"  # bu1 speaks Russian
    token = _link(mail[0].body_text)
    with read_session(portal.engine) as session:  # only the hash is stored
        hashes = list(session.scalars(select(TokenRow.token_hash)))
    assert hashes == [token_hash(token)] and token not in hashes
    assert portal.redeem_sign_in(token) == ("forum", "bu1")
    assert portal.redeem_sign_in(token) is None  # used up
    assert portal.redeem_sign_in("forged" + token) is None


def test_an_expired_or_foreign_token_signs_nobody_in(portal: PortalDatabase) -> None:
    user_id, _ = accounts.participant_user(portal.engine, "forum", "ex1")
    long_ago = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    with write_session(portal.engine) as session:
        old = issue_token(session, user_id, "sign_in", now=long_ago)
        feed = issue_token(session, user_id, "calendar", ttl=dt.timedelta(days=400), now=long_ago)
    assert portal.redeem_sign_in(old) is None
    assert consume_token(portal.engine, feed, "sign_in") is None  # another purpose
    assert peek_token(portal.engine, feed, "calendar", now=long_ago) == user_id
    assert peek_token(portal.engine, feed, "calendar", now=long_ago) == user_id  # reusable


def test_links_are_asked_for_by_address_and_say_nothing_of_strangers(
    portal: PortalDatabase,
) -> None:
    portal.request_sign_in_link("nobody@nowhere.example", "https://forum.example")
    portal.request_sign_in_link("not an address", "https://forum.example")
    assert outbox(portal.engine) == []
    portal.request_sign_in_link("  ANIL.RAO@kavirath.example", "https://forum.example")
    mail = outbox(portal.engine)
    assert [m.recipient for m in mail] == ["anil.rao@kavirath.example"]
    assert portal.redeem_sign_in(_link(mail[0].body_text)) == ("forum", "ex1")


def test_users_add_and_list_from_the_cli(
    portal: PortalDatabase,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code = main(
        ["users", "add", "--organiser", "Boss@Forum.example", "--name", "Boss", "--event",
         "forum", "--password-stdin", "--url", db_url]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert "Organiser boss@forum.example created" in capsys.readouterr().out
    assert portal.authenticate("boss@forum.example", PASSWORD) is not None
    assert main(["users", "list", "--url", db_url]) == 0
    listing = capsys.readouterr().out
    assert "boss@forum.example" in listing and "forum" in listing and PASSWORD not in listing
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code = main(
        ["users", "add", "--organiser", "x@forum.example", "--password-stdin", "--url", db_url]
    )
    assert code == 2 and "at least 10" in capsys.readouterr().err

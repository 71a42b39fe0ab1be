"""The outbox's sender against a real SMTP server on loopback (aiosmtpd): what arrives,
retries with backoff after refusals, giving up, console mode, calendar updates on publish."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tradepivot.config import Settings
from tradepivot.db.engine import write_session
from tradepivot.matchmaking.model import Meeting
from tradepivot.reports.agenda import agenda_calendars
from tradepivot.services.portal import PortalDatabase
from tradepivot.services.portal.notify import notify_published
from tradepivot.services.portal.outbox import outbox
from tradepivot.services.portal.sender import backoff, send_due


@dataclass
class Inbox:
    """What the SMTP server received; it refuses the first ``refuse`` messages (451)."""

    refuse: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, Settings]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield (
            inbox,
            Settings(
                mail_mode="smtp",
                smtp_host="127.0.0.1",
                smtp_port=port,
                smtp_starttls=False,
                mail_from="forum@tradepivot.example",
            ),
        )
    finally:
        controller.stop()


def test_a_sign_in_link_arrives_and_is_recorded_as_sent(
    portal: PortalDatabase, smtp: tuple[Inbox, Settings]
) -> None:
    inbox, settings = smtp
    portal.send_sign_in_link("forum", "ex1", "https://forum.example")
    assert send_due(portal.engine, settings).sent == 1
    [message] = inbox.messages
    assert inbox.recipients == [["anil.rao@kavirath.example"]]
    assert message["From"] == "forum@tradepivot.example"
    assert message["Subject"] == "Your sign-in link for Tiny test forum"
    body = message.get_content()
    token = body.split("/portal/signin/")[1].split()[0]
    assert portal.redeem_sign_in(token) == ("forum", "ex1")  # the link in the mail works
    [record] = outbox(portal.engine)
    assert (record.status, record.attempts, record.last_error) == ("sent", 1, None)
    assert record.sent_at is not None
    assert send_due(portal.engine, settings).sent == 0  # sent once only


def test_refusals_are_retried_with_backoff_then_given_up(
    portal: PortalDatabase, smtp: tuple[Inbox, Settings]
) -> None:
    inbox, settings = smtp
    inbox.refuse = 2
    portal.send_sign_in_link("forum", "ex1", "https://forum.example")
    start = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    first = send_due(portal.engine, settings, now=start)
    assert (first.sent, first.retrying) == (0, 1)
    [record] = outbox(portal.engine)
    assert record.status == "pending" and "451" in (record.last_error or "")
    assert send_due(portal.engine, settings, now=start).sent == 0  # not due yet: backoff
    second = send_due(portal.engine, settings, now=start + backoff(1))
    assert second.retrying == 1
    third = send_due(portal.engine, settings, now=start + backoff(1) + backoff(2))
    assert third.sent == 1 and len(inbox.messages) == 1
    [record] = outbox(portal.engine)
    assert (record.status, record.attempts, record.last_error) == ("sent", 3, None)
    inbox.refuse = 99
    portal.send_sign_in_link("forum", "ex2", "https://forum.example")
    when = start
    for _ in range(3):
        when += dt.timedelta(hours=2)
        send_due(portal.engine, settings, now=when, max_attempts=3)
    failed = outbox(portal.engine, status="failed")
    assert [(m.recipient, m.attempts) for m in failed] == [("meera.iyer@sanvika.example", 3)]


def test_an_unreachable_server_is_an_error_on_record(portal: PortalDatabase) -> None:
    settings = Settings(mail_mode="smtp", smtp_host="127.0.0.1", smtp_port=_free_port())
    portal.send_sign_in_link("forum", "ex1", "https://forum.example")
    assert send_due(portal.engine, settings).retrying == 1
    [record] = outbox(portal.engine)
    assert "Connection refused" in (record.last_error or "") or "Errno" in (record.last_error or "")


def test_console_mode_prints_the_link(portal: PortalDatabase) -> None:
    printed: list[str] = []
    portal.send_sign_in_link("forum", "ex1", "https://forum.example")
    assert send_due(portal.engine, Settings(), echo=printed.append).sent == 1
    assert "To: anil.rao@kavirath.example" in printed[0]
    assert "https://forum.example/portal/signin/" in printed[0]


def test_a_published_schedule_mails_calendars_that_update(
    portal: PortalDatabase, smtp: tuple[Inbox, Settings]
) -> None:
    inbox, settings = smtp
    store = portal.store
    store.publish("forum", [Meeting("bu1", "ex1", "s1", "t1", "i1")], base_version=0)
    assert notify_published(portal.engine, store, "forum", agenda_calendars) == 2
    store.publish("forum", [Meeting("bu1", "ex1", "s2", "t1", "i1")], base_version=1)
    assert (
        notify_published(portal.engine, store, "forum", agenda_calendars) == 2
    )  # moved: both told
    store.publish("forum", [Meeting("bu2", "ex2", "s2", "t1")], base_version=2)
    assert notify_published(portal.engine, store, "forum", agenda_calendars) == 4
    assert send_due(portal.engine, settings).sent == 8
    kinds = {(m.kind, m.recipient) for m in outbox(portal.engine)}
    assert ("meeting_cancelled", "anil.rao@kavirath.example") in kinds
    assert ("schedule_published", "ivan.sokolov@velmira.example") in kinds
    last_to_ex1 = [
        m for m, r in zip(inbox.messages, inbox.recipients, strict=True)
        if r == ["anil.rao@kavirath.example"]
    ][-1]  # fmt: skip
    calendars = {part.get_filename(): part.get_content() for part in last_to_ex1.iter_attachments()}
    assert set(calendars) == {"forum-ex1.ics", "forum-ex1-cancel.ics"}
    cancel = calendars["forum-ex1-cancel.ics"]
    cancel = cancel.decode() if isinstance(cancel, bytes) else cancel
    assert "METHOD:CANCEL" in cancel and "STATUS:CANCELLED" in cancel
    moved = [
        m for m, r in zip(inbox.messages, inbox.recipients, strict=True)
        if r == ["anil.rao@kavirath.example"]
    ][1]  # fmt: skip
    update = next(iter(moved.iter_attachments())).get_content()
    update = update.decode() if isinstance(update, bytes) else update
    assert "SEQUENCE:1" in update  # the same meeting, moved: an update, not a new entry


def test_a_message_claimed_by_one_sender_is_not_sent_by_another(
    portal: PortalDatabase, smtp: tuple[Inbox, Settings]
) -> None:
    inbox, settings = smtp
    portal.send_sign_in_link("forum", "ex1", "https://forum.example")
    start = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    from sqlalchemy import update

    from tradepivot.db.models import OutboxRow

    with write_session(portal.engine) as session:  # as if another sender claimed it now
        session.execute(
            update(OutboxRow).values(attempts=1, next_attempt_at=start + dt.timedelta(minutes=5))
        )
    assert send_due(portal.engine, settings, now=start).sent == 0 and not inbox.messages


def test_outbox_send_and_list_from_the_cli(
    portal: PortalDatabase, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from tradepivot.cli import main

    portal.send_sign_in_link("forum", "ex1", "https://forum.example")
    assert main(["outbox", "send", "--url", db_url]) == 0  # console mode by default
    out = capsys.readouterr().out
    assert "https://forum.example/portal/signin/" in out and "sent 1" in out
    assert main(["outbox", "list", "--status", "sent", "--url", db_url]) == 0
    assert "anil.rao@kavirath.example" in capsys.readouterr().out

"""The outbox's sender: deliver what is due, retry with backoff, keep a record.

:func:`send_due` takes each pending message whose time has come, claims it (one
``UPDATE ... WHERE status = 'pending' AND next_attempt_at <= now`` that also counts the
attempt and pushes the next one out, so two senders never send the same message), and
delivers it:

- ``mail_mode = "console"``: printed (recipient, subject, text: sign-in links included) for
  local use, then recorded as sent;
- ``mail_mode = "smtp"``: over SMTP (``smtp_host``, ``smtp_port``, STARTTLS when
  ``smtp_starttls``, login when ``smtp_user``; the password from
  ``TRADEPIVOT_SMTP_PASSWORD``).

A failure is recorded (``attempts``, ``last_error``) and retried after 1, 2, 4, 8 ...
minutes (at most an hour); after ``max_attempts`` the message is ``failed``. Sent messages
keep ``sent_at``: the outbox is the record of what was sent.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import Engine, select, update

from tradepivot.config import Settings
from tradepivot.db.engine import read_session, write_session
from tradepivot.db.models import OutboxRow

__all__ = ["MAX_ATTEMPTS", "SendReport", "backoff", "build_message", "send_due"]

MAX_ATTEMPTS = 6
_LEASE = dt.timedelta(minutes=5)  # a claimed message is not claimed again for this long


@dataclass(frozen=True)
class SendReport:
    """What one :func:`send_due` run did."""

    sent: int = 0
    retrying: int = 0  # failed this time, tried again later
    failed: int = 0  # given up


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try after ``attempts`` tries: 1, 2, 4 ... minutes, at most 60."""
    return dt.timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def build_message(row: OutboxRow, sender: str) -> EmailMessage:
    """The e-mail of an outbox row: text (and HTML) with its calendar attachments."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(idstring=f"outbox-{row.id}", domain="tradepivot")
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    for attachment in row.attachments:
        kind = str(attachment["content_type"]).split(";")[0].strip()
        maintype, _, subtype = kind.partition("/")
        params = {}
        for part in str(attachment["content_type"]).split(";")[1:]:
            key, _, value = part.strip().partition("=")
            params[key] = value
        message.add_attachment(
            str(attachment["text"]).encode("utf-8"),
            maintype=maintype or "text",
            subtype=subtype or "plain",
            filename=str(attachment["filename"]),
            params=params,
        )
    return message


def _deliver(settings: Settings, message: EmailMessage) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_user, password)
        smtp.send_message(message)


def _claim(engine: Engine, message_id: int, now: dt.datetime) -> bool:
    with write_session(engine) as session:
        claimed = session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.id == message_id,
                OutboxRow.status == "pending",
                OutboxRow.next_attempt_at <= now,
            )
            .values(attempts=OutboxRow.attempts + 1, next_attempt_at=now + _LEASE)
        )
        return bool(claimed.rowcount)  # type: ignore[attr-defined]


def send_due(
    engine: Engine,
    settings: Settings,
    *,
    now: dt.datetime | None = None,
    echo: Callable[[str], None] = print,
    limit: int = 100,
    max_attempts: int = MAX_ATTEMPTS,
) -> SendReport:
    """Deliver up to ``limit`` due messages (see the module docstring)."""
    when = now or dt.datetime.now(dt.UTC)
    with read_session(engine) as session:
        due = list(
            session.scalars(
                select(OutboxRow.id)
                .where(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= when)
                .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
                .limit(limit)
            )
        )
    sent = retrying = failed = 0
    for message_id in due:
        if not _claim(engine, message_id, when):
            continue  # another sender has it
        with read_session(engine) as session:
            row = session.get(OutboxRow, message_id)
            assert row is not None
        error: str | None = None
        try:
            if settings.mail_mode == "console":
                echo(f"To: {row.recipient}\nSubject: {row.subject}\n\n{row.body_text}\n")
            else:
                _deliver(settings, build_message(row, settings.mail_from))
        except (smtplib.SMTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:1000]
        with write_session(engine) as session:
            stored = session.get(OutboxRow, message_id)
            assert stored is not None
            if error is None:
                stored.status, stored.sent_at, stored.last_error = "sent", when, None
                sent += 1
            elif stored.attempts >= max_attempts:
                stored.status, stored.last_error = "failed", error
                failed += 1
            else:
                stored.last_error = error
                stored.next_attempt_at = when + backoff(stored.attempts)
                retrying += 1
    return SendReport(sent, retrying, failed)

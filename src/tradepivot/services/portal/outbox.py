"""The outbox: e-mail written in the same transaction as the change it reports.

A service that accepts a request adds the requester's message with :func:`enqueue` in the
transaction that accepts it: either both happen or neither, and a crash between "accepted"
and "sent" loses nothing (the sender, :mod:`~tradepivot.services.portal.sender`, delivers
what is pending, with retries). :func:`outbox` lists what was queued and sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tradepivot.db.engine import read_session
from tradepivot.db.models import OutboxRow

__all__ = ["Attachment", "Mail", "enqueue", "outbox"]


@dataclass(frozen=True)
class Attachment:
    """A text attachment (a calendar file)."""

    filename: str
    content_type: str  # e.g. text/calendar; method=REQUEST
    text: str


@dataclass(frozen=True)
class Mail:
    """A message as queued (and, once ``sent_at`` is set, as sent)."""

    id: int
    kind: str
    recipient: str
    subject: str
    body_text: str
    body_html: str | None
    attachments: tuple[Attachment, ...]
    status: str
    attempts: int
    last_error: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None
    event_id: str | None


def enqueue(
    session: Session,
    *,
    kind: str,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    attachments: Sequence[Attachment] = (),
    event_id: str | None = None,
) -> int:
    """Queue a message in the caller's transaction; returns its id."""
    row = OutboxRow(
        kind=kind,
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=[
            {"filename": a.filename, "content_type": a.content_type, "text": a.text}
            for a in attachments
        ],
        event_id=event_id,
    )
    session.add(row)
    session.flush()
    return row.id


def _mail(row: OutboxRow) -> Mail:
    return Mail(
        row.id,
        row.kind,
        row.recipient,
        row.subject,
        row.body_text,
        row.body_html,
        tuple(
            Attachment(str(a["filename"]), str(a["content_type"]), str(a["text"]))
            for a in row.attachments
        ),
        row.status,
        row.attempts,
        row.last_error,
        row.created_at,
        row.sent_at,
        row.event_id,
    )


def outbox(
    engine: Engine, *, status: str | None = None, recipient: str | None = None
) -> list[Mail]:
    """Queued and sent messages, oldest first (optionally one status or recipient)."""
    query = select(OutboxRow).order_by(OutboxRow.id)
    if status is not None:
        query = query.where(OutboxRow.status == status)
    if recipient is not None:
        query = query.where(OutboxRow.recipient == recipient.strip().lower())
    with read_session(engine) as session:
        return [_mail(r) for r in session.scalars(query)]

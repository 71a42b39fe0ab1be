"""E-mail for a published schedule: each participant whose meetings changed gets a message
with a calendar file that updates their calendar.

The calendar is the agenda's own, written by the interface's :class:`CalendarFiles` (the web
app and the CLI pass :func:`tradepivot.reports.agenda.agenda_calendars`, so this service does
not depend on the reports layer): one UID per meeting, ``SEQUENCE`` counting its changes across the published versions, cancelled
meetings as ``STATUS:CANCELLED`` plus a ``METHOD:CANCEL`` calendar. The kind of message is
``schedule_published`` (the participant's first meetings), ``meeting_changed`` or
``meeting_cancelled`` (only removals).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from sqlalchemy import Engine

from tradepivot.db.engine import write_session
from tradepivot.db.store import SqlStore
from tradepivot.matchmaking.agenda import (
    AgendaData,
    CancelledMeeting,
    calendar_changes,
    participant_agenda,
)
from tradepivot.matchmaking.model import Meeting
from tradepivot.services.portal.messages import compose, mail_language
from tradepivot.services.portal.outbox import Attachment, enqueue

__all__ = ["CalendarFiles", "notify_published"]


class CalendarFiles(Protocol):
    """Writes one participant's calendar files: the agenda (``METHOD:PUBLISH``, ``SEQUENCE``
    from ``sequences``, cancelled meetings as ``STATUS:CANCELLED``) and, when meetings were
    cancelled, a ``METHOD:CANCEL`` calendar (else None)."""

    def __call__(
        self,
        data: AgendaData,
        language: str,
        *,
        sequences: Mapping[tuple[str, str], int],
        cancelled: Sequence[CancelledMeeting],
    ) -> tuple[bytes, bytes | None]: ...


def _mine(meetings: tuple[Meeting, ...], pid: str) -> set[tuple[str, str, str, str | None]]:
    return {(m.a + "|" + m.b, m.slot, m.table, m.interpreter) for m in meetings if pid in m.pair}


def notify_published(
    engine: Engine, store: SqlStore, event_id: str, calendars: CalendarFiles
) -> int:
    """Queue the e-mails of the event's current published version (compared with the one
    before), each with the calendar files ``calendars`` writes; returns how many were queued."""
    loaded = store.load(event_id)
    history = store.history(event_id)
    if not history:
        return 0
    event, current = loaded.event, history[-1]
    before = history[-2].meetings if len(history) > 1 else ()
    earlier = [v.meetings for v in history[:-1]]
    queued = 0
    with write_session(engine) as session:
        for pid, participant in event.participants.items():
            now_mine, then_mine = _mine(current.meetings, pid), _mine(before, pid)
            if now_mine == then_mine or not participant.email.strip():
                continue
            language = mail_language(participant.languages)
            data = participant_agenda(event, current.meetings, pid)
            sequences, cancelled = calendar_changes(event, earlier, pid, current.meetings)
            agenda, cancel = calendars(data, language, sequences=sequences, cancelled=cancelled)
            attachments = [
                Attachment(
                    f"{event_id}-{pid}.ics", "text/calendar; method=PUBLISH", agenda.decode()
                )
            ]
            if cancel is not None:
                attachments.append(
                    Attachment(
                        f"{event_id}-{pid}-cancel.ics",
                        "text/calendar; method=CANCEL",
                        cancel.decode(),
                    )
                )
            if not then_mine:
                kind = "schedule_published"
            elif not now_mine - then_mine:
                kind = "meeting_cancelled"
            else:
                kind = "meeting_changed"
            others = sorted({m.b if m.a == pid else m.a for m in current.meetings if pid in m.pair})
            text = compose(
                kind,
                language,
                event=event.name,
                version=str(current.number),
                other=", ".join(others) or "-",
                slot=", ".join(sorted({m.slot for m in current.meetings if pid in m.pair})),
            )
            enqueue(
                session,
                kind=kind,
                recipient=participant.email.strip().lower(),
                subject=text.subject,
                body_text=text.body,
                attachments=attachments,
                event_id=event_id,
            )
            queued += 1
    return queued

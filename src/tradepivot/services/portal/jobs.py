"""Each event's optimiser job, recorded in the database so every worker of the server agrees.

One job per event at a time: :func:`claim_job` records a running job unless one is running
(the row is locked while it looks; two workers inserting the first row at once collide on
its key and one of them is refused). The process that claimed it runs it and records how
it ended (:func:`finish_job`); any worker reads its progress (:func:`current_job`), so a
page reloaded onto another worker still finds the job. A job whose process died stays
``running`` in its row: once its time limit is long past, it reads as failed and a new one
may start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError

from tradepivot.db.engine import read_session, write_session
from tradepivot.db.models import JobRow

__all__ = ["STALE_AFTER", "JobState", "claim_job", "current_job", "finish_job"]

#: How long past its time limit a running job is taken for dead (scoring a large event and
#: writing the draft come on top of the solver's limit).
STALE_AFTER = dt.timedelta(minutes=15)
DIED = "The server stopped while the job ran; start it again."


@dataclass(frozen=True)
class JobState:
    """One run: what it does, when it started, how long it may take, how it ended."""

    event_id: str
    label: str
    seconds: float
    started: dt.datetime
    status: str = "running"  # running | done | failed
    finished: dt.datetime | None = None
    error: str | None = None
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def progress(self) -> float:
        """0..1: time spent over the time limit (1 when finished; CP-SAT reports no finer
        progress)."""
        if self.status != "running":
            return 1.0
        spent = (dt.datetime.now(dt.UTC) - self.started).total_seconds()
        return min(0.99, spent / max(self.seconds, 1.0))


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def _stale(row: JobRow, now: dt.datetime) -> bool:
    return row.started_at + dt.timedelta(seconds=row.seconds) + STALE_AFTER < now


def _state(row: JobRow, now: dt.datetime) -> JobState:
    if row.status == "running" and _stale(row, now):
        return JobState(row.event_id, row.label, row.seconds, row.started_at, "failed",
                        None, DIED, {})  # fmt: skip
    return JobState(
        row.event_id, row.label, row.seconds, row.started_at, row.status,
        row.finished_at, row.error, dict(row.result or {}),
    )  # fmt: skip


def claim_job(
    engine: Engine, event_id: str, label: str, seconds: float, *, now: dt.datetime | None = None
) -> JobState | None:
    """Record a new running job of ``event_id``; None when one is running already."""
    when = _now(now)
    try:
        with write_session(engine) as session:
            row = session.get(JobRow, event_id, with_for_update=True)
            if row is not None and row.status == "running" and not _stale(row, when):
                return None
            if row is None:
                row = JobRow(event_id=event_id)
                session.add(row)
            row.label, row.seconds, row.status, row.started_at = label, seconds, "running", when
            row.finished_at, row.error, row.result = None, None, {}
            session.flush()
            return _state(row, when)
    except IntegrityError:  # another worker inserted the event's first job meanwhile
        return None


def finish_job(
    engine: Engine,
    job: JobState,
    *,
    result: dict[str, Any] | None = None,
    error: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Record how ``job`` ended (only that job: a newer one is left alone)."""
    with write_session(engine) as session:
        session.execute(
            update(JobRow)
            .where(JobRow.event_id == job.event_id, JobRow.started_at == job.started)
            .values(
                status="failed" if error is not None else "done",
                finished_at=_now(now),
                error=error,
                result=result or {},
            )
        )


def current_job(
    engine: Engine, event_id: str, *, now: dt.datetime | None = None
) -> JobState | None:
    """The event's latest job (None when it never had one)."""
    with read_session(engine) as session:
        row = session.get(JobRow, event_id)
        return _state(row, _now(now)) if row is not None else None

"""Background jobs: the optimiser runs in a thread while the pages stay responsive.

One job per event at a time (a second start is refused with 409 while the first runs). A job
lives in the server process, so a reloaded page finds it again (its status is polled); its
result (a draft) is kept in the event store, so it outlives the process too. Progress is the
time spent against the time limit the solver was given (CP-SAT reports no finer progress).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.exceptions import HTTPException

from tradepivot.errors import TradepivotError

__all__ = ["Job", "Jobs"]

log = logging.getLogger(__name__)
Status = Literal["running", "done", "failed"]


@dataclass
class Job:
    """One run: what it does, when it started, how long it may take, how it ended."""

    event_id: str
    label: str
    seconds: float
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    status: Status = "running"
    finished: dt.datetime | None = None
    error: str | None = None
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def progress(self) -> float:
        """0..1: time spent over the time limit (1 when finished)."""
        if self.status != "running":
            return 1.0
        spent = (dt.datetime.now(dt.UTC) - self.started).total_seconds()
        return min(0.99, spent / max(self.seconds, 1.0))


class Jobs:
    """The jobs of one server process, by event."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, event_id: str) -> Job | None:
        return self._jobs.get(event_id)

    def start(
        self, event_id: str, label: str, seconds: float, work: Callable[[], dict[str, Any]]
    ) -> Job:
        """Run ``work`` in a thread as the event's job (409 while another runs)."""
        with self._lock:
            current = self._jobs.get(event_id)
            if current is not None and current.status == "running":
                raise HTTPException(
                    409, "The optimiser is already running for this event: wait for it."
                )
            job = Job(event_id, label, seconds)
            self._jobs[event_id] = job

        def run() -> None:
            try:
                job.result = work()
                job.status = "done"
            except TradepivotError as exc:
                job.error = exc.message + (f" {exc.hint}" if exc.hint else "")
                job.status = "failed"
            except Exception as exc:  # a bug: logged in full, the organiser told in short
                log.exception("Job %s of event %s failed", label, event_id)
                job.error = f"The job failed ({type(exc).__name__}); the server's log has details."
                job.status = "failed"
            finally:
                job.finished = dt.datetime.now(dt.UTC)

        threading.Thread(target=run, name=f"portal-{label}-{event_id}", daemon=True).start()
        return job

"""Background jobs: the optimiser runs in a thread while the pages stay responsive.

One job per event at a time (a second start is refused with 409 while the first runs), in
this worker or any other: the job is recorded in the portal's database
(:mod:`tradepivot.services.portal.jobs`), so a reloaded page finds it again whichever worker
answers, and its result (a draft) is kept in the event store. Progress is the time spent
against the time limit the solver was given (CP-SAT reports no finer progress).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException

from tradepivot.errors import TradepivotError
from tradepivot.web.portal.backend import JobState, PortalBackend

__all__ = ["Job", "Jobs"]

log = logging.getLogger(__name__)
Job = JobState


class Jobs:
    """The events' optimiser jobs, through the portal's database."""

    def __init__(self, backend: Callable[[], PortalBackend]) -> None:
        self._backend = backend

    def get(self, event_id: str) -> Job | None:
        return self._backend().current_job(event_id)

    def start(
        self, event_id: str, label: str, seconds: float, work: Callable[[], dict[str, Any]]
    ) -> Job:
        """Run ``work`` in a thread as the event's job (409 while another runs)."""
        backend = self._backend()
        job = backend.claim_job(event_id, label, seconds)
        if job is None:
            raise HTTPException(
                409, "The optimiser is already running for this event: wait for it."
            )

        def run() -> None:
            try:
                backend.finish_job(job, result=work())
            except TradepivotError as exc:
                backend.finish_job(job, error=exc.message + (f" {exc.hint}" if exc.hint else ""))
            except Exception as exc:  # a bug: logged in full, the organiser told in short
                log.exception("Job %s of event %s failed", label, event_id)
                backend.finish_job(
                    job,
                    error=f"The job failed ({type(exc).__name__}); the server's log has details.",
                )

        threading.Thread(target=run, name=f"portal-{label}-{event_id}", daemon=True).start()
        return job

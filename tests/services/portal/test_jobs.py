"""The optimiser's jobs in the database (SQLite and PostgreSQL): one running job per event
whoever asks (two workers racing to start one: one wins), seen alike by every worker, its
end recorded, a job whose process died read as failed once its time is long past."""

from __future__ import annotations

import datetime as dt
import threading

from tradepivot.services.portal import PortalDatabase
from tradepivot.services.portal.jobs import (
    DIED,
    STALE_AFTER,
    claim_job,
    current_job,
    finish_job,
)

NOW = dt.datetime.now(dt.UTC)  # the backend reads the clock itself


def test_one_job_per_event_and_every_worker_sees_it(portal: PortalDatabase) -> None:
    engine = portal.engine
    assert current_job(engine, "forum") is None
    job = claim_job(engine, "forum", "schedule", 30.0, now=NOW)
    assert job is not None and job.status == "running"
    assert claim_job(engine, "forum", "schedule", 30.0, now=NOW) is None  # one at a time
    other = PortalDatabase(engine)  # another worker, same database
    seen = other.current_job("forum")
    assert seen is not None and (seen.status, seen.started) == ("running", job.started)

    finish_job(engine, job, result={"meetings": 7}, now=NOW + dt.timedelta(seconds=31))
    done = current_job(engine, "forum")
    assert done is not None and (done.status, done.result, done.progress) == (
        "done",
        {"meetings": 7},
        1.0,
    )
    again = claim_job(engine, "forum", "schedule", 5.0, now=NOW + dt.timedelta(minutes=1))
    assert again is not None
    # the first job's late report does not overwrite the second
    finish_job(engine, job, error="late", now=NOW + dt.timedelta(minutes=2))
    assert current_job(engine, "forum", now=NOW + dt.timedelta(minutes=2)).status == "running"  # type: ignore[union-attr]
    finish_job(engine, again, error="No solution.")
    failed = current_job(engine, "forum")
    assert failed is not None and (failed.status, failed.error) == ("failed", "No solution.")


def test_a_job_whose_process_died_reads_as_failed_later(portal: PortalDatabase) -> None:
    engine = portal.engine
    job = claim_job(engine, "forum", "schedule", 60.0, now=NOW)
    assert job is not None
    later = NOW + dt.timedelta(seconds=60) + STALE_AFTER + dt.timedelta(seconds=1)
    assert current_job(engine, "forum", now=NOW + dt.timedelta(minutes=5)).status == "running"  # type: ignore[union-attr]
    dead = current_job(engine, "forum", now=later)
    assert dead is not None and (dead.status, dead.error) == ("failed", DIED)
    assert claim_job(engine, "forum", "schedule", 60.0, now=later) is not None


def test_two_workers_starting_at_once_run_one_job(portal: PortalDatabase) -> None:
    engine = portal.engine
    barrier = threading.Barrier(8)
    won: list[bool] = []

    def start() -> None:
        barrier.wait()
        won.append(claim_job(engine, "forum", "schedule", 30.0) is not None)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(won) == [False] * 7 + [True]

"""Correct under load (issue 9, item 6), on SQLite and PostgreSQL: 50 threads requesting,
accepting and booking among the same people and slots never double-book anyone or any
table and lose no write; an organiser publishing while participants edit keeps both; a
process killed with SIGKILL in the middle of publishing leaves the old or the new schedule.

The double-booking count is computed here from the requests (who meets whom) and the
bookings (where and when), not read off the constraint that prevents it.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import Engine, delete, select

from tests.conftest import FIXTURES
from tradepivot.data.reference import Reference
from tradepivot.db import make_engine, read_session, write_session
from tradepivot.db.models import BookingRow, RequestRow
from tradepivot.db.store import SqlStore
from tradepivot.errors import InputError, ScheduleConflictError
from tradepivot.events import FolderStore
from tradepivot.matchmaking.model import Meeting
from tradepivot.services.portal import PortalDatabase
from tradepivot.services.portal.requests import (
    RequestPolicy,
    book_request,
    create_request,
    decide_request,
)

THREADS = 50
PEOPLE = ("ex1", "ex2", "ex3", "bu1", "bu2", "of1")
SLOTS = ("s1", "s2", "s3")


def _double_bookings(engine: Engine) -> tuple[int, int, int]:
    """(participants seated twice in a slot, tables used twice in a slot, bookings)."""
    with read_session(engine) as session:
        rows = session.execute(
            select(
                BookingRow.slot_id, BookingRow.table_id, RequestRow.requester, RequestRow.recipient
            )
            .join(RequestRow, RequestRow.id == BookingRow.request_id)
            .where(BookingRow.event_id == "forum")
        ).all()
    seats = Counter((slot, who) for slot, _, a, b in rows for who in (a, b))
    tables = Counter((slot, table) for slot, table, _, _ in rows)
    return (
        sum(n - 1 for n in seats.values() if n > 1),
        sum(n - 1 for n in tables.values() if n > 1),
        len(rows),
    )


def test_fifty_threads_request_accept_and_book_without_a_double_booking(
    portal: PortalDatabase,
) -> None:
    engine = portal.engine
    policy = RequestPolicy(max_pending=THREADS)
    pairs = list(itertools.permutations(PEOPLE, 2))
    barrier = threading.Barrier(THREADS)
    booked: list[tuple[int, str, str]] = []  # (request, slot, table) each thread saw commit
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        rng = random.Random(n)
        requester, recipient = pairs[n % len(pairs)]
        barrier.wait()
        try:
            try:
                made = create_request(engine, "forum", requester, recipient, policy=policy)
            except InputError:
                with lock:
                    outcomes["request pending already"] += 1
                return
            try:
                decide_request(engine, "forum", recipient, made.id, accept=True)
            except InputError:
                with lock:
                    outcomes["answered already"] += 1
                return
            for slot in rng.sample(SLOTS, len(SLOTS)):
                try:
                    booking = book_request(engine, "forum", made.id, slot)
                except ScheduleConflictError:
                    continue
                with lock:
                    booked.append((made.id, booking.slot, booking.table))
                    outcomes["booked"] += 1
                return
            with lock:
                outcomes["every slot taken"] += 1
        except BaseException as exc:  # anything else fails the test below
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not errors, errors[:3]
    assert sum(outcomes.values()) == THREADS, outcomes
    people_twice, tables_twice, stored = _double_bookings(engine)
    assert (people_twice, tables_twice) == (0, 0)
    # no lost write: every booking a thread saw commit is stored, and nothing else
    with read_session(engine) as session:
        rows = {
            (b.request_id, b.slot_id, b.table_id)
            for b in session.scalars(select(BookingRow).where(BookingRow.event_id == "forum"))
        }
        accepted = session.scalars(
            select(RequestRow.id).where(RequestRow.status == "accepted")
        ).all()
    assert rows == set(booked) and stored == len(booked) == outcomes["booked"]
    assert len(accepted) >= len(booked) > 0
    # tables: 2 in s1, 2 in s2, 1 in s3 (t2 is unavailable then): at most 5 meetings
    assert stored <= 5
    print(f"\n{engine.dialect.name}: {dict(outcomes)}; double-booked people 0, tables 0")


def test_two_accepts_racing_for_one_slot_book_once(portal: PortalDatabase) -> None:
    engine = portal.engine
    for round_ in range(10):
        slot = SLOTS[round_ % len(SLOTS)]
        first = create_request(engine, "forum", "ex1", "bu1")
        second = create_request(engine, "forum", "bu2", "ex1")
        decide_request(engine, "forum", "bu1", first.id, accept=True)
        decide_request(engine, "forum", "ex1", second.id, accept=True)
        barrier = threading.Barrier(2)
        results: list[str] = []

        def book(
            request_id: int,
            slot: str = slot,
            barrier: threading.Barrier = barrier,
            results: list[str] = results,
        ) -> None:
            barrier.wait()
            try:
                book_request(engine, "forum", request_id, slot)
                results.append("booked")
            except ScheduleConflictError as exc:
                results.append(exc.message)

        threads = [threading.Thread(target=book, args=(r.id,)) for r in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert results.count("booked") == 1, results
        assert any("ex1 already has a meeting" in r for r in results), results
        with write_session(engine) as session:  # free the slot for the next round
            session.execute(delete(BookingRow))
    assert _double_bookings(engine)[:2] == (0, 0)


def test_publishing_while_participants_edit_loses_nothing(portal: PortalDatabase) -> None:
    store = portal.store
    event = store.load("forum").event
    editors, edits, publishes = list(PEOPLE), 5, 8
    errors: list[BaseException] = []
    published: list[int] = []

    def edit(pid: str) -> None:
        try:
            for n in range(edits):
                me = dataclasses.replace(event.participants[pid], description=f"{pid} edit {n}")
                store.save_participant("forum", me)
        except BaseException as exc:
            errors.append(exc)

    def publish() -> None:
        try:
            n = 0
            while n < publishes:
                base = store.load("forum").version
                meetings = [Meeting("bu1", "ex1", SLOTS[n % 3], "t1", score=float(n))]
                try:
                    published.append(store.publish("forum", meetings, base_version=base).number)
                    n += 1
                except ScheduleConflictError:
                    continue
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=(p,)) for p in editors]
    threads.append(threading.Thread(target=publish))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not errors, errors[:3]
    final = store.load("forum")
    assert {p: final.event.participants[p].description for p in editors} == {
        p: f"{p} edit {edits - 1}" for p in editors
    }  # every participant's last edit is there
    assert published == list(range(1, publishes + 1))
    assert [v.number for v in store.history("forum")] == published
    assert final.version == publishes
    assert final.event.meetings[0].score == float(publishes - 1)


def test_a_participant_edit_is_checked_like_a_registration(portal: PortalDatabase) -> None:
    me = portal.store.load("forum").event.participants["ex1"]
    with pytest.raises(InputError, match="available"):
        portal.store.save_participant(
            "forum", dataclasses.replace(me, available=frozenset({"nope"}))
        )


_LOOP = """
import sys
from tradepivot.db import make_engine
from tradepivot.db.store import SqlStore
from tradepivot.matchmaking.model import Meeting

store = SqlStore(make_engine(sys.argv[1]))
slots = ["s1", "s2", "s3"]
n = 0
while True:
    version = store.load("forum").version
    meetings = [
        Meeting("bu1", "ex1", slots[n % 3], "t1", score=n + 0.5),
        Meeting("bu2", "ex2", slots[(n + 1) % 3], "t1", score=n + 0.25),
        Meeting("ex3", "of1", slots[(n + 2) % 3], "t1", score=n + 0.75),
    ]
    store.publish("forum", meetings, base_version=version)
    n += 1
    print(n, flush=True)
"""


@pytest.mark.slow
def test_kill_9_during_publish_leaves_the_old_or_the_new_schedule(
    db_url: str, reference: Reference
) -> None:
    engine = make_engine(db_url)
    store = SqlStore(engine, reference=reference)
    folder, _ = FolderStore.at(FIXTURES / "events" / "tiny", reference=reference)
    store.save("forum", folder.load("tiny").event)
    published = 0
    kills = 0
    for delay in (0.0, 0.003, 0.007, 0.012, 0.02, 0.031, 0.05, 0.08):
        worker = subprocess.Popen(
            [sys.executable, "-c", _LOOP, db_url],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        assert worker.stdout is not None
        worker.stdout.readline()  # one publish done: the next is under way
        time.sleep(delay)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        worker.stdout.close()
        kills += 1
        loaded = store.load("forum")  # loads: never half a schedule
        history = store.history("forum")
        numbers = [v.number for v in history]
        assert numbers == list(range(1, len(numbers) + 1))  # no gap, no half version
        assert loaded.version == numbers[-1] > published
        assert loaded.event.meetings == history[-1].meetings
        assert all(len(v.meetings) == 3 for v in history)  # every version whole
        published = loaded.version
    engine.dispose()
    assert kills == 8
    print(f"\n{engine.dialect.name}: {kills} kills, {published} versions, all whole")

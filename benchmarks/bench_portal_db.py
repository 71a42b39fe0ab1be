"""Portal database under load: 50 concurrent participants asking, answering and booking.

On SQLite (a temporary file) and PostgreSQL (a temporary database on
``TRADEPIVOT_TEST_POSTGRES_URL``, default postgres@127.0.0.1:5432; skipped when
unreachable), the 500-participant example forum is imported, then ``--clients`` threads each
run ``--rounds`` times: ask a random participant of the other side for a meeting, have it
accepted, book it in a random slot. Reported per database: operations per second and the
p50/p95/p99 latency of each kind of operation; the baseline in the same run is one client
doing the same work alone (the ratio shows what contention costs). Checks: no participant
and no table twice in a slot (counted from the requests and bookings), and every booking a
client saw commit is stored.

    .venv/bin/python benchmarks/bench_portal_db.py [--clients 50] [--rounds 10] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, select, text

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "india-russia-forum"
ADMIN = os.environ.get(
    "TRADEPIVOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def _run(url: str, clients: int, rounds: int) -> dict[str, Any]:
    from tradepivot.config import Settings
    from tradepivot.db import make_engine, read_session, upgrade
    from tradepivot.db.models import BookingRow, RequestRow
    from tradepivot.errors import InputError, ScheduleConflictError
    from tradepivot.events import load_event
    from tradepivot.services.portal import import_event
    from tradepivot.services.portal.requests import (
        RequestPolicy,
        book_request,
        create_request,
        decide_request,
    )

    engine = (
        make_engine(url, pool_size=clients, max_overflow=10)
        if "postgresql" in url
        else make_engine(url)
    )
    upgrade(engine)
    import_event(Settings(database_url=url), EXAMPLE, event_id="forum")
    event = load_event(EXAMPLE)[0]
    sides: dict[str, list[str]] = defaultdict(list)
    for p in event.participants.values():
        sides[p.side].append(p.id)
    exporters, buyers = sides["exporter"], sides["buyer"]
    slots = [s.id for s in event.slots]
    policy = RequestPolicy(max_pending=1000)
    latency: dict[str, list[float]] = defaultdict(list)
    outcomes: Counter[str] = Counter()
    booked: set[tuple[int, str, str]] = set()
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(n: int) -> None:
        rng = random.Random(n)
        barrier.wait()
        for _ in range(rounds):
            a, b = rng.choice(exporters), rng.choice(buyers)
            started = time.perf_counter()
            try:
                made = create_request(engine, "forum", a, b, policy=policy)
            except InputError:
                with lock:
                    outcomes["refused"] += 1
                continue
            middle = time.perf_counter()
            decide_request(engine, "forum", b, made.id, accept=True)
            answered = time.perf_counter()
            try:
                booking = book_request(engine, "forum", made.id, rng.choice(slots))
                result = "booked"
            except ScheduleConflictError:
                booking, result = None, "slot taken"
            done = time.perf_counter()
            with lock:
                latency["request"].append(middle - started)
                latency["accept"].append(answered - middle)
                latency["book"].append(done - answered)
                outcomes[result] += 1
                if booking is not None:
                    booked.add((made.id, booking.slot, booking.table))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    with read_session(engine) as session:
        rows = session.execute(
            select(BookingRow.request_id, BookingRow.slot_id, BookingRow.table_id,
                   RequestRow.requester, RequestRow.recipient)
            .join(RequestRow, RequestRow.id == BookingRow.request_id)
        ).all()  # fmt: skip
    seats = Counter((slot, who) for _, slot, _, a, b in rows for who in (a, b))
    tables = Counter((slot, table) for _, slot, table, _, _ in rows)
    engine.dispose()
    operations = sum(len(v) for v in latency.values())
    return {
        "clients": clients,
        "rounds": rounds,
        "seconds": round(seconds, 3),
        "operations_per_s": round(operations / seconds, 1),
        "latency_ms": {
            kind: {
                "p50": round(statistics.median(values) * 1000, 2),
                "p95": round(_percentile(values, 0.95), 2),
                "p99": round(_percentile(values, 0.99), 2),
            }
            for kind, values in latency.items()
        },
        "outcomes": dict(outcomes),
        "double_booked_people": sum(n - 1 for n in seats.values() if n > 1),
        "double_booked_tables": sum(n - 1 for n in tables.values() if n > 1),
        "lost_bookings": len(booked - {(r[0], r[1], r[2]) for r in rows}),
        "phantom_bookings": len({(r[0], r[1], r[2]) for r in rows} - booked),
    }


def _postgres() -> tuple[str, str] | None:
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    name = f"tradepivot_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any failure: run without PostgreSQL
        print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
        return None
    finally:
        admin.dispose()
    return make_url(ADMIN).set(database=name).render_as_string(hide_password=False), name


def _drop(name: str) -> None:
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for label, clients in (("baseline", 1), ("load", args.clients)):
            url = f"sqlite:///{scratch}/{label}.sqlite3"
            rounds = args.rounds if clients > 1 else args.rounds * 5
            results[f"sqlite/{label}"] = _run(url, clients, rounds)
    for label, clients in (("baseline", 1), ("load", args.clients)):
        found = _postgres()
        if found is None:
            break
        url, name = found
        try:
            rounds = args.rounds if clients > 1 else args.rounds * 5
            results[f"postgresql/{label}"] = _run(url, clients, rounds)
        finally:
            _drop(name)
    print(f"{'run':22} {'ops/s':>8} {'request p95':>12} {'accept p95':>11} {'book p95':>9}  checks")
    ok = True
    for key, r in results.items():
        lat = r["latency_ms"]
        clean = not (
            r["double_booked_people"]
            or r["double_booked_tables"]
            or r["lost_bookings"]
            or r["phantom_bookings"]
        )
        ok &= clean
        print(
            f"{key:22} {r['operations_per_s']:8.1f} {lat['request']['p95']:10.1f}ms"
            f" {lat['accept']['p95']:9.1f}ms {lat['book']['p95']:7.1f}ms  "
            f"{'ok' if clean else 'FAILED'} {r['outcomes']}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

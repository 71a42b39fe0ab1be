"""Portal pages under 50 concurrent participants: p95 latency on loopback, SQLite and PostgreSQL.

For each database (a temporary SQLite file; a temporary PostgreSQL database on
``TRADEPIVOT_TEST_POSTGRES_URL``, default postgres@127.0.0.1:5432, skipped when unreachable):
the 500-participant example forum is imported, a full schedule published (the greedy
baseline on offers-meet-seeks pairs, so every agenda has meetings), and ``--clients``
participants sign in from their own links. Then ``tradepivot serve`` (one process, as a
newcomer starts it) answers them all at once: each client, ``--rounds`` times, opens what a
participant opens on the day: the agenda page, the requests page, the profile form, the
calendar feed, and sends one meeting request (a CSRF-checked POST). Reported per database
and per page: p50/p95/p99 in ms. Baselines in the same run: the static stylesheet from the
same server under the same load (the floor any request pays: HTTP, middleware, loopback)
and one client alone doing the same rounds (what contention costs). Checks: every answer is
the page (200, or 303 after the POST), and each agenda holds its participant's meetings.

    .venv/bin/python benchmarks/bench_portal_pages.py [--clients 50] [--rounds 5] [--workers 1]
        [--json FILE]

Traffic goes only to 127.0.0.1; the loops are bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
from bench_portal_db import _drop, _postgres  # the same temporary database, made and dropped
from bench_web import _port, _stop, _summary  # the same loopback port, shutdown and figures

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "india-russia-forum"
TRADEPIVOT = str(Path(sys.executable).parent / "tradepivot")
STATIC = "/static/app.css"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FEED = re.compile(
    r'id="calendar" class="wide" readonly value="http://[^/]+(/portal/calendar/[^"]+)"'
)
PAGES = ("agenda", "requests", "profile", "calendar", "request (POST)")


def _prepare(url: str, clients: int) -> tuple[dict[str, str], dict[str, int], list[str]]:
    """The example imported and scheduled in the database at ``url``; sign-in tokens for
    ``clients`` participants with meetings, their meeting counts, and everyone's ids."""
    from tradepivot.config import Settings
    from tradepivot.db import make_engine, upgrade, write_session
    from tradepivot.matchmaking.baselines import greedy_schedule
    from tradepivot.services.portal import import_event
    from tradepivot.services.portal.accounts import participant_user
    from tradepivot.services.portal.backend import PortalDatabase
    from tradepivot.services.portal.tokens import issue_token

    engine = make_engine(url)
    upgrade(engine)
    import_event(Settings(database_url=url), EXAMPLE, event_id="forum")
    portal = PortalDatabase(engine)
    loaded = portal.store.load("forum")
    event = loaded.event
    exporters = [p for p in event.participants.values() if p.side == "exporter"]
    buyers = [p for p in event.participants.values() if p.side == "buyer"]
    scores = {}
    for e in exporters:
        chapters = {code[:2] for code in e.offers}
        for b in buyers:
            if chapters & {code[:2] for code in b.seeks}:
                pair = (e.id, b.id) if e.id < b.id else (b.id, e.id)
                scores[pair] = 1.0
    meetings = greedy_schedule(event, scores, fixed=event.meetings)
    portal.store.publish("forum", meetings, base_version=loaded.version, note="benchmark")
    count: dict[str, int] = defaultdict(int)
    for m in meetings:
        count[m.a] += 1
        count[m.b] += 1
    chosen = sorted(count, key=lambda pid: (-count[pid], pid))[:clients]
    tokens = {}
    for pid in chosen:
        user_id, _ = participant_user(engine, "forum", pid)
        with write_session(engine) as session:
            tokens[pid] = issue_token(session, user_id, "sign_in")
    engine.dispose()
    return tokens, {pid: count[pid] for pid in chosen}, sorted(event.participants)


def _start(url: str, root: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    env = {
        **os.environ,
        "TRADEPIVOT_DATABASE_URL": url,
        "TRADEPIVOT_SESSION_KEY": secrets.token_urlsafe(32),
        "TRADEPIVOT_CACHE_DIR": str(root / "cache"),
    }
    process = subprocess.Popen(
        [TRADEPIVOT, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            httpx.get(base + STATIC, timeout=2)
            return process, base
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)


async def _sign_in(http: httpx.AsyncClient, token: str) -> None:
    link = f"/portal/signin/{token}"
    page = await http.get(link)
    found = CSRF.search(page.text)
    if page.status_code != 200 or not found:
        raise SystemExit(f"sign-in page: HTTP {page.status_code}")
    signed = await http.post(link, data={"csrf_token": found[1]})
    if signed.status_code != 303:
        raise SystemExit(f"sign-in: HTTP {signed.status_code}: {signed.text[:200]}")


async def _rounds(
    http: httpx.AsyncClient,
    pid: str,
    meetings: int,
    rounds: int,
    others: list[str],
    seen: dict[str, list[float]],
) -> None:
    """What a participant opens on the day, ``rounds`` times; latencies into ``seen``."""

    async def timed(label: str, method: str, path: str, **kw: Any) -> httpx.Response:
        started = time.perf_counter()
        response = await http.request(method, path, **kw)
        seen[label].append((time.perf_counter() - started) * 1000)
        expected = 303 if method == "POST" else 200
        if response.status_code != expected:
            raise SystemExit(f"{pid} {label}: HTTP {response.status_code}: {response.text[:300]}")
        return response

    for n in range(rounds):
        agenda = await timed("agenda", "GET", "/portal/me?lang=en")
        if agenda.text.count('class="card meeting"') < meetings:
            raise SystemExit(f"{pid}: the agenda shows fewer than its {meetings} meetings")
        feed = FEED.search(agenda.text)
        page = await timed("requests", "GET", "/portal/me/requests")
        await timed("profile", "GET", "/portal/me/profile")
        if feed is None:
            raise SystemExit(f"{pid}: no calendar feed on the agenda")
        calendar = await timed("calendar", "GET", feed[1])
        if calendar.text.count("BEGIN:VEVENT") < meetings:
            raise SystemExit(f"{pid}: the calendar holds fewer than its {meetings} meetings")
        token = CSRF.search(page.text)
        if token is None:
            raise SystemExit(f"{pid}: no CSRF field on the requests page")
        # a different participant each round (7919 is prime: no repeats within 500)
        other = others[(others.index(pid) + 1 + n * 7919) % len(others)]
        if other == pid:
            other = others[(others.index(pid) + 1) % len(others)]
        data = {"csrf_token": token[1], "recipient": other, "message": "benchmark"}
        await timed("request (POST)", "POST", "/portal/me/requests", data=data)


async def _load(
    base: str, tokens: dict[str, str], counts: dict[str, int], rounds: int, others: list[str]
) -> dict[str, list[float]]:
    seen: dict[str, list[float]] = defaultdict(list)
    clients = [
        httpx.AsyncClient(base_url=base, timeout=600, follow_redirects=False) for _ in tokens
    ]
    try:
        for http, token in zip(clients, tokens.values(), strict=True):
            await _sign_in(http, token)
        await asyncio.gather(
            *(
                _rounds(http, pid, counts[pid], rounds, others, seen)
                for http, pid in zip(clients, tokens, strict=True)
            )
        )
    finally:
        for http in clients:
            await http.aclose()
    return seen


async def _floor(base: str, total: int, clients: int) -> list[float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    remaining = [total]

    async def client(http: httpx.AsyncClient) -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            started = time.perf_counter()
            response = await http.get(STATIC)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{STATIC}: HTTP {response.status_code}")

    async with httpx.AsyncClient(base_url=base, timeout=600, limits=limits) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return latencies


def _measure(url: str, root: Path, clients: int, rounds: int, workers: int) -> dict[str, Any]:
    tokens, counts, everyone = _prepare(url, clients + 1)
    alone_pid = next(iter(tokens))
    alone = {alone_pid: tokens.pop(alone_pid)}
    process, base = _start(url, root, workers)
    try:
        single = asyncio.run(_load(base, alone, counts, rounds, everyone))
        crowd_started = time.perf_counter()
        crowd = asyncio.run(_load(base, tokens, counts, rounds, everyone))
        crowd_seconds = time.perf_counter() - crowd_started
        floor = asyncio.run(_floor(base, clients * rounds * len(PAGES), clients))
    finally:
        _stop(process)
    return {
        "workers": workers,
        "clients": len(tokens),
        "rounds": rounds,
        "requests_per_second": round(sum(len(v) for v in crowd.values()) / crowd_seconds, 1),
        "pages": {label: _summary(crowd[label]) for label in PAGES},
        "all_pages": _summary([x for v in crowd.values() for x in v]),
        "one_client_alone": {label: _summary(single[label]) for label in PAGES},
        "static_floor": _summary(floor),
        "meetings_per_client": round(statistics.fmean(counts[p] for p in tokens), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (tradepivot serve --workers)"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="tradepivot-pages-") as tmp:
        root = Path(tmp)
        sqlite = f"sqlite:///{root / 'portal.sqlite3'}"
        results["sqlite"] = _measure(
            sqlite, root / "sqlite", args.clients, args.rounds, args.workers
        )
        made = _postgres()
        if made is not None:
            url, name = made
            try:
                results["postgresql"] = _measure(
                    url, root / "pg", args.clients, args.rounds, args.workers
                )
            finally:
                _drop(name)
    for database, found in results.items():
        print(
            f"\n{database}, {found['workers']} worker(s): "
            f"{found['clients']} participants x {found['rounds']} rounds, "
            f"{found['requests_per_second']} requests/s, "
            f"{found['meetings_per_client']} meetings each"
        )
        print(f"  {'page':<16}{'p50':>8}{'p95':>8}{'p99':>8}   alone p50   alone p95")
        for label in PAGES:
            row, solo = found["pages"][label], found["one_client_alone"][label]
            print(
                f"  {label:<16}{row['p50_ms']:>8}{row['p95_ms']:>8}{row['p99_ms']:>8}"
                f"   {solo['p50_ms']:>9}   {solo['p95_ms']:>9}"
            )
        every, floor = found["all_pages"], found["static_floor"]
        print(f"  {'every page':<16}{every['p50_ms']:>8}{every['p95_ms']:>8}{every['p99_ms']:>8}")
        print(
            f"  {'static (floor)':<16}{floor['p50_ms']:>8}{floor['p95_ms']:>8}{floor['p99_ms']:>8}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

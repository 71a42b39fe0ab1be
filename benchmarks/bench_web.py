"""JSON API latency under 20 concurrent clients: /api/v1/rank for India's leather, on loopback.

Starts `tradepivot serve` (a fresh process, one worker) twice: with the result cache off
(cold: every request computes the ranking on its own cursor) and on (warm: the ranking is
computed once, then served from the cache). Each run also times a static file from the same
server, the floor of what any request costs there (HTTP, middleware, loopback). Reports
p50/p95/p99 and the ratio to the floor; the target is p95 <= 300 ms warm (DESIGN.md §7).
Checks that every answer is a 200 with the same ranking as the CLI's service.

    .venv/bin/python benchmarks/bench_web.py [--clients 20] [--warm 400] [--cold 40] [--json FILE]

Traffic goes only to 127.0.0.1; the loops are bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

RANK = "/api/v1/rank/IND?sector=leather&top=20"
STATIC = "/static/app.css"
TRADEPIVOT = str(Path(sys.executable).parent / "tradepivot")


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start(cache_entries: int, warehouse: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    env = {**os.environ, "TRADEPIVOT_RESULT_CACHE_ENTRIES": str(cache_entries)}
    process = subprocess.Popen(
        [TRADEPIVOT, "serve", "--port", str(port), "--warehouse", warehouse],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(base + STATIC, timeout=2)
            return process, base
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def _load(base: str, path: str, total: int, clients: int) -> tuple[list[float], list[Any]]:
    """``total`` GETs of ``path`` by ``clients`` concurrent clients; latencies in ms."""
    latencies: list[float] = []
    bodies: list[Any] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(total):
        queue.put_nowait(n)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(http: httpx.AsyncClient) -> None:
        while not queue.empty():
            queue.get_nowait()
            started = time.perf_counter()
            response = await http.get(path)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}: {response.text[:300]}")
            if path == RANK:
                bodies.append(response.json())

    async with httpx.AsyncClient(base_url=base, timeout=600, limits=limits) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return latencies, bodies


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "p50_ms": round(pct(50), 1),
        "p95_ms": round(pct(95), 1),
        "p99_ms": round(pct(99), 1),
        "mean_ms": round(statistics.fmean(ordered), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--warm", type=int, default=400, help="ranking requests, warm cache")
    parser.add_argument("--cold", type=int, default=40, help="ranking requests, no cache")
    parser.add_argument("--static", type=int, default=400, help="static-file requests (floor)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    warehouse = "/nonexistent/tradepivot-bench.duckdb"

    from tradepivot.data.warehouse import Warehouse
    from tradepivot.services.opportunity import rank_markets

    expected = rank_markets(Warehouse(), "IND", sector="leather", top=20).rows
    expected_markets = expected.column("importer").to_pylist()

    results: dict[str, Any] = {"clients": args.clients, "query": RANK}
    for label, entries, count in (("cold", 0, args.cold), ("warm", 256, args.warm)):
        process, base = _start(entries, warehouse)
        try:
            floor, _ = asyncio.run(_load(base, STATIC, args.static, args.clients))
            if label == "warm":
                asyncio.run(_load(base, RANK, 1, 1))  # computes it once
            latencies, bodies = asyncio.run(_load(base, RANK, count, args.clients))
        finally:
            _stop(process)
        wrong = [b for b in bodies if [r["importer"] for r in b["rows"]] != expected_markets]
        results[label] = {
            "rank": _summary(latencies),
            "static_floor": _summary(floor),
            "p95_over_floor": round(
                _summary(latencies)["p95_ms"] / max(_summary(floor)["p95_ms"], 0.1), 1
            ),
            "answers_checked": len(bodies),
            "answers_wrong": len(wrong),
        }
    ok = all(results[k]["answers_wrong"] == 0 for k in ("cold", "warm"))
    results["target_p95_warm_ms"] = 300
    results["meets_target"] = results["warm"]["rank"]["p95_ms"] <= 300

    print(f"{'':6} {'requests':>8} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9}   floor p95 ms")
    for label in ("cold", "warm"):
        r = results[label]["rank"]
        f = results[label]["static_floor"]
        print(
            f"{label:6} {r['n']:>8} {r['p50_ms']:>9} {r['p95_ms']:>9} {r['p99_ms']:>9}   "
            f"{f['p95_ms']} (x{results[label]['p95_over_floor']})"
        )
    print(
        f"warm p95 target 300 ms: {'met' if results['meets_target'] else 'MISSED'}; "
        f"answers {'all equal to the service' if ok else 'WRONG'}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Cost growth with the number of years: ingest and the main analytics on 1, 5, ... years.

    nice -n 10 .venv/bin/python benchmarks/bench_years.py --years 1,5 [--world-potential] [--json F]

For each N, scripts/synth_years.py writes N synthetic BACI years ending in 2024 (the last is
the embedded matrix itself), then, each in a fresh process on a fresh warehouse: `data
ingest baci`, `market RUS --sector leather`, `products IND` (RCA, proximity, density, PCI),
`rank IND --sector leather` (latest year; the first run computes and caches the pair terms),
with N >= 5 `rank ... --years LAST-4-LAST` (ITC's five-year average), and with
--world-potential the full-world `potential` to Parquet for the latest year and, N >= 5, for
the five-year average. Wall time, CPU time and the child's own peak RSS per step; the slope
is ingest CPU seconds per million rows (least squares over the N measured).

Checks before any time is reported: the ingest's row count equals the CSV's, each query
exits 0 and its JSON says the period it used (the latest year, or "FIRST-LAST average").
The CSV is deleted after its ingest, and the warehouse after each N (25 years is ~280 M
rows: check `df -h` first).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from _common import (
    PYTHON,
    REPO,
    TRADEPIVOT,
    Child,
    clean_env,
    fail_details,
    machine,
    run_child,
    table,
    write_json,
)

LAST = 2024


def _period(child: Child) -> str:
    return str(json.loads(child.stdout)["meta"]["query"].get("period"))


def _steps(n: int, name: str, out: Path, world: bool) -> list[tuple[str, list[str], str | None]]:
    """(step, argv, the period its JSON must report or None)."""
    tp = [TRADEPIVOT]
    avg = f"{LAST - 4}-{LAST}"
    steps: list[tuple[str, list[str], str | None]] = [
        (
            "market",
            [*tp, "market", "RUS", "--sector", "leather", "-d", name, "--format", "json"],
            str(LAST),
        ),
        ("products", [*tp, "products", "IND", "-d", name, "--format", "json"], None),
        (
            "rank",
            [*tp, "rank", "IND", "--sector", "leather", "-d", name, "--format", "json"],
            str(LAST),
        ),
    ]
    if n >= 5:
        steps.append(
            (
                "rank 5-year average",
                [
                    *tp,
                    "rank",
                    "IND",
                    "--sector",
                    "leather",
                    "-d",
                    name,
                    "--years",
                    avg,
                    "--format",
                    "json",
                ],
                f"{avg} average",
            )
        )
    if world:
        steps.append(
            (
                "world potential",
                [
                    *tp,
                    "potential",
                    "-d",
                    name,
                    "--format",
                    "parquet",
                    "--output",
                    str(out / "world.parquet"),
                    "--force",
                ],
                None,
            )
        )
        if n >= 5:
            steps.append(
                (
                    "world potential 5-year average",
                    [
                        *tp,
                        "potential",
                        "-d",
                        name,
                        "--years",
                        avg,
                        "--format",
                        "parquet",
                        "--output",
                        str(out / "world-avg.parquet"),
                        "--force",
                    ],
                    None,
                )
            )
    return steps


def _csv_rows(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f) - 1


def measure(n: int, root: Path, world: bool) -> tuple[list[dict[str, Any]], list[str]]:
    env = clean_env(root / "home")
    env["TRADEPIVOT_WAREHOUSE"] = str(root / f"w{n}.duckdb")
    env["TRADEPIVOT_CACHE_DIR"] = str(root / f"cache{n}")
    out = root / f"s{n}"
    rows: list[dict[str, Any]] = []
    failures: list[str] = []

    def record(step: str, child: Child, flows: int) -> None:
        rows.append(
            {
                "years": n,
                "step": step,
                "rows_m": flows / 1e6,
                "cpu_s": child.cpu_s,
                "wall_s": child.wall_s,
                "peak_gb": child.peak_rss_mb / 1024,
                "load": os.getloadavg()[0],
            }
        )

    synth = run_child(
        [PYTHON, str(REPO / "scripts" / "synth_years.py"), "--years", str(n), "--out", str(out)],
        env=env,
    )
    if not synth.ok():
        return rows, [f"synth {n}: {fail_details(synth)}"]
    (csv,) = out.glob("BACI_*.csv")
    flows = _csv_rows(csv)
    record("synth_years.py", synth, flows)
    name = f"synth-{n}y"
    ingest = run_child([TRADEPIVOT, "data", "ingest", "baci", str(csv), "--name", name], env=env)
    csv.unlink()
    if not ingest.ok() or f"{flows:,} rows" not in ingest.stdout.replace("\n", " "):
        return rows, [f"ingest {n}: expected {flows:,} rows; {fail_details(ingest)}"]
    record("data ingest baci", ingest, flows)
    for step, argv, period in _steps(n, name, out, world):
        child = run_child(argv, env=env)
        if not child.ok():
            failures.append(f"{step} ({n} years): {fail_details(child)}")
            continue
        if period is not None and _period(child) != period:
            failures.append(f"{step} ({n} years): period {_period(child)!r}, not {period!r}")
            continue
        record(step, child, flows)
    for path in root.glob(f"w{n}.duckdb*"):
        path.unlink()
    for path in out.glob("*.parquet*"):
        path.unlink()
    return rows, failures


def slope(rows: list[dict[str, Any]], step: str) -> float | None:
    """CPU seconds per million rows (least squares through the measured N)."""
    points = [(r["rows_m"], r["cpu_s"]) for r in rows if r["step"] == step]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--years", default="1,5", help="comma-separated year counts (1,5,25)")
    parser.add_argument(
        "--world-potential", action="store_true", help="also the full-world potential"
    )
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.years.split(",")]
    info = machine()
    rows: list[dict[str, Any]] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="tp-bench-years-") as tmp:
        for n in counts:
            got, failed = measure(n, Path(tmp), args.world_potential)
            rows += got
            failures += failed
    headers = ["years", "step", "rows M", "CPU s", "wall s", "peak GB", "load"]
    print(table(headers, [[r[k] for r in [row] for k in r] for row in rows]))
    slopes = {s: slope(rows, s) for s in ("synth_years.py", "data ingest baci")}
    for step, value in slopes.items():
        if value is not None:
            print(f"slope, {step}: {value:.2f} CPU s per million rows")
    for failure in failures:
        print(f"CHECK FAILED: {failure}", file=sys.stderr)
    write_json(args.json, {"machine": info, "rows": rows, "slopes": slopes, "failures": failures})
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

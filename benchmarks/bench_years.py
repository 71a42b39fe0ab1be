"""Cost growth with the number of years: ingest and the main analytics on 1, 5, ... years.

    nice -n 10 .venv/bin/python benchmarks/bench_years.py --years 1,5,25 [--world-potential [N,..]]
        [--spark N,..] [--workdir DIR] [--json F]

For each N, scripts/synth_years.py writes N synthetic BACI years ending in 2024 (the last is
the embedded matrix itself), then, each in a fresh process on a fresh warehouse: `data
ingest baci`, `market RUS --sector leather`, `products IND` (RCA, proximity, density, PCI),
`rank IND --sector leather` (latest year; the first run computes and caches the pair terms),
with N >= 5 `rank ... --years LAST-4-LAST` (ITC's five-year average), and with
--world-potential the full-world `potential` to Parquet for the latest year and, N >= 5, for
the five-year average (``--world-potential 25``: only for those N). With ``--spark 5`` the
queries run again on the Spark engine (``TRADEPIVOT_ENGINE=spark``, local[2] unless
``TRADEPIVOT_SPARK_MASTER`` says otherwise) for those N; the first Spark query includes
writing the dataset's Parquet copy, one file per year, that Spark reads. Wall time, CPU
time and peak RSS per step, of the child and of the children it waited for: for Spark that
includes the JVM (PySpark waits for it when the warehouse closes), and the peak is the larger
of the Python process and the JVM, not their sum. The slope is CPU seconds per million rows
(least squares over the N measured). Each step is printed, and the JSON rewritten, as
soon as it is measured, so a run stopped early keeps what it measured.

Checks before any time is reported: the ingest's row count equals the CSV's, each query
exits 0 and its JSON says the period it used (the latest year, or "FIRST-LAST average").
The CSV is deleted after its ingest, and the warehouse after each N. Before each N the free
disk is checked against ~55 bytes a row (CSV ~37, warehouse ~12, Parquet copy for Spark):
an N that does not fit is skipped with a message, not started.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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
ROWS_PER_YEAR = 9.93e6  # the embedded 2024 matrix; earlier synthetic years have ~90% of it
BYTES_PER_ROW = 55  # CSV ~37, warehouse ~12, Parquet copy for Spark ~6


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
    lines = 0
    with path.open("rb") as f:
        while block := f.read(64 * 2**20):
            lines += block.count(b"\n")
    return lines - 1


class Progress:
    """Rows measured so far: each printed, and the JSON rewritten, as it comes."""

    def __init__(self, json_path: Path | None, info: dict[str, Any]) -> None:
        self.json_path = json_path
        self.info = info
        self.rows: list[dict[str, Any]] = []
        self.failures: list[str] = []

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        print(
            f"{row['years']:>3} years  {row['step']:<40} {row['rows_m']:8.2f} M rows  "
            f"CPU {row['cpu_s']:8.1f} s  wall {row['wall_s']:8.1f} s  "
            f"peak {row['peak_gb']:5.2f} GB  load {row['load']:5.1f}",
            flush=True,
        )
        self.save()

    def fail(self, message: str) -> None:
        self.failures.append(message)
        print(f"CHECK FAILED: {message}", file=sys.stderr, flush=True)
        self.save()

    def save(self) -> None:
        if self.json_path is None:
            return
        payload = {"machine": self.info, "rows": self.rows, "failures": self.failures}
        self.json_path.parent.mkdir(parents=True, exist_ok=True)
        self.json_path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def _spark_steps(n: int, name: str) -> list[tuple[str, list[str], str | None]]:
    """The one-year queries (and, N >= 5, the five-year average) on the Spark engine."""
    return [
        (f"spark: {step}", argv, period)
        for step, argv, period in _steps(n, name, Path(), world=False)
    ]


def measure(n: int, root: Path, world: bool, spark: bool, progress: Progress) -> None:
    need = n * ROWS_PER_YEAR * BYTES_PER_ROW
    free = shutil.disk_usage(root).free
    if free < 1.2 * need:
        progress.fail(
            f"{n} years skipped: needs ~{need / 1e9:.0f} GB of disk, {free / 1e9:.0f} GB free "
            f"in {root}"
        )
        return
    env = clean_env(root / "home")
    env["TRADEPIVOT_WAREHOUSE"] = str(root / f"w{n}.duckdb")
    env["TRADEPIVOT_CACHE_DIR"] = str(root / f"cache{n}")
    out = root / f"s{n}"

    def record(step: str, child: Child, flows: int) -> None:
        progress.add(
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
        progress.fail(f"synth {n}: {fail_details(synth)}")
        return
    (csv,) = out.glob("BACI_*.csv")
    flows = _csv_rows(csv)
    record("synth_years.py", synth, flows)
    name = f"synth-{n}y"
    ingest = run_child([TRADEPIVOT, "data", "ingest", "baci", str(csv), "--name", name], env=env)
    csv.unlink()
    if not ingest.ok() or f"{flows:,} rows" not in ingest.stdout.replace("\n", " "):
        progress.fail(f"ingest {n}: expected {flows:,} rows; {fail_details(ingest)}")
        return
    record("data ingest baci", ingest, flows)
    steps = [(s, a, p, env) for s, a, p in _steps(n, name, out, world)]
    if spark:
        spark_env = {**env, "TRADEPIVOT_ENGINE": "spark"}
        steps += [(s, a, p, spark_env) for s, a, p in _spark_steps(n, name)]
    for step, argv, period, step_env in steps:
        child = run_child(argv, env=step_env)
        if not child.ok():
            progress.fail(f"{step} ({n} years): {fail_details(child)}")
            continue
        if period is not None and _period(child) != period:
            progress.fail(f"{step} ({n} years): period {_period(child)!r}, not {period!r}")
            continue
        record(step, child, flows)
    for path in root.glob(f"w{n}.duckdb*"):
        path.unlink()
    for path in out.glob("*.parquet*"):
        path.unlink()
    shutil.rmtree(root / f"cache{n}", ignore_errors=True)


def slope(rows: list[dict[str, Any]], step: str) -> float | None:
    """CPU seconds per million rows (least squares through the measured N)."""
    points = [(r["rows_m"], r["cpu_s"]) for r in rows if r["step"] == step]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else None


def _counts(text: str) -> list[int]:
    return [int(c) for c in text.split(",") if c.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--years", default="1,5", help="comma-separated year counts (1,5,25)")
    parser.add_argument(
        "--world-potential",
        nargs="?",
        const="all",
        help="also the full-world potential (for every N, or only for the N listed: 25)",
    )
    parser.add_argument("--spark", default="", help="N to query on the Spark engine too (5)")
    parser.add_argument("--workdir", type=Path, help="where the CSV and warehouse go (a temp dir)")
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    args = parser.parse_args(argv)
    counts = _counts(args.years)
    world = set(counts) if args.world_potential == "all" else _counts(args.world_potential or "")
    spark = set(_counts(args.spark))
    progress = Progress(args.json, machine())
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tp-bench-years-", dir=args.workdir) as tmp:
        for n in counts:
            measure(n, Path(tmp), n in world, n in spark, progress)
    rows = progress.rows
    headers = ["years", "step", "rows M", "CPU s", "wall s", "peak GB", "load"]
    print(table(headers, [[r[k] for r in [row] for k in r] for row in rows]))
    slopes = {s: slope(rows, s) for s in ("synth_years.py", "data ingest baci")}
    for step, value in slopes.items():
        if value is not None:
            print(f"slope, {step}: {value:.2f} CPU s per million rows")
    for failure in progress.failures:
        print(f"CHECK FAILED: {failure}", file=sys.stderr)
    write_json(
        args.json,
        {"machine": progress.info, "rows": rows, "slopes": slopes, "failures": progress.failures},
    )
    return 1 if progress.failures else 0


if __name__ == "__main__":
    sys.exit(main())

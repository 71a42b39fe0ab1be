#!/usr/bin/env python3
"""Cold CLI: process start to printed output for the commands a user types most.

Runs each command N times, interleaved (round r runs every command once, in a rotated
order), each in a fresh process, and reports min / median / max wall time and peak RSS.
With ``--baseline-src DIR`` (the ``src`` folder of another checkout, e.g. made with
``git archive <commit> src | tar -x -C DIR/..``) every command also runs against that code
(``PYTHONPATH=DIR``, same interpreter and packages) in the same rounds, so a before/after
ratio is measured under the same load. Both variants start the same way:
``python -c "from tradepivot.__main__ import run; run()" ARGS`` (what the console script does).

``flows-first`` is ``flows`` with an empty cache folder each run: what a first question
costs (derived tables computed, the queries compiled to SQL); the other commands run with
the cache the untimed round filled, as every later question does.

Checks before anything is reported: every command exits 0; ``--version`` prints the
version; ``--help`` lists the commands; the JSON outputs parse, ``flows`` totals 4.81 bn USD
(±0.5%) and, with a baseline, every JSON output has the same rows as the baseline's.

    python benchmarks/bench_cli.py [--runs 7] [--baseline-src DIR] [--json out.json] [--strict]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from _common import PYTHON, Child, clean_env, machine, run_child, summary, table, write_json

START = "import sys; sys.argv[0] = 'tradepivot'; from tradepivot.__main__ import run; run()"

COMMANDS: dict[str, list[str]] = {
    "version": ["--version"],
    "help": ["--help"],
    "flows": ["flows", "--exporter", "IND", "--importer", "RUS", "--format", "json"],
    "market": ["market", "RUS", "--sector", "leather", "--format", "json"],
    "rank": ["rank", "IND", "--sector", "leather", "--format", "json"],
    # The same flows with an empty cache folder every run: the first question a new user
    # asks (derived tables computed, queries compiled to SQL) rather than the next ones.
    "flows-first": ["flows", "--exporter", "IND", "--importer", "RUS", "--format", "json"],
}
# Issue 13's targets (median wall time, seconds); first runs have none.
TARGETS = {
    "version": 0.3,
    "help": 0.3,
    "flows": 1.0,
    "market": 1.0,
    "rank": 1.0,
    "flows-first": math.inf,
}


def _check(key: str, child: Child) -> list[str]:
    problems: list[str] = []
    if not child.ok():
        return [f"{key}: exit {child.returncode}: {child.stderr.strip()[-300:]}"]
    if key == "version" and not child.stdout.startswith("tradepivot "):
        problems.append(f"version: unexpected output {child.stdout[:80]!r}")
    elif key == "help" and ("flows" not in child.stdout or "rank" not in child.stdout):
        problems.append("help: the commands are not listed")
    elif key in ("flows", "market", "rank", "flows-first"):
        try:
            payload = json.loads(child.stdout)
        except json.JSONDecodeError as exc:
            return [f"{key}: output is not JSON ({exc})"]
        if key in ("flows", "flows-first"):
            total = sum(row["value_usd"] for row in payload["rows"])
            if abs(total / 4.81e9 - 1) > 0.005:
                problems.append(f"flows: total {total:,.0f} USD, expected ~4.81 bn")
    return problems


def _rows(child: Child) -> Any:
    return json.loads(child.stdout)["rows"]


def _same(a: Any, b: Any) -> bool:
    """Equal, numbers to 1e-9 relative (DuckDB's parallel sums differ in the last bits)."""
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, int | float) or not isinstance(b, int | float):
            return False
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline-src", type=Path, default=None)
    parser.add_argument("--only", nargs="*", choices=sorted(COMMANDS), default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    keys = args.only or list(COMMANDS)
    info = machine()  # load average at the start
    variants = {"now": None}
    if args.baseline_src is not None:
        variants["baseline"] = str(args.baseline_src.resolve())
    problems: list[str] = []
    runs: dict[tuple[str, str], list[Child]] = {(k, v): [] for k in keys for v in variants}
    with tempfile.TemporaryDirectory(prefix="tp-bench-cli-") as tmp:
        base_env = clean_env(Path(tmp))
        jobs = [(k, v) for k in keys for v in variants]

        # One untimed round fills the page cache and any user cache (both variants alike).
        def env_of(key: str, variant: str) -> dict[str, str]:
            env = dict(base_env)
            if variants[variant]:
                env["PYTHONPATH"] = variants[variant] or ""
            if key.endswith("-first"):
                env["TRADEPIVOT_CACHE_DIR"] = tempfile.mkdtemp(prefix="cache-", dir=tmp)
            return env

        for key, variant in jobs:
            run_child(
                [PYTHON, "-c", START, *COMMANDS[key]], env=env_of(key, variant), cwd=Path(tmp)
            )
        for r in range(args.runs):
            shift = r % len(jobs)
            for key, variant in jobs[shift:] + jobs[:shift]:
                env = env_of(key, variant)
                child = run_child([PYTHON, "-c", START, *COMMANDS[key]], env=env, cwd=Path(tmp))
                problems += [f"[{variant}] {p}" for p in _check(key, child)]
                runs[(key, variant)].append(child)
    if "baseline" in variants and not problems:
        for key in keys:
            if key in ("flows", "market", "rank", "flows-first"):
                now, before = runs[(key, "now")][0], runs[(key, "baseline")][0]
                if not _same(_rows(now), _rows(before)):
                    problems.append(f"{key}: rows differ from the baseline's")

    header = [
        "command",
        "min s",
        "median s",
        "max s",
        "CPU s",
        "peak RSS MB",
        "target s",
        "verdict",
    ]
    if "baseline" in variants:
        header += ["baseline median s", "baseline CPU s", "now / baseline"]
    rows: list[list[Any]] = []
    results: dict[str, Any] = {}
    for key in keys:
        now = summary([c.wall_s for c in runs[(key, "now")]])
        cpu = statistics.median(c.cpu_s for c in runs[(key, "now")])
        rss = max(c.peak_rss_mb for c in runs[(key, "now")])
        verdict = "PASS" if now["median"] <= TARGETS[key] else "FAIL"
        if math.isinf(TARGETS[key]):
            verdict = "-"
        row: list[Any] = [
            key,
            now["min"],
            now["median"],
            now["max"],
            cpu,
            rss,
            TARGETS[key],
            verdict,
        ]
        results[key] = {
            "now": {**now, "cpu_median_s": cpu, "peak_rss_mb": rss, "target_s": TARGETS[key]}
        }
        if "baseline" in variants:
            base = summary([c.wall_s for c in runs[(key, "baseline")]])
            base_cpu = statistics.median(c.cpu_s for c in runs[(key, "baseline")])
            base_rss = max(c.peak_rss_mb for c in runs[(key, "baseline")])
            ratio = now["median"] / base["median"]
            row += [base["median"], base_cpu, f"{ratio:.2f}x"]
            results[key]["baseline"] = {**base, "cpu_median_s": base_cpu, "peak_rss_mb": base_rss}
            results[key]["ratio_median"] = ratio
        rows.append(row)
    load_end = [round(x, 2) for x in os.getloadavg()]
    print(
        f"Cold CLI, {args.runs} interleaved runs per command ({' '.join(variants)}), "
        f"{info['date']}, load average (1/5/15 min) {info['loadavg_at_start']} at the start, "
        f"{load_end} at the end"
    )
    print(table(header, rows))
    for problem in problems:
        print("CHECK FAILED:", problem)
    if not problems:
        print("All checks passed.")
    write_json(
        args.json,
        {
            "machine": {**info, "loadavg_at_end": load_end},
            "runs": args.runs,
            "results": results,
            "problems": problems,
        },
    )
    missed = any(r[7] == "FAIL" for r in rows)
    return 1 if problems or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())

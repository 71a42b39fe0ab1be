"""Cold-start CLI latency: `tradepivot flows` and `tradepivot market` in fresh processes.

Each run starts a new process (the installed console script next to ``sys.executable``) and
times it from spawn to exit, with the child's own peak RSS. The baseline, measured in the same
run with the same process-per-run treatment, is a straightforward pandas script that reads the
embedded world-matrix Parquet files, filters and groups, and prints JSON. Runs of all commands
are interleaved so background load hits them alike; one discarded warm-up round first fills the
OS page cache (a *process* cold start, not a cold disk).

    /work/venv/bin/python benchmarks/bench_cold_start.py [--runs 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import (
    PYTHON,
    REPO,
    TRADEPIVOT,
    WORLD_GLOB,
    Child,
    clean_env,
    fail_details,
    machine,
    run_child,
    summary,
    table,
    write_json,
)

TARGET_S = 3.0  # issue: `tradepivot flows` cold start <= 3 s on a 2-core machine (DESIGN.md §7)
EXPECTED_IND_RUS_USD = 4.81e9
EXPECTED_TOLERANCE = 0.005
LEATHER_CHAPTERS = (41, 42, 43, 64)  # the shipped `leather` sector: HS 41, 42, 43, 64

# --------------------------------------------------------------------------- baselines
# Straightforward pandas: read every part with the four columns, filter in pandas, group.
_READ = """
import glob, json, sys
import pandas as pd
pattern = sys.argv[1]
df = pd.concat(
    [pd.read_parquet(f, columns=["importer", "exporter", "hs6", "value_usd"])
     for f in sorted(glob.glob(pattern))],
    ignore_index=True,
)
"""

BASELINE_FLOWS = (
    _READ
    + """
exporter, importer = sys.argv[2], sys.argv[3]
sel = df[(df["exporter"] == exporter) & (df["importer"] == importer)]
by_hs6 = sel.groupby("hs6")["value_usd"].sum().sort_values(ascending=False)
total = float(by_hs6.sum())
print(json.dumps({
    "exporter": exporter, "importer": importer,
    "total_value_usd": total, "products": int(len(by_hs6)),
    "rows": [{"hs6": f"{int(k):06d}", "value_usd": float(v), "share_pct": 100 * float(v) / total}
             for k, v in by_hs6.items()],
}, indent=2))
"""
)

BASELINE_MARKET = (
    _READ
    + """
market, focus = sys.argv[2], sys.argv[3]
chapters = [int(c) for c in sys.argv[4].split(",")]
sel = df[df["importer"] == market]
if pd.api.types.is_integer_dtype(sel["hs6"]):  # the matrix has stored hs6 as int and as text
    sel = sel[(sel["hs6"] // 10000).isin(chapters)]
else:
    sel = sel[sel["hs6"].str[:2].isin([f"{c:02d}" for c in chapters])]
total = float(sel["value_usd"].sum())
products = sel.groupby("hs6")["value_usd"].sum().sort_values(ascending=False)
suppliers = sel.groupby("exporter")["value_usd"].sum().sort_values(ascending=False)
ranks = {code: i + 1 for i, code in enumerate(suppliers.index)}
print(json.dumps({
    "market": market, "imports_usd": total,
    "products": int(len(products)), "suppliers": int(len(suppliers)),
    "focus": focus, "focus_value_usd": float(suppliers.get(focus, 0.0)),
    "focus_rank": ranks.get(focus),
    "top_products": [{"hs6": f"{int(k):06d}", "imports_usd": float(v)}
                     for k, v in products.head(20).items()],
    "top_suppliers": [{"iso3": k, "value_usd": float(v), "share_pct": 100 * float(v) / total}
                      for k, v in suppliers.head(20).items()],
}, indent=2))
"""
)


@dataclass
class Case:
    key: str
    label: str
    argv: list[str]
    baseline: str | None = None  # key of the case this one is compared with
    runs: list[Child] = field(default_factory=list)
    warmup: Child | None = None

    def walls(self) -> list[float]:
        return [c.wall_s for c in self.runs]


def cases() -> list[Case]:
    pattern = str(WORLD_GLOB)
    return [
        Case(
            "flows",
            "tradepivot flows --exporter IND --importer RUS --format json",
            [TRADEPIVOT, "flows", "--exporter", "IND", "--importer", "RUS", "--format", "json"],
            baseline="baseline_flows",
        ),
        Case(
            "baseline_flows",
            "baseline: pandas read_parquet + filter IND->RUS + groupby hs6",
            [PYTHON, "-c", BASELINE_FLOWS, pattern, "IND", "RUS"],
        ),
        Case(
            "market",
            "tradepivot market RUS --sector leather --format json",
            [TRADEPIVOT, "market", "RUS", "--sector", "leather", "--format", "json"],
            baseline="baseline_market",
        ),
        Case(
            "baseline_market",
            "baseline: pandas read_parquet + RUS imports HS 41-43,64 by product/supplier",
            [
                PYTHON,
                "-c",
                BASELINE_MARKET,
                pattern,
                "RUS",
                "IND",
                ",".join(map(str, LEATHER_CHAPTERS)),
            ],
        ),
        Case(
            "version",
            "reference: tradepivot --version (interpreter + CLI imports)",
            [TRADEPIVOT, "--version"],
        ),
    ]


# --------------------------------------------------------------------------- checks
def _rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b) if b else abs(a)


def check(by_key: dict[str, Case]) -> list[dict[str, Any]]:
    """Correctness of the last run's outputs: JSON parses, totals agree."""
    results: list[dict[str, Any]] = []

    def add(name: str, ok: bool, detail: str) -> None:
        results.append({"check": name, "ok": bool(ok), "detail": detail})

    parsed: dict[str, Any] = {}
    for key, case in by_key.items():
        if key == "version":
            continue
        last = case.runs[-1]
        try:
            parsed[key] = json.loads(last.stdout)
            add(f"{key}: output is JSON", True, f"{len(last.stdout):,} bytes")
        except json.JSONDecodeError as exc:
            add(f"{key}: output is JSON", False, f"{exc}; stdout starts {last.stdout[:200]!r}")
    if "flows" in parsed:
        total = float(parsed["flows"]["meta"]["totals"]["value_usd"])
        add(
            "flows: IND->RUS total is 4.81 bn USD (±0.5%)",
            _rel(total, EXPECTED_IND_RUS_USD) <= EXPECTED_TOLERANCE,
            f"{total:,.0f} USD",
        )
        if "baseline_flows" in parsed:
            base = parsed["baseline_flows"]
            add(
                "flows: total equals the pandas baseline",
                _rel(total, base["total_value_usd"]) <= 1e-9,
                f"tradepivot {total:,.0f} vs baseline {base['total_value_usd']:,.0f}",
            )
            products = parsed["flows"]["meta"]["totals"].get("products")
            add(
                "flows: product count equals the pandas baseline",
                products == base["products"],
                f"tradepivot {products} vs baseline {base['products']}",
            )
    if "market" in parsed and "baseline_market" in parsed:
        totals = parsed["market"]["meta"]["totals"]
        base = parsed["baseline_market"]
        add(
            "market: RUS leather imports equal the pandas baseline",
            _rel(float(totals["imports_usd"]), base["imports_usd"]) <= 1e-9,
            f"tradepivot {totals['imports_usd']:,.0f} vs baseline {base['imports_usd']:,.0f}",
        )
        add(
            "market: products / suppliers / IND value equal the baseline",
            (totals.get("products"), totals.get("suppliers"))
            == (base["products"], base["suppliers"])
            and _rel(float(totals.get("focus_value_usd") or 0.0), base["focus_value_usd"]) <= 1e-9,
            f"tradepivot {totals.get('products')}/{totals.get('suppliers')}/"
            f"{totals.get('focus_value_usd')} vs baseline "
            f"{base['products']}/{base['suppliers']}/{base['focus_value_usd']}",
        )
    return results


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per command (default 5)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the discarded warm-up round")
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when the 3 s target is missed"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not Path(TRADEPIVOT).exists():
        print(f"console script not found: {TRADEPIVOT}", file=sys.stderr)
        return 2

    info = machine()
    all_cases = cases()
    by_key = {c.key: c for c in all_cases}
    with tempfile.TemporaryDirectory(prefix="tp-bench-cold-") as tmp:
        env = clean_env(Path(tmp))
        rounds = ([] if args.no_warmup else [False]) + [True] * args.runs
        for measured in rounds:
            tag = f"run {len(all_cases[0].runs) + 1}/{args.runs}" if measured else "warm-up"
            for case in all_cases:
                child = run_child(case.argv, env=env, cwd=REPO)
                if not child.ok():
                    print(
                        f"FAILED ({tag}) {case.label}\n    {fail_details(child)}", file=sys.stderr
                    )
                    return 1
                if measured:
                    case.runs.append(child)
                else:
                    case.warmup = child
            last = {c.key: (c.runs[-1] if measured else c.warmup) for c in all_cases}
            print(
                f"  {tag}: " + ", ".join(f"{k} {v.wall_s:.2f}s" for k, v in last.items()),
                flush=True,
            )

    checks = check(by_key)
    results: dict[str, Any] = {}
    rows = []
    for case in all_cases:
        stats = summary(case.walls())
        rss = max(c.peak_rss_mb for c in case.runs)
        entry: dict[str, Any] = {
            "label": case.label,
            "argv": [
                "<pandas script, see BASELINE_*>" if i == 2 and case.argv[1] == "-c" else a
                for i, a in enumerate(case.argv)
            ],
            "wall_s": stats,
            "wall_s_all": case.walls(),
            "peak_rss_mb": rss,
            "peak_rss_mb_all": [c.peak_rss_mb for c in case.runs],
        }
        ratio = ""
        if case.baseline:
            base = by_key[case.baseline]
            entry["ratio_vs_baseline"] = {
                "median": stats["median"] / summary(base.walls())["median"],
                "min": stats["min"] / summary(base.walls())["min"],
                "peak_rss": rss / max(c.peak_rss_mb for c in base.runs),
            }
            ratio = f"{entry['ratio_vs_baseline']['median']:.2f}x"
        results[case.key] = entry
        rows.append([case.key, stats["min"], stats["median"], stats["max"], round(rss), ratio])

    flows_median = results["flows"]["wall_s"]["median"]
    market_median = results["market"]["wall_s"]["median"]
    targets = {
        "flows_cold_start_le_3s": {
            "target_s": TARGET_S,
            "median_s": flows_median,
            "pass": flows_median <= TARGET_S,
        },
        "market_cold_start_le_3s": {
            "target_s": TARGET_S,
            "median_s": market_median,
            "pass": market_median <= TARGET_S,
        },
    }

    print()
    print(
        f"Cold start, {args.runs} fresh processes per command, {info['cpus']} CPUs, "
        f"{info['memory_gb']} GB, {info['date']}"
    )
    print(table(["command", "min s", "median s", "max s", "peak RSS MB", "median vs base"], rows))
    print()
    for case in all_cases:
        print(f"  {case.key:16} {case.label}")
    print()
    for item in checks:
        print(f"  [{'ok' if item['ok'] else 'FAIL'}] {item['check']}: {item['detail']}")
    print()
    for name, target in targets.items():
        verdict = "PASS" if target["pass"] else "FAIL"
        command = name.split("_")[0]
        print(
            f"  {verdict}: tradepivot {command} cold start median {target['median_s']:.2f} s "
            f"(target <= {target['target_s']:g} s)"
        )

    write_json(
        args.json,
        {
            "benchmark": "cold_start",
            "machine": info,
            "runs": args.runs,
            "warmup": not args.no_warmup,
            "results": results,
            "checks": checks,
            "targets": targets,
        },
    )
    if not all(c["ok"] for c in checks):
        return 1
    if args.strict and not targets["flows_cold_start_le_3s"]["pass"]:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

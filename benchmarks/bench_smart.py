"""SMART-style tariff shock on one whole market: every product and partner of US imports 2024.

Workload: the embedded US Census imports of 2024 (``us_census_2024``, HS6 after the
HS2022 -> HS2017 concordance), summed per partner and HS6 code: 103,623 flows, 5,279 products,
51 partners (some, such as EU27, are Census aggregates). The tariff before is the duty
collected over the value (0 where the value is 0); the scenario raises India's tariff on every
product by 50 percentage points (t1 = t0 + 0.5 for exporter IND, t1 = t0 otherwise), with the
central elasticities (eps = -1, sigma = 1.5).

tradepivot runs ``tariffs.smart.simulate`` on the Arrow table. The baseline, measured in the
same run, is a straightforward pandas implementation of the same formulas (element-wise Series
arithmetic, ``groupby("product").transform("sum")`` for the per-product totals) on a DataFrame
converted from the same table beforehand. Only the call is timed (data loading and the
DataFrame conversion are reported separately); the two calls alternate in every round, after
one untimed warm-up call each. Peak memory is measured in one fresh child process per
implementation (same data, one call): Python/numpy allocations traced by ``tracemalloc`` plus
the growth of Arrow's memory pool during the call, and the child's peak RSS for context
(mostly DuckDB loading the data).

Checks: both agree on every row (value after to 1e-9 relative; price ratio too; creation,
diversion and change to 1e-9 of the flow's value before or after, whichever is larger, since
they are differences); diversion nets to zero in every product (1e-9 of its imports); no value
after is negative and no partner loses more than it sold.

    /work/venv/bin/python benchmarks/bench_smart.py [--runs 20] [--json out.json] [--strict]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from _common import PYTHON, REPO, clean_env, fail_details, machine, run_child, table, write_json

from tradepivot.config import Settings
from tradepivot.data.warehouse import Warehouse
from tradepivot.tariffs.smart import Elasticities, simulate, simulate_range

TARGET_S = 1.0  # a whole market (~100k flows) simulated in at most 1 s
TOLERANCE = 1e-9
SHOCKED = "IND"
RISE = 0.5  # +50 percentage points
CASE = Elasticities()  # central: eps -1, sigma 1.5
OUTPUTS = ("price_ratio", "creation_usd", "diversion_usd", "value_after_usd", "change_usd")
QUERY = """
SELECT partner AS exporter, hs6 AS product, sum(value_usd) AS v, sum(duty_usd) AS d
FROM us_census_2024 WHERE length(hs6) = 6 GROUP BY ALL ORDER BY product, exporter
"""


def load(folder: Path) -> pa.Table:
    """The scenario's input table (product, exporter, value_usd, tariff_before, tariff_after)."""
    with Warehouse(Settings(warehouse=folder / "none.duckdb")) as wh:
        result = wh.con.sql(QUERY).arrow()
        raw = result.read_all() if isinstance(result, pa.RecordBatchReader) else result
    value = raw.column("v").to_numpy()
    duty = raw.column("d").to_numpy()
    t0 = np.divide(duty, value, out=np.zeros_like(value), where=value > 0)
    shocked = raw.column("exporter").to_numpy(zero_copy_only=False) == SHOCKED
    t1 = np.where(shocked, t0 + RISE, t0)
    return pa.table(
        {
            "product": raw.column("product"),
            "exporter": raw.column("exporter"),
            "value_usd": value,
            "tariff_before": t0,
            "tariff_after": t1,
        }
    )


def pandas_baseline(df: pd.DataFrame, eps: float, sigma: float) -> pd.DataFrame:
    """The same formulas, written the obvious pandas way."""
    v, t0, t1 = df["value_usd"], df["tariff_before"], df["tariff_after"]
    v1 = (v * (1 + eps * (t1 - t0) / (1 + t0))).clip(lower=0)
    price = (1 + t1) / (1 + t0)
    w = v1 * price ** (1 - sigma)
    groups = pd.DataFrame({"v1": v1, "w": w}).groupby(df["product"], sort=False)
    m1 = groups["v1"].transform("sum")
    w_total = groups["w"].transform("sum")
    v2 = (m1 * w / w_total).where(w_total > 0, v1)
    return df.assign(
        price_ratio=price,
        creation_usd=v1 - v,
        diversion_usd=v2 - v1,
        value_after_usd=v2,
        change_usd=v2 - v,
    )


def _call(
    key: str, data: pa.Table, df: pd.DataFrame | None
) -> Callable[[], pa.Table | pd.DataFrame]:
    if key == "tradepivot":
        return lambda: simulate(data, CASE)
    assert df is not None
    return lambda: pandas_baseline(df, CASE.import_demand, CASE.substitution)


def memory_child(key: str) -> int:
    """One call in this fresh process: tracemalloc peak and the Arrow pool's growth (JSON)."""
    with tempfile.TemporaryDirectory(prefix="tp-bench-smart-child-") as tmp:
        data = load(Path(tmp))
    df = data.to_pandas() if key == "pandas" else None
    call = _call(key, data, df)
    pool = pa.default_memory_pool()
    gc.collect()
    before = pool.bytes_allocated()
    # The pool's high-water mark measures this call only if nothing rose above `before` yet.
    clean = pool.max_memory() == before
    tracemalloc.start()
    result = call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    arrow = (pool.max_memory() - before) / 2**20 if clean else None
    print(
        json.dumps(
            {
                "tracemalloc_peak_mb": peak / 2**20,
                "arrow_pool_peak_mb": arrow,
                "rows": len(result),
            }
        )
    )
    return 0


def _frame(result: pa.Table | pd.DataFrame) -> dict[str, np.ndarray[Any, np.dtype[np.float64]]]:
    if isinstance(result, pa.Table):
        return {name: result.column(name).to_numpy() for name in ("value_usd", *OUTPUTS)}
    return {name: result[name].to_numpy(dtype=np.float64) for name in ("value_usd", *OUTPUTS)}


def check(
    ours: pa.Table, theirs: pd.DataFrame, products: np.ndarray[Any, Any]
) -> list[dict[str, Any]]:
    """Row-by-row agreement with the baseline and the model's accounting identities."""
    results: list[dict[str, Any]] = []

    def add(name: str, ok: bool, detail: str) -> None:
        results.append({"check": name, "ok": bool(ok), "detail": detail})

    a, b = _frame(ours), _frame(theirs)
    v = a["value_usd"]
    flow = np.maximum(np.maximum(v, np.abs(b["value_after_usd"])), 1e-300)
    worst = {}
    for name in OUTPUTS:
        scale = (
            np.maximum(np.abs(b[name]), 1e-300)
            if name in ("price_ratio", "value_after_usd")
            else flow
        )
        worst[name] = float(np.max(np.abs(a[name] - b[name]) / scale)) if len(v) else 0.0
    add(
        f"same results as pandas on all {len(v):,} rows (<= {TOLERANCE:g} relative)",
        all(x <= TOLERANCE for x in worst.values()),
        ", ".join(f"{k.removesuffix('_usd')} {x:.1e}" for k, x in worst.items()),
    )
    _, codes = np.unique(products, return_inverse=True)
    net = np.bincount(codes, weights=a["diversion_usd"])
    imports = np.bincount(codes, weights=v)
    deviation = float(np.max(np.abs(net) / np.maximum(imports, 1.0)))
    add(
        f"diversion nets to zero in each of {len(net):,} products",
        deviation <= TOLERANCE,
        f"max |net| / imports {deviation:.1e}",
    )
    after, change = a["value_after_usd"], a["change_usd"]
    add(
        "no flow negative after, no loss above the flow",
        bool((after >= 0).all() and (-change <= v).all()),
        f"min value after {after.min():,.2f} USD",
    )
    return results


def end_to_end(runs: int) -> dict[str, dict[str, Any]]:
    """The whole service on the whole US market: the figure a user waits for."""
    from tradepivot.data.warehouse import Warehouse
    from tradepivot.services.simulation import run_simulation

    out: dict[str, dict[str, Any]] = {}
    with Warehouse() as wh:
        for name in ("us-india-50.yaml", "us-stack-2025-09-01.yaml"):
            path = REPO / "examples" / "scenarios" / name
            seconds = []
            for _ in range(runs + 1):
                started = time.perf_counter()
                result = run_simulation(wh, path)
                seconds.append(time.perf_counter() - started)
            out[name] = {
                "rows": result.rows.num_rows,
                "first_s": seconds[0],
                "median_s": statistics.median(seconds[1:]),
                "all_s": seconds,
            }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed calls of each (default 20)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--no-warmup", action="store_true", help="skip the untimed first call")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    parser.add_argument("--memory-child", choices=("tradepivot", "pandas"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        return memory_child(args.memory_child)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    info = machine()
    with tempfile.TemporaryDirectory(prefix="tp-bench-smart-") as tmp:
        root = Path(tmp)
        env = clean_env(root / "home")
        os.environ.clear()
        os.environ.update(env)  # this process too: no user config or warehouse
        started = time.perf_counter()
        data = load(root)
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        df = data.to_pandas()
        convert_s = time.perf_counter() - started

        keys = ("tradepivot", "pandas")
        calls = {key: _call(key, data, df) for key in keys}
        times: dict[str, list[float]] = {key: [] for key in keys}
        last: dict[str, Any] = {}
        if not args.no_warmup:
            for key in keys:
                last[key] = calls[key]()
        for run in range(args.runs):
            for key in keys if run % 2 == 0 else keys[::-1]:  # alternate who goes first
                gc.collect()
                started = time.perf_counter()
                last[key] = calls[key]()
                times[key].append(time.perf_counter() - started)

        memory: dict[str, dict[str, Any]] = {}
        for key in keys:
            child = run_child(
                [PYTHON, str(Path(__file__).resolve()), "--memory-child", key], env=env, cwd=REPO
            )
            if not child.ok():
                print(f"FAILED memory child {key}\n    {fail_details(child)}", file=sys.stderr)
                return 1
            memory[key] = json.loads(child.stdout.strip().splitlines()[-1])
            memory[key]["child_peak_rss_mb"] = child.peak_rss_mb

    products = data.column("product").to_numpy(zero_copy_only=False)
    checks = check(last["tradepivot"], last["pandas"], products)
    ranges = simulate_range(data)

    results: dict[str, Any] = {}
    rows = []
    base_median = statistics.median(times["pandas"])
    labels = {
        "tradepivot": "tradepivot tariffs.smart.simulate",
        "pandas": "pandas baseline (groupby/transform)",
    }
    for key in keys:
        ms = [t * 1000 for t in times[key]]
        mem = memory[key]
        arrow = mem["arrow_pool_peak_mb"]
        traced = mem["tracemalloc_peak_mb"] + (arrow or 0.0)
        results[key] = {
            "label": labels[key],
            "ms": {"min": min(ms), "median": statistics.median(ms), "max": max(ms)},
            "ms_all": ms,
            "memory": mem,
            "ratio_vs_pandas": statistics.median(times[key]) / base_median,
        }
        rows.append(
            [
                labels[key],
                min(ms),
                statistics.median(ms),
                max(ms),
                traced,
                "n/a" if arrow is None else arrow,
                round(mem["child_peak_rss_mb"]),
                f"{results[key]['ratio_vs_pandas']:.2f}x",
            ]
        )

    value = data.column("value_usd").to_numpy()
    shocked = data.column("exporter").to_numpy(zero_copy_only=False) == SHOCKED
    scenario: dict[str, Any] = {
        "rows": data.num_rows,
        "products": len(np.unique(products)),
        "exporters": len(np.unique(data.column("exporter").to_numpy(zero_copy_only=False))),
        "imports_usd": float(value.sum()),
        "shocked_exports_usd": float(value[shocked].sum()),
        "load_s": load_s,
        "to_pandas_s": convert_s,
    }
    for name, result in ranges.items():
        change = result.column("change_usd").to_numpy()
        creation = result.column("creation_usd").to_numpy()
        diversion = result.column("diversion_usd").to_numpy()
        scenario[name] = {
            "shocked_change_usd": float(change[shocked].sum()),
            "shocked_creation_usd": float(creation[shocked].sum()),
            "shocked_diversion_usd": float(diversion[shocked].sum()),
            "others_gain_usd": float(diversion[~shocked].sum()),
            "market_change_usd": float(change.sum()),
        }

    service = end_to_end(max(3, min(args.runs, 5)))
    median_s = statistics.median(times["tradepivot"])
    target = {"target_s": TARGET_S, "median_s": median_s, "pass": median_s <= TARGET_S}
    print(
        f"SMART shock, US imports 2024: {scenario['rows']:,} flows, {scenario['products']:,} "
        f"products, {scenario['exporters']} partners; {SHOCKED} tariffs +{RISE:g}; "
        f"{args.runs} timed calls each"
    )
    print(f"{info['cpus']} CPUs, {info['memory_gb']} GB, {info['date']}")
    print(
        f"(not timed: data load {load_s:.2f} s, DataFrame conversion for pandas "
        f"{convert_s * 1000:.0f} ms)"
    )
    print()
    print(
        table(
            [
                "implementation",
                "min ms",
                "median ms",
                "max ms",
                "peak MB",
                "of it Arrow MB",
                "child RSS MB",
                "vs pandas",
            ],
            rows,
        )
    )
    print(
        "  peak MB = tracemalloc peak (Python, numpy) + Arrow pool growth, one call in a fresh "
        "process;\n  child RSS = that process' peak RSS, mostly DuckDB loading the data"
    )
    print()
    print(
        f"  {SHOCKED} exports to the US {scenario['shocked_exports_usd'] / 1e9:,.2f} bn USD "
        f"of {scenario['imports_usd'] / 1e9:,.1f} bn; change by elasticity case (bn USD):"
    )
    for name in ranges:
        s = scenario[name]
        print(
            f"    {name:8} {SHOCKED} {s['shocked_change_usd'] / 1e9:+8.2f} "
            f"(creation {s['shocked_creation_usd'] / 1e9:+.2f}, diversion "
            f"{s['shocked_diversion_usd'] / 1e9:+.2f}); other partners "
            f"{s['others_gain_usd'] / 1e9:+.2f}; market {s['market_change_usd'] / 1e9:+.2f}"
        )
    print()
    for item in checks:
        print(f"  [{'ok' if item['ok'] else 'FAIL'}] {item['check']}: {item['detail']}")
    print()
    print("  End to end through the service (run_simulation: Census rows from the warehouse,")
    print("  scenario duties, three elasticity cases), whole US market, median of runs:")
    for name, item in service.items():
        print(
            f"    {name:28} {item['rows']:,} rows  median {item['median_s'] * 1000:7.1f} ms  "
            f"(first call {item['first_s'] * 1000:.0f} ms)"
        )
    print()
    verdict = "PASS" if target["pass"] else "FAIL"
    print(
        f"  {verdict}: simulate on {scenario['rows']:,} flows, median {median_s * 1000:.1f} ms "
        f"(target <= {TARGET_S:g} s)"
    )
    write_json(
        args.json,
        {
            "benchmark": "smart",
            "machine": info,
            "runs": args.runs,
            "warmup": not args.no_warmup,
            "scenario": scenario,
            "results": results,
            "checks": checks,
            "target": target,
            "service_end_to_end": service,
        },
    )
    if not all(c["ok"] for c in checks):
        return 1
    if args.strict and not target["pass"]:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

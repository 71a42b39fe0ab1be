"""Full-world export potential (every exporter x product x market, 2024 matrix) in fresh processes.

tradepivot: in a fresh child, the Ibis expressions of ``analytics.potential`` on DuckDB, as
``PotentialContext`` runs them when nothing is cached: ``inputs()`` over all products,
materialised (``Warehouse.materialise``); ``pair_terms()`` computed *from scratch* with those
inputs (the shipped ``pair-terms-v1.parquet`` is not used) and materialised; then
``potential()`` for all exporters and markets, written with ``COPY ... TO`` a Parquet file
(every column of ``POTENTIAL_COLUMNS``, ~71 M rows).

Baseline, measured in the same run with the same process-per-run treatment: a straightforward
pandas implementation of the same formulas (``read_parquet`` of the embedded matrix and
``reference/geo_dist.parquet``, countries and products as integer codes, ``merge`` /
``groupby``), writing the same columns to Parquet. It runs under a memory cap (``RLIMIT_AS``,
``--pandas-max-gb``, default 20) and a time limit (``--pandas-timeout``, default 600 s); a
baseline that hits either is reported as such, not retried.

Checks, on the files the children wrote: in every (importer, hs6) of the matrix tradepivot's
potentials sum to the market's imports (max relative deviation <= 1e-9); 1,000 random rows of
tradepivot's output equal the baseline's (every numeric column, 1e-9 relative); tradepivot's
pair terms total the same hypothetical trade as the shipped file; both have the same row count.

    /work/venv/bin/python benchmarks/bench_potential.py [--runs 1] [--json out.json] [--profile]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from _common import (
    DATA,
    PYTHON,
    WORLD_GLOB,
    Child,
    clean_env,
    fail_details,
    machine,
    run_child,
    table,
    write_json,
)
from _profile import operators

TARGET_S = 60.0  # issue / DESIGN.md §7: full-world export potential <= 60 s ...
TARGET_RSS_MB = 8 * 1024  # ... and <= 8 GB (GiB, as ru_maxrss is reported) on 2 cores
GEO_DIST = DATA / "reference" / "geo_dist.parquet"
SHIPPED_PAIRS = DATA / "derived" / "world-2024" / "pair-terms-v1.parquet"
TOLERANCE = 1e-9
SAMPLE_ROWS = 1000
SAMPLE_SEED = 20241122
NUMERIC = (
    "value_usd",
    "exports_usd",
    "market_share",
    "tariff_disadvantage",
    "supply",
    "imports_usd",
    "tariff_advantage",
    "distance_factor",
    "demand",
    "trade_usd",
    "hypothetical_usd",
    "ease",
    "scale",
    "potential_usd",
    "untapped_usd",
    "world_share_gap_usd",
)

# --------------------------------------------------------------------------- tradepivot
# argv[1]: output folder. With argv[2] == "profile" the COPY runs with DuckDB's JSON profiler.
TRADEPIVOT_SCRIPT = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
import ibis
from tradepivot.analytics import potential
from tradepivot.config import Settings
from tradepivot.data.flows import flow_source
from tradepivot.data.warehouse import Warehouse
out = Path(sys.argv[1])
profile = len(sys.argv) > 2 and sys.argv[2] == "profile"
steps = {"import": time.perf_counter() - started}
mark = time.perf_counter()
def step(name):
    global mark
    now = time.perf_counter()
    steps[name] = now - mark
    mark = now

wh = Warehouse(Settings(warehouse=out / "none.duckdb"))
wh.con.execute("SET enable_progress_bar = false")  # stdout carries the JSON result
flows = flow_source(wh).table
distances = wh.reference_table("geo_dist")
data = potential.inputs(flows, distances).map(wh.materialise)
step("inputs")
pairs = wh.materialise(potential.pair_terms(flows, distances, data=data))
step("pair_terms")
wh.con.execute(f"COPY {pairs.get_name()} TO '{out / 'pair-terms.parquet'}' (FORMAT parquet)")
# As the service does it (write_world_potential): per-(market, product) totals materialised,
# then the rows streamed to Parquet by Warehouse.write_parquet.
rows = potential.potential(data, pairs, materialise=wh.materialise)
settings = dict(wh.con.execute(
    "SELECT name, value FROM duckdb_settings() "
    "WHERE name IN ('threads', 'memory_limit', 'preserve_insertion_order')").fetchall())
if profile:
    wh.con.execute("PRAGMA enable_profiling = 'json'")
    wh.con.execute(f"PRAGMA profiling_output = '{out / 'profile.json'}'")
wh.write_parquet(rows, out / "potential.parquet")
step("potential_copy")
print(json.dumps({"steps_s": steps, "duckdb": settings}))
"""

# --------------------------------------------------------------------------- pandas
# argv: world glob, geo_dist.parquet, output folder, memory cap in GB.
BASELINE_SCRIPT = """
import glob, json, resource, sys, time
from pathlib import Path
world_glob, geo_path, out, max_gb = sys.argv[1], sys.argv[2], Path(sys.argv[3]), float(sys.argv[4])
# A baseline that needs more than the cap fails with MemoryError instead of pushing a shared
# machine into the OOM killer.
limit = int(max_gb * 2**30)
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
started = time.perf_counter()
import numpy as np
import pandas as pd
steps = {"import": time.perf_counter() - started}
mark = time.perf_counter()
def step(name):
    global mark
    now = time.perf_counter()
    steps[name] = now - mark
    mark = now

# --- read the matrix and the distances; countries and products as integer codes
flows = pd.concat(
    [pd.read_parquet(f, columns=["exporter", "importer", "hs6", "value_usd"])
     for f in sorted(glob.glob(world_glob))],
    ignore_index=True,
)
geo = pd.read_parquet(geo_path, columns=["origin", "destination", "dist_km"])
geo = geo[geo["dist_km"] > 0]
countries = pd.CategoricalDtype(sorted(
    set(flows["exporter"].unique()) | set(flows["importer"].unique())
    | set(geo["origin"]) | set(geo["destination"])
))
for column in ("exporter", "importer"):
    flows[column] = flows[column].astype(countries).cat.codes
flows["hs6"] = flows["hs6"].astype("category")
products = flows["hs6"].cat.categories
flows["hs6"] = flows["hs6"].cat.codes
geo = pd.DataFrame({
    "exporter": geo["origin"].astype(countries).cat.codes,
    "importer": geo["destination"].astype(countries).cat.codes,
    "log_dist": np.log(geo["dist_km"]),
})
step("read")

# --- supply: world market share MS_ik = X_ik / sum_i X_ik (no tariff data: GTD = 1)
supply = flows.groupby(["exporter", "hs6"], as_index=False)["value_usd"].sum()
supply = supply.rename(columns={"value_usd": "exports_usd"})
supply["market_share"] = supply["exports_usd"] / supply.groupby("hs6")["exports_usd"].transform("sum")

# --- demand: imports M_jk and the import-weighted mean log distance of current suppliers
located = flows.merge(geo, on=["exporter", "importer"])
located["weighted"] = located["value_usd"] * located["log_dist"]
mean_log = located.groupby(["importer", "hs6"])[["weighted", "value_usd"]].sum()
mean_log = (mean_log["weighted"] / mean_log["value_usd"]).rename("mean_log_dist").reset_index()
del located
demand = flows.groupby(["importer", "hs6"], as_index=False)["value_usd"].sum()
demand = demand.rename(columns={"value_usd": "imports_usd"}).merge(mean_log, how="left")

# --- trading pairs: v_ij and the log distance (missing distances stay NaN: neutral)
pairs = flows.groupby(["exporter", "importer"], as_index=False)["value_usd"].sum()
pairs = pairs.rename(columns={"value_usd": "trade_usd"}).merge(geo, how="left")
step("inputs")

# --- every (i, j, k) with (i, j) trading, X_ik > 0 and M_jk > 0, with supply and demand
rows = pairs.merge(supply, on="exporter").merge(demand, on=["importer", "hs6"])
known = rows["mean_log_dist"].notna() & rows["log_dist"].notna()
rows["distance_factor"] = np.where(
    known, np.exp(-(rows["mean_log_dist"] - rows["log_dist"]).abs()), 1.0
)
rows["tariff_disadvantage"] = 1.0
rows["tariff_advantage"] = 1.0
rows["supply"] = rows["market_share"] * rows["tariff_disadvantage"]
rows["demand"] = rows["imports_usd"] * rows["tariff_advantage"] * rows["distance_factor"]
# the pair terms: hypothetical bilateral trade H_ij = sum_k supply x demand
rows["hypothetical_usd"] = (
    (rows["supply"] * rows["demand"]).groupby([rows["exporter"], rows["importer"]]).transform("sum")
)
step("pair_terms")

# --- ease, raw potential, rescaling in every (j, k), actual flows, untapped, world-share gap
rows["ease"] = np.where(
    rows["hypothetical_usd"] > 0, rows["trade_usd"] / rows["hypothetical_usd"], 0.0
)
raw = rows["supply"] * rows["ease"] * rows["demand"]
total_raw = raw.groupby([rows["importer"], rows["hs6"]]).transform("sum")
rows["scale"] = np.where(total_raw > 0, rows["imports_usd"] / total_raw, 0.0)
rows["potential_usd"] = raw * rows["scale"]
del raw, total_raw
rows = rows.merge(flows, how="left", on=["exporter", "importer", "hs6"])
rows["value_usd"] = rows["value_usd"].fillna(0.0)
rows["untapped_usd"] = rows["potential_usd"] - np.minimum(rows["value_usd"], rows["potential_usd"])
rows["world_share_gap_usd"] = np.maximum(
    rows["market_share"] * rows["imports_usd"] - rows["value_usd"], 0.0
)
step("potential")

# --- the same columns as tradepivot, codes back to ISO3 and HS6 text, to Parquet
result = rows[json.loads(sys.argv[5])]
del rows
result["exporter"] = pd.Categorical.from_codes(result["exporter"], dtype=countries)
result["importer"] = pd.Categorical.from_codes(result["importer"], dtype=countries)
result["hs6"] = pd.Categorical.from_codes(result["hs6"], categories=products)
result.to_parquet(out / "potential.parquet", index=False)
step("write")
print(json.dumps({
    "steps_s": steps,
    "rows": len(result),
    "potential_usd": float(result["potential_usd"].sum()),
    "pairs": len(pairs),
    "hypothetical_usd": float(
        result.groupby(["exporter", "importer"], observed=True)["hypothetical_usd"].first().sum()
    ),
}))
"""

POTENTIAL_COLUMNS = ["exporter", "importer", "hs6", *NUMERIC]


@dataclass
class Case:
    key: str
    label: str
    argv: list[str]
    out: Path
    timeout_s: float | None = None
    runs: list[Child] = field(default_factory=list)
    reports: list[dict[str, Any] | None] = field(default_factory=list)

    def finished(self) -> list[int]:
        return [i for i, r in enumerate(self.reports) if r is not None]

    def best(self) -> int | None:
        done = self.finished()
        return min(done, key=lambda i: self.runs[i].wall_s) if done else None


def _rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b) if b else abs(a)


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("SET memory_limit = '4GB'")  # the checks run beside nothing, but stay modest
    return con


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> tuple[Any, ...]:
    row = con.execute(sql, params).fetchone()
    assert row is not None
    return row


def check(tradepivot: Case, baseline: Case | None, baseline_status: str) -> list[dict[str, Any]]:
    """Correctness of the outputs of the last runs (the files are overwritten each run)."""
    results: list[dict[str, Any]] = []

    def add(name: str, ok: bool | None, detail: str) -> None:
        results.append({"check": name, "ok": ok, "detail": detail})

    con = _connect()
    ours = str(tradepivot.out / "potential.parquet")
    pair_file = str(tradepivot.out / "pair-terms.parquet")
    n_rows = _one(con, "SELECT count(*) FROM read_parquet(?)", [ours])[0]
    # Sum of potentials in every (importer, hs6) of the matrix against its imports, computed
    # here from the matrix itself.
    worst = _one(
        con,
        f"""
        WITH m AS (SELECT importer, hs6, sum(value_usd) AS imports
                   FROM read_parquet('{WORLD_GLOB}') GROUP BY ALL),
             p AS (SELECT importer, hs6, sum(potential_usd) AS potential
                   FROM read_parquet(?) GROUP BY ALL)
        SELECT count(*), count(p.potential),
               max(abs(coalesce(p.potential, 0) - m.imports) / m.imports),
               arg_max(m.importer || ' ' || m.hs6,
                       abs(coalesce(p.potential, 0) - m.imports) / m.imports)
        FROM m LEFT JOIN p USING (importer, hs6)
        """,
        [ours],
    )
    markets, covered, max_dev, where = worst
    add(
        "potentials sum to imports in every (importer, hs6), max rel dev <= 1e-9",
        covered == markets and max_dev <= TOLERANCE,
        f"{covered:,} of {markets:,} market-products; max rel deviation {max_dev:.2e} ({where})",
    )
    shipped = _one(
        con,
        "SELECT count(*), sum(trade_usd), sum(hypothetical_usd) FROM read_parquet(?)",
        [str(SHIPPED_PAIRS)],
    )
    mine = _one(
        con,
        "SELECT count(*), sum(trade_usd), sum(hypothetical_usd) FROM read_parquet(?)",
        [pair_file],
    )
    add(
        "pair terms from scratch: total hypothetical trade equals the shipped file's (1e-9)",
        mine[0] == shipped[0]
        and _rel(mine[1], shipped[1]) <= TOLERANCE
        and _rel(mine[2], shipped[2]) <= TOLERANCE,
        f"{mine[0]:,} pairs, H {mine[2]:,.0f} vs shipped {shipped[0]:,} pairs, H {shipped[2]:,.0f}"
        f" (rel {_rel(mine[2], shipped[2]):.1e})",
    )
    if baseline is None or not baseline.finished():
        for name in (
            "row count equals the pandas baseline's",
            "1,000 random rows equal the pandas baseline's (1e-9)",
        ):
            add(name, None, f"not checked: baseline {baseline_status}")
        return results
    theirs = str(baseline.out / "potential.parquet")
    report = baseline.reports[baseline.finished()[-1]] or {}
    add(
        "row count equals the pandas baseline's",
        n_rows == report.get("rows"),
        f"tradepivot {n_rows:,} vs baseline {report.get('rows', 0):,}",
    )
    diffs = ", ".join(
        f"max(abs(a.{c} - b.{c}) / greatest(abs(a.{c}), abs(b.{c}), 1e-300)) AS {c}"
        for c in NUMERIC
    )
    sample = _one(
        con,
        f"""
        WITH a AS (SELECT * FROM read_parquet(?)
                   USING SAMPLE reservoir({SAMPLE_ROWS} ROWS) REPEATABLE ({SAMPLE_SEED}))
        SELECT count(*) AS sampled, count(b.exporter) AS found, {diffs}
        FROM a LEFT JOIN read_parquet(?) b
          ON a.exporter = b.exporter AND a.importer = b.importer AND a.hs6 = b.hs6
        """,
        [ours, theirs],
    )
    sampled, found, *devs = sample
    by_column = dict(zip(NUMERIC, devs, strict=True))
    worst_col = max(by_column, key=lambda c: by_column[c] or 0.0)
    add(
        "1,000 random rows equal the pandas baseline's (1e-9)",
        sampled == SAMPLE_ROWS and found == sampled and all((d or 0.0) <= TOLERANCE for d in devs),
        f"{found:,} of {sampled:,} rows found in the baseline; max rel deviation over "
        f"{len(NUMERIC)} columns {by_column[worst_col] or 0.0:.1e} ({worst_col}); "
        f"potential_usd {by_column['potential_usd'] or 0.0:.1e}",
    )
    add(
        "pandas pair terms: same total hypothetical trade as the shipped file (1e-9)",
        _rel(report["hypothetical_usd"], shipped[2]) <= TOLERANCE,
        f"{report['pairs']:,} pairs, H {report['hypothetical_usd']:,.0f}",
    )
    return results


def totals(case: Case) -> dict[str, float]:
    con = _connect()
    n, potential, untapped, current = _one(
        con,
        "SELECT count(*), fsum(potential_usd), fsum(untapped_usd), fsum(value_usd) "
        "FROM read_parquet(?)",
        [str(case.out / "potential.parquet")],
    )
    return {
        "rows": n,
        "potential_usd": potential,
        "untapped_usd": untapped,
        "current_usd": current,
        "file_mb": (case.out / "potential.parquet").stat().st_size / 2**20,
    }


def profile(case: Case, env: dict[str, str], cwd: Path, top: int = 12) -> dict[str, Any]:
    """One more (untimed) tradepivot run with DuckDB's profiler on the potential COPY."""
    child = run_child([*case.argv, "profile"], env=env, cwd=cwd)
    if not child.ok():
        return {"error": fail_details(child)}
    return {
        "wall_s": child.wall_s,
        "peak_rss_mb": child.peak_rss_mb,
        **operators(case.out / "profile.json", top),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="rounds of both (default 1)")
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    parser.add_argument("--skip-pandas", action="store_true", help="leave the baseline out")
    parser.add_argument("--pandas-timeout", type=float, default=600.0, help="seconds (600)")
    parser.add_argument("--pandas-max-gb", type=float, default=20.0, help="RLIMIT_AS (20)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="one more tradepivot run with DuckDB's profiler (default: only when a target fails)",
    )
    parser.add_argument("--no-profile", action="store_true", help="never profile")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--workdir", type=Path, help="folder for the ~5 GB outputs (default tmp)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    info = machine()
    with tempfile.TemporaryDirectory(prefix="tp-bench-potential-", dir=args.workdir) as tmp:
        root = Path(tmp)
        env = clean_env(root / "home")
        cwd = root / "cwd"  # DuckDB's spill folder (.tmp) lands here, not in the repository
        cwd.mkdir()
        tp = Case(
            "tradepivot",
            "tradepivot: inputs + pair_terms (from scratch) + potential, COPY to Parquet",
            [PYTHON, "-c", TRADEPIVOT_SCRIPT, str(root / "tradepivot")],
            root / "tradepivot",
        )
        cases = [tp]
        base: Case | None = None
        if not args.skip_pandas:
            base = Case(
                "baseline",
                "baseline: pandas read_parquet + merge/groupby, to_parquet",
                [
                    PYTHON,
                    "-c",
                    BASELINE_SCRIPT,
                    str(WORLD_GLOB),
                    str(GEO_DIST),
                    str(root / "baseline"),
                    str(args.pandas_max_gb),
                    json.dumps(POTENTIAL_COLUMNS),
                ],
                root / "baseline",
                timeout_s=args.pandas_timeout,
            )
            cases.append(base)
        baseline_status = "skipped (--skip-pandas)" if base is None else "finished"
        for n in range(1, args.runs + 1):
            walls = []
            for case in cases:  # interleaved, so background load hits both alike
                shutil.rmtree(case.out, ignore_errors=True)
                case.out.mkdir()
                child = run_child(case.argv, env=env, cwd=cwd, timeout_s=case.timeout_s)
                case.runs.append(child)
                report = None
                if child.ok():
                    report = json.loads(child.stdout.strip().splitlines()[-1])
                elif case is tp:
                    print(
                        f"FAILED (run {n}) {case.label}\n    {fail_details(child)}", file=sys.stderr
                    )
                    return 1
                else:
                    baseline_status = (
                        f"stopped after {args.pandas_timeout:g} s (timeout)"
                        if child.timed_out
                        else f"out of memory (> {args.pandas_max_gb:g} GB)"
                        if "MemoryError" in child.stderr
                        else f"failed: {fail_details(child)}"
                    )
                case.reports.append(report)
                walls.append(
                    f"{case.key} {child.wall_s:.1f}s {child.peak_rss_mb / 1024:.1f} GB"
                    + ("" if report else " (did not finish)")
                )
            print(f"  run {n}/{args.runs}: {', '.join(walls)}", flush=True)
        if base is not None and base.reports and base.reports[-1] is not None:
            baseline_status = "finished"
        checks = check(tp, base, baseline_status)
        sums = {c.key: totals(c) for c in cases if c.reports and c.reports[-1] is not None}

        best = tp.best()
        assert best is not None
        tp_child = tp.runs[best]
        targets = {
            "wall_le_60s": {
                "target_s": TARGET_S,
                "best_s": tp_child.wall_s,
                "pass": tp_child.wall_s <= TARGET_S,
            },
            "peak_rss_le_8gb": {
                "target_mb": TARGET_RSS_MB,
                "peak_rss_mb": tp_child.peak_rss_mb,
                "pass": tp_child.peak_rss_mb <= TARGET_RSS_MB,
            },
        }
        missed = not all(t["pass"] for t in targets.values())
        prof = None
        if args.profile or (missed and not args.no_profile):
            print("  profiling the potential query (one more tradepivot run) ...", flush=True)
            prof = profile(tp, env, cwd)

    results: dict[str, Any] = {}
    rows = []
    for case in cases:
        idx = case.best()
        entry: dict[str, Any] = {
            "label": case.label,
            "wall_s_all": [c.wall_s for c in case.runs],
            "peak_rss_mb_all": [c.peak_rss_mb for c in case.runs],
            "finished": [r is not None for r in case.reports],
        }
        if idx is None:
            child = case.runs[-1]
            entry.update(status=baseline_status, wall_s=child.wall_s, peak_rss_mb=child.peak_rss_mb)
            rows.append(
                [
                    case.key,
                    f">{child.wall_s:.0f}",
                    round(child.peak_rss_mb),
                    "-",
                    "-",
                    "-",
                    "-",
                    baseline_status,
                ]
            )
        else:
            child, report = case.runs[idx], case.reports[idx] or {}
            entry.update(
                wall_s=child.wall_s,
                peak_rss_mb=child.peak_rss_mb,
                steps_s=report.get("steps_s"),
                duckdb=report.get("duckdb"),
                **{f"output_{k}": v for k, v in sums.get(case.key, {}).items()},
            )
            steps = report.get("steps_s", {})
            pair_s = sum(steps.get(k, 0.0) for k in ("read", "inputs", "pair_terms"))
            pot_s = steps.get(
                "potential_copy", steps.get("potential", 0.0) + steps.get("write", 0.0)
            )
            rows.append(
                [
                    case.key,
                    child.wall_s,
                    round(child.peak_rss_mb),
                    round(pair_s, 1),
                    round(pot_s, 1),
                    sums.get(case.key, {}).get("rows", "-"),
                    sums.get(case.key, {}).get("potential_usd", "-"),
                    "",
                ]
            )
        results[case.key] = entry
    if base is not None and base.best() is not None:
        b = base.runs[base.best()]  # type: ignore[index]
        results["tradepivot"]["ratio_vs_baseline"] = {
            "wall": tp_child.wall_s / b.wall_s,
            "peak_rss": tp_child.peak_rss_mb / b.peak_rss_mb,
        }
    elif base is not None:
        b = base.runs[-1]
        results["tradepivot"]["ratio_vs_baseline"] = {
            "wall_at_most": tp_child.wall_s / b.wall_s,
            "note": f"baseline {baseline_status}",
        }

    print()
    print(
        f"Full-world export potential, best of {args.runs} fresh process(es) each, "
        f"{info['cpus']} CPUs, {info['memory_gb']} GB, {info['date']}"
    )
    print(
        table(
            [
                "command",
                "wall s",
                "peak RSS MB",
                "read+inputs+pairs s",
                "potential+write s",
                "rows",
                "total potential USD",
                "status",
            ],
            rows,
        )
    )
    ratio = results["tradepivot"].get("ratio_vs_baseline")
    if ratio and "wall" in ratio:
        print(
            f"\n  tradepivot / pandas: wall {ratio['wall']:.2f}x, peak RSS {ratio['peak_rss']:.2f}x"
        )
    elif ratio:
        print(f"\n  tradepivot / pandas: wall <= {ratio['wall_at_most']:.2f}x ({ratio['note']})")
    for case in cases:
        idx = case.best()
        if idx is not None:
            steps = ", ".join(
                f"{k} {v:.1f}" for k, v in (case.reports[idx] or {})["steps_s"].items()
            )
            print(f"  {case.key:10} steps (s): {steps}")
    print()
    for case in cases:
        print(f"  {case.key:10} {case.label}")
    print()
    for item in checks:
        mark = "skip" if item["ok"] is None else "ok" if item["ok"] else "FAIL"
        print(f"  [{mark}] {item['check']}: {item['detail']}")
    print()
    for target in targets.values():
        verdict = "PASS" if target["pass"] else "FAIL"
        if "target_s" in target:
            print(f"  {verdict}: wall time {target['best_s']:.1f} s (target <= {TARGET_S:g} s)")
        else:
            print(
                f"  {verdict}: peak RSS {target['peak_rss_mb'] / 1024:.2f} GiB "
                f"(target <= {TARGET_RSS_MB / 1024:g} GiB)"
            )
    if prof is not None:
        print()
        if "error" in prof:
            print(f"  profile run failed: {prof['error']}")
        else:
            print(
                f"  DuckDB profile of the potential COPY (untimed run: {prof['wall_s']:.1f} s wall, "
                f"{prof['peak_rss_mb'] / 1024:.1f} GiB; query latency {prof['latency_s'] or 0:.1f} s, "
                f"spilled {prof['peak_temp_dir_mb']:,.0f} MB); operator time is summed over threads:"
            )
            print(
                table(
                    ["operator", "time s", "rows", "detail"],
                    [
                        [o["operator"], o["timing_s"], o["rows"], o["detail"]]
                        for o in prof["operators"]
                    ],
                )
            )
    write_json(
        args.json,
        {
            "benchmark": "potential",
            "machine": info,
            "runs": args.runs,
            "results": results,
            "checks": checks,
            "targets": targets,
            "baseline_status": baseline_status,
            "profile": prof,
        },
    )
    if any(c["ok"] is False for c in checks):
        return 1
    if args.strict and missed:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

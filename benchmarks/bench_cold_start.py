"""Cold-start CLI latency: `tradepivot flows`, `market` and `rank` in fresh processes.

Each run starts a new process (the installed console script next to ``sys.executable``) and
times it from spawn to exit, with the child's own peak RSS. The baseline, measured in the same
run with the same process-per-run treatment, is a straightforward pandas script that reads the
embedded world-matrix Parquet files, filters and groups, and prints JSON. Runs of all commands
are interleaved so background load hits them alike; one discarded warm-up round first fills the
OS page cache (a *process* cold start, not a cold disk).

    /work/venv/bin/python benchmarks/bench_cold_start.py [--runs 5] [--json out.json] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import (
    DATA,
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
from _profile import operators

TARGET_S = 3.0  # issue: `tradepivot flows` cold start <= 3 s on a 2-core machine (DESIGN.md §7)
# DESIGN.md §7: single-exporter market ranking, cold CLI start to printed result <= 3 s
RANK_TARGET_S = 3.0
GEO_DIST = DATA / "reference" / "geo_dist.parquet"
SHIPPED_PAIRS = DATA / "derived" / "world-2024" / "pair-terms-v1.parquet"
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

# The same computation as `tradepivot rank IND --sector leather`: export potential of every
# exporter in the sector's products (rescaling needs them all), reading the shipped pair terms
# as tradepivot does, then the exporter's markets ranked by untapped potential.
BASELINE_RANK = (
    _READ
    + """
import numpy as np
geo_path, pairs_path, exporter = sys.argv[2], sys.argv[3], sys.argv[4]
chapters = [f"{int(c):02d}" for c in sys.argv[5].split(",")]
flows = df[df["hs6"].str[:2].isin(chapters)]
geo = pd.read_parquet(geo_path, columns=["origin", "destination", "dist_km"])
geo = geo[geo["dist_km"] > 0]
geo = pd.DataFrame({"exporter": geo["origin"], "importer": geo["destination"],
                    "log_dist": np.log(geo["dist_km"])})
pairs = pd.read_parquet(pairs_path)  # exporter, importer, trade_usd, log_dist, hypothetical_usd

# supply (world market share per product) and demand (imports, mean log supplier distance)
supply = flows.groupby(["exporter", "hs6"], as_index=False)["value_usd"].sum()
supply["market_share"] = supply["value_usd"] / supply.groupby("hs6")["value_usd"].transform("sum")
located = flows.merge(geo, on=["exporter", "importer"])
located["weighted"] = located["value_usd"] * located["log_dist"]
mean_log = located.groupby(["importer", "hs6"])[["weighted", "value_usd"]].sum()
mean_log = (mean_log["weighted"] / mean_log["value_usd"]).rename("mean_log_dist").reset_index()
demand = flows.groupby(["importer", "hs6"], as_index=False)["value_usd"].sum()
demand = demand.rename(columns={"value_usd": "imports_usd"}).merge(mean_log, how="left")

# potential of every exporter, rescaled per (market, product), then the exporter's rows
rows = pairs.merge(supply[["exporter", "hs6", "market_share"]], on="exporter")
rows = rows.merge(demand, on=["importer", "hs6"])
known = rows["mean_log_dist"].notna() & rows["log_dist"].notna()
rows["distance_factor"] = np.where(
    known, np.exp(-(rows["mean_log_dist"] - rows["log_dist"]).abs()), 1.0)
rows["demand"] = rows["imports_usd"] * rows["distance_factor"]
rows["ease"] = np.where(
    rows["hypothetical_usd"] > 0, rows["trade_usd"] / rows["hypothetical_usd"], 0.0)
rows["raw"] = rows["market_share"] * rows["ease"] * rows["demand"]
total_raw = rows.groupby(["importer", "hs6"])["raw"].transform("sum")
rows["potential_usd"] = rows["raw"] * np.where(total_raw > 0, rows["imports_usd"] / total_raw, 0.0)
mine = rows[rows["exporter"] == exporter].merge(
    flows[flows["exporter"] == exporter], on=["exporter", "importer", "hs6"], how="left")
mine["value_usd"] = mine["value_usd"].fillna(0.0)
mine["realised_usd"] = np.minimum(mine["value_usd"], mine["potential_usd"])

# one row per market: untapped = sum of potentials - sum of min(current, potential)
markets = mine.groupby("importer").agg(
    current_usd=("value_usd", "sum"), potential_usd=("potential_usd", "sum"),
    realised_usd=("realised_usd", "sum"))
markets["untapped_usd"] = markets["potential_usd"] - markets["realised_usd"]
markets["demand_usd"] = demand.groupby("importer")["imports_usd"].sum()
suppliers = flows.groupby(["importer", "exporter"], as_index=False)["value_usd"].sum()
suppliers = suppliers.sort_values(
    ["importer", "value_usd", "exporter"], ascending=[True, False, True])
suppliers["rank"] = suppliers.groupby("importer").cumcount() + 1
markets["supplier_rank"] = suppliers[suppliers["exporter"] == exporter].set_index("importer")["rank"]
markets["competitors"] = suppliers[suppliers["rank"] <= 3].groupby("importer")["exporter"].agg(", ".join)
markets = markets.reset_index().sort_values(["untapped_usd", "importer"], ascending=[False, True])
print(json.dumps({
    "exporter": exporter,
    "markets": int(len(markets)),
    "current_usd": float(markets["current_usd"].sum()),
    "potential_usd": float(markets["potential_usd"].sum()),
    "untapped_usd": float(markets["untapped_usd"].sum()),
    "rows": [
        {"rank": n, "importer": r["importer"], "demand_usd": float(r["demand_usd"]),
         "current_usd": float(r["current_usd"]), "potential_usd": float(r["potential_usd"]),
         "untapped_usd": float(r["untapped_usd"]),
         "supplier_rank": None if pd.isna(r["supplier_rank"]) else int(r["supplier_rank"]),
         "competitors": r["competitors"]}
        for n, r in enumerate(markets.head(20).to_dict("records"), start=1)
    ],
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
            "rank",
            "tradepivot rank IND --sector leather --format json",
            [TRADEPIVOT, "rank", "IND", "--sector", "leather", "--format", "json"],
            baseline="baseline_rank",
        ),
        Case(
            "baseline_rank",
            "baseline: pandas read_parquet + leather potential (shipped pair terms), IND ranking",
            [
                PYTHON,
                "-c",
                BASELINE_RANK,
                pattern,
                str(GEO_DIST),
                str(SHIPPED_PAIRS),
                "IND",
                ",".join(map(str, LEATHER_CHAPTERS)),
            ],
        ),
        Case(
            "version",
            "reference: tradepivot --version (interpreter + CLI imports)",
            [TRADEPIVOT, "--version"],
        ),
        Case(
            "help",
            "reference: tradepivot --help (every command module, the whole Typer app)",
            [TRADEPIVOT, "--help"],
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
        if key in ("version", "help"):
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
    if "rank" in parsed and "baseline_rank" in parsed:
        ranked = parsed["rank"]
        totals = ranked["meta"]["totals"]
        base = parsed["baseline_rank"]
        first = ranked["rows"][0]["importer"] if ranked["rows"] else None
        add(
            "rank: Russia ranks first for IND leather (tradepivot and baseline)",
            first == "RUS" and base["rows"][0]["importer"] == "RUS",
            f"tradepivot {first}, baseline {base['rows'][0]['importer']}",
        )
        add(
            "rank: untapped total equals the pandas baseline (1e-9)",
            _rel(float(totals["untapped_usd"]), base["untapped_usd"]) <= 1e-9,
            f"tradepivot {totals['untapped_usd']:,.0f} vs baseline {base['untapped_usd']:,.0f} USD"
            f" (rel {_rel(float(totals['untapped_usd']), base['untapped_usd']):.1e})",
        )
        ours = [r["importer"] for r in ranked["rows"]]
        theirs = [r["importer"] for r in base["rows"]][: len(ours)]
        add(
            "rank: markets, potential total and the top-20 order equal the baseline",
            totals["markets"] == base["markets"]
            and _rel(float(totals["potential_usd"]), base["potential_usd"]) <= 1e-9
            and ours == theirs,
            f"{totals['markets']} markets (baseline {base['markets']}), potential "
            f"{totals['potential_usd']:,.0f} vs {base['potential_usd']:,.0f} USD, top 20 "
            f"{'identical' if ours == theirs else 'differ'}",
        )
    return results


# rank_markets in-process, each Warehouse.materialise timed (by wrapping it in this child
# only), then the slowest of those queries run once more under DuckDB's JSON profiler.
RANK_QUERIES = """
import json, sys, time
from pathlib import Path
import ibis
from tradepivot.config import Settings
from tradepivot.data import warehouse
from tradepivot.services.opportunity import rank_markets
calls = []
original = warehouse.Warehouse.materialise
def timed(self, expr):
    sql = ibis.to_sql(expr, dialect="duckdb")
    started = time.perf_counter()
    result = original(self, expr)
    elapsed = time.perf_counter() - started
    rows = self.con.execute(f"SELECT count(*) FROM {result.get_name()}").fetchone()[0]
    calls.append({"s": elapsed, "rows": rows, "sql": sql})
    return result
warehouse.Warehouse.materialise = timed
wh = warehouse.Warehouse(Settings())
wh.con.execute("SET enable_progress_bar = false")
started = time.perf_counter()
rank_markets(wh, sys.argv[1], sector=sys.argv[2])
total = time.perf_counter() - started
slowest = max(calls, key=lambda c: c["s"])
wh.con.execute("PRAGMA enable_profiling = 'json'")
wh.con.execute(f"PRAGMA profiling_output = '{Path(sys.argv[3])}'")
wh.con.execute(slowest["sql"]).fetchall()
wh.con.execute("PRAGMA disable_profiling")
print(json.dumps({"rank_markets_s": total, "materialise": [
    {"s": c["s"], "rows": c["rows"], "sql_chars": len(c["sql"]),
     "window": "OVER (" in c["sql"]} for c in calls]}))
"""

_PROFILE_NOISE = {
    "<built-in method builtins.exec>",
    "<built-in method builtins.__import__>",
    "<built-in method _imp.exec_dynamic>",
    "<built-in method builtins.__build_class__>",
}


def profile_rank(case: Case, env: dict[str, str], top: int = 30) -> str:
    """One more (untimed) `rank` run under cProfile: the top functions by cumulative time."""
    with tempfile.TemporaryDirectory(prefix="tp-bench-prof-") as tmp:
        out = Path(tmp) / "rank.prof"
        child = run_child([PYTHON, "-m", "cProfile", "-o", str(out), *case.argv], env=env, cwd=REPO)
        if not child.ok():
            return f"profile run failed: {fail_details(child)}"
        lines = [
            f"cProfile of one more `{case.label}` run ({child.wall_s:.2f} s under the profiler):"
        ]
        stats = pstats.Stats(str(out))
        ranked = sorted(stats.stats.items(), key=lambda kv: -kv[1][3])  # type: ignore[attr-defined]
        rows = []
        for (path, line, name), (_cc, ncalls, tottime, cumtime, _callers) in ranked:
            where = path.replace(str(REPO) + "/", "")
            if "site-packages" in where:
                where = "…/" + where.split("site-packages/", 1)[1]
            if where.startswith("<frozen") or name in _PROFILE_NOISE:
                continue
            rows.append([f"{where}:{line}({name})"[-90:], ncalls, tottime, cumtime])
            if len(rows) == top:
                break
        lines.append(table(["function", "calls", "own s", "cumulative s"], rows))

        # Which of rank_markets' materialised queries take the time, and inside the slowest?
        exporter, sector = case.argv[2], case.argv[4]
        queries = run_child(
            [PYTHON, "-c", RANK_QUERIES, exporter, sector, str(Path(tmp) / "query.json")],
            env=env,
            cwd=REPO,
        )
        if not queries.ok():
            lines.append(f"query timing failed: {fail_details(queries)}")
            return "\n".join(lines)
        report = json.loads(queries.stdout.strip().splitlines()[-1])
        lines.append(
            f"\nrank_markets in-process (imports excluded): {report['rank_markets_s']:.2f} s; "
            "its Warehouse.materialise calls:"
        )
        lines.append(
            table(
                ["call", "s", "result rows", "window function"],
                [
                    [n, c["s"], c["rows"], "yes" if c["window"] else ""]
                    for n, c in enumerate(report["materialise"], start=1)
                ],
            )
        )
        prof = operators(Path(tmp) / "query.json", top=8)
        lines.append(
            f"\nDuckDB profile of the slowest (run again, warm): {prof['latency_s'] or 0:.2f} s; "
            "operator time summed over threads:"
        )
        lines.append(
            table(
                ["operator", "s", "rows", "detail"],
                [[o["operator"], o["timing_s"], o["rows"], o["detail"]] for o in prof["operators"]],
            )
        )
        return "\n".join(lines)


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per command (default 5)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the discarded warm-up round")
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when the flows or rank 3 s target is missed"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile one more rank run (cProfile); default: only when the rank target fails",
    )
    parser.add_argument("--no-profile", action="store_true", help="never profile")
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
        rank_median = summary(by_key["rank"].walls())["median"]
        profile = None
        if args.profile or (rank_median > RANK_TARGET_S and not args.no_profile):
            profile = profile_rank(by_key["rank"], env)

    load_end = [round(x, 2) for x in os.getloadavg()]
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
        "rank_cold_start_le_3s": {
            "target_s": RANK_TARGET_S,
            "median_s": rank_median,
            "pass": rank_median <= RANK_TARGET_S,
        },
    }

    print()
    print(
        f"Cold start, {args.runs} fresh processes per command, {info['cpus']} CPUs, "
        f"{info['memory_gb']} GB, {info['date']}, load average (1/5/15 min) "
        f"{info['loadavg_at_start']} at the start, {load_end} at the end"
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

    if profile:
        print()
        print(profile)

    write_json(
        args.json,
        {
            "benchmark": "cold_start",
            "machine": {**info, "loadavg_at_end": load_end},
            "runs": args.runs,
            "warmup": not args.no_warmup,
            "results": results,
            "checks": checks,
            "targets": targets,
            "rank_profile": profile,
        },
    )
    if not all(c["ok"] for c in checks):
        return 1
    strict = ("flows_cold_start_le_3s", "rank_cold_start_le_3s")
    if args.strict and not all(targets[t]["pass"] for t in strict):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

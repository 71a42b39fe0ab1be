"""BACI ingest throughput: `tradepivot.services.ingest.ingest_file` on a 10 M-row file.

The input is generated from the embedded 2024 world matrix (all 10,006,692 rows) with DuckDB,
laid out as CEPII writes BACI: columns ``t,i,j,k,v,q``; ``i``/``j`` numeric BACI country codes
(from the embedded reference table), ``k`` the HS6 code as an integer (``10121``, no leading
zero), ``v`` thousand USD with 3 decimals, ``q`` tonnes with 3 decimals or empty (~10% empty).

Each measurement is a fresh child process; the throughput uses the time spent inside the call
(imports excluded), the wall column includes interpreter start-up. Baselines in the same run:
DuckDB ``CREATE TABLE .. AS SELECT * FROM read_csv(..)`` into a fresh file (no validation),
and ``pandas.read_csv`` + ``DataFrame.to_parquet``. Then: the loaded total equals the matrix
total (1e-9 relative), every exporter's and importer's total equals the matrix's (the code
mapping is right), and re-ingesting the same file is a timed no-op with status "unchanged".

    /work/venv/bin/python benchmarks/bench_ingest.py [--runs 2] [--workdir DIR] [--json out.json]
"""

from __future__ import annotations

import argparse
import io
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
from _common import (
    COUNTRIES,
    PYTHON,
    REPO,
    WORLD_GLOB,
    Child,
    clean_env,
    fail_details,
    machine,
    run_child,
    table,
    write_json,
)

EXPECTED_ROWS = 10_006_692
SLOW_ROWS_PER_S = 200_000  # below this, profile the ingest and print the hot spots
CSV_NAME = "BACI_HS17_Y2024_V202501.csv"  # CEPII's naming: edition HS17, year, release
DATASET_ID = "baci-hs17-2024-v202501"

# --------------------------------------------------------------------------- child scripts
TRADEPIVOT_INGEST = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from tradepivot.config import Settings
from tradepivot.services.ingest import ingest_file
t1 = time.perf_counter()
profile = sys.argv[3] if len(sys.argv) > 3 else None
if profile:
    import cProfile
    profiler = cProfile.Profile()
    profiler.enable()
result = ingest_file(Settings(warehouse=Path(sys.argv[1])), "baci", Path(sys.argv[2]))
t2 = time.perf_counter()
if profile:
    profiler.disable()
    profiler.dump_stats(profile)
print(json.dumps({
    "import_s": t1 - t0, "seconds": t2 - t1, "reported_s": result.seconds,
    "status": result.status, "rows": result.rows, "dataset_id": result.dataset_id,
    "edition": result.edition, "years": result.years,
}))
"""

DUCKDB_CTAS = """
import json, sys, time
t0 = time.perf_counter()
import duckdb
t1 = time.perf_counter()
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE baci AS SELECT * FROM read_csv(?)", [sys.argv[2]])
con.close()
t2 = time.perf_counter()
with duckdb.connect(sys.argv[1], read_only=True) as con:
    rows = con.execute("SELECT count(*) FROM baci").fetchone()[0]
print(json.dumps({"import_s": t1 - t0, "seconds": t2 - t1, "rows": rows}))
"""

PANDAS_CSV_PARQUET = """
import json, sys, time
t0 = time.perf_counter()
import pandas as pd
t1 = time.perf_counter()
df = pd.read_csv(sys.argv[1])
df.to_parquet(sys.argv[2])
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "seconds": t2 - t1, "rows": len(df)}))
"""


# --------------------------------------------------------------------------- input file
def generate(path: Path) -> dict[str, Any]:
    """Write the BACI-format CSV from the embedded world matrix; rows, bytes, seconds."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        rows = con.execute(
            f"""
            COPY (
                SELECT 2024 AS t,
                       ce.baci_code AS i,
                       ci.baci_code AS j,
                       CAST(w.hs6 AS INTEGER) AS k,  -- 10121, not 010121, as BACI writes it
                       CAST(CAST(w.value_usd AS DECIMAL(18, 0)) / 1000 AS DECIMAL(18, 3)) AS v,
                       CASE WHEN hash(w.exporter, w.importer, w.hs6) % 10 = 0 THEN NULL
                            ELSE CAST(round(w.value_usd / (1000 + (CAST(w.hs6 AS INTEGER) % 97) * 37), 3)
                                      AS DECIMAL(18, 3))
                       END AS q
                FROM read_parquet('{WORLD_GLOB}') AS w
                JOIN read_parquet('{COUNTRIES}') AS ce ON ce.iso3 = w.exporter
                JOIN read_parquet('{COUNTRIES}') AS ci ON ci.iso3 = w.importer
                ORDER BY i, j, k
            ) TO '{path}' (HEADER, DELIMITER ',')
            """
        ).fetchone()[0]
    return {
        "path": str(path),
        "rows": int(rows),
        "bytes": path.stat().st_size,
        "seconds": time.perf_counter() - started,
    }


# --------------------------------------------------------------------------- verification
def _rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b) if b else abs(a)


def verify(warehouse: Path) -> list[dict[str, Any]]:
    """The loaded dataset against the world matrix it was generated from."""
    checks: list[dict[str, Any]] = []

    def add(name: str, ok: bool, detail: str) -> None:
        checks.append({"check": name, "ok": bool(ok), "detail": detail})

    world = f"read_parquet('{WORLD_GLOB}')"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        world_rows, world_total = con.execute(
            f"SELECT count(*), sum(value_usd) FROM {world}"
        ).fetchone()
        rows, total, bad_hs6 = con.execute(
            "SELECT count(*), sum(value_usd), count(*) FILTER (WHERE length(hs6) <> 6) "
            "FROM bilateral WHERE dataset = ?",
            [DATASET_ID],
        ).fetchone()
        add("rows loaded = matrix rows", rows == world_rows, f"{rows:,} vs {world_rows:,}")
        rel = _rel(float(total or 0.0), float(world_total))
        add(
            "total value = matrix total (<= 1e-9 relative)",
            rel <= 1e-9,
            f"{total:,.2f} vs {world_total:,.2f} USD (relative difference {rel:.1e})",
        )
        add("every hs6 has 6 digits (leading zeros restored)", bad_hs6 == 0, f"{bad_hs6} bad")
        for side in ("exporter", "importer"):
            n, worst, missing = con.execute(
                f"""
                WITH a AS (SELECT {side} AS c, sum(value_usd) AS v FROM bilateral
                           WHERE dataset = ? GROUP BY 1),
                     b AS (SELECT {side} AS c, sum(value_usd) AS v FROM {world} GROUP BY 1)
                SELECT count(*), max(abs(a.v - b.v) / b.v),
                       count(*) FILTER (WHERE a.c IS NULL OR b.c IS NULL)
                FROM a FULL JOIN b USING (c)
                """,
                [DATASET_ID],
            ).fetchone()
            add(
                f"every {side}'s total = matrix (country codes mapped right)",
                missing == 0 and (worst or 0.0) <= 1e-9,
                f"{n} countries, {missing} unmatched, worst relative difference {worst or 0.0:.1e}",
            )
        manifest = con.execute(
            "SELECT manifest FROM datasets WHERE id = ?", [DATASET_ID]
        ).fetchone()
        if manifest:
            recorded = json.loads(manifest[0]).get("coverage", {}).get("total_value_usd")
            add(
                "manifest total_value_usd = matrix total",
                recorded is not None and _rel(float(recorded), float(world_total)) <= 1e-9,
                f"{recorded}",
            )
        else:
            add("manifest recorded", False, f"no datasets row for {DATASET_ID}")
    return checks


# --------------------------------------------------------------------------- measuring
def _child_json(child: Child) -> dict[str, Any]:
    if not child.ok():
        raise RuntimeError(fail_details(child))
    return json.loads(child.stdout.strip().splitlines()[-1])


def _remove_db(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


def measure(
    key: str, argv: list[str], env: dict[str, str], nbytes: int, timeout: float | None = None
) -> dict[str, Any]:
    child = run_child(argv, env=env, cwd=REPO, timeout_s=timeout)
    if child.timed_out:
        return {
            "key": key,
            "timed_out": True,
            "wall_s": child.wall_s,
            "peak_rss_mb": child.peak_rss_mb,
        }
    out = _child_json(child)
    seconds = out["seconds"]
    rows = out["rows"]
    return {
        "key": key,
        **out,
        "wall_s": child.wall_s,
        "peak_rss_mb": child.peak_rss_mb,
        "rows_per_s": rows / seconds if seconds else 0.0,
        "mb_per_s": nbytes / 1e6 / seconds if seconds else 0.0,
    }


def profile_ingest(csv: Path, work: Path, env: dict[str, str]) -> str:
    """Top 15 functions by cumulative time of one profiled ingest."""
    warehouse = work / "profile.duckdb"
    _remove_db(warehouse)
    stats_file = work / "ingest.prof"
    child = run_child(
        [PYTHON, "-c", TRADEPIVOT_INGEST, str(warehouse), str(csv), str(stats_file)],
        env=env,
        cwd=REPO,
    )
    _child_json(child)
    buffer = io.StringIO()
    pstats.Stats(str(stats_file), stream=buffer).sort_stats("cumulative").print_stats(15)
    _remove_db(warehouse)
    stats_file.unlink(missing_ok=True)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="measured rounds (default 2)")
    parser.add_argument(
        "--workdir", type=Path, help="keep the generated file and databases here (default: temp)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a previously generated file in --workdir"
    )
    parser.add_argument("--skip-pandas", action="store_true", help="no pandas baseline")
    parser.add_argument(
        "--pandas-timeout", type=float, default=900, help="give up on pandas after this (s)"
    )
    parser.add_argument("--profile", action="store_true", help="always profile one ingest")
    parser.add_argument(
        "--no-profile",
        action="store_true",
        help=f"never profile (default: when < {SLOW_ROWS_PER_S:,} rows/s)",
    )
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    info = machine()
    temp = None
    if args.workdir is None:
        temp = tempfile.TemporaryDirectory(prefix="tp-bench-ingest-")
        work = Path(temp.name)
    else:
        work = args.workdir.resolve()
        work.mkdir(parents=True, exist_ok=True)
    try:
        return _run(args, info, work)
    finally:
        if temp is not None:
            temp.cleanup()


def _run(args: argparse.Namespace, info: dict[str, Any], work: Path) -> int:
    # The CSV sits alone in its folder: no country_codes_V*.csv / product_codes_*.csv siblings,
    # so the reader maps codes with tradepivot's reference tables (as for a bare BACI csv).
    csv = work / "baci" / CSV_NAME
    if args.reuse and csv.exists():
        source = {
            "path": str(csv),
            "rows": EXPECTED_ROWS,
            "bytes": csv.stat().st_size,
            "seconds": 0.0,
            "reused": True,
        }
        print(f"reusing {csv} ({source['bytes'] / 1e6:,.1f} MB)")
    else:
        print("generating the BACI-format file from the embedded world matrix ...", flush=True)
        source = generate(csv)
        print(
            f"  {source['rows']:,} rows, {source['bytes'] / 1e6:,.1f} MB in {source['seconds']:.1f} s"
        )
    if source["rows"] != EXPECTED_ROWS:
        print(f"expected {EXPECTED_ROWS:,} rows, generated {source['rows']:,}", file=sys.stderr)
        return 1
    nbytes = source["bytes"]
    env = clean_env(work / "home")
    warehouse = work / "w.duckdb"
    duck_file = work / "baseline.duckdb"
    parquet_file = work / "baseline.parquet"

    runs: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    sizes: dict[str, int] = {}
    for number in range(1, args.runs + 1):
        round_: dict[str, Any] = {}
        _remove_db(warehouse)
        round_["tradepivot"] = measure(
            "tradepivot", [PYTHON, "-c", TRADEPIVOT_INGEST, str(warehouse), str(csv)], env, nbytes
        )
        round_["tradepivot_unchanged"] = measure(
            "tradepivot_unchanged",
            [PYTHON, "-c", TRADEPIVOT_INGEST, str(warehouse), str(csv)],
            env,
            nbytes,
        )
        if number == 1:
            checks = verify(warehouse)
            first, second = round_["tradepivot"], round_["tradepivot_unchanged"]
            checks.insert(
                0,
                {
                    "check": "first ingest status is loaded",
                    "ok": first["status"] == "loaded",
                    "detail": first["status"],
                },
            )
            checks.append(
                {
                    "check": "second ingest of the same file is unchanged",
                    "ok": second["status"] == "unchanged",
                    "detail": second["status"],
                }
            )
            sizes["tradepivot_warehouse"] = warehouse.stat().st_size
        _remove_db(duck_file)
        round_["duckdb"] = measure(
            "duckdb", [PYTHON, "-c", DUCKDB_CTAS, str(duck_file), str(csv)], env, nbytes
        )
        sizes["duckdb_file"] = duck_file.stat().st_size
        _remove_db(duck_file)
        if not args.skip_pandas:
            parquet_file.unlink(missing_ok=True)
            round_["pandas"] = measure(
                "pandas",
                [PYTHON, "-c", PANDAS_CSV_PARQUET, str(csv), str(parquet_file)],
                env,
                nbytes,
                timeout=args.pandas_timeout,
            )
            if parquet_file.exists():
                sizes["pandas_parquet"] = parquet_file.stat().st_size
            parquet_file.unlink(missing_ok=True)
        runs.append(round_)
        print(
            f"  run {number}/{args.runs}: "
            + ", ".join(
                f"{k} {'timed out' if v.get('timed_out') else format(v['seconds'], '.2f') + 's'}"
                for k, v in round_.items()
            ),
            flush=True,
        )
    if args.workdir is None:
        _remove_db(warehouse)

    # Best run of each measurement (least time in the call).
    keys = list(runs[0])
    best: dict[str, dict[str, Any]] = {}
    for key in keys:
        done = [r[key] for r in runs if not r[key].get("timed_out")]
        best[key] = min(done, key=lambda m: m["seconds"]) if done else runs[0][key]
    tp = best["tradepivot"]
    ratios = {
        f"tradepivot_vs_{k}": tp["rows_per_s"] / best[k]["rows_per_s"]
        for k in ("duckdb", "pandas")
        if k in best and not best[k].get("timed_out")
    }

    profile_text = None
    slow = tp["rows_per_s"] < SLOW_ROWS_PER_S
    if args.profile or (slow and not args.no_profile):
        print("profiling one ingest (cProfile) ...", flush=True)
        profile_text = profile_ingest(csv, work, env)

    labels = {
        "tradepivot": "tradepivot ingest_file (validated, atomic)",
        "tradepivot_unchanged": "tradepivot ingest_file, same file again",
        "duckdb": "baseline: DuckDB CTAS read_csv, no validation",
        "pandas": "baseline: pandas read_csv + to_parquet",
    }
    rows = []
    for key in keys:
        m = best[key]
        if m.get("timed_out"):
            rows.append(
                [key, "timed out", "", "", round(m["wall_s"], 1), round(m["peak_rss_mb"]), ""]
            )
            continue
        ratio = "" if key.startswith("tradepivot") else f"{tp['rows_per_s'] / m['rows_per_s']:.2f}x"
        throughput = key != "tradepivot_unchanged"
        rows.append(
            [
                key,
                round(m["seconds"], 2),
                round(m["rows_per_s"]) if throughput else "-",
                round(m["mb_per_s"], 1) if throughput else "-",
                round(m["wall_s"], 2),
                round(m["peak_rss_mb"]),
                ratio,
            ]
        )

    print()
    print(
        f"BACI ingest, {EXPECTED_ROWS:,} rows, {nbytes / 1e6:,.1f} MB CSV, best of {args.runs} "
        f"run(s), {info['cpus']} CPUs, {info['memory_gb']} GB, {info['date']}"
    )
    print(
        table(
            [
                "measurement",
                "call s",
                "rows/s",
                "MB/s",
                "wall s",
                "peak RSS MB",
                "tradepivot rows/s vs",
            ],
            rows,
        )
    )
    print()
    for key in keys:
        print(f"  {key:21} {labels[key]}")
    print("  (MB = 10^6 bytes of CSV; 'call s' excludes interpreter start and imports)")
    print()
    for item in checks:
        print(f"  [{'ok' if item['ok'] else 'FAIL'}] {item['check']}: {item['detail']}")
    if sizes:
        print("\n  on disk: " + ", ".join(f"{k} {v / 1e6:,.0f} MB" for k, v in sizes.items()))
    verdict = "below" if slow else "above"
    print(
        f"\n  tradepivot {tp['rows_per_s']:,.0f} rows/s: {verdict} the "
        f"{SLOW_ROWS_PER_S:,} rows/s floor"
    )
    if profile_text:
        print("\nProfile of one ingest, top 15 by cumulative time:\n")
        print(profile_text)

    write_json(
        args.json,
        {
            "benchmark": "ingest",
            "machine": info,
            "source": source,
            "runs": runs,
            "best": best,
            "ratios_rows_per_s": ratios,
            "checks": checks,
            "disk_bytes": sizes,
            "profile_top15_cumulative": profile_text,
        },
    )
    return 0 if all(c["ok"] for c in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Full-world export potential written to one Parquet file: tradepivot against a plain DuckDB
SQL script and the pandas baseline, in fresh processes, interleaved in the same run.

| key | what the child does |
|---|---|
| `cli` | `tradepivot potential --format parquet --output world.parquet`, what a user runs (shipped pair terms; the shipped EAEU/EU/UK duties enter the tariff factors) |
| `tradepivot` | the same code path (`write_world_potential`'s steps: totals once, exporter slices, `potential.compact`, `Warehouse.write_parquet_parts`) with tariff factors 1, so that its rows can be compared with the baselines, which know no duties |
| `sql` | one hand-written DuckDB SQL script of the same static EPI (supply, demand, pair terms, a window for the rescaling, a left join of the actual flows), all 19 columns `COPY`'d to Parquet with DuckDB's defaults; memory_limit 8 GB so that it spills instead of crowding a shared machine |
| `pandas` | `bench_potential.py`'s pandas baseline (merge / groupby, `to_parquet`), under `RLIMIT_AS` |

Checks before any figure is reported (a failed check exits 1): in every (importer, hs6) of the
matrix the potentials of `cli`, `tradepivot` and `sql` sum to its imports (1e-9 relative);
`tradepivot`, `sql` and `pandas` have the same row count; 1,000 sampled rows of `tradepivot`
equal the pandas rows in every numeric column: 1e-9 relative for float64 columns, 2^-23
(1.2e-7) for the float32 ones (`potential.FLOAT32_COLUMNS`, the rounding of a float32);
`cli`'s file is sorted by exporter and each exporter's rows sit in row groups of their own or
shared with neighbours only (the row-group statistics skip the rest).

    python benchmarks/bench_potential_world.py [--runs 1] [--skip-pandas] [--skip-sql] [--json F]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import duckdb
from _common import (
    DATA,
    PYTHON,
    TRADEPIVOT,
    WORLD_GLOB,
    Child,
    clean_env,
    machine,
    run_child,
    write_json,
)
from _common import table as text_table
from bench_potential import BASELINE_SCRIPT, NUMERIC, POTENTIAL_COLUMNS

GEO_DIST = DATA / "reference" / "geo_dist.parquet"
FLOAT32 = {
    "market_share",
    "tariff_disadvantage",
    "supply",
    "tariff_advantage",
    "distance_factor",
    "demand",
    "ease",
    "scale",
    "untapped_usd",
    "world_share_gap_usd",
}
TARGET_S, TARGET_RSS_GB, TARGET_FILE_GB = 30.0, 4.0, 1.2  # issue 13

# argv[1]: output file. The service's steps, with tariff factors 1 (see the table above).
TRADEPIVOT_SCRIPT = """
import sys
from pathlib import Path
import tradepivot
from tradepivot.analytics import potential
from tradepivot.analytics.potential_context import potential_context
from tradepivot.services.opportunity import _exporter_slices
wh = tradepivot.open()
ctx = potential_context(wh, None, None, None)
totals = wh.materialise(potential.raw_totals(ctx.data, ctx.pairs))
parts = [
    potential.compact(potential.potential(ctx.data, ctx.pairs, exporters=s, totals=totals))
    for s in _exporter_slices(ctx)
]
print(wh.write_parquet_parts(parts, Path(sys.argv[1]), order_by=("exporter", "hs6", "importer")))
"""

# argv: world glob, geo_dist.parquet, output file.
SQL_SCRIPT = """
import sys, duckdb
world, geo, out = sys.argv[1:4]
con = duckdb.connect()
con.execute("SET memory_limit = '8GB'")
con.execute("SET enable_progress_bar = false")
con.execute(f'''
COPY (
WITH f AS (SELECT exporter, importer, hs6, value_usd FROM read_parquet('{world}')),
d AS (SELECT origin AS exporter, destination AS importer, ln(dist_km) AS log_dist
      FROM read_parquet('{geo}') WHERE dist_km > 0),
x AS (SELECT exporter, hs6, sum(value_usd) AS exports_usd FROM f GROUP BY ALL),
s AS (SELECT exporter, hs6, exports_usd, exports_usd / sum(exports_usd) OVER (PARTITION BY hs6)
             AS market_share FROM x),
m AS (SELECT importer, hs6, sum(value_usd) AS imports_usd FROM f GROUP BY ALL),
ml AS (SELECT f.importer, f.hs6, sum(f.value_usd * d.log_dist) / sum(f.value_usd) AS mean_log_dist
       FROM f JOIN d USING (exporter, importer) GROUP BY ALL),
dm AS (SELECT m.*, ml.mean_log_dist FROM m LEFT JOIN ml USING (importer, hs6)),
p AS (SELECT f.exporter, f.importer, sum(f.value_usd) AS trade_usd, any_value(d.log_dist) AS log_dist
      FROM f LEFT JOIN d USING (exporter, importer) GROUP BY ALL),
c AS (SELECT p.exporter, p.importer, s.hs6, s.exports_usd, s.market_share,
             1.0 AS tariff_disadvantage, s.market_share AS supply, dm.imports_usd,
             1.0 AS tariff_advantage,
             CASE WHEN dm.mean_log_dist IS NOT NULL AND p.log_dist IS NOT NULL
                  THEN exp(-abs(dm.mean_log_dist - p.log_dist)) ELSE 1.0 END AS distance_factor,
             p.trade_usd
      FROM p JOIN s USING (exporter) JOIN dm ON dm.importer = p.importer AND dm.hs6 = s.hs6),
c2 AS (SELECT *, imports_usd * distance_factor AS demand FROM c),
h AS (SELECT exporter, importer, sum(supply * demand) AS hypothetical_usd FROM c2 GROUP BY ALL),
r AS (SELECT c2.*, h.hypothetical_usd,
             CASE WHEN h.hypothetical_usd > 0 THEN c2.trade_usd / h.hypothetical_usd ELSE 0 END AS ease
      FROM c2 JOIN h USING (exporter, importer)),
r2 AS (SELECT *, supply * ease * demand AS raw FROM r),
r3 AS (SELECT *, sum(raw) OVER (PARTITION BY importer, hs6) AS total_raw FROM r2)
SELECT r3.exporter, r3.importer, r3.hs6, coalesce(f.value_usd, 0) AS value_usd, exports_usd,
       market_share, tariff_disadvantage, supply, imports_usd, tariff_advantage, distance_factor,
       demand, trade_usd, hypothetical_usd, ease,
       CASE WHEN total_raw > 0 THEN imports_usd / total_raw ELSE 0 END AS scale,
       raw * CASE WHEN total_raw > 0 THEN imports_usd / total_raw ELSE 0 END AS potential_usd,
       potential_usd - least(coalesce(f.value_usd, 0), potential_usd) AS untapped_usd,
       greatest(market_share * imports_usd - coalesce(f.value_usd, 0), 0) AS world_share_gap_usd
FROM r3 LEFT JOIN f USING (exporter, importer, hs6)
) TO '{out}' (FORMAT parquet)''')
print(con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()[0])
"""


def _gb(n_bytes: float) -> float:
    return n_bytes / 1e9


def check(files: dict[str, Path], pandas_ok: bool) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    con = duckdb.connect()
    con.execute("SET memory_limit = '4GB'")
    con.execute("SET enable_progress_bar = false")

    def add(name: str, ok: bool, detail: str) -> None:
        results.append({"check": name, "ok": ok, "detail": detail})

    counts: dict[str, int] = {}
    for key, path in files.items():
        counts[key] = con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()[0]  # type: ignore[index]
        if key == "pandas":
            continue
        markets, covered, dev = con.execute(
            f"""
            WITH m AS (SELECT importer, hs6, sum(value_usd) AS imports
                       FROM read_parquet('{WORLD_GLOB}') GROUP BY ALL),
                 p AS (SELECT importer, hs6, sum(potential_usd) AS potential
                       FROM read_parquet(?) GROUP BY ALL)
            SELECT count(*), count(p.potential),
                   max(abs(coalesce(p.potential, 0) - m.imports) / m.imports)
            FROM m LEFT JOIN p USING (importer, hs6)
            """,
            [str(path)],
        ).fetchone()  # type: ignore[misc]
        add(
            f"{key}: potentials sum to imports in every (importer, hs6) (1e-9)",
            covered == markets and dev <= 1e-9,
            f"{covered:,} of {markets:,}; max rel deviation {dev:.1e}",
        )
    same = {k: v for k, v in counts.items() if k != "cli"}
    add("same row count (tradepivot, sql, pandas)", len(set(same.values())) == 1, str(counts))
    if "cli" in files:
        runs = con.execute(
            "SELECT count(*) FROM (SELECT exporter, lag(exporter) OVER () AS p "
            "FROM read_parquet(?)) WHERE exporter IS DISTINCT FROM p",
            [str(files["cli"])],
        ).fetchone()[0]  # type: ignore[index]
        groups, mixed = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE stats_min_value <> stats_max_value) "
            "FROM parquet_metadata(?) WHERE path_in_schema = 'exporter'",
            [str(files["cli"])],
        ).fetchone()  # type: ignore[misc]
        exporters = con.execute(
            "SELECT count(DISTINCT exporter) FROM read_parquet(?)", [str(files["cli"])]
        ).fetchone()[0]  # type: ignore[index]
        add(
            "cli: sorted by exporter (one run per exporter)",
            runs == exporters,
            f"{runs} runs of {exporters} exporters; {groups} row groups, {mixed} of them "
            "shared by neighbouring exporters",
        )
    if pandas_ok and "tradepivot" in files:
        diffs = ", ".join(
            f"max(abs(a.{c} - b.{c}) / greatest(abs(a.{c}), abs(b.{c}), 1e-300)) AS {c}"
            for c in NUMERIC
        )
        sampled, found, *devs = con.execute(
            f"""
            WITH a AS (SELECT * FROM read_parquet(?)
                       USING SAMPLE reservoir(1000 ROWS) REPEATABLE (20241204))
            SELECT count(*), count(b.exporter), {diffs}
            FROM a LEFT JOIN read_parquet(?) b USING (exporter, importer, hs6)
            """,
            [str(files["tradepivot"]), str(files["pandas"])],
        ).fetchone()  # type: ignore[misc]
        worst = {c: d or 0.0 for c, d in zip(NUMERIC, devs, strict=True)}
        bad = [c for c, d in worst.items() if d > (2.0**-23 if c in FLOAT32 else 1e-9)]
        add(
            "1,000 sampled rows equal pandas (float64 1e-9, float32 2^-23)",
            sampled == found == 1000 and not bad,
            f"{found} of {sampled} found; worst float64 "
            f"{max(d for c, d in worst.items() if c not in FLOAT32):.1e}, worst float32 "
            f"{max(d for c, d in worst.items() if c in FLOAT32):.1e}; over tolerance: {bad}",
        )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--skip-sql", action="store_true")
    parser.add_argument("--pandas-max-gb", type=float, default=20.0)
    parser.add_argument("--timeout", type=float, default=900.0, help="per child, seconds")
    parser.add_argument("--workdir", type=Path, help="folder for the outputs (~10 GB)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    info = machine()
    with tempfile.TemporaryDirectory(prefix="tp-bench-world-", dir=args.workdir) as tmp:
        root = Path(tmp)
        env = clean_env(root / "home")
        cwd = root / "cwd"
        cwd.mkdir()
        out = {k: root / k / "world.parquet" for k in ("cli", "tradepivot", "sql", "pandas")}
        argv: dict[str, list[str]] = {
            "cli": [TRADEPIVOT, "potential", "--format", "parquet", "--output", str(out["cli"])],
            "tradepivot": [PYTHON, "-c", TRADEPIVOT_SCRIPT, str(out["tradepivot"])],
            "sql": [PYTHON, "-c", SQL_SCRIPT, str(WORLD_GLOB), str(GEO_DIST), str(out["sql"])],
            "pandas": [
                PYTHON,
                "-c",
                BASELINE_SCRIPT,
                str(WORLD_GLOB),
                str(GEO_DIST),
                str(out["pandas"].parent),
                str(args.pandas_max_gb),
                json.dumps(POTENTIAL_COLUMNS),
            ],
        }
        keys = [
            k
            for k in argv
            if not (k == "pandas" and args.skip_pandas) and not (k == "sql" and args.skip_sql)
        ]
        runs: dict[str, list[Child]] = {k: [] for k in keys}
        sizes: dict[str, int] = {}
        for n in range(args.runs):
            for key in keys:
                shutil.rmtree(out[key].parent, ignore_errors=True)
                out[key].parent.mkdir(parents=True)
                child = run_child(argv[key], env=env, cwd=cwd, timeout_s=args.timeout)
                print(
                    f"run {n + 1} {key}: {child.wall_s:.1f} s, {child.peak_rss_mb / 1024:.2f} "
                    f"GiB, exit {child.returncode}",
                    flush=True,
                )
                runs[key].append(child)
                if key == "pandas":  # it writes potential.parquet into its folder
                    written = out[key].parent / "potential.parquet"
                    if written.exists():
                        written.rename(out[key])
                if out[key].exists():
                    sizes[key] = out[key].stat().st_size
        ok = {k for k in keys if runs[k][-1].ok() and out[k].exists()}
        if "cli" not in ok or "tradepivot" not in ok:
            for k in keys:
                print(k, runs[k][-1].returncode, runs[k][-1].stderr[-2000:], file=sys.stderr)
            return 1
        checks = check({k: out[k] for k in keys if k in ok}, "pandas" in ok)
        rows = []
        for key in keys:
            best = min(runs[key], key=lambda c: c.wall_s)
            rows.append(
                [
                    key,
                    best.wall_s,
                    best.cpu_s,
                    best.peak_rss_mb / 1024,
                    _gb(sizes.get(key, 0)),
                    "ok" if key in ok else f"failed ({best.returncode})",
                ]
            )
        cli = min(runs["cli"], key=lambda c: c.wall_s)
        print(
            f"\nFull-world export potential, best of {args.runs} (load at start {info['loadavg_at_start']})"
        )
        print(text_table(["key", "wall s", "CPU s", "peak GiB", "file GB", "status"], rows))
        for ref in ("sql", "pandas"):
            if ref in ok:
                other = min(runs[ref], key=lambda c: c.wall_s)
                print(
                    f"cli / {ref}: wall {cli.wall_s / other.wall_s:.2f}x, CPU "
                    f"{cli.cpu_s / other.cpu_s:.2f}x, peak {cli.peak_rss_mb / other.peak_rss_mb:.2f}x, "
                    f"file {sizes['cli'] / sizes[ref]:.2f}x"
                )
        print(
            f"targets: wall <= {TARGET_S:g} s {'PASS' if cli.wall_s <= TARGET_S else 'FAIL'}; "
            f"peak <= {TARGET_RSS_GB:g} GiB "
            f"{'PASS' if cli.peak_rss_mb / 1024 <= TARGET_RSS_GB else 'FAIL'}; file <= "
            f"{TARGET_FILE_GB:g} GB {'PASS' if _gb(sizes['cli']) <= TARGET_FILE_GB else 'FAIL'}"
        )
        for c in checks:
            print(f"{'PASS' if c['ok'] else 'FAIL'}  {c['check']}: {c['detail']}")
        write_json(
            args.json,
            {
                "machine": info,
                "runs": {
                    k: [
                        {
                            "wall_s": c.wall_s,
                            "cpu_s": c.cpu_s,
                            "peak_rss_mb": c.peak_rss_mb,
                            "returncode": c.returncode,
                        }
                        for c in v
                    ]
                    for k, v in runs.items()
                },
                "file_bytes": sizes,
                "checks": checks,
            },
        )
        return 0 if all(c["ok"] for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())

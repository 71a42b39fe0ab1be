"""India's EIDB trends (tradepivot.analytics.trends via services.trends) against plain SQL.

Workload: the embedded EIDB table (2,842,586 rows: HS8 x partner x 8 fiscal years). Four
questions, each as `rank`, `market` and `pivot` ask them: India's leather (HS 41-43, 64) by
market; every product by market (the whole table); leather by market and HS6 for two markets
(RUS, USA); and the comparable basis itself (the HS8 codes with a value in every year), which
ships with the data and is computed here only to show what shipping it saves.

tradepivot: ``exporter_trends`` in one warm process (the warehouse opened and one untimed
call made first), series and summaries included. Baseline, in the same run and alternating
with it: one plain DuckDB SQL query over the raw Parquet file that returns the same yearly
series (all codes and comparable codes), with no summary. Only wall time of the call is
taken; the machine is shared (2 cores), so the best and the median of ``--runs`` are shown.

Checks: for every key the SQL series equals tradepivot's (all codes and comparable codes, to
1e-9 relative), and the shipped basis equals the basis computed now.

    .venv/bin/python benchmarks/bench_trends.py [--runs 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from tradepivot.analytics import trends
from tradepivot.config import Settings
from tradepivot.data.embedded import default_dir
from tradepivot.data.reference import ProductScope
from tradepivot.data.warehouse import Warehouse
from tradepivot.services.trends import exporter_trends

LEATHER = ProductScope(("41", "42", "43", "64"))
LEATHER_SQL = "hs8 // 1000000 IN (41, 42, 43, 64)"
CASES: dict[str, tuple[ProductScope, str, list[str] | None, tuple[str, str]]] = {
    # name: (scope, by, markets, (SQL key, SQL filter))
    "leather by market": (LEATHER, "market", None, ("a.iso3", LEATHER_SQL)),
    "everything by market": (ProductScope(()), "market", None, ("a.iso3", "TRUE")),
    "leather by market x HS6 (RUS, USA)": (
        LEATHER,
        "market-product",
        ["RUS", "USA"],
        (
            "a.iso3 || '|' || lpad((hs8 // 100)::VARCHAR, 6, '0')",
            f"{LEATHER_SQL} AND a.iso3 IN ('RUS', 'USA')",
        ),
    ),
}


def _sql(con: duckdb.DuckDBPyConnection, key: str, where: str) -> dict[str, dict[str, tuple]]:
    data = default_dir()
    eidb = data / "india_eidb" / "exports_hs8.parquet"
    aliases = data / "reference" / "country_aliases.parquet"
    rows = con.sql(
        f"""
        WITH basis AS (
            SELECT hs8 FROM read_parquet('{eidb}') WHERE value_10k_usd > 0
            GROUP BY hs8 HAVING count(DISTINCT fy_start) = 8)
        SELECT {key} AS key, fy_start,
               sum(value_10k_usd) * 1e4,
               sum(value_10k_usd) FILTER (WHERE hs8 IN (SELECT hs8 FROM basis)) * 1e4
        FROM read_parquet('{eidb}') e
        JOIN (SELECT alias, iso3 FROM read_parquet('{aliases}') WHERE source = 'eidb') a
          ON a.alias = e.partner_eidb
        WHERE {where}
        GROUP BY 1, 2
        """
    ).fetchall()
    out: dict[str, dict[str, tuple]] = {}
    for k, start, value, comparable in rows:
        fy = f"{start}-{(start + 1) % 100:02d}"
        out.setdefault(k, {})[fy] = (value or 0.0, comparable or 0.0)
    return out


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    failures: list[str] = []
    report: dict[str, Any] = {"runs": args.runs, "cases": {}}
    with tempfile.TemporaryDirectory() as tmp:
        wh = Warehouse(Settings(warehouse=Path(tmp) / "none.duckdb", cache_dir=Path(tmp)))
        con = duckdb.connect()
        exporter_trends(wh, "IND", LEATHER, by="market")  # warm-up: views, Ibis, the basis
        for name, (scope, by, markets, sql) in CASES.items():
            key, where = sql
            ours: list[float] = []
            base: list[float] = []
            result = expected = None
            for _ in range(args.runs):
                t, result = _timed(
                    lambda s=scope, b=by, m=markets: exporter_trends(wh, "IND", s, by=b, markets=m)
                )
                ours.append(t)
                t, expected = _timed(lambda k=key, w=where: _sql(con, k, w))
                base.append(t)
            assert result is not None and expected is not None
            if set(result.by_key) != set(expected):
                failures.append(f"{name}: keys differ ({len(result.by_key)} vs {len(expected)})")
            for k, trend in result.by_key.items():
                for fy, v, c in zip(trend.fys, trend.values, trend.comparable, strict=True):
                    want = expected.get(k, {}).get(fy, (0.0, 0.0))
                    if not (_close(v, want[0]) and _close(c, want[1])):
                        failures.append(f"{name}: {k} {fy} {v} {c} vs {want}")
                        break
            report["cases"][name] = {
                "keys": len(result.by_key),
                "tradepivot_s": ours,
                "sql_s": base,
            }
            print(
                f"{name:38s} keys {len(result.by_key):5d}  tradepivot best {min(ours):.3f} s "
                f"median {statistics.median(ours):.3f} s  |  SQL best {min(base):.3f} s "
                f"median {statistics.median(base):.3f} s  |  ratio (best) {min(ours) / min(base):.2f}"
            )
        table, manifest = wh.table("india-eidb", "national_exports")
        fys = [str(y) for y in manifest.years]
        t, fresh = _timed(
            lambda: set(trends.comparable_codes(table, fys).to_pyarrow()["code"].to_pylist())
        )
        shipped = set(
            wh.derived(manifest, "trend-basis-v1", lambda: 1 / 0)  # type: ignore[arg-type,return-value]
            .to_pyarrow()["code"]
            .to_pylist()
        )
        if fresh != shipped:
            failures.append("the shipped basis differs from the basis computed now")
        report["basis"] = {"codes": len(fresh), "compute_s": t}
        print(f"comparable basis: {len(fresh):,} codes, computing it takes {t:.3f} s (shipped)")
        wh.close()
    report["failures"] = failures
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for failure in failures:
        print("FAIL", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

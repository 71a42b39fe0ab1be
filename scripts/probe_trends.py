"""Print the figures docs/methods.md ("Trends") quotes, from the embedded copy only.

- the HS8 codes of the embedded EIDB table that stop being reported, grouped by the last
  fiscal year with a value, and what they were worth then;
- India's total by fiscal year, everything recorded and on the comparable basis
  (:mod:`tradepivot.analytics.trends`), with the CAGR;
- with ``--cagr8y``: how the world matrix's upstream ``cagr_8y`` compares with growth
  computed from EIDB for the same flows (India to a market, one HS6), and how many flows
  carry exactly zero growth.

Usage: ``.venv/bin/python scripts/probe_trends.py [--cagr8y]``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import duckdb

from tradepivot.analytics import trends
from tradepivot.config import Settings
from tradepivot.data.embedded import default_dir
from tradepivot.data.reference import ProductScope
from tradepivot.data.warehouse import Warehouse


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def breaks(con: duckdb.DuckDBPyConnection, eidb: str) -> None:
    rows = con.sql(
        f"""
        WITH c AS (SELECT hs8, max(fy_start) AS lst FROM read_parquet('{eidb}') GROUP BY 1)
        SELECT c.lst, count(DISTINCT e.hs8), sum(e.value_10k_usd) / 1e5
        FROM read_parquet('{eidb}') e JOIN c ON c.hs8 = e.hs8 AND e.fy_start = c.lst
        WHERE c.lst < (SELECT max(fy_start) FROM read_parquet('{eidb}'))
        GROUP BY 1 ORDER BY 1
        """
    ).fetchall()
    print("HS8 codes with no value after a fiscal year (value in that year):")
    for start, codes, bn in rows:
        print(f"  FY{start}-{(start + 1) % 100:02d}: {codes} codes, USD {bn:,.2f} bn")


def totals() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wh = Warehouse(Settings(warehouse=Path(tmp) / "none.duckdb"))
        table, manifest = wh.table("india-eidb", "national_exports")
        fys = [str(y) for y in manifest.years]
        series = trends.fy_series(table, fys=fys, scope=ProductScope(())).to_pyarrow()
        whole = trends.trend_rows(series, fys)["*"]
        print("India's total, USD bn (everything recorded / comparable basis):")
        for fy, v, c in zip(fys, whole.values, whole.comparable, strict=True):
            print(f"  FY{fy}: {v / 1e9:8.2f} / {c / 1e9:8.2f}")
        print(f"  {whole.sentence()}")
        wh.close()


def cagr8y(con: duckdb.DuckDBPyConnection, data: Path) -> None:
    world = _sql_path(data / "world_2024" / "*.parquet")
    eidb = _sql_path(data / "india_eidb" / "exports_hs8.parquet")
    aliases = _sql_path(data / "reference" / "country_aliases.parquet")
    con.execute(
        f"""
        CREATE TEMP TABLE ei AS
        SELECT a.iso3 AS importer, lpad(e.hs8::VARCHAR, 8, '0')[1:6] AS hs6,
               sum(e.value_10k_usd) FILTER (WHERE e.fy_start = 2017) * 1e4 AS v17,
               sum(e.value_10k_usd) FILTER (WHERE e.fy_start = 2024) * 1e4 AS v24
        FROM read_parquet('{eidb}') e
        JOIN (SELECT alias, iso3 FROM read_parquet('{aliases}') WHERE source = 'eidb') a
          ON a.alias = e.partner_eidb
        GROUP BY 1, 2
        """
    )
    zero = con.sql(
        f"""
        SELECT cagr_8y_tenths = 0, count(*), sum(value_usd) / 1e9, median(value_usd)
        FROM read_parquet('{world}') GROUP BY 1 ORDER BY 1
        """
    ).fetchall()
    print("World matrix flows by cagr_8y = 0.0 (flows, USD bn, median flow USD):")
    for is_zero, n, bn, median in zero:
        print(
            f"  {'zero' if is_zero else 'other'}: {n:,} flows, {bn:,.1f} bn, median {median:,.0f}"
        )
    new = con.sql(
        f"""
        SELECT w.cagr_8y_tenths = 0, count(*), avg(CASE WHEN ei.v17 IS NULL THEN 1.0 ELSE 0 END)
        FROM read_parquet('{world}') w LEFT JOIN ei USING (importer, hs6)
        WHERE w.exporter = 'IND' GROUP BY 1 ORDER BY 1
        """
    ).fetchall()
    print("India's flows: share without EIDB exports to the market in FY2017-18:")
    for is_zero, n, share in new:
        print(f"  cagr_8y {'= 0' if is_zero else '!= 0'}: {n:,} flows, {share:.1%}")
    fit = con.sql(
        f"""
        WITH m AS (
            SELECT w.cagr_8y_tenths / 10.0 AS g8,
                   (power(ei.v24 / ei.v17, 1 / 7.0) - 1) * 100 AS g7
            FROM read_parquet('{world}') w JOIN ei USING (importer, hs6)
            WHERE w.exporter = 'IND' AND ei.v17 > 1e6 AND ei.v24 > 1e6
              AND w.value_usd > 1e6 AND w.cagr_8y_tenths <> 0)
        SELECT count(*), corr(g8, g7), median(g8 - g7), quantile_cont(g8 - g7, 0.25),
               quantile_cont(g8 - g7, 0.75), regr_slope(g8, g7)
        FROM m WHERE abs(g7) < 50 AND abs(g8) < 50
        """
    ).fetchone()
    assert fit is not None
    n, corr, median, q1, q3, slope = fit
    print(
        "cagr_8y against EIDB's CAGR FY2017-18 to FY2024-25 (India's flows over USD 1 m at "
        f"both ends, |growth| < 50): {n:,} flows, correlation {corr:.2f}, median difference "
        f"{median:+.2f} points (quartiles {q1:+.2f}, {q3:+.2f}), slope {slope:.2f}"
    )


def aggregates(con: duckdb.DuckDBPyConnection, data: Path) -> None:
    """Market growth as `market` aggregates cagr_8y (implied base values summed), with and
    without the flows whose rate is -50% a year or lower."""
    world = _sql_path(data / "world_2024" / "*.parquet")
    rows = con.sql(
        f"""
        WITH t AS (SELECT hs6, sum(value_usd) AS world FROM read_parquet('{world}') GROUP BY 1),
        f AS (
            SELECT importer, value_usd AS v, cagr_8y_tenths / 10.0 AS g,
                   value_usd / power(1 + cagr_8y_tenths / 1000.0, 8) AS v0, world
            FROM read_parquet('{world}') JOIN t USING (hs6)
            WHERE cagr_8y_tenths > -1000 AND cagr_8y_tenths <> 0),
        p AS (SELECT * FROM f WHERE v0 <= world)
        SELECT importer, sum(v) / 1e9,
               (power(sum(v) / sum(v0), 1 / 8.0) - 1) * 100,
               (power(sum(v) FILTER (WHERE g > -50) / sum(v0) FILTER (WHERE g > -50),
                      1 / 8.0) - 1) * 100,
               sum(v0) FILTER (WHERE g <= -50) / sum(v0) * 100
        FROM p WHERE importer IN ('CHN', 'JPN', 'IND', 'ITA', 'ARE', 'BRA', 'RUS', 'KAZ')
        GROUP BY 1 ORDER BY 2 DESC
        """
    ).fetchall()
    print(
        "Imports growth from cagr_8y, % a year (all plausible flows / without g <= -50; "
        "share of the base from g <= -50):"
    )
    for importer, bn, every, without, share in rows:
        print(f"  {importer}: USD {bn:,.1f} bn, {every:+.2f} / {without:+.2f}; {share:.1f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cagr8y", action="store_true", help="compare upstream cagr_8y too")
    args = parser.parse_args()
    data = default_dir()
    con = duckdb.connect()
    breaks(con, _sql_path(data / "india_eidb" / "exports_hs8.parquet"))
    totals()
    if args.cagr8y:
        cagr8y(con, data)
        aggregates(con, data)


if __name__ == "__main__":
    main()

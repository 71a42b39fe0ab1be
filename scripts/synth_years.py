#!/usr/bin/env python3
"""Write BACI-shaped SYNTHETIC years from the embedded 2024 world matrix, for cost-growth
benchmarks (docs/scaling.md). The numbers are made up: never analyse them as trade.

    python scripts/synth_years.py --years 5 --out DIR [--last 2024] [--seed 1]

writes ``DIR/BACI_HS17_Y<first>-<last>_SYNTH.csv`` in BACI's layout (``t,i,j,k,v,q``: numeric
BACI country codes from the reference table, HS6 as an integer, ``v`` in thousand USD with
3 decimals, ``q`` left empty), one block of rows per year, ready for
``tradepivot data ingest baci FILE --name NAME``. Years are computed and written one at a
time, so memory stays at one year's (~4 GB) and 25 years (~250 M rows, ~9 GB of CSV) fit a
24 GB machine.

How a year y < last is made from the 2024 flows v (the last year is the 2024 matrix as is):

- **Trend**: each product k has its own yearly growth g_k, uniform in [-2%, +8%] (a hash of
  k), so going back d = last - y years divides v by (1 + g_k)^d.
- **Gravity-shaped noise**: log v gets noise z * s(v), z ~ N(0, 1) (sum of three uniform
  hashes, rescaled), s(v) = 0.10 + 0.50 / (1 + log10(1 + v / 1000)): small flows, i.e.
  far or small partners in a gravity model, move much more from year to year than large ones.
- **Vanishing** (flows of 2024 absent in year y): with probability
  min(0.6, 0.05 * sqrt(d) * 3 / (1 + log10(1 + v / 1000))), again mostly small flows.
- **New** (flows of year y absent in 2024): about 2% * sqrt(d) of the flows are copied to
  another market of the same product (the next importer of k in a hashed order, which
  already buys k: trade appears where demand exists), at a quarter of the value, unless
  that flow exists already.
- **Totals**: each year is then rescaled so that its world total is exactly the 2024 total /
  1.03^d (3% nominal growth a year), to the dollar before rounding to BACI's 3 decimals.

Everything is a deterministic function of (seed, year, exporter, importer, product), so the
same arguments write the same file. tests/scripts/test_synth_years.py checks the totals,
the shape (vanishing and new flows) and that the file ingests.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO / "src" / "tradepivot" / "data" / "default"
GROWTH = 0.03  # world total per year


def synth_sql(world: str, countries: str, year: int, last: int, seed: int) -> str:
    """The SELECT that yields the synthetic rows of one year: t, i, j, k, v (thousand USD), q.

    Each year is a function of the 2024 matrix alone (never of another synthetic year), so
    the years are computed one at a time and memory does not grow with their number.
    """
    return f"""
    WITH base AS (
        SELECT exporter, importer, hs6, value_usd AS v FROM read_parquet('{world}')
    ),
    years AS (SELECT CAST({year} AS BIGINT) AS y),
    grid AS (
        SELECT y, {last} - y AS d, b.*,
               (hash(b.exporter, b.importer, b.hs6, y, {seed}, 1) % 1000003) / 1000003.0 AS u1,
               (hash(b.exporter, b.importer, b.hs6, y, {seed}, 2) % 1000003) / 1000003.0 AS u2,
               (hash(b.exporter, b.importer, b.hs6, y, {seed}, 3) % 1000003) / 1000003.0 AS u3,
               (hash(b.exporter, b.importer, b.hs6, y, {seed}, 4) % 1000003) / 1000003.0 AS u4,
               (hash(b.exporter, b.importer, b.hs6, y, {seed}, 5) % 1000003) / 1000003.0 AS u5,
               -0.02 + 0.10 * ((hash(b.hs6, {seed}) % 10007) / 10007.0) AS g,
               1 + log10(1 + b.v / 1000) AS size
        FROM base b, years
    ),
    kept AS (  -- the 2024 flows that still exist in year y, with trend and noise
        SELECT y, exporter, importer, hs6,
               CASE WHEN d = 0 THEN v
                    ELSE v / pow(1 + g, d)
                         * exp((u1 + u2 + u3 - 1.5) * 2 * (0.10 + 0.50 / size)) END AS v
        FROM grid
        WHERE d = 0 OR u4 >= least(0.6, 0.05 * sqrt(d) * 3 / size)
    ),
    importers AS (  -- each product's markets in a hashed order, to pick "the next" one
        SELECT hs6, importer,
               row_number() OVER (PARTITION BY hs6 ORDER BY hash(importer, {seed})) AS r,
               count(*) OVER (PARTITION BY hs6) AS n
        FROM (SELECT DISTINCT hs6, importer FROM base)
    ),
    moved AS (  -- new flows: a copy in another market of the same product
        SELECT g.y, g.exporter, nxt.importer, g.hs6, g.v / 4 / pow(1 + g.g, g.d) AS v
        FROM grid g
        JOIN importers cur ON cur.hs6 = g.hs6 AND cur.importer = g.importer
        JOIN importers nxt ON nxt.hs6 = g.hs6 AND nxt.r = cur.r % cur.n + 1
        WHERE g.d > 0 AND g.u5 < 0.02 * sqrt(g.d) AND nxt.importer <> g.exporter
    ),
    fresh AS (
        SELECT m.* FROM moved m
        ANTI JOIN base b USING (exporter, importer, hs6)
    ),
    years_rows AS (
        SELECT y, exporter, importer, hs6, sum(v) AS v
        FROM (SELECT * FROM kept UNION ALL SELECT * FROM fresh)
        GROUP BY ALL
    ),
    scaled AS (
        SELECT r.*, r.v * (SELECT sum(v) FROM base) / pow(1 + {GROWTH}, {last} - r.y)
                    / sum(r.v) OVER (PARTITION BY r.y) AS usd
        FROM years_rows r
    )
    SELECT s.y AS t, ce.baci_code AS i, ci.baci_code AS j, CAST(s.hs6 AS INTEGER) AS k,
           CAST(round(s.usd / 1000, 3) AS DECIMAL(18, 3)) AS v, NULL::DECIMAL(18, 3) AS q
    FROM scaled s
    JOIN read_parquet('{countries}') ce ON ce.iso3 = s.exporter
    JOIN read_parquet('{countries}') ci ON ci.iso3 = s.importer
    WHERE round(s.usd / 1000, 3) > 0
    """


def write(out: Path, years: int, *, last: int = 2024, seed: int = 1, data: Path = DEFAULT) -> Path:
    """Write the CSV of ``years`` synthetic years ending at ``last``; returns its path.

    One year at a time: each is sorted and written to a part file by DuckDB, then appended
    to the CSV and deleted, so peak memory is one year's (~4 GB for the 10 M flows of the
    embedded matrix) and the extra disk one year's part (~0.35 GB), whatever ``years`` is.
    The file is the same, byte for byte, as sorting all years at once (rows are ordered by
    year first).
    """
    if years < 1:
        raise SystemExit("--years must be at least 1")
    first = last - years + 1
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"BACI_HS17_Y{first}-{last}_SYNTH.csv"
    part = out / f".{path.stem}.part.csv"
    world = str(data / "world_2024" / "part-*.parquet")
    countries = str(data / "reference" / "countries.parquet")
    with duckdb.connect() as con, path.open("wb") as sink:
        con.execute("SET preserve_insertion_order = false")
        for year in range(first, last + 1):
            header = "true" if year == first else "false"
            con.execute(
                f"COPY ({synth_sql(world, countries, year, last, seed)} ORDER BY t, i, j, k) "
                f"TO '{part}' (HEADER {header}, DELIMITER ',')"
            )
            with part.open("rb") as block:
                shutil.copyfileobj(block, sink, 16 * 2**20)
            part.unlink()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--last", type=int, default=2024)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    path = write(args.out, args.years, last=args.last, seed=args.seed)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Matchmaking's market evidence on the real embedded data: Spark answers as DuckDB does.

The evidence was raw DuckDB SQL and failed on the Spark engine; it is Ibis now, so the same
lookups (a market's imports, a supplier's part of them, untapped potential) come from both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import pytest

from tradepivot.config import Settings
from tradepivot.data.embedded import default_dir
from tradepivot.data.warehouse import Warehouse
from tradepivot.matchmaking.evidence import MarketEvidence

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = [pytest.mark.slow, pytest.mark.spark]

PAIRS = [("IND", "RUS"), ("IND", "KAZ"), ("CHN", "RUS")]
CODES = ["42", "4202", "420221", "3004", "640399"]


def _lookups(ev: MarketEvidence) -> dict[tuple[str, ...], float | None]:
    found: dict[tuple[str, ...], float | None] = {}
    for exporter, market in PAIRS:
        for code in CODES:
            found[("imports", market, code)] = ev.imports(market, code)
            found[("supplied", exporter, market, code)] = ev.supplied(exporter, market, code)
            found[("untapped", exporter, market, code)] = ev.untapped(exporter, market, code)
    return found


def test_market_evidence_on_spark_matches_duckdb_and_plain_sql(
    spark_session: SparkSession, spark_settings: Settings, wh: Warehouse
) -> None:
    from tradepivot.data.spark import SparkWarehouse

    duck = _lookups(MarketEvidence.build(wh, PAIRS, CODES))
    # independent: plain SQL over the shipped Parquet files
    world = f"read_parquet('{default_dir()}/world_2024/part-*.parquet')"
    con = duckdb.connect()
    for exporter, market in PAIRS:
        for code in CODES:
            where = f"importer = '{market}' AND hs6 LIKE '{code}%'"
            total = con.execute(f"SELECT sum(value_usd) FROM {world} WHERE {where}").fetchone()
            sold = con.execute(
                f"SELECT coalesce(sum(value_usd), 0) FROM {world} "
                f"WHERE {where} AND exporter = '{exporter}'"
            ).fetchone()
            assert total is not None and sold is not None
            assert duck[("imports", market, code)] == pytest.approx(total[0], rel=1e-12)
            assert duck[("supplied", exporter, market, code)] == pytest.approx(sold[0], rel=1e-12)
    assert duck[("untapped", "IND", "RUS", "420221")]  # the potential is there too
    spark = SparkWarehouse(spark_settings, session=spark_session)
    try:
        other = _lookups(MarketEvidence.build(spark, PAIRS, CODES))
    finally:
        spark.close()
    assert other.keys() == duck.keys()
    for key, value in duck.items():
        assert other[key] == pytest.approx(value, rel=1e-9), key

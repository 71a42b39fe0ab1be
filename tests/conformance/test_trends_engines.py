"""India's EIDB trends on the real embedded data: Spark answers as DuckDB does."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tradepivot.config import Settings
from tradepivot.data.reference import ProductScope
from tradepivot.data.warehouse import Warehouse
from tradepivot.services.trends import exporter_trends

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = [pytest.mark.slow, pytest.mark.spark]


def test_leather_trends_by_market_and_product_match_duckdb(
    spark_session: SparkSession, spark_settings: Settings, wh: Warehouse
) -> None:
    from tradepivot.data.spark import SparkWarehouse

    spark = SparkWarehouse(spark_settings, session=spark_session)
    try:
        scope = ProductScope(("41", "42", "43", "64"))
        for by, markets in (("market", None), ("market-product", ["RUS", "USA"])):
            duck = exporter_trends(wh, "IND", scope, by=by, markets=markets)
            other = exporter_trends(spark, "IND", scope, by=by, markets=markets)
            assert duck is not None and other is not None
            assert len(duck.by_key) > (100 if by == "market" else 50)
            assert other.by_key.keys() == duck.by_key.keys()
            for key, trend in duck.by_key.items():
                mine = other.by_key[key]
                assert mine.values == pytest.approx(trend.values, rel=1e-12), key
                assert mine.comparable == pytest.approx(trend.comparable, rel=1e-12), key
                assert mine.cagr_from == trend.cagr_from and mine.missing == trend.missing
    finally:
        spark.close()

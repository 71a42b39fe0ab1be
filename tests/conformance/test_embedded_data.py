"""Smoke test on the real embedded data: the Spark warehouse answers as the DuckDB one does."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pyarrow as pa
import pytest

from tradepivot.analytics import markets
from tradepivot.config import Settings
from tradepivot.data.warehouse import Warehouse

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = [pytest.mark.slow, pytest.mark.spark]


@pytest.fixture(scope="module")
def rus_leather(
    spark_session: SparkSession, spark_settings: Settings, wh: Warehouse
) -> Iterator[dict[str, list[dict[str, object]]]]:
    """markets.by_supplier for Russia's leather imports in world-2024, on both engines."""
    from tradepivot.data.spark import SparkWarehouse

    spark = SparkWarehouse(spark_settings, session=spark_session)
    results = {}
    for name, warehouse in (("duckdb", wh), ("spark", spark)):
        flows, _ = warehouse.table("world-2024")
        scope = warehouse.reference.product_scope(sector="leather", edition="HS2017")
        table: pa.Table = markets.by_supplier(flows, importer="RUS", scope=scope).to_pyarrow()
        results[name] = sorted(table.to_pylist(), key=lambda r: r["rank"])
    yield results
    spark.close()


def _close(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9)
    return a == b


def test_by_supplier_rus_leather_matches_duckdb(
    rus_leather: dict[str, list[dict[str, object]]],
) -> None:
    duck, spark = rus_leather["duckdb"], rus_leather["spark"]
    assert len(duck) > 40  # dozens of suppliers: a real answer, not an empty one
    assert [r["exporter"] for r in spark] == [r["exporter"] for r in duck]
    for s, d in zip(spark, duck, strict=True):
        for column in ("value_usd", "share_pct", "rank", "products"):
            assert _close(s[column], d[column]), (s["exporter"], column, s[column], d[column])


def test_by_supplier_rus_leather_growth_matches_duckdb(
    rus_leather: dict[str, list[dict[str, object]]],
) -> None:
    for s, d in zip(rus_leather["spark"], rus_leather["duckdb"], strict=True):
        assert _close(s["growth_pct"], d["growth_pct"]), (s["exporter"], s["growth_pct"])

"""Engines for the conformance suite: one warehouse per engine, the fixture loaded into each.

Spark starts once per test session (about 10 s with the fast-start JVM options); without
PySpark or Java its tests are skipped with the reason, unless ``REQUIRE_SPARK=1`` (CI), which
turns the skip into a failure so a missing install step cannot pass unnoticed.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis.expr.types as ir
import pyarrow as pa
import pytest

from tests.conformance.fixture import DISTANCES, FLOWS
from tests.conformance.harness import EngineUnderTest, engine_params, require_spark
from tradepivot.config import Settings
from tradepivot.data.warehouse import Warehouse

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Py4J leaves its gateway sockets to the garbage collector, which reports them as
    # ResourceWarnings at random later points (in whichever test runs then).
    for item in items:
        if item.get_closest_marker("spark") is not None or "spark" in item.name:
            item.add_marker(pytest.mark.filterwarnings("ignore::ResourceWarning"))


def _settings(root: Path) -> Settings:
    return Settings(warehouse=root / "none.duckdb", cache_dir=root / "cache")


@pytest.fixture(scope="session")
def spark_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for Spark warehouses over the embedded data: one cache for the whole run, so
    the Spark-readable copy of the world matrix (about 8 s to write) is made once."""
    return _settings(tmp_path_factory.mktemp("spark-embedded"))


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    """One local SparkSession for the whole test run."""
    require_spark()
    from tradepivot.data.spark import FAST_START_JAVA_OPTIONS, spark_session, stop_spark

    session = spark_session(
        _settings(tmp_path_factory.mktemp("spark")), java_options=FAST_START_JAVA_OPTIONS
    )
    _collect_py4j_garbage()
    yield session
    stop_spark(session)
    _collect_py4j_garbage()


def _collect_py4j_garbage() -> None:
    # Py4J leaves some sockets (one per start, per-thread connections at stop) to the garbage
    # collector: collect them now, quietly, rather than at a random later point, where pytest
    # would report their ResourceWarnings as errors of whichever test runs then.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def open_engine(name: str, root: Path, request: pytest.FixtureRequest) -> tuple[Warehouse, Any]:
    """A warehouse of engine ``name`` and a function loading an Arrow table as a named table."""
    if name == "duckdb":
        wh = Warehouse(_settings(root))

        def load_duckdb(table_name: str, data: pa.Table) -> ir.Table:
            wh.con.register(f"_arrow_{table_name}", data)
            wh.con.execute(f"CREATE TEMP TABLE {table_name} AS FROM _arrow_{table_name}")
            wh.con.unregister(f"_arrow_{table_name}")
            table: ir.Table = wh.ibis.table(table_name)
            return table

        return wh, load_duckdb
    from tradepivot.data.spark import SparkWarehouse

    session = request.getfixturevalue("spark_session")
    spark_wh = SparkWarehouse(_settings(root), session=session)

    def load_spark(table_name: str, data: pa.Table) -> ir.Table:
        session.createDataFrame(data).createOrReplaceTempView(table_name)
        table: ir.Table = spark_wh.ibis.table(table_name)
        return table

    return spark_wh, load_spark


@pytest.fixture(scope="session", params=engine_params())
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EngineUnderTest]:
    """The fixture world (tests/conformance/fixture.py) on one engine."""
    name: str = request.param
    wh, load = open_engine(name, tmp_path_factory.mktemp(name), request)
    under_test = EngineUnderTest(name=name, warehouse=wh, load=load)
    under_test.tables = {
        "flows": load("fx_flows", FLOWS),
        "distances": load("fx_distances", DISTANCES),
    }
    yield under_test
    wh.close()

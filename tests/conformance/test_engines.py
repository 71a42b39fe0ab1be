"""The engine registry, the Spark warehouse's contract, and the one Spark error boundary."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, get_args

import ibis
import pyarrow as pa
import pytest

from tests.conformance import reference
from tests.conformance.fixture import FLOWS
from tests.conformance.harness import EngineUnderTest, assert_rows_close, require_spark
from tradepivot.analytics import complexity
from tradepivot.config import Settings
from tradepivot.data.catalog import DatasetManifest
from tradepivot.data.engines import CAPABILITIES, ENGINES, get_engine, open_warehouse
from tradepivot.data.store import FACT_SCHEMAS, Store
from tradepivot.data.warehouse import EMBEDDED_VIEWS, Warehouse
from tradepivot.errors import (
    DataSourceError,
    InputError,
    TradepivotError,
    UnsupportedOperationError,
)

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from tradepivot.data.spark import SparkWarehouse


# ---------------------------------------------------------------------- registry
def test_settings_and_registry_name_the_same_engines() -> None:
    assert get_args(Settings.model_fields["engine"].annotation) == tuple(ENGINES)
    assert Settings().engine == "duckdb"


def test_each_engine_declares_known_capabilities() -> None:
    for name, engine in ENGINES.items():
        assert engine.name == name
        assert engine.capabilities <= set(CAPABILITIES), name
    assert ENGINES["duckdb"].capabilities == set(CAPABILITIES)
    assert ENGINES["spark"].supports("user_datasets")
    assert not ENGINES["spark"].supports("cursors")


def test_an_unknown_engine_is_an_input_error_naming_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"Unknown engine 'polars'\. Known engines: duckdb, spark"):
        get_engine("polars")


def test_a_missing_capability_names_the_engine_and_the_operation() -> None:
    with pytest.raises(UnsupportedOperationError, match="spark engine cannot do this: serving X"):
        ENGINES["spark"].require("cursors", "serving X")
    ENGINES["duckdb"].require("cursors", "serving X")


def test_open_warehouse_picks_duckdb_by_default(tmp_path: Path) -> None:
    wh = open_warehouse(Settings(warehouse=tmp_path / "w.duckdb"))
    assert type(wh) is Warehouse
    wh.close()


def test_spark_without_pyspark_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(UnsupportedOperationError, match="needs PySpark") as caught:
        open_warehouse(Settings(engine="spark", warehouse=tmp_path / "w.duckdb"))
    assert "pip install 'tradepivot[spark]'" in str(caught.value)
    assert isinstance(caught.value.__cause__, ImportError)


# ---------------------------------------------------------------------- both engines
def test_materialise_keeps_the_result(engine: EngineUnderTest) -> None:
    wh = engine.warehouse
    kept = wh.materialise(complexity.rca(engine.tables["flows"]))
    assert_rows_close(engine.run(kept), reference.rca(reference.rows(FLOWS)), ["exporter", "hs6"])


def test_derived_computes_once_then_reads_the_cache(engine: EngineUnderTest) -> None:
    wh = engine.warehouse
    manifest = DatasetManifest(
        id="fixture",
        title="conformance fixture",
        kind="bilateral",
        source="tests/conformance/fixture.py",
        edition="HS2017",
        years=[2024],
        rows=FLOWS.num_rows,
        checksum_sha256="0123456789abcdef" * 4,
    )
    builds: list[int] = []

    def build() -> ibis.Table:
        builds.append(1)
        return complexity.rca(engine.tables["flows"])

    first = wh.derived(manifest, "rca-test", build)
    second = wh.derived(manifest, "rca-test", build)
    assert builds == [1]
    cached = list(wh.settings.cache_dir.glob("derived/fixture-*/rca-test.parquet"))
    assert len(cached) == 1
    expected = reference.rca(reference.rows(FLOWS))
    for table in (first, second):
        assert_rows_close(engine.run(table), expected, ["exporter", "hs6"])


# ---------------------------------------------------------------------- spark specifics
@pytest.fixture(scope="module")
def spark_wh(spark_session: SparkSession, spark_settings: Settings) -> Iterator[SparkWarehouse]:
    from tradepivot.data.spark import SparkWarehouse

    wh = SparkWarehouse(spark_settings, session=spark_session)
    yield wh
    wh.close()


@pytest.mark.spark
def test_open_warehouse_picks_spark_by_settings(tmp_path: Path) -> None:
    require_spark()
    from tradepivot.data.spark import SparkWarehouse

    wh = open_warehouse(Settings(engine="spark", warehouse=tmp_path / "w.duckdb"))
    assert type(wh) is SparkWarehouse
    assert "session" not in wh.__dict__  # nothing started until the first query


@pytest.mark.slow  # writes the Spark-readable copy of the world matrix (~8 s) on first use
@pytest.mark.spark
def test_embedded_views_have_the_same_columns_and_types(
    spark_wh: SparkWarehouse, wh: Warehouse
) -> None:
    from tradepivot.data.spark import REFERENCE_TABLES

    views = {
        r[0]
        for r in wh.con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary"
        ).fetchall()
    }
    assert views == {*EMBEDDED_VIEWS.values(), *REFERENCE_TABLES}
    for name in sorted(views):
        spark_schema = spark_wh.reference_table(name).schema()
        duck_schema = wh.ibis.table(name).schema()
        # Nullability is not compared: Spark marks literal columns (year, reporter) NOT NULL.
        assert [(c, t.copy(nullable=True)) for c, t in spark_schema.items()] == [
            (c, t.copy(nullable=True)) for c, t in duck_schema.items()
        ], name


SLICES = {
    "world_2024": lambda t: t.filter((t.importer == "RUS") & t.hs6.startswith("4104")),
    "us_census_2024": lambda t: t.filter(t.partner == "IND"),
    "india_eidb": lambda t: t.filter((t.partner == "RUS") & (t.fy == "2023-24")),
}


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.parametrize("view", list(SLICES))
def test_embedded_views_hold_the_same_values(
    spark_wh: SparkWarehouse, wh: Warehouse, view: str
) -> None:
    """Exactly equal rows (growth rates included) on a slice of each fact view."""
    tables = [SLICES[view](w.reference_table(view)).to_pyarrow() for w in (spark_wh, wh)]
    spark_rows, duck_rows = (sorted(t.to_pylist(), key=repr) for t in tables)
    assert len(duck_rows) > 10
    assert spark_rows == duck_rows


@pytest.mark.spark
def test_ingested_datasets_are_read_through_a_parquet_copy(
    spark_session: SparkSession, tmp_path: Path
) -> None:
    from tradepivot.data.spark import SparkWarehouse

    settings = Settings(warehouse=tmp_path / "w.duckdb", cache_dir=tmp_path / "cache")
    years = [2023, 2024, 2024]
    batch = pa.table(
        {
            "year": years,
            "exporter": ["IND"] * 3,
            "importer": ["RUS"] * 3,
            "hs6": ["420221", "420222", "640399"],
            "value_usd": [1.0, 2.0, 3.0],
            "quantity": [None] * 3,
            "reported_by": [None] * 3,
        },
        schema=FACT_SCHEMAS["bilateral"],
    )
    manifest = DatasetManifest(
        id="mine",
        title="t",
        kind="bilateral",
        source="s",
        edition="HS2017",
        years=[2023, 2024],
        rows=3,
    )
    with Store(settings.warehouse) as store, store.replacing("mine", "bilateral") as loader:
        loader.append(batch)
        loader.finish(manifest, "abc", "x.csv")

    duck = Warehouse(settings)
    duck_table = duck.table("mine")[0]
    duck_rows = duck_table.order_by("hs6").to_pyarrow()
    duck_schema = duck_table.schema()
    duck.close()

    spark = SparkWarehouse(settings, session=spark_session)
    assert "mine" in [m.id for m in spark.datasets()]
    table = spark.table("mine")[0]
    assert table.schema() == duck_schema
    assert table.order_by("hs6").to_pyarrow().to_pylist() == duck_rows.to_pylist()
    folder = spark.user_parquet(spark.dataset("mine"))
    assert folder.parent == settings.cache_dir / "spark" / "datasets"
    assert sorted(p.name for p in folder.iterdir()) == ["year-2023.parquet", "year-2024.parquet"]
    with pytest.raises(UnsupportedOperationError, match="Parquet copy"):
        spark._attach_user()
    spark.close()


@pytest.mark.spark
def test_close_drops_the_warehouse_s_cached_results(spark_session: SparkSession) -> None:
    from tradepivot.data.spark import SparkWarehouse

    spark = SparkWarehouse(session=spark_session)
    kept = spark.materialise(ibis.memtable({"a": [1, 2, 3]}).mutate(b=ibis._.a * 2))
    name = kept.get_name()
    assert spark_session.catalog.isCached(name)
    spark.close()
    assert not spark_session.catalog.tableExists(name)
    assert not spark_session.sparkContext._jsc.sc().isStopped()  # shared session left running


# ---------------------------------------------------------------------- error boundary
def _raise_py4j() -> None:
    from py4j.protocol import Py4JError

    raise Py4JError("An error occurred while calling o42.collect")


@pytest.mark.spark
@pytest.mark.parametrize(
    ("case", "expected", "foreign"),
    [
        ("missing table", DataSourceError, "AnalysisException"),
        ("missing parquet", DataSourceError, "AnalysisException"),
        ("division by zero (ANSI)", DataSourceError, "ArithmeticException"),
        ("py4j", DataSourceError, "Py4JError"),
        ("op Spark lacks", UnsupportedOperationError, "OperationNotDefinedError"),
    ],
)
def test_spark_exceptions_become_tradepivot_errors(
    spark_wh: SparkWarehouse,
    tmp_path: Path,
    case: str,
    expected: type[TradepivotError],
    foreign: str,
) -> None:
    from tradepivot.data.spark import spark_errors

    actions = {
        "missing table": lambda: spark_wh.ibis.sql("SELECT * FROM no_such_table"),
        "missing parquet": lambda: spark_wh._parquet_view(tmp_path / "absent.parquet"),
        "division by zero (ANSI)": lambda: spark_wh.ibis.sql("SELECT 1 / 0 AS x").to_pyarrow(),
        "op Spark lacks": lambda: (
            spark_wh.reference_table("fx_rates").select(u=ibis.uuid()).to_pyarrow()
        ),
    }
    with pytest.raises(expected) as caught:
        if case == "py4j":
            with spark_errors("collect"):
                _raise_py4j()
        else:  # through the warehouse's own boundary
            actions[case]()
    assert type(caught.value.__cause__).__name__ == foreign
    assert caught.value.message.startswith(("Spark could not", "The spark engine cannot"))


def test_other_exceptions_pass_the_boundary_unchanged() -> None:
    from tradepivot.data.spark import spark_errors

    with pytest.raises(KeyError), spark_errors("anything"):
        raise KeyError("a programming mistake stays one")
    with pytest.raises(InputError), spark_errors("anything"):
        raise InputError("already ours")


@pytest.mark.spark
def test_spark_without_java_says_to_install_it(tmp_path: Path) -> None:
    require_spark()
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from tradepivot.config import Settings
        from tradepivot.data.spark import spark_session
        from tradepivot.errors import TradepivotError
        try:
            spark_session(Settings(cache_dir=Path({str(tmp_path)!r})))
        except TradepivotError as exc:
            print(type(exc).__name__, exc.message, exc.hint, sep="|")
        """
    )
    env = {"PATH": "/usr/bin:/bin", "JAVA_HOME": str(tmp_path / "no-java"), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    kind, message, hint = done.stdout.strip().splitlines()[-1].split("|")
    assert kind == "DataSourceError"
    assert "Java process exited" in message
    assert "Java 17" in hint


# ---------------------------------------------------------------------- where Spark runs
def test_the_master_comes_from_the_settings_or_spark_submit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tradepivot.data.spark import DEFAULT_MASTER, spark_master

    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    assert spark_master(Settings()) == DEFAULT_MASTER == "local[2]"
    assert spark_master(Settings(spark_master="spark://head:7077")) == "spark://head:7077"
    monkeypatch.setenv("PYSPARK_GATEWAY_PORT", "40000")  # launched by spark-submit
    assert spark_master(Settings()) is None
    assert spark_master(Settings(spark_master="yarn")) == "yarn"


def test_a_spark_connect_url_is_checked_at_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tradepivot.config import load_settings

    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("TRADEPIVOT_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("TRADEPIVOT_SPARK_CONNECT_URL", "http://head:15002")
    with pytest.raises(InputError, match="spark_connect_url"):
        load_settings()
    monkeypatch.setenv("TRADEPIVOT_SPARK_CONNECT_URL", "sc://head:15002")
    assert load_settings().spark_connect_url == "sc://head:15002"


@pytest.mark.spark
def test_spark_connect_without_its_client_names_the_install(tmp_path: Path) -> None:
    """Without grpcio (hidden from a fresh interpreter) a Connect URL names the install."""
    require_spark()
    script = textwrap.dedent(
        f"""
        import sys
        sys.modules["grpc"] = None  # as if PySpark's Connect client were not installed
        from tradepivot.config import Settings
        from tradepivot.data.spark import spark_session
        from tradepivot.errors import TradepivotError
        settings = Settings(cache_dir={str(tmp_path)!r}, spark_connect_url="sc://127.0.0.1:1")
        try:
            spark_session(settings)
        except TradepivotError as exc:
            print(type(exc).__name__, exc.hint, sep="|")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    kind, hint = done.stdout.strip().splitlines()[-1].split("|")
    assert kind == "UnsupportedOperationError", done.stderr
    assert "pyspark[connect]" in hint

"""A multi-year ingested dataset answers the same on Spark as on DuckDB.

Two synthetic BACI years (scripts/synth_years.py, over 20 exporters' flows of chapters 41-43)
are ingested into a DuckDB warehouse; the Spark warehouse reads them through its Parquet copy
(one file per year). The flows of one year, of the other and of the two-year average, then
the services on top of them (a market's imports, an exporter's ranked markets for one year
and for the average), must agree to the conformance tolerance.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from tests.conformance.harness import assert_rows_close
from tradepivot.config import Settings
from tradepivot.data.embedded import default_dir
from tradepivot.data.flows import YearSpan, flow_source
from tradepivot.data.warehouse import Warehouse
from tradepivot.services.ingest import ingest_file
from tradepivot.services.opportunity import rank_markets
from tradepivot.services.trade import market_overview

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from tradepivot.data.spark import SparkWarehouse

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "synth_years.py"
NAME = "synth-2y"
SPANS: list[YearSpan | None] = [None, (2023, 2023), (2023, 2024)]
PERIODS = {None: "2024", (2023, 2023): "2023", (2023, 2024): "2023-2024 average"}


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse file holding the two synthetic years as dataset ``synth-2y``."""
    root = tmp_path_factory.mktemp("years")
    data = root / "data"
    (data / "world_2024").mkdir(parents=True)
    (data / "reference").mkdir()
    shutil.copy(default_dir() / "reference" / "countries.parquet", data / "reference")
    world = default_dir() / "world_2024" / "part-*.parquet"
    duckdb.sql(
        f"""COPY (SELECT * FROM read_parquet('{world}')
                  WHERE left(hs6, 2) IN ('41', '42', '43')
                    AND exporter IN (SELECT DISTINCT exporter FROM read_parquet('{world}')
                                     ORDER BY exporter LIMIT 20))
            TO '{data / "world_2024" / "part-0.parquet"}' (FORMAT parquet)"""
    )
    spec = importlib.util.spec_from_file_location("synth_years", SCRIPT)
    assert spec is not None and spec.loader is not None
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    csv = synth.write(root / "csv", 2, data=data)
    warehouse = root / "w.duckdb"
    ingest_file(Settings(warehouse=warehouse), "baci", csv, name=NAME)
    return warehouse


@pytest.fixture(scope="module")
def both(
    two_years: Path, spark_session: SparkSession, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Warehouse, SparkWarehouse]]:
    """The DuckDB and the Spark warehouse over the same file, each with its own cache (so
    neither reads the other's derived tables)."""
    from tradepivot.data.spark import SparkWarehouse

    root = tmp_path_factory.mktemp("caches")
    duck = Warehouse(Settings(warehouse=two_years, cache_dir=root / "duckdb"))
    spark = SparkWarehouse(
        Settings(warehouse=two_years, cache_dir=root / "spark"), session=spark_session
    )
    yield duck, spark
    spark.close()
    duck.close()


@pytest.mark.spark
@pytest.mark.slow
def test_the_parquet_copy_holds_one_file_per_year(
    both: tuple[Warehouse, SparkWarehouse],
) -> None:
    duck, spark = both
    folder = spark.user_parquet(spark.dataset(NAME))
    assert sorted(p.name for p in folder.iterdir()) == ["year-2023.parquet", "year-2024.parquet"]
    counts = duckdb.sql(
        f"SELECT year, count(*) FROM read_parquet('{folder}/*.parquet') GROUP BY 1 ORDER BY 1"
    ).fetchall()
    facts = duck.table(NAME)[0]
    held = [
        tuple(r.values())
        for r in facts.group_by("year")
        .agg(n=facts.count())
        .order_by("year")
        .to_pyarrow()
        .to_pylist()
    ]
    assert counts == held and len(held) == 2


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.parametrize("span", SPANS, ids=str)
def test_flows_of_a_year_or_an_average(
    both: tuple[Warehouse, SparkWarehouse], span: YearSpan | None
) -> None:
    duck, spark = both
    expected = flow_source(duck, dataset=NAME, years_span=span)
    actual = flow_source(spark, dataset=NAME, years_span=span)
    assert actual.period == expected.period == PERIODS[span]
    assert actual.notes == expected.notes
    rows = expected.table.to_pyarrow()
    assert rows.num_rows > 1000
    assert_rows_close(actual.table.to_pyarrow(), rows.to_pylist(), ["exporter", "importer", "hs6"])


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.parametrize("span", SPANS, ids=str)
def test_market_imports(both: tuple[Warehouse, SparkWarehouse], span: YearSpan | None) -> None:
    duck, spark = both
    reports = [
        market_overview(w, "CHN", focus="ARG", dataset=NAME, years_span=span, top=None)
        for w in (duck, spark)
    ]
    expected, actual = (r.rows for r in reports)
    assert expected.num_rows > 10
    assert reports[0].query["period"] == reports[1].query["period"] == PERIODS[span]
    assert_rows_close(actual, expected.to_pylist(), ["code"])


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.parametrize("span", [None, (2023, 2024)], ids=str)
def test_ranked_markets(both: tuple[Warehouse, SparkWarehouse], span: YearSpan | None) -> None:
    duck, spark = both
    reports = [
        rank_markets(w, "ARG", sector="leather", dataset=NAME, years_span=span, top=None)
        for w in (duck, spark)
    ]
    expected, actual = (r.rows for r in reports)
    assert expected.num_rows > 10
    assert reports[0].query["period"] == reports[1].query["period"] == PERIODS[span]
    assert_rows_close(actual, expected.to_pylist(), ["importer"], ordered=True)
    for key, value in reports[0].totals.items():
        got = reports[1].totals[key]
        assert got == pytest.approx(value, rel=1e-9) if isinstance(value, float) else got == value

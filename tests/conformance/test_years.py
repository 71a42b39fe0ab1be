"""A multi-year ingested dataset answers the same on Spark as on DuckDB.

Two synthetic BACI years (scripts/synth_years.py, over 20 exporters' flows of chapters 41-43)
are ingested into a DuckDB warehouse; the Spark warehouse reads them through its Parquet copy
(one file per year). The flows of one year, of the other and of the two-year average, then
the services on top of them (a market's imports, an exporter's ranked markets for one year
and for the average), must agree to the conformance tolerance.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow.parquet as pq
import pytest

from tests.conformance.harness import assert_rows_close, require_spark
from tradepivot.config import Settings
from tradepivot.data.embedded import default_dir
from tradepivot.data.flows import YearSpan, flow_source
from tradepivot.data.spark import FAST_START_JAVA_OPTIONS
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


# ---------------------------------------------------------------------- Spark Connect
@pytest.fixture(scope="module")
def connect_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Spark Connect server (PySpark's own, local[1]) on a free loopback port."""
    require_spark()
    if importlib.util.find_spec("grpc") is None:
        pytest.skip("PySpark's Connect client is not installed: pip install 'pyspark[connect]'")
    import pyspark

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path_factory.mktemp("connect") / "server.log"
    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    argv = [
        str(submit),
        "--class",
        "org.apache.spark.sql.connect.service.SparkConnectServer",
        "--master",
        "local[1]",
        "--driver-java-options",
        FAST_START_JAVA_OPTIONS,
        *("--conf", f"spark.connect.grpc.binding.port={port}"),
        *("--conf", "spark.connect.grpc.binding.address=127.0.0.1"),
        *("--conf", "spark.driver.host=127.0.0.1"),
        *("--conf", "spark.ui.enabled=false"),
        *("--conf", "spark.sql.shuffle.partitions=8"),
        "spark-internal",
    ]
    with log.open("wb") as out:
        # Its own process group: spark-submit's script leaves the JVM as a child to stop too.
        server = subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"},
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Spark Connect server did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.5)
        yield f"sc://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# A process holds either a classic Spark session or a Connect one: the Connect client runs in
# a fresh interpreter (the suite's own classic session lives in this one) and writes Parquet.


@pytest.mark.spark
@pytest.mark.slow
def test_the_same_answers_through_spark_connect(
    two_years: Path, connect_url: str, tmp_path: Path
) -> None:
    """The spark engine on a Spark Connect server (``spark_connect_url``): nothing of Spark
    starts in the client process, the server reads the Parquet copy, the answers are DuckDB's."""
    client = textwrap.dedent(
        f"""
        import pyarrow.parquet as pq
        from tradepivot.config import Settings
        from tradepivot.data.flows import flow_source
        from tradepivot.data.spark import SparkWarehouse
        from tradepivot.services.opportunity import rank_markets
        settings = Settings(
            engine="spark",
            warehouse={str(two_years)!r},
            cache_dir={str(tmp_path / "spark")!r},
            spark_connect_url={connect_url!r},
        )
        remote = SparkWarehouse(settings)
        print(type(remote.session).__module__)
        flows = flow_source(remote, dataset={NAME!r}, years_span=(2023, 2024))
        pq.write_table(flows.table.to_pyarrow(), {str(tmp_path / "flows.parquet")!r})
        ranked = rank_markets(remote, "ARG", sector="leather", dataset={NAME!r}, top=None)
        pq.write_table(ranked.rows, {str(tmp_path / "ranked.parquet")!r})
        print(flows.period, ranked.query["period"])
        remote.close()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", client], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    module, *periods = done.stdout.split()
    assert module.startswith("pyspark.sql.connect")  # a Connect session, no local JVM
    assert periods == ["2023-2024", "average", "2024"]
    duck = Warehouse(Settings(warehouse=two_years, cache_dir=tmp_path / "duckdb"))
    try:
        expected = flow_source(duck, dataset=NAME, years_span=(2023, 2024)).table.to_pyarrow()
        actual = pq.read_table(tmp_path / "flows.parquet")
        assert_rows_close(actual, expected.to_pylist(), ["exporter", "importer", "hs6"])
        ranked = rank_markets(duck, "ARG", sector="leather", dataset=NAME, top=None).rows
        assert_rows_close(
            pq.read_table(tmp_path / "ranked.parquet"),
            ranked.to_pylist(),
            ["importer"],
            ordered=True,
        )
    finally:
        duck.close()

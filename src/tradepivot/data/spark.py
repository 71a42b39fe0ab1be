"""The Spark engine: the embedded data as Spark views, the same Ibis analytics run by PySpark.

:class:`SparkWarehouse` is a :class:`~tradepivot.data.warehouse.Warehouse` whose ``ibis``
backend is Ibis' PySpark backend over a SparkSession. It registers the same views as the DuckDB
warehouse (``world_2024``, ``us_census_2024``, ``india_eidb`` and the reference tables), read
from the same Parquet files and with the same column names and types, so every analytics
function runs unchanged; tests/conformance runs them on both engines and compares.

What differs from DuckDB, declared in :data:`tradepivot.data.engines.ENGINES` or measured by
the conformance suite:

- datasets ingested by the user live in a DuckDB file that Spark cannot attach: the first
  query of one writes its Parquet copy, one file per year, into ``spark_data_dir``
  (:meth:`SparkWarehouse.user_parquet`), which Spark reads from then on;
- the session is local (``local[2]``), on the master ``spark_master`` names (a cluster), or
  a Spark Connect server (``spark_connect_url``) (:func:`spark_session`);
- views are registered in Spark on first use; the world matrix is read from a copy re-encoded
  once into the cache dir (:meth:`SparkWarehouse._spark_readable`: Spark 4.0's fast Parquet
  reader rejects its BYTE_STREAM_SPLIT columns);
- results are fetched as Arrow straight from Spark (``DataFrame.toArrow``, PySpark 4) instead of
  Ibis' pandas round trip, which is slower and warns under pandas 3;
- arithmetic on FLOAT columns (``cagr_8y``) runs in double precision on Spark, in single
  precision on DuckDB: growth rates differ by ~1e-7 relative (tests/conformance/test_markets.py).

PySpark is optional (``pip install 'tradepivot[spark]'``) and imported only when a Spark
warehouse is opened. Every PySpark, Py4J and Ibis-on-Spark exception is translated in one
place, :func:`spark_errors`, into :class:`DataSourceError` or
:class:`UnsupportedOperationError` (``raise ... from exc``), so callers meet only the
tradepivot error tree.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator, Mapping
from functools import cache, cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import duckdb
import ibis.expr.types as ir
import pyarrow.parquet as pq

from tradepivot.config import Settings
from tradepivot.data.catalog import DatasetKind, DatasetManifest
from tradepivot.data.engines import ENGINES, SPARK_INSTALL_HINT
from tradepivot.data.store import FACT_SCHEMAS, connect_store
from tradepivot.data.warehouse import EMBEDDED_VIEWS, Warehouse, user_columns
from tradepivot.errors import DataSourceError, TradepivotError, UnsupportedOperationError

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import SparkSession

__all__ = [
    "FAST_START_JAVA_OPTIONS",
    "REFERENCE_TABLES",
    "SparkWarehouse",
    "import_pyspark",
    "spark_errors",
    "spark_session",
    "stop_spark",
    "translate_spark_error",
]

log = logging.getLogger(__name__)

#: Reference tables registered as views under their own names (as in the DuckDB warehouse).
REFERENCE_TABLES = (
    "countries",
    "country_aliases",
    "hs_nomenclature",
    "hs_concordance",
    "geo_dist",
    "chpl",
    "fx_rates",
)

# The DuckDB warehouse's fact views (warehouse.py), column for column, in Spark SQL:
# view -> (its Parquet files under the embedded data dir, views it reads, SELECT over {raw}).
# FLOAT / 10 is a DOUBLE in Spark; the cast back to FLOAT rounds it exactly as DuckDB's FLOAT
# division does (the double quotient of two floats rounds correctly to float).
_FACT_VIEWS: Mapping[str, tuple[str, tuple[str, ...], str]] = {
    "world_2024": (
        "world_2024/part-*.parquet",
        (),
        """
        SELECT CAST(2024 AS SMALLINT) AS year, exporter, importer, hs6,
               value_usd, CAST(NULL AS DOUBLE) AS quantity,
               CASE WHEN cagr_8y_tenths > -1000
                    THEN CAST(cagr_8y_tenths AS DOUBLE) / 10 END AS cagr_8y,
               CAST(NULL AS STRING) AS reported_by
        FROM {raw}
        """,
    ),
    "us_census_2024": (
        "us_census_2024/imports_hs6.parquet",
        ("hs_concordance",),
        """
        SELECT CAST(2024 AS SMALLINT) AS year, c.partner, c.cty_code, c.hs6_2022 AS code,
               coalesce(w.to_code, c.hs6_2022) AS hs6, coalesce(w.weight, 1.0D) AS weight,
               c.value_usd * coalesce(w.weight, 1.0D) AS value_usd,
               c.duty_usd * coalesce(w.weight, 1.0D) AS duty_usd
        FROM {raw} c
        LEFT JOIN (SELECT from_code, to_code, weight FROM hs_concordance
                   WHERE from_edition = 'HS2022' AND to_edition = 'HS2017') w
          ON w.from_code = c.hs6_2022
        """,
    ),
    "india_eidb": (
        "india_eidb/exports_hs8.parquet",
        ("country_aliases",),
        """
        SELECT 'IND' AS reporter,
               concat(CAST(e.fy_start AS STRING), '-',
                      lpad(CAST((e.fy_start + 1) % 100 AS STRING), 2, '0')) AS fy,
               lpad(CAST(e.hs8 AS STRING), 8, '0') AS code, a.iso3 AS partner,
               e.partner_eidb AS partner_name,
               CAST(e.value_10k_usd * 10000 AS DOUBLE) AS value_usd,
               CAST(NULL AS DOUBLE) AS quantity, CAST(NULL AS STRING) AS unit
        FROM {raw} e
        LEFT JOIN (SELECT alias, iso3 FROM country_aliases WHERE source = 'eidb') a
          ON a.alias = e.partner_eidb
        """,
    ),
}

#: JVM options that halve Spark's start-up and first-query time on a small machine (C1 JIT
#: only, serial GC) at the cost of peak throughput: for tests and short interactive runs.
FAST_START_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

# Every session: UTC (dates and the conformance suite), Arrow transfers, no Hive metastore.
_SESSION_CONF: Mapping[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.catalogImplementation": "in-memory",
}

# A local session also talks to nothing but itself: no UI, loopback only, few partitions (the
# default 200 shuffle partitions make every small aggregation schedule 200 tasks). A cluster
# master keeps its own network and partition settings (spark-defaults.conf).
_LOCAL_CONF: Mapping[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.shuffle.partitions": "8",
}

#: The master a session starts with when neither ``spark_master`` nor spark-submit names one.
DEFAULT_MASTER = "local[2]"

# Spark's default log4j profile prints INFO banners and a NativeCodeLoader warning on start;
# WindowExec warns on every whole-table window (shares, ranks), which run on small aggregates.
_LOG4J2 = """\
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = stderr
appender.stderr.type = Console
appender.stderr.name = stderr
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
logger.native.name = org.apache.hadoop.util.NativeCodeLoader
logger.native.level = error
logger.window.name = org.apache.spark.sql.execution.window.WindowExec
logger.window.level = error
"""

_JAVA_HINT = (
    "Spark needs Java 17 or newer: install it (Debian: apt-get install openjdk-17-jre-headless) "
    "or point JAVA_HOME at it; or use --engine duckdb."
)


# ---------------------------------------------------------------------- errors (one boundary)
def _first_line(exc: BaseException, limit: int = 400) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line if len(line) <= limit else line[: limit - 1] + "…"


def translate_spark_error(exc: BaseException, action: str) -> TradepivotError | None:
    """The tradepivot error for a PySpark, Py4J or Ibis-on-Spark exception (else ``None``).

    ``action`` completes "Spark could not ...". Exceptions of no such origin (programming
    mistakes) give ``None`` and propagate unchanged.
    """
    import ibis.common.exceptions as ibis_errors

    if isinstance(
        exc, ibis_errors.OperationNotDefinedError | ibis_errors.UnsupportedOperationError
    ):
        return UnsupportedOperationError(
            f"The spark engine cannot {action}: {_first_line(exc)}",
            hint="Run it with --engine duckdb.",
        )
    try:
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException
    except ImportError:  # without PySpark nothing can have come from it
        return None
    if isinstance(exc, PySparkException):
        if exc.getCondition() == "JAVA_GATEWAY_EXITED":
            return DataSourceError(
                "Spark could not start: its Java process exited at once.", hint=_JAVA_HINT
            )
        return DataSourceError(f"Spark could not {action}: {_first_line(exc)}")
    if isinstance(exc, Py4JError):
        return DataSourceError(
            f"Spark could not {action}: the Spark JVM failed ({_first_line(exc)}).",
            hint="Spark's log above says why; retry, or use --engine duckdb.",
        )
    return None


@contextlib.contextmanager
def spark_errors(action: str) -> Iterator[None]:
    """Translate Spark's exceptions raised inside the block into tradepivot errors.

    >>> with spark_errors("read the data"):
    ...     pass
    """
    try:
        yield
    except TradepivotError:
        raise
    except Exception as exc:
        translated = translate_spark_error(exc, action)
        if translated is None:
            raise
        raise translated from exc


# ---------------------------------------------------------------------- session
def import_pyspark() -> ModuleType:
    """Import PySpark, or fail with the install hint when the extra is not installed."""
    try:
        return importlib.import_module("pyspark.sql")
    except ImportError as exc:
        raise UnsupportedOperationError(
            "The spark engine needs PySpark, which is not installed.", hint=SPARK_INSTALL_HINT
        ) from exc


@contextlib.contextmanager
def _loopback_only() -> Iterator[None]:
    # The JVM picks its own address from the host name unless told (and warns that the name
    # resolves to loopback): tell it, for the launch only, without touching an explicit choice.
    if "SPARK_LOCAL_IP" in os.environ:
        yield
        return
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    try:
        yield
    finally:
        os.environ.pop("SPARK_LOCAL_IP", None)


def spark_master(settings: Settings) -> str | None:
    """The master URL a new session is started with: ``settings.spark_master``, else none
    under spark-submit (which passes its own ``--master``), else :data:`DEFAULT_MASTER`."""
    if settings.spark_master:
        return settings.spark_master
    if "PYSPARK_GATEWAY_PORT" in os.environ:  # the JVM was launched by spark-submit
        return None
    return DEFAULT_MASTER


def spark_session(
    settings: Settings | None = None,
    *,
    master: str | None = None,
    conf: Mapping[str, str] | None = None,
    java_options: str = "",
) -> SparkSession:
    """Start (or join) a quiet SparkSession configured for tradepivot.

    Parameters
    ----------
    settings
        Where Spark's scratch files go (``cache_dir/spark``), the master
        (``spark_master``, see :func:`spark_master`) and, when ``spark_connect_url`` is set,
        the Spark Connect server to use instead of starting a JVM here.
    master
        Overrides the settings' master (e.g. ``local[1]`` in a test).
    conf
        Extra Spark settings, applied after the defaults.
    java_options
        Extra JVM options for the driver, e.g. :data:`FAST_START_JAVA_OPTIONS`.

    Returns
    -------
    SparkSession
        A session that joins one already running in this process, if any (Spark allows one
        per JVM); start-up settings then stay those of the running session.
    """
    import_pyspark()
    from pyspark.sql import SparkSession

    settings = settings or Settings()
    if settings.spark_connect_url and master is None:
        return _connect_session(settings.spark_connect_url, conf)
    master = master or spark_master(settings)
    # Under spark-submit (no master here) its own --master and --conf decide everything.
    local = master is not None and master.startswith("local")
    scratch = settings.cache_dir / "spark"
    log4j = scratch / "log4j2.properties"
    with spark_errors("start"):
        scratch.mkdir(parents=True, exist_ok=True)
        if not log4j.exists() or log4j.read_text(encoding="utf-8") != _LOG4J2:
            log4j.write_text(_LOG4J2, encoding="utf-8")
        options = f"-Dlog4j2.configurationFile={log4j.as_uri()} {java_options}".strip()
        builder = SparkSession.builder.appName("tradepivot")
        if master is not None:
            builder = builder.master(master)
        for key, value in {
            **_SESSION_CONF,
            **(_LOCAL_CONF if local else {}),
            "spark.sql.warehouse.dir": str(scratch / "warehouse"),
            "spark.driver.extraJavaOptions": options,
            **(conf or {}),
        }.items():
            builder = builder.config(key, value)
        with _loopback_only() if local else contextlib.nullcontext():
            session = builder.getOrCreate()
        session.sparkContext.setLogLevel("WARN")
    return session


def _connect_session(url: str, conf: Mapping[str, str] | None) -> SparkSession:
    """A Spark Connect session to the server at ``url`` (``sc://host:15002``).

    Only runtime settings can be set from a Connect client: the server's own configuration
    (master, memory, partitions) is the cluster's.
    """
    from pyspark.sql import SparkSession

    with spark_errors(f"connect to the Spark Connect server {url}"):
        builder = SparkSession.builder.remote(url)
        runtime = {k: v for k, v in _SESSION_CONF.items() if "catalogImplementation" not in k}
        for key, value in {**runtime, **(conf or {})}.items():
            builder = builder.config(key, value)
        try:
            session: SparkSession = builder.getOrCreate()
        except ImportError as exc:  # PySpark's Connect client needs grpcio and friends
            raise UnsupportedOperationError(
                f"Spark Connect ({url}) needs PySpark's Connect client, which is not "
                f"installed: {_first_line(exc)}",
                hint="pip install 'pyspark[connect]' (the same version as pyspark), or unset "
                "spark_connect_url to start Spark here.",
            ) from exc
    return session


def stop_spark(session: SparkSession, *, timeout: float = 30.0) -> None:
    """Stop ``session``, close Py4J's connections and let the JVM this process started exit.

    ``SparkSession.stop`` keeps the Py4J gateway and its JVM for a later session; they are
    then reclaimed by the garbage collector at some later point, with ResourceWarnings
    ("unclosed socket", "subprocess is still running"). After this, a new session in the same
    process starts a new JVM.
    """
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    with spark_errors("stop"):
        session.stop()
        if gateway is None:
            return
        jvm = getattr(gateway, "proc", None)  # None when PySpark joined an existing JVM
        gateway.shutdown()
        SparkContext._gateway = None
        SparkContext._jvm = None
    if jvm is not None:
        jvm.stdin.close()  # PySpark's JVM exits when its standard input closes
        try:
            jvm.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            jvm.kill()
            jvm.wait()


# ---------------------------------------------------------------------- Ibis backend
@cache
def _backend_class() -> type[Any]:
    """Ibis' PySpark backend, fetching results as Arrow and translating errors.

    Built on first use because subclassing it imports PySpark.
    """
    import ibis

    ibis.load_backend("pyspark")  # registers its options, which a plain import does not
    from ibis.backends.pyspark import Backend
    from ibis.formats.pyarrow import PyArrowData
    from pyspark.sql import DataFrame

    arrow_results = hasattr(DataFrame, "toArrow")  # PySpark 4; 3.5 goes through pandas

    class ArrowSparkBackend(Backend):  # type: ignore[misc]  # ibis is untyped
        """Results come back through ``DataFrame.toArrow`` (PySpark 4), not pandas."""

        def to_pyarrow(
            self,
            expr: ir.Expr,
            /,
            *,
            params: Mapping[Any, Any] | None = None,
            limit: int | str | None = None,
            **kwargs: Any,
        ) -> Any:
            table_expr = expr.as_table()
            with spark_errors("run the query"):
                if not arrow_results:
                    return super().to_pyarrow(expr, params=params, limit=limit, **kwargs)
                self._run_pre_execute_hooks(table_expr)
                sql = self.compile(table_expr, params=params, limit=limit, **kwargs)
                arrow = self._session.sql(sql).toArrow()
            table = PyArrowData.convert_table(arrow, table_expr.schema())
            return expr.__pyarrow_result__(table)

        def raw_sql(self, query: Any, **kwargs: Any) -> Any:
            # Ibis' own SQL entry point: schemas of ``.sql()`` queries, views, DDL.
            with spark_errors("run the query"):
                return super().raw_sql(query, **kwargs)

        def execute(self, expr: ir.Expr, /, **kwargs: Any) -> Any:
            with spark_errors("run the query"):
                return super().execute(expr, **kwargs)

        def _register_in_memory_table(self, op: Any) -> None:
            data: pa.Table = op.data.to_pyarrow(op.schema)
            with spark_errors("load an in-memory table"):
                try:
                    frame = self._session.createDataFrame(data)
                except TypeError:  # PySpark 3.5 takes no Arrow tables
                    super()._register_in_memory_table(op)
                    return
                frame.createOrReplaceTempView(op.name)

    return ArrowSparkBackend


# ---------------------------------------------------------------------- the warehouse
class SparkWarehouse(Warehouse):
    """The embedded data on Spark, behind the same interface as the DuckDB warehouse.

    Parameters
    ----------
    settings
        As for :class:`Warehouse`.
    session
        A SparkSession to use (a cluster's, or one shared by tests); it is left running on
        :meth:`close`. Without one, a local session is started on first use and stopped on
        :meth:`close`.
    java_options
        Extra JVM options for a session started here (see :func:`spark_session`).

    >>> wh = SparkWarehouse()  # doctest: +SKIP
    >>> wh.table("world-2024")[0].count().to_pyarrow().as_py()  # doctest: +SKIP
    9933867
    """

    engine = ENGINES["spark"]

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        session: SparkSession | None = None,
        java_options: str = "",
    ) -> None:
        import_pyspark()  # fail here, with the install hint, not at the first query
        super().__init__(settings)
        self._given_session = session
        self._java_options = java_options
        self._owns_session = False
        # Temp views are per session, and a session may be shared: names must not collide.
        self._prefix = f"_tp_{uuid.uuid4().hex[:8]}"
        self._views: list[str] = []
        self._registered: set[str] = set()

    # ------------------------------------------------------------------ connection
    @cached_property
    def session(self) -> SparkSession:
        """The SparkSession (embedded views are registered in it as they are first used)."""
        if self._given_session is not None:
            session = self._given_session
        else:
            from pyspark.sql import SparkSession

            self._owns_session = SparkSession.getActiveSession() is None
            session = spark_session(self.settings, java_options=self._java_options)
        return session

    def _embedded(self, name: str) -> ir.Table:
        """The embedded view ``name``, registered in Spark on first use (and its inputs)."""
        known = name in REFERENCE_TABLES or name in _FACT_VIEWS
        if known and name not in self._registered:
            with spark_errors(f"read the embedded {name}"):
                if name in REFERENCE_TABLES:
                    path = self._spark_readable(self._data / "reference" / f"{name}.parquet")
                    self.session.read.parquet(str(path)).createOrReplaceTempView(name)
                else:
                    sources, needs, sql = _FACT_VIEWS[name]
                    for view in needs:
                        self._embedded(view)
                    paths = sorted(self._data.glob(sources))
                    frame = self.session.read.parquet(
                        *[str(self._spark_readable(p)) for p in paths]
                    )
                    frame.createOrReplaceTempView(f"_tp_raw_{name}")
                    self.session.sql(sql.format(raw=f"_tp_raw_{name}")).createOrReplaceTempView(
                        name
                    )
            self._registered.add(name)
        table: ir.Table = self.ibis.table(name)
        return table

    def _spark_readable(self, path: Path) -> Path:
        """``path``, or a copy re-encoded for Spark in the cache dir (made once).

        The embedded world matrix stores its doubles BYTE_STREAM_SPLIT (for size), which
        Spark 4.0's vectorized Parquet reader rejects; its row reader copes but is 3-5x
        slower on the 10 M rows. The copy has the same schema and values, default encodings.
        """
        meta = pq.ParquetFile(path).metadata
        if not any(
            "BYTE_STREAM_SPLIT" in meta.row_group(g).column(c).encodings
            for g in range(meta.num_row_groups)
            for c in range(meta.num_columns)
        ):
            return path
        stat = path.stat()
        copy = (
            self.settings.cache_dir
            / "spark"
            / "reencoded"
            / f"{path.parent.name}-{path.stem}-{stat.st_size}-{stat.st_mtime_ns}.parquet"
        )
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            tmp = copy.with_name(f".{copy.name}.{os.getpid()}.tmp")
            source = pq.ParquetFile(path)
            with pq.ParquetWriter(tmp, source.schema_arrow, compression="zstd") as writer:
                for group in range(source.num_row_groups):
                    writer.write_table(source.read_row_group(group))
            tmp.replace(copy)
            log.info("re-encoded %s for Spark in %s", path, copy)
        return copy

    @cached_property
    def ibis(self) -> Any:
        """Ibis' PySpark backend over :attr:`session` (results fetched as Arrow)."""
        session = self.session
        with spark_errors("connect Ibis"):
            return _backend_class()().connect(session)

    @cached_property
    def con(self) -> duckdb.DuckDBPyConnection:
        """Not available: the spark engine has no DuckDB connection."""
        raise UnsupportedOperationError(
            "The spark engine has no DuckDB connection: use Ibis expressions (wh.ibis).",
            hint="Code that needs DuckDB itself runs with --engine duckdb.",
        )

    def close(self) -> None:
        """Drop this warehouse's cached results; stop the session if it was started here."""
        if "session" not in self.__dict__:
            return
        session = self.session
        with spark_errors("release cached results"):
            for name in self._views:
                if session.catalog.tableExists(name):
                    session.catalog.uncacheTable(name)
                    session.catalog.dropTempView(name)
            self._views.clear()
            if self._owns_session:
                stop_spark(session)
        self._registered.clear()
        self.__dict__.pop("ibis", None)
        self.__dict__.pop("session", None)
        self._owns_session = False

    # ------------------------------------------------------------------ user datasets
    def _attach_user(self) -> bool:
        raise UnsupportedOperationError(
            "The spark engine does not attach the DuckDB warehouse: it reads an ingested "
            "dataset through its Parquet copy (SparkWarehouse.table).",
            hint="Code that needs the DuckDB file itself runs with --engine duckdb.",
        )

    @cached_property
    def _user_manifests(self) -> dict[str, DatasetManifest]:
        # Read with a short-lived DuckDB connection: Spark never opens the DuckDB file.
        if not self.user_path.exists():
            return {}
        con = connect_store(self.user_path, read_only=True)
        try:
            rows = con.execute("SELECT manifest FROM datasets ORDER BY id").fetchall()
        except duckdb.CatalogException:
            return {}
        finally:
            con.close()
        manifests = [DatasetManifest.model_validate_json(r[0]) for r in rows]
        return {m.id: m for m in manifests}

    @property
    def data_dir(self) -> Path:
        """Where ingested datasets' Parquet copies go (``spark_data_dir``)."""
        return self.settings.spark_data_dir or self.settings.cache_dir / "spark" / "datasets"

    def user_parquet(self, manifest: DatasetManifest) -> Path:
        """The folder of Parquet files Spark reads for the ingested dataset ``manifest``.

        Written once per ingest (the folder is keyed by the dataset's checksum, so a
        re-ingest writes a new one) from the DuckDB warehouse, one file per year
        (``year-2024.parquet``): DuckDB streams each year, so memory stays at one year's
        whatever the number of years, and a query for one year lets Spark skip the other
        files by their statistics. The folder appears whole or not at all (written under a
        temporary name, then renamed), so two processes never read a half-written copy.
        """
        folder = self.data_dir / f"{manifest.id}-{(manifest.checksum_sha256 or 'none')[:16]}"
        if folder.is_dir():
            return folder
        tmp = folder.with_name(f".{folder.name}.{os.getpid()}.{uuid.uuid4().hex[:6]}")
        con = connect_store(self.user_path, read_only=True)
        try:
            con.execute(f"SET memory_limit = '{self.settings.memory_limit}'")
            con.execute("SET preserve_insertion_order = false")
            tmp.mkdir(parents=True)
            dataset = manifest.id.replace("'", "''")
            facts = f"FROM {manifest.kind} WHERE dataset = '{dataset}'"
            columns = ", ".join(f.name for f in FACT_SCHEMAS[manifest.kind])
            if "year" in FACT_SCHEMAS[manifest.kind].names:
                years = [r[0] for r in con.execute(f"SELECT DISTINCT year {facts}").fetchall()]
                parts = {f"year-{y}": f"{facts} AND year = {int(y)}" for y in sorted(years)}
            else:
                parts = {"all": facts}
            for name, where in parts.items():
                target = str(tmp / f"{name}.parquet").replace("'", "''")
                con.execute(
                    f"COPY (SELECT {columns} {where}) TO '{target}' "
                    "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1048576)"
                )
            try:
                tmp.rename(folder)
            except OSError:  # another process renamed its copy first: use that one
                if not folder.is_dir():
                    raise
            log.info("wrote %s for Spark in %s", manifest.id, folder)
        except duckdb.Error as exc:
            raise DataSourceError(
                f"Could not write the Parquet copy of {manifest.id} for Spark in {tmp.parent}: "
                f"{exc}",
                hint="Check the free space there, or set spark_data_dir to another folder.",
            ) from exc
        except OSError as exc:
            raise DataSourceError(
                f"Could not write the Parquet copy of {manifest.id} for Spark in {tmp.parent}: "
                f"{exc.strerror or exc}.",
                hint="Check that the folder is writable, or set spark_data_dir to another one.",
            ) from exc
        finally:
            con.close()
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return folder

    def table(
        self, dataset_id: str | None = None, kind: DatasetKind = "bilateral"
    ) -> tuple[ir.Table, DatasetManifest]:
        """The Ibis table of a dataset's facts: an embedded view, or an ingested dataset
        read from its Parquet copy (:meth:`user_parquet`), in the same columns as on DuckDB."""
        manifest = self.dataset(dataset_id, kind)
        if manifest.embedded:
            return self._embedded(EMBEDDED_VIEWS[manifest.id]), manifest
        folder = self.user_parquet(manifest)
        name = f"{self._prefix}_user_{len(self._views)}_{uuid.uuid4().hex[:6]}"
        with spark_errors(f"read the ingested dataset {manifest.id!r} from {folder}"):
            self.session.read.parquet(str(folder)).createOrReplaceTempView(name)
            self._views.append(name)
            facts: ir.Table = self.ibis.table(name)
        return user_columns(facts, manifest.kind), manifest

    def reference_table(self, name: str) -> ir.Table:
        """An embedded reference table as Ibis (the same names as on DuckDB)."""
        return self._embedded(name)

    # ------------------------------------------------------------------ computed tables
    def _next_view(self) -> str:
        return f"{self._prefix}_{uuid.uuid4().hex[:12]}"

    def cursor(self) -> Warehouse:
        """Spark has no per-request connection: the web app runs on DuckDB only."""
        self.engine.require(
            "cursors", "serving concurrent requests", hint="Serve with --engine duckdb."
        )
        return self  # pragma: no cover  (unreachable: spark lacks the capability)

    def fetch(
        self,
        query: str,
        build: Callable[[Mapping[str, str]], ir.Table],
        *,
        shape: object,
        params: Mapping[str, str],
    ) -> pa.Table:
        """Run the expression on Spark (compiled SQL is the DuckDB engine's shortcut)."""
        return build(params).to_pyarrow()

    def materialise(self, expr: ir.Table) -> ir.Table:
        """Run ``expr`` once and keep the result cached in Spark as a temp view."""
        self.engine.require("materialise", "keeping a result for later queries")
        name = self._next_view()
        with spark_errors("materialise a result"):
            self.ibis.create_view(name, expr, overwrite=True)
            self._views.append(name)
            self.session.catalog.cacheTable(name)
            self.session.table(name).count()  # compute now, as DuckDB's CREATE TABLE does
            table: ir.Table = self.ibis.table(name)
        return table

    # Warehouse.derived computes with ``build().to_pyarrow()``, writes the Parquet file to the
    # cache dir (one file, so both engines share the cache) and opens it through this hook.
    def _parquet_view(self, path: Path) -> ir.Table:
        name = self._next_view()
        with spark_errors(f"read {path}"):
            self.session.read.parquet(str(path)).createOrReplaceTempView(name)
            self._views.append(name)
            table: ir.Table = self.ibis.table(name)
        return table

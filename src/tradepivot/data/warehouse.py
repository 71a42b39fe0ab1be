"""The warehouse: embedded default data and user-ingested datasets behind one Ibis connection.

``Warehouse`` is the one engine object every service receives. It opens an in-memory DuckDB
database with views over the embedded Parquet files (no set-up step, nothing written) and
attaches the user's warehouse file read-only only when a user dataset is asked for, so plain
queries on the embedded data never touch, create or lock it.

Every fact view has the same columns within its kind:

- ``bilateral``: year, exporter, importer, hs6, value_usd, quantity, cagr_8y, reported_by
- ``us_imports``: year, partner, cty_code, code, hs6, weight, value_usd, duty_usd
- ``national_exports``: reporter, fy, code, partner, partner_name, value_usd, quantity, unit
"""

from __future__ import annotations

import base64
import contextlib
import copy
import functools
import hashlib
import json
import logging
import os
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from tradepivot.boundary import edge
from tradepivot.config import Settings
from tradepivot.data.catalog import DatasetKind, DatasetManifest
from tradepivot.data.embedded import default_dir, embedded_manifest
from tradepivot.data.reference import Reference
from tradepivot.data.store import NO_EXTENSIONS, connect_store, parse_manifest
from tradepivot.errors import (
    InputError,
    TradepivotError,
    UnknownDatasetError,
    UnsupportedOperationError,
)
from tradepivot.outputs import atomic_output

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend as IbisDuckDB

__all__ = ["EMBEDDED_VIEWS", "Warehouse", "user_columns"]

log = logging.getLogger(__name__)

# dataset id -> view name in the in-memory database
EMBEDDED_VIEWS = {
    "world-2024": "world_2024",
    "us-census-2024": "us_census_2024",
    "india-eidb": "india_eidb",
}


def user_columns(facts: ir.Table, kind: DatasetKind) -> ir.Table:
    """An ingested dataset's stored facts in the column layout of the embedded views of its
    kind (what ingest does not store: no growth rate, a concordance weight of 1); shared by
    the DuckDB and Spark warehouses."""
    import ibis

    if kind == "bilateral":
        return facts.mutate(cagr_8y=ibis.null("float64"))
    if kind == "us_imports":
        return facts.mutate(weight=ibis.literal(1.0))
    return facts


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _temp_name() -> str:
    """A temporary table or view name no other query, thread or cursor uses."""
    return f"_tp_result_{uuid.uuid4().hex}"


def _code_fingerprint() -> str:
    """What compiled SQL depends on besides its inputs: this package's code and the
    versions of Ibis and DuckDB (file sizes and times: ~5 ms, once per process)."""
    return _fingerprint_cached()


@functools.cache
def _fingerprint_cached() -> str:
    from importlib import metadata

    import tradepivot

    digest = hashlib.sha256()
    digest.update(f"{tradepivot.__version__} {duckdb.__version__}".encode())
    with contextlib.suppress(metadata.PackageNotFoundError):
        digest.update(metadata.version("ibis-framework").encode())
        digest.update(metadata.version("sqlglot").encode())
    root = Path(tradepivot.__file__).parent
    found = [
        Path(folder, name)
        for folder, _, files in os.walk(root)  # os.walk: ~5x faster than Path.rglob
        for name in files
        if name.endswith(".py")
    ]
    for file in sorted(found):
        info = file.stat()
        digest.update(f"{file.relative_to(root)} {info.st_size} {info.st_mtime_ns}".encode())
    return digest.hexdigest()


class Warehouse:
    """Embedded data plus the user's datasets; create one per process (or per request scope).

    >>> wh = Warehouse()
    >>> wh.dataset("world-2024").rows
    10006692
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        if type(self) is Warehouse and self.settings.engine != "duckdb":
            # Never a silent fallback: engines.open_warehouse picks the class for an engine.
            raise UnsupportedOperationError(
                f"Warehouse runs on DuckDB, not {self.settings.engine!r}.",
                hint="Open it with tradepivot.open() or tradepivot.data.engines.open_warehouse(settings).",
            )
        self.reference = Reference(sectors_file=self.settings.sectors_file)
        self._data = default_dir()
        self._file_views: dict[str, str] = {}  # file views made by _parquet_view: name -> DDL
        self._user_attached = False
        self._is_cursor = False

    # ------------------------------------------------------------------ connection
    @cached_property
    def con(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(":memory:", config=dict(NO_EXTENSIONS))
        con.execute("SET enable_progress_bar = false")  # tradepivot shows its own progress
        # Bounded memory: big computations (full-world potential) spill to the cache folder.
        spill = self.settings.cache_dir / "duckdb-spill"
        # DuckDB creates the spill folder on first use but not its parents (a fresh machine
        # may have no cache folder yet). A read-only cache only matters if DuckDB must spill.
        with contextlib.suppress(OSError):
            spill.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory = '{_sql_path(spill)}'")
        con.execute(f"SET memory_limit = '{self.settings.memory_limit}'")
        ref = self._data / "reference"
        for name in (
            "countries",
            "country_aliases",
            "hs_nomenclature",
            "hs_concordance",
            "geo_dist",
            "chpl",
            "fx_rates",
        ):
            con.execute(
                f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{_sql_path(ref / name)}.parquet')"
            )
        world = _sql_path(self._data / "world_2024")
        con.execute(
            f"""
            CREATE VIEW world_2024 AS
            SELECT 2024::SMALLINT AS year, exporter, importer, hs6,
                   value_usd, NULL::DOUBLE AS quantity,
                   CASE WHEN cagr_8y_tenths > -1000 THEN cagr_8y_tenths::DOUBLE / 10 END AS cagr_8y,
                   NULL::VARCHAR AS reported_by
            FROM read_parquet('{world}/part-*.parquet')
            """
        )
        census = _sql_path(self._data / "us_census_2024" / "imports_hs6.parquet")
        con.execute(
            f"""
            CREATE VIEW us_census_2024 AS
            SELECT 2024::SMALLINT AS year, c.partner, c.cty_code, c.hs6_2022 AS code,
                   coalesce(w.to_code, c.hs6_2022) AS hs6, coalesce(w.weight, 1.0) AS weight,
                   c.value_usd * coalesce(w.weight, 1.0) AS value_usd,
                   c.duty_usd * coalesce(w.weight, 1.0) AS duty_usd
            FROM read_parquet('{census}') c
            LEFT JOIN (SELECT from_code, to_code, weight FROM hs_concordance
                       WHERE from_edition = 'HS2022' AND to_edition = 'HS2017') w
              ON w.from_code = c.hs6_2022
            """
        )
        eidb = _sql_path(self._data / "india_eidb" / "exports_hs8.parquet")
        con.execute(
            f"""
            CREATE VIEW india_eidb AS
            SELECT 'IND' AS reporter,
                   e.fy_start::VARCHAR || '-' || lpad(((e.fy_start + 1) % 100)::VARCHAR, 2, '0') AS fy,
                   -- lpad(hs8::VARCHAR, 8, '0'), written out: DuckDB's lpad costs ~5x the
                   -- cast over the 2.8 M rows every EIDB query formats (hs8 >= 1,012,100)
                   CASE WHEN e.hs8 < 10000000 THEN '0' || e.hs8::VARCHAR ELSE e.hs8::VARCHAR END
                       AS code,
                   a.iso3 AS partner,
                   e.partner_eidb AS partner_name, (e.value_10k_usd * 10000)::DOUBLE AS value_usd,
                   NULL::DOUBLE AS quantity, NULL::VARCHAR AS unit
            FROM read_parquet('{eidb}') e
            LEFT JOIN (SELECT alias, iso3 FROM country_aliases WHERE source = 'eidb') a
              ON a.alias = e.partner_eidb
            """
        )
        return con

    @cached_property
    def ibis(self) -> IbisDuckDB:
        # The backend class directly: ibis.duckdb goes through entry-point discovery (~0.3 s).
        from ibis.backends.duckdb import Backend

        return Backend.from_connection(self.con)

    def cursor(self) -> Warehouse:
        """A warehouse on the same database with its own DuckDB connection, for one request.

        Each cursor has its own temporary tables and transaction, so concurrent requests (the
        web app serves each on its own thread) never share a connection, which DuckDB does not
        allow across threads. The views, the attached user warehouse, the reference tables and
        the catalog are shared; a cursor costs about 4 ms where opening a warehouse costs 0.3 s.
        Close it when the request ends (``with wh.cursor() as cur: ...``); closing it leaves
        this warehouse open.
        """
        # Resolve the shared state once here, so cursors never race to build it.
        self._embedded_manifests  # noqa: B018
        self._user_manifests  # noqa: B018
        clone = copy.copy(self)
        clone.__dict__["con"] = self.con.cursor()
        clone.__dict__.pop("ibis", None)
        clone._is_cursor = True
        return clone

    def close(self) -> None:
        if "con" in self.__dict__:
            self.con.close()
            del self.__dict__["con"]
            self.__dict__.pop("ibis", None)
            if not self._is_cursor:  # a cursor leaves the shared attachment alone
                self._user_attached = False

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ user datasets
    @property
    def user_path(self) -> Path:
        return self.settings.warehouse

    def _attach_user(self) -> bool:
        """Attach the user's warehouse read-only; False when it does not exist yet."""
        if self._user_attached:
            return True
        if not self.user_path.exists():
            return False
        # Probe first so a locked or corrupt file gives our error, not DuckDB's.
        connect_store(self.user_path, read_only=True).close()
        with edge("attach the warehouse", self.user_path, "warehouse"):
            # IF NOT EXISTS: the attachment belongs to the database, which cursors share.
            self.con.execute(
                f"ATTACH IF NOT EXISTS '{_sql_path(self.user_path)}' AS userdb (READ_ONLY)"
            )
        self._user_attached = True
        return True

    @cached_property
    def _user_manifests(self) -> dict[str, DatasetManifest]:
        if not self._attach_user():
            return {}
        try:
            rows = self.con.execute(
                "SELECT id, manifest FROM userdb.datasets ORDER BY id"
            ).fetchall()
        except duckdb.CatalogException:
            return {}  # created but never loaded into
        manifests = [parse_manifest(self.user_path, r[0], r[1]) for r in rows]
        return {m.id: m for m in manifests}

    # ------------------------------------------------------------------ catalog
    @cached_property
    def _embedded_manifests(self) -> dict[str, DatasetManifest]:
        return {
            d["id"]: DatasetManifest.model_validate({**d, "embedded": True})
            for d in embedded_manifest()["datasets"]
        }

    def datasets(self, *, include_user: bool = True) -> list[DatasetManifest]:
        found = list(self._embedded_manifests.values())
        if include_user:
            found += list(self._user_manifests.values())
        return found

    def dataset(
        self, dataset_id: str | None = None, kind: DatasetKind | None = None
    ) -> DatasetManifest:
        """The manifest of a dataset (the configured default bilateral one when ``None``)."""
        name = dataset_id or self.settings.dataset
        manifest = self._embedded_manifests.get(name)
        if manifest is None:
            manifest = self._user_manifests.get(name)
        if manifest is None:
            known = [m.id for m in self.datasets() if kind is None or m.kind == kind]
            raise UnknownDatasetError(name, known)
        if kind is not None and manifest.kind != kind:
            raise InputError(
                f"Dataset {name!r} holds {manifest.kind.replace('_', ' ')} data, not {kind.replace('_', ' ')}.",
                hint="Pick another with $dataset; `tradepivot data status` lists them by kind.",
                param="dataset",
            )
        return manifest

    def table(
        self, dataset_id: str | None = None, kind: DatasetKind = "bilateral"
    ) -> tuple[ir.Table, DatasetManifest]:
        """The Ibis table of a dataset's facts, in the column layout of its kind."""
        manifest = self.dataset(dataset_id, kind)
        if manifest.embedded:
            return self.ibis.table(EMBEDDED_VIEWS[manifest.id]), manifest
        self._attach_user()
        facts = self.ibis.table(manifest.kind, database=("userdb", "main"))
        facts = facts.filter(facts.dataset == manifest.id).drop("dataset")
        return user_columns(facts, manifest.kind), manifest

    def reference_table(self, name: str) -> ir.Table:
        """An embedded reference table (countries, hs_nomenclature, geo_dist, ...) as Ibis."""
        return self.ibis.table(name)

    # ------------------------------------------------------------------ computed tables
    def materialise(self, expr: ir.Table) -> ir.Table:
        """Run ``expr`` once and keep the result as a temporary table later queries reuse.

        A DuckDB temporary table (not a registered Arrow table: DuckDB joins its own tables
        several times faster, 7 s against 23 s for the potential's pair terms).
        """
        import ibis

        name = _temp_name()
        self.con.execute(f"CREATE TEMP TABLE {name} AS {ibis.to_sql(expr, dialect='duckdb')}")
        return self.ibis.table(name)

    def fetch(
        self,
        query: str,
        build: Callable[[Mapping[str, str]], ir.Table],
        *,
        shape: object,
        params: Mapping[str, str],
    ) -> pa.Table:
        """Run the Ibis expression ``build(params)`` and return its result as Arrow.

        On DuckDB the expression is compiled to SQL once per ``query`` and ``shape`` (every
        input of ``build`` other than ``params``, as JSON-able values) and kept in the cache
        folder, with placeholders for the string ``params``; later runs, in any process, run
        that SQL with the values as DuckDB's named parameters, without importing Ibis (~0.6 s
        of a cold command).
        The SQL is Ibis' own compilation of the one expression: no second copy of a figure's
        logic. ``build`` may use a parameter only as a value in the expression, never to
        choose between expressions (that choice belongs in ``shape``): it is called with
        placeholders. A cached query that fails (a file it reads was removed) is compiled again.
        Other engines run the expression (:meth:`SparkWarehouse.fetch`).
        """
        key = hashlib.sha256(
            json.dumps([query, shape, _code_fingerprint()], default=str).encode()
        ).hexdigest()[:24]
        path = self.settings.cache_dir / "sql" / f"{query}-{key}.json"
        if path.exists():
            with contextlib.suppress(duckdb.Error, OSError, ValueError, KeyError):
                return self._run_compiled(json.loads(path.read_text(encoding="utf-8")), params)
        compiled = self._compile(build, params)
        if compiled.pop("cacheable"):
            with (
                contextlib.suppress(TradepivotError, OSError),
                atomic_output(path, record=False) as tmp,
            ):
                tmp.write_text(json.dumps(compiled), encoding="utf-8")
        return self._run_compiled(compiled, params)

    def _compile(
        self, build: Callable[[Mapping[str, str]], ir.Table], params: Mapping[str, str]
    ) -> dict[str, Any]:
        import ibis

        marks = {name: f"__tp_param_{name}__" for name in params}
        expr = build(marks)
        sql = ibis.to_sql(expr, dialect="duckdb")
        schema = expr.schema().to_pyarrow()
        # Every mark must be a whole quoted literal, or its value cannot be put in its place.
        placed = all(sql.count(m) == sql.count(f"'{m}'") for m in marks.values())
        # Temporary tables (materialise) live as long as their connection: a query that
        # reads one runs now but is not kept; file views are made again from their DDL.
        names = set(re.findall(r"\b_tp_\w+", sql))
        views = [self._file_views[name] for name in sorted(names) if name in self._file_views]
        return {
            "sql": sql,
            "marks": marks,
            "views": views,
            "schema": base64.b64encode(schema.serialize().to_pybytes()).decode("ascii"),
            "cacheable": placed and len(views) == len(names),
        }

    def _run_compiled(self, compiled: dict[str, Any], params: Mapping[str, str]) -> pa.Table:
        # Each mark (a whole quoted literal) becomes a named parameter of DuckDB: values
        # travel apart from the SQL text, never spliced into it.
        names = {f"'{mark}'": f"$tp_{name}" for name, mark in compiled["marks"].items()}
        sql = re.sub(r"'__tp_param_\w+?__'", lambda m: names[m.group(0)], compiled["sql"])
        values = {f"tp_{name}": str(params[name]) for name in compiled["marks"]}
        for ddl in compiled["views"]:
            self.con.execute(ddl)
        schema = pa.ipc.read_schema(pa.py_buffer(base64.b64decode(compiled["schema"])))
        return self.con.execute(sql, values).to_arrow_table().cast(schema)

    def write_parquet(self, expr: ir.Table, path: Path, *, force: bool = False) -> int:
        """Stream ``expr`` into a Parquet file without holding it in memory, following the
        output rules of :mod:`tradepivot.outputs` (atomic; ``force`` replaces a read-only file).

        Row order is not preserved (DuckDB then writes in parallel); returns the row count.
        """
        import ibis

        sql = ibis.to_sql(expr, dialect="duckdb")
        self.con.execute("SET preserve_insertion_order = false")
        try:
            with atomic_output(path, force=force) as tmp:
                self.con.execute(
                    f"COPY ({sql}) TO '{_sql_path(tmp)}' (FORMAT parquet, COMPRESSION snappy)"
                )
                row = self.con.execute(
                    f"SELECT count(*) FROM read_parquet('{_sql_path(tmp)}')"
                ).fetchone()
        finally:
            self.con.execute("SET preserve_insertion_order = true")
        return int(row[0]) if row else 0

    def write_parquet_parts(
        self,
        parts: Sequence[ir.Table],
        path: Path,
        *,
        order_by: Sequence[str],
        row_group_size: int = 262_144,
        force: bool = False,
    ) -> int:
        """Write ``parts`` one after the other into one Parquet file, each sorted by
        ``order_by``, following the output rules of :mod:`tradepivot.outputs`.

        For tables too large to sort at once: when the parts hold disjoint, ascending ranges
        of the first sort key (the full-world potential, cut by exporter), the file comes out
        sorted, so row-group statistics let a reader fetch one key's rows alone. Only one
        part is in memory at a time. Text columns are dictionary-encoded, floating-point
        ones BYTE_STREAM_SPLIT (both then zstd): on the sorted potential rows this is ~40%
        smaller than DuckDB's default Parquet. Returns the row count.
        """
        import ibis

        count = 0
        with atomic_output(path, force=force) as tmp:
            writer: pq.ParquetWriter | None = None
            try:
                for part in parts:
                    sql = ibis.to_sql(part.order_by(list(order_by)), dialect="duckdb")
                    reader = self.con.execute(sql).to_arrow_reader(row_group_size)
                    if writer is None:
                        schema = reader.schema
                        writer = pq.ParquetWriter(
                            tmp,
                            schema,
                            compression="zstd",
                            use_dictionary=[f.name for f in schema if pa.types.is_string(f.type)],
                            column_encoding={
                                f.name: "BYTE_STREAM_SPLIT"
                                for f in schema
                                if pa.types.is_floating(f.type)
                            },
                        )
                    for batch in reader:
                        writer.write_batch(batch, row_group_size=row_group_size)
                        count += batch.num_rows
                if writer is None:  # no parts: an empty file with no columns
                    writer = pq.ParquetWriter(tmp, pa.schema([]))
            finally:
                if writer is not None:
                    writer.close()
        return count

    def shipped(self, manifest: DatasetManifest, key: str) -> ir.Table | None:
        """A derived table shipped with the embedded data (scripts/build_default_data.py),
        or None: for tables worth shipping but not worth computing for a user's dataset."""
        shipped = self._data / "derived" / manifest.id / f"{key}.parquet"
        if manifest.embedded and shipped.exists():
            return self._parquet_view(shipped)
        return None

    def derived(
        self, manifest: DatasetManifest, key: str, build: Callable[[], ir.Table]
    ) -> ir.Table:
        """A table derived from a dataset by an expensive computation, computed once.

        Looked up, in order: shipped with the embedded data (built by
        scripts/build_default_data.py), in the user cache (keyed by the dataset's checksum),
        else computed by ``build`` and written to the cache for the next run.
        """
        shipped = self.shipped(manifest, key)
        if shipped is not None:
            return shipped
        cache = (
            self.settings.cache_dir
            / "derived"
            / f"{manifest.id}-{(manifest.checksum_sha256 or 'none')[:16]}"
            / f"{key}.parquet"
        )
        if not cache.exists():
            result = build().to_pyarrow()
            with atomic_output(cache, record=False) as tmp:
                pq.write_table(result, tmp)
            log.info("cached %s for %s in %s", key, manifest.id, cache)
        return self._parquet_view(cache)

    def _parquet_view(self, path: Path) -> ir.Table:
        # Named after the file, so a compiled query (:meth:`fetch`) can name it again.
        name = f"_tp_file_{hashlib.sha256(str(path).encode()).hexdigest()[:16]}"
        ddl = (
            f"CREATE TEMP VIEW IF NOT EXISTS {name} AS "
            f"SELECT * FROM read_parquet('{_sql_path(path)}')"
        )
        self.con.execute(ddl)
        self._file_views[name] = ddl
        return self.ibis.table(name)

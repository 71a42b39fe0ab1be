"""The user's own warehouse file: datasets ingested from BACI, Comtrade, EIDB or Census files.

A DuckDB file (path from settings). Every load is one transaction: a failed, interrupted or
killed load leaves the file exactly as it was, because DuckDB only makes a transaction durable
at commit. Loading a file whose checksum is already recorded for the dataset changes nothing;
a changed file replaces the dataset's rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from pydantic import ValidationError

from tradepivot.boundary import edge, record_change, uninterruptible
from tradepivot.data.catalog import DatasetKind, DatasetManifest
from tradepivot.errors import DataSourceError, WarehouseCorruptError

__all__ = [
    "FACT_SCHEMAS",
    "NO_EXTENSIONS",
    "SCHEMA_VERSION",
    "Store",
    "connect_store",
    "parse_manifest",
]

SCHEMA_VERSION = 1

# Column layout of each kind of fact table (the store adds the ``dataset`` column).
FACT_SCHEMAS: dict[DatasetKind, pa.Schema] = {
    "bilateral": pa.schema(
        [
            ("year", pa.int16()),
            ("exporter", pa.string()),
            ("importer", pa.string()),
            ("hs6", pa.string()),
            ("value_usd", pa.float64()),
            ("quantity", pa.float64()),
            ("reported_by", pa.string()),  # 'importer', 'exporter' or null (reconciled, BACI)
        ]
    ),
    "national_exports": pa.schema(
        [
            ("reporter", pa.string()),
            ("fy", pa.string()),
            ("code", pa.string()),
            ("partner", pa.string()),
            ("partner_name", pa.string()),
            ("value_usd", pa.float64()),
            ("quantity", pa.float64()),
            ("unit", pa.string()),
        ]
    ),
    "us_imports": pa.schema(
        [
            ("year", pa.int16()),
            ("partner", pa.string()),
            ("cty_code", pa.string()),
            ("code", pa.string()),
            ("hs6", pa.string()),
            ("value_usd", pa.float64()),
            ("duty_usd", pa.float64()),
        ]
    ),
}

_DUCK_TYPES = {
    pa.int16(): "SMALLINT",
    pa.string(): "VARCHAR",
    pa.float64(): "DOUBLE",
}


def _ddl() -> list[str]:
    statements = [
        "CREATE TABLE IF NOT EXISTS tp_meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        """CREATE TABLE IF NOT EXISTS datasets (
               id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, checksum VARCHAR NOT NULL,
               source_file VARCHAR, ingested_at VARCHAR NOT NULL, manifest VARCHAR NOT NULL)""",
    ]
    for kind, schema in FACT_SCHEMAS.items():
        cols = ", ".join(f"{f.name} {_DUCK_TYPES[f.type]}" for f in schema)
        statements.append(f"CREATE TABLE IF NOT EXISTS {kind} (dataset VARCHAR NOT NULL, {cols})")
    return statements


# A DuckDB file carries this magic at byte 8; SQLite files start with their own.
_DUCKDB_MAGIC = (8, b"DUCK")
_SQLITE_MAGIC = b"SQLite format 3\x00"

# Never let DuckDB fetch an extension to read a file it does not recognise (a SQLite file
# given as the warehouse would otherwise make it try to download sqlite_scanner).
NO_EXTENSIONS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def _check_file(path: Path) -> None:
    """Fail clearly on a path that is not a DuckDB file, before DuckDB guesses at it."""
    with edge("open the warehouse", path, "warehouse"):
        if not path.exists():
            return
        if not path.is_file():
            raise WarehouseCorruptError(
                f"The warehouse {path} is not a file.",
                hint="Point --warehouse / TRADEPIVOT_WAREHOUSE at a .duckdb file.",
            )
        with path.open("rb") as handle:
            head = handle.read(16)
    if not head:
        return  # an empty file: DuckDB initialises it
    if head.startswith(_SQLITE_MAGIC):
        raise WarehouseCorruptError(
            f"The warehouse {path} is a SQLite database, not a tradepivot (DuckDB) warehouse.",
            hint="Point --warehouse / TRADEPIVOT_WAREHOUSE at a DuckDB file; tradepivot creates "
            "one on the first `data ingest`.",
        )
    offset, magic = _DUCKDB_MAGIC
    if head[offset : offset + len(magic)] != magic:
        raise WarehouseCorruptError(
            f"The warehouse {path} is not a DuckDB database file.",
            hint="Point --warehouse / TRADEPIVOT_WAREHOUSE at a DuckDB file; tradepivot creates "
            "one on the first `data ingest`.",
        )


def connect_store(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file, translating lock and corruption errors for the user."""
    _check_file(path)
    with edge("open the warehouse", path, "warehouse"):
        return duckdb.connect(str(path), read_only=read_only, config=dict(NO_EXTENSIONS))


class Store:
    """Read-write access to the user's warehouse file, for ingest and removal."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with edge("create the warehouse folder", path.parent, "warehouse"):
            path.parent.mkdir(parents=True, exist_ok=True)
        self.con = connect_store(path, read_only=False)
        try:
            with edge("prepare the warehouse", path, "warehouse"):
                self._migrate()
        except BaseException:
            self.con.close()
            raise

    def _migrate(self) -> None:
        for statement in _ddl():
            self.con.execute(statement)
        row = self.con.execute("SELECT value FROM tp_meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            self.con.execute(
                "INSERT INTO tp_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
            )
        elif int(row[0]) > SCHEMA_VERSION:
            raise DataSourceError(
                f"The warehouse {self.path} was written by a newer tradepivot "
                f"(schema {row[0]}, this version knows {SCHEMA_VERSION}).",
                hint="Upgrade tradepivot, or use another --warehouse.",
            )

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading
    def manifests(self) -> list[DatasetManifest]:
        with edge("read the warehouse's datasets", self.path, "warehouse"):
            rows = self.con.execute("SELECT id, manifest FROM datasets ORDER BY id").fetchall()
        return [parse_manifest(self.path, r[0], r[1]) for r in rows]

    def manifest(self, dataset_id: str) -> DatasetManifest | None:
        with edge("read the warehouse's datasets", self.path, "warehouse"):
            row = self.con.execute(
                "SELECT manifest FROM datasets WHERE id = ?", [dataset_id]
            ).fetchone()
        return parse_manifest(self.path, dataset_id, row[0]) if row else None

    def checksum(self, dataset_id: str) -> str | None:
        with edge("read the warehouse's datasets", self.path, "warehouse"):
            row = self.con.execute(
                "SELECT checksum FROM datasets WHERE id = ?", [dataset_id]
            ).fetchone()
        return str(row[0]) if row else None

    def row_count(self, dataset_id: str) -> int:
        manifest = self.manifest(dataset_id)
        if manifest is None:
            return 0
        row = self.con.execute(
            f"SELECT count(*) FROM {manifest.kind} WHERE dataset = ?", [dataset_id]
        ).fetchone()
        return int(row[0]) if row else 0

    # ------------------------------------------------------------------ writing
    @contextmanager
    def replacing(self, dataset_id: str, kind: DatasetKind) -> Iterator[_Loader]:
        """A transaction that replaces ``dataset_id``'s rows; commit happens on clean exit.

        The caller appends batches and finally calls ``loader.finish(manifest)``. Any
        exception (bad row, Ctrl-C) rolls everything back.
        """
        loader = _Loader(self.con, dataset_id, kind)
        with self._transaction(
            f"load dataset {dataset_id!r} into the warehouse",
            f"dataset {dataset_id} in {self.path}",
        ):
            self._delete(dataset_id)
            yield loader
            if not loader.finished:
                raise RuntimeError("loader.finish(manifest) was not called")

    def remove(self, dataset_id: str) -> bool:
        """Delete a dataset's rows and its manifest (read or not: a damaged manifest must
        not keep a user from removing it)."""
        with edge("read the warehouse's datasets", self.path, "warehouse"):
            found = self.con.execute(
                "SELECT count(*) FROM datasets WHERE id = ?", [dataset_id]
            ).fetchone()
        if not found or not found[0]:
            return False
        with self._transaction(
            f"remove dataset {dataset_id!r} from the warehouse",
            f"the removal of dataset {dataset_id} from {self.path}",
        ):
            self._delete(dataset_id)
        return True

    def _delete(self, dataset_id: str) -> None:
        for table in FACT_SCHEMAS:
            self.con.execute(f"DELETE FROM {table} WHERE dataset = ?", [dataset_id])
        self.con.execute("DELETE FROM datasets WHERE id = ?", [dataset_id])

    @contextmanager
    def _transaction(self, action: str, change: str) -> Iterator[None]:
        """One transaction, committed on a clean exit and rolled back on any other.

        The commit and its journal entry (``change``) happen with Ctrl-C held back, so an
        interrupt never lands between them. A failed rollback (DuckDB has already aborted
        the transaction after a fatal error, e.g. a full disk) never hides the failure that
        caused it.
        """
        with edge(action, self.path, "warehouse"):
            self.con.execute("BEGIN TRANSACTION")
        try:
            with edge(action, self.path, "warehouse"):
                yield
                with uninterruptible():
                    self.con.execute("COMMIT")
                    record_change(change)
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            raise


def parse_manifest(path: Path, dataset_id: str, text: str) -> DatasetManifest:
    """A stored manifest, or a clear error naming the damaged dataset and the fix."""
    try:
        return DatasetManifest.model_validate_json(text)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or "manifest"
        raise WarehouseCorruptError(
            f"The warehouse {path} holds a damaged manifest for dataset {dataset_id!r} "
            f"({where}: {problem['msg']}).",
            hint=f"Remove it with `tradepivot data remove {dataset_id}` and ingest its file again.",
        ) from None


class _Loader:
    """Appends validated Arrow batches inside the open transaction."""

    def __init__(self, con: duckdb.DuckDBPyConnection, dataset_id: str, kind: DatasetKind) -> None:
        self._con = con
        self.dataset_id = dataset_id
        self.kind = kind
        self.schema = FACT_SCHEMAS[kind]
        self.rows = 0
        self.finished = False

    def append(self, batch: pa.RecordBatch | pa.Table) -> None:
        """Insert one batch (or table)."""
        self.load(iter(batch.to_batches() if isinstance(batch, pa.Table) else [batch]))

    def load(self, batches: Iterator[pa.RecordBatch]) -> None:
        """Insert a stream of batches with one INSERT: DuckDB pulls them as it goes, which
        halves the time of one INSERT per batch and keeps memory flat.

        DuckDB pulls the batches on its own threads, where Python's signal handlers never
        run; so the INSERT runs on a worker thread while this (main) thread waits, ready to
        take Ctrl-C or SIGTERM, stop the stream, interrupt DuckDB and re-raise.
        """
        names = ", ".join(self.schema.names)
        failure: list[BaseException] = []
        stop = threading.Event()

        def checked() -> Iterator[pa.RecordBatch]:
            try:
                for batch in batches:
                    if stop.is_set():
                        raise KeyboardInterrupt
                    if batch.schema != self.schema:
                        # A reader bug, not a user error: keep it out of the TradepivotError tree.
                        raise TypeError(
                            f"batch schema {batch.schema} does not match the {self.kind} layout"
                        )
                    self.rows += batch.num_rows
                    yield batch
            except BaseException as exc:  # DuckDB wraps it: keep the original to re-raise
                failure.append(exc)
                raise

        outcome: list[BaseException] = []

        def insert() -> None:
            try:
                self._con.execute(
                    f"INSERT INTO {self.kind} (dataset, {names}) SELECT ?, {names} FROM _tp_stream",
                    [self.dataset_id],
                )
            except BaseException as exc:
                outcome.append(exc)

        stream = pa.RecordBatchReader.from_batches(self.schema, checked())
        self._con.register("_tp_stream", stream)
        worker = threading.Thread(target=insert, name="tradepivot-ingest", daemon=True)
        try:
            worker.start()
            try:
                while worker.is_alive():
                    worker.join(0.05)
            except BaseException:
                stop.set()
                with contextlib.suppress(duckdb.Error):
                    self._con.interrupt()
                while worker.is_alive():  # the connection is the worker's until it stops
                    with contextlib.suppress(KeyboardInterrupt):
                        worker.join()
                raise
            if outcome:
                # DuckDB wraps what the stream raised (a reader's error, an interrupt): raise
                # the original so the user sees the real cause.
                raise (failure[0] if failure else outcome[0]) from None
        finally:
            with contextlib.suppress(duckdb.Error):
                self._con.unregister("_tp_stream")

    def finish(self, manifest: DatasetManifest, checksum: str, source_file: str) -> None:
        payload: dict[str, Any] = manifest.model_dump(mode="json")
        payload.update(rows=self.rows, embedded=False)
        stamp = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        payload.setdefault("ingested_at", stamp)
        self._con.execute(
            "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?)",
            [
                self.dataset_id,
                self.kind,
                checksum,
                source_file,
                payload["ingested_at"] or stamp,
                json.dumps(payload),
            ],
        )
        self.finished = True

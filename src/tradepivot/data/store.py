"""The user's own warehouse file: datasets ingested from BACI, Comtrade, EIDB or Census files.

A DuckDB file (path from settings). Every load is one transaction: a failed, interrupted or
killed load leaves the file exactly as it was, because DuckDB only makes a transaction durable
at commit. Loading a file whose checksum is already recorded for the dataset changes nothing;
a changed file replaces the dataset's rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from tradepivot.data.catalog import DatasetKind, DatasetManifest
from tradepivot.errors import DataSourceError, WarehouseLockedError

__all__ = ["FACT_SCHEMAS", "SCHEMA_VERSION", "Store", "connect_store"]

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


def connect_store(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file, translating lock and corruption errors for the user."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise WarehouseLockedError(
                f"The warehouse {path} is in use by another process (an ingest still running?).",
                hint="Wait for it to finish, or point --warehouse / TRADEPIVOT_WAREHOUSE elsewhere.",
            ) from exc
        raise DataSourceError(f"Cannot open the warehouse {path}: {text}") from exc
    except duckdb.Error as exc:
        raise DataSourceError(f"Cannot open the warehouse {path}: {exc}") from exc


class Store:
    """Read-write access to the user's warehouse file, for ingest and removal."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.con = connect_store(path, read_only=False)
        self._migrate()

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
        rows = self.con.execute("SELECT manifest FROM datasets ORDER BY id").fetchall()
        return [DatasetManifest.model_validate_json(r[0]) for r in rows]

    def manifest(self, dataset_id: str) -> DatasetManifest | None:
        row = self.con.execute(
            "SELECT manifest FROM datasets WHERE id = ?", [dataset_id]
        ).fetchone()
        return DatasetManifest.model_validate_json(row[0]) if row else None

    def checksum(self, dataset_id: str) -> str | None:
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
        self.con.execute("BEGIN TRANSACTION")
        loader = _Loader(self.con, dataset_id, kind)
        try:
            for table in FACT_SCHEMAS:
                self.con.execute(f"DELETE FROM {table} WHERE dataset = ?", [dataset_id])
            self.con.execute("DELETE FROM datasets WHERE id = ?", [dataset_id])
            yield loader
            if not loader.finished:
                raise RuntimeError("loader.finish(manifest) was not called")
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def remove(self, dataset_id: str) -> bool:
        manifest = self.manifest(dataset_id)
        if manifest is None:
            return False
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute(f"DELETE FROM {manifest.kind} WHERE dataset = ?", [dataset_id])
            self.con.execute("DELETE FROM datasets WHERE id = ?", [dataset_id])
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return True


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
        halves the time of one INSERT per batch and keeps memory flat."""
        names = ", ".join(self.schema.names)

        failure: list[BaseException] = []

        def checked() -> Iterator[pa.RecordBatch]:
            try:
                for batch in batches:
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

        stream = pa.RecordBatchReader.from_batches(self.schema, checked())
        self._con.register("_tp_stream", stream)
        try:
            self._con.execute(
                f"INSERT INTO {self.kind} (dataset, {names}) SELECT ?, {names} FROM _tp_stream",
                [self.dataset_id],
            )
        except duckdb.Error:
            if failure:
                raise failure[0] from None
            raise
        finally:
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

"""The user's warehouse: atomic, idempotent loads that survive a kill half-way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from tests.conftest import SOURCES
from tradepivot.config import Settings
from tradepivot.data.catalog import DatasetManifest
from tradepivot.data.embedded import default_dir
from tradepivot.data.store import FACT_SCHEMAS, Store
from tradepivot.services.ingest import ingest_file


def _snapshot(path: Path) -> tuple[object, ...]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        datasets = con.execute("SELECT id, checksum, manifest FROM datasets ORDER BY id").fetchall()
        facts = con.execute("SELECT count(*), sum(value_usd) FROM bilateral").fetchone()
    finally:
        con.close()
    return (tuple(datasets), facts)


def _manifest(dataset_id: str) -> DatasetManifest:
    return DatasetManifest(
        id=dataset_id,
        title="t",
        kind="bilateral",
        source="s",
        edition="HS2017",
        years=[2024],
        rows=0,
    )


def _batch(n: int) -> pa.RecordBatch:
    return pa.RecordBatch.from_pydict(
        {
            "year": [2024] * n,
            "exporter": ["IND"] * n,
            "importer": ["RUS"] * n,
            "hs6": ["420221"] * n,
            "value_usd": [1.0] * n,
            "quantity": [None] * n,
            "reported_by": [None] * n,
        },
        schema=FACT_SCHEMAS["bilateral"],
    )


def test_an_exception_mid_load_rolls_everything_back(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with Store(path) as store, store.replacing("keep", "bilateral") as loader:
        loader.append(_batch(3))
        loader.finish(_manifest("keep"), "abc", "x.csv")
    before = _snapshot(path)
    with Store(path) as store:
        with (
            pytest.raises(RuntimeError, match="boom"),
            store.replacing("keep", "bilateral") as loader,
        ):
            loader.append(_batch(5))
            raise RuntimeError("boom")
        with (
            pytest.raises(RuntimeError, match="finish"),
            store.replacing("new", "bilateral") as loader,
        ):
            loader.append(_batch(5))  # never finished: not committed either
    assert _snapshot(path) == before


def test_a_load_killed_half_way_leaves_the_warehouse_unchanged(tmp_path: Path) -> None:
    settings = Settings(warehouse=tmp_path / "w.duckdb")
    ingest_file(settings, "baci", SOURCES / "baci" / "good" / "BACI_HS17_Y2024_V202501.csv")
    before = _snapshot(settings.warehouse)

    # A BACI-format file big enough to take several batches: 2.5 M real rows.
    big = tmp_path / "BACI_HS17_Y2024_V202501.csv"
    world = default_dir() / "world_2024" / "part-*.parquet"
    countries = default_dir() / "reference" / "countries.parquet"
    duckdb.sql(
        f"""
        COPY (
            SELECT 2024 AS t, e.baci_code AS i, m.baci_code AS j, w.hs6 AS k,
                   round(w.value_usd / 1000, 3) AS v, NULL AS q
            FROM read_parquet('{world}') w
            JOIN '{countries}' e ON e.iso3 = w.exporter
            JOIN '{countries}' m ON m.iso3 = w.importer
            LIMIT 2500000
        ) TO '{big}' (HEADER, DELIMITER ',')
        """
    )
    env = {**os.environ, "TRADEPIVOT_WAREHOUSE": str(settings.warehouse)}
    cli = Path(sys.executable).parent / "tradepivot"
    child = subprocess.Popen(
        [str(cli), "--verbose", "data", "ingest", "baci", str(big)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert child.stderr is not None
    loaded_batches = 0
    deadline = time.monotonic() + 120
    while loaded_batches < 2 and time.monotonic() < deadline:
        line = child.stderr.readline()
        if not line:
            break
        loaded_batches += "rows loaded" in line
    assert loaded_batches >= 2, "the ingest ended before it could be killed half-way"
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    assert _snapshot(settings.warehouse) == before
    # And the warehouse still works: the same file loads fully afterwards.
    result = ingest_file(settings, "baci", big)
    assert (result.status, result.rows) == (
        "replaced",
        2_500_000,
    )  # same dataset id as the first file


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE tp_meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    from tradepivot.errors import DataSourceError

    with pytest.raises(DataSourceError, match="newer tradepivot"):
        Store(path)

"""What every fuzz test asserts, written once: the CLI's answer is clean, the warehouse intact.

``run_cli`` runs ``tradepivot`` in-process (the real ``main``: the error boundary, the exit
codes, the messages) and ``assert_clean`` fails on anything a user must never see: "Internal
error", a traceback, "Exception ignored", an exit code other than 0, 1, 2 or 130.
``logical_content`` is what a warehouse holds (datasets, checksums, manifests and a hash of
every fact row), so a failed load can be shown to have changed nothing.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest

from tradepivot.cli import main
from tradepivot.inputs import MAX_QUANTITY, MAX_USD

__all__ = ["CLEAN_CODES", "assert_clean", "assert_loaded_sanely", "logical_content", "run_cli"]

CLEAN_CODES = (0, 1, 2, 130)
NEVER = ("Internal error", "Traceback (most recent call last)", "Exception ignored")


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``tradepivot ARGS`` in this process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean(code: int, out: str, err: str, what: str) -> None:
    """A clean answer: success, or an ``Error:`` message with a non-zero exit."""
    for mark in NEVER:
        assert mark not in out + err, f"{what}: {err[-2000:]}"
    assert code in CLEAN_CODES, f"{what}: exit {code}: {err[-2000:]}"
    if code != 0:
        assert "Error" in err, f"{what}: exit {code} without a message: {err!r}"


def logical_content(path: Path) -> object:
    """Everything a warehouse holds, comparable with ``==`` (None when there is no file)."""
    if not path.exists():
        return None
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = sorted(
            r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        )
        found: dict[str, object] = {}
        for table in tables:
            found[table] = con.execute(f"SELECT count(*), sum(hash(t)) FROM {table} t").fetchone()
        if "datasets" in tables:
            found["manifests"] = con.execute(
                "SELECT id, checksum, manifest FROM datasets ORDER BY id"
            ).fetchall()
        return found
    finally:
        con.close()


def assert_loaded_sanely(path: Path, kind: str) -> None:
    """After a load that succeeded: every stored figure is finite and plausible, no text
    holds a control character, and the dataset's manifest counts its rows."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns = [r[0] for r in con.execute(f"DESCRIBE {kind}").fetchall()]
        for column in ("value_usd", "duty_usd", "quantity"):
            if column not in columns:
                continue
            high = MAX_QUANTITY if column == "quantity" else MAX_USD
            low, top = con.execute(f"SELECT min({column}), max({column}) FROM {kind}").fetchone()  # type: ignore[misc]
            for value in (low, top):
                assert value is None or (math.isfinite(value) and 0 <= value <= high), (
                    f"{kind}.{column} holds {value}"
                )
        for column in columns:
            bad = con.execute(
                f"SELECT count(*) FROM {kind} WHERE regexp_matches(CAST({column} AS VARCHAR), '[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]')"
            ).fetchone()
            assert bad == (0,), f"{kind}.{column} holds a control character"
        counted = con.execute(
            f"SELECT d.id, json_extract(d.manifest, '$.rows')::BIGINT, "
            f"(SELECT count(*) FROM {kind} f WHERE f.dataset = d.id) FROM datasets d "
            f"WHERE d.kind = '{kind}'"
        ).fetchall()
        for dataset, rows, stored in counted:
            assert rows == stored, f"{dataset}: manifest says {rows} rows, {stored} stored"
    finally:
        con.close()

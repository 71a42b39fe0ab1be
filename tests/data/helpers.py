"""Code that tests run in child processes (must be importable, not defined in a test)."""

from __future__ import annotations

from typing import Any

import duckdb


def hold_lock(path: str, ready: Any, release: Any) -> None:
    """Open the DuckDB file for writing and keep it open until told to stop."""
    con = duckdb.connect(path)
    con.execute("CREATE TABLE IF NOT EXISTS datasets (id VARCHAR)")
    ready.set()
    release.wait(60)
    con.close()

"""Reading back what a test loaded into its temporary warehouse."""

from __future__ import annotations

import json
from typing import Any

import duckdb

from tradepivot.config import Settings


def query(settings: Settings, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Run SQL on the test's warehouse file, read-only, and close it again."""
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def manifest(settings: Settings, dataset_id: str) -> dict[str, Any]:
    """The stored manifest of a loaded dataset."""
    found: dict[str, Any] = json.loads(
        query(settings, "SELECT manifest FROM datasets WHERE id = ?", [dataset_id])[0][0]
    )
    return found

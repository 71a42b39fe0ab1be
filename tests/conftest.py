"""Shared fixtures: settings with a temporary warehouse, the embedded-data warehouse."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradepivot.config import Settings
from tradepivot.data.reference import Reference
from tradepivot.data.warehouse import Warehouse

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = FIXTURES / "sources"


@pytest.fixture(autouse=True)
def _clean_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No test sees the developer's TRADEPIVOT_* settings or real data directories."""
    for key in list(os.environ):
        if key.startswith("TRADEPIVOT_"):
            monkeypatch.delenv(key)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose user warehouse is a fresh temporary file."""
    return Settings(warehouse=tmp_path / "warehouse.duckdb")


@pytest.fixture(scope="session")
def reference() -> Reference:
    return Reference()


@pytest.fixture(scope="session")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """The embedded data, read-only, shared by the whole session."""
    warehouse = Warehouse(Settings(warehouse=tmp_path_factory.mktemp("wh") / "none.duckdb"))
    yield warehouse
    warehouse.close()

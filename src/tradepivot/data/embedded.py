"""Where the embedded default data lives inside the installed package."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pyarrow as pa

__all__ = ["default_dir", "embedded_manifest", "hand_kept_dir", "read_parquet_file"]


def default_dir() -> Path:
    """Folder of the built, committed default data (Parquet files and manifest.json)."""
    return Path(str(resources.files("tradepivot.data") / "default"))


def hand_kept_dir() -> Path:
    """Folder of hand-kept reference files (sectors, source spellings)."""
    return Path(str(resources.files("tradepivot.data") / "reference"))


@cache
def embedded_manifest() -> dict[str, Any]:
    """The manifest written by scripts/build_default_data.py."""
    text = (default_dir() / "manifest.json").read_text(encoding="utf-8")
    manifest: dict[str, Any] = json.loads(text)
    return manifest


def read_parquet_file(path: Path, columns: Sequence[str] | None = None) -> pa.Table:
    """One whole (small) Parquet file as an Arrow table (only ``columns``, when given).

    ``ParquetFile.read`` rather than ``pq.read_table``: the latter imports ``pyarrow.dataset``,
    which imports pandas, ~0.3 s of every cold command that looks up a country.
    """
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).read(columns=None if columns is None else list(columns))

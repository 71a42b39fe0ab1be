"""Data layer: embedded default data, the user's warehouse, reference tables and readers.

The names below are loaded on first use (PEP 562), so importing one light module of the
package (``tradepivot.data.catalog``) does not import Ibis and DuckDB with the warehouse.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradepivot.data.catalog import DatasetManifest, Gap
    from tradepivot.data.engines import open_warehouse
    from tradepivot.data.reference import Reference
    from tradepivot.data.warehouse import Warehouse

__all__ = ["DatasetManifest", "Gap", "Reference", "Warehouse", "open_warehouse"]

_HOMES = {
    "DatasetManifest": "catalog",
    "Gap": "catalog",
    "Reference": "reference",
    "Warehouse": "warehouse",
    "open_warehouse": "engines",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value

"""Data layer: embedded default data, the user's warehouse, reference tables and readers."""

from __future__ import annotations

from tradepivot.data.catalog import DatasetManifest, Gap
from tradepivot.data.engines import open_warehouse
from tradepivot.data.reference import Reference
from tradepivot.data.warehouse import Warehouse

__all__ = ["DatasetManifest", "Gap", "Reference", "Warehouse", "open_warehouse"]

"""Data layer: embedded default data, the user's warehouse, reference tables and readers."""

from __future__ import annotations

from tradepivot.data.catalog import DatasetManifest, Gap
from tradepivot.data.reference import Reference
from tradepivot.data.warehouse import Warehouse, open_warehouse

__all__ = ["DatasetManifest", "Gap", "Reference", "Warehouse", "open_warehouse"]

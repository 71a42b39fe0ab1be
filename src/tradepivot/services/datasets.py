"""What data the warehouse holds: the `data status` report."""

from __future__ import annotations

from typing import Any

from tradepivot.data.warehouse import Warehouse

__all__ = ["dataset_status"]


def dataset_status(wh: Warehouse) -> dict[str, Any]:
    """Every dataset (embedded first) with provenance, coverage and gaps."""
    datasets = [m.model_dump(mode="json") for m in wh.datasets()]
    path = wh.user_path
    return {
        "datasets": datasets,
        "warehouse": str(path),
        "warehouse_state": "exists" if path.exists() else "not created yet: nothing ingested",
    }

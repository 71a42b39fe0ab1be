"""What data the warehouse holds: the `data status` report."""

from __future__ import annotations

from typing import Any

from tradepivot.data.tariff_schedule import us_tariff_files
from tradepivot.data.warehouse import Warehouse

__all__ = ["dataset_status"]


def dataset_status(wh: Warehouse) -> dict[str, Any]:
    """Every dataset (embedded first) with provenance, coverage and gaps."""
    datasets = [m.model_dump(mode="json") for m in wh.datasets()]
    path = wh.user_path
    tariffs = us_tariff_files().manifest
    return {
        "datasets": datasets,
        "tariff_schedules": [
            {
                "id": tariffs["id"],
                "market": "USA",
                "title": tariffs["title"],
                "source": tariffs["source"],
                "terms": tariffs["terms"],
                "rows": tariffs["rows"],
                "gaps": tariffs["gaps"],
                "measures_file": "tradepivot/data/reference/us_measures.yaml",
            }
        ],
        "warehouse": str(path),
        "warehouse_state": "exists" if path.exists() else "not created yet: nothing ingested",
    }

"""What data the warehouse holds: the `data status` report."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from tradepivot.data.tariff_schedule import us_tariff_files
from tradepivot.data.warehouse import Warehouse
from tradepivot.services.report import Provenance, Report

__all__ = ["dataset_status", "datasets_report"]


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


DATASET_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("kind", pa.string()),
        ("title", pa.string()),
        ("source", pa.string()),
        ("terms", pa.string()),
        ("edition", pa.string()),
        ("years", pa.string()),
        ("rows", pa.int64()),
        ("checksum_sha256", pa.string()),
        ("embedded", pa.bool_()),
        ("gaps", pa.int64()),
    ]
)


def datasets_report(wh: Warehouse) -> Report:
    """:func:`dataset_status` as a report: a row per dataset (tariff schedules included),
    every known gap in ``tables["gaps"]``."""
    status = dataset_status(wh)
    rows: list[dict[str, Any]] = []
    gaps: list[dict[str, Any]] = []
    for d in status["datasets"]:
        years = d.get("years") or []
        rows.append(
            {
                "id": d["id"],
                "kind": d["kind"],
                "title": d.get("title"),
                "source": d.get("source"),
                "terms": d.get("terms"),
                "edition": d.get("edition"),
                "years": ", ".join(str(y) for y in years),
                "rows": d.get("rows"),
                "checksum_sha256": d.get("checksum_sha256"),
                "embedded": bool(d.get("embedded")),
                "gaps": len(d.get("gaps") or []),
            }
        )
        gaps += [{"dataset": d["id"], "id": g["id"], "text": g["text"]} for g in d.get("gaps", [])]
    for schedule in status["tariff_schedules"]:
        rows.append(
            {
                "id": schedule["id"],
                "kind": "tariff_schedule",
                "title": schedule["title"],
                "source": schedule["source"],
                "terms": schedule["terms"],
                "edition": None,
                "years": None,
                "rows": _row_count(schedule["rows"]),
                "checksum_sha256": None,
                "embedded": True,
                "gaps": len(schedule["gaps"]),
            }
        )
        gaps += [
            {"dataset": schedule["id"], "id": f"gap-{n}", "text": text}
            for n, text in enumerate(schedule["gaps"], start=1)
        ]
    gap_schema = pa.schema([("dataset", pa.string()), ("id", pa.string()), ("text", pa.string())])
    return Report(
        title="Datasets",
        rows=pa.Table.from_pylist(rows, schema=DATASET_SCHEMA),
        query={},
        provenance=Provenance(),
        totals={
            "datasets": len(rows),
            "warehouse": status["warehouse"],
            "warehouse_state": status["warehouse_state"],
        },
        tables={"gaps": pa.Table.from_pylist(gaps, schema=gap_schema)},
    )


def _row_count(rows: Any) -> int | None:
    """A schedule's rows: one number, or the sum over its files (``{"mfn_hts8": 13073, ...}``)."""
    if isinstance(rows, dict):
        return sum(int(v) for v in rows.values())
    return int(rows) if rows is not None else None

"""Reading DuckDB's JSON query profiles (``PRAGMA enable_profiling = 'json'``), for the
benchmarks that print where tradepivot's time goes when a target is missed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_EXTRA = ("Join Type", "Conditions", "Table", "Function", "Aggregates", "Groups")


def operators(profile: Path | dict[str, Any], top: int = 10) -> dict[str, Any]:
    """The query's latency, DuckDB's buffer peak and its ``top`` operators by time.

    DuckDB's ``operator_timing`` is summed over the threads that ran the operator, so on
    2 cores the operators can add up to more than the query's wall time.
    """
    tree = json.loads(profile.read_text()) if isinstance(profile, Path) else profile
    found: list[dict[str, Any]] = []

    def walk(node: dict[str, Any]) -> None:
        if node.get("operator_type"):
            extra = node.get("extra_info") or {}
            found.append(
                {
                    "operator": node["operator_type"],
                    "timing_s": float(node.get("operator_timing") or 0.0),
                    "rows": int(node.get("operator_cardinality") or 0),
                    "detail": "; ".join(
                        f"{k}: {v if isinstance(v, str) else ', '.join(map(str, v))}"
                        for k, v in extra.items()
                        if k in _EXTRA
                    ).replace("\n", " ")[:80],
                }
            )
        for child in node.get("children", []):
            walk(child)

    walk(tree)
    found.sort(key=lambda o: -o["timing_s"])
    return {
        "latency_s": tree.get("latency"),
        "cpu_time_s": tree.get("cpu_time"),
        "peak_buffer_memory_mb": (tree.get("system_peak_buffer_memory") or 0) / 2**20,
        "peak_temp_dir_mb": (tree.get("system_peak_temp_dir_size") or 0) / 2**20,
        "operators": found[:top],
    }

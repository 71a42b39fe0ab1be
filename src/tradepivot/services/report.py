"""What every service returns: result tables plus the provenance that travels with them.

A :class:`Report` is rendered by the CLI (Rich tables, CSV, JSON, Parquet, XLSX), served by
the web API as JSON, and written into HTML briefs, so all of them print the same numbers and
the same caveats. Column naming is the display contract: ``*_usd`` are US dollars,
``*_pct`` are percentages, ``code``/``hs6`` are HS codes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from tradepivot import __version__
from tradepivot.data.provenance import Provenance

__all__ = ["Provenance", "Report"]


@dataclass
class Report:
    """A result: a primary table (``rows``), optional named tables, totals and provenance."""

    title: str
    rows: pa.Table
    query: dict[str, Any]
    provenance: Provenance
    totals: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pa.Table] = field(default_factory=dict)
    # {"code": "INR", "rate_per_usd": ..., "period": ..., "source": ...} when not USD
    currency: dict[str, Any] | None = None
    # What the result is ("rank-markets", "tariff-stack", ...): the interfaces choose the
    # columns they show and their labels by it (tradepivot.reports.columns.shown); the
    # service only returns typed columns.
    kind: str = ""

    def meta(self) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "title": self.title,
            "tool": f"tradepivot {__version__}",
            "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "query": self.query,
            "totals": _clean(self.totals),
            "datasets": self.provenance.datasets,
            "gaps": self.provenance.gaps,
            "notes": self.provenance.notes,
            "units": {"*_usd": "US dollars", "*_pct": "percent", "growth": "% a year"},
            "row_count": self.rows.num_rows,
        }
        if self.currency:
            meta["currency"] = self.currency
        return meta

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: ``{"meta": {...}, "rows": [...]}`` plus ``"tables"`` when there are more."""
        out: dict[str, Any] = {"meta": self.meta(), "rows": _records(self.rows)}
        if self.tables:
            out["tables"] = {name: _records(table) for name, table in self.tables.items()}
        return out


def _records(table: pa.Table) -> list[dict[str, Any]]:
    return [_clean(row) for row in table.to_pylist()]


def _clean(value: Any) -> Any:
    """JSON-safe: NaN/inf become null, nested containers are cleaned too."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value

"""The content of a brief, independent of how it is shown.

Services that produce a brief (``pivot``) build a :class:`Brief` out of sections holding key
figures, paragraphs, tables and chart specifications; the reports layer renders it as a
terminal summary, a self-contained HTML page or JSON. Nothing here formats numbers or knows
about HTML: a figure carries its raw value and its kind.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa

from tradepivot import __version__
from tradepivot.services.report import Provenance

__all__ = ["Brief", "Chart", "Figure", "Section"]

FigureKind = Literal["usd", "pct", "count", "text"]
ChartKind = Literal["bar", "stacked_bar", "grouped_bar"]


@dataclass(frozen=True)
class Figure:
    """One key number: ``value`` in USD for ``usd``, percent for ``pct``."""

    label: str
    value: float | int | str | None
    kind: FigureKind = "usd"
    note: str | None = None


@dataclass(frozen=True)
class Chart:
    """A bar chart of ``data``: categories in ``x``, values in ``y`` (``*_usd`` = USD).

    ``color`` names a column whose values split the bars (stacked or grouped);
    ``highlight`` names a category value to emphasise (e.g. the market being left).
    """

    title: str
    data: pa.Table
    x: str
    y: str
    kind: ChartKind = "bar"
    color: str | None = None
    highlight: str | None = None
    note: str | None = None


@dataclass
class Section:
    """A titled part of a brief; every list may be empty."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[tuple[str, pa.Table]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    callouts: list[str] = field(default_factory=list)  # warnings a reader must not miss


@dataclass
class Brief:
    """A whole brief with the provenance of every figure in it."""

    title: str
    subtitle: str
    sections: list[Section]
    provenance: Provenance
    query: dict[str, Any]
    currency: dict[str, Any] | None = None
    generated_at: str = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    )

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: ``{"meta": {...}, "sections": [...]}``, tables as lists of records."""
        return {
            "meta": {
                "title": self.title,
                "subtitle": self.subtitle,
                "tool": f"tradepivot {__version__}",
                "generated_at": self.generated_at,
                "query": self.query,
                "datasets": self.provenance.datasets,
                "gaps": self.provenance.gaps,
                "notes": self.provenance.notes,
                "currency": self.currency,
            },
            "sections": [_section_dict(s) for s in self.sections],
        }


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(table: pa.Table) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in table.to_pylist()]


def _section_dict(section: Section) -> dict[str, Any]:
    return {
        "title": section.title,
        "paragraphs": section.paragraphs,
        "callouts": section.callouts,
        "figures": [
            {"label": f.label, "value": _clean(f.value), "kind": f.kind, "note": f.note}
            for f in section.figures
        ],
        "tables": [{"title": title, "rows": _records(table)} for title, table in section.tables],
        "charts": [
            {
                "title": c.title,
                "kind": c.kind,
                "x": c.x,
                "y": c.y,
                "color": c.color,
                "highlight": c.highlight,
                "note": c.note,
                "data": _records(c.data),
            }
            for c in section.charts
        ],
    }

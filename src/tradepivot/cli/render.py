"""Render a Report for a terminal with Rich, or hand it to a file writer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
from rich.console import Console
from rich.table import Table

from tradepivot.reports.export import Format, write_report
from tradepivot.reports.numbers import money, money_unit, percent
from tradepivot.services.report import Report

__all__ = ["emit", "render_table"]

NUMERIC = frozenset({"rank", "supplier_rank", "focus_rank", "suppliers", "products"})
# Columns that only repeat another in a terminal view (kept in csv/json/xlsx).
TERMINAL_HIDDEN = frozenset({"top_supplier"})

LABELS = {
    "code": "HS",
    "hs6": "HS6",
    "description": "Description",
    "exporter": "ISO3",
    "name": "Supplier",
    "top_supplier_name": "Top supplier",
    "top_supplier_share_pct": "Top share",
    "rank": "#",
    "supplier_rank": "Rank",
    "suppliers": "Suppliers",
    "products": "Products",
    "chpl_tier": "CHPL",
    "imports_usd": "Imports",
    "value_usd": "Value",
    "share_pct": "Share",
    "share_of_total_pct": "Of total",
    "growth_pct": "Growth",
    "market_imports_usd": "Market",
    "market_share_pct": "Mkt share",
}


def _header(name: str, currency: dict[str, Any] | None, focus: str | None) -> str:
    if name.startswith("focus_") and focus:
        label = {
            "focus_value_usd": focus,
            "focus_share_pct": f"{focus} share",
            "focus_rank": f"{focus} rank",
        }.get(name, name)
    else:
        label = LABELS.get(
            name, name.replace("_pct", "").replace("_usd", "").replace("_", " ").capitalize()
        )
    if name == "growth_pct":
        return f"{label}\n%/yr"
    if name.endswith("_usd"):
        return f"{label}\n{money_unit(currency)}"
    if name.endswith("_pct"):
        return f"{label}\n%"
    return label


def _cell(name: str, value: Any, currency: dict[str, Any] | None) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if name.endswith("_usd"):
        return money(value, currency)
    if name.endswith("_pct"):
        return percent(value).rstrip("%")
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return str(value)


def render_table(
    console: Console,
    table: pa.Table,
    title: str | None,
    currency: dict[str, Any] | None,
    highlight: str | None = None,
) -> None:
    """One Rich table; ``highlight`` (an ISO3) marks that supplier's row."""
    names = [
        n
        for n in table.column_names
        if n not in TERMINAL_HIDDEN or f"{n}_name" not in table.column_names
    ]
    rich_table = Table(title=title, title_justify="left", header_style="bold", show_lines=False)
    for name in names:
        numeric = name.endswith(("_usd", "_pct")) or name in NUMERIC
        if name == "description":
            rich_table.add_column(
                _header(name, currency, highlight),
                no_wrap=True,
                overflow="ellipsis",
                ratio=1,
                min_width=16,
                max_width=60,
            )
        elif name.endswith("name"):
            rich_table.add_column(
                _header(name, currency, highlight), no_wrap=True, overflow="ellipsis", max_width=22
            )
        else:
            rich_table.add_column(
                _header(name, currency, highlight),
                justify="right" if numeric else "left",
                no_wrap=True,
                min_width=6 if name in ("code", "hs6") else None,
            )
    for row in table.to_pylist():
        style = (
            "bold yellow" if highlight is not None and row.get("exporter") == highlight else None
        )
        rich_table.add_row(*[_cell(n, row[n], currency) for n in names], style=style)
    console.print(rich_table)


def _totals_line(report: Report) -> str:
    parts = []
    for key, value in report.totals.items():
        if value is None:
            continue
        label = key.replace("_usd", "").replace("_pct", "").replace("_", " ")
        if key.endswith("_usd"):
            parts.append(f"{label}: {money(value, report.currency)} {money_unit(report.currency)}")
        elif key.endswith("_pct"):
            parts.append(f"{label}: {percent(value)}")
        else:
            parts.append(f"{label}: {value}")
    return " · ".join(parts)


def _footer(console: Console, report: Report) -> None:
    meta = report.meta()
    for note in meta["notes"]:
        console.print(f"[dim]Note:[/dim] {note}")
    for gap in meta["gaps"]:
        console.print(f"[yellow]Data gap ({gap['dataset']}):[/yellow] {gap['text']}")
    for ds in meta["datasets"]:
        console.print(
            f"[dim]Source: {ds['id']} — {ds['title']}; {ds['source']}; {ds['edition']}.[/dim]"
        )
    if report.currency:
        c = report.currency
        console.print(
            f"[dim]{c['code']} at {c['rate_per_usd']:.4f} per USD ({c['period']}, {c['kind']}: {c['source']}).[/dim]"
        )


def emit(report: Report, fmt: Format, output: Path | None, console: Console) -> None:
    """Print ``report`` in ``fmt``: a Rich view for ``table``, else the file writers."""
    if fmt != "table":
        sidecar = write_report(report, fmt, output)
        if output is not None:
            extra = f" (provenance in {sidecar})" if sidecar else ""
            console.print(f"Wrote {output}{extra}.", style="green", highlight=False)
        return
    highlight = report.query.get("focus") or report.query.get("exporter")
    console.print(f"[bold]{report.title}[/bold]")
    console.print(_totals_line(report), highlight=False)
    render_table(console, report.rows, None, report.currency, highlight)
    for name, table in report.tables.items():
        render_table(console, table, name.capitalize(), report.currency, highlight)
    _footer(console, report)
    if output is not None:
        write_report(report, "csv", output)
        console.print(f"Wrote the rows as CSV to {output}.", style="green")

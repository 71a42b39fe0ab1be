"""Render a Report for a terminal with Rich, or hand it to a file writer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

# Imported when something is rendered, not when the CLI starts: the reports and services
# packages bring pyarrow, Babel, Ibis and DuckDB (~0.7 s), which `--help` and `--version` skip.
if TYPE_CHECKING:
    import pyarrow as pa

    from tradepivot.reports.export import Format
    from tradepivot.services.briefing import Brief, Figure
    from tradepivot.services.report import Report

__all__ = ["emit", "emit_brief", "render_table"]

# Sentences: wrapped in the terminal instead of cut.
WRAPPED = frozenset({"why"})


def _header(name: str, currency: dict[str, Any] | None, focus: str | None) -> str:
    from tradepivot.reports import columns

    text = columns.label(name, focus)
    suffix = columns.unit(name, currency)
    return f"{text}\n{suffix}" if suffix else text


def render_table(
    console: Console,
    table: pa.Table,
    title: str | None,
    currency: dict[str, Any] | None,
    highlight: str | None = None,
    display: tuple[str, ...] | None = None,
) -> None:
    """One Rich table; ``highlight`` (an ISO3) marks that supplier's row."""
    from rich.table import Table

    from tradepivot.reports import columns

    shown = display or tuple(table.column_names)
    names = [
        n
        for n in shown
        if n in table.column_names
        and (n not in columns.HIDDEN or f"{n}_name" not in table.column_names)
    ]
    rich_table = Table(title=title, title_justify="left", header_style="bold", show_lines=False)
    for name in names:
        numeric = columns.is_numeric(name)
        if name == "description":
            rich_table.add_column(
                _header(name, currency, highlight),
                no_wrap=True,
                overflow="ellipsis",
                ratio=1,
                min_width=16,
                max_width=60,
            )
        elif name.endswith("name") or name in ("market", "competitors", "hs_scope"):
            rich_table.add_column(
                _header(name, currency, highlight),
                no_wrap=True,
                overflow="ellipsis",
                max_width=40 if name == "competitors" else 22,
            )
        elif name in WRAPPED:
            rich_table.add_column(
                _header(name, currency, highlight), ratio=1, min_width=30, overflow="fold"
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
        rich_table.add_row(*[columns.cell(n, row[n], currency) for n in names], style=style)
    console.print(rich_table)


def _totals_line(report: Report) -> str:
    from tradepivot.i18n.numbers import money, money_unit, percent

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


def emit(
    report: Report, fmt: Format, output: Path | None, console: Console, *, force: bool = False
) -> None:
    """Print ``report`` in ``fmt``: a Rich view for ``table``, else the file writers
    (``force`` replaces a read-only output file)."""
    from tradepivot.reports.export import write_report

    if fmt != "table":
        sidecar = write_report(report, fmt, output, force=force)
        if output is not None:
            extra = f" (provenance in {sidecar})" if sidecar else ""
            console.print(f"Wrote {output}{extra}.", style="green", highlight=False)
        return
    from tradepivot.reports import columns

    highlight = report.query.get("focus") or report.query.get("exporter")
    console.print(f"[bold]{report.title}[/bold]")
    console.print(_totals_line(report), highlight=False)
    render_table(console, report.rows, None, report.currency, highlight, columns.shown(report.kind))
    for name, table in report.tables.items():
        render_table(
            console,
            table,
            name.replace("_", " ").capitalize(),
            report.currency,
            highlight,
            columns.shown(report.kind, name),
        )
    _footer(console, report)
    if output is not None:
        write_report(report, "csv", output, force=force)
        console.print(f"Wrote the rows as CSV to {output}.", style="green")


def _figure(figure: Figure, currency: dict[str, Any] | None) -> str:
    from tradepivot.i18n.numbers import money, money_unit, percent

    if figure.value is None:
        value = "–"
    elif figure.kind == "usd":
        value = f"{money(float(figure.value), currency)} {money_unit(currency)}"
    elif figure.kind == "pct":
        value = percent(float(figure.value))
    elif figure.kind == "count":
        value = f"{figure.value:,}"
    else:
        value = str(figure.value)
    note = f" [dim]({figure.note})[/dim]" if figure.note else ""
    return f"[bold]{figure.label}:[/bold] {value}{note}"


def emit_brief(brief: Brief, console: Console, *, as_json: bool = False) -> None:
    """The brief in a terminal (sections, key figures, tables) or as one JSON object."""
    if as_json:
        console.print_json(json.dumps(brief.to_dict(), default=str))
        return
    console.print(f"[bold underline]{brief.title}[/bold underline]")
    console.print(brief.subtitle)
    for section in brief.sections:
        console.rule(section.title)
        for figure in section.figures:
            console.print(_figure(figure, brief.currency))
        for callout in section.callouts:
            console.print(f"[bold yellow]![/bold yellow] {callout}")
        for paragraph in section.paragraphs:
            console.print(f"[dim]{paragraph}[/dim]")
        for title, table in section.tables:
            render_table(console, table, title, brief.currency, brief.query.get("exporter"))
    console.rule("Sources")
    for ds in brief.provenance.datasets:
        console.print(f"[dim]Source: {ds['id']} — {ds['title']}; {ds['source']}.[/dim]")
    for gap in brief.provenance.gaps:
        console.print(f"[yellow]Data gap ({gap['dataset']}):[/yellow] {gap['text']}")
    for note in brief.provenance.notes:
        console.print(f"[dim]Note: {note}[/dim]")

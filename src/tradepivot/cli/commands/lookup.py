"""Look-ups: countries, HS codes and sectors, so users can find the right codes."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tradepivot.cli.core import app, state
from tradepivot.cli.options import OutputFormat
from tradepivot.cli.render import emit

LookupFormat = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="table (for reading) or json (the web API's answer).",
        case_sensitive=False,
    ),
]


def _json_or_table(fmt: OutputFormat) -> bool:
    if fmt not in (OutputFormat.table, OutputFormat.json):
        raise typer.BadParameter("look-ups print as table or json.", param_hint="--format")
    return fmt is OutputFormat.json


@app.command(rich_help_panel="Look-ups")
def country(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Name or code: Russia, RU, RUS, 643.")],
    fmt: LookupFormat = OutputFormat.table,
) -> None:
    """Resolve a country name or code to the ISO3 code tradepivot uses."""
    from tradepivot.services.lookup import country_lookup

    app_state = state(ctx)
    report = country_lookup(app_state.warehouse, query)
    if _json_or_table(fmt):
        emit(report, "json", None, app_state.console)
        return
    c = report.rows.to_pylist()[0]
    app_state.console.print(
        f"{c['iso3']}  {c['name']}  (ISO2 {c['iso2'] or '–'}, M49 {c['m49'] or '–'}, "
        f"BACI {c['baci_code'] or '–'}, US Census {c['census_code'] or '–'}; {c['region'] or '–'})"
    )


@app.command(rich_help_panel="Look-ups")
def hs(
    ctx: typer.Context,
    query: Annotated[
        str,
        typer.Argument(
            help="An HS code (4202, 42.02.21) or words to search (ladies purse, сумки кожаные)."
        ),
    ],
    edition: Annotated[
        str, typer.Option(help="HS edition: HS2017 (the world matrix) or HS2022.")
    ] = "HS2017",
    limit: Annotated[int, typer.Option(min=1, help="Most results to show when searching.")] = 25,
    fmt: LookupFormat = OutputFormat.table,
) -> None:
    """Look up an HS code (with its subheadings) or find products by plain words.

    Words (English or Russian) are ranked over the HS descriptions, India's national
    descriptions and a curated synonym list: "leather shoes", "wallet", "сумки кожаные".
    """
    from tradepivot.services.lookup import hs_lookup

    app_state = state(ctx)
    report = hs_lookup(app_state.warehouse, query, edition=edition, limit=limit)
    if _json_or_table(fmt):
        emit(report, "json", None, app_state.console)
        return
    table = Table(header_style="bold")
    table.add_column("HS")
    table.add_column(f"Description ({edition})", overflow="fold")
    rows = report.rows.to_pylist()
    words = "matched" in report.rows.column_names  # plain words: the ranked product search
    if words:
        table.add_column("Matched", overflow="fold")
    for n, row in enumerate(rows):
        if words:
            table.add_row(row["code"], row["description"], row["matched"])
        else:
            table.add_row(("  " if n else "") + row["code"], row["description"])
    notes = report.provenance.notes[:-1] if words else report.provenance.notes
    for note in notes:  # how the words were read (not the method) or the code's notes
        app_state.err.print(note)
    app_state.console.print(table)


@app.command(rich_help_panel="Look-ups")
def sectors(ctx: typer.Context, fmt: LookupFormat = OutputFormat.table) -> None:
    """List the named sectors (HS scopes) with their sources."""
    from tradepivot.services.lookup import sector_list

    app_state = state(ctx)
    report = sector_list(app_state.warehouse)
    if _json_or_table(fmt):
        emit(report, "json", None, app_state.console)
        return
    table = Table(header_style="bold")
    for column in ("Sector", "Label", "HS scope", "Source / rationale"):
        table.add_column(column, overflow="fold")
    for s in report.rows.to_pylist():
        table.add_row(s["sector"], s["label"], s["hs_scope"], s["source"])
    app_state.console.print(table)

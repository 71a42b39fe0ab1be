"""Look-ups: countries, HS codes and sectors, so users can find the right codes."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tradepivot.cli.core import app, state


@app.command(rich_help_panel="Look-ups")
def country(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Name or code: Russia, RU, RUS, 643.")],
) -> None:
    """Resolve a country name or code to the ISO3 code tradepivot uses."""
    app_state = state(ctx)
    found = app_state.warehouse.reference.country(query)
    app_state.console.print(
        f"{found.iso3}  {found.name}  (ISO2 {found.iso2 or '–'}, M49 {found.m49 or '–'}, "
        f"BACI {found.baci_code or '–'}, US Census {found.census_code or '–'}; {found.region or '–'})"
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
) -> None:
    """Look up an HS code (with its subheadings) or find products by plain words.

    Words (English or Russian) are ranked over the HS descriptions, India's national
    descriptions and a curated synonym list: "leather shoes", "wallet", "сумки кожаные".
    """
    app_state = state(ctx)
    ref = app_state.warehouse.reference
    table = Table(header_style="bold")
    table.add_column("HS")
    table.add_column(f"Description ({edition})", overflow="fold")
    cleaned = query.replace(".", "").replace(" ", "")
    if cleaned.isdigit():
        codes, notes = ref.parse_hs([query], edition)
        code = codes[0]
        rows = (
            [c for c in ref.hs_codes(edition, 6) if c.code.startswith(code)]
            if len(code) < 6
            else []
        )
        table.add_row(code, ref.describe(code, edition) or "")
        for child in (
            [c for c in ref.hs_codes(edition, 4) if c.code.startswith(code)]
            if len(code) == 2
            else rows
        )[:limit]:
            table.add_row("  " + child.code, child.description)
        for note in notes:
            app_state.err.print(note)
    else:
        from tradepivot.services.search import search_products

        report = search_products(ref, query, edition=edition, limit=limit)
        table.add_column("Matched", overflow="fold")
        for row in report.rows.to_pylist():
            table.add_row(row["code"], row["description"], row["matched"])
        for note in report.provenance.notes[:-1]:  # how the words were read; not the method
            app_state.err.print(note)
    app_state.console.print(table)


@app.command(rich_help_panel="Look-ups")
def sectors(ctx: typer.Context) -> None:
    """List the named sectors (HS scopes) with their sources."""
    app_state = state(ctx)
    table = Table(header_style="bold")
    for column in ("Sector", "Label", "HS scope", "Source / rationale"):
        table.add_column(column, overflow="fold")
    for s in app_state.warehouse.reference.sectors():
        scope = ", ".join(s.hs) + (f" excl. {', '.join(s.exclude)}" if s.exclude else "")
        table.add_row(s.name, s.label, scope, s.source)
    app_state.console.print(table)

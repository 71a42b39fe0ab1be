"""`pivot`: the flagship brief for a delegation or an exporter leaving a market."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradepivot.cli.core import app, state
from tradepivot.cli.options import (
    MAX_TOP,
    CurrencyOpt,
    ForceOpt,
    HsOpt,
    OutputFormat,
    SectorOpt,
    check_output,
)
from tradepivot.cli.render import emit_brief


@app.command(rich_help_panel="Opportunities")
def pivot(
    ctx: typer.Context,
    exporter: Annotated[str, typer.Argument(help="The exporting country, e.g. IND.")],
    sector: SectorOpt = None,
    hs: HsOpt = None,
    away_from: Annotated[str, typer.Option("--away-from", help="The market being left.")] = "USA",
    top: Annotated[
        int, typer.Option("--top", "-n", min=1, max=MAX_TOP, help="Alternative markets to list.")
    ] = 15,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Also write a self-contained HTML brief (opens offline).",
            show_default=False,
            callback=check_output,
        ),
    ] = None,
    force: ForceOpt = False,
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help="Tariff scenario (YAML): adds the simulated loss and where it could go.",
            show_default=False,
        ),
    ] = None,
    portfolio: Annotated[
        Path | None,
        typer.Option(
            "--portfolio",
            help="Firm or cluster portfolio (CSV/YAML) to measure instead of the whole sector.",
            show_default=False,
        ),
    ] = None,
    currency: CurrencyOpt = None,
    fmt: Annotated[
        OutputFormat,
        typer.Option(
            "--format", "-f", help="table (terminal summary) or json.", case_sensitive=False
        ),
    ] = OutputFormat.table,
) -> None:
    """Brief: exposure to the market being left, alternative markets, products, competitors.

    Example: tradepivot pivot IND --sector leather --away-from USA --report brief.html

    With --scenario (and --portfolio): the redirect chain, from the simulated loss to the
    markets that could absorb it, e.g.
    tradepivot pivot IND --sector leather --scenario examples/scenarios/us-india-50.yaml
    """
    from tradepivot.outputs import write_text
    from tradepivot.services.pivot import pivot_brief
    from tradepivot.services.tariffs import load_scenario
    from tradepivot.tariffs.portfolio import load_portfolio

    app_state = state(ctx)
    ref = app_state.warehouse.reference
    if fmt not in (OutputFormat.table, OutputFormat.json):
        raise typer.BadParameter(
            "pivot prints as table or json; use --report FILE.html for the full brief.",
            param_hint="--format",
        )
    brief = pivot_brief(
        app_state.warehouse,
        exporter,
        away_from=away_from,
        sector=sector,
        hs=hs,
        top=top,
        currency=currency.value if currency else app_state.settings.currency,
        scenario=load_scenario(scenario, ref) if scenario else None,
        portfolio=load_portfolio(portfolio, ref) if portfolio else None,
    )
    emit_brief(brief, app_state.console, as_json=fmt is OutputFormat.json)
    if report is not None:
        from tradepivot.reports.brief_html import render_html

        write_text(report, render_html(brief), force=force)
        app_state.err.print(f"Wrote the brief to {report}.")

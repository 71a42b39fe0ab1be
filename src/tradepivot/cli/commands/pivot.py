"""`pivot`: the flagship brief for a delegation or an exporter leaving a market."""

from __future__ import annotations

import io
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradepivot.cli.core import app, state
from tradepivot.cli.options import (
    MAX_TOP,
    CurrencyOpt,
    DatasetOpt,
    ForceOpt,
    HsOpt,
    OutputOpt,
    SectorOpt,
    YearOpt,
    YearsOpt,
    check_output,
    year_span,
)
from tradepivot.cli.render import emit_brief

if TYPE_CHECKING:
    from tradepivot.services.briefing import Brief


class BriefFormat(StrEnum):
    """The forms a brief comes in (it is sections of tables, not one table: no csv/xlsx)."""

    table = "table"
    json = "json"
    html = "html"


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
    dataset: DatasetOpt = None,
    year: YearOpt = None,
    years: YearsOpt = None,
    currency: CurrencyOpt = None,
    fmt: Annotated[
        BriefFormat,
        typer.Option(
            "--format",
            "-f",
            help="table (terminal summary), json, or html (the self-contained brief; needs "
            "--output).",
            case_sensitive=False,
        ),
    ] = BriefFormat.table,
    output: OutputOpt = None,
) -> None:
    """Brief: exposure to the market being left, alternative markets, products, competitors.

    For India the brief adds India's own exports over fiscal years (EIDB) to each market:
    last year, change, CAGR and a sparkline.

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
    if fmt is BriefFormat.html and output is None:
        raise typer.BadParameter(
            "an HTML brief goes to a file: add --output FILE.html.", param_hint="--format"
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
        dataset=dataset,
        years_span=year_span(year, years),
    )
    if output is None:
        emit_brief(brief, app_state.console, as_json=fmt is BriefFormat.json)
    else:
        write_text(output, _brief_text(brief, fmt), force=force)
        app_state.err.print(f"Wrote the brief to {output}.")
    if report is not None:
        from tradepivot.reports.brief_html import render_html

        write_text(report, render_html(brief), force=force)
        app_state.err.print(f"Wrote the brief to {report}.")


def _brief_text(brief: Brief, fmt: BriefFormat) -> str:
    """The brief as a file holds it: JSON, the HTML page, or the terminal view as plain text."""
    if fmt is BriefFormat.json:
        import json

        return json.dumps(brief.to_dict(), default=str, indent=2, ensure_ascii=False) + "\n"
    if fmt is BriefFormat.html:
        from tradepivot.reports.brief_html import render_html

        return render_html(brief)
    from rich.console import Console

    console = Console(record=True, width=160, file=io.StringIO(), color_system=None)
    emit_brief(brief, console)
    return console.export_text()

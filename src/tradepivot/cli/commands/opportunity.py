"""`rank`, `potential` and `balance`: where an exporter could sell more, and why."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from tradepivot.cli.core import app, state
from tradepivot.cli.options import (
    CurrencyOpt,
    DatasetOpt,
    ForceOpt,
    FormatOpt,
    HsOpt,
    OutputFormat,
    OutputOpt,
    SectorOpt,
    TopOpt,
    YearOpt,
    YearsOpt,
    year_span,
)
from tradepivot.cli.render import emit
from tradepivot.outputs import write_text

PANEL = "Opportunities"


class RankView(StrEnum):
    market = "market"
    product = "product"


ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        "-x",
        help="Markets to leave out (repeat or comma-separate).",
        show_default=False,
    ),
]


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@app.command(rich_help_panel=PANEL)
def rank(
    ctx: typer.Context,
    exporter: Annotated[
        str, typer.Argument(help="The exporting country: ISO3, ISO2, M49 or name.")
    ],
    hs: HsOpt = None,
    sector: SectorOpt = None,
    exclude: ExcludeOpt = None,
    by: Annotated[
        RankView,
        typer.Option("--by", help="market: one row per market; product: the products behind them."),
    ] = RankView.market,
    top: TopOpt = 20,
    dataset: DatasetOpt = None,
    year: YearOpt = None,
    years: YearsOpt = None,
    currency: CurrencyOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Markets ranked by untapped export potential for a product set, with the factors behind it.

    For India each market (and each market not assessed) also shows India's own exports there
    over fiscal years (EIDB): the last year, the change on the one before and the CAGR.

    Example: tradepivot rank IND --sector leather --exclude USA --top 20
    """
    from tradepivot.services.opportunity import rank_markets

    app_state = state(ctx)
    report = rank_markets(
        app_state.warehouse,
        exporter,
        hs=hs,
        sector=sector,
        exclude=_split(exclude),
        top=top,
        by=by.value,
        dataset=dataset,
        years_span=year_span(year, years),
        currency=currency.value if currency else app_state.settings.currency,
    )
    emit(report, fmt.value, output, app_state.console, force=force)


@app.command(rich_help_panel=PANEL)
def potential(
    ctx: typer.Context,
    exporter: Annotated[
        str | None,
        typer.Option(
            "--exporter", "-e", help="Exporter (default: every exporter).", show_default=False
        ),
    ] = None,
    market: Annotated[
        str | None,
        typer.Option("--market", "-m", help="Market (default: every market).", show_default=False),
    ] = None,
    hs: HsOpt = None,
    sector: SectorOpt = None,
    top: TopOpt = None,
    dataset: DatasetOpt = None,
    year: YearOpt = None,
    years: YearsOpt = None,
    currency: CurrencyOpt = None,
    factors: Annotated[
        str,
        typer.Option(
            "--factors",
            help="Whole world only: factor columns to write, comma-separated (e.g. "
            "supply,demand,ease), all or none; keys and amounts are always written.",
        ),
    ] = "all",
    min_potential: Annotated[
        float | None,
        typer.Option(
            "--min-potential",
            min=0,
            help="Whole world only: write only rows with at least this potential (USD).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Export potential row by row (exporter x market x product) with every factor.

    Without --exporter and --market this is the whole world (tens of millions of rows):
    write it with --format parquet --output FILE (sorted by exporter; factors and derived
    amounts as float32, see docs/methods.md).

    Example: tradepivot potential -e IND -m RUS --sector pharma --top 30
    """
    from tradepivot.services.opportunity import potential_rows, write_world_potential

    app_state = state(ctx)
    if exporter is None and market is None and top is None:
        if fmt is not OutputFormat.parquet or output is None:
            raise typer.BadParameter(
                "the whole world (tens of millions of rows) goes to a file: add --format parquet "
                "--output FILE, or narrow it with --exporter, --market or --top",
                param_hint="--exporter/--market",
            )
        chosen = _split([factors]) or []
        summary = write_world_potential(
            app_state.warehouse,
            output,
            hs=hs,
            sector=sector,
            dataset=dataset,
            years_span=year_span(year, years),
            factors=None if chosen == ["all"] else [] if chosen == ["none"] else chosen,
            min_potential=min_potential,
            force=force,
        )
        emit(summary, OutputFormat.table.value, None, app_state.console)
        meta = json.dumps(summary.meta(), indent=2, default=str) + "\n"
        write_text(output.with_name(output.name + ".meta.json"), meta, force=force)
        return
    report = potential_rows(
        app_state.warehouse,
        exporter=exporter,
        market=market,
        hs=hs,
        sector=sector,
        top=top,
        dataset=dataset,
        years_span=year_span(year, years),
        currency=currency.value if currency else app_state.settings.currency,
    )
    emit(report, fmt.value, output, app_state.console, force=force)


@app.command(rich_help_panel=PANEL)
def balance(
    ctx: typer.Context,
    country: Annotated[str, typer.Argument(help="The country whose balance to show (e.g. IND).")],
    partner: Annotated[str, typer.Argument(help="The trading partner (e.g. RUS).")],
    hs: HsOpt = None,
    sector: SectorOpt = None,
    top: TopOpt = 25,
    dataset: DatasetOpt = None,
    year: YearOpt = None,
    currency: CurrencyOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Bilateral balance by sector and HS chapter, and the products to rebalance it with.

    Example: tradepivot balance IND RUS
    """
    from tradepivot.services.balance import bilateral_balance

    app_state = state(ctx)
    report = bilateral_balance(
        app_state.warehouse,
        country,
        partner,
        hs=hs,
        sector=sector,
        top=top,
        dataset=dataset,
        years_span=year_span(year),
        currency=currency.value if currency else app_state.settings.currency,
    )
    emit(report, fmt.value, output, app_state.console, force=force)

"""`flows` and `market`: the first questions every user asks of the trade data."""

from __future__ import annotations

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
    LevelOpt,
    OutputFormat,
    OutputOpt,
    SectorOpt,
    TopOpt,
    YearOpt,
    year_span,
)
from tradepivot.cli.render import emit


class MarketView(StrEnum):
    product = "product"
    supplier = "supplier"


@app.command(rich_help_panel="Trade questions")
def flows(
    ctx: typer.Context,
    exporter: Annotated[
        str, typer.Option("--exporter", "-e", help="Exporting country: ISO3, ISO2, M49 or name.")
    ],
    importer: Annotated[
        str, typer.Option("--importer", "-i", help="Importing country (the market).")
    ],
    hs: HsOpt = None,
    sector: SectorOpt = None,
    level: LevelOpt = 6,
    top: TopOpt = None,
    dataset: DatasetOpt = None,
    year: YearOpt = None,
    currency: CurrencyOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Bilateral flows by product: what EXPORTER sells to IMPORTER, with each product's market.

    Example: tradepivot flows --exporter IND --importer RUS --sector pharma --top 20
    """
    from tradepivot.services import bilateral_flows

    app_state = state(ctx)
    report = bilateral_flows(
        app_state.warehouse,
        exporter,
        importer,
        hs=hs,
        sector=sector,
        level=level,
        top=top,
        dataset=dataset,
        years_span=year_span(year),
        currency=currency.value if currency else app_state.settings.currency,
    )
    emit(report, fmt.value, output, app_state.console, force=force)


@app.command(rich_help_panel="Trade questions")
def market(
    ctx: typer.Context,
    country: Annotated[str, typer.Argument(help="The importing market: ISO3, ISO2, M49 or name.")],
    hs: HsOpt = None,
    sector: SectorOpt = None,
    focus: Annotated[
        str, typer.Option("--focus", help="Exporter whose share and rank to show ('none' to hide).")
    ] = "IND",
    by: Annotated[
        MarketView, typer.Option("--by", help="Primary table for csv/parquet output.")
    ] = MarketView.product,
    level: LevelOpt = 6,
    top: TopOpt = 20,
    dataset: DatasetOpt = None,
    year: YearOpt = None,
    currency: CurrencyOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """A market's imports by product and by supplier, with the focus exporter's share and rank.

    With India as the focus, each product also shows India's own exports to the market over
    fiscal years (EIDB): the last year, the change on the one before and the CAGR.

    Example: tradepivot market RUS --sector leather
    """
    from tradepivot.services import market_overview

    app_state = state(ctx)
    report = market_overview(
        app_state.warehouse,
        country,
        hs=hs,
        sector=sector,
        focus=None if focus.lower() == "none" else focus,
        level=level,
        top=top,
        by=by.value,
        dataset=dataset,
        years_span=year_span(year),
        currency=currency.value if currency else app_state.settings.currency,
    )
    emit(report, fmt.value, output, app_state.console, force=force)

"""`products`: where an exporter has a comparative advantage, and where it could go next."""

from __future__ import annotations

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
)
from tradepivot.cli.render import emit


@app.command(rich_help_panel="Trade questions")
def products(
    ctx: typer.Context,
    exporter: Annotated[
        str, typer.Argument(help="The exporting country: ISO3, ISO2, M49 or name.")
    ],
    hs: HsOpt = None,
    sector: SectorOpt = None,
    top: TopOpt = 20,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", help="Year of a multi-year dataset (default: its latest).", show_default=False
        ),
    ] = None,
    dataset: DatasetOpt = None,
    currency: CurrencyOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Products where EXPORTER has RCA >= 1, and nearby ones it could diversify into.

    RCA, product space and complexity (ECI/PCI) use every product and market of the dataset;
    --sector/--hs only choose which products are shown.

    Example: tradepivot products IND --sector leather --top 10
    """
    from tradepivot.services.products import products as exporter_products

    app_state = state(ctx)
    report = exporter_products(
        app_state.warehouse,
        exporter,
        sector=sector,
        hs=hs,
        top=top,
        dataset=dataset,
        year=year,
        currency=currency.value if currency else app_state.settings.currency,
    )
    emit(report, fmt.value, output, app_state.console, force=force)

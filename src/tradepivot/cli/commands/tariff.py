"""`tariff show` and `tariff simulate`: dated duty stacks and what a tariff change does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from tradepivot.cli.core import app, state
from tradepivot.cli.options import (
    MAX_TOP,
    CurrencyOpt,
    DatasetOpt,
    ForceOpt,
    FormatOpt,
    HsOpt,
    OutputFormat,
    OutputOpt,
    SectorOpt,
    YearOpt,
    year_span,
)
from tradepivot.cli.render import emit

tariff_app = typer.Typer(
    help="Tariff measures: the dated stack of duties, and shock simulations.",
    no_args_is_help=True,
)
app.add_typer(tariff_app, name="tariff", rich_help_panel="Tariffs")


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2025-09-01."
        ) from None


@tariff_app.command("show")
def show(
    ctx: typer.Context,
    market: Annotated[
        str,
        typer.Argument(
            help="Importing market: USA, an EAEU member (RUS, BLR, KAZ, ARM, KGZ), an EU member or GBR."
        ),
    ],
    exporter: Annotated[str, typer.Argument(help="Exporting country, e.g. IND.")],
    hs: Annotated[
        str,
        typer.Option("--hs", help="HS or national prefix: 2 to 10 digits, e.g. 4202 or 42022130."),
    ],
    date: Annotated[
        str | None,
        typer.Option("--date", help="Day the stack is read for (YYYY-MM-DD; default today)."),
    ] = None,
    timeline: Annotated[
        bool,
        typer.Option("--timeline", help="Show every change over 2025-2026 instead of one day."),
    ] = False,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """The duties in force on a product on one day, line by line, with their legal source.

    The US: MFN plus the dated 2025-2026 measures, layer by layer. The EAEU (from 2026-01-01),
    the EU (2020) and the UK (2021): MFN rates, specific duties as ad valorem equivalents at
    India's unit values (stated). Preferences are not applied.

    Example: tradepivot tariff show USA IND --hs 4202 --date 2025-09-01
    Example: tradepivot tariff show RUS IND --hs 6403 --timeline
    """
    from tradepivot.services.tariffs import tariff_stack, tariff_timeline

    app_state = state(ctx)
    ref = app_state.warehouse.reference
    if timeline:
        report = tariff_timeline(ref, market, exporter, hs)
    else:
        day = _date(date) or dt.date.today()
        report = tariff_stack(ref, market, exporter, hs, day)
    emit(report, fmt.value, output, app_state.console, force=force)


@tariff_app.command("coverage")
def coverage(
    ctx: typer.Context,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Which markets' tariff schedules ship besides the US one, and what they cover.

    Example: tradepivot tariff coverage
    """
    from tradepivot.services.duties import tariff_coverage

    emit(tariff_coverage(), fmt.value, output, state(ctx).console, force=force)


@tariff_app.command("simulate")
def simulate(
    ctx: typer.Context,
    scenario: Annotated[
        Path, typer.Argument(help="Scenario file (YAML; see examples/scenarios/).")
    ],
    exporter: Annotated[
        str | None,
        typer.Option("--exporter", "-e", help="Focus on this exporter's loss (e.g. IND)."),
    ] = None,
    sector: SectorOpt = None,
    hs: HsOpt = None,
    elasticities: Annotated[
        Path | None,
        typer.Option(
            "--elasticities",
            help="CSV of hs,import_demand,substitution overriding the defaults by HS prefix.",
            show_default=False,
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", "-n", min=1, max=MAX_TOP, help="Products to list.")
    ] = 25,
    dataset: DatasetOpt = None,
    year: YearOpt = None,
    currency: CurrencyOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """SMART-style simulation: trade creation, diversion, the exporter's loss, competitors' gains.

    Example: tradepivot tariff simulate examples/scenarios/us-india-50.yaml --exporter IND --sector leather
    """
    from tradepivot.services.simulation import load_elasticities, simulate_scenario
    from tradepivot.services.tariffs import load_scenario

    app_state = state(ctx)
    report = simulate_scenario(
        app_state.warehouse,
        load_scenario(scenario, app_state.warehouse.reference),
        exporter=exporter,
        sector=sector,
        hs=hs,
        elasticities=load_elasticities(elasticities) if elasticities else (),
        top=top,
        currency=currency.value if currency else app_state.settings.currency,
        dataset=dataset,
        years_span=year_span(year),
    )
    emit(report, fmt.value, output, app_state.console, force=force)


@app.command("exposure", rich_help_panel="Tariffs")
def exposure(
    ctx: typer.Context,
    portfolio: Annotated[
        Path | None,
        typer.Option(
            "--portfolio",
            "-p",
            help="Firm or cluster portfolio (CSV or YAML; see examples/portfolios/).",
            show_default=False,
        ),
    ] = None,
    exporter: Annotated[
        str | None,
        typer.Option("--exporter", "-e", help="Or a country-sector: the exporting country."),
    ] = None,
    sector: SectorOpt = None,
    hs: HsOpt = None,
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="Tariff scenario (YAML) for the value at risk."),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", "-n", min=1, max=MAX_TOP, help="Markets to list.")
    ] = 20,
    dataset: DatasetOpt = None,
    year: YearOpt = None,
    currency: CurrencyOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Where a sector, firm or cluster sells, and what a tariff scenario puts at risk.

    Example: tradepivot exposure --portfolio examples/kanpur-leather.yaml --scenario examples/scenarios/us-india-50.yaml
    """
    from tradepivot.services.exposure import exposure_report
    from tradepivot.services.tariffs import load_scenario
    from tradepivot.tariffs.portfolio import load_portfolio

    app_state = state(ctx)
    ref = app_state.warehouse.reference
    report = exposure_report(
        app_state.warehouse,
        portfolio=load_portfolio(portfolio, ref) if portfolio else None,
        exporter=exporter,
        sector=sector,
        hs=hs,
        scenario=load_scenario(scenario, ref) if scenario else None,
        top=top,
        currency=currency.value if currency else None,
        dataset=dataset,
        years_span=year_span(year),
    )
    emit(report, fmt.value, output, app_state.console, force=force)

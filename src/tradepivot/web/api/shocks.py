"""``/tariffs/simulate``, ``/exposure`` and the pivot brief with a scenario: uploads in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from tradepivot.data.flows import choose_years
from tradepivot.services.exposure import exposure_report
from tradepivot.services.pivot import pivot_brief
from tradepivot.services.simulation import simulate_scenario
from tradepivot.web.api.params import (
    CurrencyParam,
    DatasetParam,
    HsParam,
    SectorParam,
    YearParam,
    YearsParam,
    country_path,
    country_query,
    currency_code,
    split,
)
from tradepivot.web.responses import FormatParam, TableParam, json_response, respond
from tradepivot.web.state import State
from tradepivot.web.uploads import elasticities_upload, portfolio_upload, scenario_upload

__all__ = ["exposure", "exposure_upload", "pivot_upload", "router", "simulate"]

router = APIRouter(tags=["tariffs"])

ScenarioFile = Annotated[
    UploadFile,
    File(
        description="Tariff scenario, YAML or JSON (see examples/scenarios/ and docs/tariffs.md)."
    ),
]
OptionalScenario = Annotated[
    UploadFile | None, File(description="Tariff scenario (YAML or JSON) for the value at risk.")
]
OptionalPortfolio = Annotated[
    UploadFile | None,
    File(
        description="Firm or cluster portfolio: .csv holdings, or .yaml/.json (examples/portfolios/)."
    ),
]
Top = Annotated[int, Query(ge=1, le=10_000, description="Rows to list.")]


@router.post("/tariffs/simulate", summary="Simulate a tariff scenario (SMART)")
def simulate(
    request: Request,
    state: State,
    scenario: ScenarioFile,
    elasticities: Annotated[
        UploadFile | None,
        File(description="CSV of hs,import_demand,substitution overriding the defaults."),
    ] = None,
    exporter: Annotated[str | None, country_query("Focus on this exporter's loss.", "IND")] = None,
    sector: SectorParam = None,
    hs: HsParam = None,
    top: Top = 25,
    dataset: DatasetParam = None,
    year: YearParam = None,
    currency: CurrencyParam = None,
    fmt: FormatParam = None,
    table: TableParam = None,
) -> Response:
    """Trade creation and diversion, the exporter's loss with its sensitivity range and the
    competitors' gains (`tradepivot tariff simulate`). The scenario is validated exactly as the
    CLI validates a file: a bad one is a 422 naming its line and field."""
    ref = state.warehouse.reference
    report = state.run(
        simulate_scenario,
        scenario_upload(scenario, ref),
        exporter=exporter,
        sector=sector,
        hs=split(hs),
        elasticities=tuple(elasticities_upload(elasticities)) if elasticities else (),
        top=top,
        currency=currency_code(currency) or state.settings.currency,
        dataset=dataset,
        years_span=choose_years(year),
    )
    return respond(request, report, fmt, table)


@router.get("/exposure", summary="Where a country's sector sells")
def exposure(
    request: Request,
    state: State,
    exporter: Annotated[str, country_query("The exporting country.", "IND")],
    sector: SectorParam = None,
    hs: HsParam = None,
    top: Top = 20,
    dataset: DatasetParam = None,
    year: YearParam = None,
    currency: CurrencyParam = None,
    fmt: FormatParam = None,
    table: TableParam = None,
) -> Response:
    """A country-sector's exports by market (`tradepivot exposure --exporter`); POST a
    portfolio and a scenario for a firm or cluster and its value at risk."""
    report = state.run(
        exposure_report,
        exporter=exporter,
        sector=sector,
        hs=split(hs),
        top=top,
        currency=currency_code(currency),
        dataset=dataset,
        years_span=choose_years(year),
    )
    return respond(request, report, fmt, table)


@router.post("/exposure", summary="Exposure of a sector, firm or cluster under a scenario")
def exposure_upload(
    request: Request,
    state: State,
    portfolio: OptionalPortfolio = None,
    scenario: OptionalScenario = None,
    exporter: Annotated[
        str | None, country_query("Without a portfolio: the exporting country.", "IND")
    ] = None,
    sector: SectorParam = None,
    hs: HsParam = None,
    top: Top = 20,
    dataset: DatasetParam = None,
    year: YearParam = None,
    currency: CurrencyParam = None,
    fmt: FormatParam = None,
    table: TableParam = None,
) -> Response:
    """Where a sector, firm or cluster sells and what the scenario puts at risk, by market
    and product (`tradepivot exposure --portfolio --scenario`)."""
    ref = state.warehouse.reference
    report = state.run(
        exposure_report,
        portfolio=portfolio_upload(portfolio, ref) if portfolio else None,
        exporter=exporter,
        sector=sector,
        hs=split(hs),
        scenario=scenario_upload(scenario, ref) if scenario else None,
        top=top,
        currency=currency_code(currency),
        dataset=dataset,
        years_span=choose_years(year),
    )
    return respond(request, report, fmt, table)


@router.post("/pivot/{exporter}", summary="The pivot brief with the redirect chain")
def pivot_upload(
    state: State,
    exporter: Annotated[str, country_path("The exporting country.", "IND")],
    scenario: OptionalScenario = None,
    portfolio: OptionalPortfolio = None,
    sector: SectorParam = None,
    hs: HsParam = None,
    away_from: Annotated[str, country_query("The market being left.", "USA")] = "USA",
    top: Annotated[int, Query(ge=1, le=200, description="Alternative markets to list.")] = 15,
    dataset: DatasetParam = None,
    year: YearParam = None,
    years: YearsParam = None,
    currency: CurrencyParam = None,
) -> Response:
    """The brief with a scenario (and a portfolio): the simulated loss and the markets that
    could absorb it (`tradepivot pivot --scenario --portfolio --format json`)."""
    ref = state.warehouse.reference
    brief = state.run(
        pivot_brief,
        exporter,
        away_from=away_from,
        sector=sector,
        hs=split(hs),
        top=top,
        currency=currency_code(currency) or state.settings.currency,
        scenario=scenario_upload(scenario, ref) if scenario else None,
        portfolio=portfolio_upload(portfolio, ref) if portfolio else None,
        dataset=dataset,
        years_span=choose_years(year, years),
    )
    return json_response(brief.to_dict())

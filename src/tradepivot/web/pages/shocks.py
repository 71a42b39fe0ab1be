"""Tariff shocks as pages: the scenario form (typed or uploaded), exposure, the redirect chain."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from tradepivot.i18n import translator
from tradepivot.services.exposure import exposure_report
from tradepivot.services.pivot import pivot_brief
from tradepivot.services.simulation import simulate_scenario
from tradepivot.web.api.params import Currency, split
from tradepivot.web.language import page_language
from tradepivot.web.state import State
from tradepivot.web.uploads import portfolio_upload, scenario_text, scenario_upload
from tradepivot.web.views import bar_chart, report_view, stacked_chart

__all__ = ["exposure", "exposure_post", "redirect_chain", "router", "simulate", "simulate_form"]

router = APIRouter()

Text = Annotated[str, Form(max_length=120)]
# examples/scenarios/us-india-50.yaml without its comments: a start to edit.
EXAMPLE = """\
name: US duties on India at 50% (from 2025-08-27)
market: USA
date: 2025-09-01
measures:
  - id: reciprocal-india
    exporters: [IND]
    add: 25
    start: 2025-08-07
    end: 2026-02-23
    reference: HTSUS 9903.02.26
  - id: eo-14329-india
    exporters: [IND]
    add: 25
    start: 2025-08-27
    end: 2026-02-06
    reference: HTSUS 9903.01.84
"""


def _money(value: str) -> str | None:
    return None if value in ("", "USD") else value


@router.get("/tariffs/simulate")
def simulate_form(request: Request, state: State) -> Response:
    """The scenario form, with an example to edit."""
    form = {
        "scenario": EXAMPLE,
        "exporter": "IND",
        "sector": "leather",
        "hs": "",
        "currency": "USD",
    }
    return state.pages.render(
        request, "simulate.html", {"form": form, "view": None}, active="tariffs"
    )


@router.post("/tariffs/simulate")
def simulate(
    request: Request,
    state: State,
    scenario: Annotated[str, Form(max_length=100_000)] = "",
    scenario_file: Annotated[UploadFile | None, File()] = None,
    exporter: Text = "",
    sector: Text = "",
    hs: Text = "",
    currency: Text = "USD",
) -> Response:
    """A scenario's SMART simulation: the loss with its range, creation and diversion."""
    ref = state.warehouse.reference
    if scenario_file is not None and scenario_file.filename:
        parsed = scenario_upload(scenario_file, ref)
    else:
        parsed = scenario_text(scenario, ref)
    t = translator(page_language(request))
    report = state.run(
        simulate_scenario,
        parsed,
        exporter=exporter or None,
        sector=sector or None,
        hs=split([hs]) if hs else None,
        top=25,
        currency=_money(currency),
    )
    charts = [
        stacked_chart(
            report.rows,
            t.gettext("Change by product: creation and diversion"),
            "hs6",
            [
                ("creation_usd", t.gettext("Trade creation")),
                ("diversion_usd", t.gettext("Trade diversion")),
            ],
            report.currency,
            t,
        ),
        bar_chart(
            report.tables["competitors"],
            t.gettext("Competitors' gains"),
            "name",
            "change_usd",
            report.currency,
            t,
        ),
    ]
    view = report_view(
        report,
        t,
        api_path="/api/v1/tariffs/simulate",
        api_params={},
        tables=[
            ("sectors", t.gettext("By sector")),
            ("competitors", t.gettext("Competitors")),
            ("measures", t.gettext("Measures")),
        ],
        charts=charts,
    )
    view.downloads.clear()  # the API takes the scenario as an upload: no link reproduces it
    form = {
        "scenario": scenario or EXAMPLE,
        "exporter": exporter,
        "sector": sector,
        "hs": hs,
        "currency": currency,
    }
    return state.pages.render(
        request, "simulate.html", {"form": form, "view": view}, active="tariffs"
    )


@router.get("/exposure")
def exposure(
    request: Request,
    state: State,
    exporter: Annotated[str, Query(max_length=80)] = "",
    sector: Annotated[str, Query(max_length=80)] = "",
    hs: Annotated[str, Query(max_length=200)] = "",
    currency: Currency = Currency.USD,
) -> Response:
    """Where a country's sector sells (a link to share); a portfolio and a scenario by POST."""
    form = {"exporter": exporter, "sector": sector, "hs": hs, "currency": currency.value}
    if not exporter.strip():
        return state.pages.render(
            request, "exposure.html", {"form": form, "view": None}, active="exposure"
        )
    report = state.run(
        exposure_report,
        exporter=exporter,
        sector=sector or None,
        hs=split([hs]) if hs else None,
        currency=_money(currency.value),
    )
    return _exposure_page(request, state, report, form, api_params=form)


@router.post("/exposure")
def exposure_post(
    request: Request,
    state: State,
    portfolio: Annotated[UploadFile | None, File()] = None,
    scenario_file: Annotated[UploadFile | None, File()] = None,
    exporter: Text = "",
    sector: Text = "",
    currency: Text = "USD",
) -> Response:
    """A firm's or cluster's portfolio, and what a scenario puts at risk."""
    ref = state.warehouse.reference
    has_portfolio = portfolio is not None and bool(portfolio.filename)
    has_scenario = scenario_file is not None and bool(scenario_file.filename)
    report = state.run(
        exposure_report,
        portfolio=portfolio_upload(portfolio, ref) if has_portfolio and portfolio else None,
        exporter=None if has_portfolio else (exporter or None),
        sector=sector or None,
        scenario=scenario_upload(scenario_file, ref) if has_scenario and scenario_file else None,
        currency=_money(currency),
    )
    form = {"exporter": exporter, "sector": sector, "hs": "", "currency": currency}
    return _exposure_page(request, state, report, form, api_params=None)


def _exposure_page(
    request: Request,
    state: State,
    report: Any,
    form: dict[str, Any],
    api_params: dict[str, Any] | None,
) -> Response:
    t = translator(page_language(request))
    charts = [
        bar_chart(
            report.rows, t.gettext("Exports by market"), "market", "value_usd", report.currency, t
        )
    ]
    if "products_at_risk" in report.tables:
        charts.append(
            bar_chart(
                report.tables["products_at_risk"],
                t.gettext("Products at risk"),
                "hs6",
                "at_risk_central_usd",
                report.currency,
                t,
            )
        )
    view = report_view(
        report,
        t,
        api_path="/api/v1/exposure",
        api_params=api_params or {},
        tables=[("products_at_risk", t.gettext("Products at risk"))],
        charts=charts,
    )
    if api_params is None:
        view.downloads.clear()  # uploads: the API takes them by POST
    return state.pages.render(
        request, "exposure.html", {"form": form, "view": view}, active="exposure"
    )


@router.post("/brief")
def redirect_chain(
    request: Request,
    state: State,
    scenario_file: Annotated[UploadFile, File()],
    portfolio: Annotated[UploadFile | None, File()] = None,
    exporter: Text = "IND",
    sector: Text = "",
    hs: Text = "",
    away_from: Text = "USA",
    currency: Text = "USD",
) -> Response:
    """The brief with a scenario: the simulated loss and the markets that could absorb it."""
    from tradepivot.web.pages.briefs import brief_page

    ref = state.warehouse.reference
    result = state.run(
        pivot_brief,
        exporter,
        away_from=away_from or "USA",
        sector=sector or None,
        hs=split([hs]) if hs else None,
        top=15,
        currency=_money(currency),
        scenario=scenario_upload(scenario_file, ref),
        portfolio=portfolio_upload(portfolio, ref)
        if portfolio is not None and portfolio.filename
        else None,
    )
    form = {
        "exporter": exporter,
        "sector": sector,
        "hs": hs,
        "away_from": away_from,
        "top": 15,
        "currency": currency,
    }
    return brief_page(request, state, result, form, shareable=False)

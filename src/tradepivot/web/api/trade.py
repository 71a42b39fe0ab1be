"""``/flows`` and ``/market``: what one country sells another, and a market's imports."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from tradepivot.data.flows import choose_years
from tradepivot.services.trade import bilateral_flows, market_overview
from tradepivot.web.api.params import (
    CurrencyParam,
    DatasetParam,
    HsParam,
    LevelParam,
    SectorParam,
    TopParam,
    YearParam,
    country_path,
    country_query,
    currency_code,
    split,
)
from tradepivot.web.responses import FormatParam, TableParam, respond
from tradepivot.web.state import State

__all__ = ["MarketView", "flows", "market", "router"]

router = APIRouter(tags=["trade"])


class MarketView(StrEnum):
    product = "product"
    supplier = "supplier"


@router.get("/flows", summary="Bilateral flows by product")
def flows(
    request: Request,
    state: State,
    exporter: Annotated[str, country_query("The exporting country.", "IND")],
    importer: Annotated[str, country_query("The importing country (the market).", "RUS")],
    hs: HsParam = None,
    sector: SectorParam = None,
    level: LevelParam = 6,
    top: TopParam = None,
    dataset: DatasetParam = None,
    year: YearParam = None,
    currency: CurrencyParam = None,
    fmt: FormatParam = None,
    table: TableParam = None,
) -> Response:
    """What EXPORTER sells to IMPORTER by product, with each product's market size, the
    exporter's share and rank there (`tradepivot flows`)."""
    report = state.run(
        bilateral_flows,
        exporter,
        importer,
        hs=split(hs),
        sector=sector,
        level=level,
        top=top,
        dataset=dataset,
        years_span=choose_years(year),
        currency=currency_code(currency) or state.settings.currency,
    )
    return respond(request, report, fmt, table)


@router.get("/market/{country}", summary="A market's imports by product and supplier")
def market(
    request: Request,
    state: State,
    country: Annotated[str, country_path("The importing market.", "RUS")],
    hs: HsParam = None,
    sector: SectorParam = None,
    focus: Annotated[
        str,
        Query(
            description="Exporter whose share and rank to show ('none' to hide).",
            max_length=80,
            examples=["IND"],
        ),
    ] = "IND",
    by: Annotated[MarketView, Query(description="Which table is `rows`.")] = MarketView.product,
    level: LevelParam = 6,
    top: Annotated[int | None, Query(ge=1, le=10_000, description="Only the N largest rows.")] = 20,
    dataset: DatasetParam = None,
    year: YearParam = None,
    currency: CurrencyParam = None,
    fmt: FormatParam = None,
    table: TableParam = None,
) -> Response:
    """The market's imports in a product scope, by product and by supplier, with the focus
    exporter's value, share and rank (`tradepivot market`)."""
    report = state.run(
        market_overview,
        country,
        hs=split(hs),
        sector=sector,
        focus=None if focus.lower() == "none" else focus,
        level=level,
        top=top,
        by=by.value,
        dataset=dataset,
        years_span=choose_years(year),
        currency=currency_code(currency) or state.settings.currency,
    )
    return respond(request, report, fmt, table)

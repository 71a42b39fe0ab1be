"""``/rank``, ``/potential``, ``/products``, ``/balance``, ``/pivot``: where to sell more, and why."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from tradepivot.data.flows import choose_years
from tradepivot.errors import InputError
from tradepivot.services.balance import bilateral_balance
from tradepivot.services.opportunity import potential_rows, rank_markets
from tradepivot.services.pivot import pivot_brief
from tradepivot.services.products import products as exporter_products
from tradepivot.web.api.params import (
    CurrencyParam,
    DatasetParam,
    ExcludeParam,
    HsParam,
    SectorParam,
    YearParam,
    YearsParam,
    country_path,
    country_query,
    currency_code,
    split,
)
from tradepivot.web.responses import FormatParam, TableParam, json_response, link_target, respond
from tradepivot.web.state import State

__all__ = ["RankView", "balance", "pivot", "potential", "products", "rank", "router"]

router = APIRouter(tags=["opportunities"])

PAGE_LIMIT = 1_000


class RankView(StrEnum):
    market = "market"
    product = "product"


def _top(default: int, what: str) -> Any:
    return Query(ge=1, le=10_000, description=f"Only the first N {what} (totals cover all).")


@router.get("/rank/{exporter}", summary="Markets ranked by untapped export potential")
def rank(
    request: Request,
    state: State,
    exporter: Annotated[str, country_path("The exporting country.", "IND")],
    hs: HsParam = None,
    sector: SectorParam = None,
    exclude: ExcludeParam = None,
    by: Annotated[
        RankView, Query(description="market: a row per market; product: the products behind them.")
    ] = RankView.market,
    top: Annotated[int | None, _top(20, "markets")] = 20,
    dataset: DatasetParam = None,
    year: YearParam = None,
    years: YearsParam = None,
    currency: CurrencyParam = None,
    fmt: FormatParam = None,
    table: TableParam = None,
) -> Response:
    """Markets ranked by the exporter's untapped potential in a product set (ITC's method),
    with the factors behind each: demand, ease, supply, distance, tariffs (`tradepivot rank`)."""
    report = state.run(
        rank_markets,
        exporter,
        hs=split(hs),
        sector=sector,
        exclude=split(exclude),
        top=top,
        by=by.value,
        dataset=dataset,
        years_span=choose_years(year, years),
        currency=currency_code(currency) or state.settings.currency,
    )
    return respond(request, report, fmt, table)


@router.get("/potential", summary="Export potential row by row (paged)")
def potential(
    request: Request,
    state: State,
    exporter: Annotated[
        str | None, country_query("The exporter (at least one of exporter, market).", "IND")
    ] = None,
    market: Annotated[
        str | None, country_query("The market (at least one of exporter, market).", "RUS")
    ] = None,
    hs: HsParam = None,
    sector: SectorParam = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_LIMIT, description="Rows in this page.")] = 100,
    offset: Annotated[
        int, Query(ge=0, le=10_000_000, description="Rows to skip (largest untapped first).")
    ] = 0,
    dataset: DatasetParam = None,
    year: YearParam = None,
    years: YearsParam = None,
    currency: CurrencyParam = None,
    fmt: FormatParam = None,
) -> Response:
    """Exporter x market x product rows with every factor of the potential, largest untapped
    first, a page at a time; `Link: rel="next"` points at the next page
    (`tradepivot potential`)."""
    if exporter is None and market is None:
        raise InputError(
            "Give an exporter or a market (or both): the whole world is tens of millions of rows.",
            hint="For the whole world use the CLI: tradepivot potential --format parquet "
            "--output FILE.",
            param="exporter",
        )
    report = state.run(
        potential_rows,
        exporter=exporter,
        market=market,
        hs=split(hs),
        sector=sector,
        top=limit,
        offset=offset,
        dataset=dataset,
        years_span=choose_years(year, years),
        currency=currency_code(currency) or state.settings.currency,
    )
    response = respond(request, report, fmt)
    if report.rows.num_rows == limit:
        following = request.url.include_query_params(offset=offset + limit)
        response.headers["link"] = f'<{link_target(following.path, following.query)}>; rel="next"'
    return response


@router.get("/products/{exporter}", summary="Comparative advantage and nearby products")
def products(
    request: Request,
    state: State,
    exporter: Annotated[str, country_path("The exporting country.", "IND")],
    hs: HsParam = None,
    sector: SectorParam = None,
    top: Annotated[int | None, _top(20, "products")] = 20,
    year: Annotated[
        int | None,
        Query(ge=1988, le=2100, description="Year of a multi-year dataset (default: its latest)."),
    ] = None,
    dataset: DatasetParam = None,
    currency: CurrencyParam = None,
    fmt: FormatParam = None,
    table: TableParam = None,
) -> Response:
    """Products where the exporter has RCA >= 1, and nearby ones it could diversify into,
    with density, distance and complexity (`tradepivot products`)."""
    report = state.run(
        exporter_products,
        exporter,
        sector=sector,
        hs=split(hs),
        top=top,
        dataset=dataset,
        year=year,
        currency=currency_code(currency) or state.settings.currency,
    )
    return respond(request, report, fmt, table)


@router.get("/balance/{country}/{partner}", summary="Bilateral balance and rebalancing list")
def balance(
    request: Request,
    state: State,
    country: Annotated[str, country_path("The country whose balance to show.", "IND")],
    partner: Annotated[str, country_path("The trading partner.", "RUS")],
    hs: HsParam = None,
    sector: SectorParam = None,
    top: Annotated[int | None, _top(25, "products to rebalance with")] = 25,
    dataset: DatasetParam = None,
    year: YearParam = None,
    currency: CurrencyParam = None,
    fmt: FormatParam = None,
    table: TableParam = None,
) -> Response:
    """Exports, imports and balance by sector and HS chapter, and the products where COUNTRY
    could sell PARTNER far more (`tradepivot balance`)."""
    report = state.run(
        bilateral_balance,
        country,
        partner,
        hs=split(hs),
        sector=sector,
        top=top,
        dataset=dataset,
        years_span=choose_years(year),
        currency=currency_code(currency) or state.settings.currency,
    )
    return respond(request, report, fmt, table)


@router.get("/pivot/{exporter}", summary="The pivot brief as JSON")
def pivot(
    state: State,
    exporter: Annotated[str, country_path("The exporting country.", "IND")],
    sector: SectorParam = None,
    hs: HsParam = None,
    away_from: Annotated[str, country_query("The market being left.", "USA")] = "USA",
    top: Annotated[int, Query(ge=1, le=200, description="Alternative markets to list.")] = 15,
    dataset: DatasetParam = None,
    year: YearParam = None,
    years: YearsParam = None,
    currency: CurrencyParam = None,
) -> Response:
    """The delegation brief: exposure to the market being left, alternatives ranked by
    untapped potential, products, competitors (`tradepivot pivot --format json`)."""
    brief = state.run(
        pivot_brief,
        exporter,
        away_from=away_from,
        sector=sector,
        hs=split(hs),
        top=top,
        currency=currency_code(currency) or state.settings.currency,
        dataset=dataset,
        years_span=choose_years(year, years),
    )
    return json_response(brief.to_dict())

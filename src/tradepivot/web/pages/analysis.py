"""The analysis pages: a market, where to sell, products, balance, datasets.

Each page reads its whole question from the URL (so a link reproduces it), calls the service
the API route calls, and renders the result with charts, tables, downloads and sources.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.requests import Request
from starlette.responses import Response

from tradepivot.i18n import translator
from tradepivot.services.balance import bilateral_balance
from tradepivot.services.datasets import datasets_report
from tradepivot.services.opportunity import rank_markets
from tradepivot.services.products import products as exporter_products
from tradepivot.services.trade import market_overview
from tradepivot.web.api.params import Currency, split
from tradepivot.web.language import page_language
from tradepivot.web.state import State
from tradepivot.web.views import api_link, bar_chart, report_view, table_view, world_map

__all__ = ["balance", "datasets", "market", "market_form", "products", "router", "where_to_sell"]

router = APIRouter()

Text = Annotated[str, Query(max_length=120)]
Codes = Annotated[str, Query(max_length=200)]
Money = Annotated[Currency, Query()]
Top = Annotated[int, Query(ge=1, le=200)]


def _hs(value: str) -> list[str] | None:
    return split([value]) if value else None


def _currency(value: Currency) -> str | None:
    return None if value is Currency.USD else value.value


def _render(request: Request, state: State, template: str, active: str, **context: Any) -> Response:
    return state.pages.render(request, template, context, active=active)


@router.get("/market")
def market_form(
    request: Request,
    state: State,
    country: Text = "",
    hs: Codes = "",
    sector: Text = "",
    focus: Text = "IND",
    top: Top = 20,
    currency: Money = Currency.USD,
) -> Response:
    """The market page's form; with a country, the same page as ``/market/{country}``."""
    if country.strip():
        return market(request, state, country, hs, sector, focus, top, currency)
    form = {
        "country": "",
        "hs": hs,
        "sector": sector,
        "focus": focus,
        "top": top,
        "currency": currency.value,
    }
    return _render(request, state, "market.html", "market", view=None, form=form)


@router.get("/market/{country}")
def market(
    request: Request,
    state: State,
    country: Annotated[str, Path(max_length=80)],
    hs: Codes = "",
    sector: Text = "",
    focus: Text = "IND",
    top: Top = 20,
    currency: Money = Currency.USD,
) -> Response:
    """A market's imports by product and supplier, with the focus exporter's share and rank."""
    t = translator(page_language(request))
    report = state.run(
        market_overview,
        country,
        hs=_hs(hs),
        sector=sector or None,
        focus=focus or None,
        top=top,
        currency=_currency(currency),
    )
    focus_code = report.query.get("focus")
    charts = [
        bar_chart(
            report.rows,
            t.gettext("Imports by product"),
            "code",
            "imports_usd",
            report.currency,
            t,
            limit=15,
        ),
        bar_chart(
            report.tables["suppliers"],
            t.gettext("Suppliers by value"),
            "name",
            "value_usd",
            report.currency,
            t,
            highlight=state.warehouse.reference.name(focus_code) if focus_code else None,
            limit=15,
        ),
    ]
    params = {"hs": hs, "sector": sector, "focus": focus, "top": top, "currency": currency.value}
    view = report_view(
        report,
        t,
        api_path=f"/api/v1/market/{report.query['market']}",
        api_params=params,
        tables=[("suppliers", t.gettext("Suppliers"))],
        charts=charts,
        focus=focus_code,
    )
    form = {"country": report.query["market"], **params}
    return _render(request, state, "market.html", "market", view=view, form=form)


@router.get("/where-to-sell")
def where_to_sell(
    request: Request,
    state: State,
    exporter: Text = "",
    hs: Codes = "",
    sector: Text = "",
    exclude: Codes = "",
    top: Top = 20,
    currency: Money = Currency.USD,
) -> Response:
    """Markets ranked by untapped potential, the factors, a world map, markets not assessed."""
    form = {
        "exporter": exporter,
        "hs": hs,
        "sector": sector,
        "exclude": exclude,
        "top": top,
        "currency": currency.value,
    }
    if not exporter.strip() or not (hs.strip() or sector.strip()):
        return _render(
            request, state, "where_to_sell.html", "rank", view=None, form=form, not_assessed=None
        )
    t = translator(page_language(request))
    report = state.run(
        rank_markets,
        exporter,
        hs=_hs(hs),
        sector=sector or None,
        exclude=split([exclude]) if exclude else None,
        top=top,
        currency=_currency(currency),
    )
    ref = state.warehouse.reference
    charts = [
        world_map(
            report.rows,
            t.gettext("Untapped potential by market"),
            "untapped_usd",
            ref,
            report.currency,
            t,
            state.assets.url("vendor/world-110m.json"),
        ),
        bar_chart(
            report.rows,
            t.gettext("Markets by untapped potential"),
            "market",
            "untapped_usd",
            report.currency,
            t,
        ),
    ]
    api_params = {k: v for k, v in form.items() if k != "exporter"}
    language = page_language(request)

    def market_link(row: dict[str, Any]) -> str | None:
        """Each market's own page, for the same products."""
        query = {"hs": hs, "sector": sector, "focus": report.query["exporter"], "lang": language}
        return api_link(f"/market/{row['importer']}", query) if row.get("importer") else None

    view = report_view(
        report,
        t,
        api_path=f"/api/v1/rank/{report.query['exporter']}",
        api_params=api_params,
        charts=charts,
        focus=report.query["exporter"],
        links={"market": market_link},
    )
    not_assessed = None
    if "not_assessed" in report.tables:
        not_assessed = table_view(
            report.tables["not_assessed"],
            "not_assessed",
            t.gettext("Markets not assessed"),
            report.currency,
            t,
        )
    return _render(
        request,
        state,
        "where_to_sell.html",
        "rank",
        view=view,
        form=form,
        not_assessed=not_assessed,
    )


@router.get("/products")
def products(
    request: Request,
    state: State,
    exporter: Text = "",
    hs: Codes = "",
    sector: Text = "",
    top: Top = 20,
    currency: Money = Currency.USD,
) -> Response:
    """Products with comparative advantage, and nearby products to diversify into."""
    form = {
        "exporter": exporter,
        "hs": hs,
        "sector": sector,
        "top": top,
        "currency": currency.value,
    }
    if not exporter.strip():
        return _render(request, state, "products.html", "products", view=None, form=form)
    t = translator(page_language(request))
    report = state.run(
        exporter_products,
        exporter,
        hs=_hs(hs),
        sector=sector or None,
        top=top,
        currency=_currency(currency),
    )
    charts = [
        bar_chart(
            report.rows,
            t.gettext("Products with RCA ≥ 1, by exports"),
            "code",
            "value_usd",
            report.currency,
            t,
        ),
        bar_chart(
            report.tables["nearby"],
            t.gettext("Nearby products, by density"),
            "code",
            "density",
            report.currency,
            t,
        ),
    ]
    api_params = {k: v for k, v in form.items() if k != "exporter"}
    view = report_view(
        report,
        t,
        api_path=f"/api/v1/products/{report.query['exporter']}",
        api_params=api_params,
        tables=[("nearby", t.gettext("Nearby products"))],
        charts=charts,
    )
    return _render(request, state, "products.html", "products", view=view, form=form)


@router.get("/balance")
def balance(
    request: Request,
    state: State,
    country: Text = "IND",
    partner: Text = "",
    hs: Codes = "",
    sector: Text = "",
    top: Top = 25,
    currency: Money = Currency.USD,
) -> Response:
    """Bilateral balance by sector and chapter, and the rebalancing list."""
    form = {
        "country": country,
        "partner": partner,
        "hs": hs,
        "sector": sector,
        "top": top,
        "currency": currency.value,
    }
    if not country.strip() or not partner.strip():
        return _render(request, state, "balance.html", "balance", view=None, form=form)
    t = translator(page_language(request))
    report = state.run(
        bilateral_balance,
        country,
        partner,
        hs=_hs(hs),
        sector=sector or None,
        top=top,
        currency=_currency(currency),
    )
    charts = [
        bar_chart(
            report.tables["sectors"],
            t.gettext("Balance by sector"),
            "sector",
            "balance_usd",
            report.currency,
            t,
        ),
        bar_chart(
            report.rows,
            t.gettext("Products to rebalance with, by untapped potential"),
            "code",
            "untapped_usd",
            report.currency,
            t,
        ),
    ]
    api_params = {k: v for k, v in form.items() if k not in ("country", "partner")}
    view = report_view(
        report,
        t,
        api_path=f"/api/v1/balance/{report.query['country']}/{report.query['partner']}",
        api_params=api_params,
        tables=[("sectors", t.gettext("By sector")), ("chapters", t.gettext("By HS chapter"))],
        charts=charts,
    )
    return _render(request, state, "balance.html", "balance", view=view, form=form)


@router.get("/datasets")
def datasets(request: Request, state: State) -> Response:
    """Datasets, editions, checksums and every known gap."""
    t = translator(page_language(request))
    report = state.run(datasets_report)
    view = report_view(
        report,
        t,
        api_path="/api/v1/datasets",
        api_params={},
        tables=[("gaps", t.gettext("Known gaps"))],
    )
    return _render(request, state, "datasets.html", "datasets", view=view)

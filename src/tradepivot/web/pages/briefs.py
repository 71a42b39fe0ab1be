"""The pivot brief as a page, and the tariff pages (dated stack and timeline)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from tradepivot.i18n import translator
from tradepivot.reports.brief_html import brief_sections, render_html
from tradepivot.services.briefing import Brief
from tradepivot.services.pivot import pivot_brief
from tradepivot.services.tariffs import tariff_stack, tariff_timeline
from tradepivot.web.api.params import Currency, split
from tradepivot.web.language import page_language
from tradepivot.web.state import State
from tradepivot.web.views import api_link, currency_line, report_view, timeline_chart

__all__ = ["brief", "brief_page", "router", "tariffs"]

router = APIRouter()

Text = Annotated[str, Query(max_length=120)]


@router.get("/brief")
def brief(
    request: Request,
    state: State,
    exporter: Text = "",
    sector: Text = "",
    hs: Text = "",
    away_from: Text = "USA",
    top: Annotated[int, Query(ge=1, le=100)] = 15,
    currency: Currency = Currency.USD,
    download: bool = False,
) -> Response:
    """The delegation brief, printable; ``download=1`` gives the self-contained HTML file."""
    form = {
        "exporter": exporter,
        "sector": sector,
        "hs": hs,
        "away_from": away_from,
        "top": top,
        "currency": currency.value,
    }
    if not exporter.strip() or not (sector.strip() or hs.strip()):
        return state.pages.render(
            request, "brief.html", {"brief": None, "form": form}, active="brief"
        )
    result = state.run(
        pivot_brief,
        exporter,
        away_from=away_from or "USA",
        sector=sector or None,
        hs=split([hs]) if hs else None,
        top=top,
        currency=None if currency is Currency.USD else currency.value,
    )
    if download:
        name = f"tradepivot-brief-{result.query.get('exporter', 'x')}.html"
        return Response(
            render_html(result).encode("utf-8"),
            media_type="text/html; charset=utf-8",
            headers={
                "content-disposition": f'attachment; filename="{name}"',
                # Opened from the server, the file stays inert; saved, it opens offline.
                "content-security-policy": "sandbox; default-src 'none'",
            },
        )
    return brief_page(request, state, result, form)


def brief_page(
    request: Request,
    state: State,
    result: Brief,
    form: dict[str, Any],
    *,
    shareable: bool = True,
) -> Response:
    """The brief's page; ``shareable`` False for a brief of uploads (no link reproduces it)."""
    t = translator(page_language(request))
    exporter = result.query.get("exporter")
    context: dict[str, Any] = {
        "brief": result,
        "sections": brief_sections(result),
        "form": form,
        "currency_line": currency_line(result.currency, t),
        "download_url": request.url.include_query_params(download=1) if shareable else None,
        "json_url": api_link(
            f"/api/v1/pivot/{exporter}", {k: v for k, v in form.items() if k != "exporter"}
        )
        if shareable
        else None,
    }
    return state.pages.render(request, "brief.html", context, active="brief")


@router.get("/tariffs")
def tariffs(
    request: Request,
    state: State,
    market: Text = "USA",
    exporter: Text = "IND",
    hs: Annotated[str, Query(max_length=20)] = "",
    date: dt.date | None = None,
) -> Response:
    """The dated stack of duties on a product and its timeline over 2025-2026."""
    day = date or dt.date.today()
    form = {"market": market, "exporter": exporter, "hs": hs, "date": day.isoformat()}
    if not hs.strip():
        return state.pages.render(
            request,
            "tariffs.html",
            {"form": form, "stack": None, "timeline": None},
            active="tariffs",
        )
    t = translator(page_language(request))
    stack = state.run_on_reference(tariff_stack, market, exporter, hs, day)
    timeline = state.run_on_reference(tariff_timeline, market, exporter, hs)
    base = f"/api/v1/tariffs/{stack.query['market']}/{stack.query['exporter']}"
    stack_view = report_view(
        stack,
        t,
        api_path=base,
        api_params={"hs": hs, "date": day.isoformat()},
        tables=[("measures", t.gettext("Measures and their legal sources"))],
    )
    timeline_view = report_view(
        timeline,
        t,
        api_path=f"{base}/timeline",
        api_params={"hs": hs},
        charts=[timeline_chart(timeline.rows, t.gettext("Total duty over time"), t)],
    )
    return state.pages.render(
        request,
        "tariffs.html",
        {"form": form, "stack": stack_view, "timeline": timeline_view},
        active="tariffs",
    )

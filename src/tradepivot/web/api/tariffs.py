"""``/tariffs``: the dated stack of duties on a product, and how it changed over time."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from tradepivot.services.tariffs import tariff_stack, tariff_timeline
from tradepivot.web.api.params import country_path
from tradepivot.web.responses import FormatParam, TableParam, respond
from tradepivot.web.state import State

__all__ = ["router", "show", "timeline"]

router = APIRouter(tags=["tariffs"])

TariffHs = Annotated[
    str,
    Query(
        description="HS/HTS prefix: 2 to 10 digits, e.g. 4202 or 42022130.",
        pattern=r"^[0-9][0-9. ]{1,13}$",
        examples=["4202"],
    ),
]


@router.get("/tariffs/{market}/{exporter}", summary="The duties in force on one day")
def show(
    request: Request,
    state: State,
    market: Annotated[str, country_path("The importing market (the US schedule ships).", "USA")],
    exporter: Annotated[str, country_path("The exporting country.", "IND")],
    hs: TariffHs,
    date: Annotated[
        dt.date | None,
        Query(
            description="Day the stack is read for (YYYY-MM-DD; default today).",
            examples=["2025-09-01"],
        ),
    ] = None,
    fmt: FormatParam = None,
    table: TableParam = None,
) -> Response:
    """The stack of duties on a product, layer by layer, each with its legal source
    (`tradepivot tariff show`)."""
    report = state.run_on_reference(tariff_stack, market, exporter, hs, date or dt.date.today())
    return respond(request, report, fmt, table)


@router.get("/tariffs/{market}/{exporter}/timeline", summary="Every change of the duties")
def timeline(
    request: Request,
    state: State,
    market: Annotated[str, country_path("The importing market (the US schedule ships).", "USA")],
    exporter: Annotated[str, country_path("The exporting country.", "IND")],
    hs: TariffHs,
    fmt: FormatParam = None,
    table: TableParam = None,
) -> Response:
    """How the duties on a product changed over 2025-2026, one row per change
    (`tradepivot tariff show --timeline`)."""
    report = state.run_on_reference(tariff_timeline, market, exporter, hs)
    return respond(request, report, fmt, table)

"""Look-ups: countries, HS codes, sectors and the datasets behind every figure."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.requests import Request
from starlette.responses import Response

from tradepivot.services.datasets import datasets_report
from tradepivot.services.lookup import country_lookup, hs_lookup, sector_list
from tradepivot.web.api.params import country_path
from tradepivot.web.responses import FormatParam, TableParam, respond
from tradepivot.web.state import State

__all__ = ["country", "datasets", "hs", "router", "sectors"]

router = APIRouter(tags=["look-ups"])


@router.get("/countries/{query}", summary="Resolve a country name or code")
def country(
    request: Request,
    state: State,
    query: Annotated[str, country_path("Any name or code of a country.", "u arab emts")],
    fmt: FormatParam = None,
) -> Response:
    """The ISO3 code and every other code of a country (`tradepivot country`); 404 with
    close matches for an unknown one."""
    return respond(request, state.run(country_lookup, query), fmt)


@router.get("/hs/{query}", summary="An HS code, or codes matching words")
def hs(
    request: Request,
    state: State,
    query: Annotated[
        str,
        Path(
            description="An HS code (4202, 42.02.21) or words (handbags leather).",
            min_length=1,
            max_length=120,
            examples=["4202"],
        ),
    ],
    edition: Annotated[
        str, Query(pattern=r"^HS(1992|2012|2017|2022)$", description="HS edition.")
    ] = "HS2017",
    limit: Annotated[int, Query(ge=1, le=500, description="Most codes to list.")] = 25,
    fmt: FormatParam = None,
) -> Response:
    """A code with its headings or subheadings, or a search of the descriptions
    (`tradepivot hs`)."""
    return respond(request, state.run(hs_lookup, query, edition=edition, limit=limit), fmt)


@router.get("/sectors", summary="Named HS scopes")
def sectors(request: Request, state: State, fmt: FormatParam = None) -> Response:
    """Every sector (leather, pharma ...) with its HS scope and its source
    (`tradepivot sectors`)."""
    return respond(request, state.run(sector_list), fmt)


@router.get("/datasets", summary="Datasets, editions, checksums and known gaps")
def datasets(
    request: Request, state: State, fmt: FormatParam = None, table: TableParam = None
) -> Response:
    """The datasets the server holds with their source, terms, edition, years, rows and
    checksum; `tables.gaps` lists every known gap (`tradepivot data status`)."""
    return respond(request, state.run(datasets_report), fmt, table)

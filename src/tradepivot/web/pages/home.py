"""The search page and the API docs page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from tradepivot.services.search_box import search_box
from tradepivot.web.api import API_PREFIX
from tradepivot.web.state import State

__all__ = ["api_docs", "home", "router", "search_page", "suggest"]

router = APIRouter()

SearchText = Annotated[str, Query(max_length=120)]


@router.get("/")
def home(request: Request, state: State, q: SearchText = "") -> Response:
    hits = state.run(search_box, q).rows.to_pylist() if q.strip() else None
    return state.pages.render(request, "home.html", {"q": q, "hits": hits}, active="search")


@router.get("/search")
def search_page(request: Request, state: State, q: SearchText = "") -> Response:
    """The search box's results as a page (a link to share, and without JavaScript)."""
    return home(request, state, q)


@router.get("/search/suggest")
def suggest(request: Request, state: State, q: SearchText = "") -> Response:
    """The hits as an HTML fragment, swapped in by htmx as the user types."""
    hits = state.run(search_box, q).rows.to_pylist() if q.strip() else []
    return state.pages.render(request, "search_results.html", {"q": q, "hits": hits})


@router.get("/api/docs")
def api_docs(request: Request, state: State) -> Response:
    """The API reference, drawn by the vendored Swagger UI from the app's OpenAPI schema."""
    return state.pages.render(
        request, "api_docs.html", {"openapi_url": f"{API_PREFIX}/openapi.json"}, active="api"
    )

"""The one error handler: every failure becomes an RFC 9457 problem, never a traceback.

``application/problem+json`` for the API (and any client that does not ask for HTML), an HTML
page with the same content for a browser. The status comes from the error class
(``TradepivotError.http_status``): 422 for bad input, naming the field; 404 for an unknown
country, HS code, sector or dataset, with close matches; 503 when the data cannot answer.
Anything else is a bug: logged with its traceback on the server, a bare 500 for the client.

A problem looks like::

    {"type": "urn:tradepivot:problem:unknown-country", "title": "Unknown country",
     "status": 404, "detail": "Unknown country 'Rusia'. Use an ISO3 code ...",
     "instance": "/api/v1/rank/Rusia", "hint": "Did you mean: RUS?", "suggestions": ["RUS"],
     "errors": [{"field": "exporter", "in": "path", "message": "..."}]}
"""

from __future__ import annotations

import http
import logging
import re
from typing import TYPE_CHECKING, Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from tradepivot.errors import SourceFileError, TradepivotError
from tradepivot.web.state import WebState

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["PROBLEM_TYPE", "Problem", "handle", "install_error_handler", "problem_from"]

log = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"
PREFIX = "urn:tradepivot:problem:"
#: The locations a field can be in, as FastAPI names them.
LOCATIONS = frozenset({"query", "path", "body", "header", "cookie"})

Problem = dict[str, Any]


def _slug(name: str) -> str:
    """``UnknownCountryError`` -> ``unknown-country``."""
    words = re.findall(r"[A-Z][a-z0-9]*", name.removesuffix("Error")) or [name]
    return "-".join(w.lower() for w in words)


# Titles where the class name does not read as one.
TITLES = {
    "TradepivotError": "Request failed",
    "InputError": "Invalid input",
    "DataSourceError": "Data source unavailable",
    "SourceFileError": "Invalid file",
}


def _title(name: str) -> str:
    return TITLES.get(name) or _slug(name).replace("-", " ").capitalize()


def _field(exc: TradepivotError) -> str | None:
    param = getattr(exc, "param", None)
    if isinstance(param, str):
        return param
    if isinstance(exc, SourceFileError):
        return exc.field
    return None


def problem_from(exc: Exception, instance: str) -> Problem:
    """The problem document of ``exc`` (a user error, a validation error, an HTTP error, a bug)."""
    if isinstance(exc, TradepivotError):
        body: Problem = {
            "type": PREFIX + _slug(type(exc).__name__),
            "title": _title(type(exc).__name__),
            "status": exc.http_status,
            "detail": exc.message,
            "instance": instance,
        }
        if exc.hint:
            body["hint"] = exc.hint
        suggestions = getattr(exc, "suggestions", None)
        if suggestions:
            body["suggestions"] = list(suggestions)
        field = _field(exc)
        if field:
            body["errors"] = [{"field": field, "message": exc.message}]
        if isinstance(exc, SourceFileError):
            body["file"] = {"name": exc.path, "line": exc.line, "field": exc.field}
        return body
    if isinstance(exc, RequestValidationError):
        errors = [_validation_item(err) for err in exc.errors()]
        return {
            "type": PREFIX + "invalid-request",
            "title": "Invalid request",
            "status": 422,
            "detail": "; ".join(f"{e['field']}: {e['message']}" for e in errors)
            or "The request is invalid.",
            "instance": instance,
            "errors": errors,
        }
    if isinstance(exc, StarletteHTTPException):
        status = exc.status_code
        try:
            phrase = http.HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else None
        body = {"type": "about:blank", "title": phrase, "status": status, "instance": instance}
        if detail:
            body["detail"] = detail
        return body
    return {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "tradepivot failed on this request; the server's log has the details. "
        "This is a bug: please report it with the URL.",
        "instance": instance,
    }


def _validation_item(err: Any) -> dict[str, Any]:
    loc = [str(part) for part in err.get("loc", ())]
    where = loc[0] if loc and loc[0] in LOCATIONS else None
    field = ".".join(loc[1:] if where else loc) or "request"
    item: dict[str, Any] = {"field": field, "message": str(err.get("msg", "invalid"))}
    if where:
        item["in"] = where
    return item


def _wants_html(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept


async def handle(request: Request, exc: Exception) -> Response:
    """The app's only exception handler (registered for every exception class)."""
    body = problem_from(exc, request.url.path)
    if body["status"] >= 500 and not isinstance(exc, TradepivotError | StarletteHTTPException):
        log.error("Unhandled error on %s", request.url.path, exc_info=exc)
    headers = getattr(exc, "headers", None) if isinstance(exc, StarletteHTTPException) else None
    if _wants_html(request):
        state = getattr(request.app.state, "tradepivot", None)
        if isinstance(state, WebState):
            return state.pages.render(
                request, "error.html", {"problem": body}, status_code=body["status"]
            )
    return JSONResponse(body, status_code=body["status"], media_type=PROBLEM_TYPE, headers=headers)


def install_error_handler(app: FastAPI) -> None:
    """Route every error of ``app`` through :func:`handle`."""
    for kind in (TradepivotError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(kind, handle)

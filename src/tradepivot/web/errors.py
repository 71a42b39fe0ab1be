"""The one error handler: every failure becomes an RFC 9457 problem, never a traceback.

``application/problem+json`` for the API (and any client that does not ask for HTML), an HTML
page with the same content for a browser. The status comes from the error class
(``TradepivotError.http_status``): 422 for bad input, naming the field (``invalid-params``,
RFC 9457 section 3: the service's parameter as this route's query, path or body field); 404 for an unknown
country, HS code, sector or dataset, with close matches; 503 when the data cannot answer.
Anything else is a bug: logged with its traceback on the server, a bare 500 for the client.

A problem looks like::

    {"type": "urn:tradepivot:problem:unknown-country", "title": "Unknown country",
     "status": 404, "detail": "Unknown country 'Rusia'. Use an ISO3 code ...",
     "instance": "/api/v1/rank/Rusia", "hint": "Did you mean: RUS?", "suggestions": ["RUS"],
     "invalid-params": [{"name": "exporter", "in": "path", "reason": "..."}],
     "errors": [{"field": "exporter", "in": "path", "message": "..."}]}

``errors`` (``field``/``message``) is the same list under the names clients of the first
release read.
"""

from __future__ import annotations

import http
import logging
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from tradepivot.errors import InputError, SourceFileError, TradepivotError
from tradepivot.web.state import WebState

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = [
    "API_ALIASES",
    "PROBLEM_TYPE",
    "Problem",
    "handle",
    "install_error_handler",
    "problem_from",
    "route_fields",
]

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


#: Service parameter -> the route parameters that may carry it, where the names differ
#: (``/potential`` pages with ``limit`` what the service calls ``top``).
API_ALIASES: dict[str, tuple[str, ...]] = {
    "top": ("limit",),
    "limit": ("top",),
    "portfolio": ("file",),
    "participant": ("participant_id",),  # the portal's forms
    "scenario": ("file",),
}

#: A route's fields: Python parameter name -> (field name in the request, location).
Fields = dict[str, tuple[str, str]]


def _dependants(dependant: Any) -> Iterator[Any]:
    yield dependant
    for sub in getattr(dependant, "dependencies", ()):
        yield from _dependants(sub)


def route_fields(route: Any) -> Fields:
    """The query, path and body fields of a FastAPI route (with its dependencies')."""
    fields: Fields = {}
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return fields
    for dep in _dependants(dependant):
        for where in ("path", "query", "header", "cookie", "body"):
            for field in getattr(dep, f"{where}_params", ()):
                fields.setdefault(field.name, (field.alias, where))
    return fields


def _namer(fields: Fields) -> Callable[[str], str]:
    def name(param: str) -> str:
        for key in (param, *API_ALIASES.get(param, ())):
            if key in fields:
                return fields[key][0]
        return param

    return name


def _where(param: str, fields: Fields) -> str | None:
    for key in (param, *API_ALIASES.get(param, ())):
        if key in fields:
            return fields[key][1]
    return None


def _field(exc: TradepivotError) -> str | None:
    """The field of an uploaded file that is at fault (a column of a portfolio ...)."""
    return exc.field if isinstance(exc, SourceFileError) else None


def problem_from(exc: Exception, instance: str, fields: Fields | None = None) -> Problem:
    """The problem document of ``exc`` (a user error, a validation error, an HTTP error, a bug).

    ``fields`` are the route's (:func:`route_fields`): a parameter the error names is shown
    as the field the client sent (``$top`` of the service reads ``limit`` on ``/potential``).
    """
    if isinstance(exc, TradepivotError):
        fields = fields or {}
        message, hint = exc.render(_namer(fields))
        body: Problem = {
            "type": PREFIX + _slug(type(exc).__name__),
            "title": _title(type(exc).__name__),
            "status": exc.http_status,
            "detail": message,
            "instance": instance,
        }
        if hint:
            body["hint"] = hint
        suggestions = getattr(exc, "suggestions", None)
        if suggestions:
            body["suggestions"] = list(suggestions)
        param = exc.param if isinstance(exc, InputError) else None
        name = _namer(fields)(param) if param else _field(exc)
        where = _where(param, fields) if param else None
        if name:
            item: dict[str, Any] = {"name": name, "reason": message}
            legacy: dict[str, Any] = {"field": name, "message": message}
            if where:
                item["in"] = legacy["in"] = where
            body["invalid-params"] = [item]
            body["errors"] = [legacy]
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
            "invalid-params": [
                {"name": e["field"], "reason": e["message"]}
                | ({"in": e["in"]} if "in" in e else {})
                for e in errors
            ],
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
    body = problem_from(exc, request.url.path, route_fields(request.scope.get("route")))
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

"""``/static/NAME``: the package's assets, looked up by name (never a path on disk)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path
from starlette.requests import Request
from starlette.responses import Response

from tradepivot.web.state import State

__all__ = ["asset", "router"]

router = APIRouter(include_in_schema=False)

YEAR = 365 * 24 * 3600


@router.get("/static/{name:path}")
def asset(request: Request, state: State, name: Annotated[str, Path(max_length=200)]) -> Response:
    found = state.assets.get(name)
    if found is None:
        raise HTTPException(404, f"No asset named {name!r}.")
    etag = f'"{found.digest}"'
    versioned = request.query_params.get("v") == found.digest
    headers = {
        "etag": etag,
        "cache-control": f"public, max-age={YEAR}, immutable" if versioned else "no-cache",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(found.content, media_type=found.media_type, headers=headers)

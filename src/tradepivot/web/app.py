"""The web application factory: ``create_app(settings)`` builds the FastAPI app.

The app is the JSON API (``/api/v1``), the pages a person clicks through, the offline API
docs (``/api/docs``) and the package's static assets, on one :class:`WebState` (the warehouse,
the result cache, templates). Other interfaces mount on it: the event portal adds its routers
(``app.include_router``), its middleware, its templates (``state.pages.add_templates``) and its
menu entries (``state.pages.add_nav``), all through the app this factory returns.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from tradepivot import __version__
from tradepivot.config import Settings, load_settings
from tradepivot.web import api, pages, static
from tradepivot.web.errors import install_error_handler
from tradepivot.web.security import BodyLimit, SecurityHeaders
from tradepivot.web.state import WebState

__all__ = ["SETTINGS_ENV", "app_from_environment", "create_app"]

#: Settings handed to worker processes by `tradepivot serve --workers N` (JSON).
SETTINGS_ENV = "TRADEPIVOT_SERVE_SETTINGS_JSON"

DESCRIPTION = """\
Real trade data, tariff shocks, export potential: the answers of the `tradepivot` CLI as JSON.

Every query returns the CLI's `--format json` object, `{"meta": {...}, "rows": [...]}`:
`meta` holds the query, totals, the datasets used (with checksums), the known gaps the query
touches and method notes. Add `format=csv|xlsx|parquet` for a download (Parquet embeds the meta,
XLSX has a `meta` sheet, CSV links to it with `Link: rel="describedby"`), or `format=meta`.

Errors are RFC 9457 problems (`application/problem+json`): 422 names the field at fault,
404 for an unknown country, HS code, sector or dataset comes with close matches.
"""


def create_app(settings: Settings | None = None, *, portal: bool = True) -> FastAPI:
    """The tradepivot web app on ``settings`` (loaded from file and environment when None);
    with the event portal on the portal database unless ``portal`` is false (tests that
    install it on a backend of their own)."""
    settings = settings or load_settings()
    state = WebState(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(
        title="tradepivot",
        version=__version__,
        summary="When a market closes, where do we sell instead?",
        description=DESCRIPTION,
        openapi_url=f"{api.API_PREFIX}/openapi.json",
        docs_url=None,  # FastAPI's docs load from a CDN; /api/docs serves vendored ones
        redoc_url=None,
        lifespan=lifespan,
        license_info={"name": "Apache-2.0", "identifier": "Apache-2.0"},
    )
    app.state.tradepivot = state
    install_error_handler(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(static.router)
    if portal:
        from tradepivot.web.portal import mount

        mount(app, settings)
    # Added last = outermost: the headers and the size limit apply to every response.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(BodyLimit, limit=settings.upload_limit)
    app.add_middleware(SecurityHeaders)
    return app


def app_from_environment() -> FastAPI:
    """The app for each worker process of `tradepivot serve --workers N` (a uvicorn factory):
    the settings the command resolved, passed as JSON in :data:`SETTINGS_ENV`."""
    passed = os.environ.get(SETTINGS_ENV)
    if passed:
        return create_app(Settings.model_validate_json(passed))
    return create_app()

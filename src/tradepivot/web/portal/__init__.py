"""The event portal: organisers run a forum and participants live it, in the web app.

:func:`install` mounts it on an app built by :func:`tradepivot.web.create_app`: its routes
(every one behind the CSRF check), the session cookie, its templates and its menu entry.
The pages talk to the database through a :class:`~.backend.PortalBackend` only.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, FastAPI
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tradepivot.config import Settings
from tradepivot.web.errors import handle
from tradepivot.web.portal import (
    account,
    group_sessions,
    importing,
    organiser,
    participant,
    schedule,
)
from tradepivot.web.portal.auth import SignInRequired
from tradepivot.web.portal.backend import Account, PortalBackend
from tradepivot.web.portal.csrf import require_csrf
from tradepivot.web.portal.ratelimit import LoginLimiter
from tradepivot.web.portal.sessions import SessionCookies, load_session_key
from tradepivot.web.portal.state import Portal
from tradepivot.web.state import WebState
from tradepivot.web.templating import N_, NavItem

__all__ = ["Account", "Portal", "PortalBackend", "install", "mount"]

AREAS = (account, organiser, importing, participant, group_sessions, schedule)


async def _sign_in_first(request: Request, exc: Exception) -> Response:
    """A browser asking for a page is sent to the sign-in page; anyone else gets the 401."""
    if (
        isinstance(exc, SignInRequired)
        and request.method == "GET"
        and "text/html" in request.headers.get("accept", "")
    ):
        return RedirectResponse(exc.location, status_code=303)
    return await handle(request, exc)


def install(
    app: FastAPI,
    backend: PortalBackend | Callable[[], PortalBackend],
    *,
    session_key: bytes | Callable[[], bytes],
    limiter: LoginLimiter | None = None,
) -> Portal:
    """Mount the portal on ``app`` (before it serves its first request). ``backend`` and
    ``session_key`` may be functions: called on the first request that needs them."""
    state: WebState = app.state.tradepivot
    state.pages.add_templates("tradepivot.web.portal")
    state.pages.add_nav(NavItem("portal", "/portal", N_("Event portal")))
    portal = Portal(backend, state, key=session_key, limiter=limiter)
    app.state.portal = portal
    for area in AREAS:
        app.include_router(
            area.router, include_in_schema=False, dependencies=[Depends(require_csrf)]
        )
    app.add_exception_handler(SignInRequired, _sign_in_first)
    app.add_middleware(SessionCookies, key=session_key)
    return portal


def mount(app: FastAPI, settings: Settings) -> Portal:
    """The portal on the database ``settings`` name (opened, and on SQLite migrated, on
    the first portal request) with the session key of :func:`load_session_key`."""

    def open_backend() -> PortalBackend:
        from tradepivot.services.portal.backend import PortalDatabase
        from tradepivot.services.portal.database import open_database

        url = settings.database_url
        local = url is None or url.startswith("sqlite")
        return PortalDatabase(open_database(settings, upgrade_schema=local))

    return install(app, open_backend, session_key=load_session_key)

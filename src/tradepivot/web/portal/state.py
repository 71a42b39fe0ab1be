"""The portal's engine for one app: its backend, the login limiter, and page rendering."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from tradepivot.matchmaking.model import Event
from tradepivot.services.registrations import EventSummary, event_summary
from tradepivot.web.portal.backend import PortalBackend
from tradepivot.web.portal.csrf import csrf_token
from tradepivot.web.portal.ratelimit import LoginLimiter
from tradepivot.web.templating import Pages

__all__ = ["Portal", "portal"]


class Portal:
    """What every portal route reaches through ``request.app.state.portal``."""

    def __init__(
        self, backend: PortalBackend, pages: Pages, *, limiter: LoginLimiter | None = None
    ) -> None:
        self.backend = backend
        self.pages = pages
        self.limiter = limiter or LoginLimiter()

    def event(self, event_id: str) -> Event:
        """The event's registrations with its published schedule."""
        return self.backend.store.load(event_id).event

    def summary(self, event_id: str) -> EventSummary:
        return event_summary(self.backend.store, event_id)

    def flash(self, request: Request, message: str) -> None:
        """A message for the next page this visitor sees (after a redirect)."""
        request.session["flash"] = [*request.session.get("flash", []), message][-5:]

    def render(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
    ) -> HTMLResponse:
        """A portal page: the shared layout plus the session's CSRF token and visitor."""
        from tradepivot.web.portal.auth import visitor

        return self.pages.render(
            request,
            name,
            {
                "csrf_token": csrf_token(request),
                "visitor": visitor(request),
                "flashes": request.session.pop("flash", []),
                **(context or {}),
            },
            status_code=status_code,
            active="portal",
        )


def portal(request: Request) -> Portal:
    """The app's :class:`Portal` (a FastAPI dependency)."""
    app: Portal = request.app.state.portal
    return app

"""The portal's engine for one app: its backend, the login limiter, and page rendering."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import itsdangerous
from starlette.requests import Request
from starlette.responses import HTMLResponse

from tradepivot.matchmaking.model import Event
from tradepivot.services.registrations import EventSummary, event_summary
from tradepivot.web.portal.backend import PortalBackend
from tradepivot.web.portal.csrf import csrf_token
from tradepivot.web.portal.jobs import Jobs
from tradepivot.web.portal.ratelimit import LoginLimiter
from tradepivot.web.portal.staging import UploadStaging
from tradepivot.web.state import WebState

__all__ = ["Portal", "portal"]


class Portal:
    """What every portal route reaches through ``request.app.state.portal``."""

    def __init__(
        self,
        backend: PortalBackend | Callable[[], PortalBackend],
        web: WebState,
        *,
        key: bytes | Callable[[], bytes],
        limiter: LoginLimiter | None = None,
    ) -> None:
        self._backend: PortalBackend | None = None if callable(backend) else backend
        self._factory = backend if callable(backend) else None
        self._backend_lock = threading.Lock()
        self.web = web
        self.pages = web.pages
        self.limiter = limiter or LoginLimiter()
        self.jobs = Jobs(lambda: self.backend)
        # an import's files between its upload and its column mapping
        self.staging = UploadStaging(web.settings.cache_dir / "portal-uploads")
        # The optimiser's runs (a job, a reschedule) take turns: one solver at a time per
        # process, on its own warehouse cursor.
        self.solver_turn = threading.Lock()
        self._key = key
        self._serializer: itsdangerous.URLSafeSerializer | None = None

    @property
    def _calendar(self) -> itsdangerous.URLSafeSerializer:
        if self._serializer is None:
            key = self._key() if callable(self._key) else self._key
            self._serializer = itsdangerous.URLSafeSerializer(
                key, salt="tradepivot.portal.calendar"
            )
        return self._serializer

    @property
    def backend(self) -> PortalBackend:
        """The database, opened on first use (an app that serves no portal page opens
        none)."""
        if self._backend is None:
            with self._backend_lock:
                if self._backend is None:
                    assert self._factory is not None
                    self._backend = self._factory()
        return self._backend

    def calendar_token(self, event_id: str, participant_id: str) -> str:
        """The participant's calendar feed token: signed, the same every time (the feed URL
        a calendar subscribes to stays put), valid until the session key changes."""
        return str(self._calendar.dumps([event_id, participant_id]))

    def calendar_owner(self, token: str) -> tuple[str, str] | None:
        """(event id, participant id) of a calendar token, or None when it is not ours."""
        try:
            value = self._calendar.loads(token)
        except itsdangerous.BadData:
            return None
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
            return value[0], value[1]
        return None

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

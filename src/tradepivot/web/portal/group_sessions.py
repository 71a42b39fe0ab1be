"""Participants' screen for the event's roadshows and B2G briefings: join or leave, seats
left, and the meeting of theirs a session would clash with."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tradepivot.errors import InputError
from tradepivot.web.portal.auth import ParticipantAccess, ParticipantOf
from tradepivot.web.portal.state import Portal, portal

__all__ = ["router", "session_seat", "sessions_page"]

router = APIRouter()
App = Annotated[Portal, Depends(portal)]


@router.get("/portal/me/sessions")
def sessions_page(request: Request, app: App, me: ParticipantOf) -> Response:
    """The event's roadshows and B2G briefings: seats left, join or leave, and the meeting
    of yours a session would clash with."""
    return _page(request, app, me)


@router.post("/portal/me/sessions/{session_id}/{action}")
def session_seat(
    request: Request,
    app: App,
    me: ParticipantOf,
    session_id: Annotated[str, Path(max_length=64)],
    action: Annotated[str, Path(pattern=r"^(join|leave)$")],
) -> Response:
    """Join or leave a group session (a full one, or one that clashes with a meeting of
    yours, is refused with the reason)."""
    try:
        app.backend.set_session_seat(
            me.event_id, session_id, me.participant_id, join=action == "join"
        )
    except InputError as exc:
        return _page(request, app, me, exc, status_code=409)
    app.flash(request, "session_joined" if action == "join" else "session_left")
    return RedirectResponse("/portal/me/sessions", status_code=303)


def _page(
    request: Request,
    app: Portal,
    me: ParticipantAccess,
    error: InputError | None = None,
    *,
    status_code: int = 200,
) -> Response:
    event = app.event(me.event_id)
    return app.render(
        request,
        "portal/sessions.html",
        {
            "places": app.backend.session_places(me.event_id, me.participant_id),
            "names": {pid: p.organisation for pid, p in event.participants.items()},
            "me": me.participant_id,
            "error": error,
        },
        status_code=status_code,
    )

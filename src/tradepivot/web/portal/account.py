"""Signing in and out: organisers with e-mail and password, the portal's front door."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tradepivot.web.portal.auth import visitor
from tradepivot.web.portal.csrf import csrf_token
from tradepivot.web.portal.state import Portal, portal

__all__ = ["home", "login", "login_page", "logout", "router", "safe_next"]

router = APIRouter()
App = Annotated[Portal, Depends(portal)]


def safe_next(value: str | None, default: str) -> str:
    """``value`` when it is a path of this portal (never another site), else ``default``."""
    if value and value.startswith("/portal") and "//" not in value and "\\" not in value:
        return value
    return default


@router.get("/portal")
def home(request: Request) -> Response:
    """Where a visitor starts: their events, their own page, or the sign-in page."""
    who = visitor(request)
    if who.kind == "organiser":
        return RedirectResponse("/portal/events", status_code=303)
    if who.kind == "participant":
        return RedirectResponse("/portal/me", status_code=303)
    return RedirectResponse("/portal/login", status_code=303)


@router.get("/portal/login")
def login_page(request: Request, app: App, next: str | None = None) -> Response:
    return app.render(
        request, "portal/login.html", {"next": safe_next(next, ""), "email": "", "failed": False}
    )


@router.post("/portal/login")
def login(
    request: Request,
    app: App,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Check the password (rate-limited per address and per account), start a new session."""
    address = request.client.host if request.client else "unknown"
    keys = [f"ip:{address}", f"email:{email.strip().lower()}"]
    app.limiter.check(keys)
    account = app.backend.authenticate(email.strip(), password)
    if account is None:
        app.limiter.failed(keys)
        return app.render(
            request,
            "portal/login.html",
            {"next": safe_next(next, ""), "email": email, "failed": True},
            status_code=401,
        )
    app.limiter.succeeded(keys[1])
    request.session.clear()  # a new session for the new identity (new CSRF token too)
    session_id = app.backend.start_session(account.id)
    request.session.update({"who": "organiser", "uid": account.id, "sid": session_id})
    csrf_token(request)
    return RedirectResponse(safe_next(next, "/portal/events"), status_code=303)


@router.post("/portal/logout")
def logout(request: Request, app: App) -> Response:
    """Sign out: the server forgets the session, so a copy of the cookie is void too."""
    if request.session.get("sid"):
        app.backend.end_session(request.session["sid"])
    request.session.clear()
    return RedirectResponse("/portal", status_code=303)

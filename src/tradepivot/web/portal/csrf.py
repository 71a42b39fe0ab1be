"""CSRF protection for every portal form: a per-session token checked in one dependency.

Why not a library: the session is already a signed cookie (:mod:`.sessions`), so the
synchroniser-token pattern needs only a random token kept in it and compared, in constant
time, with the one the form (hidden ``csrf_token`` field) or htmx (``X-CSRF-Token`` header,
set once on ``<body hx-headers>``) sends back. A forged cross-site form cannot read the
token; ``SameSite=Lax`` already keeps the cookie off cross-site POSTs, and a foreign
``Origin`` is refused outright: three independent locks. The check is a dependency of the
whole portal router, so a new form cannot forget it.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "csrf_token", "require_csrf"]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_KEY = "csrf"

REFUSED = (
    "This form was refused: its security token is missing or out of date (CSRF protection). "
    "Reload the page and send the form again."
)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use (forms render it in a hidden field)."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None  # a "null" origin (sandboxed frame, file) is never ours
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


async def require_csrf(request: Request) -> None:
    """Refuse (403) a state-changing request without the session's token or from another
    origin. A dependency of every portal route; safe methods pass."""
    if request.method in SAFE_METHODS:
        return
    if not _same_origin(request):
        raise HTTPException(403, REFUSED)
    expected = request.session.get(SESSION_KEY)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(expected, sent):
        raise HTTPException(403, REFUSED)

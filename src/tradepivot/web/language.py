"""Which language a page speaks: ``?lang=`` (a shared link), then the cookie, then the browser."""

from __future__ import annotations

from starlette.requests import Request

from tradepivot.i18n import LANGUAGES, accept_language, language_tag, negotiate

__all__ = ["LANGUAGE_COOKIE", "page_language"]

LANGUAGE_COOKIE = "tradepivot_lang"


def _supported(value: str | None) -> str | None:
    tag = language_tag(value) if value else None
    return tag if tag in LANGUAGES else None


def page_language(request: Request) -> str:
    """``en``, ``ru`` or ``hi``: the link's ``lang`` parameter wins, so a shared link shows
    the same page to everyone; then the choice remembered in a cookie; then Accept-Language."""
    chosen = _supported(request.query_params.get("lang")) or _supported(
        request.cookies.get(LANGUAGE_COOKIE)
    )
    if chosen:
        return chosen
    return negotiate(accept_language(request.headers.get("accept-language", "")))

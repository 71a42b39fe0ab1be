"""Server-rendered pages: Jinja2 environments per language, the base layout's navigation.

One :class:`Pages` per app. Other interfaces built on the app (the event portal) add their
template folders with :meth:`Pages.add_templates` and their menu entries with
:meth:`Pages.add_nav`, and extend ``base.html``: one layout, one language switch.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from tradepivot import __version__
from tradepivot.i18n import LANGUAGES, N_, translator
from tradepivot.web.assets import Assets
from tradepivot.web.language import LANGUAGE_COOKIE, page_language

__all__ = ["N_", "NavItem", "Pages"]

# Each language named in itself, for the switch.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "hi": "हिन्दी"}


@dataclass(frozen=True)
class NavItem:
    """A menu entry: ``label`` is an English message, translated when the page is rendered."""

    key: str
    path: str
    label: str


NAV: tuple[NavItem, ...] = (
    NavItem("search", "/", N_("Search")),
    NavItem("market", "/market", N_("Markets")),
    NavItem("rank", "/where-to-sell", N_("Where to sell")),
    NavItem("products", "/products", N_("Products")),
    NavItem("balance", "/balance", N_("Balance")),
    NavItem("tariffs", "/tariffs", N_("Tariffs")),
    NavItem("exposure", "/exposure", N_("Exposure")),
    NavItem("brief", "/brief", N_("Brief")),
    NavItem("datasets", "/datasets", N_("Datasets")),
    NavItem("api", "/api/docs", N_("API")),
)


class Pages:
    """Templates and the context every page shares (language, links, assets, menu)."""

    def __init__(self, assets: Assets) -> None:
        self.assets = assets
        self.nav: list[NavItem] = list(NAV)
        self._loaders: list[jinja2.BaseLoader] = [
            jinja2.PackageLoader("tradepivot.web", "templates")
        ]
        self._environments: dict[str, jinja2.Environment] = {}
        self._lock = threading.Lock()

    def add_templates(self, package: str, folder: str = "templates") -> None:
        """Also look for templates in ``package``'s ``folder`` (before the first render)."""
        with self._lock:
            self._loaders.append(jinja2.PackageLoader(package, folder))
            self._environments.clear()

    def add_nav(self, item: NavItem, *, before: str | None = "api") -> None:
        """A menu entry, placed before the entry keyed ``before`` (the end when absent)."""
        keys = [n.key for n in self.nav]
        self.nav.insert(keys.index(before) if before in keys else len(keys), item)

    def environment(self, language: str) -> jinja2.Environment:
        with self._lock:
            env = self._environments.get(language)
            if env is None:
                env = jinja2.Environment(
                    loader=jinja2.ChoiceLoader(list(self._loaders)),
                    autoescape=True,
                    undefined=jinja2.StrictUndefined,
                    trim_blocks=True,
                    lstrip_blocks=True,
                    extensions=["jinja2.ext.i18n"],
                )
                env.install_gettext_callables(  # type: ignore[attr-defined]
                    **translator(language).jinja_callables(), newstyle=True
                )
                env.policies["json.dumps_kwargs"] = {"sort_keys": False, "allow_nan": False}
                self._environments[language] = env
            return env

    def render(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
        active: str | None = None,
    ) -> HTMLResponse:
        """The page ``name`` in the request's language; a ``?lang=`` choice is remembered."""
        language = page_language(request)
        template = self.environment(language).get_template(name)
        html = template.render(
            **self._shared(request, language, active),
            **(context or {}),
        )
        response = HTMLResponse(html, status_code=status_code)
        asked = request.query_params.get("lang")
        if asked == language and request.cookies.get(LANGUAGE_COOKIE) != language:
            response.set_cookie(
                LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax", httponly=True
            )
        return response

    def _shared(self, request: Request, language: str, active: str | None) -> dict[str, Any]:
        params = dict(request.query_params)

        def switch_url(code: str) -> str:
            return request.url.path + "?" + urlencode({**params, "lang": code})

        def url(path: str, **query: Any) -> str:
            """A link that keeps the page's language (so a shared link stays in it)."""
            values = {k: v for k, v in query.items() if v not in (None, "", [])}
            values["lang"] = language
            return path + "?" + urlencode(values, doseq=True)

        return {
            "lang": language,
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "switch_url": switch_url,
            "url": url,
            "static": self.assets.url,
            "nav": self.nav,
            "active": active,
            "t": translator(language),
            "version": __version__,
            "request_path": request.url.path,
            # The page's own link, with its whole question and its language: to share.
            "current_url": request.url.path + "?" + urlencode({**params, "lang": language}),
        }

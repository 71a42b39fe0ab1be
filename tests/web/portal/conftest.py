"""The portal in process: an app with the portal installed on a real database (each test on
SQLite and on PostgreSQL), and a client that keeps cookies."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.portal_db import db_url, engine, postgres_database, sqlite_template
from tradepivot.config import Settings
from tradepivot.services.portal.accounts import add_organiser
from tradepivot.services.portal.backend import PortalDatabase
from tradepivot.services.portal.notify import CalendarFiles
from tradepivot.services.portal.outbox import outbox
from tradepivot.web import create_app
from tradepivot.web.portal import install
from tradepivot.web.portal.backend import MeetingRequest

__all__ = ["db_url", "engine", "postgres_database", "sqlite_template"]

KEY = b"test-session-key-0123456789abcdef"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """One visitor: an httpx client over the ASGI app that keeps its cookies between calls."""

    def __init__(self, app: FastAPI, base_url: str = "http://testserver") -> None:
        self.app = app
        self.base_url = base_url
        self.cookies = httpx.Cookies()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(
                transport=transport, base_url=self.base_url, cookies=self.cookies
            ) as c:
                response = await c.request(method, url, **kwargs)
                self.cookies = httpx.Cookies(c.cookies)
                return response

        return asyncio.run(send())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def token(self, page: str = "/portal/login") -> str:
        """The CSRF token of this visitor's session, read from a form on ``page``."""
        found = CSRF.search(self.get(page, headers={"accept": "text/html"}).text)
        assert found, f"no CSRF field on {page}"
        return found[1]

    def form(self, url: str, data: dict[str, Any], page: str = "/portal/login") -> httpx.Response:
        """POST ``data`` as a form with the session's CSRF token (as a browser would)."""
        return self.post(url, data={**data, "csrf_token": self.token(page)})

    def sign_in(self, email: str = "org@forum.example", password: str = "correct horse") -> None:
        response = self.form("/portal/login", {"email": email, "password": password})
        assert response.status_code == 303, response.text


class DatabaseBackend(PortalDatabase):
    """The portal's own backend on a real database (SQLite, then PostgreSQL: the ``engine``
    fixture), with the two organisers of these tests and what the tests read back: the
    outbox as (recipient, body), every request oldest first, and each publish notice."""

    def __init__(self, engine: Engine, *, organisers: bool = True) -> None:
        super().__init__(engine)
        self.notified: list[tuple[str, Any]] = []  # (event id, calendar writer) per publish
        if organisers:  # a second worker on the same database finds them there
            add_organiser(engine, "org@forum.example", "correct horse", name="Organiser")
            add_organiser(engine, "other@forum.example", "battery staple", name="Other")

    @property
    def outbox(self) -> list[tuple[str, str]]:
        return [(m.recipient, m.body_text) for m in outbox(self.engine)]

    @property
    def requests(self) -> list[MeetingRequest]:
        found = [r for e in self.store.event_ids() for r in self.event_requests(e)]
        return sorted(found, key=lambda r: r.id)

    def notify_published(self, event_id: str, calendars: CalendarFiles) -> int:
        self.notified.append((event_id, calendars))
        return super().notify_published(event_id, calendars)


def portal_on(engine: Engine, root: Path, *, organisers: bool = True, **options: Any) -> FastAPI:
    """An app with the portal installed over ``engine`` (``options``: install's); without
    ``organisers``, on a database that has them already (another worker)."""
    app = create_app(
        Settings(warehouse=root / "none.duckdb", cache_dir=root / "cache"), portal=False
    )
    install(app, DatabaseBackend(engine, organisers=organisers), session_key=KEY, **options)
    return app


@pytest.fixture
def portal_app(engine: Engine, tmp_path: Path) -> Iterator[FastAPI]:
    app = portal_on(engine, tmp_path)
    yield app
    app.state.tradepivot.close()


@pytest.fixture
def browser(portal_app: FastAPI) -> Browser:
    return Browser(portal_app)


EXAMPLE = Path(__file__).parents[3] / "examples" / "india-russia-forum"


def example_files() -> list[tuple[str, tuple[str, bytes]]]:
    """The example event folder as the files of one multi-file upload."""
    return [
        ("files", (p.name, p.read_bytes()))
        for p in sorted(EXAMPLE.iterdir())
        if p.suffix in (".csv", ".yaml")
    ]


@pytest.fixture
def irf(browser: Browser) -> Browser:
    """An organiser signed in, with the example imported as event ``irf``."""
    browser.sign_in()
    response = browser.post(
        "/portal/events/import",
        data={"csrf_token": browser.token("/portal/events"), "event_id": "irf"},
        files=example_files(),
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/portal/events/irf"
    return browser


def backend_of(browser: Browser) -> DatabaseBackend:
    backend: DatabaseBackend = browser.app.state.portal.backend
    return backend


def participant(organiser: Browser, event_id: str, participant_id: str) -> Browser:
    """A participant of ``event_id`` signed in from the link the organiser sent them."""
    token = organiser.token(f"/portal/events/{event_id}/participants")
    sent = organiser.post(
        f"/portal/events/{event_id}/participants/{participant_id}/link",
        data={"csrf_token": token},
    )
    assert sent.status_code == 303, sent.text
    _, body = backend_of(organiser).outbox[-1]
    link = body.split("http://testserver", 1)[1].split()[0]
    person = Browser(organiser.app)
    assert person.get(link).status_code == 200
    signed = person.post(link, data={"csrf_token": person.token(link)})
    assert signed.status_code == 303, signed.text
    return person

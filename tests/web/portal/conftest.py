"""The portal in process: an app with the portal installed, and a client that keeps cookies."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import secrets
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tradepivot.config import Settings
from tradepivot.errors import InputError
from tradepivot.events import FolderStore
from tradepivot.web import create_app
from tradepivot.web.portal import install
from tradepivot.web.portal.backend import Account, Attendance, MeetingRequest

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


class MemoryBackend:
    """Organiser accounts held in memory over a folder store (the database's own backend
    arrives with tradepivot.db)."""

    def __init__(self, root: Path) -> None:
        self.accounts = {
            1: (Account(1, "org@forum.example", "Organiser"), "correct horse", {"irf"}),
            2: (Account(2, "other@forum.example", "Other"), "battery staple", {"other"}),
        }
        self._store = FolderStore(root)
        self.outbox: list[tuple[str, str]] = []  # (recipient, body)
        self.tokens: dict[str, tuple[str, str]] = {}
        self.requests: list[MeetingRequest] = []
        self.notified: list[tuple[str, Any]] = []  # (event id, calendar writer) per publish
        self.attendance_records: dict[tuple[str, str], Attendance] = {}

    def record_attendance(
        self, event_id: str, participant_id: str, status: str, by: int | None
    ) -> Attendance:
        if participant_id not in self._store.load(event_id).event.participants:
            raise InputError(f"Event {event_id!r} has no participant {participant_id!r}.")
        made = Attendance(participant_id, None, status, dt.datetime.now(dt.UTC), by)
        self.attendance_records[(event_id, participant_id)] = made
        return made

    def attendance(self, event_id: str) -> list[Attendance]:
        return [a for (e, _), a in sorted(self.attendance_records.items()) if e == event_id]

    def notify_published(self, event_id: str, calendars: Any) -> int:
        self.notified.append((event_id, calendars))
        return 0

    def send_sign_in_link(self, event_id: str, participant_id: str, base_url: str) -> None:
        token = secrets.token_urlsafe(32)
        self.tokens[token] = (event_id, participant_id)
        email = self._store.load(event_id).event.participants[participant_id].email
        self.outbox.append((email, f"Sign in: {base_url}/portal/signin/{token}"))

    def request_sign_in_link(self, email: str, base_url: str) -> None:
        for event_id in self._store.event_ids():
            for p in self._store.load(event_id).event.participants.values():
                if p.email.lower() == email.lower():
                    self.send_sign_in_link(event_id, p.id, base_url)

    def redeem_sign_in(self, token: str) -> tuple[str, str] | None:
        return self.tokens.pop(token, None)

    def requests_of(self, event_id: str, participant_id: str) -> list[MeetingRequest]:
        return [
            r
            for r in reversed(self.requests)
            if r.event_id == event_id and participant_id in (r.requester, r.recipient)
        ]

    def event_requests(self, event_id: str) -> list[MeetingRequest]:
        return [r for r in reversed(self.requests) if r.event_id == event_id]

    def create_request(
        self, event_id: str, requester: str, recipient: str, message: str
    ) -> MeetingRequest:
        if requester == recipient:
            raise InputError("You cannot ask yourself for a meeting.")
        now = dt.datetime.now(dt.UTC)
        made = MeetingRequest(
            len(self.requests) + 1, event_id, requester, recipient, "pending", message, now,
            now + dt.timedelta(days=3),
        )  # fmt: skip
        self.requests.append(made)
        return made

    def decide_request(
        self, event_id: str, participant_id: str, request_id: int, accept: bool
    ) -> MeetingRequest:
        for i, r in enumerate(self.requests):
            if r.id == request_id and r.event_id == event_id:
                if r.recipient != participant_id or r.status != "pending":
                    raise InputError("This request is not yours to answer.")
                self.requests[i] = replace(r, status="accepted" if accept else "declined")
                return self.requests[i]
        raise InputError(f"No request {request_id}.")

    @property
    def store(self) -> FolderStore:
        return self._store

    def grant_event(self, user_id: int, event_id: str) -> None:
        self.accounts[user_id][2].add(event_id)

    def authenticate(self, email: str, password: str) -> Account | None:
        for account, secret, _ in self.accounts.values():
            if account.email == email.lower() and secret == password:
                return account
        return None

    def account(self, user_id: int) -> Account | None:
        found = self.accounts.get(user_id)
        return found[0] if found else None

    def organised_events(self, user_id: int) -> list[str]:
        found = self.accounts.get(user_id)
        held = set(self._store.event_ids())
        return sorted(found[2] & held) if found else []

    def organises(self, user_id: int, event_id: str) -> bool:
        return event_id in self.organised_events(user_id)


@pytest.fixture
def portal_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    root = tmp_path_factory.mktemp("portal")
    app = create_app(
        Settings(warehouse=root / "none.duckdb", cache_dir=root / "cache"), portal=False
    )
    (root / "events").mkdir()
    install(app, MemoryBackend(root / "events"), session_key=KEY)
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


def backend_of(browser: Browser) -> MemoryBackend:
    backend: MemoryBackend = browser.app.state.portal.backend
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

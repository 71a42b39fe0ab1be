"""The authorisation matrix: every portal route x every kind of visitor, allowed or denied.

Visitors: anonymous; participants A (RU0001) and B (IN0001) of event ``irf``; a participant
of another event; the organiser of another event; the organiser of ``irf``. A route that
is not in :data:`ROUTES` fails the test, so a new page cannot skip this check.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.web.portal.conftest import EXAMPLE, Browser, backend_of, example_files, participant
from tradepivot.events import load_event

pytestmark = pytest.mark.slow

VISITORS = (
    "anonymous",
    "participant_a",
    "participant_b",
    "other_participant",
    "other_organiser",
    "organiser",
)
ANYONE = frozenset(VISITORS)
ORGANISER = frozenset({"organiser"})
ORGANISERS = frozenset({"organiser", "other_organiser"})
PARTICIPANTS = frozenset({"participant_a", "participant_b", "other_participant"})
DENIED = {401, 403, 404}

# (method, route path, concrete path, form data, who may). Participants act in their own
# event only (the session names it): IN0002 exists in both events (both are the example).
ROUTES: list[tuple[str, str, str, dict[str, Any], frozenset[str]]] = [
    ("GET", "/portal", "/portal", {}, ANYONE),
    ("GET", "/portal/login", "/portal/login", {}, ANYONE),
    # a wrong password: 401 for everyone (429 once the address has used up its attempts)
    (
        "POST",
        "/portal/login",
        "/portal/login",
        {"email": "x@y.example", "password": "p"},
        frozenset(),
    ),
    ("POST", "/portal/logout", "/portal/logout", {}, ANYONE),
    ("GET", "/portal/signin", "/portal/signin", {}, ANYONE),
    ("POST", "/portal/signin", "/portal/signin", {"email": "x@y.example"}, ANYONE),
    ("GET", "/portal/signin/{token}", "/portal/signin/" + "t" * 43, {}, ANYONE),
    (
        "POST",
        "/portal/signin/{token}",
        "/portal/signin/" + "t" * 43,
        {},
        frozenset(),
    ),  # bad token: 400
    ("GET", "/portal/events", "/portal/events", {}, ORGANISERS),
    ("GET", "/portal/events/new", "/portal/events/new", {}, ORGANISERS),
    ("POST", "/portal/events/new", "/portal/events/new", {"event_id": ""}, ORGANISERS),
    ("POST", "/portal/events/import", "/portal/events/import", {"event_id": "x"}, ORGANISERS),
    ("GET", "/portal/events/{event_id}", "/portal/events/irf", {}, ORGANISER),
    ("GET", "/portal/events/{event_id}/import", "/portal/events/irf/import", {}, ORGANISER),
    ("POST", "/portal/events/{event_id}/import", "/portal/events/irf/import", {}, ORGANISER),
    (
        "POST",
        "/portal/events/{event_id}/import/map",
        "/portal/events/irf/import/map",
        {"upload": "0" * 32},
        ORGANISER,
    ),
    (
        "GET",
        "/portal/events/{event_id}/template/{table}.{fmt}",
        "/portal/events/irf/template/participants.csv",
        {},
        ORGANISER,
    ),
    (
        "GET",
        "/portal/events/{event_id}/participants",
        "/portal/events/irf/participants",
        {},
        ORGANISER,
    ),
    (
        "POST",
        "/portal/events/{event_id}/participants/{participant_id}/link",
        "/portal/events/irf/participants/RU0001/link",
        {},
        ORGANISER,
    ),
    ("GET", "/portal/events/{event_id}/requests", "/portal/events/irf/requests", {}, ORGANISER),
    ("GET", "/portal/events/{event_id}/schedule", "/portal/events/irf/schedule", {}, ORGANISER),
    (
        "GET",
        "/portal/events/{event_id}/schedule/job",
        "/portal/events/irf/schedule/job",
        {},
        ORGANISER,
    ),
    (
        "POST",
        "/portal/events/{event_id}/schedule/run",
        "/portal/events/irf/schedule/run",
        {"seconds": "5"},
        ORGANISER,
    ),
    (
        "POST",
        "/portal/events/{event_id}/schedule/lock",
        "/portal/events/irf/schedule/lock",
        {"everything": "1"},
        ORGANISER,
    ),
    (
        "POST",
        "/portal/events/{event_id}/schedule/publish",
        "/portal/events/irf/schedule/publish",
        {},
        ORGANISER,
    ),
    (
        "GET",
        "/portal/events/{event_id}/export/{name}.{fmt}",
        "/portal/events/irf/export/meetings.csv",
        {},
        ORGANISER,
    ),
    ("GET", "/portal/events/{event_id}/day", "/portal/events/irf/day", {}, ORGANISER),
    (
        "POST",
        "/portal/events/{event_id}/day/attendance",
        "/portal/events/irf/day/attendance",
        {"participant_id": "RU0003", "status": "present"},
        ORGANISER,
    ),
    (
        "POST",
        "/portal/events/{event_id}/day/reschedule",
        "/portal/events/irf/day/reschedule",
        {"from_slot": "s05", "seconds": "5"},  # the least solver time the form takes
        ORGANISER,
    ),
    ("GET", "/portal/me", "/portal/me", {}, PARTICIPANTS),
    ("GET", "/portal/me/agenda.pdf", "/portal/me/agenda.pdf", {}, PARTICIPANTS),
    ("GET", "/portal/me/profile", "/portal/me/profile", {}, PARTICIPANTS),
    ("POST", "/portal/me/profile", "/portal/me/profile", {"organisation": ""}, PARTICIPANTS),
    ("GET", "/portal/me/products", "/portal/me/products?q=leather", {}, PARTICIPANTS),
    ("GET", "/portal/me/suggestions", "/portal/me/suggestions", {}, PARTICIPANTS),
    (
        "GET",
        "/portal/me/people/{participant_id}",
        "/portal/me/people/IN0002",
        {},
        PARTICIPANTS,
    ),
    (
        "POST",
        "/portal/me/preferences",
        "/portal/me/preferences",
        {"target": "IN0002", "level": "must"},
        PARTICIPANTS,
    ),
    ("GET", "/portal/me/requests", "/portal/me/requests", {}, PARTICIPANTS),
    (
        "POST",
        "/portal/me/requests",
        "/portal/me/requests",
        {"recipient": "IN0002"},
        PARTICIPANTS,
    ),
    (
        "POST",
        "/portal/me/requests/{request_id}/{decision}",
        "/portal/me/requests/REQUEST/accept",
        {},
        frozenset({"participant_b"}),
    ),
    ("GET", "/portal/calendar/{token}.ics", "CALENDAR", {}, ANYONE),  # a capability URL
    ("GET", "/portal/me/sessions", "/portal/me/sessions", {}, PARTICIPANTS),
    (
        "POST",
        "/portal/me/sessions/{session_id}/{action}",
        "/portal/me/sessions/none/join",
        {},
        PARTICIPANTS,
    ),
    (
        "POST",
        "/portal/events/{event_id}/requests/seat",
        "/portal/events/irf/requests/seat",
        {},
        ORGANISER,
    ),
]


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[dict[str, Any]]:
    """The two events and a browser per kind of visitor; A asked B for a meeting. On a
    SQLite database of its own (the pages' database behaviour is tested on both servers by
    the other page tests; this matrix is about who may do what)."""
    from tests.web.portal.conftest import portal_on
    from tradepivot.db.engine import make_engine
    from tradepivot.web.portal.ratelimit import LoginLimiter

    root = tmp_path_factory.mktemp("matrix")
    shutil.copyfile(sqlite_template, root / "portal.sqlite3")
    engine = make_engine(f"sqlite:///{root / 'portal.sqlite3'}")
    # a lenient limiter: the matrix signs in many times from one address (limits: test_sessions)
    app: FastAPI = portal_on(engine, root, limiter=LoginLimiter(10_000))
    organiser = Browser(app)
    organiser.sign_in()
    for event_id, who in (("irf", organiser), ("other", None)):
        if who is None:
            who = Browser(app)
            who.sign_in("other@forum.example", "battery staple")
        response = who.post(
            "/portal/events/import",
            data={"csrf_token": who.token("/portal/events"), "event_id": event_id},
            files=example_files(),
        )
        assert response.status_code == 303, response.text
    other_organiser = Browser(app)
    other_organiser.sign_in("other@forum.example", "battery staple")
    a = participant(organiser, "irf", "RU0001")
    b = participant(organiser, "irf", "IN0001")
    other_participant = participant(other_organiser, "other", "RU0001")
    a.form("/portal/me/requests", {"recipient": "IN0001"}, "/portal/me")
    (request,) = backend_of(organiser).requests
    held = load_event(EXAMPLE)[0].meetings  # something published: agendas and feeds answer
    backend_of(organiser).store.publish("irf", held, base_version=0)
    calendar = organiser.app.state.portal.calendar_token("irf", "RU0001")
    yield {
        "visitors": {
            "anonymous": Browser(app),
            "participant_a": a,
            "participant_b": b,
            "other_participant": other_participant,
            "other_organiser": other_organiser,
            "organiser": organiser,
        },
        "request": request.id,
        "calendar": f"/portal/calendar/{calendar}.ics",
    }
    app.state.tradepivot.close()
    engine.dispose()


def _walk(routes: Any) -> Iterator[Any]:
    """Every route, inside included routers too (FastAPI keeps them nested)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _walk(inner.routes)
        else:
            yield route


def test_every_portal_route_is_in_the_matrix(world: dict[str, Any]) -> None:
    app = world["visitors"]["organiser"].app
    routes = {
        (method, route.path)
        for route in _walk(app.routes)
        if getattr(route, "path", "").startswith("/portal")
        for method in (getattr(route, "methods", None) or set()) - {"HEAD"}
    }
    assert len(routes) > 30
    assert routes == {(method, path) for method, path, *_ in ROUTES}


@pytest.mark.parametrize(
    ("method", "route", "path", "data", "allowed"), ROUTES, ids=[f"{m} {r}" for m, r, *_ in ROUTES]
)
def test_route_allows_only_whom_it_should(
    world: dict[str, Any],
    method: str,
    route: str,
    path: str,
    data: dict[str, Any],
    allowed: frozenset[str],
) -> None:
    path = path.replace("REQUEST", str(world["request"]))
    if path == "CALENDAR":
        path = world["calendar"]
    for who in VISITORS:
        browser: Browser = world["visitors"][who]
        if method == "GET":
            response = browser.get(path)
        else:
            token = browser.token("/portal/signin")
            files = example_files()[:1] if path.endswith("/import") else None
            response = browser.post(path, data={**data, "csrf_token": token}, files=files)
        if route == "/portal/logout" and who != "anonymous":
            # signing in or out changes the visitor: sign them back in for the next routes
            _restore(world, who)
        if who in allowed:
            assert response.status_code not in DENIED | {400}, (
                who,
                response.status_code,
                response.text[:300],
            )
        else:
            assert response.status_code in DENIED | {400, 409, 422, 429}, (
                who, response.status_code, response.text[:300],
            )  # fmt: skip
            if response.status_code in (409, 422):  # refused for the input, not the visitor:
                assert who in allowed or route.startswith("/portal/me/requests/"), who


def _restore(world: dict[str, Any], who: str) -> None:
    organiser: Browser = world["visitors"]["organiser"]
    if who == "organiser":
        fresh = Browser(organiser.app)
        fresh.sign_in()
    elif who == "other_organiser":
        fresh = Browser(organiser.app)
        fresh.sign_in("other@forum.example", "battery staple")
    else:
        event, pid = {
            "participant_a": ("irf", "RU0001"),
            "participant_b": ("irf", "IN0001"),
            "other_participant": ("other", "RU0001"),
        }[who]
        sender = Browser(organiser.app)
        sender.sign_in() if event == "irf" else sender.sign_in(
            "other@forum.example", "battery staple"
        )
        fresh = participant(sender, event, pid)
    world["visitors"][who] = fresh


def test_participants_never_read_others_contacts_or_declined_requests(
    world: dict[str, Any],
) -> None:
    visitors = world["visitors"]
    b: Browser = visitors["participant_b"]
    pages = ["/portal/me", "/portal/me/requests", "/portal/me/people/RU0001", "/portal/me/profile"]
    others = [
        p
        for pid, p in backend_of(b).store.load("irf").event.participants.items()
        if pid != "IN0001" and p.email
    ]
    for page in pages:
        text = b.get(page).text
        leaked = [p.email for p in others if p.email in text] + [
            p.contact for p in others if p.contact and p.contact in text
        ]
        assert not leaked, (page, leaked[:3])

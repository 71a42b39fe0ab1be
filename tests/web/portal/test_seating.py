"""Accepted requests after publication, in the browser: the meeting goes straight into both
agendas and calendars (a new published version, e-mailed); the organiser seats what was
accepted before and sees what could not be seated, and why."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from tests.web.portal.conftest import Browser, backend_of, example_files, participant
from tradepivot.services.portal.outbox import outbox

# the example forum moved to a day ahead, so that its slots are still to come
AHEAD = (dt.date.today() + dt.timedelta(days=30)).isoformat().encode()


def _forum_ahead(browser: Browser) -> Browser:
    browser.sign_in()
    files = [
        (field, (name, data.replace(b"2025-12-04", AHEAD) if name == "slots.csv" else data))
        for field, (name, data) in example_files()
    ]
    response = browser.post(
        "/portal/events/import",
        data={"csrf_token": browser.token("/portal/events"), "event_id": "irf"},
        files=files,
    )
    assert response.status_code == 303, response.text
    return browser


def _ask(asker: Browser, recipient: str) -> None:
    sent = asker.form("/portal/me/requests", {"recipient": recipient}, "/portal/me")
    assert sent.status_code == 303


def test_a_request_accepted_after_publication_is_in_both_agendas(browser: Browser) -> None:
    organiser = _forum_ahead(browser)
    backend = backend_of(organiser)
    held = backend.store.load("irf").event.meetings
    backend.store.publish("irf", held, base_version=0)
    buyer = participant(organiser, "irf", "RU0003")
    seller = participant(organiser, "irf", "IN0002")
    _ask(seller, "RU0003")
    (request,) = backend.requests

    accepted = buyer.form(f"/portal/me/requests/{request.id}/accept", {}, "/portal/me")

    assert accepted.status_code == 303
    assert "in both agendas" in buyer.get("/portal/me/requests?lang=en").text
    version = backend.store.published("irf")
    assert version is not None and version.number == 2
    (new,) = [m for m in version.meetings if m.pair == ("IN0002", "RU0003")]
    assert new.locked
    where = {(m.pair, m.slot, m.table) for m in version.meetings}
    assert {(m.pair, m.slot, m.table) for m in held} <= where  # nobody else moved
    # both agendas and the buyer's calendar feed show it
    seller_name = backend.store.load("irf").event.participants["IN0002"].organisation
    agenda = buyer.get("/portal/me?lang=en").text
    assert seller_name in agenda
    feed_url = agenda.split('id="calendar" class="wide" readonly value="', 1)[1].split('"')[0]
    feed = Browser(organiser.app).get(feed_url.removeprefix("http://testserver"))
    assert len(list(Calendar.from_ical(feed.content).walk("VEVENT"))) == 1
    # both were e-mailed the change, with a calendar file
    changed = [m for m in outbox(backend.engine) if m.kind == "schedule_published"]
    people = backend.store.load("irf").event.participants
    assert {m.recipient for m in changed} == {
        people["IN0002"].email.lower(),
        people["RU0003"].email.lower(),
    }
    assert all(a.filename.endswith(".ics") for m in changed for a in m.attachments)
    # the organiser's overview shows where they meet
    overview = organiser.get("/portal/events/irf/requests?lang=en").text
    assert f"table {new.table}" in overview and "not seated yet" not in overview


def test_the_organiser_seats_requests_accepted_before_publication(browser: Browser) -> None:
    organiser = _forum_ahead(browser)
    backend = backend_of(organiser)
    buyer = participant(organiser, "irf", "RU0003")
    seller = participant(organiser, "irf", "IN0002")
    _ask(seller, "RU0003")
    (request,) = backend.requests
    buyer.form(f"/portal/me/requests/{request.id}/accept", {}, "/portal/me")
    # nothing published yet: the optimiser's next run will make it a must-meet
    assert "when the organiser makes the schedule" in buyer.get("/portal/me/requests?lang=en").text
    assert backend.store.published("irf") is None
    backend.store.publish("irf", backend.store.load("irf").event.meetings, base_version=0)
    overview = organiser.get("/portal/events/irf/requests?lang=en").text
    assert "not seated yet" in overview and "Seat 1 accepted request now" in overview

    seated = organiser.form("/portal/events/irf/requests/seat", {}, "/portal/events/irf/requests")

    assert seated.status_code == 200
    assert "1 accepted request seated" in seated.text and "version 2" in seated.text
    version = backend.store.published("irf")
    assert version is not None and ("IN0002", "RU0003") in {m.pair for m in version.meetings}
    # again: nothing left to seat, nothing published
    again = organiser.form("/portal/events/irf/requests/seat", {}, "/portal/events/irf/requests")
    assert "0 accepted requests seated" in again.text
    assert backend.store.published("irf").number == 2  # type: ignore[union-attr]

"""The portal end to end in Debian's chromium, on the real database (SQLite, migrated).

An organiser signs in and imports the example forum; two participants sign in from the
links the outbox holds (one on a 390-pixel phone, in Russian); one adds a product found by
plain words to their profile and asks the other for a meeting, the other accepts; the
organiser runs the optimiser in the background, reviews the draft and publishes it; the
first participant's agenda, in Russian, shows the meeting. On the
day, from a phone, the organiser marks the second a no-show and reschedules from that
meeting's slot; once published, the first participant's calendar feed cancels the meeting
(same UID, SEQUENCE up) and their e-mail carries the cancelling calendar.
Screenshots go to test-artifacts/portal/ (docs/images/portal-*.png are copies of them).
No script or Content-Security-Policy error is allowed on any page.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from tests.web.portal.conftest import EXAMPLE
from tests.web.test_browser import ARGS, CHROMIUM, _sync_api
from tradepivot.config import Settings
from tradepivot.db.store import SqlStore
from tradepivot.services.portal import accounts
from tradepivot.services.portal.database import open_database
from tradepivot.services.portal.outbox import outbox
from tradepivot.web import create_app
from tradepivot.web.portal.sessions import KEY_ENV

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).parents[3] / "test-artifacts" / "portal"
PASSWORD = "a long demo passphrase"


@pytest.fixture(scope="module")
def portal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    import uvicorn

    root = tmp_path_factory.mktemp("portal-browser")
    settings = Settings(
        warehouse=root / "none.duckdb",
        cache_dir=root / "cache",
        database_url=f"sqlite:///{root / 'portal.sqlite3'}",
    )
    engine = open_database(settings, upgrade_schema=True)
    accounts.add_organiser(engine, "org@forum.example", PASSWORD, name="Organiser")
    engine.dispose()
    saved = os.environ.get(KEY_ENV)
    os.environ[KEY_ENV] = "browser-test-session-key-0123456789"
    app = create_app(settings)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", settings
    server.should_exit = True
    thread.join(timeout=10)
    app.state.tradepivot.close()
    if saved is None:
        os.environ.pop(KEY_ENV, None)
    else:
        os.environ[KEY_ENV] = saved


def _page(browser: Any, errors: list[str], width: int = 1280, height: int = 860) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(120_000)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def _shot(page: Any, name: str, *, full: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def _link(settings: Settings, email: str) -> str:
    engine = open_database(settings)
    try:
        mails = outbox(engine, recipient=email)
    finally:
        engine.dispose()
    links = [m for m in mails if m.kind == "sign_in"]
    assert links, f"no sign-in link to {email} in the outbox"
    body = links[-1].body_text
    return next(w for w in body.split() if "/portal/signin/" in w)


def _meeting_slot(settings: Settings, pair: tuple[str, str]) -> str:
    """The slot of ``pair``'s meeting in the published schedule."""
    engine = open_database(settings)
    try:
        version = SqlStore(engine).published("irf")
    finally:
        engine.dispose()
    assert version is not None
    found = [m.slot for m in version.meetings if m.pair == pair]
    assert found, f"no meeting of {pair} in the published schedule"
    return found[0]


def _send_link(page: Any, server: str, pid: str) -> None:
    page.goto(f"{server}/portal/events/irf/participants?q={pid}")
    page.locator(f'form[action="/portal/events/irf/participants/{pid}/link"] button').click()
    page.wait_for_selector(".notice")


def test_organiser_and_participants_run_a_forum(portal_server: tuple[str, Settings]) -> None:
    server, settings = portal_server
    sync_api = _sync_api()
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        organiser = _page(browser, errors)
        organiser.goto(server + "/portal/login?lang=en")
        organiser.fill("#email", "org@forum.example")
        organiser.fill("#password", PASSWORD)
        _shot(organiser, "portal-1-login")
        organiser.locator('form[action="/portal/login"] button').click()
        organiser.wait_for_url("**/portal/events")

        organiser.fill("#new_event_id", "irf")
        files = sorted(str(f) for f in EXAMPLE.iterdir() if f.suffix in (".csv", ".yaml"))
        organiser.set_input_files("#folder_files", files)
        organiser.locator('form[action="/portal/events/import"] button').click()
        organiser.wait_for_url("**/portal/events/irf")
        assert "<dd>500</dd>" in organiser.content()
        _shot(organiser, "portal-2-event")

        _send_link(organiser, server, "RU0017")
        _send_link(organiser, server, "IN0003")
        organiser.goto(server + "/portal/events/irf/participants?side=buyer&country=RUS")
        _shot(organiser, "portal-3-participants")

        # participant A: a Russian buyer on a phone, signed in from the mailed link
        phone = _page(browser, errors, width=390, height=844)
        phone.goto(_link(settings, "natalia.morozova@kestrilon.example"))
        phone.locator("#continue").click()
        phone.wait_for_url("**/portal/me?lang=ru")
        assert "Организатор ещё не опубликовал расписание" in phone.content()
        # A adds a product they seek, found by plain words, to their profile
        phone.goto(server + "/portal/me/profile")
        phone.fill("#product_q", "leather handbags")
        phone.wait_for_selector("#product_hits code")  # htmx asks the search as A types
        code = phone.locator("#product_hits code").first.inner_text()
        seeks = phone.input_value("#seeks")
        phone.fill("#seeks", f"{seeks};{code}" if seeks else code)
        phone.locator('form[action="/portal/me/profile"] button[type="submit"]').click()
        phone.wait_for_url("**/portal/me/profile")
        assert code in phone.input_value("#seeks").split(";")
        phone.goto(server + "/portal/me/people/IN0003")
        phone.locator('form[action="/portal/me/requests"] button').click()
        phone.wait_for_url("**/portal/me/requests")
        assert "Anvant Leather Pvt Ltd" in phone.content()

        # participant B accepts
        laptop = _page(browser, errors)
        laptop.goto(_link(settings, "vikram.verma@anvant.example"))
        laptop.locator("#continue").click()
        laptop.wait_for_url("**/portal/me?lang=*")
        laptop.goto(server + "/portal/me/requests?lang=en")
        laptop.locator('form[action$="/accept"] button').click()
        laptop.wait_for_url("**/portal/me/requests")
        assert "accepted" in laptop.content()
        _shot(laptop, "portal-4-requests")

        # the organiser schedules in the background, reviews and publishes
        organiser.goto(server + "/portal/events/irf/schedule")
        organiser.fill('input[name="seconds"]', "20")
        organiser.locator("#run").click()
        organiser.wait_for_selector("progress.progress")
        organiser.wait_for_selector('[data-job="done"]', timeout=600_000)  # htmx polls it
        organiser.goto(server + "/portal/events/irf/schedule?view=draft")
        organiser.wait_for_selector("#grid")
        _shot(organiser, "portal-5-draft")
        organiser.locator("#publish").click()
        organiser.wait_for_url("**view=published**")

        # A's agenda, in Russian, on the phone: the meeting with B
        phone.goto(server + "/portal/me?lang=ru")
        content = phone.content()
        assert "Ваши встречи" in content
        assert "Anvant Leather Pvt Ltd" in content
        assert "vikram.verma" not in content  # never the counterpart's contact details
        _shot(phone, "portal-6-agenda-ru")
        feed = phone.locator("#calendar").input_value()

        # on the day, at the desk with a phone: B does not come; reschedule from B's slot
        slot = _meeting_slot(settings, ("IN0003", "RU0017"))
        desk = organiser.context.new_page()
        desk.set_viewport_size({"width": 390, "height": 844})
        desk.goto(server + "/portal/events/irf/day?q=IN0003&lang=en")
        desk.locator('form[action$="/day/attendance"]:has(input[value="no_show"]) button').click()
        desk.wait_for_selector(".notice")
        assert desk.input_value("#no_shows") == "IN0003"  # the recorded no-show, ready
        desk.select_option("#from_slot", slot)
        desk.locator('form[action$="/day/reschedule"] button').click()
        desk.wait_for_selector('a.button[href*="/schedule?view=draft"]', timeout=600_000)
        assert "Anvant Leather Pvt Ltd" in desk.content()  # the change is listed
        _shot(desk, "portal-7-day-reschedule", full=True)
        organiser.goto(server + "/portal/events/irf/schedule?view=draft")
        organiser.locator("#publish").click()
        organiser.wait_for_url("**view=published**")

        # A's calendar subscription now cancels the meeting with B (same UID, SEQUENCE up)
        answer = phone.request.get(feed)
        assert answer.status == 200
        events = list(Calendar.from_ical(answer.body()).walk("VEVENT"))
        with_b = [e for e in events if "Anvant Leather Pvt Ltd" in str(e["SUMMARY"])]
        assert len(with_b) == 1, [str(e["SUMMARY"]) for e in events]
        assert str(with_b[0]["STATUS"]) == "CANCELLED" and int(with_b[0]["SEQUENCE"]) >= 1
        browser.close()
    assert not errors, errors
    # publishing e-mailed A the calendar file of their meetings (with the meeting with B)
    engine = open_database(settings)
    try:
        told = [m for m in outbox(engine, recipient="natalia.morozova@kestrilon.example")
                if m.kind == "schedule_published"]  # fmt: skip
    finally:
        engine.dispose()
    assert len(told) == 1, told
    (calendar,) = [a for a in told[0].attachments if a.filename.endswith(".ics")]
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(calendar.text).walk("VEVENT")]
    assert any("Anvant Leather Pvt Ltd" in text for text in summaries), summaries
    # the reschedule's version told A too, with a calendar that cancels the meeting with B
    engine = open_database(settings)
    try:
        changed = [m for m in outbox(engine, recipient="natalia.morozova@kestrilon.example")
                   if m.kind in ("meeting_changed", "meeting_cancelled")]  # fmt: skip
    finally:
        engine.dispose()
    assert len(changed) == 1, changed
    cancels = [a for a in changed[0].attachments if "method=CANCEL" in a.content_type]
    assert cancels and "Anvant Leather Pvt Ltd" in cancels[0].text

"""The schedule from the organiser's side: a background run, review, lock, publish, the
participant's agenda and calendar, exports, and a reschedule after a no-show."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import Engine

from tests.web.portal.conftest import EXAMPLE, Browser, backend_of, participant, portal_on
from tradepivot.events import load_event
from tradepivot.reports.agenda import agenda_calendars

pytestmark = pytest.mark.slow


def _wait_for_job(organiser: Browser, event_id: str) -> str:
    deadline = time.monotonic() + 600  # a wait, not a speed assertion: the machine is shared
    while time.monotonic() < deadline:
        fragment = organiser.get(f"/portal/events/{event_id}/schedule/job").text
        if 'data-job="' in fragment:
            return fragment
        time.sleep(0.5)
    raise AssertionError("the optimiser's job did not finish")


def test_run_review_lock_publish_and_the_agenda(irf: Browser) -> None:
    buyer = participant(irf, "irf", "RU0003")
    seller = participant(irf, "irf", "IN0001")
    seller.form("/portal/me/requests", {"recipient": "RU0003"}, "/portal/me")
    (request,) = backend_of(irf).requests
    buyer.form(f"/portal/me/requests/{request.id}/accept", {}, "/portal/me")

    token = irf.token("/portal/events/irf/schedule")
    started = irf.post(
        "/portal/events/irf/schedule/run", data={"csrf_token": token, "seconds": "5"}
    )
    assert started.status_code == 303
    again = irf.post("/portal/events/irf/schedule/run", data={"csrf_token": token, "seconds": "5"})
    assert again.status_code in (303, 409)  # 409 while the first still runs
    fragment = _wait_for_job(irf, "irf")
    assert 'data-job="done"' in fragment, fragment

    page = irf.get("/portal/events/irf/schedule?view=draft")
    assert 'id="grid"' in page.text
    draft = backend_of(irf).store.draft("irf")
    assert draft is not None and len(draft.meetings) > 100
    assert f'<dd id="meeting-count">{len(draft.meetings)}</dd>' in page.text
    # the accepted request is a must-meet now (the optimiser weighs it; it may not seat it)
    preferences = backend_of(irf).store.load("irf").event.preferences
    assert ("IN0001", "RU0003", "must") in {(p.source, p.target, p.level) for p in preferences}
    hall = irf.get("/portal/events/irf/schedule?view=draft&side=official")
    shown = int(hall.text.split('id="shown">', 1)[1].split(" of ")[0])
    officials = {
        p.id
        for p in backend_of(irf).store.load("irf").event.participants.values()
        if p.side == "official"
    }
    assert shown == sum(1 for m in draft.meetings if officials & set(m.pair))

    irf.form("/portal/events/irf/schedule/lock", {"everything": "1"}, "/portal/events/irf/schedule")
    assert all(m.locked for m in backend_of(irf).store.draft("irf").meetings)  # type: ignore[union-attr]
    published = irf.form("/portal/events/irf/schedule/publish", {}, "/portal/events/irf/schedule")
    assert published.status_code == 303
    version = backend_of(irf).store.published("irf")
    assert version is not None and version.number == 1
    # participants are told, with the agenda's calendar files (the mail itself:
    # tests/services/portal/test_sender.py on the database's own backend)
    assert backend_of(irf).notified == [("irf", agenda_calendars)]

    # the buyer's agenda, in Russian, shows the meeting with the seller; the feed too
    agenda = buyer.get("/portal/me?lang=ru")
    assert "Ваши встречи" in agenda.text
    names = backend_of(irf).store.load("irf").event.participants
    for m in version.meetings:
        if "RU0003" in m.pair:
            other = names[m.b if m.a == "RU0003" else m.a]
            assert other.organisation in agenda.text
            assert other.email not in agenda.text and other.contact not in agenda.text
    feed_url = agenda.text.split('id="calendar" class="wide" readonly value="', 1)[1].split('"')[0]
    feed = Browser(irf.app).get(feed_url.removeprefix("http://testserver"))  # no session needed
    assert feed.status_code == 200
    events = list(Calendar.from_ical(feed.content).walk("VEVENT"))
    mine = [m for m in version.meetings if "RU0003" in m.pair]
    assert len(events) == len(mine) > 0
    assert Browser(irf.app).get("/portal/calendar/" + "x" * 40 + ".ics").status_code == 404
    pdf = buyer.get("/portal/me/agenda.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    exported = irf.get("/portal/events/irf/export/meetings.csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == len(version.meetings)
    assert irf.get("/portal/events/irf/export/meetings.xlsx").content[:2] == b"PK"

    # on the day, from the desk: find RU0003, mark them a no-show, check IN0001 in
    found = irf.get("/portal/events/irf/day?q=RU0003")
    assert "RU0003" in found.text and "not recorded yet" in found.text
    for pid, status in (("RU0003", "no_show"), ("IN0001", "present"), ("RU0003", "no_show")):
        done = irf.form(
            "/portal/events/irf/day/attendance",
            {"participant_id": pid, "status": status, "q": pid},
            "/portal/events/irf/day",
        )
        assert done.status_code == 303 and done.headers["location"].endswith(f"?q={pid}")
    page = irf.get("/portal/events/irf/day?q=RU0003").text
    assert "Checked in: 1; no-shows: 1." in page and 'aria-pressed="true">No-show' in page
    assert 'name="no_shows" maxlength="2000" value="RU0003"' in page  # the form starts with them
    bad = irf.form(
        "/portal/events/irf/day/attendance",
        {"participant_id": "XX9999", "status": "present"},
        "/portal/events/irf/day",
    )
    assert bad.status_code == 404
    wrong = irf.form(
        "/portal/events/irf/day/attendance",
        {"participant_id": "RU0003", "status": "late"},
        "/portal/events/irf/day",
    )
    assert wrong.status_code in (400, 422)
    # on the day: RU0003 does not come from the third slot on
    third = backend_of(irf).store.load("irf").event.slots[2].id
    later = [m for m in mine if m.slot >= third]
    response = irf.form(
        "/portal/events/irf/day/reschedule",
        {"from_slot": third, "no_shows": "RU0003", "seconds": "5"},
        "/portal/events/irf/day",
    )
    assert response.status_code == 200, response.text[-3000:]
    if later:
        assert "Zarinilon Retail" in response.text.split("Changes", 1)[1]


def test_agendas_zip_has_one_pdf_per_participant_with_meetings(irf: Browser) -> None:
    store = backend_of(irf).store
    held = load_event(EXAMPLE)[0].meetings  # the example folder's three locked meetings
    store.publish("irf", held, base_version=0)
    response = irf.get("/portal/events/irf/export/agendas.zip")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    expected = sorted({p for m in held for p in m.pair})
    assert len(expected) == 6
    assert names == [f"agenda-{p}.pdf" for p in expected]


def test_a_job_is_one_per_event_across_workers(
    irf: Browser, engine: Engine, tmp_path: Path
) -> None:
    """Two apps on one database stand for two server workers: a job started on one is
    shown by the other, which refuses a second start and reports its end."""
    other_worker = Browser(portal_on(engine, tmp_path / "worker-2", organisers=False))
    other_worker.sign_in()
    token = irf.token("/portal/events/irf/schedule")
    started = irf.post(
        "/portal/events/irf/schedule/run", data={"csrf_token": token, "seconds": "5"}
    )
    assert started.status_code == 303
    fragment = other_worker.get("/portal/events/irf/schedule/job").text
    assert "<progress" in fragment or 'data-job="done"' in fragment
    second = other_worker.post(
        "/portal/events/irf/schedule/run",
        data={"csrf_token": other_worker.token("/portal/events/irf/schedule"), "seconds": "5"},
    )
    assert second.status_code == 409 or 'data-job="done"' in fragment
    assert 'data-job="done"' in _wait_for_job(other_worker, "irf")

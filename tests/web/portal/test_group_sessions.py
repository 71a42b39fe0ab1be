"""Roadshows and B2G briefings from the participant's side: join and leave, the seats
counted, the agenda showing the block, a session that would clash with a meeting refused
with the meeting named, and concurrent joins never beyond the seats."""

from __future__ import annotations

import datetime as dt
import io
import threading
from dataclasses import replace

from icalendar import Calendar
from pypdf import PdfReader

from tests.web.portal.conftest import Browser, backend_of, participant
from tradepivot.errors import InputError
from tradepivot.matchmaking.model import GroupSession, Meeting


def _with_sessions(irf: Browser) -> tuple[GroupSession, GroupSession]:
    """The example forum with a one-seat B2G briefing over s02 and a roadshow after s06."""
    store = backend_of(irf).store
    event = store.load("irf").event
    slots = {s.id: s for s in event.slots}
    venue = slots["s02"].venue
    briefing = GroupSession(
        "b2g", "Ministry briefing: EAEU customs", slots["s02"].start, slots["s02"].end,
        venue, capacity=1, kind="b2g", description="Certificates of origin, EAEU rules.",
    )  # fmt: skip
    later = slots["s06"].end + dt.timedelta(minutes=30)
    roadshow = GroupSession(
        "road", "CLE leather roadshow", later, later + dt.timedelta(hours=1), venue, capacity=40
    )
    store.save("irf", replace(event, sessions=(briefing, roadshow)))
    return briefing, roadshow


def test_join_leave_and_the_agenda_shows_the_block(irf: Browser) -> None:
    _with_sessions(irf)
    first = participant(irf, "irf", "RU0001")
    second = participant(irf, "irf", "RU0002")
    page = first.get("/portal/me/sessions?lang=en").text
    assert "Ministry briefing: EAEU customs" in page and "1 seat left" in page

    joined = first.form("/portal/me/sessions/b2g/join", {}, "/portal/me/sessions")

    assert joined.status_code == 303
    event = backend_of(irf).store.load("irf").event
    assert {s.id: s.attendees for s in event.sessions}["b2g"] == ("RU0001",)
    assert "s02" in event.session_busy["RU0001"]  # the scheduler keeps the slot free
    backend_of(irf).store.publish("irf", [], base_version=0)  # agendas need a schedule
    agenda = first.get("/portal/me?lang=en").text
    assert "Your sessions" in agenda and "Ministry briefing: EAEU customs" in agenda
    # the calendar feed and the PDF carry the block too
    feed = agenda.split('id="calendar" class="wide" readonly value="', 1)[1].split('"')[0]
    ics = Browser(irf.app).get(feed.removeprefix("http://testserver")).content
    (block,) = [e for e in Calendar.from_ical(ics).walk("VEVENT") if "-session-" in e["UID"]]
    assert str(block["SUMMARY"]) == "Ministry briefing: EAEU customs"
    assert str(block["UID"]).endswith("-session-b2g@tradepivot")
    pdf = first.get("/portal/me/agenda.pdf?lang=en").content
    assert "Ministry briefing" in "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages
    )
    full = second.form("/portal/me/sessions/b2g/join", {}, "/portal/me/sessions")
    assert full.status_code == 409 and "is full (1 seats)" in full.text
    first.form("/portal/me/sessions/b2g/leave", {}, "/portal/me/sessions")
    assert second.form("/portal/me/sessions/b2g/join", {}, "/portal/me/sessions").status_code == 303


def test_a_session_that_clashes_with_a_meeting_is_refused(irf: Browser) -> None:
    _with_sessions(irf)
    store = backend_of(irf).store
    store.publish("irf", [Meeting("IN0001", "RU0003", "s02", "T01")], base_version=0)
    buyer = participant(irf, "irf", "RU0003")
    page = buyer.get("/portal/me/sessions?lang=en").text
    assert "It clashes with one of your meetings (slot s02)" in page

    refused = buyer.form("/portal/me/sessions/b2g/join", {}, "/portal/me/sessions")

    assert refused.status_code == 409
    assert "would clash with your meeting with Tarunansh Leather Industries" in refused.text
    assert store.load("irf").event.sessions[0].attendees == ()
    assert buyer.form("/portal/me/sessions/road/join", {}, "/portal/me/sessions").status_code == 303


def test_concurrent_joins_never_exceed_the_seats(irf: Browser) -> None:
    _with_sessions(irf)
    store = backend_of(irf).store
    people = [f"RU{n:04d}" for n in range(1, 13)]
    store.set_session_seat("irf", "road", people[0], join=True)
    event = store.load("irf").event
    tight = replace(event.sessions[1], capacity=4)
    store.save("irf", replace(event, sessions=(event.sessions[0], tight)))
    barrier = threading.Barrier(len(people) - 1)
    refused: list[str] = []

    def join(pid: str) -> None:
        barrier.wait()
        try:
            store.set_session_seat("irf", "road", pid, join=True)
        except InputError as exc:
            refused.append(exc.message)

    threads = [threading.Thread(target=join, args=(p,)) for p in people[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    seated = store.load("irf").event.sessions[1].attendees
    assert len(seated) == 4 and people[0] in seated and len(set(seated)) == 4
    assert len(refused) == len(people) - 4 and all("is full" in m for m in refused)

"""Organiser screens: create an event, import the example, find participants."""

from __future__ import annotations

import io

import openpyxl

from tests.web.portal.conftest import EXAMPLE, Browser, example_files

NEW = {
    "event_id": "delhi-2026",
    "name": "Delhi B2B day",
    "timezone": "Asia/Kolkata",
    "venue_name": "Hall B",
    "city": "New Delhi",
    "day": "2026-12-04",
    "start": "10:00",
    "end": "12:00",
    "minutes": "20",
    "tables": "12",
    "interpreters": "Olga Sokolova: en-ru\nGauri Nair: en-ru;hi-ru",
}


def _import(browser: Browser, event_id: str) -> object:
    token = browser.token(f"/portal/events/{event_id}/import")
    return browser.post(
        f"/portal/events/{event_id}/import",
        data={"csrf_token": token},
        files=example_files(),
    )


def test_anonymous_is_sent_to_sign_in(browser: Browser) -> None:
    response = browser.get("/portal/events/irf", headers={"accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["location"] == "/portal/login?next=%2Fportal%2Fevents%2Firf"
    assert browser.get("/portal/events/irf").status_code == 401  # not a browser: the 401


def test_create_an_event_then_import_the_example(browser: Browser) -> None:
    browser.sign_in()
    token = browser.token("/portal/events/new")
    created = browser.post("/portal/events/new", data={**NEW, "csrf_token": token})
    assert created.status_code == 303
    assert created.headers["location"] == "/portal/events/delhi-2026/import"
    page = browser.get("/portal/events/delhi-2026")
    assert "Delhi B2B day" in page.text
    # 10:00-12:00 in 20-minute meetings: six slots; twelve tables, two interpreters
    assert "<dd>6</dd>" in page.text and "<dd>12</dd>" in page.text and "<dd>2</dd>" in page.text
    listed = browser.get("/portal/events")
    assert "/portal/events/delhi-2026" in listed.text

    imported = _import(browser, "delhi-2026")
    assert imported.status_code == 200, imported.text
    assert "the event now has 500 participants" in imported.text
    assert "meetings was not imported" in imported.text
    overview = browser.get("/portal/events/delhi-2026")
    assert "<dd>500</dd>" in overview.text
    assert "Forum Centre, Hall A" in overview.text  # the folder's venues replaced the form's


def test_a_bad_upload_names_file_line_and_field_and_saves_nothing(browser: Browser) -> None:
    browser.sign_in()
    browser.post(
        "/portal/events/new", data={**NEW, "csrf_token": browser.token("/portal/events/new")}
    )
    lines = (EXAMPLE / "participants.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",exporter,", ",exporterr,", 1)
    token = browser.token("/portal/events/delhi-2026/import")
    response = browser.post(
        "/portal/events/delhi-2026/import",
        data={"csrf_token": token},
        files=[("files", ("participants.csv", "\n".join(lines).encode()))],
    )
    assert response.status_code == 422
    assert "participants.csv, line 4, field &#39;side&#39;" in response.text
    assert "tradepivot-import" not in response.text  # never a temporary path
    assert "<dd>0</dd>" in browser.get("/portal/events/delhi-2026").text


def test_unknown_file_names_are_refused(browser: Browser) -> None:
    browser.sign_in()
    browser.post(
        "/portal/events/new", data={**NEW, "csrf_token": browser.token("/portal/events/new")}
    )
    token = browser.token("/portal/events/delhi-2026/import")
    response = browser.post(
        "/portal/events/delhi-2026/import",
        data={"csrf_token": token},
        files=[("files", ("people.csv", b"id\n1\n"))],
    )
    assert response.status_code == 422
    assert "Not an event table: people.csv" in response.text


def test_participants_search_and_filters(irf: Browser) -> None:
    everyone = irf.get("/portal/events/irf/participants")
    assert "500 participants shown" in everyone.text
    leather = irf.get("/portal/events/irf/participants", params={"q": "leather ambur"})
    rows = leather.text.count("<tr>") - 1
    expected = [
        line
        for line in (EXAMPLE / "participants.csv").read_text(encoding="utf-8").splitlines()[1:]
        if "leather" in line.lower() and "ambur" in line.lower()
    ]
    assert rows == len(expected) > 0
    buyers = irf.get("/portal/events/irf/participants", params={"side": "buyer", "country": "RUS"})
    shown = int(buyers.text.split(" participants shown")[0].rsplit(">", 1)[-1])
    count = sum(
        1
        for line in (EXAMPLE / "participants.csv").read_text(encoding="utf-8").splitlines()[1:]
        if ",buyer,RUS," in line
    )
    assert shown == count > 0


def test_template_downloads(irf: Browser) -> None:
    csv = irf.get("/portal/events/irf/template/participants.csv")
    assert csv.status_code == 200
    assert csv.text.splitlines()[0].startswith("id,organisation,side,country")
    xlsx = irf.get("/portal/events/irf/template/participants.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["participants", "About"]
    assert irf.get("/portal/events/irf/template/secrets.csv").status_code == 422


def test_organiser_of_another_event_sees_nothing_of_it(irf: Browser) -> None:
    other = Browser(irf.app)
    other.sign_in("other@forum.example", "battery staple")
    for path in ("/portal/events/irf", "/portal/events/irf/participants"):
        response = other.get(path)
        assert response.status_code == 404
        assert "Tarunansh" not in response.text
    assert "/portal/events/irf" not in other.get("/portal/events").text


def test_a_folder_with_a_taken_id_is_refused(irf: Browser) -> None:
    response = irf.post(
        "/portal/events/import",
        data={"csrf_token": irf.token("/portal/events"), "event_id": "irf"},
        files=example_files(),
    )
    assert response.status_code == 422
    assert "There is already an event" in response.text

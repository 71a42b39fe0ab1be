"""Participant screens: a sign-in link, the profile, requests, preferences, privacy."""

from __future__ import annotations

import pytest

from tests.web.portal.conftest import Browser, backend_of, participant


@pytest.fixture
def russian(irf: Browser) -> Browser:
    """RU0001 (Miroveks Import, speaks Russian), signed in from the organiser's link."""
    return participant(irf, "irf", "RU0001")


def test_link_is_mailed_to_the_registered_address_and_works_once(irf: Browser) -> None:
    person = participant(irf, "irf", "RU0001")
    recipient, body = backend_of(irf).outbox[-1]
    assert recipient == "sergei.popov@miroveks.example"
    page = person.get("/portal/me")
    assert page.status_code == 200 and "Miroveks Import" in page.text
    # the link is spent: a second use (another browser) is refused
    link = body.split("http://testserver", 1)[1].split()[0]
    again = Browser(irf.app)
    refused = again.post(link, data={"csrf_token": again.token(link)})
    assert refused.status_code == 400
    assert again.get("/portal").headers["location"] == "/portal/login"


def test_the_portal_speaks_the_participants_language(irf: Browser) -> None:
    person = Browser(irf.app)
    token = irf.token("/portal/events/irf/participants")
    irf.post("/portal/events/irf/participants/RU0001/link", data={"csrf_token": token})
    link = backend_of(irf).outbox[-1][1].split("http://testserver", 1)[1].split()[0]
    signed = person.post(link, data={"csrf_token": person.token(link)})
    assert signed.headers["location"] == "/portal/me?lang=ru"
    page = person.get(signed.headers["location"])
    assert "Организатор ещё не опубликовал расписание" in page.text


def test_asking_for_a_link_by_email_tells_nothing_about_who_is_registered(irf: Browser) -> None:
    visitor = Browser(irf.app)
    before = len(backend_of(irf).outbox)
    known = visitor.form(
        "/portal/signin", {"email": "sergei.popov@miroveks.example"}, page="/portal/signin"
    )
    unknown = visitor.form("/portal/signin", {"email": "nobody@x.example"}, page="/portal/signin")
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace(known.text, "") == unknown.text.replace(unknown.text, "")
    assert (
        "a sign-in link is on its way" in known.text
        and "a sign-in link is on its way" in unknown.text
    )
    assert len(backend_of(irf).outbox) == before + 1
    assert backend_of(irf).outbox[-1][0] == "sergei.popov@miroveks.example"


def test_request_accept_and_what_each_side_sees(irf: Browser) -> None:
    buyer = participant(irf, "irf", "RU0001")
    seller = participant(irf, "irf", "IN0001")
    asked = seller.form(
        "/portal/me/requests", {"recipient": "RU0001", "message": "Leather bags?"}, "/portal/me"
    )
    assert asked.status_code == 303
    received = buyer.get("/portal/me/requests?lang=en")
    assert "Tarunansh Leather Industries" in received.text and "Leather bags?" in received.text
    (request,) = backend_of(irf).requests
    # the requester cannot answer their own request; the recipient can
    assert (
        seller.form(f"/portal/me/requests/{request.id}/accept", {}, "/portal/me").status_code == 422
    )
    assert (
        buyer.form(f"/portal/me/requests/{request.id}/accept", {}, "/portal/me").status_code == 303
    )
    assert "accepted" in seller.get("/portal/me/requests?lang=en").text
    overview = irf.get("/portal/events/irf/requests")
    assert "Miroveks Import (RU0001)" in overview.text and "accepted: 1" in overview.text


def test_declined_requests_stay_between_the_two(irf: Browser) -> None:
    buyer = participant(irf, "irf", "RU0001")
    seller = participant(irf, "irf", "IN0001")
    third = participant(irf, "irf", "IN0002")
    seller.form("/portal/me/requests", {"recipient": "RU0001"}, "/portal/me")
    (request,) = backend_of(irf).requests
    buyer.form(f"/portal/me/requests/{request.id}/decline", {}, "/portal/me")
    assert "declined" in seller.get("/portal/me/requests?lang=en").text
    page = third.get("/portal/me/requests?lang=en")
    assert "Tarunansh" not in page.text and "Miroveks" not in page.text
    assert (
        third.form(f"/portal/me/requests/{request.id}/accept", {}, "/portal/me").status_code == 422
    )


def test_others_contact_details_are_never_shown(russian: Browser) -> None:
    page = russian.get("/portal/me/people/IN0001?lang=en")
    assert "Tarunansh Leather Industries" in page.text
    assert "farhan.qureshi" not in page.text and "Farhan Qureshi" not in page.text
    assert russian.get("/portal/me/people/NOPE").status_code == 404


def test_profile_edit_is_validated_like_an_import(russian: Browser) -> None:
    form = {
        "organisation": "Miroveks Import LLC",
        "description": "Importer of leather goods",
        "offers": "",
        "seeks": "420221; 640419",
        "languages": "ru;en",
        "timezone": "Europe/Moscow",
        "cooperation_sought": ["supply"],
        "available": ["s01", "s02", "s03"],
    }
    saved = russian.form("/portal/me/profile", form, "/portal/me/profile")
    assert saved.status_code == 303
    me = backend_of(russian).store.load("irf").event.participants["RU0001"]
    assert me.organisation == "Miroveks Import LLC"
    assert me.seeks == ("420221", "640419") and me.languages == ("ru", "en")
    assert me.available == frozenset({"s01", "s02", "s03"})
    assert me.cooperation_sought == ("supply",)
    bad = russian.form("/portal/me/profile", {**form, "seeks": "770000"}, "/portal/me/profile")
    assert bad.status_code == 422 and "seeks" in bad.text
    bad_zone = russian.form(
        "/portal/me/profile", {**form, "timezone": "Mars/Olympus"}, "/portal/me/profile"
    )
    assert bad_zone.status_code == 422 and "timezone" in bad_zone.text
    kept = backend_of(russian).store.load("irf").event.participants["RU0001"]
    assert kept.seeks == ("420221", "640419")  # nothing saved from the bad forms


def test_product_search_finds_hs_codes_by_words(russian: Browser) -> None:
    hits = russian.get("/portal/me/products", params={"q": "leather handbags"})
    assert hits.status_code == 200 and "420221" in hits.text


def test_must_and_no_preferences(russian: Browser) -> None:
    russian.form("/portal/me/preferences", {"target": "IN0001", "level": "must"}, "/portal/me")
    russian.form("/portal/me/preferences", {"target": "IN0002", "level": "no"}, "/portal/me")
    prefs = {
        (p.source, p.target): p.level
        for p in backend_of(russian).store.load("irf").event.preferences
        if p.source == "RU0001"
    }
    assert prefs == {("RU0001", "IN0001"): "must", ("RU0001", "IN0002"): "no"}
    russian.form("/portal/me/preferences", {"target": "IN0002", "level": "clear"}, "/portal/me")
    after = [
        p for p in backend_of(russian).store.load("irf").event.preferences if p.source == "RU0001"
    ]
    assert [(p.target, p.level) for p in after] == [("IN0001", "must")]


@pytest.mark.slow
def test_suggestions_with_reasons_and_a_request_from_them(russian: Browser) -> None:
    page = russian.get("/portal/me/suggestions?lang=en")
    assert page.status_code == 200
    assert page.text.count('class="card"') == 15
    assert "shared language" in page.text or "Both trade HS" in page.text  # the reasons
    assert "@" not in page.text.split("<main", 1)[1]  # no e-mail address of anyone

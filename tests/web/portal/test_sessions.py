"""Sessions, CSRF and login limits: the portal's locks, each tried with the wrong key."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.web.portal.conftest import Browser, backend_of, participant
from tradepivot.cli import main
from tradepivot.errors import InputError
from tradepivot.services.portal.browser_sessions import sign_out_everywhere
from tradepivot.web.portal.ratelimit import LoginLimiter, TooManyAttempts
from tradepivot.web.portal.sessions import COOKIE, KEY_ENV, load_session_key

GOOD = {"email": "org@forum.example", "password": "correct horse"}


def _set_cookie(response: object) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    found = [h for h in headers if h.startswith(COOKIE + "=")]
    assert found, headers
    return str(found[0])


def test_login_starts_a_session_with_safe_cookie_flags(browser: Browser) -> None:
    response = browser.form("/portal/login", GOOD)
    assert response.status_code == 303
    assert response.headers["location"] == "/portal/events"
    cookie = _set_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http on loopback: a Secure cookie would be dropped
    assert browser.get("/portal").headers["location"] == "/portal/events"


def test_cookie_is_secure_over_https(portal_app: FastAPI) -> None:
    browser = Browser(portal_app, base_url="https://testserver")
    assert "; Secure" in _set_cookie(browser.get("/portal/login"))


def test_wrong_password_is_refused_and_names_no_account(browser: Browser) -> None:
    response = browser.form("/portal/login", {**GOOD, "password": "wrong"})
    assert response.status_code == 401
    assert "do not match an organiser account" in response.text
    assert browser.get("/portal").headers["location"] == "/portal/login"


def test_a_tampered_session_cookie_is_anonymous(browser: Browser) -> None:
    browser.form("/portal/login", GOOD)
    value = browser.cookies[COOKIE]
    browser.cookies = type(browser.cookies)({COOKIE: value})  # the same cookie, re-sent
    assert browser.get("/portal").headers["location"] == "/portal/events"
    forged = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    browser.cookies = type(browser.cookies)({COOKIE: forged})
    assert browser.get("/portal").headers["location"] == "/portal/login"


def test_post_without_csrf_token_is_refused(browser: Browser) -> None:
    browser.get("/portal/login")  # the session (and its token) exists
    response = browser.post("/portal/login", data=GOOD)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    wrong = browser.post("/portal/login", data={**GOOD, "csrf_token": "x" * 43})
    assert wrong.status_code == 403


def test_csrf_token_of_another_session_is_refused(portal_app: FastAPI) -> None:
    mine, theirs = Browser(portal_app), Browser(portal_app)
    stolen = theirs.token()
    mine.get("/portal/login")
    assert mine.post("/portal/login", data={**GOOD, "csrf_token": stolen}).status_code == 403


def test_foreign_origin_is_refused_even_with_the_token(browser: Browser) -> None:
    token = browser.token()
    response = browser.post(
        "/portal/login",
        data={**GOOD, "csrf_token": token},
        headers={"origin": "https://evil.example"},
    )
    assert response.status_code == 403
    same = browser.post(
        "/portal/login", data={**GOOD, "csrf_token": token}, headers={"origin": "http://testserver"}
    )
    assert same.status_code == 303


def test_csrf_header_is_accepted_for_htmx(browser: Browser) -> None:
    token = browser.token()
    response = browser.post("/portal/login", data=GOOD, headers={"x-csrf-token": token})
    assert response.status_code == 303


def test_login_is_rate_limited_per_account(browser: Browser) -> None:
    for _ in range(5):
        assert browser.form("/portal/login", {**GOOD, "password": "nope"}).status_code == 401
    blocked = browser.form("/portal/login", GOOD)  # even the right password waits now
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= 900


def test_limiter_window_slides_and_success_clears() -> None:
    now = [0.0]
    limiter = LoginLimiter(attempts=3, window=60, clock=lambda: now[0])
    keys = ["ip:1", "email:a"]
    for _ in range(3):
        limiter.check(keys)
        limiter.failed(keys)
        now[0] += 10
    with pytest.raises(TooManyAttempts) as caught:
        limiter.check(keys)
    assert caught.value.retry_after == 30  # the first failure (t=0) leaves the window at 60
    now[0] = 61
    limiter.check(keys)  # the first failure has left the window
    limiter.failed(keys)  # two failures in the window again: one more attempt allowed
    limiter.succeeded("email:a")
    limiter.failed(keys)
    limiter.check(["email:a"])  # the success cleared the account's count
    with pytest.raises(TooManyAttempts):
        limiter.check(["ip:1"])  # the address keeps its own


def test_open_redirect_is_not_followed(browser: Browser) -> None:
    response = browser.form("/portal/login", {**GOOD, "next": "//evil.example/x"})
    assert response.headers["location"] == "/portal/events"
    browser2 = Browser(browser.app)
    ok = browser2.form("/portal/login", {**GOOD, "next": "/portal/events?x=1"})
    assert ok.headers["location"] == "/portal/events?x=1"


def test_logout_ends_the_session(browser: Browser) -> None:
    browser.form("/portal/login", GOOD)
    page = "/portal/login"  # any page with the form token
    token = browser.token(page)
    assert browser.post("/portal/logout", data={"csrf_token": token}).status_code == 303
    assert browser.get("/portal").headers["location"] == "/portal/login"


def _copy(browser: Browser) -> Browser:
    """Another browser holding a copy of ``browser``'s cookies (a shared computer, a proxy
    log, a lost phone)."""
    thief = Browser(browser.app)
    thief.cookies = httpx.Cookies(browser.cookies)
    return thief


def _signed_out(browser: Browser, page: str, sign_in: str) -> bool:
    """Whether ``page`` sends this browser to ``sign_in`` (a page) and refuses it (the API)."""
    shown = browser.get(page, headers={"accept": "text/html"})
    refused = browser.get(page)
    return (
        shown.status_code == 303
        and shown.headers["location"].startswith(sign_in)
        and refused.status_code == 401
    )


def test_signing_out_voids_every_copy_of_the_cookie(irf: Browser) -> None:
    organiser_copy = _copy(irf)
    assert organiser_copy.get("/portal/events").status_code == 200
    person = participant(irf, "irf", "RU0001")
    person_copy = _copy(person)
    assert person_copy.get("/portal/me").status_code == 200

    person.form("/portal/logout", {}, "/portal/me")
    irf.form("/portal/logout", {}, "/portal/events")

    # the copies were never signed out themselves: the server forgot their sessions
    assert _signed_out(person_copy, "/portal/me", "/portal/signin")
    assert _signed_out(organiser_copy, "/portal/events", "/portal/login")


def test_sign_out_everywhere_from_the_command_line(irf: Browser, engine: Engine) -> None:
    laptop, phone = irf, Browser(irf.app)
    phone.sign_in()
    person = participant(irf, "irf", "RU0001")
    email = backend_of(irf).store.load("irf").event.participants["RU0001"].email
    assert (
        main(
            [
                "users",
                "sign-out",
                "org@forum.example",
                "--url",
                str(engine.url.render_as_string(hide_password=False)),
            ]
        )
        == 0
    )
    for device in (laptop, phone):
        assert _signed_out(device, "/portal/events", "/portal/login")
    assert person.get("/portal/me").status_code == 200  # another account: still signed in
    assert sign_out_everywhere(engine, email) == 1
    assert _signed_out(person, "/portal/me", "/portal/signin")


def test_session_key_generated_once_and_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    path = tmp_path / "data" / "session.key"
    first = load_session_key(path)
    assert len(first) >= 32 and path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_session_key(path) == first  # kept across restarts
    monkeypatch.setenv(KEY_ENV, "k" * 40)
    assert load_session_key(path) == b"k" * 40  # the environment wins
    monkeypatch.setenv(KEY_ENV, "short")
    with pytest.raises(InputError, match="too short"):
        load_session_key(path)

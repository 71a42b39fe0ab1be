"""Every error is one RFC 9457 problem from one handler: the field, close matches, no traceback."""

from __future__ import annotations

import pytest

from tests.web.conftest import Client

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    ("url", "status", "suggestion"),
    [
        ("/api/v1/rank/Rusia?sector=leather", 404, "RUS"),
        ("/api/v1/flows?exporter=IND&importer=Narnia", 404, None),
        ("/api/v1/market/RUS?hs=4299", 404, "4202"),
        ("/api/v1/market/RUS?sector=lether", 404, "leather"),
        ("/api/v1/flows?exporter=IND&importer=RUS&dataset=nope", 404, None),
        ("/api/v1/hs/4299", 404, "4202"),
    ],
)
def test_unknown_things_are_404_with_close_matches(
    client: Client, url: str, status: int, suggestion: str | None
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["type"].startswith("urn:tradepivot:problem:")
    assert body["detail"] and body["instance"] == url.split("?")[0]
    if suggestion:
        assert any(suggestion in s for s in body["suggestions"]), body
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/flows?exporter=IND", "importer"),
        ("/api/v1/rank/IND?top=0", "top"),
        ("/api/v1/rank/IND?top=ten", "top"),
        ("/api/v1/flows?exporter=IND&importer=RUS&level=9", "level"),
        ("/api/v1/rank/IND?currency=EUR", "currency"),
        ("/api/v1/tariffs/USA/IND?hs=42&date=2025-13-01", "date"),
        ("/api/v1/potential", "exporter"),
        ("/api/v1/rank/IND?format=pdf", "format"),
    ],
)
def test_bad_input_is_422_naming_the_field(client: Client, url: str, field: str) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert field in [e["field"] for e in body["errors"]], body


def test_unknown_routes_and_methods_are_problems_too(client: Client) -> None:
    missing = client.get("/api/v1/nothing")
    assert missing.status_code == 404 and missing.json()["title"] == "Not Found"
    wrong = client.post("/api/v1/sectors")
    assert wrong.status_code == 405 and wrong.headers["content-type"] == PROBLEM


def test_a_browser_gets_the_problem_as_a_page(client: Client) -> None:
    response = client.get("/no-such-page?lang=ru", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Not Found" in response.text and 'lang="ru"' in response.text


def test_a_bug_is_a_bare_500_without_a_traceback(web_settings: object) -> None:
    from fastapi import FastAPI

    from tradepivot.web.errors import install_error_handler

    app = FastAPI()
    install_error_handler(app)

    @app.get("/boom")
    def boom() -> None:
        raise ZeroDivisionError("secret internals")

    import asyncio

    import httpx

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await c.get("/boom")

    response = asyncio.run(call())
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert "secret" not in response.text and "Traceback" not in response.text


@pytest.mark.parametrize(
    ("url", "name", "where", "text"),
    [
        ("/api/v1/products/IND?year=1999", "year", "query", "Pick one of those with year."),
        ("/api/v1/flows?exporter=IND&importer=IND", "importer", "query", "pick two different"),
        ("/api/v1/market/RUS?hs=4202&sector=pharma", "hs", "query", "Drop sector to query"),
    ],
)
def test_a_service_error_names_the_request_field_not_a_cli_flag(
    client: Client, url: str, name: str, where: str, text: str
) -> None:
    """The service's ``param`` becomes RFC 9457's ``invalid-params`` entry for this route's
    field, and ``$name`` in the message reads as the field (the CLI says ``--year``)."""
    response = client.get(url)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["invalid-params"] == [{"name": name, "in": where, "reason": body["detail"]}]
    assert body["errors"][0]["field"] == name
    assert text in body["detail"] + " " + body.get("hint", "")
    assert "--" not in response.text and "$" not in response.text

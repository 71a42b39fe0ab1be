"""Security basics: headers with a strict CSP, body limits, assets by name only."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.web.conftest import Client
from tradepivot.config import Settings
from tradepivot.web import create_app


def test_every_response_carries_the_security_headers(client: Client) -> None:
    for url in ("/", "/api/v1/sectors", "/static/app.css", "/api/v1/nothing"):
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        scripts = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert scripts.split()[1:] == ["'self'"]  # no inline script, no eval
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_pages_have_no_inline_script(client: Client) -> None:
    for url in ("/", "/search?q=handbags", "/api/docs"):
        html = client.get(url).text
        for chunk in html.split("<script")[1:]:
            head, _, rest = chunk.partition(">")
            assert "src=" in head or 'type="application/json"' in head, head
            assert rest.startswith("</script>") or 'type="application/json"' in head


@pytest.mark.parametrize(
    "name",
    ["../app.py", "..%2Fapp.py", "%2e%2e/web/app.py", "/etc/passwd", "vendor/../../app.py"],
)
def test_no_request_reaches_a_file_by_path(client: Client, name: str) -> None:
    response = client.get(f"/static/{name}")
    assert response.status_code == 404
    assert b"import" not in response.content


def test_assets_are_cached_by_content(client: Client) -> None:
    first = client.get("/static/vendor/htmx.min.js")
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/javascript")
    again = client.get(
        "/static/vendor/htmx.min.js", headers={"if-none-match": first.headers["etag"]}
    )
    assert again.status_code == 304
    page = client.get("/").text
    versioned = page.split('src="/static/vendor/htmx.min.js?v=')[1].split('"')[0]
    response = client.get(f"/static/vendor/htmx.min.js?v={versioned}")
    assert "immutable" in response.headers["cache-control"]


def test_bodies_over_the_limit_are_refused(tmp_path: object) -> None:
    app = create_app(Settings(warehouse=f"{tmp_path}/w.duckdb", upload_limit=2_000))

    async def post(content: bytes, chunked: bool) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            if chunked:

                async def stream():  # type: ignore[no-untyped-def]
                    for _ in range(10):
                        yield content[: len(content) // 10]

                return await c.post("/api/v1/sectors", content=stream())
            return await c.post("/api/v1/sectors", content=content)

    declared = asyncio.run(post(b"x" * 5_000, chunked=False))
    assert declared.status_code == 413
    assert declared.headers["content-type"] == "application/problem+json"
    assert "upload_limit" in declared.json()["detail"]
    small = asyncio.run(post(b"x" * 100, chunked=False))
    assert small.status_code == 405  # under the limit: the route answers (GET only)
    app.state.tradepivot.close()

"""The web app in a real browser (Debian's chromium through Playwright, no browser download).

The user journey of issue 8: search "handbags" -> HS 4202 -> where else to sell, for India ->
Russia's market page -> download the XLSX -> the brief; then the same pages in Russian. Every
step keeps a screenshot in test-artifacts/web/ (git-ignored), and the browser must report no
script or Content-Security-Policy error: the pages work offline, with no inline script.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tradepivot.config import Settings
from tradepivot.web import create_app

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "web"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


def _sync_api() -> Any:
    required = os.environ.get("REQUIRE_BROWSER") == "1"  # CI: a missing browser fails
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium)"
        pytest.fail(message) if required else pytest.skip(message)
    if required:
        from playwright import sync_api
    else:
        sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    return sync_api


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread of this process."""
    import uvicorn

    root = tmp_path_factory.mktemp("browser")
    app = create_app(Settings(warehouse=root / "none.duckdb", cache_dir=root / "cache"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    app.state.tradepivot.close()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    sync_api = _sync_api()
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _page(browser: Any, errors: list[str], **options: Any) -> Any:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True, **options
    )
    context.set_default_timeout(90_000)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def _charts_drawn(page: Any) -> None:
    from playwright.sync_api import expect

    page.wait_for_selector(".chart-canvas[data-rendered]")
    # (not wait_for_function: it evaluates a string, which the page's CSP rightly forbids)
    expect(page.locator(".chart-canvas:not([data-rendered])")).to_have_count(0)
    states = page.eval_on_selector_all(".chart-canvas", "cs => cs.map(c => c.dataset.rendered)")
    assert states and all(s == "true" for s in states), states
    assert page.locator(".chart-canvas svg.marks").count() == len(states)


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_journey_from_a_search_to_the_brief(server: str, browser: Any, tmp_path: Path) -> None:
    errors: list[str] = []
    page = _page(browser, errors)
    page.goto(server + "/")
    page.fill("#q", "handbags")
    page.wait_for_selector("#suggestions li.hit-hs")  # htmx swaps hits in while typing
    _shot(page, "1-search")
    page.press("#q", "Enter")
    page.wait_for_url("**/search?**")
    heading = page.locator("li.hit-hs", has=page.locator("code", has_text="4202")).first
    heading.get_by_role("link", name="Where to sell").click()
    page.wait_for_url("**/where-to-sell?**hs=4202**")
    _charts_drawn(page)
    assert "IND" in page.url and page.locator("table.data").count() >= 2
    _shot(page, "2-where-to-sell")

    page.get_by_role("link", name="Russia", exact=True).first.click()
    page.wait_for_url("**/market/RUS?**")
    _charts_drawn(page)
    assert page.locator("tr.focus").count() >= 1  # India's row marked among the suppliers
    _shot(page, "3-market-russia")
    with page.expect_download() as download_info:
        page.locator(".downloads a[data-format=xlsx]").click()
    target = tmp_path / "russia.xlsx"
    download_info.value.save_as(target)
    book = openpyxl.load_workbook(target, read_only=True)
    assert book.sheetnames == ["rows", "suppliers", "meta"]
    book.close()

    page.go_back()
    page.wait_for_url("**/where-to-sell?**")
    page.locator("a.brief-link").click()
    page.wait_for_url("**/brief?**")
    _charts_drawn(page)
    assert page.locator("article.brief section").count() >= 3
    _shot(page, "4-brief")
    assert not errors, errors


def test_a_russian_page(server: str, browser: Any) -> None:
    errors: list[str] = []
    page = _page(browser, errors, locale="ru-RU")
    page.goto(server + "/market/RUS?hs=4202")  # the browser asks for Russian
    _charts_drawn(page)
    assert page.get_attribute("html", "lang") == "ru"
    assert page.locator("h1").inner_text() == "Импорт рынка"
    assert page.locator("nav.main-nav").inner_text().startswith("Поиск")
    _shot(page, "5-market-russian")
    page.get_by_role("link", name="English").click()  # the switch, remembered in a cookie
    page.wait_for_url("**lang=en**")
    assert page.get_attribute("html", "lang") == "en"
    page.goto(server + "/datasets")
    assert page.get_attribute("html", "lang") == "en"
    assert not errors, errors


def test_the_api_docs_work_offline(server: str, browser: Any) -> None:
    errors: list[str] = []
    page = _page(browser, errors)
    page.goto(server + "/api/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert page.locator(".opblock").count() >= 15
    _shot(page, "6-api-docs")
    assert not errors, errors

"""The web app in process: one app for the session, driven through httpx's ASGI transport."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tradepivot.config import Settings
from tradepivot.web import create_app


class Client:
    """A synchronous face on ``httpx.AsyncClient(transport=ASGITransport(app))``: each call
    runs the app in process, on its own event loop, exactly as a server would."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                return await c.request(method, url, **kwargs)

        return asyncio.run(send())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)


@pytest.fixture(scope="session")
def web_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("web")
    return Settings(warehouse=root / "none.duckdb", cache_dir=root / "cache")


@pytest.fixture(scope="session")
def app(web_settings: Settings) -> Iterator[FastAPI]:
    application = create_app(web_settings)
    yield application
    application.state.tradepivot.close()


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Client:
    return Client(app)


@pytest.fixture
def warehouse_env(web_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI in this test reads the same warehouse as the app."""
    monkeypatch.setenv("TRADEPIVOT_WAREHOUSE", str(web_settings.warehouse))
    monkeypatch.setenv("TRADEPIVOT_CACHE_DIR", str(web_settings.cache_dir))
    return web_settings.warehouse

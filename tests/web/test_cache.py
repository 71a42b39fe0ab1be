"""The result cache: one computation per question and data version, shared by waiters."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.web.conftest import Client
from tradepivot.web.cache import ResultCache


def test_concurrent_askers_of_one_question_wait_for_one_computation() -> None:
    cache: ResultCache[int] = ResultCache(entries=4)
    calls = 0
    lock = threading.Lock()

    def compute() -> int:
        nonlocal calls
        with lock:
            calls += 1
        time.sleep(0.05)
        return 42

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: cache.get("q", compute), range(16)))
    assert results == [42] * 16 and calls == 1
    assert cache.misses == 1


def test_least_recently_used_entries_go_first_and_errors_are_not_kept() -> None:
    cache: ResultCache[str] = ResultCache(entries=2)
    for key in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" comes
        cache.get(key, lambda key=key: key.upper())  # type: ignore[misc]
    assert cache.get("a", lambda: "recomputed") == "A"
    assert cache.get("b", lambda: "recomputed") == "recomputed"

    def fail() -> str:
        raise ValueError("boom")

    with pytest.raises(ValueError):
        cache.get("x", fail)
    assert cache.get("x", lambda: "fine") == "fine"
    assert ResultCache[str](entries=0).get("k", lambda: "uncached") == "uncached"


def test_the_app_answers_a_repeated_question_from_the_cache(client: Client, app: object) -> None:
    state = app.state.tradepivot  # type: ignore[attr-defined]
    url = "/api/v1/flows?exporter=IND&importer=RUS&hs=42&top=3"
    first = client.get(url).json()
    hits = state.cache.hits
    second = client.get(url + "&format=csv")  # same question, another format: a hit
    assert state.cache.hits == hits + 1 and second.status_code == 200
    assert client.get(url).json()["rows"] == first["rows"]
    # The data's version is part of every key: a changed dataset is another question.
    world = state.warehouse.dataset("world-2024")
    assert (world.id, world.checksum_sha256) in state.fingerprint

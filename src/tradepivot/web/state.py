"""What one web app holds: settings, the warehouse, the result cache, templates and assets.

Routes reach it through :func:`web_state` (a FastAPI dependency) and call :meth:`WebState.run`
with one service: the answer comes from the cache or is computed on a cursor of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

from fastapi import Depends
from starlette.requests import Request

from tradepivot.config import Settings
from tradepivot.data.engines import get_engine, open_warehouse
from tradepivot.data.warehouse import Warehouse
from tradepivot.web.assets import Assets, load_assets
from tradepivot.web.cache import ResultCache
from tradepivot.web.templating import Pages

__all__ = ["State", "WebState", "web_state"]

T = TypeVar("T")


def _freeze(value: Any) -> Hashable:
    """A hashable, order-independent form of a service's arguments (the cache key)."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, set | frozenset):
        return tuple(sorted(_freeze(v) for v in value))  # type: ignore[type-var]
    if isinstance(value, bytes):
        import hashlib

        return ("bytes", hashlib.sha256(value).hexdigest())
    try:
        hash(value)  # a frozen dataclass may still hold a dict
    except TypeError:
        return repr(value)  # dataclasses' repr shows every field: equal inputs, equal keys
    hashable: Hashable = value
    return hashable


class WebState:
    """The app's engine: one warehouse whose cursors serve the requests, and the cache."""

    def __init__(self, settings: Settings) -> None:
        # The web app needs a connection per request: an engine without one fails here,
        # at start-up, with the engine's name, never in the middle of a request.
        get_engine(settings.engine).require(
            "cursors", "serving concurrent web requests", hint="Serve with --engine duckdb."
        )
        self.settings = settings
        self.warehouse: Warehouse = open_warehouse(settings)
        self.cache: ResultCache[Any] = ResultCache(settings.result_cache_entries)
        self.assets: Assets = load_assets()
        self.pages = Pages(self.assets)
        self._ready = False
        self._lock = threading.Lock()
        self._fingerprint: tuple[tuple[str, str | None], ...] = ()

    def _prepare(self) -> None:
        """Open the shared connection and read the catalog once, before any cursor."""
        with self._lock:
            if self._ready:
                return
            self._fingerprint = tuple((m.id, m.checksum_sha256) for m in self.warehouse.datasets())
            self.warehouse.reference.countries()  # build the look-up tables once
            self._ready = True

    @property
    def fingerprint(self) -> tuple[tuple[str, str | None], ...]:
        """Every dataset's id and checksum: part of every cache key."""
        self._prepare()
        return self._fingerprint

    @contextmanager
    def cursor(self) -> Iterator[Warehouse]:
        """A warehouse on its own connection for one piece of work, closed afterwards."""
        self._prepare()
        cursor = self.warehouse.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def _key(self, service: Callable[..., Any], args: Any, kwargs: Any) -> Hashable:
        name = f"{service.__module__}.{service.__qualname__}"
        return (name, _freeze(args), _freeze(kwargs), self.fingerprint)

    def run(self, service: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """``service(warehouse, *args, **kwargs)``, from the cache when it was asked before.

        Blocking: routes that call it are plain ``def`` functions, which FastAPI runs on its
        thread pool, so the event loop keeps serving other requests meanwhile.
        """

        def compute() -> T:
            with self.cursor() as wh:
                return service(wh, *args, **kwargs)

        result: T = self.cache.get(self._key(service, args, kwargs), compute)
        return result

    def run_on_reference(self, service: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """``service(reference, *args, **kwargs)`` for services that need only the reference
        tables (tariff schedules, look-ups), cached like :meth:`run`."""
        self._prepare()
        reference = self.warehouse.reference
        result: T = self.cache.get(
            self._key(service, args, kwargs), lambda: service(reference, *args, **kwargs)
        )
        return result

    def close(self) -> None:
        self.warehouse.close()


def web_state(request: Request) -> WebState:
    """The app's :class:`WebState` (a FastAPI dependency)."""
    state: WebState = request.app.state.tradepivot
    return state


State = Annotated[WebState, Depends(web_state)]

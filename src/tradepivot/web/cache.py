"""A per-process result cache: each answer computed once per dataset version and query.

Keys name the question (the service and its parsed parameters) and the data it was asked of
(the checksums of every dataset the warehouse holds), so an ingested or changed dataset is a
different key, never a stale answer. Concurrent requests for the same key wait for the one
computation in flight instead of starting their own (twenty users opening the same shared
link cost one query).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Generic, TypeVar

__all__ = ["ResultCache"]

T = TypeVar("T")


class ResultCache(Generic[T]):
    """A thread-safe LRU of results with single-flight computation; ``entries=0`` keeps none."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._done: OrderedDict[Hashable, T] = OrderedDict()
        self._running: dict[Hashable, Future[T]] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached result of ``key``, computing it with ``compute`` when there is none.

        An exception from ``compute`` reaches every waiter and is not cached.
        """
        if self.entries <= 0:
            return compute()
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                self.hits += 1
                return self._done[key]
            running = self._running.get(key)
            if running is None:
                future: Future[T] = Future()
                self._running[key] = future
                self.misses += 1
        if running is not None:
            return running.result()
        try:
            value = compute()
        except BaseException as exc:
            with self._lock:
                del self._running[key]
            future.set_exception(exc)
            raise
        with self._lock:
            del self._running[key]
            self._done[key] = value
            while len(self._done) > self.entries:
                self._done.popitem(last=False)
        future.set_result(value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._done.clear()

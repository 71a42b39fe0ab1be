"""Login rate limiting: a few failed attempts per address and per account, then a pause.

Failures are counted in a sliding window, separately for the client's address and for the
e-mail tried, so neither one machine trying many accounts nor many machines trying one
account get more than ``attempts`` guesses per ``window`` seconds. A success clears the
account's count. Counts live in the process (a restart or another worker starts afresh,
which bounds guesses per worker: argon2 hashing already makes each guess slow).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable

from starlette.exceptions import HTTPException

__all__ = ["LoginLimiter", "TooManyAttempts"]


class TooManyAttempts(HTTPException):
    """429 with ``Retry-After``: too many failed sign-ins from this address or for this account."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            429,
            f"Too many failed sign-in attempts. Wait {minutes} minute(s), then try again "
            "(or ask the organiser to reset your password).",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


class LoginLimiter:
    """At most ``attempts`` failures per key in any ``window`` seconds."""

    def __init__(
        self,
        attempts: int = 5,
        window: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.attempts = attempts
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def check(self, keys: Iterable[str]) -> None:
        """Raise :class:`TooManyAttempts` when any key used up its attempts."""
        now = self.clock()
        with self._lock:
            waits = []
            for key in keys:
                times = self._recent(key, now) if key in self._failures else deque()
                if len(times) >= self.attempts:
                    waits.append(times[0] + self.window - now)
            if waits:
                raise TooManyAttempts(max(1, math.ceil(max(waits))))

    def failed(self, keys: Iterable[str]) -> None:
        """Count a failed attempt against every key."""
        now = self.clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._failures) > 100_000:  # a flood of distinct keys: forget the idle ones
                for key in [k for k, v in self._failures.items() if not v]:
                    del self._failures[key]

    def succeeded(self, key: str) -> None:
        """Forget the failures of ``key`` (the account signed in)."""
        with self._lock:
            self._failures.pop(key, None)

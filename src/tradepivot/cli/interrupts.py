"""Ctrl-C and SIGTERM for the CLI: one interrupt stops the work, the clean-up runs to the end.

The first SIGINT or SIGTERM raises :class:`KeyboardInterrupt` where the program is (DuckDB
turns it into its own "Query interrupted"; the transaction and the output writer roll back
on the way out). While the command cleans up and reports, further signals are only noted,
so a second Ctrl-C cannot cut a rollback short or print a traceback.

Python cannot raise into some places: a signal that lands in a garbage-collector or weakref
callback (common during imports) has its exception "ignored" with a traceback on stderr, and
C extensions (DuckDB importing pandas) may swallow it; either way the work would go on. A
swallowed interrupt is kept off the terminal (``sys.unraisablehook``) and delivered again,
at once when Python reports it and otherwise every second, until the command acknowledges
it (:meth:`Interrupts.acknowledge`).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType, TracebackType
from typing import Any

from tradepivot.boundary import interrupt_held

__all__ = ["Interrupts"]

HANDLED = (signal.SIGINT, signal.SIGTERM)


class Interrupts:
    """Installs the handlers for the duration of a ``with`` block (main thread only)."""

    def __init__(self) -> None:
        self.received: str | None = None
        self.deferring = False
        self._previous: dict[int, Any] = {}
        self._previous_hook: Any = None
        self._acknowledged = threading.Event()
        self._watchdog: threading.Thread | None = None

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():
            for sig in HANDLED:
                if signal.getsignal(sig) is signal.SIG_IGN:
                    continue  # ignored by whoever started us (a background job): keep it so
                self._previous[sig] = signal.signal(sig, self._handle)
            self._previous_hook = sys.unraisablehook
            sys.unraisablehook = self._unraisable
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.acknowledge()
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        self._previous.clear()
        if self._previous_hook is not None:
            sys.unraisablehook = self._previous_hook
            self._previous_hook = None

    def acknowledge(self) -> None:
        """The command has stopped (or finished): no more signals are re-delivered."""
        self.deferring = True
        self._acknowledged.set()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.received = self.received or signal.Signals(signum).name
        if self._watchdog is None:
            self._watchdog = threading.Thread(
                target=self._redeliver, name="tradepivot-interrupt", daemon=True
            )
            self._watchdog.start()
        if interrupt_held():
            return  # a commit or rename is finishing: the interrupt follows it
        if not self.deferring:
            self.deferring = True  # one interrupt is enough; let the clean-up finish
            raise KeyboardInterrupt

    def _resend(self) -> None:
        main = threading.main_thread().ident
        if self.received is not None and main is not None and not self._acknowledged.is_set():
            self.deferring = False
            signal.pthread_kill(main, signal.Signals[self.received].value)

    def _redeliver(self) -> None:
        while not self._acknowledged.wait(1.0):
            self._resend()

    def _unraisable(self, info: Any) -> None:
        if not isinstance(info.exc_value, KeyboardInterrupt) or self.received is None:
            (self._previous_hook or sys.__unraisablehook__)(info)
            return
        # Our interrupt was swallowed: raise it again in the main thread, outside the callback.
        threading.Timer(0.01, self._resend).start()

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Signals arriving inside the block are noted, not raised."""
        before = self.deferring
        self.deferring = True
        try:
            yield
        finally:
            self.deferring = before

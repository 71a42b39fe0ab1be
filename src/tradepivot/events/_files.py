"""The lock that serialises writers of one event (files are written by
:func:`tradepivot.outputs.write_bytes`: temp file, fsync, rename)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from tradepivot.errors import InputError, ScheduleConflictError

__all__ = ["exclusive_lock"]


@contextlib.contextmanager
def exclusive_lock(path: Path, what: str, *, timeout: float) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if needed); wait up to ``timeout`` seconds
    for another holder, then raise :class:`ScheduleConflictError` naming ``what``.

    The lock is the kernel's (``flock``): it dies with its process, so a crashed publisher
    never leaves the event locked.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise InputError(
            f"Cannot lock {what}: {exc.strerror or exc} ({path}).",
            hint="Check that the event folder is writable.",
        ) from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise InputError(f"Cannot lock {what}: {exc.strerror or exc}.") from None
                if time.monotonic() >= deadline:
                    raise ScheduleConflictError(
                        f"Another process is publishing {what} and has held it for {timeout:g} s.",
                        hint="Wait for it to finish, then run the command again.",
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock

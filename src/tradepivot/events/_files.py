"""Writing an event's files so that a crash or a concurrent reader never sees half of one.

Kept small and private: the reliability toolkit's safe output writer replaces
:func:`atomic_write` once it lands (same contract: temp file beside the target, fsync,
rename, fsync the folder; refuse symlinks and non-regular targets; no temp file left).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from tradepivot.errors import InputError, ScheduleConflictError

__all__ = ["atomic_write", "exclusive_lock"]


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically and durably (old or new, never a mix)."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise InputError(
            f"{path} is not a regular file: tradepivot will not replace it.",
            hint="Remove it or choose another path.",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
        _fsync_dir(path.parent)
    except OSError as exc:
        raise InputError(
            f"Cannot write {path}: {exc.strerror or exc}.",
            hint="Check that the folder is writable and the disk has room.",
        ) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


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

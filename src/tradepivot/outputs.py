"""Writing output files: atomic, and refusing to replace what must not be replaced.

Every command that writes a file (reports, briefs, agendas, the full-world Parquet) goes
through :func:`atomic_output`, so the rules hold everywhere:

- the file is written to a temporary name beside the target (``.NAME.tp-PID-XXXX.tmp``),
  flushed to disk and renamed over the target: a reader never sees half a file, and an
  interrupt, a full disk or a failed writer leaves the target as it was;
- the temporary file is removed on every exit Python can see (an error, Ctrl-C, SIGTERM);
  one left by a process that was killed outright is removed by the next write to the same
  target once its process is gone;
- a folder, a symbolic link, a device, a pipe or a socket is never replaced, and an empty
  path is no file name; a read-only file is replaced only with ``force=True`` (``--force``);
- a replaced file keeps its permission bits.

Failures are :class:`~tradepivot.errors.OutputPathError` (the path is wrong; exit 2) or
:class:`~tradepivot.errors.StorageError` (the disk refused; exit 1), never a bare OSError.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from tradepivot.boundary import edge, record_change, uninterruptible
from tradepivot.errors import OutputPathError

__all__ = ["atomic_output", "check_target", "write_bytes", "write_text"]

_TEMP = re.compile(r"^\.(?P<name>.+)\.tp-(?P<pid>\d+)-[0-9a-f]{8}\.tmp$")

_KINDS = (
    (stat.S_ISDIR, "is a folder", "Name a file inside it, e.g. {path}/result.csv."),
    (
        stat.S_ISLNK,
        "is a symbolic link (tradepivot replaces files, never links)",
        "Name the file it points to instead{target}.",
    ),
    (stat.S_ISCHR, "is a character device, not a regular file", "{stdout}"),
    (stat.S_ISBLK, "is a block device, not a regular file", "Name a regular file."),
    (stat.S_ISFIFO, "is a named pipe, not a regular file", "{stdout}"),
    (stat.S_ISSOCK, "is a socket, not a regular file", "Name a regular file."),
)
_STDOUT_HINT = "To print to the terminal, leave out --output; otherwise name a regular file."


def check_target(path: Path, *, force: bool = False) -> Path:
    """Raise :class:`OutputPathError` when ``path`` must not be written; returns ``path``.

    Cheap: call it when an option is parsed, before the work, and again just before the
    rename (:func:`atomic_output` does). ``force`` allows replacing a read-only file.
    """
    text = str(path)
    if text in ("", ".") or text.endswith(os.sep):
        raise OutputPathError(
            text, "no file name given", hint="Name the file to write, e.g. --output result.csv."
        )
    with edge("check the output path", path, "output"):
        try:
            info = path.lstat()
        except FileNotFoundError:
            return path
    for test, problem, hint in _KINDS:
        if test(info.st_mode):
            target = ""
            if stat.S_ISLNK(info.st_mode):
                with contextlib.suppress(OSError):
                    target = f" ({path.readlink()})"
            raise OutputPathError(
                text,
                problem,
                hint=hint.format(path=text, target=target, stdout=_STDOUT_HINT),
            )
    read_only = not info.st_mode & 0o222 or not os.access(path, os.W_OK)
    if read_only and not force:
        raise OutputPathError(
            text, "is read-only", hint="Pass --force to replace it, or choose another name."
        )
    return path


def _sweep_stale(folder: Path, name: str) -> None:
    """Remove temporary files of ``name`` left by processes that no longer exist."""
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            match = _TEMP.match(entry.name)
            if match is None or match["name"] != name:
                continue
            pid = int(match["pid"])
            if pid == os.getpid():
                continue
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                entry.unlink(missing_ok=True)
            except OSError:
                pass  # alive under another user: not ours to remove


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_output(path: Path, *, force: bool = False, record: bool = True) -> Iterator[Path]:
    """Yield a temporary path to write; on a clean exit it replaces ``path`` atomically.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_output(target) as tmp:
    ...     _ = tmp.write_text("hello")
    >>> target.read_text()
    'hello'

    ``record`` notes the finished file in the command's journal (what an interrupt kept).
    """
    check_target(path, force=force)
    folder = path.parent
    with edge("create the output folder", folder, "output"):
        folder.mkdir(parents=True, exist_ok=True)
    _sweep_stale(folder, path.name)
    tmp = folder / f".{path.name}.tp-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    with edge("write the output file", path, "output"):
        # O_EXCL: never write through a file or link someone placed at the temporary name.
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        with edge("write the output file", path, "output"):
            yield tmp
        with edge("write the output file", path, "output"):
            with tmp.open("rb+") as handle:
                os.fsync(handle.fileno())
            check_target(path, force=force)  # nothing swapped in meanwhile
            with contextlib.suppress(FileNotFoundError):
                tmp.chmod(stat.S_IMODE(path.stat().st_mode))
            with uninterruptible():  # replaced and reported as kept, or neither
                tmp.replace(path)
                if record:
                    record_change(str(path))
            _fsync_dir(folder)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def write_text(path: Path, text: str, *, force: bool = False) -> None:
    """Write a UTF-8 text file atomically (see :func:`atomic_output`)."""
    with atomic_output(path, force=force) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(path: Path, content: bytes, *, force: bool = False) -> None:
    """Write a binary file (a PDF, an ICS, a workbook) atomically."""
    with atomic_output(path, force=force) as tmp:
        tmp.write_bytes(content)

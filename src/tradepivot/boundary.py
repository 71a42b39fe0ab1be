"""The one boundary where foreign exceptions become tradepivot errors.

DuckDB, Arrow, the operating system and the interpreter raise their own exceptions; a user
must only ever meet the tree in :mod:`tradepivot.errors`, with the file or path, what went
wrong and what to do. :func:`edge` wraps every place where tradepivot touches the outside
(reading an input file, opening or writing the warehouse, writing an output file, running a
query) and translates with ``raise … from exc``; :func:`translate` is the table behind it,
used once more as the CLI's last resort so that nothing reaches the user as "Internal error"
merely because a foreign library raised it.

Every exception class DuckDB defines has an explicit row in :data:`DUCKDB_ERRORS` (a test
enumerates ``duckdb``'s classes and fails on one without a row), as httpx maps httpcore's.

The same module keeps the *journal* of changes a command completed (a file written, a
dataset committed), so an interrupt can say exactly what was kept: ``Interrupted: nothing
was changed.`` or ``Interrupted: kept out.csv (complete); nothing else was changed.``
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tradepivot.errors import (
    DataSourceError,
    InputLimitError,
    Interrupted,
    OutputPathError,
    ResourceLimitError,
    SourceFileError,
    StorageError,
    TradepivotError,
    WarehouseCorruptError,
    WarehouseLockedError,
)

__all__ = [
    "ARROW_ERRORS",
    "DUCKDB_ERRORS",
    "Edge",
    "Journal",
    "edge",
    "interrupt_held",
    "journal",
    "record_change",
    "translate",
    "uninterruptible",
]

EdgeKind = Literal["input", "output", "warehouse", "query"]

MEMORY_HINT = (
    "Raise the limit with TRADEPIVOT_MEMORY_LIMIT (e.g. 8GB), narrow the query "
    "(--sector, --hs, --exporter), or free memory on the machine."
)
DISK_HINT = "Free some space on that disk, or write somewhere else."


@dataclass(frozen=True)
class Edge:
    """Where tradepivot met the outside: what it was doing, on which path, of which kind.

    ``action`` completes "Cannot …", e.g. ``"read the scenario file"``.
    """

    action: str
    path: str | None = None
    kind: EdgeKind = "query"

    def where(self, exc: BaseException | None = None) -> str:
        """The path to name: the output asked for (not its temporary twin), else the file
        the exception names, else the edge's path."""
        if self.kind == "output" and self.path:
            return self.path
        name = getattr(exc, "filename", None) if exc is not None else None
        return str(name) if name else (self.path or "")


# ---------------------------------------------------------------------- the journal
@dataclass
class Journal:
    """Changes a command completed, in order (for the interrupt message)."""

    kept: list[str] = field(default_factory=list)


_JOURNAL: ContextVar[Journal | None] = ContextVar("tradepivot_journal", default=None)


@contextlib.contextmanager
def journal() -> Iterator[Journal]:
    """Record the changes completed inside the block (one per command run)."""
    record = Journal()
    token = _JOURNAL.set(record)
    try:
        yield record
    finally:
        _JOURNAL.reset(token)


def record_change(text: str) -> None:
    """Note a completed, durable change (``"dataset baci-2024 in ~/w.duckdb"``)."""
    current = _JOURNAL.get()
    if current is not None:
        current.kept.append(text)


@dataclass
class _Hold:
    """Whether an interrupt must wait (inside :func:`uninterruptible`), and whether one is
    waiting. Process-wide by nature: signal handlers run in the main thread, whatever thread
    the signal reached."""

    depth: int = 0
    pending: bool = False


_HOLD = _Hold()


@contextlib.contextmanager
def uninterruptible() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while the block runs (a commit and its journal entry, a
    rename): an interrupt arriving meanwhile is raised right after the block, so a change
    is never made without being reported as kept, nor reported as not made when it was."""
    _HOLD.depth += 1
    try:
        yield
    finally:
        _HOLD.depth -= 1
    if _HOLD.depth == 0 and _HOLD.pending:
        _HOLD.pending = False
        raise KeyboardInterrupt


def interrupt_held() -> bool:
    """For a signal handler: True inside :func:`uninterruptible` (the interrupt is then
    kept for the end of the block and must not be raised now)."""
    if _HOLD.depth:
        _HOLD.pending = True
        return True
    return False


# ---------------------------------------------------------------------- translation
def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _duckdb_text(exc: BaseException) -> str:
    """DuckDB's message without its class prefix ("IO Error: ", "Conversion Error: ")."""
    text = _first_line(exc)
    head, sep, rest = text.partition(": ")
    return rest if sep and head.endswith(("Error", "Exception")) and len(head) < 40 else text


def _generic(exc: BaseException, at: Edge) -> TradepivotError:
    where = at.where(exc)
    subject = f" {where}" if where else ""
    return DataSourceError(
        f"Cannot {at.action}{subject}: {_duckdb_text(exc)}",
        hint="If this persists, rerun with TRADEPIVOT_DEBUG=1 and report it.",
    )


def _interrupted(exc: BaseException, at: Edge) -> TradepivotError:
    return Interrupted()


def _memory(exc: BaseException, at: Edge) -> TradepivotError:
    return ResourceLimitError(
        f"Ran out of memory while trying to {at.action}: {_duckdb_text(exc)}", hint=MEMORY_HINT
    )


def _storage_text(text: str) -> tuple[str, str] | None:
    """(problem, hint) for file-system failures DuckDB reports as text."""
    low = text.lower()
    if "no space left" in low or "disk full" in low or "disk is full" in low:
        return "the disk is full (no space left on the device)", DISK_HINT
    if "file too large" in low:
        return (
            "the file would grow past the size this process may write (ulimit -f)",
            "Raise the file-size limit (ulimit -f unlimited) or write somewhere else.",
        )
    if "read-only file system" in low:
        return "the file system is read-only", "Write somewhere else."
    if "permission denied" in low:
        return "permission denied", "Check the file's and its folder's permissions."
    return None


def _duckdb_io(exc: BaseException, at: Edge) -> TradepivotError:
    text = _duckdb_text(exc)
    low = text.lower()
    where = at.where(exc)
    if "could not set lock" in low or "conflicting lock" in low:
        return WarehouseLockedError(
            f"The warehouse {where} is in use by another process (an ingest still running?).",
            hint="Wait for it to finish, or point --warehouse / TRADEPIVOT_WAREHOUSE elsewhere.",
        )
    storage = _storage_text(text)
    if storage is not None:
        problem, hint = storage
        if at.kind == "warehouse":
            hint += " The warehouse keeps its last committed state."
        return StorageError(where, f"cannot {at.action}: {problem}", hint=hint)
    if at.kind == "warehouse" and any(
        word in low
        for word in ("not a valid duckdb", "corrupt", "checksum", "invalid database", "magic")
    ):
        return _corrupt(where, text)
    if "failed to download extension" in low or ("extension" in low and "install" in low):
        return WarehouseCorruptError(
            f"{where} is not a tradepivot warehouse (DuckDB wanted an extension to read it).",
            hint="Point --warehouse / TRADEPIVOT_WAREHOUSE at a DuckDB file tradepivot created.",
        )
    if at.kind == "input":
        return SourceFileError(where, f"cannot be read: {text}")
    return DataSourceError(f"Cannot {at.action} {where}: {text}".replace("  ", " "))


def _corrupt(where: str, text: str) -> WarehouseCorruptError:
    return WarehouseCorruptError(
        f"The warehouse {where} is damaged or is not a tradepivot warehouse ({text}).",
        hint="Move it aside and ingest your files again (an ingest is the only way data gets "
        "in), or point --warehouse / TRADEPIVOT_WAREHOUSE at another file.",
    )


def _duckdb_data(exc: BaseException, at: Edge) -> TradepivotError:
    """A value DuckDB could not convert or that is out of range."""
    text = _duckdb_text(exc)
    if at.kind == "input":
        return SourceFileError(at.where(exc), f"has a value DuckDB cannot read: {text}")
    if at.kind == "warehouse":
        return _corrupt(at.where(exc), text)
    return DataSourceError(f"Cannot {at.action}: {text}")


def _duckdb_structure(exc: BaseException, at: Edge) -> TradepivotError:
    """A table, column or dependency that is not where tradepivot expects it."""
    if at.kind == "warehouse":
        return _corrupt(at.where(exc), _duckdb_text(exc))
    return _generic(exc, at)


def _duckdb_permission(exc: BaseException, at: Edge) -> TradepivotError:
    return StorageError(
        at.where(exc),
        f"cannot {at.action}: permission denied ({_duckdb_text(exc)})",
        hint="Check the file's and its folder's permissions.",
    )


def _duckdb_fatal(exc: BaseException, at: Edge) -> TradepivotError:
    storage = _storage_text(_duckdb_text(exc))
    hint = "Check free disk space and memory, then run the command again."
    return DataSourceError(
        f"DuckDB stopped after a fatal error while trying to {at.action}: {_duckdb_text(exc)}"
        + (f" ({storage[0]})" if storage else ""),
        hint=hint
        + (" The warehouse keeps its last committed state." if at.kind == "warehouse" else ""),
    )


def _duckdb_transaction(exc: BaseException, at: Edge) -> TradepivotError:
    text = _duckdb_text(exc)
    low = text.lower()
    if "conflict" in low:
        return WarehouseLockedError(
            f"Cannot {at.action}: another writer changed the same data at the same time ({text}).",
            hint="Run the command again once the other one has finished.",
        )
    storage = _storage_text(text)
    if storage is not None:
        return StorageError(at.where(exc), f"cannot {at.action}: {storage[0]}", hint=storage[1])
    return _generic(exc, at)


# Every exception class of the duckdb module, by name: a new DuckDB class fails the test in
# tests/test_boundary.py until it gets its row here.
DUCKDB_ERRORS: dict[str, Callable[[BaseException, Edge], TradepivotError]] = {
    "Warning": _generic,
    "Error": _generic,
    "DatabaseError": _generic,
    "DataError": _duckdb_data,
    "ConversionException": _duckdb_data,
    "OutOfRangeException": _duckdb_data,
    "TypeMismatchException": _duckdb_data,
    "InvalidInputException": _duckdb_data,
    "OperationalError": _duckdb_io,
    "IOException": _duckdb_io,
    "HTTPException": _duckdb_io,
    "ConnectionException": _duckdb_io,
    "OutOfMemoryException": _memory,
    "InterruptException": _interrupted,
    "SerializationException": _duckdb_transaction,
    "TransactionException": _duckdb_transaction,
    "PermissionException": _duckdb_permission,
    "FatalException": _duckdb_fatal,
    "IntegrityError": _duckdb_structure,
    "ConstraintException": _duckdb_structure,
    "CatalogException": _duckdb_structure,
    "BinderException": _duckdb_structure,
    "DependencyException": _duckdb_structure,
    "SequenceException": _duckdb_structure,
    "InvalidTypeException": _duckdb_structure,
    "ProgrammingError": _generic,
    "ParserException": _generic,
    "SyntaxException": _generic,
    "NotSupportedError": _generic,
    "NotImplementedException": _generic,
    "InternalError": _generic,
    "InternalException": _generic,
}


def _arrow_input(exc: BaseException, at: Edge) -> TradepivotError:
    if at.kind == "input":
        return SourceFileError(at.where(exc), f"cannot be read: {_first_line(exc)}")
    return _generic(exc, at)


def _arrow_memory(exc: BaseException, at: Edge) -> TradepivotError:
    return ResourceLimitError(
        f"Ran out of memory while trying to {at.action}: {_first_line(exc)}", hint=MEMORY_HINT
    )


_OS_PROBLEMS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("the disk is full (no space left on the device)", DISK_HINT),
    errno.EDQUOT: ("the disk quota is exhausted", DISK_HINT),
    errno.EROFS: ("the file system is read-only", "Write somewhere else."),
    errno.EFBIG: (
        "the file would grow past the size this process may write (ulimit -f)",
        "Raise the file-size limit (ulimit -f unlimited) or write somewhere else.",
    ),
    errno.EACCES: ("permission denied", "Check the file's and its folder's permissions."),
    errno.EPERM: (
        "the operation is not permitted",
        "Check the file's and its folder's permissions.",
    ),
    errno.EIO: ("the device reported an input/output error", "Check the disk."),
    errno.ENXIO: ("no such device", "Name a regular file."),
    errno.ENODEV: ("no such device", "Name a regular file."),
}
_PATH_PROBLEMS: dict[int, str] = {
    errno.ENOENT: "does not exist",
    errno.EISDIR: "is a folder, not a file",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ELOOP: "has too many levels of symbolic links",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EINVAL: "is not a valid path for a file here",
    errno.EBUSY: "is busy",
    errno.ETXTBSY: "is busy",
}


def _os_error(exc: BaseException, at: Edge) -> TradepivotError:
    code = getattr(exc, "errno", None)
    where = at.where(exc)
    strerror = getattr(exc, "strerror", None) or _first_line(exc)
    if code in (errno.EMFILE, errno.ENFILE, errno.ENOMEM):
        return ResourceLimitError(
            f"Cannot {at.action}: {strerror}", hint="Close other programs and try again."
        )
    if code in _PATH_PROBLEMS:
        problem = _PATH_PROBLEMS[code]
        if at.kind == "output":
            if code == errno.ENOENT:
                problem = "its folder does not exist or does not accept files"
            return OutputPathError(where, problem, hint="Name a file in a folder you can write.")
        if at.kind == "input":
            return SourceFileError(where, problem, hint="Check the path.")
        return StorageError(where, f"cannot {at.action}: {problem}")
    problem, hint = _OS_PROBLEMS.get(code or -1, (strerror, "Check the path and the disk."))
    if at.kind == "warehouse":
        hint += " The warehouse keeps its last committed state."
    return StorageError(where, f"cannot {at.action}: {problem}", hint=hint)


# Every exception class pyarrow exports (tests/test_boundary.py enumerates them too).
ARROW_ERRORS: dict[str, Callable[[BaseException, Edge], TradepivotError]] = {
    "ArrowException": _generic,
    "ArrowInvalid": _arrow_input,
    "ArrowTypeError": _arrow_input,
    "ArrowKeyError": _arrow_input,
    "ArrowIndexError": _arrow_input,
    "ArrowSerializationError": _arrow_input,
    "ArrowNotImplementedError": _arrow_input,
    "ArrowCapacityError": _arrow_memory,
    "ArrowMemoryError": _arrow_memory,
    "ArrowCancelled": _interrupted,
    "ArrowIOError": _os_error,
}


def _unicode(exc: BaseException, at: Edge) -> TradepivotError:
    if isinstance(exc, UnicodeDecodeError):
        problem = (
            f"is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
            if exc.start < len(exc.object)
            else "is not UTF-8 text"
        )
        return SourceFileError(
            at.where(exc) or "input", problem, hint="Save the file as UTF-8 and try again."
        )
    return _generic(exc, at)


def _recursion(exc: BaseException, at: Edge) -> TradepivotError:
    if at.kind == "input":
        return InputLimitError(
            at.where(exc),
            "is nested too deeply to read",
            limit="depth",
            hint="Flatten the file: tradepivot's inputs need only a few levels of nesting.",
        )
    return ResourceLimitError(f"Cannot {at.action}: the work nests too deeply to finish.")


def _memory_error(exc: BaseException, at: Edge) -> TradepivotError:
    return ResourceLimitError(f"Ran out of memory while trying to {at.action}.", hint=MEMORY_HINT)


def translate(exc: BaseException, at: Edge | None = None) -> TradepivotError | None:
    """The tradepivot error for a foreign exception, or None when it is not one we map.

    >>> translate(MemoryError(), Edge("load the file")).__class__.__name__
    'ResourceLimitError'
    """
    at = at or Edge("run the query")
    if isinstance(exc, TradepivotError):
        return exc
    module = type(exc).__module__.split(".")[0]
    if module in ("duckdb", "_duckdb"):
        for cls in type(exc).__mro__:
            handler = DUCKDB_ERRORS.get(cls.__name__)
            if handler is not None:
                return handler(exc, at)
    if module == "pyarrow":
        for cls in type(exc).__mro__:
            handler = ARROW_ERRORS.get(cls.__name__)
            if handler is not None:
                return handler(exc, at)
    if isinstance(exc, RuntimeError) and str(exc).strip() == "Query interrupted":
        return Interrupted()  # DuckDB turns SIGINT into this plain RuntimeError
    if isinstance(exc, UnicodeError):
        return _unicode(exc, at)
    if isinstance(exc, BrokenPipeError):
        return None  # the reader closed the pipe (`| head`): not an error of ours to name
    if isinstance(exc, OSError):
        return _os_error(exc, at)
    if isinstance(exc, RecursionError):
        return _recursion(exc, at)
    if isinstance(exc, MemoryError):
        return _memory_error(exc, at)
    return None


@contextlib.contextmanager
def edge(action: str, path: Path | str | None = None, kind: EdgeKind = "query") -> Iterator[Edge]:
    """Translate foreign exceptions raised inside the block (``raise … from exc``).

    >>> with edge("read the scenario file", "s.yaml", "input"):
    ...     pass
    """
    at = Edge(action, None if path is None else str(path), kind)
    try:
        yield at
    except TradepivotError:
        raise
    except Exception as exc:
        mapped = translate(exc, at)
        if mapped is None:
            raise
        raise mapped from exc

"""The one boundary: every foreign exception class maps into the error tree.

As httpx tests its transport mapping: enumerate what DuckDB and Arrow define, and fail on a
class without its own row (a DuckDB upgrade adding one must decide where it belongs).
"""

from __future__ import annotations

import errno
import inspect

import duckdb
import pyarrow as pa
import pytest

from tradepivot.boundary import ARROW_ERRORS, DUCKDB_ERRORS, Edge, edge, translate
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

EDGES = [
    Edge("read the file", "in.csv", "input"),
    Edge("write the output file", "out.csv", "output"),
    Edge("open the warehouse", "w.duckdb", "warehouse"),
    Edge("run the query"),
]


def _classes(module: object) -> dict[str, type[BaseException]]:
    return {
        name: cls
        for name, cls in vars(module).items()
        if inspect.isclass(cls) and issubclass(cls, BaseException) and not name.startswith("_")
    }


def test_every_duckdb_exception_class_has_its_own_row() -> None:
    classes = _classes(duckdb)
    assert len(classes) >= 30  # the enumeration itself works
    assert set(classes) == set(DUCKDB_ERRORS), "map new DuckDB classes in boundary.DUCKDB_ERRORS"


def test_every_arrow_exception_class_has_its_own_row() -> None:
    assert set(_classes(pa)) == set(ARROW_ERRORS)


@pytest.mark.parametrize("name", sorted(_classes(duckdb)))
@pytest.mark.parametrize("at", EDGES, ids=lambda e: e.kind)
def test_each_duckdb_class_becomes_a_tradepivot_error(name: str, at: Edge) -> None:
    cls = _classes(duckdb)[name]
    mapped = translate(cls("Some Error: something went wrong"), at)
    assert isinstance(mapped, TradepivotError)
    assert mapped.message and "Some Error:" not in mapped.message  # DuckDB's prefix dropped


@pytest.mark.parametrize("name", sorted(_classes(pa)))
def test_each_arrow_class_becomes_a_tradepivot_error(name: str) -> None:
    cls = _classes(pa)[name]
    assert isinstance(translate(cls("bad"), EDGES[0]), TradepivotError)


@pytest.mark.parametrize(
    ("text", "at", "expected"),
    [
        (
            'IO Error: Could not set lock on file "w.duckdb": Conflicting lock is held',
            2,
            WarehouseLockedError,
        ),
        # flipped bytes: "block" contains "lock", which must not read as a lock
        (
            "IO Error: Corrupt database file: computed checksum 1 does not match stored checksum 2 in block 7",
            2,
            WarehouseCorruptError,
        ),
        (
            'IO Error: The file "w.duckdb" exists, but it is not a valid DuckDB database file!',
            2,
            WarehouseCorruptError,
        ),
        ('IO Error: Could not write file "w.duckdb.wal": No space left on device', 2, StorageError),
        ('IO Error: Cannot open file "x": Permission denied', 1, StorageError),
        # ulimit -f reached (EFBIG): named as a file-size limit, not an internal error
        ('IO Error: Could not write file "w.duckdb.wal": File too large', 2, StorageError),
        ('IO Error: Cannot open file "in.csv": No such file', 0, SourceFileError),
    ],
)
def test_duckdb_io_messages_are_told_apart(text: str, at: int, expected: type) -> None:
    assert type(translate(duckdb.IOException(text), EDGES[at])) is expected


def test_interrupts_and_memory() -> None:
    assert isinstance(translate(RuntimeError("Query interrupted")), Interrupted)
    assert translate(RuntimeError("something else")) is None
    assert isinstance(translate(duckdb.InterruptException("INTERRUPT Error")), Interrupted)
    assert isinstance(
        translate(duckdb.OutOfMemoryException("Out of Memory Error: x")), ResourceLimitError
    )
    assert isinstance(translate(MemoryError()), ResourceLimitError)
    assert isinstance(translate(RecursionError(), EDGES[0]), InputLimitError)
    assert isinstance(translate(RecursionError()), ResourceLimitError)


@pytest.mark.parametrize(
    ("code", "kind", "expected"),
    [
        (errno.ENOSPC, "output", StorageError),
        (errno.EROFS, "warehouse", StorageError),
        (errno.EACCES, "input", StorageError),
        (errno.ENOENT, "input", SourceFileError),
        (errno.ENOENT, "output", OutputPathError),
        (errno.EISDIR, "output", OutputPathError),
        (errno.EMFILE, "query", ResourceLimitError),
        (errno.EIO, "query", StorageError),
        (errno.EFBIG, "warehouse", StorageError),
    ],
)
def test_os_errors_by_errno(code: int, kind: str, expected: type) -> None:
    at = next(e for e in EDGES if e.kind == kind)
    mapped = translate(OSError(code, "x", "some/path"), at)
    assert type(mapped) is expected
    assert mapped is not None and mapped.message


def test_the_output_is_named_not_its_temporary_twin() -> None:
    mapped = translate(OSError(errno.ENOSPC, "No space", ".out.csv.tp-1-abcd.tmp"), EDGES[1])
    assert mapped is not None and "out.csv:" in mapped.message and ".tmp" not in mapped.message


def test_edge_translates_with_the_cause_kept_and_leaves_bugs_alone() -> None:
    with pytest.raises(StorageError) as caught, edge("write the output file", "o.csv", "output"):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert isinstance(caught.value.__cause__, OSError)
    assert "disk is full" in caught.value.message
    with pytest.raises(TypeError), edge("do it"):
        raise TypeError("a bug stays a bug")
    with pytest.raises(KeyboardInterrupt), edge("do it"):
        raise KeyboardInterrupt


def test_a_real_duckdb_failure_is_translated() -> None:
    con = duckdb.connect()
    with pytest.raises(DataSourceError), edge("read the warehouse", "w.duckdb", "warehouse"):
        con.execute("SELECT * FROM no_such_table")


def test_an_interrupt_held_during_a_commit_follows_it() -> None:
    from tradepivot.boundary import interrupt_held, journal, record_change, uninterruptible

    assert interrupt_held() is False
    with journal() as changes, pytest.raises(KeyboardInterrupt), uninterruptible():
        assert interrupt_held() is True  # what the signal handler asks
        record_change("the commit")  # still runs: the interrupt waits
    assert changes.kept == ["the commit"]
    with uninterruptible():
        pass  # nothing pending any more: no interrupt

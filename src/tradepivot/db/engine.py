"""The portal database's engine, built from settings: SQLite by default, PostgreSQL by URL.

``database_url`` (setting / ``TRADEPIVOT_DATABASE_URL``) names the database; unset, it is a
SQLite file ``portal.sqlite3`` under the user data directory (zero set-up). Every SQLite
connection gets ``foreign_keys=ON`` (SQLite ignores foreign keys otherwise), WAL journaling
(readers never wait for the writer) and a busy timeout (a writer waits for another instead
of failing at once).

Writes go through :func:`write_session`: on SQLite it starts with ``BEGIN IMMEDIATE`` (the
write lock taken up front, so two read-then-write transactions cannot deadlock and the
second waits its turn); on PostgreSQL it is an ordinary transaction in which code takes row
locks (``SELECT ... FOR UPDATE``) where it must serialise. Reads use :func:`read_session`.
Database failures a user can meet (server down, file unwritable, lock wait exceeded) come
out of :func:`database_errors` as :class:`~tradepivot.errors.DataSourceError`.

Example::

    engine = make_engine(load_settings())
    with write_session(engine) as session:
        session.add(EventRow(id="forum", name="Forum", timezone="UTC"))
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import platformdirs
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session

from tradepivot.config import Settings
from tradepivot.errors import DataSourceError, InputError

__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "database_errors",
    "default_database_url",
    "is_lock_timeout",
    "is_retryable",
    "is_sqlite",
    "make_engine",
    "read_session",
    "redacted",
    "retrying",
    "write_session",
]

BUSY_TIMEOUT_SECONDS = 30.0  # how long a SQLite writer waits for another before failing
_WRITE = "tradepivot_write"
_T = TypeVar("_T")
_WAIT = "tradepivot_wait"


def default_database_url() -> str:
    """``sqlite:///<user data dir>/portal.sqlite3``."""
    path = Path(platformdirs.user_data_dir("tradepivot")) / "portal.sqlite3"
    return f"sqlite:///{path}"


def redacted(url: str) -> str:
    """The URL with any password hidden (for messages and ``db status``)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # The driver's own transaction handling is off: BEGIN is issued in _sqlite_begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")  # durable with WAL except on power loss
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    options = connection.get_execution_options()
    wait = options.get(_WAIT, BUSY_TIMEOUT_SECONDS)
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(wait * 1000)}")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(_WRITE) else "BEGIN")


def make_engine(source: Settings | str | None = None, **options: Any) -> Engine:
    """An engine for ``source``: settings (their ``database_url`` or the default SQLite
    file), a URL, or None (the default file). The SQLite file's folder is created."""
    if isinstance(source, Settings):
        url = source.database_url or default_database_url()
    else:
        url = source or default_database_url()
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(
            f"database_url {redacted(url)!r} is not a database URL.",
            hint="Use sqlite:///path/to/portal.sqlite3 or "
            "postgresql+psycopg://user@host:5432/dbname.",
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        options.setdefault("connect_args", {}).setdefault("timeout", BUSY_TIMEOUT_SECONDS)
        engine = create_engine(parsed, **options)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise InputError(
            f"database_url {redacted(url)!r}: tradepivot supports SQLite and PostgreSQL.",
            hint="Use sqlite:///... or postgresql+psycopg://...",
        )
    options.setdefault("pool_pre_ping", True)
    try:
        return create_engine(parsed, **options)
    except ImportError as exc:  # pragma: no cover - psycopg is a dependency
        raise DataSourceError(f"No PostgreSQL driver: {exc}") from exc


@contextlib.contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading: its transaction is rolled back when the block ends (a read
    never writes by accident); objects read stay usable, detached."""
    with database_errors(engine), Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.close()  # ends the transaction without expiring what was read


@contextlib.contextmanager
def write_session(engine: Engine, *, lock_timeout: float | None = None) -> Iterator[Session]:
    """A session in one write transaction: committed when the block ends, rolled back on an
    exception. On SQLite the transaction begins IMMEDIATE (waits for the write lock).

    ``lock_timeout``: seconds to wait for a lock another writer holds (default
    :data:`BUSY_TIMEOUT_SECONDS`); past it the database raises, which
    :func:`database_errors` reports and :func:`is_lock_timeout` recognises.
    """
    wait = BUSY_TIMEOUT_SECONDS if lock_timeout is None else lock_timeout
    with database_errors(engine), Session(engine, expire_on_commit=False) as session:
        session.connection(execution_options={_WRITE: True, _WAIT: wait})
        if engine.dialect.name == "postgresql":
            session.execute(text(f"SET LOCAL lock_timeout = {int(wait * 1000)}"))
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def is_lock_timeout(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what it was raised from) is a lock wait that ran out: SQLite's
    "database is locked", PostgreSQL's lock_timeout."""
    while exc is not None:
        words = str(exc).lower()
        if "database is locked" in words or "lock timeout" in words:
            return True
        exc = exc.__cause__ or getattr(exc, "orig", None)
    return False


def is_retryable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or its cause) is a transaction the database rolled back to break a
    deadlock or a serialisation conflict: running it again is the remedy."""
    while exc is not None:
        words = str(exc).lower()
        if "deadlock detected" in words or "could not serialize" in words:
            return True
        exc = exc.__cause__ or getattr(exc, "orig", None)
    return False


def retrying(action: Callable[[], _T], *, attempts: int = 5) -> _T:
    """``action()``, run again (up to ``attempts`` times, after a short random pause) when
    the database rolled it back to break a deadlock; other failures pass through."""
    for attempt in range(attempts):
        try:
            return action()
        except DataSourceError as exc:
            if not is_retryable(exc) or attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.005, 0.05) * (attempt + 1))
    raise AssertionError("unreachable")


@contextlib.contextmanager
def database_errors(engine: Engine) -> Iterator[None]:
    """Turn the failures a user can meet (no server, no file, lock timeout) into
    :class:`~tradepivot.errors.DataSourceError` naming the database."""
    try:
        yield
    except OperationalError as exc:
        where = redacted(engine.url.render_as_string(hide_password=False))
        text = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        hint = None
        if is_lock_timeout(exc) or is_retryable(exc):
            hint = "Another process holds the database for writing; try again."
        elif engine.dialect.name == "postgresql":
            hint = "Is the PostgreSQL server running and the URL's user allowed in?"
        raise DataSourceError(f"Database {where}: {text}", hint=hint) from exc

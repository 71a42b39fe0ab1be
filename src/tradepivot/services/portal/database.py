"""The portal database from settings: open it, bring its schema up to date, say where it is.

:func:`open_database` is what every portal service and the web app start from: an engine
for ``settings.database_url`` (default: the SQLite file in the user data folder) whose
schema is checked to be current, so a missing ``tradepivot db upgrade`` is a clear message
instead of "no such table".
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.pool import NullPool

from tradepivot.config import Settings
from tradepivot.db.engine import make_engine
from tradepivot.db.migrate import DatabaseStatus, status, upgrade
from tradepivot.errors import DataSourceError

__all__ = ["database_status", "open_database", "upgrade_database"]


def upgrade_database(settings: Settings) -> DatabaseStatus:
    """Create or migrate the database ``settings`` name to the newest schema."""
    engine = make_engine(settings)
    try:
        return upgrade(engine)
    finally:
        engine.dispose()


def database_status(settings: Settings) -> DatabaseStatus:
    """Where the database's schema is and which migrations are pending."""
    engine = make_engine(settings)
    try:
        return status(engine)
    finally:
        engine.dispose()


def open_database(
    settings: Settings, *, upgrade_schema: bool = False, pooled: bool = True
) -> Engine:
    """An engine on the portal database, its schema current.

    ``upgrade_schema``: migrate when behind (a local, single-user start such as
    ``tradepivot serve`` with the default SQLite file); otherwise a database that is behind
    raises :class:`~tradepivot.errors.DataSourceError` telling to run ``tradepivot db
    upgrade``. ``pooled=False``: every connection closes when its session ends (a one-shot
    command that never disposes the engine leaves nothing open).
    """
    engine = make_engine(settings) if pooled else make_engine(settings, poolclass=NullPool)
    state = status(engine)
    if state.up_to_date:
        return engine
    if upgrade_schema:
        upgrade(engine)
        return engine
    engine.dispose()
    raise DataSourceError(
        f"The portal database {state.url} is at schema {state.current or 'none'}, "
        f"not {state.head}.",
        hint="Run: tradepivot db upgrade",
    )

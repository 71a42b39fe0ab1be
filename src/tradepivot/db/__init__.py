"""The event portal's database: SQLAlchemy 2 models, migrations and the engine.

- :mod:`~tradepivot.db.models`: the tables (events and their registrations, schedules and
  meetings, requests, bookings, attendance, users, tokens, outbox), integrity declared in
  the database (foreign keys, checks, unique seats per slot);
- :mod:`~tradepivot.db.engine`: :func:`make_engine` from settings (SQLite by default,
  PostgreSQL by URL), :func:`read_session` / :func:`write_session`;
- :mod:`~tradepivot.db.migrate`: :func:`upgrade` and :func:`status` (Alembic, run from
  Python with the scripts shipped in the package; ``tradepivot db upgrade``).

See docs/portal.md (database).
"""

from __future__ import annotations

from tradepivot.db.engine import (
    database_errors,
    default_database_url,
    make_engine,
    read_session,
    write_session,
)
from tradepivot.db.migrate import DatabaseStatus, status, upgrade

__all__ = [
    "DatabaseStatus",
    "database_errors",
    "default_database_url",
    "make_engine",
    "read_session",
    "status",
    "upgrade",
    "write_session",
]

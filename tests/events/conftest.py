"""The database fixtures (tests/portal_db.py): the store contract runs on SQL stores too."""

from tests.portal_db import db_url, engine, postgres_database, sqlite_template

__all__ = ["db_url", "engine", "postgres_database", "sqlite_template"]

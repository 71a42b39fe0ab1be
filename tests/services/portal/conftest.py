"""Portal services on a migrated database (SQLite and PostgreSQL) holding the tiny event."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.conftest import FIXTURES
from tests.portal_db import db_url, engine, postgres_database, sqlite_template
from tradepivot.data.reference import Reference
from tradepivot.events import FolderStore
from tradepivot.services.portal import PortalDatabase

__all__ = ["db_url", "engine", "portal", "postgres_database", "sqlite_template"]


@pytest.fixture
def portal(engine: Engine, reference: Reference) -> PortalDatabase:
    """The portal over ``engine`` with the ``tiny`` event saved as ``forum``."""
    folder, _ = FolderStore.at(FIXTURES / "events" / "tiny", reference=reference)
    loaded = folder.load("tiny")
    portal = PortalDatabase(engine, reference=reference)
    portal.store.save("forum", loaded.event)
    return portal

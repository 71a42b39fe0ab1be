"""Services of the event portal: the one place the CLI and the web pages call.

- :mod:`~tradepivot.services.portal.database`: open, migrate and describe the portal
  database from settings;
- :mod:`~tradepivot.services.portal.events`: import an event folder, export it back, the
  store an event argument (``db:ID`` or a folder) names.
"""

from __future__ import annotations

from tradepivot.services.portal.database import database_status, open_database, upgrade_database
from tradepivot.services.portal.events import (
    Transfer,
    event_store,
    export_event,
    import_event,
    sql_store,
)

__all__ = [
    "Transfer",
    "database_status",
    "event_store",
    "export_event",
    "import_event",
    "open_database",
    "sql_store",
    "upgrade_database",
]

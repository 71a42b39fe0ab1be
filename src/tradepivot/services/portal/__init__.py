"""Services of the event portal: the one place the CLI and the web pages call.

- :mod:`~tradepivot.services.portal.database`: open, migrate and describe the portal
  database from settings;
- :mod:`~tradepivot.services.portal.events`: import an event folder, export it back, the
  store an event argument (``db:ID`` or a folder) names;
- :mod:`~tradepivot.services.portal.accounts`: organisers (argon2) and participants;
- :mod:`~tradepivot.services.portal.tokens`: single-use, expiring, hashed tokens;
- :mod:`~tradepivot.services.portal.requests`: meeting requests and bookings;
- :mod:`~tradepivot.services.portal.attendance`: check-in and no-shows;
- :mod:`~tradepivot.services.portal.outbox`, :mod:`~tradepivot.services.portal.messages`,
  :mod:`~tradepivot.services.portal.sender`: e-mail queued with each change, then sent;
- :mod:`~tradepivot.services.portal.backend`: :class:`PortalDatabase`, all of it as the
  web pages call it.
"""

from __future__ import annotations

from tradepivot.services.portal.backend import PortalDatabase
from tradepivot.services.portal.database import database_status, open_database, upgrade_database
from tradepivot.services.portal.events import (
    Transfer,
    event_store,
    export_event,
    import_event,
    sql_store,
)

__all__ = [
    "PortalDatabase",
    "Transfer",
    "database_status",
    "event_store",
    "export_event",
    "import_event",
    "open_database",
    "sql_store",
    "upgrade_database",
]

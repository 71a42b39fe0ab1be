"""Services of the event portal: the one place the CLI and the web pages call.

- :mod:`~tradepivot.services.portal.database`: open, migrate and describe the portal
  database from settings.
"""

from __future__ import annotations

from tradepivot.services.portal.database import database_status, open_database, upgrade_database

__all__ = ["database_status", "open_database", "upgrade_database"]

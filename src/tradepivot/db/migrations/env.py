"""Alembic's environment for the portal database, run programmatically by
:mod:`tradepivot.db.migrate` (no alembic.ini): the connection comes in
``config.attributes["connection"]``."""

from __future__ import annotations

from alembic import context

from tradepivot.db.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

"""The declarative base every table derives from, with one naming convention.

Named constraints (``uq_meeting_seats_schedule_id`` ...) make migrations reproducible on
SQLite and PostgreSQL alike and let error handling recognise which rule a write broke.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

__all__ = ["NAMING", "Base"]

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of the portal's tables (``Base.metadata`` is what migrations compare with)."""

    metadata = MetaData(naming_convention=NAMING)

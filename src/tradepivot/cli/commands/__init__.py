"""Importing this package registers every command on the Typer app.

The import order is the order of the help panels: questions first, then data, then look-ups.
"""
# isort: skip_file

from __future__ import annotations

from tradepivot.cli.commands import trade
from tradepivot.cli.commands import opportunity
from tradepivot.cli.commands import pivot
from tradepivot.cli.commands import products
from tradepivot.cli.commands import tariff
from tradepivot.cli.commands import match
from tradepivot.cli.commands import data
from tradepivot.cli.commands import lookup
from tradepivot.cli.commands import serve
from tradepivot.cli.commands import db
from tradepivot.cli.commands import event
from tradepivot.cli.commands import users
from tradepivot.cli.commands import outbox

__all__ = [
    "data",
    "db",
    "event",
    "lookup",
    "match",
    "opportunity",
    "outbox",
    "pivot",
    "products",
    "serve",
    "tariff",
    "trade",
    "users",
]

"""Importing this package registers every command on the Typer app."""

from __future__ import annotations

from tradepivot.cli.commands import data, lookup, trade

__all__ = ["data", "lookup", "trade"]

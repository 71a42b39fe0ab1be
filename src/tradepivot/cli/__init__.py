"""Command-line interface: thin commands that parse, call one service, render."""

from __future__ import annotations

from tradepivot.cli.core import app, main, run

__all__ = ["app", "main", "run"]

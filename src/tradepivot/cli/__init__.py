"""Command-line interface: thin commands that parse, call one service, render.

The console script is :func:`tradepivot.__main__.run` (signals handled before this package
is imported); :func:`main` runs one command in-process and returns its exit code.
"""

from __future__ import annotations

from tradepivot.cli.core import app, main

__all__ = ["app", "main"]

"""The command modules, and :func:`load`, which registers them on the Typer app.

A command line needs only the module that defines its command: ``tradepivot flows ...``
imports :mod:`~tradepivot.cli.commands.trade` alone, not the twelve others (their imports
and Typer's building of ~35 commands cost ~0.1 s). ``--help``, no command, or a name not in
:data:`COMMAND_MODULES` loads every module, so the help and Click's "No such command"
suggestions see them all. Whatever was loaded, the commands are kept in the order of
:data:`MODULES`, the order of the help panels: questions first, then data, then look-ups.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

__all__ = ["COMMAND_MODULES", "MODULES", "command_modules", "load"]

#: Every command module, in help order.
MODULES = (
    "trade",
    "opportunity",
    "pivot",
    "products",
    "tariff",
    "match",
    "data",
    "lookup",
    "serve",
    "db",
    "event",
    "users",
    "outbox",
)

#: Top-level command or group name -> the module that registers it (a test checks it
#: against what the modules register).
COMMAND_MODULES = {
    "flows": "trade",
    "market": "trade",
    "rank": "opportunity",
    "potential": "opportunity",
    "balance": "opportunity",
    "pivot": "pivot",
    "products": "products",
    "exposure": "tariff",
    "tariff": "tariff",
    "match": "match",
    "data": "data",
    "country": "lookup",
    "hs": "lookup",
    "sectors": "lookup",
    "serve": "serve",
    "db": "db",
    "event": "event",
    "users": "users",
    "outbox": "outbox",
}

# The root's options that take a value (see tradepivot.cli.core._global).
_VALUED = frozenset({"--warehouse", "--sectors", "--engine", "--config"})


def command_modules(args: Sequence[str]) -> tuple[str, ...]:
    """The modules a command line needs: the one of its command, else all of them."""
    expect_value = False
    for arg in args:
        if expect_value:
            expect_value = False
        elif arg in _VALUED:
            expect_value = True
        elif arg.startswith("-"):
            if arg in ("-h", "--help", "--"):
                return MODULES
        else:
            module = COMMAND_MODULES.get(arg)
            return MODULES if module is None else (module,)
    return MODULES


def load(args: Sequence[str] | None = None) -> None:
    """Import the command modules ``args`` needs (all without ``args``) and put the app's
    commands in help order, however many were loaded before and in what order."""
    from tradepivot.cli.core import app

    for name in MODULES if args is None else command_modules(args):
        importlib.import_module(f"{__name__}.{name}")

    def position(module: str) -> int:
        short = module.rpartition(".")[2]
        return MODULES.index(short) if short in MODULES else len(MODULES)

    app.registered_commands.sort(key=lambda c: position(getattr(c.callback, "__module__", "")))
    app.registered_groups.sort(
        key=lambda g: position(
            g.typer_instance.registered_commands[0].callback.__module__
            if g.typer_instance
            and g.typer_instance.registered_commands
            and g.typer_instance.registered_commands[0].callback
            else ""
        )
    )

"""How the CLI spells a service parameter: ``level`` -> ``--level``, ``exporter`` -> ``EXPORTER``.

Services name the parameter at fault (``InputError(param="level")``) and write ``$level`` in
their messages; the CLI shows its own option or argument for it. The table is derived from the
Typer options of the command that ran (then of every command), so a renamed option renames the
message with it; :data:`ALIASES` covers the few service parameters that a command takes under
another name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

__all__ = ["ALIASES", "cli_names", "command_chain", "param_namer"]

#: Service parameter -> the Typer parameter that carries it, where the two names differ.
ALIASES: dict[str, str] = {"id": "event_id"}  # `event import --id`

# Typer's commands and parameters (its own copy of click's classes) are read by duck typing:
# ``params``, ``commands``, ``opts``, ``param_type_name``.
Command = Any


def _spelling(param: Any) -> str | None:
    """``--level`` for an option (its longest flag), ``EXPORTER`` for an argument."""
    kind = getattr(param, "param_type_name", None)
    if kind == "option":
        opts = list(getattr(param, "opts", ()))
        flags = [f for f in opts if f.startswith("--")] or opts
        return max(flags, key=len) if flags else None
    if kind == "argument" and param.name:
        return str(param.name).upper()
    return None


def _subcommands(command: Command) -> dict[str, Command]:
    found = getattr(command, "commands", None)
    return found if isinstance(found, dict) else {}


def _walk(command: Command) -> Iterator[Command]:
    yield command
    for sub in _subcommands(command).values():
        yield from _walk(sub)


def cli_names(commands: Sequence[Command]) -> dict[str, str]:
    """Typer parameter name -> its spelling, over ``commands`` (later commands win)."""
    names: dict[str, str] = {}
    for command in commands:
        for param in getattr(command, "params", ()):
            spelled = _spelling(param)
            if param.name and spelled:
                names[param.name] = spelled
    return names


def _everywhere(root: Command) -> dict[str, str]:
    """Each parameter's most common spelling over every command (for a parameter the
    command that ran does not take, e.g. a hint suggesting another command's option)."""
    seen: dict[str, Counter[str]] = {}
    for command in _walk(root):
        for param in getattr(command, "params", ()):
            spelled = _spelling(param)
            if param.name and spelled:
                seen.setdefault(param.name, Counter())[spelled] += 1
    return {name: counts.most_common(1)[0][0] for name, counts in seen.items()}


def command_chain(root: Command, args: Sequence[str]) -> list[Command]:
    """The commands ``args`` invoke, outermost first: each word that names a subcommand of
    the one before (nothing is parsed or run)."""
    chain = [root]
    for arg in args:
        sub = _subcommands(chain[-1]).get(arg)
        if sub is not None:
            chain.append(sub)
    return chain


def param_namer(root: Command, args: Sequence[str]) -> Callable[[str], str]:
    """``name(param)``: the spelling of a service parameter for the command ``args`` ran."""
    here = cli_names(command_chain(root, args))
    anywhere = _everywhere(root)

    def name(param: str) -> str:
        key = ALIASES.get(param, param)
        return here.get(key) or anywhere.get(key) or "--" + param.replace("_", "-")

    return name

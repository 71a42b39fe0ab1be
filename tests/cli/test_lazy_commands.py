"""A command line imports only its own command module, and nothing a user sees changes.

``tradepivot.cli.commands.load`` registers the module of the invoked command alone (all of
them for ``--help``); these tests pin its table to what the modules really register and
check that help texts are the same whichever modules were loaded first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tradepivot.cli.commands import COMMAND_MODULES, MODULES, command_modules


def _run(code: str, tmp_path: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADEPIVOT_")}
    env.update({"XDG_CONFIG_HOME": str(tmp_path), "COLUMNS": "100", "NO_COLOR": "1"})
    done = subprocess.run(
        [sys.executable, "-c", "import contextlib, io, json, sys\n" + code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return done.stdout


def _help(args: list[str], before: list[list[str]] | None = None) -> str:
    """Code printing, as JSON, the help of ``args`` after running ``before`` in-process."""
    lines = ["from tradepivot.cli.core import main"]
    for earlier in before or []:
        lines.append(f"with contextlib.redirect_stdout(io.StringIO()): main({earlier!r})")
    lines += [
        "with contextlib.redirect_stdout(io.StringIO()) as out:",
        f"    assert main({args!r}) == 0",
        "loaded = sorted(m.rpartition('.')[2] for m in sys.modules"
        " if m.startswith('tradepivot.cli.commands.'))",
        "print(json.dumps({'help': out.getvalue(), 'loaded': loaded}))",
    ]
    return "\n".join(lines)


def test_the_table_is_what_the_modules_register(tmp_path: Path) -> None:
    code = (
        "import typer\n"
        "from tradepivot.cli.core import app\n"
        "from tradepivot.cli.commands import load\n"
        "load()\n"
        "found = {}\n"
        "for c in app.registered_commands:\n"
        "    name = c.name or c.callback.__name__.replace('_', '-')\n"
        "    found[name] = c.callback.__module__.rpartition('.')[2]\n"
        "for g in app.registered_groups:\n"
        "    found[g.name] = g.typer_instance.registered_commands[0].callback.__module__"
        ".rpartition('.')[2]\n"
        "root = typer.main.get_command(app)\n"
        "print(json.dumps({'found': found, 'order': list(root.commands)}))"
    )
    result = json.loads(_run(code, tmp_path))
    assert result["found"] == COMMAND_MODULES
    assert set(COMMAND_MODULES.values()) == set(MODULES)
    assert sorted(result["order"]) == sorted(COMMAND_MODULES)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["flows", "--exporter", "IND", "--importer", "RUS"], ("trade",)),
        (["--engine", "duckdb", "-v", "rank", "IND"], ("opportunity",)),
        (["--config=x.toml", "match", "schedule", "EV"], ("match",)),
        (["--warehouse", "flows", "market", "RUS"], ("trade",)),  # "flows" is the option's value
        (["--help"], MODULES),
        (["-h", "flows"], MODULES),
        ([], MODULES),
        (["flwos"], MODULES),  # unknown: Click's suggestions need every command
    ],
)
def test_command_modules(args: list[str], expected: tuple[str, ...]) -> None:
    assert command_modules(args) == expected


def test_a_command_loads_its_module_only_and_its_help_is_unchanged(tmp_path: Path) -> None:
    alone = json.loads(_run(_help(["flows", "--help"]), tmp_path))
    assert alone["loaded"] == ["trade"]
    after_all = json.loads(_run(_help(["flows", "--help"], before=[["--help"]]), tmp_path))
    assert len(after_all["loaded"]) == len(MODULES)
    assert "--exporter" in alone["help"]
    assert alone["help"] == after_all["help"]


def test_the_root_help_is_the_same_after_other_commands_ran(tmp_path: Path) -> None:
    fresh = json.loads(_run(_help(["--help"]), tmp_path))["help"]
    later = json.loads(
        _run(_help(["--help"], before=[["rank", "--help"], ["data", "--help"]]), tmp_path)
    )["help"]
    assert "Trade questions" in fresh
    assert later == fresh

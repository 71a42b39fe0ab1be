"""The CLI imports only what a command needs (issue 13: a cold command in under a second).

Not timed (speed belongs in benchmarks/bench_cli.py): each check runs a fresh interpreter and
looks at which modules it loaded, so a later top-level import of a heavy library fails here
instead of quietly adding a few tenths of a second to every command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Libraries that cost 0.05-0.5 s each to import and that no help text needs.
HEAVY = (
    "altair",
    "babel",
    "duckdb",
    "fastapi",
    "fpdf",
    "ibis",
    "jinja2",
    "numpy",
    "openpyxl",
    "ortools",
    "pandas",
    "pyarrow",
    "pydantic_settings",
    "pyspark",
    "sqlalchemy",
    "sqlglot",
    "uvicorn",
    "vl_convert",
    "yaml",
)


def _loaded(code: str, tmp_path: Path) -> set[str]:
    """Top-level names of the modules ``code`` leaves loaded in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADEPIVOT_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path)
    probe = (
        "import contextlib, io, json, sys\n"
        f"{code}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    names: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return set(names)


def test_importing_the_cli_loads_no_heavy_library(tmp_path: Path) -> None:
    loaded = _loaded("import tradepivot.cli\nimport tradepivot.cli.commands", tmp_path)
    assert "typer" in loaded  # the probe works: the CLI itself was imported
    assert sorted(loaded.intersection(HEAVY)) == []


@pytest.mark.parametrize("args", [["--help"], ["flows", "--help"], ["potential", "--help"]])
def test_help_loads_no_heavy_library(args: list[str], tmp_path: Path) -> None:
    code = (
        "from tradepivot.cli.core import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    code = main({args!r})\n"
        "assert code == 0 and 'Usage' in out.getvalue(), out.getvalue()"
    )
    assert sorted(_loaded(code, tmp_path).intersection(HEAVY)) == []


def test_version_imports_neither_the_cli_nor_a_heavy_library(tmp_path: Path) -> None:
    # The console script's own path (`tradepivot --version` ends the process with os._exit,
    # so the modules are read from -X importtime, which lists every import as it happens).
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tradepivot", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    from tradepivot import __version__

    assert done.stdout == f"tradepivot {__version__}\n"
    imported = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "tradepivot" in imported  # the probe works
    assert sorted(imported.intersection({*HEAVY, "typer", "rich", "click"})) == []


def test_version_says_the_same_through_the_cli(tmp_path: Path) -> None:
    from tradepivot import __version__

    code = (
        "from tradepivot.cli.core import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    code = main(['--version'])\n"
        "assert code == 0, code\n"
        "print(json.dumps(out.getvalue()))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADEPIVOT_")}
    done = subprocess.run(
        [sys.executable, "-c", "import contextlib, io, json\n" + code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(done.stdout) == f"tradepivot {__version__}\n"

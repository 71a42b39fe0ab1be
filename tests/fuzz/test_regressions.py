"""The cases of issue 12 as plain tests: each input once, through the real command.

Every case must end in a clean message naming the problem (exit 2 for bad input, 1 for a
failure of the work) and never "Internal error"; scripts/probe_reliability.py runs the same
families (and the slow ones, as child processes with memory and time caps).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SOURCES
from tests.fuzz.harness import assert_clean, run_cli

BACI = "BACI_HS17_Y2024_V202501.csv"


def _baci(tmp: Path) -> Path:
    for name, kind in (
        (BACI, "small"),
        ("country_codes_V202501.csv", "good"),
        ("product_codes_HS17_V202501.csv", "good"),
    ):
        shutil.copy(SOURCES / "baci" / kind / name, tmp / name)
    return tmp / BACI


def _write(name: str, text: str) -> Callable[[Path], Path]:
    def setup(tmp: Path) -> Path:
        (tmp / name).write_text(text, encoding="utf-8")
        return tmp / name

    return setup


def _event(tmp: Path) -> Path:
    shutil.copytree(FIXTURES / "events" / "tiny", tmp / "event")
    return tmp / "event"


def _huge_integer_page(tmp: Path) -> Path:
    page = json.loads((SOURCES / "india_eidb" / "raw" / "42022190_export.json").read_text())
    block = next(iter(page["years"].values()))
    block["countries"][0]["values_usd"]["y2024_2025"] = 10**400
    (tmp / "42022190_export.json").write_text(json.dumps(page))
    return tmp / "42022190_export.json"


LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)
ALIASED = (
    "name: x\nmarket: USA\ndate: 2025-09-01\nm: &m {id: m, exporters: [IND], add: 10, "
    "start: 2025-01-01}\nmeasures:\n" + "  - *m\n" * 20_000
)

# (id, setup returning the path the command names, command with {path}, exit code, words)
CASES: list[tuple[str, Callable[[Path], Path] | None, list[str], int, str]] = [
    ("simulate /dev/zero", None, ["tariff", "simulate", "/dev/zero"], 2, "device"),
    (
        "billion laughs",
        _write("p.yaml", LAUGHS),
        ["exposure", "--portfolio", "{path}"],
        2,
        "aliases",
    ),
    (
        "20,000 aliased measures",
        _write("s.yaml", ALIASED),
        ["tariff", "simulate", "{path}"],
        2,
        "aliases",
    ),
    (
        "time limit 1e308",
        _event,
        ["match", "schedule", "{path}", "--time-limit", "1e308", "--no-market"],
        2,
        "86400",
    ),
    (
        "seed 2^31",
        _event,
        ["match", "schedule", "{path}", "--seed", "2147483648", "--no-market"],
        2,
        "2147483647",
    ),
    (
        "EIDB integer of 400 digits",
        _huge_integer_page,
        ["data", "ingest", "eidb", "{path}"],
        2,
        "not finite",
    ),
    (
        "BACI country codes /dev/zero",
        _baci,
        ["data", "ingest", "baci", "{path}", "--countries", "/dev/zero"],
        2,
        "device",
    ),
    (
        "BACI product codes a folder",
        _baci,
        ["data", "ingest", "baci", "{path}", "--products", "{tmp}"],
        2,
        "folder",
    ),
    ("--sectors a folder", lambda tmp: tmp, ["--sectors", "{path}", "sectors"], 2, "folder"),
    ("--config a folder", lambda tmp: tmp, ["--config", "{path}", "sectors"], 2, "folder"),
]


@pytest.mark.parametrize(
    ("setup", "args", "code", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_case_of_the_issue_ends_in_a_clean_message(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    setup: Callable[[Path], Path] | None,
    args: list[str],
    code: int,
    words: str,
) -> None:
    path = setup(tmp_path) if setup else tmp_path
    argv = [a.replace("{path}", str(path)).replace("{tmp}", str(tmp_path)) for a in args]
    found, out, err = run_cli(capsys, "--warehouse", str(tmp_path / "w.duckdb"), *argv)
    assert_clean(found, out, err, " ".join(argv))
    assert found == code, err
    assert words in err


@pytest.mark.slow  # ~20 s: four probes as child processes
def test_the_probe_script_runs_and_classifies(tmp_path: Path) -> None:
    """scripts/probe_reliability.py (the figures of docs/reliability.md) keeps working."""
    import subprocess
    import sys

    root = Path(__file__).parents[2]
    report = tmp_path / "probes.json"
    done = subprocess.run(
        [
            sys.executable,
            str(root / "scripts" / "probe_reliability.py"),
            "-k",
            "as warehouse",
            "--jobs",
            "1",
            "--json",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    outcomes = json.loads(report.read_text())
    assert {o["name"] for o in outcomes} >= {"SQLite file as warehouse", "folder as warehouse"}
    assert all(o["outcome"] == "clean" for o in outcomes), done.stdout
    assert done.returncode == 0 and "| **all** |" in done.stdout

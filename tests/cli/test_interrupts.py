"""Ctrl-C and SIGTERM at any moment: "Interrupted: …", exit 130, no traceback, nothing half-done.

Real processes and real signals: an ingest of a 1-million-row BACI file and a long query
writing a CSV are interrupted at several moments, from start-up to the end of the work.
After each interrupt the warehouse holds either nothing or the complete dataset (and the
message says which), and no output or temporary file is left.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SOURCES

pytestmark = pytest.mark.slow

GOOD = SOURCES / "baci" / "good"
RUN = [sys.executable, "-m", "tradepivot"]


@pytest.fixture(scope="module")
def big_baci(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The good BACI fixture repeated to 1,000,000 rows (34 MB): a load of ~1.5 s."""
    folder = tmp_path_factory.mktemp("bigbaci")
    for code_file in GOOD.glob("*_codes_*.csv"):
        shutil.copy(code_file, folder)
    lines = (GOOD / "BACI_HS17_Y2024_V202501.csv").read_text().splitlines(keepends=True)
    body = "".join(lines[1:])
    target = folder / "BACI_HS17_Y2024_V202501.csv"
    with target.open("w") as out:
        out.write(lines[0])
        for _ in range(500):
            out.write(body)
    return target


def _interrupt(
    args: list[str], after: float, sig: signal.Signals
) -> subprocess.CompletedProcess[str]:
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(after)
    process.send_signal(sig)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(args, process.returncode, out, err)


def _rows(warehouse: Path) -> int | None:
    if not warehouse.exists():
        return None
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "bilateral" not in tables:
            return None
        row = con.execute("SELECT count(*) FROM bilateral").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


@pytest.mark.parametrize(
    ("sig", "fractions"),
    [(signal.SIGINT, (0.15, 0.3, 0.45, 0.6, 0.75, 0.9)), (signal.SIGTERM, (0.2, 0.5, 0.8))],
    ids=["SIGINT", "SIGTERM"],
)
def test_an_interrupted_ingest_changes_nothing_or_says_what_it_kept(
    big_baci: Path, tmp_path: Path, sig: signal.Signals, fractions: tuple[float, ...]
) -> None:
    warehouse = tmp_path / "w.duckdb"
    command = [*RUN, "--warehouse", str(warehouse), "data", "ingest", "baci", str(big_baci)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    full = time.perf_counter() - started
    assert _rows(warehouse) == 1_000_000
    outcomes = []
    for fraction in fractions:
        for leftover in tmp_path.glob("w.duckdb*"):
            leftover.unlink()
        result = _interrupt(command, full * fraction, sig)
        assert "Traceback" not in result.stderr and "Internal error" not in result.stderr
        rows = _rows(warehouse)
        if result.returncode == 0:  # the signal came as the process was already leaving
            assert "Loaded dataset" in result.stdout and rows == 1_000_000
            outcomes.append("finished")
            continue
        assert result.returncode == 130, result.stderr
        if "Interrupted: nothing was changed." in result.stderr:
            assert rows in (None, 0)  # the file may exist with its empty tables
            outcomes.append("nothing")
        else:
            assert "Interrupted: kept dataset baci-hs17-2024-v202501" in result.stderr
            assert rows == 1_000_000
            outcomes.append("kept")
    assert outcomes.count("nothing") >= len(fractions) // 2  # most fell inside the load


@pytest.mark.parametrize("after", [0.3, 1.0, 2.5, 5.0])
def test_an_interrupted_query_leaves_no_output(tmp_path: Path, after: float) -> None:
    output = tmp_path / "potential.csv"
    result = _interrupt(
        [*RUN, "potential", "-e", "IND", "--format", "csv", "--output", str(output)],
        after,
        signal.SIGINT,
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip() == "Interrupted: nothing was changed."
    assert list(tmp_path.iterdir()) == []


def test_a_signal_ignored_by_the_parent_stays_ignored(tmp_path: Path) -> None:
    """A background job (`cmd &` in a script) ignores SIGINT: tradepivot keeps it so."""
    result = subprocess.run(
        [*RUN, "country", "Russia"],
        capture_output=True,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        check=False,
    )
    assert result.returncode == 0 and "RUS" in result.stdout

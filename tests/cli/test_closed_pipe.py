"""A reader that stops reading (``tradepivot ... | head``) is not an error to report."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "args",
    [
        ["match", "schedule", "--help"],
        ["flows", "--exporter", "IND", "--importer", "RUS", "-f", "csv"],
        ["flows", "--exporter", "IND", "--importer", "RUS", "-f", "json"],
    ],
)
def test_a_closed_pipe_ends_quietly(args: list[str]) -> None:
    """Nothing is read; nothing may reach stderr (was 'Error: cannot run the
    query: Broken pipe. Check the path and the disk.' for a help text piped into head)."""
    with subprocess.Popen(
        [sys.executable, "-m", "tradepivot", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "80"},
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader is gone before the first line: every write fails
        error = proc.stderr.read().decode()
        proc.wait(timeout=120)
    assert error == "", error
    assert proc.returncode in (0, 1)  # 1: Rich's own convention for a closed stdout

"""Fuzzing command-line arguments: hostile values in every slot of the quick commands.

Each generated value goes into one option of a real command line (an exporter, an HS code, a
--top, a --level, a --dataset, a format, a config path, an output path) and the command must
answer with its result or a clean usage or input error, never an internal error. Bounded and
derandomized like the rest of tests/fuzz.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.harness import assert_clean, run_cli
from tests.fuzz.strategies import HOSTILE_TEXT

pytestmark = pytest.mark.slow  # about a minute

# Fewer per template than the file fuzzers: a valid query costs about a second here.
EXAMPLES = int(os.environ.get("TP_FUZZ_EXAMPLES", "6"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=not os.environ.get("TP_FUZZ_RANDOM"),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Command lines with one slot ({}) for the generated value; every other argument is valid.
TEMPLATES = [
    ["country", "{}"],
    ["hs", "{}"],
    ["hs", "4202", "--edition", "{}"],
    ["hs", "handbag", "--limit", "{}"],
    ["flows", "-e", "{}", "-i", "RUS", "-n", "3"],
    ["flows", "-e", "IND", "-i", "RUS", "--hs", "{}", "-n", "3"],
    ["flows", "-e", "IND", "-i", "RUS", "--hs", "42", "-n", "{}"],
    ["flows", "-e", "IND", "-i", "RUS", "--hs", "42", "--level", "{}", "-n", "3"],
    ["flows", "-e", "IND", "-i", "RUS", "--hs", "42", "-d", "{}", "-n", "3"],
    ["flows", "-e", "IND", "-i", "RUS", "--hs", "42", "--currency", "{}", "-n", "3"],
    ["flows", "-e", "IND", "-i", "RUS", "--hs", "42", "-s", "{}", "-n", "3"],
    ["flows", "-e", "IND", "-i", "RUS", "--hs", "42", "-f", "csv", "-o", "{out}", "-n", "3"],
    ["--config", "{}", "sectors"],
    ["--sectors", "{}", "sectors"],
    ["data", "remove", "{}"],
]

VALUES = st.sampled_from(HOSTILE_TEXT) | st.text(max_size=20) | st.integers().map(str)


@pytest.mark.parametrize("template", TEMPLATES, ids=[" ".join(t) for t in TEMPLATES])
def test_hostile_option_values_get_a_result_or_a_clean_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, template: list[str]
) -> None:
    @FUZZ
    @given(value=VALUES)
    def check(value: str) -> None:
        if "\x00" in value:  # an OS argument cannot hold NUL; the shell never passes one
            value = value.replace("\x00", "")
        out_path = str(tmp_path / "out" / value) if value else ""
        argv = [
            a.replace("{out}", out_path).replace("{}", value) if "{" in a else a for a in template
        ]
        code, out, err = run_cli(capsys, "--warehouse", str(tmp_path / "w.duckdb"), *argv)
        assert_clean(code, out, err, repr(argv))

    check()

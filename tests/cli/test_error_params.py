"""The CLI spells the parameters a service's error names as the command's own options."""

from __future__ import annotations

import pytest

from tradepivot.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_an_error_names_the_commands_option_not_the_services_parameter(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The service raises with ``param="year"`` and writes ``$year``; the CLI says ``--year``."""
    code, _, err = run(capsys, "products", "IND", "--year", "1999")
    assert code == 2
    assert "world-2024 has no year 1999" in err
    assert "Pick one of those with --year." in err and "$year" not in err
    code, _, err = run(
        capsys, "flows", "-e", "IND", "-i", "RUS", "--hs", "4202", "--sector", "pharma"
    )
    assert code == 2 and "Drop --sector to query these codes" in err

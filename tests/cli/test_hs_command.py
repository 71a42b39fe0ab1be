"""`tradepivot hs WORDS`: the plain-word product search from the command line."""

from __future__ import annotations

import pytest

from tradepivot.cli import main


def test_words_find_products_with_what_matched(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hs", "leather shoes", "--limit", "5"]) == 0
    out = capsys.readouterr().out
    assert "6403" in out and "Matched" in out


def test_russian_words_are_explained_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hs", "сумки кожаные", "--limit", "3"]) == 0
    out, err = capsys.readouterr()
    assert "420221" in out
    assert "searched as 'leather'" in err


def test_no_match_is_a_message_and_exit_2_not_an_empty_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["hs", "qwxzv"]) == 2
    out, err = capsys.readouterr()
    assert "No product matches 'qwxzv'" in err
    assert "HS code" in err and "┏" not in out

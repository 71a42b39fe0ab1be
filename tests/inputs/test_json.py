"""JSON inputs: numbers that are not finite, as floats or as integers, are named with their line."""

from __future__ import annotations

import pytest

from tradepivot.errors import SourceFileError
from tradepivot.inputs import finite_decoder, load_json


@pytest.mark.parametrize(
    "text", ['{"a": 1e400}', '{"a": NaN}', '{"a": -Infinity}', '{\n"a": ' + "9" * 400 + "}"]
)
def test_numbers_that_are_not_finite_are_refused(text: str) -> None:
    with pytest.raises(SourceFileError) as caught:
        load_json(text, "page.json")
    assert "not finite" in caught.value.message
    assert caught.value.line == text.count("\n") + 1


def test_long_but_finite_integers_still_load() -> None:
    assert load_json('{"a": ' + "9" * 300 + "}", "x.json") == {"a": int("9" * 300)}
    assert load_json("[12345678901234567890]", "x.json") == [12345678901234567890]


def test_the_piecewise_decoder_follows_the_same_rules() -> None:
    with pytest.raises(ValueError, match="9999"):
        finite_decoder().raw_decode("[" + "9" * 400 + "]")

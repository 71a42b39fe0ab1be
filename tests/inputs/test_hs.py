"""One rule for HS codes as users write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradepivot.inputs import HsCodeError, normalise_hs


@pytest.mark.parametrize(
    ("raw", "code", "noted"),
    [
        ("42", "42", False),
        ("4202", "4202", False),
        (" 4202.21 ", "420221", False),
        ("4202 21", "420221", False),
        (4202, "4202", False),
        ("401", "0401", True),
        ("10121", "010121", True),
        ("64039990", "640399", True),
        ("6403999000", "640399", True),
        ("1012100", "010121", True),
    ],
)
def test_accepted(raw: object, code: str, noted: bool) -> None:
    result = normalise_hs(raw)
    assert result.code == code
    assert (result.note is not None) == noted


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "  ",
        "4202.2",
        "-4202",
        "+4202",
        "42a",
        "4202-21",
        "1",
        "12345678901",
        True,
        4.2,
        None,
        "٤٢٠٢",
    ],
)
def test_refused(raw: object) -> None:
    with pytest.raises(HsCodeError):
        normalise_hs(raw)


def test_national_lines_can_be_kept_whole() -> None:
    assert normalise_hs("64039990", national=False).code == "64039990"


@given(st.text(max_size=14))
def test_any_text_is_a_code_of_2_4_or_6_digits_or_a_clear_error(text: str) -> None:
    try:
        code = normalise_hs(text).code
    except HsCodeError as exc:
        assert str(exc)
    else:
        assert code.isdigit() and len(code) in (2, 4, 6)

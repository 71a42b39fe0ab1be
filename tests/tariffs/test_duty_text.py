"""Duty rates as schedules write them: the parts read, and their ad valorem equivalents."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradepivot.tariffs.duty_text import Duty, parse_duty


@pytest.mark.parametrize(
    ("text", "form", "ad_valorem", "specific", "currency", "unit", "per"),
    [
        ("12.5%", "ad_valorem", 12.5, None, None, None, 1.0),
        ("0", "free", 0.0, None, None, None, 1.0),
        ("0.0%", "free", 0.0, None, None, None, 1.0),
        ("1.5 EUR за 1 пар", "specific", None, 1.5, "EUR", "pair", 1.0),
        ("50%, но не менее 1 EUR за 1 кг", "minimum", 50.0, 1.0, "EUR", "kg", 1.0),
        ("10%, но не менее 0.046 EUR за 1 л", "minimum", 10.0, 0.046, "EUR", "l", 1.0),
        ("4.5% плюс 0.02 EUR за 1 кг", "compound", 4.5, 0.02, "EUR", "kg", 1.0),
        ("250 USD за 1 т", "specific", None, 250.0, "USD", "kg", 1000.0),
        ("2 EUR за 1 1000 шт", "specific", None, 2.0, "EUR", "piece", 1000.0),
        ("10.20% + 93.10 EUR / 100 kg", "compound", 10.2, 93.1, "EUR", "kg", 100.0),
        ("32.00 EUR / hl", "specific", None, 32.0, "EUR", "l", 100.0),
        ("1,024.00 EUR / tonne", "specific", None, 1024.0, "EUR", "kg", 1000.0),
        ("34.00 GBP/100kg", "specific", None, 34.0, "GBP", "kg", 100.0),
        ("121.00 GBP/1000kg", "specific", None, 121.0, "GBP", "kg", 1000.0),
        ("52.00 EUR / 1,000 items", "specific", None, 52.0, "EUR", "piece", 1000.0),
    ],
)
def test_rate_forms_are_read_into_parts(
    text: str,
    form: str,
    ad_valorem: float | None,
    specific: float | None,
    currency: str | None,
    unit: str | None,
    per: float,
) -> None:
    duty = parse_duty(text)
    assert (duty.form, duty.ad_valorem_pct, duty.specific) == (form, ad_valorem, specific)
    assert (duty.currency, duty.unit, duty.per) == (currency, unit, per)
    assert duty.text == text


@pytest.mark.parametrize(
    "text",
    [
        "1.75 EUR / % vol / hl",
        "Entry Price",
        "9.00% +  EA MAX 18.70%  + ADSZ",
        "4.50% MIN 0.30 EUR / item MAX 0.80 EUR / item",
        "15.00% (01 JAN-14 FEB, 16 JUN-31 DEC), 0.00% (15 FEB-15 JUN)",
        "1.19 EUR / kg / lactic matter + 27.50 EUR / 100 kg",
        "20%, но не менее 0.8 EUR за 1 см3, мл x",
    ],
)
def test_what_cannot_be_read_with_certainty_is_complex(text: str) -> None:
    duty = parse_duty(text)
    assert duty.form == "complex"
    assert duty.ave_pct(10.0, 1.0) is None


@pytest.mark.parametrize("text", ["5", "17.23", "12", "", "   "])
def test_bare_numbers_are_flagged_not_guessed(text: str) -> None:
    duty = parse_duty(text)
    assert duty.form == "ambiguous"
    assert duty.ave_pct(10.0, 1.0) is None and duty.lower_bound_pct is None


def test_ave_of_a_per_pair_duty() -> None:
    # 1.25 EUR a pair at USD 1.0824 per EUR on shoes worth USD 14.44 a pair: 9.37%.
    duty = parse_duty("1.25 EUR за 1 пар")
    assert duty.ave_pct(14.44, 1.0824) == pytest.approx(1.25 * 1.0824 / 14.44 * 100)
    assert duty.ave_pct(None, 1.0824) is None and duty.lower_bound_pct is None


def test_ave_per_100_kg_and_per_tonne_use_the_quantity_the_amount_is_for() -> None:
    per_100kg = parse_duty("93.10 EUR / 100 kg")
    per_tonne = parse_duty("931.00 EUR / tonne")
    assert per_100kg.ave_pct(5.0, 1.1) == pytest.approx(per_tonne.ave_pct(5.0, 1.1) or 0)
    assert per_100kg.ave_pct(5.0, 1.1) == pytest.approx(0.931 * 1.1 / 5.0 * 100)


money = st.floats(min_value=0.01, max_value=1e4, allow_nan=False)
share = st.floats(min_value=0, max_value=200, allow_nan=False)


@given(share, money, money, st.floats(min_value=0.5, max_value=2))
def test_minimum_and_compound_never_fall_below_their_ad_valorem_part(
    ad_valorem: float, amount: float, unit_value: float, fx: float
) -> None:
    minimum = Duty("x", "minimum", ad_valorem, amount, "EUR", "kg")
    compound = Duty("x", "compound", ad_valorem, amount, "EUR", "kg")
    low = minimum.ave_pct(unit_value, fx)
    assert low is not None and low >= ad_valorem
    high = compound.ave_pct(unit_value, fx)
    assert high is not None and high >= low
    assert minimum.lower_bound_pct == compound.lower_bound_pct == ad_valorem


@given(money, money, money)
def test_a_dearer_unit_makes_a_specific_duty_a_smaller_share(
    amount: float, cheap: float, extra: float
) -> None:
    duty = Duty("x", "specific", None, amount, "EUR", "pair")
    low, high = duty.ave_pct(cheap + extra, 1.0), duty.ave_pct(cheap, 1.0)
    assert low is not None and high is not None and low <= high

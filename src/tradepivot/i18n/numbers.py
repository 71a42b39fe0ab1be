"""Number formatting for people: USD millions, or INR crore with Indian digit grouping.

One formatting of money and percentages, on Babel, for every layer that writes for people
(the CLI, the web pages, the briefs and the services' sentences), so a figure reads the same
wherever it is shown.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from babel.numbers import format_decimal

__all__ = ["CRORE", "in_unit", "money", "money_text", "money_unit", "percent"]

CRORE = 10_000_000
_SCALES: dict[str, float] = {"bn": 1e9, "m": 1e6, "k": 1e3, "": 1.0}


def money_unit(currency: dict[str, Any] | None) -> str:
    return (
        "INR crore"
        if currency and currency["code"] == "INR"
        else (f"{currency['code']} m" if currency else "USD m")
    )


def money(
    value_usd: float | None,
    currency: dict[str, Any] | None = None,
    digits: int = 1,
    locale: str | None = None,
) -> str:
    """``4810846383`` -> ``"4,810.8"`` (USD m) or ``"40,251.9"`` (INR crore, 1,23,456 grouping).

    ``locale`` (``ru_RU``, ``hi_IN``) changes the separators only (``4 810,8``): the unit and
    the Indian grouping of crore stay.
    """
    amount = in_unit(value_usd, currency)
    if amount is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    if currency is not None and currency["code"] == "INR":
        return format_decimal(amount, format="#,##,##0" + pattern[5:], locale=locale or "en_IN")
    return format_decimal(amount, format=pattern, locale=locale or "en_US")


def in_unit(value_usd: float | None, currency: dict[str, Any] | None) -> float | None:
    """USD -> the display unit of :func:`money_unit`: USD millions, INR crore, or millions of
    another currency at its stated rate; ``None`` for a missing or non-finite value."""
    if value_usd is None or not math.isfinite(float(value_usd)):
        return None
    if currency is None:
        return float(value_usd) / 1e6
    amount = float(value_usd) * float(currency["rate_per_usd"])
    return amount / CRORE if currency["code"] == "INR" else amount / 1e6


def money_text(
    amount: float,
    currency: str = "USD",
    *,
    scale: Literal["auto", "bn", "m", "k", ""] = "auto",
    locale: str | None = None,
) -> str:
    """An amount already in ``currency``, as a sentence writes it, with its code and unit.

    ``4.81e9`` -> ``"USD 4.8 bn"``, ``1.32e7`` -> ``"USD 13.2 m"``, ``45_000`` -> ``"USD 45 k"``;
    ``scale="m"`` fixes the unit (``"USD 4,810.8 m"``) where a text sits beside a table in
    millions. INR reads in crore with Indian grouping (``"INR 5,250.25 crore"``), and below a
    crore in rupees (``"INR 12,34,567"``).
    """
    if not math.isfinite(amount):
        return f"{currency} –"
    if currency == "INR":
        if abs(amount) >= CRORE:
            text = format_decimal(amount / CRORE, format="#,##,##0.##", locale=locale or "en_IN")
            return f"INR {text} crore"
        return f"INR {format_decimal(amount, format='#,##,##0', locale=locale or 'en_IN')}"
    if scale == "auto":
        size = abs(amount)
        scale = "bn" if size >= 1e9 else "m" if size >= 1e6 else "k" if size >= 1e3 else ""
    pattern = "#,##0.0" if scale in ("bn", "m") else "#,##0"
    text = format_decimal(amount / _SCALES[scale], format=pattern, locale=locale or "en_US")
    return f"{currency} {text}" + (f" {scale}" if scale else "")


def percent(value: float | None, digits: int = 1, locale: str | None = None) -> str:
    if value is None or value != value:
        return "–"
    if locale is None:
        return f"{value:,.{digits}f}%"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale) + "%"

"""Number formatting for people: USD millions, or INR crore with Indian digit grouping.

One formatting of money and percentages, on Babel, for every layer that writes for people
(the CLI, the web pages, the briefs and the services' sentences), so a figure reads the same
wherever it is shown.
"""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal

__all__ = ["money", "money_unit", "percent"]

CRORE = 10_000_000


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
    if value_usd is None or value_usd != value_usd:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    if currency is None:
        return format_decimal(value_usd / 1e6, format=pattern, locale=locale or "en_US")
    amount = value_usd * float(currency["rate_per_usd"])
    if currency["code"] == "INR":
        return format_decimal(
            amount / CRORE, format="#,##,##0" + pattern[5:], locale=locale or "en_IN"
        )
    return format_decimal(amount / 1e6, format=pattern, locale=locale or "en_US")


def percent(value: float | None, digits: int = 1, locale: str | None = None) -> str:
    if value is None or value != value:
        return "–"
    if locale is None:
        return f"{value:,.{digits}f}%"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale) + "%"

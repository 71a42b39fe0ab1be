"""Numbers in inputs are finite and plausible: one rule for every reader.

A value of ``1e400`` parses as infinity, 400 nines as 1e400, BACI's ``1e306`` thousand USD
overflows once scaled; stored, they print as ∞ and turn JSON totals into null. A finite
1e308 USD is no better. Readers call :func:`implausible` (or the Arrow equivalent in the CSV
readers) with bounds that no real figure reaches.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated

from pydantic import BeforeValidator

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_QUANTITY",
    "MAX_USD",
    "IsoDate",
    "check_number",
    "implausible",
    "iso_date",
]

# World merchandise trade is about USD 2.4e13 a year; no single flow, holding or duty comes
# within a factor of ten of it, so anything above is a mistake in the file.
MAX_USD = 1e13
# Quantities (tonnes, kilograms, items) of one flow: world crude oil is ~2e12 kg a year.
MAX_QUANTITY = 1e15


def implausible(
    value: float, *, low: float | None = 0.0, high: float | None = MAX_USD
) -> str | None:
    """What is wrong with ``value`` (``None`` when it is a finite number within bounds).

    >>> implausible(float("inf"))
    'is not a finite number'
    >>> implausible(2e13)
    'is implausibly large (more than 1e+13)'
    >>> implausible(-1.0)
    'is negative'
    """
    if not math.isfinite(value):
        return "is not a finite number"
    if low is not None and value < low:
        return "is negative" if low == 0 else f"is below {low:g}"
    if high is not None and value > high:
        return f"is implausibly large (more than {high:g})"
    return None


def check_number(
    value: float, what: str, *, low: float | None = 0.0, high: float | None = MAX_USD
) -> float:
    """``value`` when plausible, else ValueError naming ``what`` (for pydantic validators)."""
    problem = implausible(value, low=low, high=high)
    if problem is not None:
        raise ValueError(f"{what} {value:g} {problem}")
    return value


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIRST_YEAR, LAST_YEAR = 1900, 2100


def iso_date(value: object) -> object:
    """A day written ``YYYY-MM-DD`` between 1900 and 2100 (for pydantic: a ``date`` field
    would otherwise read the number 20250901 as seconds since 1970)."""
    if isinstance(value, dt.date):
        return value
    text = str(value).strip() if isinstance(value, str) else None
    if text is None or not _ISO_DATE.match(text):
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
    day = dt.date.fromisoformat(text)  # ValueError for 2025-13-01, with pydantic's line
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{text} is outside {FIRST_YEAR}-{LAST_YEAR}")
    return day


IsoDate = Annotated[dt.date, BeforeValidator(iso_date)]

"""Duty rates as tariff schedules write them, read into parts, and their ad valorem equivalent.

Schedules write a rate as text: ``12.5%`` (ad valorem), ``1.5 EUR за 1 пар`` (specific: per
pair), ``50%, но не менее 1 EUR за 1 кг`` (ad valorem, at least a specific amount), ``4.5%
плюс 0.02 EUR за 1 кг`` or ``10.20% + 93.10 EUR / 100 kg`` (compound). :func:`parse_duty`
reads the EAEU's Russian forms and the EU/UK English forms into a :class:`Duty`; what it cannot
read with certainty (entry prices, agricultural components, alcohol by volume, seasonal rates,
the EAEU's bare numbers without ``%``) is kept as text with the form ``complex`` or
``ambiguous``, never guessed.

An ad valorem equivalent (AVE) needs a unit value: :meth:`Duty.ave_pct` turns the specific
part into a percentage of the price of one unit (USD per kg, per pair ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["FORMS", "Duty", "Form", "parse_duty"]

Form = Literal["free", "ad_valorem", "specific", "minimum", "compound", "complex", "ambiguous"]
FORMS: tuple[Form, ...] = (
    "free",
    "ad_valorem",
    "specific",
    "minimum",
    "compound",
    "complex",
    "ambiguous",
)

_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
# Units as schedules write them -> (unit, how many of it the amount is for).
_UNITS: dict[str, tuple[str, float]] = {
    "кг": ("kg", 1.0),
    "т": ("kg", 1000.0),
    "л": ("l", 1.0),
    "пар": ("pair", 1.0),
    "шт": ("piece", 1.0),
    "1000 шт": ("piece", 1000.0),
    "м2": ("m2", 1.0),
    "см3, мл": ("cm3", 1.0),
    "kg": ("kg", 1.0),
    "100 kg": ("kg", 100.0),
    "100kg": ("kg", 100.0),
    "1000 kg": ("kg", 1000.0),
    "1000kg": ("kg", 1000.0),
    "tonne": ("kg", 1000.0),
    "hl": ("l", 100.0),
    "item": ("piece", 1.0),
    "1,000 items": ("piece", 1000.0),
    "1000 items": ("piece", 1000.0),
    "p/st": ("piece", 1.0),
    "pa": ("pair", 1.0),
}
_EAEU_SPECIFIC = re.compile(rf"^{_NUMBER} (EUR|USD) за 1 (кг|т|л|пар|шт|1000 шт|м2|см3, мл)$")
_EN_SPECIFIC = re.compile(
    rf"^{_NUMBER} ?(EUR|GBP|USD) ?/ ?(1000 ?kg|100 ?kg|kg|tonne|hl|item|1,?000 items|p/st|pa)$"
)
_PERCENT = re.compile(rf"^{_NUMBER} ?%$")


@dataclass(frozen=True)
class Duty:
    """One duty rate: the text as written and the parts read from it.

    ``ad_valorem_pct`` is the percentage part (for ``minimum`` the rate that applies when the
    specific amount is lower); ``specific`` is an amount of ``currency`` per ``per`` ``unit``
    (``1.5 EUR`` per ``1 pair``; ``93.1 EUR`` per ``100 kg``).
    """

    text: str
    form: Form
    ad_valorem_pct: float | None = None
    specific: float | None = None
    currency: str | None = None
    unit: str | None = None
    per: float = 1.0

    @property
    def has_specific(self) -> bool:
        return self.form in ("specific", "minimum", "compound")

    def specific_pct(self, unit_value_usd: float, usd_per_currency: float) -> float | None:
        """The specific part as a percentage of a unit value (USD per ``unit``)."""
        if self.specific is None or not unit_value_usd > 0:
            return None
        return 100.0 * self.specific * usd_per_currency / self.per / unit_value_usd

    def ave_pct(self, unit_value_usd: float | None, usd_per_currency: float | None) -> float | None:
        """The ad valorem equivalent at a unit value, or None when it cannot be known.

        Ad valorem and free duties need no unit value. Without one, a specific, minimum or
        compound duty has no AVE (the ad valorem part alone is only a lower bound: see
        :attr:`lower_bound_pct`).
        """
        if self.form == "free":
            return 0.0
        if self.form == "ad_valorem":
            return self.ad_valorem_pct
        if unit_value_usd is None or usd_per_currency is None or not self.has_specific:
            return None
        part = self.specific_pct(unit_value_usd, usd_per_currency)
        if part is None:
            return None
        if self.form == "specific":
            return part
        assert self.ad_valorem_pct is not None
        if self.form == "minimum":
            return max(self.ad_valorem_pct, part)
        return self.ad_valorem_pct + part  # compound

    @property
    def lower_bound_pct(self) -> float | None:
        """What is known without a unit value: the ad valorem part of a minimum or compound
        duty is a floor of its AVE."""
        if self.form in ("free", "ad_valorem", "minimum", "compound"):
            return 0.0 if self.form == "free" else self.ad_valorem_pct
        return None


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _specific(text: str, pattern: re.Pattern[str]) -> tuple[float, str, str, float] | None:
    found = pattern.match(text.strip())
    if not found:
        return None
    amount, currency, unit = found.groups()
    key = unit.replace(" ", "") if unit.replace(" ", "") in _UNITS else unit
    name, per = _UNITS[key]
    return _number(amount), currency, name, per


def parse_duty(text: str) -> Duty:
    """Read a rate written by the EAEU (Russian) or the EU/UK (English) into its parts.

    >>> parse_duty("12.5%").ad_valorem_pct
    12.5
    >>> d = parse_duty("1.5 EUR за 1 пар"); (d.form, d.specific, d.unit)
    ('specific', 1.5, 'pair')
    >>> d = parse_duty("10.20% + 93.10 EUR / 100 kg"); (d.form, d.per)
    ('compound', 100.0)
    >>> parse_duty("5").form  # a bare number: percent or not? flagged, not guessed
    'ambiguous'
    """
    raw = " ".join(str(text).split())
    clean = raw.replace(" ,", ",")
    if not clean:
        return Duty(raw, "ambiguous")
    if re.fullmatch(r"0(\.0+)?%?|0(\.0+)? ?%|free", clean, flags=re.IGNORECASE):
        return Duty(raw, "free", 0.0)
    percent = _PERCENT.match(clean)
    if percent:
        value = _number(percent.group(1))
        return Duty(raw, "free" if value == 0 else "ad_valorem", value)
    if re.fullmatch(_NUMBER, clean):
        return Duty(raw, "ambiguous")  # "5": percent or an amount? The source does not say.
    for pattern in (_EAEU_SPECIFIC, _EN_SPECIFIC):
        found = _specific(clean, pattern)
        if found:
            return Duty(raw, "specific", None, *found)
    mixed = re.match(rf"^{_NUMBER} ?%(, но не менее| плюс| \+) (.+)$", clean)
    if mixed:
        share, joint, rest = mixed.groups()
        form: Form = "minimum" if "не менее" in joint else "compound"
        for pattern in (_EAEU_SPECIFIC, _EN_SPECIFIC):
            found = _specific(rest, pattern)
            if found:
                return Duty(raw, form, _number(share), *found)
    leading = re.match(rf"^{_NUMBER} ?%", clean)
    return Duty(raw, "complex", _number(leading.group(1)) if leading else None)

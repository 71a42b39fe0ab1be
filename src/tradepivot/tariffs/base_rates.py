"""Customs territories' own schedules: MFN rates per national line, dated, with AVEs.

A :class:`BaseSchedule` is one territory's tariff (the EAEU's Common Customs Tariff, the EU's
Common External Tariff, the UK Global Tariff): the rate of every national line as written,
read into parts (:mod:`tradepivot.tariffs.duty_text`), the markets it applies to, the customs
union whose members trade with one another duty-free, and the first day it is in force. Rates
are MFN (conventional, third-country) rates: preferences are not in the sources.

Specific duties become ad valorem equivalents at a stated unit value (:class:`UnitValues`):
for an Indian exporter India's own unit value to that market from EIDB quantities when it
is large enough to be read, else India's unit value to every market, else the heading's;
for other exporters, India's unit value to every market (the only quantities the shipped data
has), said so in the basis.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from tradepivot.tariffs.duty_text import Duty

__all__ = [
    "EXPORTER_WITH_QUANTITIES",
    "MIN_UNIT_VALUE_USD",
    "Ave",
    "BaseSchedule",
    "RateLine",
    "UnitValue",
    "UnitValues",
]

# A market's unit value is read only from at least this much trade (USD); below it, a few
# shipments decide the price and the world figure is the better estimate.
MIN_UNIT_VALUE_USD = 100_000.0
EXPORTER_WITH_QUANTITIES = "IND"


@dataclass(frozen=True)
class RateLine:
    """One national line of a schedule: its rate as written and as read."""

    line: str
    hs6: str
    duty: Duty
    description: str | None
    source_row: int
    flag: str | None = None


@dataclass(frozen=True)
class UnitValue:
    """India's exports of a code to a market (``WLD`` = all) in one fiscal year, per unit."""

    code: str
    market: str
    fy: str
    unit: str
    value_usd: float
    quantity: float

    @property
    def usd_per_unit(self) -> float:
        return self.value_usd / self.quantity

    def describe(self) -> str:
        """``USD 20.29/pair (India to all markets, 640351, FY2024-25)``."""
        where = "all markets" if self.market == "WLD" else self.market
        return (
            f"USD {self.usd_per_unit:,.2f}/{self.unit} (India to {where}, {self.code}, FY{self.fy})"
        )


class UnitValues:
    """India's unit values by code (HS6 or heading, HS2022) and market."""

    def __init__(self, rows: Iterable[UnitValue]) -> None:
        self._by: dict[tuple[str, str], UnitValue] = {(r.code, r.market): r for r in rows}

    def find(self, hs6_2022: str, unit: str, market: str, exporter: str) -> UnitValue | None:
        """The unit value to read a duty per ``unit`` with (see the module docstring)."""
        markets = [market, "WLD"] if exporter == EXPORTER_WITH_QUANTITIES else ["WLD"]
        for code in (hs6_2022, hs6_2022[:4]):
            for where in markets:
                found = self._by.get((code, where))
                if found is None or found.unit != unit:
                    continue
                if where != "WLD" and found.value_usd < MIN_UNIT_VALUE_USD:
                    continue
                return found
        return None


@dataclass(frozen=True)
class Ave:
    """A line's duty for one exporter: the AVE when known, what is known otherwise, and why."""

    pct: float | None  # the ad valorem equivalent (None when it cannot be known)
    lower_bound_pct: float | None  # what is known without a unit value (minimum/compound)
    basis: str  # how the figure was reached, in a sentence
    unit_value: UnitValue | None = None


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per schedule
class BaseSchedule:
    """One customs territory's MFN schedule (see the module docstring)."""

    id: str
    title: str
    short: str
    markets: tuple[str, ...]
    union: frozenset[str]
    edition: str
    start: dt.date
    end: dt.date | None
    manifest: Mapping[str, Any]
    lines: Mapping[str, RateLine]
    fx: Mapping[str, float]  # USD per unit of currency
    to_hs2022: Mapping[str, str] = field(default_factory=dict)  # HS6 of the lines -> HS2022

    @classmethod
    def from_records(
        cls,
        meta: Mapping[str, Any],
        lines: Iterable[Mapping[str, Any]],
        fx: Mapping[str, float],
        to_hs2022: Mapping[str, str] | None = None,
    ) -> BaseSchedule:
        """``meta`` from the manifest; ``lines`` of every schedule (this one's are picked,
        and its descriptions taken from ``meta["descriptions_from"]``'s lines if named)."""
        lines = list(lines)
        other = meta.get("descriptions_from")
        described = {r["line"]: r["description"] for r in lines if r["schedule"] == other}
        built = {
            r["line"]: RateLine(
                line=r["line"],
                hs6=r["hs6"],
                duty=Duty(
                    text=r["rate_text"],
                    form=r["form"],
                    ad_valorem_pct=r["ad_valorem_pct"],
                    specific=r["specific"],
                    currency=r["currency"],
                    unit=r["unit"],
                    per=r["per"],
                ),
                description=r["description"] or described.get(r["line"]),
                source_row=r["source_row"],
                flag=r["flag"],
            )
            for r in lines
            if r["schedule"] == meta["id"]
        }
        return cls(
            id=meta["id"],
            title=meta["title"],
            short=meta["short"],
            markets=tuple(meta["markets"]),
            union=frozenset(meta["union"]),
            edition=meta["edition"],
            start=dt.date.fromisoformat(meta["start"]),
            end=dt.date.fromisoformat(meta["end"]) if meta.get("end") else None,
            manifest=dict(meta),
            lines=built,
            fx=dict(fx),
            to_hs2022=dict(to_hs2022 or {}),
        )

    # ------------------------------------------------------------------ look-ups
    def in_force(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    @cached_property
    def _sorted(self) -> list[str]:
        return sorted(self.lines)

    def lines_under(self, prefix: str) -> list[RateLine]:
        """The national lines under an HS prefix, sorted."""
        codes = self._sorted
        start = bisect.bisect_left(codes, prefix)
        end = start
        while end < len(codes) and codes[end].startswith(prefix):
            end += 1
        return [self.lines[c] for c in codes[start:end]]

    def by_hs6(self) -> dict[str, list[RateLine]]:
        """The national lines grouped by their HS6 code (the schedule's edition)."""
        return self._by_hs6

    @cached_property
    def _by_hs6(self) -> dict[str, list[RateLine]]:
        grouped: dict[str, list[RateLine]] = {}
        for code in self._sorted:
            grouped.setdefault(self.lines[code].hs6, []).append(self.lines[code])
        return grouped

    def free_between(self, exporter: str, market: str) -> bool:
        """Whether goods move duty-free between the two (members of the same customs union)."""
        return exporter in self.union and market in self.union and exporter != market

    # ------------------------------------------------------------------ duties
    def ave(self, line: RateLine, exporter: str, market: str, unit_values: UnitValues) -> Ave:
        """The duty ``exporter`` pays on ``line`` entering ``market``, as an AVE when it can."""
        duty = line.duty
        if self.free_between(exporter, market):
            return Ave(0.0, 0.0, f"duty-free within the customs union ({self.short})")
        if duty.form == "ambiguous":
            return Ave(None, None, f"the source writes {duty.text!r}: not read as a rate")
        if duty.form == "complex":
            return Ave(
                None, None, "entry price, agricultural component, alcohol or seasonal rate: no AVE"
            )
        if not duty.has_specific:
            return Ave(duty.ave_pct(None, None), duty.lower_bound_pct, "ad valorem")
        hs6 = line.hs6 if self.edition == "HS2022" else self.to_hs2022.get(line.hs6, line.hs6)
        assert duty.unit is not None and duty.currency is not None
        found = unit_values.find(hs6, duty.unit, market, exporter)
        fx = self.fx.get(duty.currency)
        if found is None or fx is None:
            return Ave(
                None,
                duty.lower_bound_pct,
                f"no unit value per {duty.unit} for {hs6} in EIDB: AVE unknown"
                + (f" (at least {duty.lower_bound_pct:g}%)" if duty.lower_bound_pct else ""),
            )
        pct = duty.ave_pct(found.usd_per_unit, fx)
        basis = f"at {found.describe()}" + (
            "" if exporter == EXPORTER_WITH_QUANTITIES else ", India's as a proxy"
        )
        return Ave(pct, duty.lower_bound_pct, basis, found)

    def citation(self) -> dict[str, Any]:
        m = self.manifest
        return {
            "id": self.id,
            "title": self.title,
            "source": m["source"],
            "edition": f"{m['nomenclature']}, {self.edition}-based; in force from {self.start}",
            "rate_type": m["rate_type"],
            "terms": m["terms"],
        }

    def notes(self) -> list[str]:
        m = self.manifest
        notes = [
            f"{self.short}: {m['rate_type']} — not applied: {m['preferences_not_applied']}.",
            f"{self.title}: a third-party extract of the official schedule, unverified; "
            "rates checked against the official text for a sample of lines (docs/tariffs.md).",
        ]
        if m.get("caveat"):
            notes.append(f"{self.short}: {m['caveat']}.")
        return notes

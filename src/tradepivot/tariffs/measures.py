"""Tariff measures as dated data, and the stack of duties in force on a day.

A measure says who pays what on which goods, when and under which legal act: a market, the
exporters it covers (one, a list or all, minus exceptions), the products (HS prefixes at any
level, with exclusions and an optional named exemption list), a rate and how it combines with
the rest, a legal reference and first/last days in force. Measures are independent of one
another except through ``replaces`` (a country rate that takes the place of a universal one
while both are in force) and ``mode``:

- ``add``: percentage points on top of the base rate and the other additional duties;
- ``replace``: the additional duties of the product become this rate (a negotiated cap);
- ``floor``: the total of base rate plus this layer is at least the rate (a "15 % all-in" deal).

Because measures combine by these rules and never by their order in a file, a stack does not
depend on the order its measures were loaded in (a property test checks it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tradepivot.inputs import normalise_hs

__all__ = ["ALL", "ExemptLookup", "Layer", "Measure", "Stack", "exempt_share", "stack"]

ALL = "all"
Mode = Literal["add", "replace", "floor"]


class Measure(BaseModel):
    """One tariff measure (see the module docstring for how measures combine)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    market: str = Field(pattern=r"^[A-Z]{3}$")
    exporters: tuple[str, ...] = (ALL,)
    except_exporters: tuple[str, ...] = ()
    products: tuple[str, ...] = (ALL,)
    exclude: tuple[str, ...] = ()
    exempt_list: str | None = None  # a named product list (e.g. "ieepa-annex-ii")
    mode: Mode = "add"
    rate_pct: float = Field(ge=0, le=1000)
    start: dt.date
    end: dt.date | None = None  # last day in force; None = open-ended
    layer: str = "scenario"
    reference: str = ""
    source: str = ""  # where the figure comes from: file and line, or a publication
    ambiguity: str | None = None  # what the source leaves open, printed with the stack
    replaces: tuple[str, ...] = ()  # ids of measures this one displaces while in force

    @field_validator("products", "exclude")
    @classmethod
    def _hs_prefixes(cls, codes: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for code in codes:
            if str(code).strip().lower() == ALL:
                out.append(ALL)
                continue
            out.append(normalise_hs(code, national=False).code)  # HsCodeError is a ValueError
        return tuple(out)

    @model_validator(mode="after")
    def _dates(self) -> Measure:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"ends ({self.end}) before it starts ({self.start})")
        return self

    # ------------------------------------------------------------------ coverage
    def in_force(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def covers_exporter(self, exporter: str) -> bool:
        if exporter in self.except_exporters:
            return False
        return ALL in self.exporters or exporter in self.exporters

    def covers_product(self, code: str) -> bool:
        """Whether an HS code (any length) falls in ``products`` and not in ``exclude``."""
        return _matches(code, self.products) and not _matches(code, self.exclude, everything=False)

    def overlaps(self, other: Measure) -> bool:
        """Same market, some exporter, some product and some day in common."""
        if self.market != other.market:
            return False
        days = self.start <= (other.end or dt.date.max) and other.start <= (self.end or dt.date.max)
        exporters = (
            ALL in self.exporters
            or ALL in other.exporters
            or bool(set(self.exporters) & set(other.exporters))
        )
        products = (
            ALL in self.products
            or ALL in other.products
            or any(
                a.startswith(b) or b.startswith(a) for a in self.products for b in other.products
            )
        )
        return days and exporters and products

    def period(self) -> str:
        end = self.end.isoformat() if self.end else "open-ended"
        return f"{self.start.isoformat()} to {end}"


def _matches(code: str, prefixes: Iterable[str], *, everything: bool = True) -> bool:
    for prefix in prefixes:
        if prefix == ALL:
            if everything:
                return True
            continue
        if code.startswith(prefix) or prefix.startswith(code):
            # A prefix longer than the code (an 8-digit line under an HS6 code) still counts:
            # the measure reaches part of that code, which the caller reports as partial.
            return True
    return False


@dataclass(frozen=True)
class Layer:
    """One line of a duty stack: a measure in force and what it adds on that day."""

    measure: Measure
    rate_pct: float  # the percentage points this layer adds to the total (after floors/caps)
    partial: bool = (
        False  # covers only some national lines of the code, or an exemption list splits it
    )
    note: str | None = None


@dataclass(frozen=True)
class Stack:
    """Duties on one product of one exporter in one market on one day."""

    market: str
    exporter: str
    code: str
    day: dt.date
    base_pct: float | None  # MFN (or the user's base); None when not ad valorem
    base_label: str
    layers: tuple[Layer, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def additional_pct(self) -> float:
        return sum(layer.rate_pct for layer in self.layers)

    @property
    def total_pct(self) -> float | None:
        if self.base_pct is None:
            return None
        return self.base_pct + self.additional_pct


ExemptLookup = dict[str, frozenset[str]]  # list name -> codes (8 or 10 digits) on it


def exempt_share(code: str, codes: frozenset[str], lines: Sequence[str]) -> float:
    """Share of ``code``'s national lines on an exemption list (0 = none exempt, 1 = all).

    ``lines`` are the national tariff lines under ``code`` (e.g. HTS8 under an HS6); a line
    is exempt when the list holds it or a prefix of it (lists keep at most 8 digits: a
    10-digit entry marks its whole 8-digit line).
    """
    if not codes:
        return 0.0
    candidates = list(lines) or [code]
    exempt = sum(1 for line in candidates if _listed(line, codes))
    return exempt / len(candidates)


def _listed(line: str, codes: frozenset[str]) -> bool:
    if any(line[:n] in codes for n in range(2, min(len(line), 8) + 1)):
        return True
    return len(line) < 8 and any(c.startswith(line) for c in codes)


def stack(
    measures: Iterable[Measure],
    *,
    market: str,
    exporter: str,
    code: str,
    day: dt.date,
    base_pct: float | None,
    base_label: str,
    exempt_lists: ExemptLookup | None = None,
    lines: Sequence[str] = (),
) -> Stack:
    """The duties in force on ``day`` for ``exporter``'s ``code`` entering ``market``.

    ``lines`` are the national lines under ``code`` (to tell a whole exemption from a partial
    one); a partially exempt layer counts in proportion to the lines it covers and is marked.
    """
    exempt_lists = exempt_lists or {}
    active = [
        m
        for m in measures
        if m.market == market
        and m.in_force(day)
        and m.covers_exporter(exporter)
        and m.covers_product(code)
    ]
    displaced = {r for m in active for r in m.replaces}
    active = [m for m in active if m.id not in displaced]
    active.sort(key=lambda m: (m.start, m.id))
    notes: list[str] = []
    layers: list[Layer] = []
    replacing = [m for m in active if m.mode == "replace"]
    if replacing:
        cap = max(replacing, key=lambda m: (m.start, m.id))
        notes.append(f"{cap.id} sets the additional duties to {cap.rate_pct:g}% ({cap.reference}).")
        layers.append(Layer(cap, cap.rate_pct))
        active = []
    for measure in active:
        share = 1.0
        partial = any(len(p) > len(code) for p in measure.products if p != ALL)
        if measure.exempt_list:
            exempt = exempt_share(code, exempt_lists.get(measure.exempt_list, frozenset()), lines)
            share = 1.0 - exempt
            partial = partial or 0.0 < exempt < 1.0
            if share == 0.0:
                notes.append(
                    f"{measure.id} does not apply: the product is on {measure.exempt_list}."
                )
                continue
        rate = measure.rate_pct
        note = None
        if measure.mode == "floor":
            if base_pct is None:
                note = "floor applied to a non-ad-valorem base: amount unknown"
                rate = 0.0
            else:
                rate = max(0.0, measure.rate_pct - base_pct)
                note = f"all-in floor of {measure.rate_pct:g}%: adds {rate:g} points over the base"
        if partial and share < 1.0:
            note = (note + "; " if note else "") + (
                f"applies to {share:.0%} of the national lines; counted in proportion"
            )
        layers.append(Layer(measure, rate * share, partial, note))
        if measure.ambiguity:
            notes.append(f"{measure.id}: {measure.ambiguity}")
    return Stack(
        market=market,
        exporter=exporter,
        code=code,
        day=day,
        base_pct=base_pct,
        base_label=base_label,
        layers=tuple(layers),
        notes=tuple(dict.fromkeys(notes)),
    )

"""Scenario files: a named set of tariff measures on one market, validated with line numbers.

A scenario describes duties on one importing market on one day (``date``) relative to a base:
the applied rates of 2024 (for the US, duty collected over customs value from the Census
data; elsewhere zero, said aloud). Its measures add points (``add``), set the additional duty
(``set``) or impose an all-in floor (``floor``); ``schedule: true`` also applies the embedded
dated measures in force on ``date`` (US only). Schema and examples: docs/tariffs.md,
examples/scenarios/.

Every problem is reported with the file, the line of the offending YAML node, the field and
what was expected, and nothing is half-loaded: the caller gets a scenario or an error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tradepivot.data.reference import Reference
from tradepivot.errors import SourceFileError, TradepivotError
from tradepivot.inputs import HsCodeError, IsoDate, Limits, Written, load_yaml, normalise_hs
from tradepivot.tariffs.measures import ALL, Measure

__all__ = ["MAX_MEASURES", "ElasticityOverride", "Scenario", "parse_scenario"]

# A scenario describes policy: the whole US stack of 2025 is about 50 measures. The bound
# keeps the pairwise contradiction check (and a hostile file) within a second.
MAX_MEASURES = 2_000
SCENARIO_LIMITS = Limits(max_bytes=4 << 20)
_ISO3 = re.compile(r"^[A-Z]{3}$")


class _MeasureSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    exporters: list[str] = Field(default_factory=lambda: [ALL])
    except_exporters: list[str] = Field(default_factory=list)
    products: list[str | int] = Field(default_factory=lambda: list[str | int]([ALL]))
    exclude: list[str | int] = Field(default_factory=list)
    add: float | None = Field(default=None, ge=0, le=1000)
    set: float | None = Field(default=None, ge=0, le=1000)
    floor: float | None = Field(default=None, ge=0, le=1000)
    start: IsoDate
    end: IsoDate | None = None
    reference: str = ""
    source: str = ""

    @model_validator(mode="after")
    def _one_rate(self) -> _MeasureSpec:
        given = [k for k in ("add", "set", "floor") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of `add` (points added), `set` (additional duty becomes) "
                f"or `floor` (all-in minimum), in percent; found {given or 'none'}"
            )
        if self.end is not None and self.end < self.start:
            raise ValueError(f"`end` ({self.end}) is before `start` ({self.start})")
        return self


class _Elasticity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Published estimates lie within a few units; the bounds catch typos such as -1e308.
    import_demand: float | None = Field(default=None, le=0, ge=-100)
    substitution: float | None = Field(default=None, gt=0, le=100)


class _ElasticitiesSpec(_Elasticity):
    by_product: dict[str, _Elasticity] = Field(default_factory=dict)


class _ScenarioSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    description: str = ""
    market: str
    date: IsoDate
    schedule: bool = False
    measures: list[_MeasureSpec] = Field(min_length=1, max_length=MAX_MEASURES)
    elasticities: _ElasticitiesSpec = Field(default_factory=_ElasticitiesSpec)
    sources: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class ElasticityOverride:
    """Product-specific elasticities (an HS prefix and the values it sets)."""

    prefix: str
    import_demand: float | None
    substitution: float | None


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: measures on one market as of one day, and elasticities."""

    name: str
    market: str
    date: dt.date
    measures: tuple[Measure, ...]
    path: str
    description: str = ""
    schedule: bool = False
    import_demand: float | None = None
    substitution: float | None = None
    by_product: tuple[ElasticityOverride, ...] = ()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def in_force(self) -> tuple[Measure, ...]:
        """The scenario's measures in force on its date."""
        return tuple(m for m in self.measures if m.in_force(self.date))

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.path,
            "market": self.market,
            "date": self.date.isoformat(),
            "schedule": self.schedule,
            "measures": [
                {
                    "id": m.id,
                    "exporters": list(m.exporters),
                    "products": list(m.products),
                    "exclude": list(m.exclude),
                    "mode": m.mode,
                    "rate_pct": m.rate_pct,
                    "period": m.period(),
                    "in_force": m.in_force(self.date),
                    "reference": m.reference,
                }
                for m in self.measures
            ],
        }


# ---------------------------------------------------------------------- parsing
def parse_scenario(text: str, path: str, ref: Reference) -> Scenario:
    """Validate a scenario document; raises :class:`SourceFileError` naming line and field.

    The YAML is read by :func:`tradepivot.inputs.load_yaml` (1.2 scalars: ``0101`` stays a
    code; finite numbers; size, depth and alias limits).
    """
    doc = load_yaml(text, path, SCENARIO_LIMITS)
    if not isinstance(doc.data, Mapping):
        raise SourceFileError(
            path, "a scenario is a mapping", expected="keys name, market, date, measures"
        )
    try:
        spec = _ScenarioSpec.model_validate(doc.data)
    except ValidationError as exc:
        raise doc.validation_error(
            exc, _ScenarioSpec, hint="See docs/tariffs.md for the scenario schema."
        ) from None

    def where(*loc: str | int) -> dict[str, Any]:
        return {"line": doc.line(loc), "field": ".".join(str(p) for p in loc)}

    market = _country(ref, spec.market, path, where("market"))
    notes: list[str] = []
    measures: list[Measure] = []
    for n, m in enumerate(spec.measures):
        exporters = [
            ALL
            if e.lower() == ALL
            else _country(ref, e, path, where("measures", n, "exporters", i))
            for i, e in enumerate(m.exporters)
        ]
        excepted = [
            _country(ref, e, path, where("measures", n, "except_exporters", i))
            for i, e in enumerate(m.except_exporters)
        ]
        products = _products(ref, m.products, path, ("measures", n, "products"), where, notes)
        exclude = _products(ref, m.exclude, path, ("measures", n, "exclude"), where, notes)
        mode, rate = (
            ("add", m.add)
            if m.add is not None
            else ("replace", m.set)
            if m.set is not None
            else ("floor", m.floor)
        )
        assert rate is not None  # guaranteed by _MeasureSpec._one_rate
        measures.append(
            Measure(
                id=m.id or f"measure-{n + 1}",
                market=market,
                exporters=tuple(exporters),
                except_exporters=tuple(excepted),
                products=tuple(products),
                exclude=tuple(exclude),
                mode=mode,  # type: ignore[arg-type]
                rate_pct=rate,
                start=m.start,
                end=m.end,
                layer="scenario",
                reference=m.reference,
                source=m.source or path,
            )
        )
    _check_ids(measures, path, where)
    _check_contradictions(measures, path, where)
    overrides = []
    for prefix, values in spec.elasticities.by_product.items():
        codes = _products(ref, [prefix], path, ("elasticities", "by_product", prefix), where, notes)
        overrides.append(ElasticityOverride(codes[0], values.import_demand, values.substitution))
    if spec.schedule and market != "USA":
        raise SourceFileError(
            path,
            f"`schedule: true` applies the embedded dated measures, which exist only for USA (not {market})",
            **where("schedule"),
        )
    if not any(m.in_force(spec.date) for m in measures) and not spec.schedule:
        notes.append(
            f"No measure of the scenario is in force on {spec.date}: the simulation shows no change."
        )
    return Scenario(
        name=spec.name,
        market=market,
        date=spec.date,
        measures=tuple(measures),
        path=path,
        description=spec.description,
        schedule=spec.schedule,
        import_demand=spec.elasticities.import_demand,
        substitution=spec.elasticities.substitution,
        by_product=tuple(overrides),
        sources=tuple(spec.sources),
        notes=tuple(notes),
    )


def _country(ref: Reference, query: str, path: str, where: Mapping[str, Any]) -> str:
    try:
        iso3 = ref.iso3(query)
    except TradepivotError as exc:
        raise SourceFileError(path, exc.message, hint=exc.hint, **where) from None
    if not _ISO3.match(iso3):
        raise SourceFileError(
            path,
            f"{query!r} is {iso3}, a statistical area of the trade data, not a country with a tariff",
            expected="a country: an ISO3 code (USA), ISO2 (US), M49 number (840) or English name",
            **where,
        )
    return iso3


def _products(
    ref: Reference,
    codes: Sequence[str | int],
    path: str,
    loc: tuple[str | int, ...],
    where: Any,
    notes: list[str],
) -> list[str]:
    out: list[str] = []
    for i, raw in enumerate(codes):
        text = raw.text if isinstance(raw, Written) else str(raw)
        if text.strip().lower() == ALL:
            out.append(ALL)
            continue
        try:
            code = normalise_hs(text, national=False)
        except HsCodeError as exc:
            raise SourceFileError(
                path,
                str(exc),
                expected="an HS prefix such as 42, 4202 or 420221 (or a national line of 8 or 10 digits)",
                **where(*loc, i),
            ) from None
        if code.note:
            notes.append(f"{code.note}")
        head = code.code[:6]
        if not any(_exists(ref, head, edition) for edition in ("HS2022", "HS2017")):
            try:
                ref.hs(head, "HS2022")
            except TradepivotError as exc:
                raise SourceFileError(path, exc.message, hint=exc.hint, **where(*loc, i)) from None
        if len(code.code) > 6:
            notes.append(
                f"{text} is a national line: the trade data is HS6, so the measure is applied to "
                f"all of {head} in the simulation."
            )
        out.append(code.code)
    return out


def _exists(ref: Reference, code: str, edition: str) -> bool:
    try:
        ref.hs(code, edition)
    except TradepivotError:
        return False
    return True


def _check_ids(measures: Sequence[Measure], path: str, where: Any) -> None:
    seen: dict[str, int] = {}
    for n, m in enumerate(measures):
        if m.id in seen:
            raise SourceFileError(
                path,
                f"measure id {m.id!r} is used twice (also measure {seen[m.id] + 1})",
                hint="Give every measure its own id.",
                **where("measures", n, "id"),
            )
        seen[m.id] = n


def _check_contradictions(measures: Sequence[Measure], path: str, where: Any) -> None:
    """Two ``set``/``floor`` measures that overlap and disagree cannot both hold."""
    fixed = [(n, m) for n, m in enumerate(measures) if m.mode != "add"]
    for a_pos, (_n, a) in enumerate(fixed):
        for k, b in fixed[a_pos + 1 :]:
            if a.overlaps(b) and (a.mode, a.rate_pct) != (b.mode, b.rate_pct):
                raise SourceFileError(
                    path,
                    f"measures {a.id!r} ({a.mode} {a.rate_pct:g}%) and {b.id!r} "
                    f"({b.mode} {b.rate_pct:g}%) cover the same exporters, products and days "
                    "but set different rates",
                    hint="Narrow one of them (dates, exporters or products) or remove it.",
                    **where("measures", k),
                )

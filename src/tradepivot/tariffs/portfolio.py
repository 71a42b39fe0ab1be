"""Portfolios: what a firm or a cluster exports, by product and market.

A portfolio is either a list of *holdings* (HS code x market x value, read from CSV or YAML)
or a *cluster*: a published total with a product scope and the few market figures that are
known, spread over products and the remaining markets by the exporting country's own pattern
(:func:`distribute`), with every assumption kept as a sentence to print. Values come in any
currency of the exchange-rate table and are converted to USD at the rate for the portfolio's
period. Every bad input is a :class:`~tradepivot.errors.SourceFileError` naming the file, the
line and the field. The formats are documented in ``examples/portfolios/README.md``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Annotated

import pyarrow as pa
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from tradepivot.data.reference import ProductScope, Reference
from tradepivot.errors import (
    DataGapError,
    InputError,
    InputLimitError,
    SourceFileError,
    UnknownCountryError,
    UnknownProductError,
    UnknownSectorError,
)
from tradepivot.i18n.numbers import money_text
from tradepivot.inputs import (
    HS_EXPECTED,
    MAX_USD,
    HsCodeError,
    Limits,
    Written,
    decode_text,
    load_yaml,
    normalise_hs,
    read_text,
)

__all__ = [
    "ClusterSpec",
    "Holding",
    "Portfolio",
    "distribute",
    "expand",
    "load_portfolio",
    "parse_portfolio",
]

CRORE = 10_000_000
DEFAULT_EXPORTER = "IND"
# Firms write current (HS2022-based ITC-HS) codes; the world matrix is HS2017. Accept both.
_EDITIONS = ("HS2022", "HS2017")
_SEPARATORS = re.compile(r"[.\s]")
PORTFOLIO_LIMITS = Limits(max_bytes=64 << 20)
# Amounts are in the file's currency; the largest a real one may be (INR 1e15 = USD 1.2e13).
MAX_AMOUNT = MAX_USD * 100
_PERIOD = re.compile(r"^(?:(\d{4})|FY(\d{4})-(\d{2}))$")
_CSV_COLUMNS = ("hs", "market", "value")
_CSV_OPTIONAL = ("currency", "period")
_HS_HINT = "Look codes up with `tradepivot hs WORDS` (e.g. `tradepivot hs handbag leather`)."


# ---------------------------------------------------------------------------- data model
@dataclass(frozen=True)
class Holding:
    """Exports of one product to one market, in USD and in the currency they were given in."""

    hs: str  # HS code of 2-6 digits (8/10-digit national lines truncated to 6)
    market: str  # ISO3
    value_usd: float
    value: float
    currency: str
    line: int | None = None  # line of the input file; None when distributed from a total


@dataclass(frozen=True)
class ClusterSpec:
    """A cluster's total exports in a product scope, with the market figures that are known.

    ``rate_per_usd`` converts ``currency`` to USD (1.0 for USD).
    """

    total: float
    currency: str
    period: str
    scope: ProductScope
    known_markets: dict[str, float]  # ISO3 -> value in the same currency
    rate_per_usd: float


@dataclass(frozen=True)
class Portfolio:
    """A firm's holdings or a cluster's total, with its exchange rate, sources and assumptions.

    Exactly one of ``holdings`` and ``cluster`` is set (a cluster gets holdings from
    :func:`expand`, which keeps both). ``period`` is ``""`` for a USD file that names none.
    """

    name: str
    exporter: str
    holdings: tuple[Holding, ...] | None
    cluster: ClusterSpec | None
    period: str
    currency: str
    rate_per_usd: float
    fx_source: str
    sources: tuple[str, ...]
    assumptions: tuple[str, ...]

    @property
    def total(self) -> float:
        """Total exports in the portfolio's currency."""
        if self.cluster is not None:
            return self.cluster.total
        return math.fsum(h.value for h in self.holdings or ())

    @property
    def total_usd(self) -> float:
        return self.total / self.rate_per_usd


# ---------------------------------------------------------------------------- formatting


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _lines(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return f"line{'s' if len(numbers) > 1 else ''} {shown}{' ...' if len(numbers) > 10 else ''}"


def _number(raw: object) -> float | None:
    """A finite number from a YAML scalar or CSV cell (``1,00,000`` and ``1_000`` allowed)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(re.sub(r"[,_\s]", "", raw))
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


# ---------------------------------------------------------------------------- validation
@dataclass
class _Checker:
    """Validates the fields both formats share, failing with the file, line and field."""

    path: Path
    ref: Reference
    exporter: str = DEFAULT_EXPORTER

    def __post_init__(self) -> None:
        self.truncated: list[int] = []
        self.zero_restored: list[int] = []

    def fail(
        self,
        problem: str,
        *,
        line: int | None,
        field: str | None = None,
        expected: str | None = None,
        hint: str | None = None,
    ) -> SourceFileError:
        return SourceFileError(
            str(self.path), problem, line=line, field=field, expected=expected, hint=hint
        )

    def country(self, raw: object, line: int | None, field: str) -> str:
        text = str(raw).strip()
        try:
            iso3 = self.ref.iso3(text)
        except UnknownCountryError as exc:
            raise self.fail(
                f"unknown country {text!r}",
                line=line,
                field=field,
                expected="an ISO3 code (USA), ISO2 (US), M49 number (840) or English name",
                hint=exc.hint or "Look it up with `tradepivot country NAME`.",
            ) from exc
        if field != "exporter" and iso3 == self.exporter:
            raise self.fail(
                f"{text!r} is the exporter itself",
                line=line,
                field=field,
                expected="a market other than the exporter",
                hint="A portfolio lists exports to other countries; drop this entry.",
            )
        return iso3

    def hs(self, raw: object, line: int | None, field: str = "hs") -> str:
        text = raw.text if isinstance(raw, Written) else str(raw).strip()
        try:
            normalised = normalise_hs(text)
        except HsCodeError as exc:
            raise self.fail(
                str(exc),
                line=line,
                field=field,
                expected=HS_EXPECTED,
                hint="Write chapters (42), headings (4202) or subheadings (420221).",
            ) from None
        code = normalised.code
        last: UnknownProductError | None = None
        for edition in _EDITIONS:
            try:
                found = self.ref.hs(code, edition).code
            except UnknownProductError as exc:
                last = last or exc
                continue
            if line is not None and normalised.note:
                digits = len(_SEPARATORS.sub("", text))
                (self.truncated if digits > 7 else self.zero_restored).append(line)
            return found
        suggestions = f"{last.hint} " if last and last.hint else ""
        read_as = f" (read as {code})" if code != _SEPARATORS.sub("", text) else ""
        raise self.fail(
            f"HS code {text!r}{read_as} does not exist in {' or '.join(_EDITIONS)}",
            line=line,
            field=field,
            expected=HS_EXPECTED,
            hint=suggestions + _HS_HINT,
        )

    def currency(self, raw: object, line: int | None, field: str = "currency") -> str:
        code = str(raw).strip().upper()
        known = sorted({"USD"} | {r.currency for r in self.ref.fx_rates()})
        if code not in known:
            raise self.fail(
                f"unknown currency {str(raw).strip()!r}",
                line=line,
                field=field,
                expected=", ".join(known),
                hint="Convert the values to one of these currencies (the exchange-rate table has no other).",
            )
        return code

    def period(self, raw: object, line: int | None, field: str = "period") -> str:
        text = str(raw).strip()
        match = _PERIOD.match(text)
        if match is None or (
            match.group(2) and int(match.group(3)) != (int(match.group(2)) + 1) % 100
        ):
            raise self.fail(
                f"period {text!r} is not a calendar year or an Indian fiscal year",
                line=line,
                field=field,
                expected='a year such as "2024" or a fiscal year such as "FY2024-25"',
            )
        return text

    def rate(self, currency: str, period: str, line: int | None) -> tuple[float, str, str]:
        """(units per USD, source, assumption sentence) for values in ``currency``."""
        if currency == "USD":
            return 1.0, "values given in US dollars: no conversion", ""
        try:
            fx = self.ref.fx_rate(currency, period)
        except InputError as exc:
            periods = sorted({r.period for r in self.ref.fx_rates() if r.currency == currency})
            raise self.fail(
                f"no {currency} exchange rate for {period!r}",
                line=line,
                field="period",
                expected="one of " + ", ".join(periods),
                hint="Pick a period the exchange-rate table covers, or give the values in USD.",
            ) from exc
        note = (
            f"Values in {currency} are converted to USD at {fx.rate_per_usd:,.4f} {currency} "
            f"per USD for {period} ({fx.kind} rate): {fx.source}."
        )
        return fx.rate_per_usd, f"{fx.source}; {fx.reference}", note

    def code_notes(self) -> list[str]:
        notes = []
        if self.truncated:
            notes.append(
                f"National 8/10-digit lines are read as their HS6 subheading ({_lines(self.truncated)})."
            )
        if self.zero_restored:
            notes.append(
                f"HS codes with an odd number of digits are read with a leading zero restored "
                f"({_lines(self.zero_restored)})."
            )
        return notes


def load_portfolio(path: Path, ref: Reference) -> Portfolio:
    """Read a portfolio from a ``.csv`` (holdings) or ``.yaml``/``.yml``/``.json`` file
    (holdings or cluster).

    Parameters: ``path`` the file; ``ref`` the reference tables that resolve countries, HS codes,
    sectors and exchange rates. Returns the :class:`Portfolio`; a cluster's holdings are
    filled in later by :func:`expand`. Raises :class:`SourceFileError` for any bad input.
    """
    path = Path(path)
    _format_of(path.name)  # a wrong extension fails before the file is read
    return _parse(path, read_text(path, "portfolio file", PORTFOLIO_LIMITS), ref)


def parse_portfolio(content: bytes, name: str, ref: Reference) -> Portfolio:
    """A portfolio from the bytes of a file called ``name`` (an upload): the same formats and
    validation as :func:`load_portfolio`, the errors naming ``name``. Nothing touches a disk."""
    _format_of(name)
    if len(content) > PORTFOLIO_LIMITS.max_bytes:
        raise InputLimitError(
            name,
            f"is larger than {PORTFOLIO_LIMITS.max_bytes:,} bytes, the most a portfolio may be",
            limit="size",
            hint="Is this really a portfolio? Split it if it is.",
        )
    return _parse(Path(name), decode_text(content, name), ref)


def _format_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".tsv", ".yaml", ".yml", ".json"):
        raise SourceFileError(
            name,
            f"has an unknown extension {suffix or '(none)'!r}",
            expected=".csv, .yaml, .yml or .json",
            hint="Name a holdings table *.csv and a portfolio description *.yaml.",
        )
    return "csv" if suffix in (".csv", ".tsv") else "yaml"


def _parse(path: Path, text: str, ref: Reference) -> Portfolio:
    if _format_of(path.name) == "csv":
        return _load_csv(path, text, ref)
    return _load_yaml(path, text, ref)  # JSON is YAML


# ---------------------------------------------------------------------------- CSV
def _load_csv(path: Path, text: str, ref: Reference) -> Portfolio:
    check = _Checker(path, ref)
    comments: list[str] = []
    physical: list[int] = []  # physical line of each line handed to the csv reader

    def content() -> Iterator[str]:
        block: list[str] = []  # consecutive comment lines make one source text
        for number, raw in enumerate(io.StringIO(text, newline=""), start=1):
            stripped = raw.strip()
            comment = stripped.lstrip("#").strip() if stripped.startswith("#") else None
            if comment:
                block.append(comment)
                continue
            if block:
                comments.append(" ".join(block))
                block = []
            if comment is None and stripped:
                physical.append(number)
                yield raw
        if block:
            comments.append(" ".join(block))

    lines = content()
    header_text = next(lines, None)
    if header_text is None:
        raise check.fail("has no header", line=1, expected="a header line hs,market,value")
    header_line = physical[0]
    delimiter = max((",", ";", "\t"), key=header_text.count)
    header = [h.strip().lower() for h in next(csv.reader([header_text], delimiter=delimiter))]
    missing = [c for c in _CSV_COLUMNS if c not in header]
    if missing:
        raise check.fail(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            line=header_line,
            expected=f"a header hs,market,value (optional: currency, period); found {', '.join(header)}",
        )
    doubled = sorted(
        {h for h in header if header.count(h) > 1 and h in _CSV_COLUMNS + _CSV_OPTIONAL}
    )
    if doubled:
        raise check.fail(f"column {doubled[0]!r} appears twice", line=header_line, field=doubled[0])
    col = {name: header.index(name) for name in _CSV_COLUMNS + _CSV_OPTIONAL if name in header}

    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    while True:
        consumed = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            at = physical[min(reader.line_num, len(physical) - 1)]
            raise check.fail(f"malformed CSV: {exc}", line=at) from exc
        line = physical[consumed + 1]  # +1: the header was read by another reader
        if len(row) != len(header):
            raise check.fail(
                f"has {len(row)} field{'s' if len(row) != 1 else ''}",
                line=line,
                expected=f"{len(header)} like the header ({delimiter.join(header)})",
                hint='Quote values that contain the delimiter, e.g. "1,00,000".',
            )
        rows.append((line, [cell.strip() for cell in row]))
    if not rows:
        raise check.fail("has no holdings", line=header_line, expected="rows below the header")

    def uniform(name: str, default: str | None) -> tuple[str | None, int | None]:
        if name not in col:
            return default, None
        first: tuple[str, int] | None = None
        for line, row in rows:
            cell = row[col[name]]
            if not cell:
                raise check.fail(f"{name} is empty", line=line, field=name)
            if first is None:
                first = (cell, line)
            elif cell.upper() != first[0].upper():
                raise check.fail(
                    f"{name} {cell!r} differs from {first[0]!r} on line {first[1]}",
                    line=line,
                    field=name,
                    expected=f"one {name} for the whole file",
                    hint=f"Split the file by {name}, or convert the values first.",
                )
        assert first is not None
        return first

    raw_currency, currency_line = uniform("currency", "USD")
    currency = check.currency(raw_currency, currency_line)
    raw_period, period_line = uniform("period", None)
    if raw_period is None:
        if currency != "USD":
            raise check.fail(
                f"values in {currency} need a period to pick the exchange rate",
                line=header_line,
                field="period",
                expected="a period column (e.g. FY2024-25 or 2024)",
            )
        period = ""
    else:
        period = check.period(raw_period, period_line)
    rate, fx_source, fx_note = check.rate(currency, period, period_line or currency_line)

    holdings = []
    for line, row in rows:
        # The same row schema as a YAML holding: one set of validators for both formats.
        try:
            item = _HoldingIn.model_validate({name: row[col[name]] for name in _CSV_COLUMNS})
        except ValidationError as exc:
            error = exc.errors()[0]
            name = str(error["loc"][0]) if error["loc"] else None
            context = error.get("ctx") or {}
            problem = str(context["error"]) if "error" in context else str(error["msg"])
            raise check.fail(
                problem,
                line=line,
                field=name,
                expected=_EXPECTED.get(name or ""),
                hint="Exports are positive amounts: fix the sign or drop the entry."
                if "negative" in problem
                else None,
            ) from None
        holdings.append(_holding(check, item, currency, rate, line, line, line))
    return Portfolio(
        name=path.stem,
        exporter=DEFAULT_EXPORTER,
        holdings=tuple(holdings),
        cluster=None,
        period=period,
        currency=currency,
        rate_per_usd=rate,
        fx_source=fx_source,
        sources=tuple(comments),
        assumptions=(*check.code_notes(), *([fx_note] if fx_note else [])),
    )


# ---------------------------------------------------------------------------- YAML
def _text(value: object) -> object:
    """Numbers written where text is meant (``hs: 4202``, ``period: 2024``) become text."""
    if isinstance(value, Written):
        return value.text
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _figure(value: object) -> object:
    """A non-negative number, or a published range ``[low, high]`` (kept as a pair)."""
    if isinstance(value, list):
        numbers = [_number(v) for v in value]
        if len(numbers) != 2 or None in numbers:
            raise ValueError("a range must be two numbers, [low, high]")
        low, high = (float(n or 0.0) for n in numbers)
        if low > high:
            raise ValueError(f"range [{value[0]}, {value[1]}] has low above high")
        if low < 0:
            raise ValueError(f"range [{value[0]}, {value[1]}] is negative")
        if high > MAX_AMOUNT:
            raise ValueError(f"range [{value[0]}, {value[1]}] is implausibly large")
        return (low, high)
    number = _number(value)
    if number is None:
        raise ValueError(f"{value!r} is not a number or a range [low, high]")
    if number < 0:
        raise ValueError(f"value {value} is negative")
    if number > MAX_AMOUNT:
        raise ValueError(f"value {value} is implausibly large (more than {MAX_AMOUNT:g})")
    return number


def _holding(
    check: _Checker,
    item: _HoldingIn,
    currency: str,
    rate: float,
    line: int,
    hs_line: int,
    market_line: int,
) -> Holding:
    """A validated holding row (either format) with its code and market resolved."""
    return Holding(
        hs=check.hs(item.hs, hs_line),
        market=check.country(item.market, market_line, "market"),
        value_usd=item.value / rate,
        value=item.value,
        currency=currency,
        line=line,
    )


def _amount(value: object) -> object:
    figure = _figure(value)
    if isinstance(figure, tuple):
        raise ValueError("give one number here (ranges are for cluster figures)")
    return figure


_Text = Annotated[str, BeforeValidator(_text)]
_Figure = Annotated[float | tuple[float, float], BeforeValidator(_figure)]
_Amount = Annotated[float, BeforeValidator(_amount)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class _HoldingIn(_Model):
    hs: _Text
    market: _Text
    value: _Amount


class _ScopeIn(_Model):
    sector: _Text | None = None
    hs: list[_Text] | None = None
    exclude: list[_Text] | None = None


class _ClusterIn(_Model):
    total: _Figure
    scope: _ScopeIn
    known_markets: dict[str, _Figure] = Field(default_factory=dict)


class _PortfolioIn(_Model):
    name: _Text
    exporter: _Text = DEFAULT_EXPORTER
    currency: _Text = "USD"
    period: _Text
    holdings: list[_HoldingIn] | None = None
    cluster: _ClusterIn | None = None
    sources: list[_Text] = Field(default_factory=list)


_EXPECTED = {
    "name": "a name, e.g. Kanpur leather cluster",
    "period": 'a year such as "2024" or a fiscal year such as "FY2024-25"',
    "hs": "an HS code, e.g. 4202",
    "market": "a country, e.g. USA",
    "value": "a number of zero or more",
    "total": "a number or a published range [low, high]",
    "scope": "a mapping with sector: NAME and/or hs: [codes]",
    "sources": "a list of texts",
}


def _load_yaml(path: Path, text: str, ref: Reference) -> Portfolio:
    check = _Checker(path, ref)
    doc = load_yaml(text, str(path), PORTFOLIO_LIMITS)
    if not isinstance(doc.data, dict):
        raise check.fail(
            "is not a portfolio description",
            line=1,
            expected="a mapping with name, period and holdings or cluster",
            hint="See examples/portfolios/README.md for the format.",
        )
    try:
        spec = _PortfolioIn.model_validate(doc.data)
    except ValidationError as exc:
        error = doc.validation_error(exc, _PortfolioIn, expected=_EXPECTED)
        if "negative" in error.problem and error.hint is None:
            error = doc.validation_error(
                exc,
                _PortfolioIn,
                expected=_EXPECTED,
                hint="Exports are positive amounts: fix the sign.",
            )
        raise error from None
    lines = doc.lines

    check.exporter = check.country(spec.exporter, lines.get(("exporter",)), "exporter")
    currency = check.currency(spec.currency, lines.get(("currency",)))
    period = check.period(spec.period, lines.get(("period",)))
    rate, fx_source, fx_note = check.rate(
        currency, period, lines.get(("period",)) or lines.get(("currency",))
    )
    if (spec.holdings is None) == (spec.cluster is None):
        raise check.fail(
            "has both holdings and cluster"
            if spec.holdings is not None
            else "has neither holdings nor cluster",
            line=lines.get(("cluster",), 1),
            expected="either holdings: (a firm) or cluster: (a total with a scope), not both",
        )
    holdings: tuple[Holding, ...] | None = None
    cluster: ClusterSpec | None = None
    notes: list[str] = []
    if spec.holdings is not None:
        if not spec.holdings:
            raise check.fail(
                "holdings is empty",
                line=lines[("holdings",)],
                field="holdings",
                expected="a list of {hs, market, value}",
            )
        holdings = tuple(
            _holding(
                check,
                item,
                currency,
                rate,
                lines[("holdings", i)],
                lines[("holdings", i, "hs")],
                lines[("holdings", i, "market")],
            )
            for i, item in enumerate(spec.holdings)
        )
    else:
        assert spec.cluster is not None
        cluster, notes = _cluster(check, spec.cluster, lines, currency, period, rate)
    return Portfolio(
        name=spec.name,
        exporter=check.exporter,
        holdings=holdings,
        cluster=cluster,
        period=period,
        currency=currency,
        rate_per_usd=rate,
        fx_source=fx_source,
        sources=tuple(spec.sources),
        assumptions=(*notes, *check.code_notes(), *([fx_note] if fx_note else [])),
    )


def _midpoint(
    figure: float | tuple[float, float], what: str, currency: str, notes: list[str]
) -> float:
    if isinstance(figure, tuple):
        low, high = figure
        middle = (low + high) / 2
        if low != high:
            notes.append(
                f"{what} is a published range, {money_text(low, currency)} to "
                f"{money_text(high, currency)}; the midpoint, {money_text(middle, currency)}, is used."
            )
        return middle
    return figure


def _cluster(
    check: _Checker,
    spec: _ClusterIn,
    lines: Mapping[tuple[str | int, ...], int],
    currency: str,
    period: str,
    rate: float,
) -> tuple[ClusterSpec, list[str]]:
    notes: list[str] = []
    total = _midpoint(spec.total, "The total", currency, notes)
    if total <= 0:
        raise check.fail(
            "total is zero",
            line=lines[("cluster", "total")],
            field="cluster.total",
            expected="a positive amount",
        )
    scope_line = lines[("cluster", "scope")]
    if not spec.scope.sector and not spec.scope.hs:
        raise check.fail(
            "scope names no products",
            line=scope_line,
            field="cluster.scope",
            expected=_EXPECTED["scope"],
            hint="e.g. scope: {sector: leather} (see `tradepivot sectors`).",
        )
    hs = [
        check.hs(code, lines[("cluster", "scope", "hs", i)], "cluster.scope.hs")
        for i, code in enumerate(spec.scope.hs or [])
    ]
    exclude = [
        check.hs(code, lines[("cluster", "scope", "exclude", i)], "cluster.scope.exclude")
        for i, code in enumerate(spec.scope.exclude or [])
    ]
    scope: ProductScope | None = None
    for edition in ("HS2017", "HS2022"):
        try:
            scope = check.ref.product_scope(hs, spec.scope.sector, edition, exclude)
            break
        except UnknownSectorError as exc:
            raise check.fail(
                exc.message,
                line=lines[("cluster", "scope", "sector")],
                field="cluster.scope.sector",
                hint=exc.hint,
            ) from exc
        except UnknownProductError:
            continue  # valid in the other edition (checked above)
        except InputError as exc:
            raise check.fail(
                exc.message,
                line=scope_line,
                field="cluster.scope",
                hint="Drop sector: to use these codes, or pick codes inside the sector.",
            ) from exc
    if scope is None:
        raise check.fail(
            "scope mixes codes that exist only in HS2017 with codes only in HS2022",
            line=scope_line,
            field="cluster.scope",
            expected="codes of one HS edition",
        )

    known: dict[str, float] = {}
    known_lines: dict[str, int] = {}
    for key, figure in spec.known_markets.items():
        line = lines[("cluster", "known_markets", key)]
        iso3 = check.country(key, line, "cluster.known_markets")
        if iso3 in known:
            raise check.fail(
                f"{key!r} is {iso3}, already given on line {known_lines[iso3]}",
                line=line,
                field="cluster.known_markets",
                expected="each market once",
            )
        known[iso3] = _midpoint(figure, f"The figure for {check.ref.name(iso3)}", currency, notes)
        known_lines[iso3] = line
    known_sum = math.fsum(known.values())
    if known_sum > total:
        raise check.fail(
            f"known markets add up to {money_text(known_sum, currency)}, more than the total "
            f"{money_text(total, currency)}",
            line=lines[("cluster", "known_markets")],
            field="cluster.known_markets",
            expected="known markets within the total",
            hint=f"Check the units (all figures in {currency}"
            + ("; 1 crore = 10,000,000" if currency == "INR" else "")
            + ") or raise the total.",
        )
    return ClusterSpec(total, currency, period, scope, known, rate), notes


# ---------------------------------------------------------------------------- distribution
def _apportion(units: int, weights: Sequence[float]) -> list[int]:
    """Split ``units`` in proportion to ``weights`` by largest remainders, exactly.

    Weights are read as exact binary fractions, so the split depends on no rounding.
    """
    ratios = [Fraction(w) for w in weights]
    denominator = max(r.denominator for r in ratios)  # all powers of two
    scaled = [r.numerator * (denominator // r.denominator) for r in ratios]
    whole = sum(scaled)
    counts = [units * s // whole for s in scaled]
    left = units - sum(counts)
    by_remainder = sorted(range(len(scaled)), key=lambda i: (-(units * scaled[i] % whole), i))
    for i in by_remainder[:left]:
        counts[i] += 1
    return counts


def _quantum(total: float, parts: Iterable[float]) -> float:
    """The largest power of two up to 1 that divides ``total`` and ``parts`` (at least the
    total's last binary digit): amounts counted in it add up exactly, in any order."""
    finest = math.ulp(total)
    quantum = max(finest, min(1.0, finest * 2**52))
    figures = [total, *parts]
    while quantum > finest and any(math.fmod(x, quantum) for x in figures):
        quantum /= 2
    return quantum


def _pattern_in_scope(
    pattern: pa.Table, scope: ProductScope, exporter: str
) -> dict[str, dict[str, float]]:
    """market -> hs6 -> value of positive flows in scope, the exporter itself left out."""
    missing = {"hs6", "market", "value_usd"} - set(pattern.column_names)
    if missing:
        raise ValueError(f"pattern lacks column(s) {', '.join(sorted(missing))}")
    data = pattern.select(["hs6", "market", "value_usd"]).to_pydict()
    flows: dict[str, dict[str, float]] = {}
    for hs6, market, value in zip(data["hs6"], data["market"], data["value_usd"], strict=True):
        if value is None or not value > 0 or market is None or hs6 is None or market == exporter:
            continue
        code = f"{hs6:06d}" if isinstance(hs6, int) else str(hs6)
        if not scope.contains(code):
            continue
        products = flows.setdefault(str(market), {})
        products[code] = products.get(code, 0.0) + float(value)
    return flows


def distribute(
    cluster: ClusterSpec,
    pattern: pa.Table,
    exporter: str,
    *,
    label: str = "The cluster",
    ref: Reference | None = None,
    pattern_source: str | None = None,
) -> tuple[list[Holding], list[str]]:
    """Spread a cluster's total over products and markets by the exporter's national pattern.

    Parameters: ``pattern`` is the exporter's exports (columns ``hs6, market, value_usd``; rows
    outside the scope are ignored); ``label`` names the cluster in the sentences, ``ref`` gives
    country names, ``pattern_source`` names the data (e.g. ``"india-eidb, FY2024-25"``).

    Each known market keeps its value, split across products by the exporter's products to
    that market (by the national product mix when the pattern shows none); the rest of the
    total goes to the other markets and products in proportion to the pattern. Returns the
    holdings and the assumption sentences.

    The split is counted in whole units: whole rupees or dollars when the figures are whole,
    finer powers of two otherwise (down to the total's last binary digit, to which known
    figures are rounded down). So ``sum(h.value for h in holdings) == cluster.total`` exactly, in
    any order, and each known market's holdings add up to its value.
    """
    name: Callable[[str], str] = ref.name if ref is not None else (lambda iso3: iso3)
    currency = cluster.currency
    total = cluster.total
    if not (math.isfinite(total) and total >= 0):
        raise InputError(f"The cluster total must be a finite amount of zero or more, not {total}.")
    for market, value in cluster.known_markets.items():
        if not (math.isfinite(value) and value >= 0):
            raise InputError(f"The figure for {market} must be zero or more, not {value}.")
    if exporter in cluster.known_markets:
        raise InputError(f"{name(exporter)} is the exporter and cannot be one of its markets.")
    if total == 0:
        return [], [f"{label}'s total is zero: nothing to distribute."]

    quantum = _quantum(total, cluster.known_markets.values())
    units = int(total / quantum)
    known_units = {m: math.floor(v / quantum) for m, v in cluster.known_markets.items()}
    rest_units = units - sum(known_units.values())
    if rest_units < 0:
        known_sum = math.fsum(cluster.known_markets.values())
        raise InputError(
            f"Known markets add up to {money_text(known_sum, currency)}, more than {label}'s total "
            f"of {money_text(total, currency)}.",
            hint="Check the units of the figures or raise the total.",
        )

    flows = _pattern_in_scope(pattern, cluster.scope, exporter)
    national: dict[str, float] = {}
    for products in flows.values():
        for code, value in products.items():
            national[code] = national.get(code, 0.0) + value
    scope_text = (
        cluster.scope.label[:1].lower() + cluster.scope.label[1:]
        if cluster.scope.sector
        else cluster.scope.describe()
    )
    source = f" ({pattern_source})" if pattern_source else ""
    who = name(exporter)

    def no_pattern() -> DataGapError:
        return DataGapError(
            f"The pattern{source} shows no exports of {scope_text} by {who}: "
            f"{label}'s total cannot be split by product.",
            hint="Use a dataset that covers this exporter and scope, or give holdings by product.",
        )

    def holdings_of(market: str, counts: list[int], codes: list[str]) -> list[Holding]:
        found = []
        for code, count in zip(codes, counts, strict=True):
            if count:
                value = float(count) * quantum
                found.append(Holding(code, market, value / cluster.rate_per_usd, value, currency))
        return sorted(found, key=lambda h: (-h.value, h.hs))

    holdings: list[Holding] = []
    notes: list[str] = []
    for market, count in known_units.items():
        if count == 0:
            continue
        amount = money_text(float(count) * quantum, currency)
        own = flows.get(market)
        if own:
            codes = sorted(own)
            holdings += holdings_of(market, _apportion(count, [own[c] for c in codes]), codes)
            notes.append(
                f"{label}'s {amount} to {name(market)} is split across products in proportion to "
                f"{who}'s exports of {scope_text} to {name(market)}{source}."
            )
        else:
            if not national:
                raise no_pattern()
            codes = sorted(national)
            holdings += holdings_of(market, _apportion(count, [national[c] for c in codes]), codes)
            notes.append(
                f"The pattern{source} shows no exports of {scope_text} from {who} to "
                f"{name(market)}; {label}'s {amount} there is split by {who}'s product mix "
                "to all markets."
            )

    if rest_units:
        cells = sorted(
            (market, code)
            for market, products in flows.items()
            if market not in cluster.known_markets
            for code in products
        )
        rest = money_text(float(rest_units) * quantum, currency)
        if not cells:
            if not national:
                raise no_pattern()
            raise DataGapError(
                f"{label}'s {rest} outside the known markets has nowhere to go: the pattern"
                f"{source} shows {who} exporting {scope_text} only to the known markets.",
                hint="List the remaining markets under known_markets, or lower the total.",
            )
        counts = _apportion(rest_units, [flows[m][c] for m, c in cells])
        by_market: dict[str, tuple[list[str], list[int]]] = {}
        for (market, code), count in zip(cells, counts, strict=True):
            codes, numbers = by_market.setdefault(market, ([], []))
            codes.append(code)
            numbers.append(count)
        rest_holdings = [
            h for m, (codes, numbers) in by_market.items() for h in holdings_of(m, numbers, codes)
        ]
        holdings += sorted(rest_holdings, key=lambda h: (-h.value, h.market, h.hs))
        if cluster.known_markets:
            outside = _and([name(m) for m in cluster.known_markets])
            notes.append(
                f"{label}'s {rest} outside {outside} is assumed to follow {who}'s export "
                f"pattern of {scope_text} to other markets{source}."
            )
        else:
            notes.append(
                f"{label}'s {rest} is assumed to follow {who}'s export pattern of "
                f"{scope_text} across all markets{source}."
            )
    return holdings, notes


def expand(
    portfolio: Portfolio,
    pattern: pa.Table,
    *,
    ref: Reference | None = None,
    pattern_source: str | None = None,
) -> Portfolio:
    """A cluster portfolio with its holdings distributed (see :func:`distribute`).

    Holdings portfolios come back unchanged; the cluster keeps its spec and gains the
    distribution's assumptions.
    """
    if portfolio.cluster is None:
        return portfolio
    holdings, notes = distribute(
        portfolio.cluster,
        pattern,
        portfolio.exporter,
        label=portfolio.name,
        ref=ref,
        pattern_source=pattern_source,
    )
    return replace(
        portfolio, holdings=tuple(holdings), assumptions=(*portfolio.assumptions, *notes)
    )

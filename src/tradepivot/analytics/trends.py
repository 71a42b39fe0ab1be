"""Trends of an exporter's own statistics over fiscal years: one assembly for every command.

India's Export Import Data Bank (EIDB) gives exports by HS8 product and partner for each
fiscal year (April-March) from FY2017-18 to FY2024-25. A trend is one series of yearly values
(a market, a product, or a whole scope) over the dataset's fiscal years, summarised as:

- ``last_usd``: everything recorded in the last fiscal year of the window;
- ``change_usd``, ``change_pct``: the last fiscal year against the one before, on the
  *comparable* basis below (``change_pct`` is null when the previous year has nothing);
- ``cagr_pct``: compound annual growth on the comparable basis, from the first fiscal year
  with a value to the last, ``((c_last / c_first) ** (1 / n) - 1) * 100`` with ``n`` the
  years between them (7 for FY2017-18 to FY2024-25). Null when fewer than two fiscal years
  have a value or the last has none (growth from or to nothing is not a rate);
  ``cagr_from`` names the first year used, so a series that starts late says so;
- ``missing``: fiscal years of the window with nothing recorded (EIDB has no row for a
  zero, so such a year reads as zero and is named, never hidden);
- ``comparable_pct``: the lowest share, over the window's years with a value, of a year's
  value that lies on the comparable basis (100 when every code is reported every year).

The comparable basis: the HS8 codes the dataset reports (for any partner) in *every* fiscal
year of the window. The embedded EIDB copy loses whole groups of codes at three points:
codes retired from India's ITC-HS (marked ``*`` in EIDB's descriptions) stop, and the codes
that replaced them are missing from the source (for example gold jewellery 71131910 stops
after FY2022-23, so heading 7113 reads USD 12.3 bn in FY2022-23 and 0.17 bn in FY2023-24).
Changes and growth rates over all recorded codes would report those breaks as collapses;
on the comparable basis they compare like with like, and ``comparable_pct`` says how much
of the series that basis covers (1.2% of heading 7113 in FY2017-18: its trend says little).

The yearly aggregation is an Ibis expression (:func:`fy_series`), so it runs on every engine;
the summary (:func:`summarise`, :func:`trend_rows`) is plain Python over the few values each
series has. Every command that shows a trend goes through these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from tradepivot.data.reference import ProductScope
from tradepivot.i18n.numbers import money_text

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "BASIS_VERSION",
    "KEY_SEPARATOR",
    "TREND_COLUMNS",
    "Trend",
    "comparable_codes",
    "fy_series",
    "fy_short",
    "summarise",
    "trend_rows",
    "years_between",
]

#: Version of :func:`comparable_codes`' method, in the key of its shipped or cached result.
BASIS_VERSION = 1

#: Joins the parts of a ``market-product`` key (``RUS|420221``).
KEY_SEPARATOR = "|"

# Columns a trend adds to a result row (see :meth:`Trend.columns`).
TREND_COLUMNS = (
    "trend_last_usd",
    "trend_change_usd",
    "trend_change_pct",
    "trend_cagr_pct",
    "trend_cagr_from",
    "trend_comparable_pct",
    "trend_missing",
    "trend_series",
)


def years_between(first: str, last: str) -> int:
    """Whole years from fiscal year ``first`` to ``last`` (``2017-18`` to ``2024-25``: 7)."""
    return int(last[:4]) - int(first[:4])


def fy_short(fy: str) -> str:
    """``2024-25`` -> ``FY24-25``, the label a narrow column can carry."""
    return f"FY{fy[2:]}"


@dataclass(frozen=True)
class Trend:
    """One series over the window's fiscal years and what is said about it."""

    fys: tuple[str, ...]
    values: tuple[float, ...]  # everything recorded, one per fiscal year; 0.0 where none
    comparable: tuple[float, ...]  # the same on the comparable basis
    last_usd: float
    change_usd: float | None
    change_pct: float | None
    cagr_pct: float | None
    cagr_from: str | None  # first fiscal year of the CAGR (null when there is no CAGR)
    comparable_pct: float | None  # lowest share of a year's value on the comparable basis
    missing: tuple[str, ...]

    def columns(self) -> dict[str, object]:
        """The trend as the ``trend_*`` columns of a result row (``trend_series`` is the
        comparable series the sparkline draws)."""
        return {
            "trend_last_usd": self.last_usd,
            "trend_change_usd": self.change_usd,
            "trend_change_pct": self.change_pct,
            "trend_cagr_pct": self.cagr_pct,
            "trend_cagr_from": self.cagr_from,
            "trend_comparable_pct": self.comparable_pct,
            "trend_missing": ", ".join(self.missing),
            "trend_series": list(self.comparable),
        }

    def short(self) -> str:
        """Change and growth in a few words (a key figure's note)."""
        parts = []
        if self.change_pct is not None:
            parts.append(f"{self.change_pct:+.1f}% on FY{self.fys[-2]}")
        if self.cagr_pct is not None and self.cagr_from is not None:
            parts.append(f"{self.cagr_pct:+.1f}% a year since FY{self.cagr_from}")
        if self.comparable_pct is not None and self.comparable_pct < 95:
            parts.append(f"codes reported every year cover {self.comparable_pct:.0f}%+")
        if self.missing:
            parts.append("nothing in FY" + ", FY".join(self.missing))
        return "; ".join(parts) or "no change or growth rate"

    def sentence(self) -> str:
        """The trend in words, gaps included (for notes and the brief)."""
        last = self.fys[-1]
        parts = [f"FY{last}: {money_text(self.last_usd, scale='m')}"]
        if self.change_pct is not None:
            parts.append(f"{self.change_pct:+.1f}% on FY{self.fys[-2]}")
        elif len(self.fys) > 1:
            parts.append(f"nothing comparable in FY{self.fys[-2]}")
        if self.cagr_pct is not None and self.cagr_from is not None:
            n = years_between(self.cagr_from, last)
            parts.append(f"{self.cagr_pct:+.1f}% a year since FY{self.cagr_from} ({n} years)")
        else:
            parts.append("no growth rate (fewer than two years with exports, or none in the last)")
        if self.comparable_pct is not None and self.comparable_pct < 99.95:
            parts.append(
                f"change and growth on codes reported every year (at least "
                f"{self.comparable_pct:.1f}% of each year's value)"
            )
        if self.missing:
            parts.append("nothing recorded in FY" + ", FY".join(self.missing))
        return "; ".join(parts)


def summarise(
    fys: Sequence[str],
    by_fy: Mapping[str, float],
    comparable_by_fy: Mapping[str, float] | None = None,
) -> Trend:
    """The trend of one series over the window ``fys`` (in order): ``by_fy`` maps fiscal
    years to everything recorded, ``comparable_by_fy`` to the comparable basis (the same
    as ``by_fy`` when omitted); a year absent (or zero) has nothing recorded."""
    if not fys:
        raise ValueError("a trend needs at least one fiscal year")
    values = tuple(float(by_fy.get(fy) or 0.0) for fy in fys)
    basis = by_fy if comparable_by_fy is None else comparable_by_fy
    comparable = tuple(float(basis.get(fy) or 0.0) for fy in fys)
    last, c_last = values[-1], comparable[-1]
    change_usd = change_pct = None
    if len(fys) > 1:
        c_prev = comparable[-2]
        change_usd = c_last - c_prev
        change_pct = (c_last / c_prev - 1) * 100 if c_prev > 0 else None
    first = next((i for i, v in enumerate(comparable) if v > 0), None)
    cagr_pct = None
    cagr_from = None
    if first is not None and first < len(fys) - 1 and c_last > 0:
        cagr_from = fys[first]
        n = years_between(fys[first], fys[-1])
        cagr_pct = ((c_last / comparable[first]) ** (1.0 / n) - 1) * 100
    shares = [min(c / v * 100, 100.0) for v, c in zip(values, comparable, strict=True) if v > 0]
    comparable_pct = min(shares) if shares else None
    missing = tuple(fy for fy, v in zip(fys, values, strict=True) if v <= 0)
    return Trend(
        tuple(fys),
        values,
        comparable,
        last,
        change_usd,
        change_pct,
        cagr_pct,
        cagr_from,
        comparable_pct,
        missing,
    )


def comparable_codes(exports: ir.Table, fys: Sequence[str]) -> ir.Table:
    """The national codes (``code``) with a value in every fiscal year of ``fys``, for any
    partner: the comparable basis of every trend over that window."""
    t = exports.filter(exports.fy.isin(list(fys)) & (exports.value_usd > 0))
    per = t.group_by("code").aggregate(n=t.fy.nunique())
    return per.filter(per.n == len(set(fys))).select("code")


def fy_series(
    exports: ir.Table,
    *,
    fys: Sequence[str],
    scope: ProductScope,
    basis: ir.Table | None = None,
    by: str | None = None,
    level: int = 6,
    markets: Iterable[str] | None = None,
) -> ir.Table:
    """Yearly sums of a ``national_exports`` table (``fy, code, partner, value_usd``).

    ``by``: ``"market"`` (one series per partner ISO3), ``"product"`` (per HS code of
    ``level`` digits, cut from the national code), ``"market-product"`` (per partner and
    code, keyed ``ISO3|code``), or None (one series for the whole scope;
    rows whose partner has no ISO3 code count there and in product series). ``markets``
    keeps only those partners. ``basis``: :func:`comparable_codes` of ``exports`` over
    ``fys`` when already at hand (a scan of every row otherwise). Returns ``key, fy,
    value_usd, comparable_usd`` for the fiscal years ``fys`` (``key`` is ``"*"`` without
    ``by``)."""
    import ibis  # the trend summaries above need no Ibis: only the queries import it

    from tradepivot.analytics.markets import in_scope

    codes = comparable_codes(exports, fys) if basis is None else basis
    marked = codes.select("code").mutate(comparable=ibis.literal(1.0))
    t = exports.filter(exports.fy.isin(list(fys)))
    if not scope.is_everything:
        t = t.filter(in_scope(t.code, scope))
    if markets is not None:
        t = t.filter(t.partner.isin(list(markets)))
    if by == "market":
        t = t.filter(t.partner.notnull()).mutate(key=t.partner)
    elif by == "market-product":
        t = t.filter(t.partner.notnull())
        t = t.mutate(key=t.partner.concat(KEY_SEPARATOR, t.code.left(level)))
    elif by == "product":
        t = t.mutate(key=t.code.left(level))
    elif by is None:
        t = t.mutate(key=ibis.literal("*"))
    else:
        raise ValueError(f"by must be 'market', 'product', 'market-product' or None, not {by!r}")
    j = t.left_join(marked, t.code == marked.code)
    return j.group_by(["key", "fy"]).aggregate(
        value_usd=j.value_usd.sum().cast("float64"),
        comparable_usd=(j.value_usd * j.comparable.coalesce(0.0)).sum().cast("float64"),
    )


def trend_rows(series: pa.Table, fys: Sequence[str]) -> dict[str, Trend]:
    """Each key's :class:`Trend` from the ``key, fy, value_usd, comparable_usd`` rows of
    :func:`fy_series` (fiscal years outside ``fys`` are ignored)."""
    values: dict[str, dict[str, float]] = {}
    comparable: dict[str, dict[str, float]] = {}
    window = set(fys)
    for key, fy, value, basis in zip(
        series.column("key").to_pylist(),
        series.column("fy").to_pylist(),
        series.column("value_usd").to_pylist(),
        series.column("comparable_usd").to_pylist(),
        strict=True,
    ):
        if fy in window:
            v, c = values.setdefault(key, {}), comparable.setdefault(key, {})
            v[fy] = v.get(fy, 0.0) + (value or 0.0)
            c[fy] = c.get(fy, 0.0) + (basis or 0.0)
    return {key: summarise(fys, values[key], comparable[key]) for key in values}

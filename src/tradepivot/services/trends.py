"""An exporter's trends from its own statistics, as the commands show them.

`rank`, `market` and `pivot` (and the web pages and API that share their services) add the
same ``trend_*`` columns, computed here once per result by :mod:`tradepivot.analytics.trends`:
last fiscal year, change on the previous one, CAGR over the window, the comparable share and
the years with nothing recorded. Only India's own statistics ship (``india-eidb``); for other
exporters there is no trend, and nothing is added.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from tradepivot.analytics import trends
from tradepivot.analytics.trends import Trend
from tradepivot.data.catalog import DatasetManifest
from tradepivot.data.reference import ProductScope
from tradepivot.data.warehouse import Warehouse
from tradepivot.services.report import Provenance

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["OWN_STATISTICS", "TrendSet", "exporter_trends", "fy_label"]

#: Exporters whose own statistics ship, and the dataset holding them.
OWN_STATISTICS = {"IND": "india-eidb"}
BASIS_KEY = f"trend-basis-v{trends.BASIS_VERSION}"

_COLUMN_TYPES = {
    "trend_last_usd": pa.float64(),
    "trend_change_usd": pa.float64(),
    "trend_change_pct": pa.float64(),
    "trend_cagr_pct": pa.float64(),
    "trend_cagr_from": pa.string(),
    "trend_comparable_pct": pa.float64(),
    "trend_missing": pa.string(),
    "trend_series": pa.list_(pa.float64()),
}


def fy_label(fys: tuple[str, ...]) -> str:
    """``FY2017-18 to FY2024-25``."""
    return f"FY{fys[0]} to FY{fys[-1]}" if len(fys) > 1 else f"FY{fys[0]}"


@dataclass(frozen=True)
class TrendSet:
    """The trends of one result: one per key (market or product), and the whole scope's."""

    exporter: str
    dataset: DatasetManifest
    fys: tuple[str, ...]
    by_key: dict[str, Trend]
    whole: Trend

    def get(self, key: str) -> Trend:
        """The trend of ``key``; a key with nothing recorded in any year gets an all-zero
        series, every year named missing."""
        found = self.by_key.get(key)
        return found if found is not None else trends.summarise(self.fys, {})

    def attach(self, table: pa.Table, *columns: str) -> pa.Table:
        """``table`` with the ``trend_*`` columns of each row's key: the value of ``columns``
        (two for ``market-product`` trends: the market's ISO3, then the product code)."""
        parts = [table.column(c).to_pylist() for c in columns]
        keys = [
            trends.KEY_SEPARATOR.join(str(p) for p in values) for values in zip(*parts, strict=True)
        ]
        rows = [self.get(k).columns() for k in keys]
        for name, kind in _COLUMN_TYPES.items():
            table = table.append_column(name, pa.array([r[name] for r in rows], kind))
        return table

    def whole_totals(self, prefix: str = "trend") -> dict[str, object]:
        """The scope's trend as totals of a result: last fiscal year, change, CAGR, window."""
        return {
            f"{prefix}_last_usd": self.whole.last_usd,
            f"{prefix}_change_pct": self.whole.change_pct,
            f"{prefix}_cagr_pct": self.whole.cagr_pct,
            f"{prefix}_period": fy_label(self.fys),
        }

    def note(self) -> str:
        return (
            f"Trend columns: {self.exporter}'s exports from its own statistics "
            f"({self.dataset.id}), {fy_label(self.fys)} (April-March): the last fiscal "
            "year; the change on the year before and the compound annual growth since the "
            "first year with exports, both over the HS8 codes reported in every fiscal year "
            "(codes retired from ITC-HS have no successors in the source, so changes over "
            "everything recorded would show collapses that are not trade); "
            "trend_comparable_pct is the lowest share of a year's value those codes cover, "
            "trend_missing names years with nothing recorded. Product scopes are applied to "
            "the ITC-HS codes as published (HS2017-based to FY2022-23, HS2022-based after)."
        )


def exporter_trends(
    wh: Warehouse,
    exporter: str,
    scope: ProductScope,
    *,
    by: str | None,
    level: int = 6,
    markets: Iterable[str] | None = None,
    provenance: Provenance | None = None,
) -> TrendSet | None:
    """``exporter``'s trends in ``scope`` by market (``by="market"``), by product of
    ``level`` digits (``"product"``) or for the scope only (None); None when its own
    statistics do not ship. ``provenance`` records the dataset, its gaps and the method."""
    dataset_id = OWN_STATISTICS.get(exporter)
    if dataset_id is None:
        return None
    manifest = wh.dataset(dataset_id, "national_exports")
    fys = tuple(str(y) for y in manifest.years)
    wanted = None if markets is None else list(markets)

    def build(p: Mapping[str, str]) -> ir.Table:
        table = wh.table(dataset_id, "national_exports")[0]
        basis = wh.derived(manifest, BASIS_KEY, lambda: trends.comparable_codes(table, fys))
        chosen = None if wanted is None else [p[f"market{i}"] for i in range(len(wanted))]
        return trends.fy_series(
            table, fys=fys, scope=scope, basis=basis, by=by, level=level, markets=chosen
        )

    series = wh.fetch(
        "exporter-trends",
        build,
        shape=[
            manifest.id,
            manifest.checksum_sha256,
            fys,
            scope.prefixes,
            scope.exclude,
            by,
            level,
            None if wanted is None else len(wanted),
        ],
        params={f"market{i}": market for i, market in enumerate(wanted or [])},
    )
    by_key = trends.trend_rows(series, fys)
    whole = _whole(series, fys, by)
    result = TrendSet(exporter, manifest, fys, by_key, whole)
    if provenance is not None:
        provenance.use(manifest, exporters=[exporter], scope=scope)
        provenance.note(result.note())
    return result


def _whole(series: pa.Table, fys: tuple[str, ...], by: str | None) -> Trend:
    """The scope's trend: the keys' series summed (every row of a product or whole-scope
    series; for markets, the sum over the markets asked for)."""
    if by is None:
        return trends.trend_rows(series, fys).get("*") or trends.summarise(fys, {})
    total = series.group_by("fy").aggregate([("value_usd", "sum"), ("comparable_usd", "sum")])
    summed = pa.table(
        {
            "key": ["*"] * total.num_rows,
            "fy": total.column("fy"),
            "value_usd": total.column("value_usd_sum"),
            "comparable_usd": total.column("comparable_usd_sum"),
        }
    )
    return trends.trend_rows(summed, fys).get("*") or trends.summarise(fys, {})

"""What an exporter sells where: one assembly of its sales by market and product, one source rule.

The rule (Trade Map's, with direct and mirror data): the exporter's own statistics where it
reports them, product by product; mirror data (the markets' imports: the world matrix, the US
Census) for the products its own statistics do not cover and for exporters without any; never
two sources added for one market and product. Adding India's EIDB shipments to EU hubs to the
matrix's imports of other EU members by origin counted the same goods twice (pivot's "sales
to every market" read USD 6.48 bn for leather where India's own statistics say 5.45 bn).

Written once as Ibis expressions, so it runs on every engine (DuckDB, Spark). The inputs are
flows tables ``exporter, importer, hs6, value_usd``, each in its HS edition; every one is
converted to the scope's edition with the trade-weighted concordance (:func:`to_edition`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from tradepivot.analytics.markets import in_scope
from tradepivot.data.flows import Source
from tradepivot.data.reference import ProductScope

__all__ = ["SOURCE_RULE", "Sales", "exporter_sales", "to_edition"]

SOURCE_RULE = (
    "Source rule: {exporter}'s own statistics ({own}) for every market of each product they "
    "cover; mirror data ({mirrors}) for the products they do not cover; never two sources "
    "added for one market and product."
)
MIRROR_RULE = (
    "Source rule: mirror data ({mirrors}): {exporter} has no own statistics here; each market "
    "from one source only."
)


@dataclass(frozen=True)
class Sales:
    """An exporter's sales (``hs6, market, value_usd, source``) and the products its own
    statistics left to mirror data (``hs6, value_usd``; empty without own statistics)."""

    rows: ir.Table
    uncovered: ir.Table
    rule: str


def to_edition(table: ir.Table, concordance: ir.Table, source: str, target: str) -> ir.Table:
    """``table``'s hs6 codes from edition ``source`` to ``target``, values split by the
    trade-weighted concordance (codes it does not list are kept as they are)."""
    if source == target:
        return table
    weights = concordance.filter(
        (concordance.from_edition == source) & (concordance.to_edition == target)
    ).select(from_code=concordance.from_code, to_code=concordance.to_code, w=concordance.weight)
    joined = table.left_join(weights, table.hs6 == weights.from_code)
    return joined.select(
        exporter=joined.exporter,
        importer=joined.importer,
        hs6=joined.to_code.coalesce(joined.hs6),
        value_usd=joined.value_usd * joined.w.coalesce(1.0),
    )


def _by_market(
    source: Source, exporter: str, scope: ProductScope, concordance: ir.Table, edition: str
) -> ir.Table:
    t = to_edition(source.table, concordance, source.edition, edition)
    t = t.filter((t.exporter == exporter) & t.importer.notnull())
    if not scope.is_everything:
        t = t.filter(in_scope(t.hs6, scope))
    return t.group_by(["hs6", "importer"]).aggregate(
        value_usd=t.value_usd.sum().cast("float64"), source=ibis.literal(source.id)
    )


def exporter_sales(
    exporter: str,
    scope: ProductScope,
    edition: str,
    mirrors: Sequence[Source],
    own: Source | None,
    concordance: ir.Table,
) -> Sales:
    """``exporter``'s sales in ``scope`` by product and market, each from one source.

    ``mirrors`` are the markets' imports by origin (each market in one of them only: the
    world matrix lacks the US, the Census holds only the US). ``own`` is the exporter's own
    statistics: a product it reports is taken from it in every market; the others from the
    mirrors. Every source is converted to ``edition`` (the scope's) first (``concordance``).
    """
    mirror = _by_market(mirrors[0], exporter, scope, concordance, edition)
    for extra in mirrors[1:]:
        mirror = mirror.union(_by_market(extra, exporter, scope, concordance, edition))
    names = ", ".join(m.id for m in mirrors)
    if own is None:
        empty = (
            mirror.filter(ibis.literal(False))
            .group_by("hs6")
            .aggregate(value_usd=mirror.value_usd.sum())
        )
        rows = mirror.rename(market="importer")
        return Sales(rows, empty, MIRROR_RULE.format(exporter=exporter, mirrors=names))
    direct = _by_market(own, exporter, scope, concordance, edition)
    covered = direct.select("hs6").distinct()
    rest = mirror.anti_join(covered, "hs6")
    rows = direct.union(rest).rename(market="importer")
    uncovered = rest.group_by("hs6").aggregate(value_usd=rest.value_usd.sum())
    rule = SOURCE_RULE.format(exporter=exporter, own=own.id, mirrors=names)
    return Sales(rows, uncovered, rule)

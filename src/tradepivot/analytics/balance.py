"""Bilateral balance of two countries by HS chapter and by sector (Ibis).

Sectors are named HS scopes that may overlap (engineering contains machinery), so each
sector is summed on its own; chapters partition the trade.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from tradepivot.data.reference import Sector

__all__ = ["by_chapter", "by_sector", "direction"]


def direction(flows: ir.Table, exporter: str, importer: str) -> ir.Table:
    """The flows from ``exporter`` to ``importer`` (hs6, value_usd)."""
    chosen = flows.filter((flows.exporter == exporter) & (flows.importer == importer))
    return chosen.select("hs6", "value_usd")


def by_chapter(exports: ir.Table, imports: ir.Table) -> ir.Table:
    """Exports, imports and balance per HS chapter (``exports``/``imports``: hs6, value_usd)."""
    out = exports.group_by(chapter=exports.hs6.left(2)).aggregate(
        exports_usd=exports.value_usd.sum()
    )
    back = imports.group_by(chapter=imports.hs6.left(2)).aggregate(
        imports_usd=imports.value_usd.sum()
    )
    joined = out.outer_join(back, "chapter")
    joined = joined.select(
        chapter=ibis.coalesce(joined.chapter, joined.chapter_right),
        exports_usd=joined.exports_usd.fill_null(0.0),
        imports_usd=joined.imports_usd.fill_null(0.0),
    )
    return joined.mutate(balance_usd=joined.exports_usd - joined.imports_usd)


def _sector_prefixes(sectors: Sequence[Sector]) -> ir.Table:
    rows = [(s.name, p, False) for s in sectors for p in s.hs] + [
        (s.name, p, True) for s in sectors for p in s.exclude
    ]
    return ibis.memtable(
        pa.table(
            {
                "sector": [r[0] for r in rows],
                "prefix": [r[1] for r in rows],
                "excluded": [r[2] for r in rows],
            }
        )
    )


def _tag(flows: ir.Table, prefixes: ir.Table) -> ir.Table:
    """(sector, hs6, value_usd) per product inside each sector's scope.

    Products are summed first, so ``distinct`` only drops a product matched by two
    overlapping prefixes of one sector (e.g. "42" and "4202"), never two suppliers' flows.
    """
    per_product = flows.group_by("hs6").aggregate(value_usd=flows.value_usd.sum())
    matches = per_product.join(prefixes, per_product.hs6.startswith(prefixes.prefix))
    included = matches.filter(~matches.excluded).select("sector", "hs6", "value_usd").distinct()
    excluded = matches.filter(matches.excluded).select("sector", "hs6")
    return included.anti_join(excluded, ["sector", "hs6"])


def by_sector(
    exports: ir.Table, imports: ir.Table, world_imports: ir.Table, sectors: Sequence[Sector]
) -> ir.Table:
    """Per sector: exports, imports, balance, and the partner's imports from the world.

    ``world_imports`` are the partner's imports from every supplier (hs6, value_usd), so the
    exporter's share of the partner's market in each sector can be read off.
    """
    prefixes = _sector_prefixes(sectors)
    parts = []
    for column, table in (
        ("exports_usd", exports),
        ("imports_usd", imports),
        ("partner_imports_usd", world_imports),
    ):
        tagged = _tag(table, prefixes)
        parts.append(tagged.group_by("sector").aggregate(**{column: tagged.value_usd.sum()}))
    names = ibis.memtable(
        pa.table({"sector": [s.name for s in sectors], "order": list(range(len(sectors)))})
    )
    result = names
    for part in parts:
        result = result.left_join(part, "sector")
        result = result.drop(*[c for c in result.columns if c.endswith("_right")])
    result = result.mutate(
        exports_usd=result.exports_usd.fill_null(0.0),
        imports_usd=result.imports_usd.fill_null(0.0),
        partner_imports_usd=result.partner_imports_usd.fill_null(0.0),
    )
    result = result.mutate(
        balance_usd=result.exports_usd - result.imports_usd,
        share_pct=ibis.cases(
            (result.partner_imports_usd > 0, result.exports_usd / result.partner_imports_usd * 100),
            else_=ibis.null("float64"),
        ),
    )
    return result.order_by("order").drop("order")

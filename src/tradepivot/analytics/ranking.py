"""Rank markets for one exporter's product set from export-potential rows (Ibis).

Market aggregates follow DESIGN.md: potentials and the min(v, EPI) terms are summed
separately, untapped = sum EPI - sum min(v, EPI). Market-level factors are averages over the
market's products weighted by import demand M_jk, so a reader sees why a market ranks where
it does: big demand, high ease (the exporter already trades a lot there), distance close to
the market's usual suppliers, tariff advantage.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

__all__ = ["market_summary", "supplier_rank", "top_suppliers"]


def market_summary(rows: ir.Table, demand: ir.Table) -> ir.Table:
    """One row per market from :func:`potential.potential` rows of a single exporter.

    ``demand`` is the market demand table of the same scope (importer, hs6, imports_usd):
    market demand counts every product in scope, not only those the exporter makes.
    """
    weight = rows.imports_usd
    per_market = rows.group_by("importer").aggregate(
        current_usd=rows.value_usd.sum(),
        potential_usd=rows.potential_usd.sum(),
        realised_usd=ibis.least(rows.value_usd, rows.potential_usd).sum(),
        world_share_gap_usd=rows.world_share_gap_usd.sum(),
        ease=rows.ease.max(),
        supply=(rows.supply * weight).sum() / weight.sum(),
        distance_factor=(rows.distance_factor * weight).sum() / weight.sum(),
        tariff_advantage=(rows.tariff_advantage * weight).sum() / weight.sum(),
        products=(rows.potential_usd > 0).cast("int64").sum(),
    )
    market_demand = demand.group_by("importer").aggregate(demand_usd=demand.imports_usd.sum())
    joined = per_market.join(market_demand, "importer")
    return joined.mutate(
        untapped_usd=joined.potential_usd - joined.realised_usd,
        share_pct=joined.current_usd / joined.demand_usd * 100,
    ).drop("realised_usd")


def top_suppliers(flows: ir.Table, *, n: int = 3) -> ir.Table:
    """The ``n`` largest suppliers of every market (importer, rank, exporter, value, share)."""
    per = flows.group_by(["importer", "exporter"]).aggregate(value_usd=flows.value_usd.sum())
    total = per.value_usd.sum().over(group_by="importer")
    rank = (
        ibis.row_number().over(group_by="importer", order_by=[ibis.desc("value_usd"), "exporter"])
        + 1
    )
    ranked = per.mutate(share_pct=per.value_usd / total * 100, rank=rank)
    return ranked.filter(ranked["rank"] <= n)


def supplier_rank(flows: ir.Table, exporter: str) -> ir.Table:
    """``exporter``'s rank among each market's suppliers (importer, supplier_rank, suppliers)."""
    per = flows.group_by(["importer", "exporter"]).aggregate(value_usd=flows.value_usd.sum())
    rank = (
        ibis.row_number().over(group_by="importer", order_by=[ibis.desc("value_usd"), "exporter"])
        + 1
    )
    count = per.exporter.count().over(group_by="importer")
    ranked = per.mutate(supplier_rank=rank, suppliers=count)
    mine = ranked.filter(ranked.exporter == exporter)
    return mine.select("importer", "supplier_rank", "suppliers")

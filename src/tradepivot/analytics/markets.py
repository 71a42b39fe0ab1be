"""Market metrics as Ibis expressions: demand, supplier shares, ranks and growth.

Notation of DESIGN.md section 5: exporter i, market j, product k, flow v_ijk.
Import demand M_jk = sum_i v_ijk; supplier share s_ijk = v_ijk / M_jk.
Growth: base value v0 = v / (1 + g/100)^8 per flow (g = cagr_8y), summed, then
CAGR = ((sum v / sum v0)^(1/8) - 1) * 100 over the flows whose g is known (indicative).
A flow's g counts as unknown when its implied v0 exceeds the whole world's trade in the
product today: upstream growth rates near -100% imply base values of quadrillions of
dollars (61,475 flows worth USD 5.3 bn in 2024, 0.03% of world trade) and would otherwise
swamp every aggregate. It counts as unknown too when it is exactly 0.0, the upstream mark
of a flow without a base value (871,906 flows worth USD 103 bn; 98% of India's such flows
had no exports to the market in FY2017-18 by India's own statistics): counted as "no
growth" they would pull every aggregate towards zero.

Functions take and return Ibis tables with the flows layout
``exporter, importer, hs6, value_usd, cagr_8y`` and run on any Ibis backend.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from tradepivot.data.reference import ProductScope

__all__ = [
    "GROWTH_YEARS",
    "by_product",
    "by_supplier",
    "in_scope",
    "product_code",
    "product_world",
    "product_world_key",
    "total_growth",
    "with_base_value",
]

GROWTH_YEARS = 8


def in_scope(hs6: ir.StringColumn, scope: ProductScope) -> ir.BooleanValue:
    """Boolean expression: the HS6 code lies inside the scope."""
    condition: ir.BooleanValue = ibis.literal(True)
    if scope.prefixes:
        condition = _any_prefix(hs6, scope.prefixes)
    if scope.exclude:
        condition = condition & ~_any_prefix(hs6, scope.exclude)
    return condition


def _any_prefix(hs6: ir.StringColumn, prefixes: Sequence[str]) -> ir.BooleanValue:
    by_length: dict[int, list[str]] = {}
    for p in prefixes:
        by_length.setdefault(len(p), []).append(p)
    terms = [hs6.left(n).isin(codes) for n, codes in sorted(by_length.items())]
    result = terms[0]
    for term in terms[1:]:
        result = result | term
    return result


def product_code(hs6: ir.StringColumn, level: int) -> ir.StringValue:
    """The HS code of a flow at ``level`` digits (2 chapter, 4 heading, 6 subheading)."""
    return hs6 if level == 6 else hs6.left(level)


def product_world(flows: ir.Table) -> ir.Table:
    """Each product's world trade (hs6, world_usd): the ceiling of a plausible base value.

    A scan of every flow; callers that answer many questions keep it as a derived table."""
    return flows.group_by("hs6").aggregate(world_usd=flows.value_usd.sum())


def product_world_key(period: str) -> str:
    """The name :func:`product_world` of one period of a dataset is kept under (derived
    tables: shipped with the embedded data, or in the user's cache)."""
    return f"product-world-v1-{period.replace(', ', '-').replace(' ', '-')}"


def with_base_value(flows: ir.Table, universe: ir.Table) -> ir.Table:
    """Add ``value_base`` (the flow's value 8 years earlier) and ``value_known``.

    ``universe`` is the unfiltered flows table, used for each product's world trade, the
    plausibility ceiling of a base value, or that world trade already computed
    (:func:`product_world`). Flows with unknown or implausible growth get a null base and
    zero known value, so they drop out of growth aggregates only.
    """
    world = universe if "world_usd" in universe.columns else product_world(universe)
    joined = flows.join(world, "hs6")
    # Ingested datasets may store growth as FLOAT: without the cast DuckDB divides in float32.
    growth = joined.cagr_8y.cast("float64")
    base = joined.value_usd / (1 + growth / 100) ** GROWTH_YEARS
    # Exactly 0.0 marks a flow without a base value upstream (docs/methods.md), not "no growth".
    plausible = growth.notnull() & (growth != 0) & (growth > -100) & (base <= joined.world_usd)
    return joined.mutate(
        value_base=ibis.cases((plausible, base), else_=ibis.null("float64")),
        value_known=ibis.cases((plausible, joined.value_usd), else_=0.0),
    ).drop("world_usd")


def _growth(value_known: ir.NumericValue, value_base: ir.NumericValue) -> ir.NumericValue:
    ratio = value_known.sum() / value_base.sum()
    return ibis.cases(
        (value_base.sum() > 0, (ratio ** (1.0 / GROWTH_YEARS) - 1) * 100),
        else_=ibis.null("float64"),
    )


def by_product(
    flows: ir.Table,
    *,
    importer: str,
    exporter: str | None,
    scope: ProductScope,
    level: int = 6,
    world: ir.Table | None = None,
) -> ir.Table:
    """Per product in ``importer``: market imports, growth, and ``exporter``'s value, share, rank.

    ``world``: :func:`product_world` of ``flows`` when already at hand (saves a full scan).

    Returns columns ``code, imports_usd, growth_pct, suppliers, top_supplier,
    top_supplier_value_usd, value_usd, share_pct, rank, value_growth_pct``; the ``exporter``
    columns are null where it does not supply the product.
    """
    market = with_base_value(
        flows.filter((flows.importer == importer) & in_scope(flows.hs6, scope)),
        flows if world is None else world,
    )
    market = market.mutate(code=product_code(market.hs6, level))
    per_supplier = market.group_by(["code", "exporter"]).aggregate(
        value_usd=market.value_usd.sum(),
        value_known=market.value_known.sum(),
        value_base=market.value_base.sum(),
    )
    window = ibis.window(group_by="code", order_by=[ibis.desc("value_usd"), "exporter"])
    ranked = per_supplier.mutate(rank=ibis.row_number().over(window) + 1)
    totals = ranked.group_by("code").aggregate(
        imports_usd=ranked.value_usd.sum(),
        growth_pct=_growth(ranked.value_known, ranked.value_base),
        suppliers=ranked.exporter.count(),
    )
    top = ranked.filter(ranked["rank"] == 1).select(
        "code", top_supplier=ranked.exporter, top_supplier_value_usd=ranked.value_usd
    )
    result = totals.join(top, "code")
    if exporter is not None:
        mine = ranked.filter(ranked.exporter == exporter).select(
            "code",
            "value_usd",
            "rank",
            value_growth_pct=_row_growth(ranked.value_known, ranked.value_base),
        )
        result = result.left_join(mine, "code").drop("code_right")
    else:
        result = result.mutate(
            value_usd=ibis.null("float64"),
            rank=ibis.null("int64"),
            value_growth_pct=ibis.null("float64"),
        )
    return result.mutate(share_pct=result.value_usd / result.imports_usd * 100)


def _row_growth(value_known: ir.NumericValue, value_base: ir.NumericValue) -> ir.NumericValue:
    return ibis.cases(
        (value_base > 0, ((value_known / value_base) ** (1.0 / GROWTH_YEARS) - 1) * 100),
        else_=ibis.null("float64"),
    )


def by_supplier(
    flows: ir.Table, *, importer: str, scope: ProductScope, world: ir.Table | None = None
) -> ir.Table:
    """Suppliers of ``importer`` within the scope: value, share, rank, growth, product count."""
    market = with_base_value(
        flows.filter((flows.importer == importer) & in_scope(flows.hs6, scope)),
        flows if world is None else world,
    )
    per = market.group_by("exporter").aggregate(
        value_usd=market.value_usd.sum(),
        growth_pct=_growth(market.value_known, market.value_base),
        products=market.hs6.nunique(),
    )
    total = per.value_usd.sum().over(ibis.window())
    window = ibis.window(order_by=[ibis.desc("value_usd"), "exporter"])
    return per.mutate(
        share_pct=per.value_usd / total * 100,
        rank=ibis.row_number().over(window) + 1,
    )


def total_growth(
    flows: ir.Table, *, importer: str, scope: ProductScope, world: ir.Table | None = None
) -> ir.FloatingScalar:
    """Aggregate growth of ``importer``'s imports in the scope (null when unknown)."""
    market = with_base_value(
        flows.filter((flows.importer == importer) & in_scope(flows.hs6, scope)),
        flows if world is None else world,
    )
    return _growth(market.value_known, market.value_base)

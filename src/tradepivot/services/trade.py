"""Trade queries the interfaces share: bilateral flows and a market's imports.

Each function takes the :class:`Warehouse`, validates what the user typed, runs the
analytics, enriches the result (descriptions, names, compliance flags) and returns a
:class:`Report` with its provenance.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa
import pyarrow.compute as pc

from tradepivot.data.flows import (
    OWN_STATISTICS,
    FlowSource,
    YearSpan,
    flow_source,
    missing_importers,
)
from tradepivot.data.reference import ProductScope
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import DataGapError, InputError
from tradepivot.services._enrich import add_chpl, add_descriptions, add_names
from tradepivot.services.currency import currency_info
from tradepivot.services.report import Provenance, Report
from tradepivot.services.trends import exporter_trends

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["bilateral_flows", "market_overview"]

# An Ibis expression of the string parameters it is given (see Warehouse.fetch).
Build = Callable[[Mapping[str, str]], "ir.Table"]

Level = Literal[2, 4, 6]


def _scope(
    wh: Warehouse, source: FlowSource, hs: list[str] | None, sector: str | None
) -> ProductScope:
    return wh.reference.product_scope(hs=hs, sector=sector, edition=source.edition)


def _world(wh: Warehouse, source: FlowSource) -> ir.Table:
    """Each product's world trade in ``source``, computed once per dataset and year and kept
    as a derived table (a scan of every flow, ~0.5 s of a first `flows` or `market`; shipped
    for the embedded matrix)."""
    from tradepivot.analytics import markets

    key = markets.product_world_key(source.period)
    return wh.derived(source.manifest, key, lambda: markets.product_world(source.table))


def _shape(source: FlowSource, scope: ProductScope, *more: object) -> list[object]:
    """Every input of a query's expression other than its string parameters."""
    return [source.shape, scope.prefixes, scope.exclude, *more]


def _flows_by_product(
    wh: Warehouse, source: FlowSource, scope: ProductScope, level: Level
) -> Build:
    def build(p: Mapping[str, str]) -> ir.Table:
        from tradepivot.analytics import markets

        table = markets.by_product(
            source.table,
            importer=p["importer"],
            exporter=p["exporter"],
            scope=scope,
            level=level,
            world=_world(wh, source),
        )
        table = table.filter(table.value_usd.notnull() & (table.value_usd > 0))
        return table.select(
            "code",
            "value_usd",
            growth_pct="value_growth_pct",
            market_imports_usd="imports_usd",
            market_share_pct="share_pct",
            supplier_rank="rank",
            suppliers="suppliers",
        )

    return build


def _market(
    wh: Warehouse, source: FlowSource, scope: ProductScope, level: Level, what: str
) -> Build:
    """The market's products (with the focus exporter's place, when ``p`` names one), its
    suppliers, or its total growth as a one-row table."""

    def build(p: Mapping[str, str]) -> ir.Table:
        from tradepivot.analytics import markets

        world = _world(wh, source)
        if what == "products":
            return markets.by_product(
                source.table,
                importer=p["importer"],
                exporter=p.get("focus"),
                scope=scope,
                level=level,
                world=world,
            )
        if what == "suppliers":
            return markets.by_supplier(
                source.table, importer=p["importer"], scope=scope, world=world
            )
        growth = markets.total_growth(
            source.table, importer=p["importer"], scope=scope, world=world
        )
        return growth.name("growth_pct").as_table()

    return build


def _check_level(level: int) -> Level:
    if level not in (2, 4, 6):
        raise InputError(
            f"$level must be 2 (chapters), 4 (headings) or 6 (subheadings), not {level}.",
            param="level",
        )
    return level  # type: ignore[return-value]


def _sorted_top(table: pa.Table, column: str, top: int | None) -> pa.Table:
    table = table.sort_by([(column, "descending"), (table.column_names[0], "ascending")])
    return table.slice(0, top) if top else table


def bilateral_flows(
    wh: Warehouse,
    exporter: str,
    importer: str,
    *,
    hs: list[str] | None = None,
    sector: str | None = None,
    level: int = 6,
    top: int | None = None,
    dataset: str | None = None,
    years_span: YearSpan | None = None,
    currency: str | None = None,
) -> Report:
    """What ``exporter`` sells to ``importer``, by product, with the market around each flow.

    Rows: ``code, description, value_usd, share_of_total_pct, growth_pct, market_imports_usd,
    market_share_pct, supplier_rank`` (+ ``chpl_tier`` where the market is RUS or BLR).
    Totals cover every product in scope even when ``top`` cuts the rows.
    """
    ref = wh.reference
    exp, imp = ref.country(exporter), ref.country(importer)
    if exp.iso3 == imp.iso3:
        raise InputError(
            f"Exporter and importer are both {exp.label()}: pick two different countries.",
            param="importer",
        )
    lvl = _check_level(level)
    source = flow_source(
        wh, importer=imp.iso3, exporter=exp.iso3, dataset=dataset, years_span=years_span
    )
    scope = _scope(wh, source, hs, sector)
    provenance = Provenance()
    provenance.use(
        source.manifest, importers=[imp.iso3], exporters=[exp.iso3], scope=scope, growth=True
    )
    provenance.note(*source.notes, *scope.notes)

    result = wh.fetch(
        "flows-by-product",
        _flows_by_product(wh, source, scope, lvl),
        shape=_shape(source, scope, lvl),
        params={"exporter": exp.iso3, "importer": imp.iso3},
    )
    total = pc.sum(result.column("value_usd")).as_py() or 0.0
    market_total = pc.sum(result.column("market_imports_usd")).as_py() or 0.0
    result = result.add_column(
        2,
        "share_of_total_pct",
        pc.multiply(pc.divide(result.column("value_usd"), total or 1.0), 100.0),
    )
    if not source.complete_market:
        for name in ("market_imports_usd", "market_share_pct", "supplier_rank", "suppliers"):
            index = result.schema.get_field_index(name)
            result = result.set_column(
                index, name, pa.nulls(result.num_rows, result.schema.field(name).type)
            )
        provenance.note(
            f"{source.manifest.id} holds only {exp.name}'s side: market totals and ranks are not available."
        )
    own = OWN_STATISTICS.get(exp.iso3)
    if own is not None and source.manifest.id != own:
        provenance.note(
            f"Values are {imp.name}'s imports from {exp.name} as {source.manifest.id} records "
            f"them (mirror data), the source of the market totals, so the shares compare like "
            f"with like. {exp.name}'s own statistics ({own}) give its sales, which pivot, "
            f"exposure, rank and balance report: `tradepivot balance {exp.iso3} {imp.iso3}`."
        )
    products_in_scope = result.num_rows
    result = _sorted_top(result, "value_usd", top)
    result = add_descriptions(result, ref, source.edition)
    result = add_chpl(result, ref, imp.iso3, provenance)
    if top and products_in_scope > top:
        provenance.note(
            f"Showing the top {top} of {products_in_scope} products; totals cover all of them."
        )

    totals: dict[str, Any] = {
        "value_usd": total,
        "products": products_in_scope,
        "market_imports_usd": market_total if source.complete_market else None,
        "market_share_pct": (total / market_total * 100)
        if source.complete_market and market_total
        else None,
        "period": source.period,
    }
    return Report(
        title=f"{exp.name} -> {imp.name}: exports by product ({scope.label}, {source.period})",
        rows=result,
        query={
            "exporter": exp.iso3,
            "importer": imp.iso3,
            "scope": scope.describe(),
            "sector": scope.sector,
            "level": lvl,
            "top": top,
            "dataset": source.manifest.id,
            "period": source.period,
            "hs_edition": source.edition,
        },
        provenance=provenance,
        totals=totals,
        currency=currency_info(ref, currency, source.period),
    )


def market_overview(
    wh: Warehouse,
    market: str,
    *,
    hs: list[str] | None = None,
    sector: str | None = None,
    focus: str | None = "IND",
    level: int = 6,
    top: int | None = 20,
    by: Literal["product", "supplier"] = "product",
    dataset: str | None = None,
    years_span: YearSpan | None = None,
    currency: str | None = None,
) -> Report:
    """A market's imports in a product scope: by product and by supplier, with ``focus``'s place.

    ``rows`` is the table named by ``by``; the other one is in ``tables``. Product rows carry
    the market's imports, growth, top supplier, and the focus exporter's value, share and rank.
    """
    ref = wh.reference
    imp = ref.country(market)
    foc = ref.country(focus) if focus else None
    lvl = _check_level(level)
    source = flow_source(
        wh,
        importer=imp.iso3,
        exporter=foc.iso3 if foc else None,
        dataset=dataset,
        years_span=years_span,
    )
    if not source.complete_market and dataset is None:
        # The default matrix lacks this market's imports; India's own statistics stood in
        # for it, but they hold India's sales only, not the market's imports from everyone.
        world = wh.dataset()
        missing = sorted(missing_importers(world))
        raise DataGapError(
            f"{world.id} has no imports of {imp.name} ({imp.iso3} is one of its missing "
            f"importers: {', '.join(missing)}): {imp.name}'s imports from all suppliers cannot "
            "be shown.",
            hint=(
                f"For {foc.name}'s sales to {imp.name} from its own statistics try "
                f"`tradepivot flows -e {foc.iso3} -i {imp.iso3}`; "
                if foc is not None and foc.iso3 == "IND"
                else ""
            )
            + "to cover the market, ingest the full CEPII BACI file (tradepivot data ingest "
            "baci FILE) and choose it as the dataset.",
        )
    if not source.complete_market:
        raise InputError(
            f"{source.manifest.id} holds only one exporter's statistics: it cannot show "
            f"{imp.name}'s imports from all suppliers.",
            hint="Use a bilateral dataset (the default world-2024, or one you ingested).",
            param="dataset",
        )
    scope = _scope(wh, source, hs, sector)
    provenance = Provenance()
    provenance.use(source.manifest, importers=[imp.iso3], scope=scope, growth=True)
    provenance.note(*source.notes, *scope.notes)

    params = {"importer": imp.iso3} | ({"focus": foc.iso3} if foc else {})
    products = wh.fetch(
        "market-products",
        _market(wh, source, scope, lvl, "products"),
        shape=_shape(source, scope, lvl, foc is None),
        params=params,
    )
    suppliers = wh.fetch(
        "market-suppliers",
        _market(wh, source, scope, lvl, "suppliers"),
        shape=_shape(source, scope),
        params={"importer": imp.iso3},
    )
    if products.num_rows == 0:
        provenance.note(
            f"{imp.name} reports no imports in {scope.describe()} in {source.manifest.id}."
        )

    total = pc.sum(products.column("imports_usd")).as_py() or 0.0
    focus_row = None
    if foc is not None:
        match = suppliers.filter(pc.equal(suppliers.column("exporter"), foc.iso3)).to_pylist()
        focus_row = match[0] if match else None

    products = products.select(
        [
            "code",
            "imports_usd",
            "growth_pct",
            "suppliers",
            "top_supplier",
            "top_supplier_value_usd",
            "value_usd",
            "share_pct",
            "rank",
        ]
    ).rename_columns(
        [
            "code",
            "imports_usd",
            "growth_pct",
            "suppliers",
            "top_supplier",
            "top_supplier_value_usd",
            "focus_value_usd",
            "focus_share_pct",
            "focus_rank",
        ]
    )
    top_share = pc.multiply(
        pc.divide(products.column("top_supplier_value_usd"), products.column("imports_usd")), 100.0
    )
    products = products.set_column(
        products.schema.get_field_index("top_supplier_value_usd"),
        "top_supplier_share_pct",
        top_share,
    )
    n_products = products.num_rows
    products = _sorted_top(products, "imports_usd", top)
    products = add_descriptions(products, ref, source.edition)
    products = add_names(products, ref, "top_supplier", "top_supplier_name")
    products = add_chpl(products, ref, imp.iso3, provenance)
    # The focus exporter's own statistics over fiscal years, where they ship (India's EIDB).
    trend = None
    if foc is not None:
        trend = exporter_trends(
            wh, foc.iso3, scope, by="product", level=lvl, markets=[imp.iso3], provenance=provenance
        )
    if trend is not None:
        products = trend.attach(products, "code")
    if foc is None:
        products = products.drop_columns(["focus_value_usd", "focus_share_pct", "focus_rank"])

    n_suppliers = suppliers.num_rows
    suppliers = suppliers.sort_by("rank").select(
        ["rank", "exporter", "value_usd", "share_pct", "growth_pct", "products"]
    )
    if top and n_suppliers > top:
        kept = suppliers.slice(0, top)
        if foc is not None and focus_row is not None and focus_row["rank"] > top:
            kept = pa.concat_tables(
                [kept, suppliers.filter(pc.equal(suppliers.column("exporter"), foc.iso3))]
            )
        suppliers = kept
        provenance.note(
            f"Showing the top {top} of {n_suppliers} suppliers and {min(top, n_products)} of {n_products} products; totals cover all."
        )
    suppliers = add_names(suppliers, ref, "exporter", "name")

    primary, other_name, other = (
        (products, "suppliers", suppliers) if by == "product" else (suppliers, "products", products)
    )
    totals: dict[str, Any] = {
        "imports_usd": total,
        "products": n_products,
        "suppliers": n_suppliers,
        "growth_pct": wh.fetch(
            "market-growth",
            _market(wh, source, scope, lvl, "growth"),
            shape=_shape(source, scope),
            params={"importer": imp.iso3},
        )
        .column(0)[0]
        .as_py(),
        "period": source.period,
    }
    if foc is not None:
        totals["focus"] = foc.iso3
        totals["focus_value_usd"] = focus_row["value_usd"] if focus_row else 0.0
        totals["focus_share_pct"] = focus_row["share_pct"] if focus_row else 0.0
        totals["focus_rank"] = focus_row["rank"] if focus_row else None
        totals["focus_growth_pct"] = focus_row["growth_pct"] if focus_row else None
    if trend is not None:
        totals.update(trend.whole_totals("focus_trend"))
    report = Report(
        kind="market-products",
        title=f"{imp.name}: imports of {scope.label} ({source.period})",
        rows=primary,
        tables={other_name: other},
        query={
            "market": imp.iso3,
            "focus": foc.iso3 if foc else None,
            "scope": scope.describe(),
            "sector": scope.sector,
            "level": lvl,
            "top": top,
            "by": by,
            "dataset": source.manifest.id,
            "period": source.period,
            "hs_edition": source.edition,
        },
        provenance=provenance,
        totals=totals,
        currency=currency_info(ref, currency, source.period),
    )
    if by == "supplier":
        report.kind = "market-suppliers"
    return report

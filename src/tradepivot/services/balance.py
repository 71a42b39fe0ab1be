"""Bilateral balance and rebalancing opportunities between two countries."""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from tradepivot.analytics import balance
from tradepivot.analytics.markets import in_scope
from tradepivot.analytics.potential_context import PotentialContext
from tradepivot.data.flows import FlowSource, YearSpan, flow_source, missing_importers
from tradepivot.data.reference import ProductScope
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import InputError
from tradepivot.i18n.numbers import money
from tradepivot.services._enrich import add_chpl, add_descriptions
from tradepivot.services.currency import currency_info
from tradepivot.services.opportunity import METHOD_NOTE
from tradepivot.services.report import Provenance, Report
from tradepivot.services.sales import exporter_sales_of

__all__ = ["bilateral_balance"]

OPPORTUNITY_COLUMNS = (
    "code",
    "description",
    "partner_imports_usd",
    "world_exports_usd",
    "current_usd",
    "share_pct",
    "potential_usd",
    "untapped_usd",
    "world_share_gap_usd",
    "chpl_tier",
)


def bilateral_balance(
    wh: Warehouse,
    country: str,
    partner: str,
    *,
    hs: list[str] | None = None,
    sector: str | None = None,
    top: int | None = 25,
    dataset: str | None = None,
    years_span: YearSpan | None = None,
    currency: str | None = None,
) -> Report:
    """``country``'s trade with ``partner``: balance by sector and chapter, and the products
    where the partner imports much, the country exports much, and sells little there.

    Rows (opportunities) are ranked by untapped potential, then by the world-share gap.
    Tables ``sectors`` (each sector's HS scope is printed with it) and ``chapters``.
    """
    ref = wh.reference
    a, b = ref.country(country), ref.country(partner)
    if a.iso3 == b.iso3:
        raise InputError(
            f"Both sides are {a.label()}: pick two different countries.", param="partner"
        )
    out_source = flow_source(
        wh, importer=b.iso3, exporter=a.iso3, dataset=dataset, years_span=years_span
    )
    back_source = flow_source(
        wh, importer=a.iso3, exporter=b.iso3, dataset=dataset, years_span=years_span
    )
    scope = ref.product_scope(hs=hs, sector=sector, edition=out_source.edition)
    provenance = Provenance()
    for src, imp, exp in ((out_source, b.iso3, a.iso3), (back_source, a.iso3, b.iso3)):
        provenance.use(src.manifest, importers=[imp], exporters=[exp], scope=scope)
        provenance.note(*src.notes)
    provenance.note(*scope.notes)

    # Each direction is what its exporter sells to the other under the one source rule
    # (its own statistics where it reports them, mirror data elsewhere): the same figures
    # as pivot, exposure and rank.
    exports, imports = (
        _sold(wh, seller, buyer, scope, dataset, years_span, provenance)
        for seller, buyer in ((a.iso3, b.iso3), (b.iso3, a.iso3))
    )
    world = out_source.table.filter(out_source.table.importer == b.iso3).select("hs6", "value_usd")
    if not scope.is_everything:
        exports, imports, world = (
            t.filter(in_scope(t.hs6, scope)) for t in (exports, imports, world)
        )

    chapters = balance.by_chapter(exports, imports).to_pyarrow()
    chapters = chapters.sort_by(
        [("exports_usd", "descending"), ("chapter", "ascending")]
    ).rename_columns(["code", "exports_usd", "imports_usd", "balance_usd"])
    chapters = add_descriptions(chapters, ref, out_source.edition)
    sectors = ref.sectors() if scope.sector is None else [ref.sector(scope.sector)]
    by_sector = balance.by_sector(exports, imports, world, sectors).to_pyarrow()
    scopes = {
        s.name: ", ".join(s.hs) + (f" excl. {', '.join(s.exclude)}" if s.exclude else "")
        for s in sectors
    }
    by_sector = by_sector.add_column(
        1, "hs_scope", pa.array([scopes[n] for n in by_sector.column("sector").to_pylist()])
    )
    provenance.note(
        "Sectors overlap (engineering contains machinery and electronics): sector rows do not add up."
    )

    totals: dict[str, Any] = {
        "exports_usd": pc.sum(chapters.column("exports_usd")).as_py() or 0.0,
        "imports_usd": pc.sum(chapters.column("imports_usd")).as_py() or 0.0,
        "period": out_source.period,
    }
    totals["balance_usd"] = totals["exports_usd"] - totals["imports_usd"]
    _mirror_note(out_source, back_source, a.iso3, b.iso3, scope, totals, provenance)
    totals["trade_usd"] = totals["exports_usd"] + totals["imports_usd"]
    if out_source.period != back_source.period:
        provenance.note(
            f"The two directions come from different datasets ({out_source.manifest.id} {out_source.period}, "
            f"{back_source.manifest.id} {back_source.period}): the balance mixes periods."
        )

    opportunities = _opportunities(wh, out_source, scope, a.iso3, b.iso3, top, provenance)
    return Report(
        title=f"{a.name} and {b.name}: trade balance and rebalancing opportunities ({scope.label}, {out_source.period})",
        rows=opportunities,
        tables={"sectors": by_sector, "chapters": chapters},
        query={
            "country": a.iso3,
            "partner": b.iso3,
            "scope": scope.describe(),
            "sector": scope.sector,
            "top": top,
            "dataset": out_source.manifest.id,
            "period": out_source.period,
            "hs_edition": out_source.edition,
        },
        provenance=provenance,
        totals=totals,
        currency=currency_info(ref, currency, out_source.period),
    )


def _mirror_note(
    out_source: FlowSource,
    back_source: FlowSource,
    a: str,
    b: str,
    scope: ProductScope,
    totals: dict[str, Any],
    provenance: Provenance,
) -> None:
    """Say what the mirror data alone would give where the source rule's figure differs
    from it by more than 1% (India's own statistics against the partner's imports)."""
    for key, source, seller, buyer in (
        ("exports_usd", out_source, a, b),
        ("imports_usd", back_source, b, a),
    ):
        flows = balance.direction(source.table, seller, buyer)
        if not scope.is_everything:
            flows = flows.filter(in_scope(flows.hs6, scope))
        mirror = float(flows.value_usd.sum().to_pyarrow().as_py() or 0.0)
        shown = float(totals[key])
        if abs(shown - mirror) > 0.01 * max(abs(mirror), abs(shown), 1.0):
            provenance.note(
                f"{seller}'s sales to {buyer} read USD {money(shown)} m by the source rule; "
                f"mirror data alone ({source.manifest.id}, {buyer}'s imports from {seller}) "
                f"say USD {money(mirror)} m. Own and mirror statistics differ in coverage "
                "(see the data gaps), valuation (FOB against CIF) and period."
            )


def _sold(
    wh: Warehouse,
    seller: str,
    buyer: str,
    scope: ProductScope,
    dataset: str | None,
    years_span: YearSpan | None,
    provenance: Provenance,
) -> ir.Table:
    """``seller``'s sales to ``buyer`` (hs6, value_usd) from :func:`exporter_sales_of`."""
    found = exporter_sales_of(wh, seller, scope, dataset=dataset, years_span=years_span)
    provenance.merge(found.provenance)
    rows = found.rows.filter(found.rows.market == buyer)
    return rows.select("hs6", "value_usd")


def _opportunities(
    wh: Warehouse,
    source: Any,
    scope: Any,
    exporter: str,
    market: str,
    top: int | None,
    provenance: Provenance,
) -> pa.Table:
    """Products ranked by untapped potential of ``exporter`` in ``market``."""
    empty = pa.table(
        {
            c: pa.array(
                [], pa.string() if c in ("code", "description", "chpl_tier") else pa.float64()
            )
            for c in OPPORTUNITY_COLUMNS
        }
    )
    if not source.complete_market or market in missing_importers(source.manifest):
        provenance.note(
            f"No export-potential ranking for {market}: the dataset has no complete view of its imports."
        )
        return empty
    if source.manifest.kind != "bilateral":
        # Export potential needs every exporter's world market share: a single market's
        # imports (the US Census data) would make world exports equal the sales to it.
        provenance.note(
            f"No export-potential ranking for {market}: export potential needs world "
            f"bilateral data, and {source.manifest.id} holds {market}'s imports only "
            f"(the world matrix lacks them)."
        )
        return empty
    ctx = PotentialContext(wh, source, scope, importers=[market])
    # World market shares sum over every market: the matrix's missing importers touch them,
    # as rank and potential say.
    provenance.use(
        source.manifest, importers=[market], exporters=[exporter], scope=scope, all_importers=True
    )
    provenance.note(METHOD_NOTE, *ctx.notes.notes)
    rows = ctx.rows(exporters=[exporter], importers=[market])
    rows = rows.filter(rows.potential_usd > 0)
    table = rows.select(
        code=rows.hs6,
        partner_imports_usd=rows.imports_usd,
        world_exports_usd=rows.exports_usd,
        current_usd=rows.value_usd,
        share_pct=rows.value_usd / rows.imports_usd * 100,
        potential_usd=rows.potential_usd,
        untapped_usd=rows.untapped_usd,
        world_share_gap_usd=rows.world_share_gap_usd,
    ).to_pyarrow()
    n = table.num_rows
    table = table.sort_by(
        [
            ("untapped_usd", "descending"),
            ("world_share_gap_usd", "descending"),
            ("code", "ascending"),
        ]
    )
    if top:
        table = table.slice(0, top)
        if n > top:
            provenance.note(f"Showing the top {top} of {n} products with potential.")
    table = add_descriptions(table, wh.reference, source.edition)
    table = add_chpl(table, wh.reference, market, provenance)
    return table.select([c for c in OPPORTUNITY_COLUMNS if c in table.column_names])

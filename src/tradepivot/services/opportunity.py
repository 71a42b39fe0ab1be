"""Where to sell: export potential rows and market rankings for an exporter's product set.

The method (ITC's Export Potential Assessment, static version) is in
:mod:`tradepivot.analytics.potential`; docs/methods.md says which parts of ITC's method are
implemented and which cannot be with one year of data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from tradepivot.analytics import potential, ranking
from tradepivot.analytics.potential_context import (
    PotentialContext,
    potential_context,
)
from tradepivot.analytics.tariff_factors import TariffTerms
from tradepivot.data.flows import YearSpan, missing_importers
from tradepivot.data.reference import RESTRICTED_MARKETS, Country, Reference
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import DataGapError, InputError
from tradepivot.services._enrich import add_descriptions, add_names, chpl_disclaimer
from tradepivot.services.currency import currency_info
from tradepivot.services.report import Provenance, Report
from tradepivot.services.sales import national_pattern, sales_by_market
from tradepivot.services.trends import exporter_trends
from tradepivot.tariffs.shipped import (
    attach_duties,
)

__all__ = [
    "METHOD_NOTE",
    "potential_rows",
    "rank_markets",
    "write_world_potential",
]

METHOD_NOTE = (
    "Export potential after ITC's Export Potential Assessment (static, one year): supply = "
    "world market share, demand = market imports x distance factor, ease = actual / "
    "hypothetical bilateral trade; potentials rescaled so all exporters' potentials in a market "
    "and product add up to its imports. Untapped = potential - min(current, potential). "
    "Tariff factors use the duties known for the market (see the tariff note). See "
    "docs/methods.md."
)


def _check_exports(ctx: PotentialContext, exporter: Country) -> float:
    supply = ctx.data.supply
    total = supply.filter(supply.exporter == exporter.iso3).exports_usd.sum().to_pyarrow().as_py()
    if not total:
        raise DataGapError(
            f"{exporter.name} has no exports of {ctx.scope.describe()} in {ctx.source.manifest.id}.",
            hint="Widen the product scope ($sector or $hs), or check the code with `tradepivot hs`.",
            mentions=("sector", "hs"),
        )
    return float(total)


def _provenance(
    ctx: PotentialContext, exporter: Country, markets: list[str] | None = None
) -> Provenance:
    provenance = Provenance()
    provenance.use(
        ctx.source.manifest,
        importers=markets or [],
        exporters=[exporter.iso3],
        scope=ctx.scope,
        all_importers=True,  # world market shares sum over every market
    )
    provenance.note(METHOD_NOTE, *ctx.source.notes, *ctx.scope.notes, *ctx.notes.notes)
    missing = sorted(missing_importers(ctx.source.manifest))
    if missing:
        provenance.note(
            f"Not ranked, because {ctx.source.manifest.id} has no imports of them: {', '.join(missing)}."
        )
    return provenance


SALES_NOTE = (
    "Totals: sales = what {exporter} sells to every market in the scope under the source rule "
    "(the figure pivot, exposure and balance report; markets not assessed included); matrix "
    "exports and current = the {dataset} mirror figures the export-potential model uses, the "
    "same source for every exporter, so they can differ from sales where {exporter} reports "
    "its own statistics. Each market's sales_usd is in the csv/json/xlsx output."
)


def rank_markets(
    wh: Warehouse,
    exporter: str,
    *,
    hs: list[str] | None = None,
    sector: str | None = None,
    exclude: list[str] | None = None,
    top: int | None = 20,
    by: Literal["market", "product"] = "market",
    dataset: str | None = None,
    years_span: YearSpan | None = None,
    currency: str | None = None,
    tariffs: TariffTerms | None = None,
    detail_markets: int | None = None,
) -> Report:
    """Markets ranked by untapped potential for ``exporter``'s products in the scope.

    Market rows: demand, current exports, potential, untapped, the exporter's share and rank,
    the top three competitors, the world-share gap and the factors (ease, supply, distance,
    tariff advantage). ``by="product"`` makes the product-level rows behind the ranked markets
    the primary table (for the first ``detail_markets`` markets shown, default all shown).
    """
    ref = wh.reference
    exp = ref.country(exporter)
    excluded = [ref.country(c).iso3 for c in exclude or []]
    ctx = potential_context(wh, hs, sector, dataset, years_span)
    world_exports = _check_exports(ctx, exp)
    provenance = _provenance(ctx, exp)
    rows = wh.materialise(ctx.rows(exporters=[exp.iso3], tariffs=tariffs))
    if excluded:
        rows = rows.filter(~rows.importer.isin(excluded))
        provenance.note(f"Excluded markets: {', '.join(excluded)}.")

    markets = ranking.market_summary(rows, ctx.data.demand).to_pyarrow()
    if markets.num_rows == 0:
        raise DataGapError(
            f"{exp.name} trades with no market that imports {ctx.scope.describe()} in {ctx.source.manifest.id}."
        )
    competitors = ranking.top_suppliers(ctx.flows).to_pyarrow()
    standing = ranking.supplier_rank(ctx.flows, exp.iso3).to_pyarrow()
    markets = _attach_competitors(markets, competitors, standing, ref)
    n_markets = markets.num_rows
    markets = markets.sort_by([("untapped_usd", "descending"), ("importer", "ascending")])
    # What the exporter sells in each market: the one assembly every command reports
    # (its own statistics where it has them, mirror data elsewhere), beside the model's input.
    pattern, sold = national_pattern(
        wh, exp.iso3, ctx.scope, dataset=dataset, years_span=years_span, world=ctx.scoped
    )
    sales = sales_by_market(pattern)
    markets = markets.append_column(
        "sales_usd",
        pa.array([sales.get(m, 0.0) for m in markets.column("importer").to_pylist()], pa.float64()),
    )
    provenance.merge(sold)
    provenance.note(SALES_NOTE.format(exporter=exp.iso3, dataset=ctx.source.manifest.id))
    totals: dict[str, Any] = {
        "exporter": exp.iso3,
        "sales_usd": sum(sales.values()),
        "matrix_exports_usd": world_exports,
        "current_usd": pc.sum(markets.column("current_usd")).as_py(),
        "potential_usd": pc.sum(markets.column("potential_usd")).as_py(),
        "untapped_usd": pc.sum(markets.column("untapped_usd")).as_py(),
        "markets": n_markets,
        "period": ctx.source.period,
    }
    if top:
        markets = markets.slice(0, top)
        if n_markets > top:
            provenance.note(
                f"Showing the top {top} of {n_markets} markets; totals cover all of them."
            )
    markets = markets.add_column(0, "rank", pa.array(range(1, markets.num_rows + 1), pa.int64()))
    markets = add_names(markets, ref, "importer", "market")
    # The exporter's own statistics over fiscal years, where they ship (India's EIDB).
    trend = exporter_trends(wh, exp.iso3, ctx.scope, by="market", provenance=provenance)
    if trend is not None:
        markets = trend.attach(markets, "importer")
        totals.update(trend.whole_totals())
    no_distance = ref.no_distance_note(markets.column("importer").to_pylist())
    if no_distance:
        provenance.note(no_distance)
    markets = _chpl_by_market(markets, rows, ref, provenance)
    demand = ctx.data.demand.select("importer", "hs6", "imports_usd").to_pyarrow()
    duties = ctx.duty_lookup(exp.iso3, markets.column("importer").to_pylist())
    markets = _order(attach_duties(markets, exp.iso3, demand, duties, provenance), MARKET_COLUMNS)

    products = None
    if by == "product":
        shown = markets.column("importer").to_pylist()[:detail_markets]
        detail = rows.filter(rows.importer.isin(shown) & (rows.potential_usd > 0)).to_pyarrow()
        products = _product_detail(detail, ref, ctx.source.edition, provenance)
        if trend is not None:  # the exporter's own statistics per market and product
            per_product = exporter_trends(
                wh, exp.iso3, ctx.scope, by="market-product", markets=shown
            )
            assert per_product is not None
            products = per_product.attach(products, "importer", "code")
        products = _order(
            attach_duties(products, exp.iso3, demand, duties, Provenance()), PRODUCT_COLUMNS
        )

    query = {
        "exporter": exp.iso3,
        "scope": ctx.scope.describe(),
        "sector": ctx.scope.sector,
        "exclude": excluded,
        "top": top,
        "by": by,
        "dataset": ctx.source.manifest.id,
        "period": ctx.source.period,
        "hs_edition": ctx.source.edition,
    }
    title = f"{exp.name}: markets ranked by untapped export potential, {ctx.scope.label} ({ctx.source.period})"
    primary, tables = (markets, {}) if products is None else (products, {"markets": markets})
    tables["not_assessed"] = _not_assessed(ctx, ref)
    if trend is not None:  # what the exporter's own statistics say it sells there
        tables["not_assessed"] = trend.attach(tables["not_assessed"], "importer")
    return Report(
        kind="rank-markets" if products is None else "rank-products",
        title=title,
        rows=primary,
        tables=tables,
        query=query,
        provenance=provenance,
        totals=totals,
        currency=currency_info(ref, currency, ctx.source.period),
    )


MARKET_COLUMNS = (
    "rank",
    "importer",
    "market",
    "demand_usd",
    "current_usd",
    "sales_usd",
    "share_pct",
    "supplier_rank",
    "potential_usd",
    "untapped_usd",
    "world_share_gap_usd",
    "trend_last_usd",
    "trend_change_pct",
    "trend_cagr_pct",
    "duty_pct",
    "duty_range",
    "duty_source",
    "ease",
    "supply",
    "distance_factor",
    "tariff_advantage",
    "products",
    "competitors",
    "chpl_tier",
    "trend_change_usd",
    "trend_cagr_from",
    "trend_comparable_pct",
    "trend_missing",
    "trend_series",
)


def _not_assessed(ctx: PotentialContext, ref: Reference) -> pa.Table:
    """The markets a ranking cannot assess, and why (the dataset lacks their imports)."""
    missing = sorted(missing_importers(ctx.source.manifest))
    reason = f"{ctx.source.manifest.id} has no imports of this country (a known gap)"
    return pa.table(
        {
            "importer": pa.array(missing, pa.string()),
            "market": pa.array([ref.name(c) for c in missing], pa.string()),
            "reason": pa.array([reason] * len(missing), pa.string()),
        }
    )


def _order(table: pa.Table, columns: tuple[str, ...]) -> pa.Table:
    return table.select([c for c in columns if c in table.column_names])


def _attach_competitors(
    markets: pa.Table, competitors: pa.Table, standing: pa.Table, ref: Reference
) -> pa.Table:
    by_market: dict[str, list[str]] = {}
    for row in sorted(competitors.to_pylist(), key=lambda r: (r["importer"], r["rank"])):
        by_market.setdefault(row["importer"], []).append(
            f"{ref.name(row['exporter'])} {row['share_pct']:.0f}%"
        )
    ranks = {r["importer"]: r["supplier_rank"] for r in standing.to_pylist()}
    importers = markets.column("importer").to_pylist()
    markets = markets.append_column(
        "competitors", pa.array([", ".join(by_market.get(i, [])) for i in importers])
    )
    return markets.append_column(
        "supplier_rank", pa.array([ranks.get(i) for i in importers], pa.int64())
    )


def _chpl_by_market(
    markets: pa.Table, rows: ir.Table, ref: Reference, provenance: Provenance
) -> pa.Table:
    """Tier list of CHPL products with potential, for Russia and Belarus rows."""
    restricted = [i for i in markets.column("importer").to_pylist() if i in RESTRICTED_MARKETS]
    if not restricted:
        return markets
    hits = rows.filter(
        rows.importer.isin(restricted) & rows.hs6.isin(list(ref.chpl)) & (rows.potential_usd > 0)
    )
    found: dict[str, set[str]] = {}
    for row in hits.select("importer", "hs6").to_pyarrow().to_pylist():
        found.setdefault(row["importer"], set()).add(ref.chpl[row["hs6"]].tier)
    tiers = [
        ", ".join(sorted(found[i])) if i in found else None
        for i in markets.column("importer").to_pylist()
    ]
    if any(tiers):
        provenance.note(chpl_disclaimer())
    return markets.append_column("chpl_tier", pa.array(tiers, pa.string()))


PRODUCT_COLUMNS = (
    "importer",
    "market",
    "code",
    "description",
    "imports_usd",
    "current_usd",
    "potential_usd",
    "untapped_usd",
    "world_share_gap_usd",
    "trend_last_usd",
    "trend_change_pct",
    "trend_cagr_pct",
    "duty_pct",
    "duty_source",
    "supply",
    "distance_factor",
    "tariff_advantage",
    "ease",
    "chpl_tier",
    "trend_change_usd",
    "trend_cagr_from",
    "trend_comparable_pct",
    "trend_missing",
    "trend_series",
)


def _product_detail(
    detail: pa.Table, ref: Reference, edition: str, provenance: Provenance
) -> pa.Table:
    detail = detail.rename_columns(
        [
            "code" if c == "hs6" else "current_usd" if c == "value_usd" else c
            for c in detail.column_names
        ]
    )
    detail = detail.sort_by(
        [("untapped_usd", "descending"), ("importer", "ascending"), ("code", "ascending")]
    )
    detail = add_descriptions(detail, ref, edition)
    detail = add_names(detail, ref, "importer", "market")
    tiers = [
        ref.chpl[code].tier if imp in RESTRICTED_MARKETS and code in ref.chpl else None
        for imp, code in zip(
            detail.column("importer").to_pylist(), detail.column("code").to_pylist(), strict=True
        )
    ]
    if any(tiers):
        detail = detail.append_column("chpl_tier", pa.array(tiers, pa.string()))
        provenance.note(chpl_disclaimer())
    return _order(detail, PRODUCT_COLUMNS)


def potential_rows(
    wh: Warehouse,
    *,
    exporter: str | None = None,
    market: str | None = None,
    hs: list[str] | None = None,
    sector: str | None = None,
    top: int | None = None,
    offset: int = 0,
    dataset: str | None = None,
    years_span: YearSpan | None = None,
    currency: str | None = None,
) -> Report:
    """Row-level export potential with every factor (exporter x market x product).

    Rows come largest untapped potential first; ``offset`` skips that many of them and
    ``top`` keeps that many after it (a page). Without ``exporter`` or ``market`` this is the
    full-world computation (tens of millions of rows for all products): write it to a file.
    """
    ref = wh.reference
    exp = ref.country(exporter) if exporter else None
    imp = ref.country(market) if market else None
    ctx = potential_context(wh, hs, sector, dataset, years_span)
    if exp is not None:
        _check_exports(ctx, exp)
    provenance = Provenance()
    provenance.use(
        ctx.source.manifest,
        importers=[imp.iso3] if imp else [],
        exporters=[exp.iso3] if exp else [],
        scope=ctx.scope,
        all_importers=True,
    )
    provenance.note(METHOD_NOTE, *ctx.source.notes, *ctx.scope.notes, *ctx.notes.notes)
    if imp is not None and imp.iso3 in missing_importers(ctx.source.manifest):
        raise DataGapError(
            f"{ctx.source.manifest.id} has no imports of {imp.iso3}: no potential can be computed there."
        )
    rows = ctx.rows(exporters=[exp.iso3] if exp else None, importers=[imp.iso3] if imp else None)
    # A flow the exporter already makes stays even when its potential is zero: hiding it
    # would hide the exporter's largest sales (India's 300490 to Russia, USD 336 m).
    rows = wh.materialise(rows.filter((rows.potential_usd > 0) | (rows.value_usd > 0)))
    whole = (
        rows.aggregate(
            n=rows.count(),
            current=rows.value_usd.sum(),
            potential=rows.potential_usd.sum(),
            untapped=rows.untapped_usd.sum(),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    ordered = rows.order_by([rows.untapped_usd.desc(), "exporter", "importer", "hs6"])
    page = ordered.limit(top, offset=offset) if top or offset else ordered
    table = _potential_table(page, ref, ctx.source.edition)
    no_distance = ref.no_distance_note(
        [*table.column("importer").to_pylist(), *table.column("exporter").to_pylist()]
    )
    if no_distance:
        provenance.note(no_distance)
    # Totals cover the whole scope; the rows shown are a page of it, their sums labelled so.
    totals: dict[str, Any] = {
        "rows": whole["n"],
        "current_usd": whole["current"] or 0.0,
        "potential_usd": whole["potential"] or 0.0,
        "untapped_usd": whole["untapped"] or 0.0,
    }
    tables: dict[str, pa.Table] = {}
    if table.num_rows < whole["n"]:
        totals.update(
            {
                "rows_shown": table.num_rows,
                "shown_rows_current_usd": pc.sum(table.column("current_usd")).as_py() or 0.0,
                "shown_rows_potential_usd": pc.sum(table.column("potential_usd")).as_py() or 0.0,
                "shown_rows_untapped_usd": pc.sum(table.column("untapped_usd")).as_py() or 0.0,
            }
        )
        provenance.note(
            f"Showing {table.num_rows} of {whole['n']} rows (largest untapped potential first); "
            "totals cover all of them, the shown rows' sums are labelled as such."
        )
        if exp is not None:
            largest = ordered.filter(ordered.value_usd > 0).order_by(
                [ordered.value_usd.desc(), "importer", "hs6"]
            )
            tables["largest_current"] = _potential_table(
                largest.limit(top or 10), ref, ctx.source.edition
            )
            provenance.note(
                f"{exp.name}'s largest current flows are in the table 'largest_current': a "
                "flow that already exceeds its potential has nothing untapped and sorts last."
            )
    totals["period"] = ctx.source.period
    who = exp.name if exp else "every exporter"
    where = imp.name if imp else "every market"
    return Report(
        title=f"Export potential of {who} in {where}: {ctx.scope.label} ({ctx.source.period})",
        rows=table,
        tables=tables,
        query={
            "exporter": exp.iso3 if exp else None,
            "market": imp.iso3 if imp else None,
            "scope": ctx.scope.describe(),
            "top": top,
            "offset": offset,
            "dataset": ctx.source.manifest.id,
            "period": ctx.source.period,
            "hs_edition": ctx.source.edition,
        },
        provenance=provenance,
        totals=totals,
        currency=currency_info(ref, currency, ctx.source.period),
    )


POTENTIAL_OUTPUT = potential.POTENTIAL_COLUMNS


def _potential_table(rows: ir.Table, ref: Reference, edition: str) -> pa.Table:
    """Potential rows as a report shows them: ``code``, ``current_usd``, descriptions."""
    table = (
        rows.select(*POTENTIAL_OUTPUT)
        .to_pyarrow()
        .rename_columns(
            [
                "code" if c == "hs6" else "current_usd" if c == "value_usd" else c
                for c in POTENTIAL_OUTPUT
            ]
        )
    )
    return add_descriptions(table, ref, edition)


# Rows per slice of the full-world file: each slice is sorted in memory (~0.2 GB per
# million rows), so this bounds the peak while keeping the passes few.
SLICE_ROWS = 4_000_000


def _exporter_slices(ctx: PotentialContext) -> list[list[str]]:
    """Exporters in ascending order, cut into consecutive slices of about ``SLICE_ROWS``
    candidate rows (an exporter's rows: its products times its markets' products, estimated
    as products x partners)."""
    supply, pairs = ctx.data.supply, ctx.pairs
    products = supply.group_by("exporter").aggregate(n=supply.count())
    partners = pairs.group_by("exporter").aggregate(m=pairs.count())
    sizes = (
        products.join(partners, "exporter")
        .select("exporter", rows=ibis._.n * ibis._.m)
        .order_by("exporter")
        .to_pyarrow()
        .to_pylist()
    )
    # products x partners overestimates (a market imports only some of the products): scale
    # by the fill of the candidate matrix: 71.5 M rows of 84 M on the 2024 matrix.
    slices: list[list[str]] = [[]]
    filled = 0.0
    for row in sizes:
        estimate = row["rows"] * 0.85
        if slices[-1] and filled + estimate > SLICE_ROWS:
            slices.append([])
            filled = 0.0
        slices[-1].append(row["exporter"])
        filled += estimate
    return [s for s in slices if s]


def write_world_potential(
    wh: Warehouse,
    output: Path,
    *,
    hs: list[str] | None = None,
    sector: str | None = None,
    dataset: str | None = None,
    years_span: YearSpan | None = None,
    factors: list[str] | None = None,
    min_potential: float | None = None,
    force: bool = False,
) -> Report:
    """Every exporter x market x product's potential with its factors, streamed to Parquet.

    The whole world (71 M rows for all products on the 2024 matrix) never sits in memory:
    the rows are computed and written in slices of exporters (the per-market rescaling
    totals computed once), sorted by exporter, product and market, so a reader fetches one
    exporter's rows from its row groups alone. ``factors`` (default: all of
    ``potential.FACTOR_COLUMNS``) picks the factor columns; keys and amounts are always
    written; ``potential.FLOAT32_COLUMNS`` are stored as float32. ``min_potential`` keeps
    only rows with at least that potential (USD). The returned report summarises the file
    by exporter (largest untapped potential first); its totals name the file and row count.
    """
    if factors is not None:
        unknown = sorted(set(factors).difference(potential.FACTOR_COLUMNS))
        if unknown:
            raise InputError(
                f"Unknown factor column(s): {', '.join(unknown)}.",
                hint=f"Choose from: {', '.join(potential.FACTOR_COLUMNS)} (or all, or none).",
            )
    if min_potential is not None and not min_potential >= 0:
        raise InputError(
            f"The minimum potential must be a number of USD >= 0, not {min_potential}."
        )
    ctx = potential_context(wh, hs, sector, dataset, years_span)
    provenance = Provenance()
    provenance.use(ctx.source.manifest, scope=ctx.scope, all_importers=True)
    provenance.note(METHOD_NOTE, *ctx.source.notes, *ctx.scope.notes, *ctx.notes.notes)
    if min_potential:
        provenance.note(
            f"Only rows with a potential of at least {min_potential:,.0f} USD are written: "
            "a market's potentials then add up to less than its imports."
        )
    totals = ctx.raw_totals()
    parts = [
        potential.compact(
            potential.potential(
                ctx.data, ctx.pairs, exporters=chunk, tariffs=ctx.tariffs, totals=totals
            ),
            factors=factors,
            min_potential=min_potential,
        )
        for chunk in _exporter_slices(ctx)
    ]
    count = wh.write_parquet_parts(
        parts, output, order_by=("exporter", "hs6", "importer"), force=force
    )
    written = wh.ibis.read_parquet(str(output))
    summary = (
        written.group_by("exporter")
        .aggregate(
            current_usd=written.value_usd.sum(),
            potential_usd=written.potential_usd.sum(),
            untapped_usd=written.untapped_usd.sum(),
            markets=written.importer.nunique(),
        )
        .order_by([ibis.desc("untapped_usd"), "exporter"])
        .to_pyarrow()
    )
    summary = add_names(summary, wh.reference, "exporter", "name")
    return Report(
        title=f"Export potential of every exporter in every market: {ctx.scope.label} ({ctx.source.period})",
        rows=summary,
        query={
            "scope": ctx.scope.describe(),
            "dataset": ctx.source.manifest.id,
            "period": ctx.source.period,
            "hs_edition": ctx.source.edition,
        },
        provenance=provenance,
        totals={
            "file": str(output),
            "rows": count,
            "potential_usd": pc.sum(summary.column("potential_usd")).as_py(),
            "untapped_usd": pc.sum(summary.column("untapped_usd")).as_py(),
            "period": ctx.source.period,
        },
    )

"""The `pivot` brief: how exposed a sector is to a closing market, and where else to sell.

It chains the other services: the exporter's sales to the market being left (from the best
data for that market), where the sector's exports go, the alternative markets ranked by
untapped potential, the products behind them, the competitors there, and Russia's place.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tradepivot.data.flows import YearSpan, flow_source
from tradepivot.data.reference import ProductScope, Reference
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import DataGapError
from tradepivot.i18n.numbers import money_text
from tradepivot.services._enrich import add_descriptions, add_names
from tradepivot.services.briefing import Brief, Chart, Figure, Section
from tradepivot.services.currency import output_currency
from tradepivot.services.opportunity import METHOD_NOTE, rank_markets
from tradepivot.services.report import Provenance
from tradepivot.services.sales import national_pattern
from tradepivot.services.trends import TrendSet, exporter_trends, fy_label
from tradepivot.tariffs.portfolio import Portfolio
from tradepivot.tariffs.scenarios import Scenario

__all__ = ["pivot_brief"]

# The columns of the ranking the brief's tables carry (the brief is a document: it chooses
# its content; the CLI and the pages choose theirs in tradepivot.reports.columns).
BRIEF_MARKET_COLUMNS = (
    "rank",
    "market",
    "demand_usd",
    "current_usd",
    "share_pct",
    "supplier_rank",
    "potential_usd",
    "untapped_usd",
    "trend_last_usd",
    "trend_change_pct",
    "trend_cagr_pct",
    "trend_series",
    "duty_pct",
    "ease",
    "distance_factor",
    "competitors",
    "chpl_tier",
    "duty_source",
)
# The trend columns of a destination (the exporter's own statistics, where they ship).
TREND_COLUMNS = ("trend_last_usd", "trend_change_pct", "trend_cagr_pct", "trend_series")
BRIEF_PRODUCT_COLUMNS = (
    "market",
    "code",
    "description",
    "imports_usd",
    "current_usd",
    "potential_usd",
    "untapped_usd",
    "trend_last_usd",
    "trend_change_pct",
    "trend_cagr_pct",
    "trend_series",
    "duty_pct",
    "supply",
    "distance_factor",
    "chpl_tier",
)

FOCUS_MARKET = "RUS"  # the market the delegations of 2025 turned to; always called out


def pivot_brief(
    wh: Warehouse,
    exporter: str,
    *,
    away_from: str = "USA",
    sector: str | None = None,
    hs: list[str] | None = None,
    top: int = 15,
    currency: str | None = None,
    scenario: Scenario | None = None,
    portfolio: Portfolio | None = None,
    dataset: str | None = None,
    years_span: YearSpan | None = None,
) -> Brief:
    """A delegation brief for ``exporter``'s ``sector`` leaving ``away_from``.

    On the trade flows of ``dataset`` (the default world matrix) in one year of it
    (``years_span``: default its latest) or the average of a range of years.

    With a tariff ``scenario`` (and optionally a firm or cluster ``portfolio``) the brief adds
    the redirect chain: the simulated loss by product, the alternative markets that could
    absorb it (never more than their untapped potential) and a summary to act on.
    """
    ref = wh.reference
    exp, away = ref.country(exporter), ref.country(away_from)
    provenance = Provenance()

    world = flow_source(wh, exporter=exp.iso3, dataset=dataset, years_span=years_span)
    scope = ref.product_scope(hs=hs, sector=sector, edition=world.edition)
    # One assembly of what the exporter sells where (one source per market and product):
    # the exposure figures, the destinations and the products exposed all come from it.
    pattern, sold = national_pattern(wh, exp.iso3, scope, dataset=dataset, years_span=years_span)
    provenance.merge(sold)
    destinations = _destinations(pattern, wh.reference)
    total = pc.sum(destinations.column("value_usd")).as_py() or 0.0
    at_away = destinations.filter(pc.equal(destinations.column("importer"), away.iso3))
    away_value = float(pc.sum(at_away.column("value_usd")).as_py() or 0.0)
    away_source = ", ".join(at_away.column("source").to_pylist()) or "no source"
    share = away_value / total * 100 if total else None
    exposed = _exposed_products(pattern, away.iso3, ref, world.edition)
    trend = exporter_trends(wh, exp.iso3, scope, by="market", provenance=provenance)
    if trend is not None:
        destinations = trend.attach(destinations, "importer")

    ranked = rank_markets(
        wh,
        exp.iso3,
        hs=hs,
        sector=sector,
        exclude=[away.iso3],
        top=None,
        by="product",
        detail_markets=5,
        dataset=dataset,
        years_span=years_span,
    )
    provenance.merge(ranked.provenance)
    markets = ranked.tables["markets"]
    top_markets = markets.slice(0, top)
    products = ranked.rows.slice(0, 25)

    sections = [
        _exposure_section(
            exp.name, away, scope, exposed, away_source, destinations, away_value, total, share
        ),
        _markets_section(exp.name, away.name, top_markets, markets, ranked.totals),
        _products_section(products),
        _competition_section(top_markets),
        _method_section(),
    ]
    if trend is not None:
        _trend_figures(sections[0], trend, away)
    if scenario is not None or portfolio is not None:
        from tradepivot.services.redirect import shock_sections

        sections[1:1] = shock_sections(
            wh,
            exp.iso3,
            sector=sector,
            hs=hs,
            scenario=scenario,
            portfolio=portfolio,
            provenance=provenance,
            top=top,
            dataset=dataset,
            years_span=years_span,
        )
    focus_callout = _focus_callout(markets, exp.name)
    if focus_callout:
        _section(sections, "Alternative markets").callouts.append(focus_callout)
    chpl = [r for r in markets.to_pylist() if r.get("chpl_tier")]
    if chpl:
        _section(sections, "Alternative markets").callouts.append(
            "Compliance: products on the Common High Priority List carry potential in "
            + ", ".join(f"{r['market']} (tiers {r['chpl_tier']})" for r in chpl)
            + ". Exports of these items to Russia or Belarus expose a firm to secondary sanctions; "
            "this brief informs, it does not give legal advice."
        )
    return Brief(
        title=f"{exp.name}: pivoting {scope.label.lower()} away from {away.name}",
        subtitle=f"Exposure, alternative markets and competitors — {world.period} trade data",
        sections=sections,
        provenance=provenance,
        query={
            "exporter": exp.iso3,
            "away_from": away.iso3,
            "scope": scope.describe(),
            "sector": scope.sector,
            "top": top,
            "scenario": scenario.path if scenario else None,
            "portfolio": portfolio.name if portfolio else None,
            "dataset": dataset,
            "period": world.period,
        },
        currency=output_currency(ref, currency, world.period, portfolio),
    )


def _section(sections: list[Section], title: str) -> Section:
    return next(s for s in sections if s.title == title)


def _destinations(pattern: pa.Table, ref: Reference) -> pa.Table:
    """Where the exporter's products in scope go: every market, with its source(s)."""
    by_market = pattern.group_by("market").aggregate([("value_usd", "sum")])
    sources: dict[str, set[str]] = {}
    for market, source in zip(
        pattern.column("market").to_pylist(), pattern.column("source").to_pylist(), strict=True
    ):
        sources.setdefault(market, set()).add(source)
    markets = by_market.column("market").to_pylist()
    table = pa.table(
        {
            "importer": by_market.column("market"),
            "value_usd": by_market.column("value_usd_sum"),
            "source": pa.array([", ".join(sorted(sources[m])) for m in markets], pa.string()),
        }
    ).sort_by([("value_usd", "descending"), ("importer", "ascending")])
    total = pc.sum(table.column("value_usd")).as_py() or 1.0
    table = table.append_column(
        "share_pct", pc.multiply(pc.divide(table.column("value_usd"), total), 100.0)
    )
    return add_names(table, ref, "importer", "market")


def _exposed_products(pattern: pa.Table, away: str, ref: Reference, edition: str) -> pa.Table:
    """The products sold to ``away``, largest first, from the same assembly."""
    there = pattern.filter(pc.equal(pattern.column("market"), away))
    sums = there.group_by("hs6").aggregate([("value_usd", "sum")])
    table = pa.table(
        {"code": sums.column("hs6"), "value_usd": sums.column("value_usd_sum")}
    ).sort_by([("value_usd", "descending"), ("code", "ascending")])
    return add_descriptions(table, ref, edition)


def _exposure_section(
    exporter: str,
    away: Any,
    scope: ProductScope,
    exposed: pa.Table,
    away_source: str,
    destinations: pa.Table,
    away_value: float,
    total: float,
    share: float | None,
) -> Section:
    section = Section(title=f"Exposure to {away.name}")
    section.figures = [
        Figure(f"Sales to {away.name}", away_value, "usd", away_source),
        Figure("Sales to every market", total, "usd", "one source per market and product"),
        Figure(f"Share going to {away.name}", share, "pct"),
        Figure("Products sold there", exposed.num_rows, "count"),
    ]
    section.paragraphs.append(
        f"{exporter} sold {scope.label.lower()} ({scope.describe()}) worth these amounts, "
        "assembled under the source rule in the notes (each market and product from one "
        "source, named in the table below)."
    )
    top_destinations = destinations.slice(0, 12)
    shown = ["market", "importer", "value_usd", "share_pct", "source"]
    shown += [c for c in TREND_COLUMNS if c in top_destinations.column_names]
    section.tables.append(("Where the exports go", top_destinations.select(shown)))
    section.charts.append(
        Chart(
            title=f"Largest destinations ({away.name} highlighted)",
            data=top_destinations.select(["market", "value_usd"]),
            x="market",
            y="value_usd",
            highlight=away.name,
        )
    )
    section.tables.append((f"Products most exposed in {away.name}", exposed.slice(0, 10)))
    return section


def _trend_figures(section: Section, trend: TrendSet, away: Any) -> None:
    """The exporter's own statistics over fiscal years: to the market being left, and to
    every market, as key figures with the trend in words."""
    there = trend.get(away.iso3)
    last = trend.fys[-1]
    section.figures += [
        Figure(
            f"Sales to {away.name}, FY{last} (own statistics)",
            there.last_usd,
            "usd",
            f"{trend.dataset.id}: {there.short()}",
        ),
        Figure(
            f"Sales to every market, FY{last} (own statistics)",
            trend.whole.last_usd,
            "usd",
            f"{trend.dataset.id}: {trend.whole.short()}",
        ),
    ]
    section.paragraphs.append(
        f"Trend ({fy_label(trend.fys)}, India's fiscal years April-March, from "
        f"{trend.dataset.id}): last fiscal year, the change on the one before (YoY) and the "
        "compound annual growth (CAGR), on the HS8 codes reported in every year; the "
        "sparkline draws that series. The 'Sales' figures above are the source rule's "
        "assembly for the data's year and may differ from India's own fiscal-year figures."
    )


DUTY_PARAGRAPH = (
    "Duty: the MFN duty the exporter pays in the market, import-weighted over the products in "
    "scope, from the schedule named beside it (EAEU Common Customs Tariff from 2026-01-01, EU "
    "Common External Tariff 2020, UK Global Tariff 2021); specific duties as ad valorem "
    "equivalents at India's own unit values; preferences not applied. Blank where no tariff "
    "data ships."
)


def _markets_section(
    exporter: str, away: str, top_markets: pa.Table, markets: pa.Table, totals: dict[str, Any]
) -> Section:
    section = Section(title="Alternative markets")
    if markets.num_rows == 0:
        raise DataGapError(f"No alternative market with potential for {exporter}.")
    best = top_markets.to_pylist()[0]
    section.figures = [
        Figure("Untapped potential, all markets", totals["untapped_usd"], "usd"),
        Figure("Markets with potential", totals["markets"], "count"),
        Figure(f"Largest: {best['market']}", best["untapped_usd"], "usd", "untapped potential"),
    ]
    section.paragraphs.append(
        f"Markets other than {away} ranked by untapped export potential: what {exporter} could sell "
        "given its world market share, the market's demand, how easily it already trades there and "
        "how far it is compared with current suppliers, minus what it already sells."
    )
    columns = [c for c in BRIEF_MARKET_COLUMNS if c in top_markets.column_names]
    section.tables.append(("Markets ranked by untapped potential", top_markets.select(columns)))
    section.paragraphs.append(DUTY_PARAGRAPH)
    focus = [r for r in markets.to_pylist() if r["importer"] == FOCUS_MARKET]
    chart_rows = top_markets.select(["market", "untapped_usd"])
    if focus and focus[0]["rank"] > top_markets.num_rows:
        chart_rows = pa.concat_tables(
            [
                chart_rows,
                pa.table(
                    {"market": [focus[0]["market"]], "untapped_usd": [focus[0]["untapped_usd"]]}
                ),
            ]
        )
    section.charts.append(
        Chart(
            title="Untapped potential by market",
            data=chart_rows,
            x="market",
            y="untapped_usd",
            highlight=focus[0]["market"] if focus else None,
        )
    )
    return section


def _focus_callout(markets: pa.Table, exporter: str) -> str | None:
    rows = [r for r in markets.to_pylist() if r["importer"] == FOCUS_MARKET]
    if not rows:
        return None
    r = rows[0]
    return (
        f"Russia ranks {r['rank']} of {markets.num_rows} markets: {money_text(r['untapped_usd'], scale='m')} untapped, "
        f"demand {money_text(r['demand_usd'], scale='m')}, {exporter}'s share {r['share_pct']:.1f}% "
        f"(rank {r['supplier_rank'] or '–'} among suppliers); competitors: {r['competitors']}"
        + (
            f"; duty {r['duty_pct']:.1f}% ({r['duty_source']})."
            if r.get("duty_pct") is not None
            else "."
        )
    )


def _products_section(products: pa.Table) -> Section:
    section = Section(title="Products behind the top five markets")
    section.paragraphs.append(
        "The products with the most untapped potential in the five best markets, with the factors: "
        "supply (world market share), distance factor, ease."
    )
    columns = [c for c in BRIEF_PRODUCT_COLUMNS if c in products.column_names]
    section.tables.append(("Products", products.select(columns)))
    return section


def _competition_section(top_markets: pa.Table) -> Section:
    section = Section(title="Competitors in the top markets")
    section.paragraphs.append(
        "The three largest suppliers of each market in the product scope, with their shares of its imports."
    )
    section.tables.append(
        ("Competitors", top_markets.select(["market", "competitors", "share_pct", "supplier_rank"]))
    )
    return section


def _method_section() -> Section:
    section = Section(title="Method")
    section.paragraphs.append(METHOD_NOTE)
    section.paragraphs.append(
        "ITC's own assessment also uses five-year averages, GDP and population projections, income "
        "elasticities and tariffs; one year of data and no tariff tables here, so those elements are "
        "not applied. Figures are indicative."
    )
    return section

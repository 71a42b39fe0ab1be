"""The `pivot` brief: how exposed a sector is to a closing market, and where else to sell.

It chains the other services: the exporter's sales to the market being left (from the best
data for that market), where the sector's exports go, the alternative markets ranked by
untapped potential, the products behind them, the competitors there, and Russia's place.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tradepivot.analytics.markets import in_scope
from tradepivot.data.flows import EIDB_SOURCE, flow_source, missing_importers
from tradepivot.data.reference import ProductScope
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import DataGapError
from tradepivot.services._enrich import add_names
from tradepivot.services.briefing import Brief, Chart, Figure, Section
from tradepivot.services.currency import currency_info
from tradepivot.services.opportunity import (
    MARKET_DISPLAY,
    METHOD_NOTE,
    PRODUCT_DISPLAY,
    rank_markets,
)
from tradepivot.services.report import Provenance
from tradepivot.services.trade import bilateral_flows
from tradepivot.tariffs.portfolio import Portfolio
from tradepivot.tariffs.scenarios import Scenario

__all__ = ["pivot_brief"]

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
) -> Brief:
    """A delegation brief for ``exporter``'s ``sector`` leaving ``away_from``.

    With a tariff ``scenario`` (and optionally a firm or cluster ``portfolio``) the brief adds
    the redirect chain: the simulated loss by product, the alternative markets that could
    absorb it (never more than their untapped potential) and a summary to act on.
    """
    ref = wh.reference
    exp, away = ref.country(exporter), ref.country(away_from)
    provenance = Provenance()

    exposure = bilateral_flows(wh, exp.iso3, away.iso3, sector=sector, hs=hs, top=10)
    provenance.merge(exposure.provenance)
    world = flow_source(wh, exporter=exp.iso3)
    scope = ref.product_scope(hs=hs, sector=sector, edition=world.edition)
    destinations = _destinations(
        wh,
        exp.iso3,
        away.iso3,
        scope,
        exposure.totals["value_usd"],
        exposure.query["dataset"],
        provenance,
    )
    total = pc.sum(destinations.column("value_usd")).as_py() or 0.0
    away_value = float(exposure.totals["value_usd"] or 0.0)
    share = away_value / total * 100 if total else None

    ranked = rank_markets(
        wh,
        exp.iso3,
        hs=hs,
        sector=sector,
        exclude=[away.iso3],
        top=None,
        by="product",
        detail_markets=5,
    )
    provenance.merge(ranked.provenance)
    markets = ranked.tables["markets"]
    top_markets = markets.slice(0, top)
    products = ranked.rows.slice(0, 25)

    sections = [
        _exposure_section(exp.name, away, scope, exposure, destinations, away_value, total, share),
        _markets_section(exp.name, away.name, top_markets, markets, ranked.totals),
        _products_section(products),
        _competition_section(top_markets),
        _method_section(),
    ]
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
        },
        currency=currency_info(ref, currency, world.period),
    )


def _section(sections: list[Section], title: str) -> Section:
    return next(s for s in sections if s.title == title)


def _destinations(
    wh: Warehouse,
    exporter: str,
    away: str,
    scope: ProductScope,
    away_value: float,
    away_dataset: str,
    provenance: Provenance,
) -> pa.Table:
    """Where the exporter's products in scope go: every market, each from its best source."""
    world = flow_source(wh, exporter=exporter)
    flows = world.table.filter(
        (world.table.exporter == exporter) & in_scope(world.table.hs6, scope)
    )
    by_market = flows.group_by("importer").aggregate(value_usd=flows.value_usd.sum()).to_pyarrow()
    by_market = by_market.append_column(
        "source", pa.array([world.manifest.id] * by_market.num_rows)
    )
    rows = [by_market]
    if (
        away in missing_importers(world.manifest)
        or away not in by_market.column("importer").to_pylist()
    ):
        rows.append(
            pa.table({"importer": [away], "value_usd": [away_value], "source": [away_dataset]})
        )
    others = sorted(missing_importers(world.manifest) - {away})
    if exporter == "IND" and others:
        eidb = flow_source(wh, importer=others[0], exporter=exporter)
        part = eidb.table.filter(eidb.table.importer.isin(others) & in_scope(eidb.table.hs6, scope))
        extra = part.group_by("importer").aggregate(value_usd=part.value_usd.sum()).to_pyarrow()
        rows.append(extra.append_column("source", pa.array([EIDB_SOURCE] * extra.num_rows)))
        provenance.use(eidb.manifest, importers=others, exporters=[exporter], scope=scope)
        provenance.note(
            f"{world.manifest.id} has no imports of {', '.join(others)}: India's sales there come from "
            f"its own statistics ({eidb.period}, HS8 rolled up), so the destination shares mix periods."
        )
    elif others:
        provenance.note(
            f"Sales to {', '.join(others)} are unknown: {world.manifest.id} lacks their imports."
        )
    table = pa.concat_tables(rows).sort_by([("value_usd", "descending"), ("importer", "ascending")])
    total = pc.sum(table.column("value_usd")).as_py() or 1.0
    table = table.append_column(
        "share_pct", pc.multiply(pc.divide(table.column("value_usd"), total), 100.0)
    )
    return add_names(table, wh.reference, "importer", "market")


def _exposure_section(
    exporter: str,
    away: Any,
    scope: ProductScope,
    exposure: Any,
    destinations: pa.Table,
    away_value: float,
    total: float,
    share: float | None,
) -> Section:
    section = Section(title=f"Exposure to {away.name}")
    section.figures = [
        Figure(
            f"Sales to {away.name}",
            away_value,
            "usd",
            f"{exposure.query['dataset']}, {exposure.totals['period']}",
        ),
        Figure("Sales to every market", total, "usd", "best source per market"),
        Figure(f"Share going to {away.name}", share, "pct"),
        Figure("Products sold there", exposure.totals["products"], "count"),
    ]
    section.paragraphs.append(
        f"{exporter} sold {scope.label.lower()} ({scope.describe()}) worth these amounts. "
        f"Sales to {away.name} are measured from {exposure.query['dataset']}; other markets from the "
        "world matrix, each with its source in the table below."
    )
    top_destinations = destinations.slice(0, 12)
    section.tables.append(
        (
            "Where the exports go",
            top_destinations.select(["market", "importer", "value_usd", "share_pct", "source"]),
        )
    )
    section.charts.append(
        Chart(
            title=f"Largest destinations ({away.name} highlighted)",
            data=top_destinations.select(["market", "value_usd"]),
            x="market",
            y="value_usd",
            highlight=away.name,
        )
    )
    exposed = exposure.rows.select(
        [
            c
            for c in ("code", "description", "value_usd", "market_share_pct")
            if c in exposure.rows.column_names
        ]
    )
    section.tables.append((f"Products most exposed in {away.name}", exposed))
    return section


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
    shown = (*MARKET_DISPLAY, "duty_source")
    columns = [c for c in shown if c in top_markets.column_names]
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
        f"Russia ranks {r['rank']} of {markets.num_rows} markets: USD {r['untapped_usd'] / 1e6:,.1f} m untapped, "
        f"demand USD {r['demand_usd'] / 1e6:,.1f} m, {exporter}'s share {r['share_pct']:.1f}% "
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
    columns = [c for c in PRODUCT_DISPLAY if c in products.column_names]
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

"""rank, potential rows, balance and the pivot brief on the embedded data."""

from __future__ import annotations

import pytest

from tradepivot.analytics import potential
from tradepivot.data.flows import flow_source
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import DataGapError, UnknownSectorError
from tradepivot.services.balance import bilateral_balance
from tradepivot.services.opportunity import potential_rows, rank_markets
from tradepivot.services.pivot import pivot_brief


@pytest.fixture(scope="module")
def leather(wh: Warehouse) -> object:
    return rank_markets(wh, "IND", sector="leather", top=None)


def test_rank_orders_markets_by_untapped_potential(leather: object, wh: Warehouse) -> None:
    rows = leather.rows.to_pylist()  # type: ignore[attr-defined]
    untapped = [r["untapped_usd"] for r in rows]
    assert untapped == sorted(untapped, reverse=True)
    assert rows[0]["importer"] == "RUS"
    russia = rows[0]
    assert russia["demand_usd"] / 1e9 == pytest.approx(5.19, abs=0.01)
    assert russia["current_usd"] / 1e6 == pytest.approx(53.4, abs=0.1)
    assert russia["supplier_rank"] == 9 and russia["competitors"].startswith("China 75%")
    assert 0 <= russia["untapped_usd"] <= russia["potential_usd"]
    totals = leather.totals  # type: ignore[attr-defined]
    assert totals["current_usd"] == pytest.approx(sum(r["current_usd"] for r in rows))
    assert {"USA", "DEU"}.isdisjoint({r["importer"] for r in rows})  # not in the world matrix


@pytest.mark.slow  # ~22 s: the pair terms of three markets against the whole world
def test_shipped_pair_terms_match_a_fresh_computation(wh: Warehouse) -> None:
    source = flow_source(wh)
    distances = wh.reference_table("geo_dist")
    shipped = wh.derived(source.manifest, f"pair-terms-v{potential.METHOD_VERSION}", lambda: 1 / 0)  # type: ignore[arg-type,return-value]
    markets = ["RUS", "KAZ", "ARE"]
    fresh = (
        potential.pair_terms(source.table, distances, importers=markets).to_pyarrow().to_pylist()
    )
    kept = {
        (r["exporter"], r["importer"]): r
        for r in shipped.filter(shipped.importer.isin(markets)).to_pyarrow().to_pylist()
    }
    assert len(fresh) == len(kept) > 300
    for row in fresh:
        other = kept[(row["exporter"], row["importer"])]
        assert other["trade_usd"] == pytest.approx(row["trade_usd"])
        assert other["hypothetical_usd"] == pytest.approx(row["hypothetical_usd"], rel=1e-9)


def test_rank_by_product_adds_up_to_the_market_rows(wh: Warehouse) -> None:
    report = rank_markets(wh, "IND", hs=["4202"], top=3, by="product")
    markets = report.tables["markets"].to_pylist()
    for market in markets:
        products = [r for r in report.rows.to_pylist() if r["importer"] == market["importer"]]
        assert sum(p["potential_usd"] for p in products) == pytest.approx(market["potential_usd"])


def test_excluded_markets_are_gone_and_said(wh: Warehouse) -> None:
    report = rank_markets(wh, "IND", sector="leather", exclude=["RUS", "Hong Kong"], top=5)
    assert {"RUS", "HKG"}.isdisjoint(report.rows.column("importer").to_pylist())
    assert any("Excluded markets: RUS, HKG" in n for n in report.provenance.notes)


def test_bad_input_is_a_clear_error(wh: Warehouse) -> None:
    with pytest.raises(UnknownSectorError):
        rank_markets(wh, "IND", sector="lether")
    with pytest.raises(DataGapError, match="no exports of HS 2710"):
        rank_markets(wh, "IND", hs=["2710"])  # the heading the matrix lacks
    with pytest.raises(DataGapError, match="has no exports"):
        rank_markets(wh, "NPL", hs=["2709"])  # Nepal exports no crude petroleum


def test_potential_rows_carry_factors(wh: Warehouse) -> None:
    report = potential_rows(wh, exporter="IND", market="RUS", sector="pharma", top=5)
    for row in report.rows.to_pylist():
        assert row["supply"] * row["demand"] * row["ease"] * row["scale"] == pytest.approx(
            row["potential_usd"]
        )
    assert report.rows.num_rows == 5


def test_balance_shows_the_issue_figures(wh: Warehouse) -> None:
    report = bilateral_balance(wh, "IND", "RUS", top=10)
    sectors = {r["sector"]: r for r in report.tables["sectors"].to_pylist()}
    assert sectors["pharma"]["partner_imports_usd"] / 1e9 == pytest.approx(11.8, abs=0.05)
    assert sectors["pharma"]["exports_usd"] / 1e9 == pytest.approx(0.41, abs=0.005)
    assert sectors["pharma"]["hs_scope"] == "30"
    assert sectors["leather"]["partner_imports_usd"] / 1e9 == pytest.approx(5.2, abs=0.05)
    assert sectors["leather"]["exports_usd"] / 1e9 == pytest.approx(0.05, abs=0.005)
    totals = report.totals
    # India's sales to Russia by the one source rule (EIDB FY2024-25 where it covers a
    # product, mirror data elsewhere); the mirror figure (Russia's imports from India in the
    # world matrix, 4.81 bn) is named in a note beside it.
    assert totals["exports_usd"] / 1e9 == pytest.approx(4.16, rel=0.005)
    assert any("mirror data alone" in n and "4,810.8" in n for n in report.provenance.notes)
    assert totals["imports_usd"] / 1e9 == pytest.approx(63.65, rel=0.001)
    chapters = report.tables["chapters"].to_pylist()
    assert sum(c["exports_usd"] for c in chapters) == pytest.approx(totals["exports_usd"])
    untapped = report.rows.column("untapped_usd").to_pylist()
    assert untapped == sorted(untapped, reverse=True)


def test_pivot_brief_for_indian_leather(wh: Warehouse) -> None:
    brief = pivot_brief(wh, "IND", sector="leather", away_from="USA", top=10)
    exposure, markets = brief.sections[0], brief.sections[1]
    figures = {f.label: f.value for f in exposure.figures}
    us = figures["Sales to United States"]
    # India's own statistics (EIDB) for the products they cover, the Census for the rest
    # (was the Census alone, 1.185 bn, beside EIDB for the other markets).
    assert isinstance(us, float) and us / 1e9 == pytest.approx(1.248, abs=0.001)
    ranked = markets.tables[0][1].to_pylist()
    assert ranked[0]["market"] == "Russia" and len(ranked) == 10
    assert any(c.startswith("Russia ranks 1 of") for c in markets.callouts)
    ids = {d["id"] for d in brief.provenance.datasets}
    assert {"world-2024", "us-census-2024", "india-eidb"} <= ids
    assert brief.to_dict()["sections"][0]["figures"][0]["kind"] == "usd"


def test_world_potential_is_streamed_to_parquet(wh: Warehouse, tmp_path: object) -> None:
    import duckdb

    from tradepivot.services.opportunity import write_world_potential

    target = tmp_path / "world.parquet"  # type: ignore[operator]
    report = write_world_potential(wh, target, hs=["4202"])
    con = duckdb.connect()
    rows, bad = con.execute(
        f"""
        WITH m AS (SELECT importer, hs6, sum(potential_usd) p, any_value(imports_usd) m
                   FROM read_parquet('{target}') GROUP BY ALL)
        SELECT (SELECT count(*) FROM read_parquet('{target}')),
               count(*) FILTER (WHERE abs(p - m) > 1e-9 * m) FROM m
        """
    ).fetchone()
    assert rows == report.totals["rows"] > 10_000
    assert bad == 0  # every market and product gets exactly its imports back
    assert report.rows.column("exporter")[0].as_py() == "CHN"  # most untapped 4202 potential


def test_romania_gets_its_distance_for_indian_leather(leather: object) -> None:
    # Before the distance table was mapped to current codes, Romania (ROM in GeoDist) got a
    # neutral distance factor of 1 and ranked 30th; at 4,800 km its factor is well below 1.
    rows = leather.rows.to_pylist()  # type: ignore[attr-defined]
    romania = next(r for r in rows if r["importer"] == "ROU")
    assert romania["distance_factor"] == pytest.approx(0.29, abs=0.01)
    assert romania["rank"] == 39


def test_balance_names_the_missing_importers_its_potential_touches(wh: Warehouse) -> None:
    # World market shares sum over every market: rank and potential name the gap, and so
    # must balance (its meta listed only heading 2710).
    report = bilateral_balance(wh, "IND", "RUS", top=3)
    assert "missing-importers" in {g["id"] for g in report.provenance.gaps}


def test_balance_with_the_us_computes_no_potential_from_census_alone(wh: Warehouse) -> None:
    # The Census data holds US imports only: "world exports" equalled current exports on
    # every row. potential -e IND -m USA refuses; balance now says why it has none.
    report = bilateral_balance(wh, "IND", "USA", top=5)
    assert report.rows.num_rows == 0
    assert any("export potential needs world bilateral data" in n for n in report.provenance.notes)
    with pytest.raises(DataGapError):
        potential_rows(wh, exporter="IND", market="USA", sector="leather")


@pytest.fixture(scope="module")
def pharma_page(wh: Warehouse) -> object:
    return potential_rows(wh, exporter="IND", market="RUS", sector="pharma", top=5)


def test_potential_totals_cover_the_whole_scope_not_the_page(
    pharma_page: object, wh: Warehouse
) -> None:
    whole = potential_rows(wh, exporter="IND", market="RUS", sector="pharma")
    everything = whole.rows.to_pylist()
    totals = pharma_page.totals  # type: ignore[attr-defined]
    assert totals["rows"] == len(everything) > 5
    assert totals["untapped_usd"] == pytest.approx(sum(r["untapped_usd"] for r in everything))
    assert totals["current_usd"] == pytest.approx(sum(r["current_usd"] for r in everything))
    shown = pharma_page.rows.to_pylist()  # type: ignore[attr-defined]
    assert totals["rows_shown"] == 5
    assert totals["shown_rows_untapped_usd"] == pytest.approx(sum(r["untapped_usd"] for r in shown))
    assert totals["shown_rows_untapped_usd"] < totals["untapped_usd"]


def test_potential_shows_the_largest_current_flow_even_with_nothing_untapped(
    pharma_page: object, wh: Warehouse
) -> None:
    # India's largest pharma export to Russia, 300490 (USD 336 m), exceeds its potential:
    # nothing untapped, so it sorted last and a page of 30 hid it.
    largest = pharma_page.tables["largest_current"].to_pylist()  # type: ignore[attr-defined]
    assert largest[0]["code"] == "300490"
    assert largest[0]["current_usd"] / 1e6 == pytest.approx(336, abs=1)
    assert largest[0]["untapped_usd"] == 0
    (raw,) = wh.con.execute(
        "SELECT sum(value_usd) FROM world_2024 WHERE exporter='IND' AND importer='RUS' AND hs6='300490'"
    ).fetchone()  # type: ignore[misc]
    assert largest[0]["current_usd"] == pytest.approx(raw)

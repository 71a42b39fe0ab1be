"""One question, one answer: the same figure asked through every command, service and the API.

"What India sells where" has one assembly (tradepivot.analytics.sales) and one source rule;
the checks below ask for it through exposure, the pivot brief, the web API and an independent
SQL computation on the shipped Parquet files, and assert that every one gives the same number.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.compute as pc
import pytest
from fastapi import FastAPI

from tests.web.conftest import Client
from tradepivot.cli import main
from tradepivot.config import Settings
from tradepivot.data.embedded import default_dir
from tradepivot.data.reference import Reference
from tradepivot.data.warehouse import Warehouse
from tradepivot.services.balance import bilateral_balance
from tradepivot.services.briefing import Brief
from tradepivot.services.exposure import exposure_report
from tradepivot.services.opportunity import rank_markets
from tradepivot.services.pivot import pivot_brief
from tradepivot.services.sales import national_pattern
from tradepivot.services.tariffs import load_scenario
from tradepivot.services.trade import bilateral_flows
from tradepivot.tariffs.portfolio import load_portfolio
from tradepivot.web import create_app

ROOT = Path(__file__).parents[2]
DATA = default_dir()
LEATHER = ("41", "42", "43", "64")


def figure(brief: Brief | dict[str, Any], label: str) -> float:
    sections = brief["sections"] if isinstance(brief, dict) else brief.to_dict()["sections"]
    for section in sections:
        for fig in section["figures"]:
            if fig["label"] == label:
                return float(fig["value"])
    raise AssertionError(f"no figure {label!r}")


@pytest.fixture(scope="module")
def independent() -> dict[str, float]:
    """India's leather sales under the source rule, in plain SQL on the shipped files:
    EIDB FY2024-25 (HS2022 -> HS2017 by the concordance) for the subheadings it reports,
    the world matrix and the US Census for the others."""
    con = duckdb.connect()
    ref = DATA / "reference"
    scope = " OR ".join(f"hs6 LIKE '{p}%'" for p in LEATHER)
    con.execute(
        f"""
        CREATE VIEW w AS SELECT from_code, to_code, weight FROM '{ref}/hs_concordance.parquet'
            WHERE from_edition = 'HS2022' AND to_edition = 'HS2017';
        CREATE VIEW aliases AS SELECT alias, iso3 FROM '{ref}/country_aliases.parquet'
            WHERE source = 'eidb';
        CREATE VIEW own AS
            SELECT a.iso3 AS market, coalesce(w.to_code, left(lpad(e.hs8::VARCHAR, 8, '0'), 6)) AS hs6,
                   e.value_10k_usd * 10000.0 * coalesce(w.weight, 1.0) AS v
            FROM '{DATA}/india_eidb/exports_hs8.parquet' e
            JOIN aliases a ON a.alias = e.partner_eidb
            LEFT JOIN w ON w.from_code = left(lpad(e.hs8::VARCHAR, 8, '0'), 6)
            WHERE e.fy_start = 2024;
        CREATE VIEW mirror AS
            SELECT importer AS market, hs6, value_usd::DOUBLE AS v
            FROM read_parquet('{DATA}/world_2024/part-*.parquet') WHERE exporter = 'IND'
            UNION ALL
            SELECT 'USA', coalesce(w.to_code, c.hs6_2022), c.value_usd * coalesce(w.weight, 1.0)
            FROM '{DATA}/us_census_2024/imports_hs6.parquet' c
            LEFT JOIN w ON w.from_code = c.hs6_2022 WHERE c.partner = 'IND';
        """
    )
    own = f"SELECT * FROM own WHERE {scope}"
    rest = f"SELECT * FROM mirror WHERE ({scope}) AND hs6 NOT IN (SELECT hs6 FROM ({own}))"
    row = con.execute(
        f"""
        SELECT (SELECT sum(v) FROM ({own})) + (SELECT coalesce(sum(v), 0) FROM ({rest})),
               (SELECT sum(v) FROM ({own}) WHERE market = 'USA')
             + (SELECT coalesce(sum(v), 0) FROM ({rest}) WHERE market = 'USA'),
               (SELECT sum(v) FROM ({own}))
        """
    ).fetchone()
    assert row is not None
    return {"total": row[0], "usa": row[1], "own": row[2]}


@pytest.fixture(scope="module")
def pattern(wh: Warehouse) -> Any:
    return national_pattern(wh, "IND", wh.reference.product_scope(sector="leather"))


def test_the_assembly_matches_an_independent_computation(
    pattern: Any, independent: dict[str, float]
) -> None:
    table, provenance = pattern
    assert pc.sum(table.column("value_usd")).as_py() == pytest.approx(independent["total"])
    us = table.filter(pc.equal(table.column("market"), "USA"))
    assert pc.sum(us.column("value_usd")).as_py() == pytest.approx(independent["usa"])
    eidb = table.filter(pc.equal(table.column("source"), "india-eidb"))
    assert pc.sum(eidb.column("value_usd")).as_py() == pytest.approx(independent["own"])
    # The figures: EIDB alone 5.45 bn; with the products it lacks, 5.53 bn, US 22.6%.
    assert independent["own"] / 1e9 == pytest.approx(5.45, abs=0.005)
    assert independent["usa"] / independent["total"] * 100 == pytest.approx(22.6, abs=0.05)
    assert any(n.startswith("Source rule:") for n in provenance.notes)
    assert any("does not cover, taken from mirror data: 640340" in n for n in provenance.notes)


def test_never_two_sources_for_one_market_and_product(pattern: Any) -> None:
    table, _ = pattern
    keys = Counter(
        zip(table.column("market").to_pylist(), table.column("hs6").to_pylist(), strict=True)
    )
    assert max(keys.values()) == 1
    by_product: dict[str, set[str]] = {}
    for hs6, source in zip(
        table.column("hs6").to_pylist(), table.column("source").to_pylist(), strict=True
    ):
        by_product.setdefault(hs6, set()).add(source)
    # a product comes from India's own statistics in every market, or from none of them
    assert all(len(s) == 1 or "india-eidb" not in s for s in by_product.values())


@pytest.fixture(scope="module")
def brief(wh: Warehouse) -> Brief:
    return pivot_brief(wh, "IND", sector="leather", away_from="USA", top=5)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    root = tmp_path_factory.mktemp("web")
    application: FastAPI = create_app(
        Settings(warehouse=root / "none.duckdb", cache_dir=root / "cache")
    )
    yield Client(application)
    application.state.tradepivot.close()


def test_sales_to_every_market_are_one_figure_everywhere(
    brief: Brief,
    wh: Warehouse,
    client: Client,
    independent: dict[str, float],
    capsys: pytest.CaptureFixture[str],
) -> None:
    expected = independent["total"]
    assert figure(brief, "Sales to every market") == pytest.approx(expected)
    assert figure(brief, "Sales to United States") == pytest.approx(independent["usa"])
    exposure = exposure_report(wh, exporter="IND", sector="leather", top=None)
    assert exposure.totals["exports_usd"] == pytest.approx(expected)
    us = next(r for r in exposure.rows.to_pylist() if r["market_code"] == "USA")
    assert us["value_usd"] == pytest.approx(independent["usa"])
    api = client.get("/api/v1/pivot/IND?sector=leather&away_from=USA&top=5").json()
    assert figure(api, "Sales to every market") == pytest.approx(expected)
    api_exposure = client.get("/api/v1/exposure?exporter=IND&sector=leather&format=json").json()
    assert api_exposure["meta"]["totals"]["exports_usd"] == pytest.approx(expected)
    assert main(["pivot", "IND", "--sector", "leather", "--top", "3", "-f", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert figure(cli, "Sales to every market") == pytest.approx(expected)


def test_a_rupee_portfolio_comes_back_as_entered_in_exposure_and_pivot(wh: Warehouse) -> None:
    # exposure showed INR 1,000 crore to the US and 551.5 at risk, pivot 989.5 and 545.7
    # (in at FY2024-25's 84.56, out at 2024's 83.67): one rate per output now.
    ref = Reference()
    kanpur = load_portfolio(ROOT / "examples" / "kanpur-leather.yaml", ref)
    scenario = load_scenario(ROOT / "examples" / "scenarios" / "us-india-50.yaml", ref)
    exposure = exposure_report(wh, portfolio=kanpur, scenario=scenario, currency="INR")
    assert exposure.currency is not None
    rate = exposure.currency["rate_per_usd"]
    assert exposure.totals["market_usd"] * rate == pytest.approx(1_000e7)
    brief = pivot_brief(
        wh,
        "IND",
        sector="leather",
        top=3,
        currency="INR",
        scenario=scenario,
        portfolio=kanpur,
    )
    assert brief.currency is not None and brief.currency["rate_per_usd"] == rate
    sold = figure(brief, "Of which to United States")
    assert sold * rate == pytest.approx(1_000e7)
    loss = figure(brief, "Simulated loss (central)")
    assert loss == pytest.approx(exposure.totals["at_risk_central_usd"])


def test_rank_and_balance_report_the_same_sales(
    wh: Warehouse,
    client: Client,
    pattern: Any,
    independent: dict[str, float],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """rank's sales total and each market's sales, and balance's exports, are the one
    assembly's figures (rank once said India's leather 'world exports' were 3.34 bn: the
    matrix's mirror figure, now labelled as the model's input beside the sales)."""
    table, _ = pattern
    russia = pc.sum(table.filter(pc.equal(table.column("market"), "RUS")).column("value_usd"))
    ranked = rank_markets(wh, "IND", sector="leather", top=None)
    assert ranked.totals["sales_usd"] == pytest.approx(independent["total"])
    assert ranked.totals["matrix_exports_usd"] < ranked.totals["sales_usd"]  # mirror, not sales
    row = next(r for r in ranked.rows.to_pylist() if r["importer"] == "RUS")
    assert row["sales_usd"] == pytest.approx(russia.as_py())
    api = client.get("/api/v1/rank/IND?sector=leather&top=3").json()
    assert api["meta"]["totals"]["sales_usd"] == pytest.approx(independent["total"])
    assert main(["rank", "IND", "--sector", "leather", "--top", "3", "-f", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli["meta"]["totals"]["sales_usd"] == pytest.approx(independent["total"])

    us = bilateral_balance(wh, "IND", "USA", sector="leather")
    assert us.totals["exports_usd"] == pytest.approx(independent["usa"])
    ru = bilateral_balance(wh, "IND", "RUS", sector="leather")
    assert ru.totals["exports_usd"] == pytest.approx(russia.as_py())
    api = client.get("/api/v1/balance/IND/RUS?sector=leather").json()
    assert api["meta"]["totals"]["exports_usd"] == pytest.approx(russia.as_py())
    # the other direction has no own statistics: mirror data (India's imports from Russia)
    back = bilateral_balance(wh, "RUS", "IND", sector="leather")
    assert back.totals["imports_usd"] == pytest.approx(russia.as_py())
    assert any(n.startswith("Source rule:") for n in back.provenance.notes)


def test_flows_says_its_values_are_mirror_data_and_where_the_sales_are(wh: Warehouse) -> None:
    """flows shows the market's imports from India (so shares are of one source); it says
    so and points to the commands that report India's sales by the source rule."""
    report = bilateral_flows(wh, "IND", "RUS", sector="leather")
    assert any("mirror data" in n and "balance IND RUS" in n for n in report.provenance.notes)
    china = bilateral_flows(wh, "CHN", "RUS", sector="leather")  # no own statistics ship
    assert not any("mirror data" in n for n in china.provenance.notes)


def test_the_simulation_names_its_mirror_base_and_the_sales_figure(
    wh: Warehouse, independent: dict[str, float]
) -> None:
    """The tariff simulation works on the market's own import record (SMART needs every
    supplier on one statistic); it reports the exporter's sales by the source rule beside
    it, equal to balance's, so the two figures are explained, not contradictory."""
    from tradepivot.services.simulation import simulate_scenario

    scenario = load_scenario(ROOT / "examples" / "scenarios" / "us-india-50.yaml", wh.reference)
    report = simulate_scenario(wh, scenario, exporter="IND", sector="leather")
    assert report.totals["sales_usd"] == pytest.approx(independent["usa"])
    census = report.totals["exports_usd"]
    assert census != pytest.approx(independent["usa"], rel=0.01)  # 1,185.1 against 1,248.2 m
    note = next(n for n in report.provenance.notes if n.startswith("The simulation starts"))
    assert f"{census / 1e6:,.1f} m" in note and f"{independent['usa'] / 1e6:,.1f} m" in note


def test_rank_reads_the_sales_from_the_scope_it_has_already_read(
    wh: Warehouse, pattern: Any
) -> None:
    """rank passes the potential context's flows (the matrix cut to the scope) to the
    assembly instead of the whole matrix: the same rows, the same figures."""
    from tradepivot.analytics.potential_context import potential_context

    ctx = potential_context(wh, None, "leather", None, None)
    assert ctx.scoped is not None
    fast, _ = national_pattern(wh, "IND", ctx.scope, world=ctx.scoped)
    slow, _ = pattern
    assert fast.num_rows == slow.num_rows
    for a, b in zip(fast.to_pylist(), slow.to_pylist(), strict=True):
        assert (a["hs6"], a["market"], a["source"]) == (b["hs6"], b["market"], b["source"])
        if b["value_usd"] is None:  # a null in the source stays null either way
            assert a["value_usd"] is None
        else:
            assert a["value_usd"] == pytest.approx(b["value_usd"], rel=1e-12)

"""flows and market services: numbers checked against independent SQL on the raw files."""

from __future__ import annotations

import duckdb
import pytest

from tradepivot.data.embedded import default_dir
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import DataGapError, InputError, UnknownCountryError
from tradepivot.services import bilateral_flows, market_overview

WORLD = str(default_dir() / "world_2024" / "part-*.parquet")


def raw(sql: str) -> list[tuple[object, ...]]:
    """Straight SQL over the committed Parquet files, bypassing tradepivot's views."""
    return duckdb.sql(sql.replace("WORLD", f"read_parquet('{WORLD}')")).fetchall()


def test_india_russia_flows_match_the_raw_matrix(wh: Warehouse) -> None:
    report = bilateral_flows(wh, "India", "RU", top=10)
    assert report.totals["value_usd"] / 1e9 == pytest.approx(4.81, rel=0.005)
    expected = raw(
        "SELECT hs6, value_usd FROM WORLD WHERE exporter='IND' AND importer='RUS' ORDER BY value_usd DESC LIMIT 10"
    )
    rows = report.rows.to_pylist()
    assert [(r["code"], r["value_usd"]) for r in rows] == [
        (c, pytest.approx(v)) for c, v in expected
    ]
    assert (
        report.totals["products"]
        == raw("SELECT count(*) FROM WORLD WHERE exporter='IND' AND importer='RUS'")[0][0]
    )
    top = rows[0]
    market = raw(
        f"SELECT sum(value_usd), count(*) FROM WORLD WHERE importer='RUS' AND hs6='{top['code']}'"
    )[0]
    assert top["market_imports_usd"] == pytest.approx(market[0])
    assert top["suppliers"] == market[1]
    assert top["market_share_pct"] == pytest.approx(top["value_usd"] / market[0] * 100)
    assert top["description"].startswith("Units of automatic data processing machines")
    assert report.query["dataset"] == "world-2024"


def test_russia_imports_pharma_and_leather_as_the_issue_states(wh: Warehouse) -> None:
    pharma = market_overview(wh, "RUS", hs=["30"])
    assert pharma.totals["imports_usd"] / 1e9 == pytest.approx(11.8, abs=0.05)
    assert pharma.totals["focus_value_usd"] / 1e9 == pytest.approx(0.41, abs=0.005)
    leather = market_overview(wh, "RUS", sector="leather")
    assert leather.totals["imports_usd"] / 1e9 == pytest.approx(5.2, abs=0.05)
    assert leather.totals["focus_value_usd"] / 1e9 == pytest.approx(0.05, abs=0.005)
    suppliers = leather.tables["suppliers"]
    assert suppliers.column("exporter")[0].as_py() == "CHN"
    assert sum(suppliers.column("share_pct").to_pylist()) <= 100.0 + 1e-9


def test_market_shares_sum_to_one_hundred_and_rank_in_order(wh: Warehouse) -> None:
    report = market_overview(wh, "KAZ", hs=["4202"], top=None, by="supplier")
    shares = report.rows.column("share_pct").to_pylist()
    assert sum(shares) == pytest.approx(100.0)
    values = report.rows.column("value_usd").to_pylist()
    assert values == sorted(values, reverse=True)
    assert report.rows.column("rank").to_pylist() == list(range(1, len(values) + 1))


def test_focus_row_is_kept_when_outside_the_top(wh: Warehouse) -> None:
    report = market_overview(wh, "RUS", sector="leather", top=3)
    exporters = report.tables["suppliers"].column("exporter").to_pylist()
    assert exporters[:3] == ["CHN", "ITA", "KGZ"] and exporters[-1] == "IND"


def test_growth_aggregates_base_values(wh: Warehouse) -> None:
    """Aggregate CAGR equals ((sum v / sum v0)^(1/8) - 1) over plausible flows (growth above
    -100, not exactly 0.0, base within the product's world trade), computed here."""
    report = market_overview(wh, "ARM", hs=["0901"], by="supplier", top=None)
    rows = raw(
        """
        WITH w AS (SELECT exporter, hs6, value_usd v, cagr_8y_tenths::DOUBLE / 10 g FROM WORLD WHERE importer='ARM' AND hs6 LIKE '0901%'),
        t AS (SELECT hs6, sum(value_usd) world FROM WORLD GROUP BY 1),
        f AS (SELECT w.*, v / pow(1 + g / 100, 8) v0, world FROM w JOIN t USING (hs6))
        SELECT exporter, sum(v) FILTER (WHERE g > -100 AND g <> 0 AND v0 <= world), sum(v0) FILTER (WHERE g > -100 AND g <> 0 AND v0 <= world) FROM f GROUP BY 1
        """
    )
    expected = {e: (k / b) ** (1 / 8) * 100 - 100 for e, k, b in rows if b}
    got = {
        r["exporter"]: r["growth_pct"]
        for r in report.rows.to_pylist()
        if r["growth_pct"] is not None
    }
    assert got.keys() == expected.keys()
    for exporter, growth in expected.items():
        assert got[exporter] == pytest.approx(growth, rel=1e-6)


def test_us_market_comes_from_the_census(wh: Warehouse) -> None:
    report = bilateral_flows(wh, "IND", "USA")
    assert report.query["dataset"] == "us-census-2024"
    assert report.totals["value_usd"] / 1e9 == pytest.approx(
        87.74 - 0.0, rel=0.02
    )  # chapters 98/99 included
    assert any("US Census" in n for n in report.provenance.notes)
    assert {g["id"] for g in report.provenance.gaps} == {
        "top50-partners",
        "us-only-chapters",
        "concordance-split",
    }


def test_india_to_germany_falls_back_to_eidb(wh: Warehouse) -> None:
    report = bilateral_flows(wh, "IND", "DEU", hs=["64"])
    assert report.query["dataset"] == "india-eidb"
    assert report.totals["period"] == "FY2024-25"
    assert report.totals["market_imports_usd"] is None
    assert report.totals["value_usd"] > 0


def test_missing_importer_without_fallback_is_a_clear_gap(wh: Warehouse) -> None:
    with pytest.raises(DataGapError, match="no imports of DEU"):
        bilateral_flows(wh, "CHN", "DEU")


def test_bad_input_names_the_problem(wh: Warehouse) -> None:
    with pytest.raises(UnknownCountryError):
        market_overview(wh, "Narnia")
    with pytest.raises(InputError, match="both India"):
        bilateral_flows(wh, "IND", "India")
    with pytest.raises(InputError, match=r"^level must be 2") as raised:
        bilateral_flows(wh, "IND", "RUS", level=3)
    assert raised.value.param == "level"


def test_chpl_products_are_flagged_only_for_russia_and_belarus(wh: Warehouse) -> None:
    russia = bilateral_flows(wh, "IND", "RUS", hs=["8471"])
    tiers = {r["code"]: r["chpl_tier"] for r in russia.rows.to_pylist()}
    assert tiers["847150"] == "3.A"
    assert any("legal advice" in n for n in russia.provenance.notes)
    kazakhstan = bilateral_flows(wh, "IND", "KAZ", hs=["8471"])
    assert "chpl_tier" not in kazakhstan.rows.column_names


def test_chapter_level_sums_its_subheadings(wh: Warehouse) -> None:
    by_chapter = bilateral_flows(wh, "IND", "RUS", level=2)
    by_hs6 = bilateral_flows(wh, "IND", "RUS", level=6)
    assert by_chapter.totals["value_usd"] == pytest.approx(by_hs6.totals["value_usd"])
    chapter_30 = next(r for r in by_chapter.rows.to_pylist() if r["code"] == "30")
    assert chapter_30["value_usd"] == pytest.approx(
        sum(r["value_usd"] for r in by_hs6.rows.to_pylist() if r["code"].startswith("30"))
    )


def test_inr_uses_the_dated_rate(wh: Warehouse) -> None:
    report = bilateral_flows(wh, "IND", "RUS", currency="INR")
    assert report.currency is not None and report.currency["period"] == "2024"
    assert report.to_dict()["meta"]["currency"]["rate_per_usd"] == pytest.approx(83.669, abs=1e-3)


def test_an_explicit_dataset_is_never_rerouted_or_silently_empty(wh: Warehouse) -> None:
    with pytest.raises(DataGapError) as info:
        bilateral_flows(wh, "IND", "USA", dataset="world-2024")
    assert "dataset=us-census-2024" in (info.value.hint or "")
    _, hint = info.value.render(lambda name: "--" + name)  # as the CLI shows it
    assert "Try --dataset=us-census-2024 or --dataset=india-eidb" in (hint or "")
    with pytest.raises(InputError, match="US imports only"):
        bilateral_flows(wh, "IND", "RUS", dataset="us-census-2024")
    with pytest.raises(InputError, match="exports of IND only"):
        bilateral_flows(wh, "CHN", "RUS", dataset="india-eidb")
    assert (
        bilateral_flows(wh, "IND", "RUS", dataset="india-eidb", hs=["42"]).totals["value_usd"] > 0
    )


def test_market_of_a_missing_importer_names_the_matrix_gap_not_india(wh: Warehouse) -> None:
    # India's EIDB stands in for India's sales to Germany, but the market view needs the
    # world matrix, which has no German imports: the message says so (it blamed EIDB).
    with pytest.raises(DataGapError) as caught:
        market_overview(wh, "DEU", sector="leather")
    message = str(caught.value)
    assert "world-2024 has no imports of Germany" in message
    assert "india-eidb" not in message
    assert "flows -e IND -i DEU" in (caught.value.hint or "")

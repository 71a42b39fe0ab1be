"""India's own-statistics trends where a user decides: one figure through `rank`, `market`,
`pivot` (terminal, JSON, HTML brief), checked against plain SQL over the embedded file."""

from __future__ import annotations

import io
import json
import re

import duckdb
import openpyxl
import pytest

from tradepivot.cli import main
from tradepivot.data.embedded import default_dir
from tradepivot.data.warehouse import Warehouse
from tradepivot.reports.brief_html import render_html
from tradepivot.reports.export import report_bytes
from tradepivot.reports.sparkline import sparkline_svg
from tradepivot.services.opportunity import rank_markets
from tradepivot.services.pivot import pivot_brief
from tradepivot.services.trade import market_overview

FYS = ("2017-18", "2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25")
LEATHER = (41, 42, 43, 64)


def _sql_series(
    partner: str, chapters: tuple[int, ...], comparable: bool = False, hs6: int | None = None
) -> list[float]:
    """India's exports to an EIDB partner name in the chapters (or one HS6), per fiscal year,
    by plain SQL over the embedded Parquet file: every code, or (``comparable``) the codes
    with a value for some partner in each of the eight years."""
    path = default_dir() / "india_eidb" / "exports_hs8.parquet"
    basis = (
        f"AND hs8 IN (SELECT hs8 FROM read_parquet('{path}') WHERE value_10k_usd > 0 "
        "GROUP BY hs8 HAVING count(DISTINCT fy_start) = 8)"
        if comparable
        else ""
    )
    rows = duckdb.sql(
        f"""
        SELECT fy_start, sum(value_10k_usd) * 1e4 FROM read_parquet('{path}')
        WHERE partner_eidb = '{partner}' AND hs8 // 1000000 IN {chapters} {basis}
          {"" if hs6 is None else f"AND hs8 // 100 = {hs6}"}
        GROUP BY 1 ORDER BY 1
        """
    ).fetchall()
    by_year = dict(rows)
    return [float(by_year.get(2017 + i, 0.0)) for i in range(len(FYS))]


@pytest.fixture(scope="module")
def russia_leather() -> list[float]:
    return _sql_series("RUSSIA", LEATHER)


@pytest.fixture(scope="module")
def russia_comparable() -> list[float]:
    return _sql_series("RUSSIA", LEATHER, comparable=True)


def test_rank_market_and_pivot_show_one_trend(
    wh: Warehouse, russia_leather: list[float], russia_comparable: list[float]
) -> None:
    ranked = rank_markets(wh, "IND", sector="leather", top=None)
    rus = next(r for r in ranked.rows.to_pylist() if r["importer"] == "RUS")
    assert rus["trend_last_usd"] == pytest.approx(russia_leather[-1])
    assert rus["trend_last_usd"] / 1e6 == pytest.approx(53.79, abs=0.005)
    assert rus["trend_series"] == pytest.approx(russia_comparable)
    c = russia_comparable
    assert rus["trend_change_pct"] == pytest.approx((c[-1] / c[-2] - 1) * 100)
    assert rus["trend_cagr_pct"] == pytest.approx(((c[-1] / c[0]) ** (1 / 7) - 1) * 100)
    shares = [x / v * 100 for x, v in zip(c, russia_leather, strict=True)]
    assert rus["trend_comparable_pct"] == pytest.approx(min(shares))
    assert rus["trend_cagr_from"] == "2017-18" and rus["trend_missing"] == ""
    assert ranked.totals["trend_period"] == "FY2017-18 to FY2024-25"
    # The markets the world matrix cannot rank still show what India sells there.
    not_assessed = {r["importer"]: r for r in ranked.tables["not_assessed"].to_pylist()}
    assert not_assessed["USA"]["trend_last_usd"] == pytest.approx(_sql_series("U S A", LEATHER)[-1])
    assert not_assessed["DEU"]["trend_series"] == pytest.approx(
        _sql_series("GERMANY", LEATHER, comparable=True)
    )
    assert any("Trend columns: IND's exports" in n for n in ranked.provenance.notes)

    market = market_overview(wh, "RUS", sector="leather", focus="IND", level=4, top=None)
    assert market.totals["focus_trend_last_usd"] == pytest.approx(rus["trend_last_usd"])
    assert market.totals["focus_trend_cagr_pct"] == pytest.approx(rus["trend_cagr_pct"])
    by_heading = sum(r["trend_last_usd"] for r in market.rows.to_pylist())
    assert by_heading <= rus["trend_last_usd"] + 1  # headings India sells there, all shown

    brief = pivot_brief(wh, "IND", sector="leather", away_from="USA", top=5)
    [where] = [
        t for s in brief.sections for title, t in s.tables if title == "Where the exports go"
    ]
    usa = next(r for r in where.to_pylist() if r["importer"] == "USA")
    assert usa["trend_series"] == pytest.approx(_sql_series("U S A", LEATHER, comparable=True))
    figures = {f.label: f for s in brief.sections for f in s.figures}
    usa_figure = figures["Sales to United States, FY2024-25 (own statistics)"]
    assert usa_figure.value == pytest.approx(usa["trend_last_usd"])
    assert usa_figure.note is not None and "a year since FY2017-18" in usa_figure.note


def test_the_brief_draws_the_series_as_inline_svg(wh: Warehouse) -> None:
    brief = pivot_brief(wh, "IND", sector="leather", away_from="USA", top=5)
    html = render_html(brief)
    sparks = re.findall(r'<td class="spark"><svg class="spark"[^>]*aria-label="([^"]*)"', html)
    assert len(sparks) >= 12  # the destinations and the ranked markets
    [where] = [
        t for s in brief.sections for title, t in s.tables if title == "Where the exports go"
    ]
    first = where.to_pylist()[0]
    values = [f"{v / 1e6:,.1f}" for v in first["trend_series"]]
    assert sparks[0].endswith(": " + ", ".join(values))


def test_sparkline_geometry() -> None:
    svg = str(sparkline_svg([0.0, 50.0, 100.0], "x"))
    points = re.search(r'points="([^"]+)"', svg)
    assert points is not None
    coords = [tuple(map(float, p.split(","))) for p in points.group(1).split()]
    assert [x for x, _ in coords] == [2.5, 48.0, 93.5]
    assert [y for _, y in coords] == [19.5, 11.0, 2.5]  # zero baseline at the bottom
    assert "<script" not in svg and 'role="img"' in svg
    assert "&lt;b&gt;" in str(sparkline_svg([1.0], "<b>"))  # the label is escaped


def test_no_trend_without_own_statistics(wh: Warehouse) -> None:
    ranked = rank_markets(wh, "CHN", hs=["4202"], top=3)
    assert not any(c.startswith("trend_") for c in ranked.rows.column_names)
    assert not any("Trend columns" in n for n in ranked.provenance.notes)


def test_files_carry_the_trend(wh: Warehouse) -> None:
    ranked = rank_markets(wh, "IND", hs=["4202"], top=3)
    book = openpyxl.load_workbook(io.BytesIO(report_bytes(ranked, "xlsx")), read_only=True)
    header = [c.value for c in next(book["rows"].iter_rows(max_row=1))]
    series = next(book["rows"].iter_rows(min_row=2, max_row=2, values_only=True))[
        header.index("trend_series")
    ]
    assert isinstance(series, str) and len(series.split("; ")) == len(FYS)
    book.close()
    csv_header = report_bytes(ranked, "csv").decode().splitlines()[0].split(",")
    assert {"trend_last_usd", "trend_change_pct", "trend_cagr_pct"} <= set(csv_header)


def test_terminal_and_json_show_the_trend(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", "IND", "--sector", "leather", "--top", "3", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"trend_last_usd", "trend_change_pct", "trend_cagr_pct", "trend_series"} <= set(
        doc["rows"][0]
    )
    assert main(["rank", "IND", "--sector", "leather", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "Last FY" in out and "CAGR" in out and "trend period: FY2017-18 to FY2024-25" in out


def test_rank_products_carry_the_trend_of_their_market_and_product(wh: Warehouse) -> None:
    ranked = rank_markets(wh, "IND", sector="leather", top=3, by="product", detail_markets=3)
    rows = ranked.rows.to_pylist()
    russia = [r for r in rows if r["importer"] == "RUS"]
    assert russia
    shoes = next(r for r in russia if r["code"] == "640399")
    assert shoes["trend_last_usd"] == pytest.approx(_sql_series("RUSSIA", (64,), hs6=640399)[-1])
    assert shoes["trend_series"] == pytest.approx(
        _sql_series("RUSSIA", (64,), comparable=True, hs6=640399)
    )
    markets = {r["importer"]: r for r in ranked.tables["markets"].to_pylist()}
    for market in {r["importer"] for r in rows}:
        shown = sum(r["trend_last_usd"] for r in rows if r["importer"] == market)
        assert shown <= markets[market]["trend_last_usd"] + 1  # a part of the market's total

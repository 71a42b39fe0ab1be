"""India's own-statistics trend on the pages: the same service as the CLI and the API."""

from __future__ import annotations

import re

from tests.web.conftest import Client


def test_where_to_sell_market_and_brief_pages_show_the_trend(client: Client) -> None:
    api = client.get("/api/v1/rank/IND?sector=leather&top=5").json()
    russia = next(r for r in api["rows"] if r["importer"] == "RUS")
    html = client.get("/where-to-sell?exporter=IND&sector=leather&top=5").text
    assert "Last FY" in html and "CAGR" in html and "YoY" in html
    assert f"{russia['trend_last_usd'] / 1e6:,.1f}" in html
    assert f"{russia['trend_change_pct']:.1f}" in html

    market = client.get("/market/RUS?sector=leather&level=4").text
    assert "Last FY" in market and "CAGR" in market

    brief = client.get("/brief?exporter=IND&sector=leather&away_from=USA&top=5").text
    sparks = re.findall(r'<svg class="spark"[^>]*aria-label="([^"]+)"', brief)
    assert len(sparks) >= 12
    assert "<script" not in "".join(re.findall(r'<svg class="spark".*?</svg>', brief, re.S))


def test_the_russian_page_labels_the_trend(client: Client) -> None:
    html = client.get("/where-to-sell?exporter=IND&sector=leather&top=3&lang=ru").text
    assert "Посл. фин. год" in html and "К пред. году" in html

"""The HTML brief: self-contained, escaped, formatted like the terminal, and drawn by a real browser."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import altair as alt
import pyarrow as pa
import pytest

from tradepivot import __version__
from tradepivot.i18n.numbers import in_unit, money
from tradepivot.reports.brief_html import VENDORED_SCRIPTS, chart_spec, render_html
from tradepivot.services.briefing import Brief, Chart, Figure, Section
from tradepivot.services.report import Provenance

CHROMIUM = Path("/usr/bin/chromium")
EVIL = "<script>alert(1)</script>"
INR = {
    "code": "INR",
    "rate_per_usd": 84.0,
    "period": "2024",
    "kind": "annual average",
    "source": "Reserve Bank of India reference rate",
    "reference": "https://www.rbi.org.in/ (reference rate archive)",
}
# 143,559,369,048 USD x 84 / 1e7 = 12,05,898.7 crore
BIG_USD = 143_559_369_048
# Version markers as each minified build spells its own version.
MARKERS = {"vega": 'version="{v}"', "vega-lite": '"{v}"', "vega-embed": '"{v}"'}


def make_brief(currency: dict[str, Any] | None = INR) -> Brief:
    """Two sections with every kind of content a delegation brief holds."""
    markets = pa.table(
        {
            "importer": ["USA", "RUS", "DEU"],
            "name": ["United States", EVIL, "Germany"],
            "imports_usd": [BIG_USD, 2_500_000_000.0, None],
            "share_pct": [21.456, 3.2, float("nan")],
            "growth_pct": [4.0, -1.25, 0.0],
            "rank": [1, 2, 3],
            "chpl_tier": [None, "1, 3.A", None],
        }
    )
    exposure = pa.table(
        {
            "name": ["United States", "Germany", "United Kingdom", "Russia"],
            "value_usd": [1_050_000_000, 620_000_000, 410_000_000, 95_000_000],
        }
    )
    by_product = pa.table(
        {
            "name": ["Germany", "Germany", "Russia", "Russia"],
            "product": ["Footwear", "Leather goods", "Footwear", "Leather goods"],
            "imports_usd": [8_000_000_000, 5_500_000_000, 2_100_000_000, 1_300_000_000],
        }
    )
    provenance = Provenance(
        datasets=[
            {
                "id": "baci-2024",
                "title": "World bilateral trade at HS6, 2024",
                "source": "CEPII BACI, https://www.cepii.fr/",
                "edition": "HS22",
                "years": [2024],
                "rows": 11_234_567,
                "checksum_sha256": "0123456789abcdef" * 4,
            }
        ],
        gaps=[
            {
                "dataset": "baci-2024",
                "id": "missing-importers",
                "text": "Six importers report no 2024 data.",
            }
        ],
        notes=["Export potential after ITC's method, static version (one year of data)."],
    )
    return Brief(
        title="Leather: exposure to the US and where else to sell",
        subtitle="Council delegation brief, Moscow",
        sections=[
            Section(
                title="Exposure to the United States",
                paragraphs=["Paragraph with " + EVIL + " inside.", "A second & plain paragraph."],
                figures=[
                    Figure("Exports to the US", BIG_USD, "usd", note="2024"),
                    Figure("US share of exports", 21.456, "pct"),
                    Figure("Products affected", 1234, "count"),
                    Figure("Largest cluster", "Kanpur–Unnao", "text"),
                ],
                charts=[
                    Chart(
                        "Leather exports by market",
                        exposure,
                        x="name",
                        y="value_usd",
                        highlight="United States",
                        note="The US bar is the market at risk.",
                    )
                ],
                callouts=["A 50% duty applies from 27 August 2025."],
            ),
            Section(
                title="Markets that can absorb",
                figures=[Figure("Untapped potential", None, "usd")],
                tables=[("Alternative markets", markets)],
                charts=[
                    Chart(
                        "Imports by product",
                        by_product,
                        x="name",
                        y="imports_usd",
                        kind="stacked_bar",
                        color="product",
                    ),
                    Chart(
                        "Imports by product, side by side",
                        by_product,
                        x="name",
                        y="imports_usd",
                        kind="grouped_bar",
                        color="product",
                        highlight="Russia",
                    ),
                ],
            ),
        ],
        provenance=provenance,
        query={"exporter": "IND", "sector": "leather", "from_market": "USA"},
        currency=currency,
        generated_at="2025-09-01T10:00:00+00:00",
    )


class _Page(HTMLParser):
    """Collects what the assertions need from a parsed page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._open: tuple[str, dict[str, str | None]] | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open, self._buffer = (tag, dict(attrs)), []

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self._open[0]:
            body = "".join(self._buffer)
            if tag == "script":
                self.scripts.append((self._open[1], body))
            else:
                self.styles.append(body)
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self._buffer.append(data)
        else:
            self.text.append(data)


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(make_brief())


@pytest.fixture(scope="module")
def page(html: str) -> _Page:
    parser = _Page()
    parser.feed(html)
    parser.close()
    return parser


def _specs(page: _Page) -> list[dict[str, Any]]:
    return [
        json.loads(body)
        for attrs, body in page.scripts
        if attrs.get("type") == "application/json" and (attrs.get("id") or "").endswith("-spec")
    ]


def test_page_parses_with_semantic_structure(page: _Page) -> None:
    names = [tag for tag, _ in page.tags]
    assert names.count("h1") == 1
    assert names.count("h2") == 3  # two sections + Sources and gaps
    assert names.count("figure") == 3
    assert names.count("table") == names.count("caption") == 4  # one + a data table per chart
    assert names.count("details") == 3
    assert any(tag == "html" and attrs.get("lang") == "en" for tag, attrs in page.tags)


def test_no_external_resource_references(html: str, page: _Page) -> None:
    for tag, attrs in page.tags:
        for key in ("src", "href", "action", "data", "poster", "srcset"):
            value = (attrs.get(key) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//")), (tag, key, value)
        assert not (tag == "script" and "src" in attrs), "scripts must be inlined"
        assert tag != "link", "no <link>: styles are inline"
    for css in page.styles:
        assert "@import" not in css
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    outside_scripts = re.sub(r"<script.*?</script>", "", html, flags=re.DOTALL)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", outside_scripts, re.I)
    assert not re.search(r"url\(\s*['\"]?https?:", outside_scripts, re.I)
    assert "default-src 'none'" in html  # the CSP makes the browser refuse anything else


def test_inlines_the_three_vendored_libraries(page: _Page) -> None:
    libraries = {
        attrs["data-library"]: body for attrs, body in page.scripts if "data-library" in attrs
    }
    assert list(libraries) == [package for package, _ in VENDORED_SCRIPTS]
    static = resources.files("tradepivot.reports").joinpath("static")
    for package, version in VENDORED_SCRIPTS:
        assert MARKERS[package].format(v=version) in libraries[package]
        shipped = static.joinpath(f"{package}.min.js").read_text("utf-8")
        assert MARKERS[package].format(v=version) in shipped
        assert len(libraries[package]) > 0.95 * len(shipped)
        assert static.joinpath(f"{package}.LICENSE").is_file()
    # vega-lite must be the version whose schema Altair writes into the specs
    assert dict(VENDORED_SCRIPTS)["vega-lite"] == alt.SCHEMA_VERSION.lstrip("v")


def test_vendored_versions_agree_with_script_and_readme() -> None:
    root = Path(__file__).parents[2]
    script = (root / "scripts" / "vendor_vega.sh").read_text()
    readme = resources.files("tradepivot.reports").joinpath("static", "README.md").read_text()
    for package, version in VENDORED_SCRIPTS:
        assert f'"{package} {version} sha512-' in script
        assert f"| {package} {version} |" in readme


def test_one_vega_lite_spec_per_chart_with_converted_values(page: _Page) -> None:
    brief = make_brief()
    charts = [chart for section in brief.sections for chart in section.charts]
    specs = _specs(page)
    assert len(specs) == len(charts) == 3
    for chart, spec in zip(charts, specs, strict=True):
        assert spec["$schema"].endswith(f"{alt.SCHEMA_VERSION}.json")
        values = spec["data"]["values"]
        expected = [in_unit(v, INR) for v in chart.data.column(chart.y).to_pylist()]
        assert [r["value"] for r in values] == pytest.approx(expected)
        assert [r["category"] for r in values] == chart.data.column(chart.x).to_pylist()
        assert [r["value_text"] for r in values] == [
            money(v, INR) for v in chart.data.column(chart.y).to_pylist()
        ]
        assert "INR crore" in spec["encoding"]["x"]["title"]
        assert {
            "field": "value_text",
            "title": spec["encoding"]["x"]["title"],
            "type": "nominal",
        } in spec["encoding"]["tooltip"]
    # 1,050,000,000 USD x 84 = 8,820 crore
    assert specs[0]["data"]["values"][0]["value"] == pytest.approx(8820.0)
    highlight = specs[0]["encoding"]["color"]
    assert highlight["condition"][0]["test"] == {"field": "category", "equal": "United States"}
    assert highlight["condition"][0]["value"] != highlight["value"]
    assert [r["series"] for r in specs[1]["data"]["values"]] == by_product_series()
    assert "yOffset" in specs[2]["encoding"] and "yOffset" not in specs[1]["encoding"]
    assert specs[2]["encoding"]["stroke"]["condition"][0]["test"]["equal"] == "Russia"


def by_product_series() -> list[str]:
    return ["Footwear", "Leather goods", "Footwear", "Leather goods"]


def test_chart_values_in_usd_millions_without_currency() -> None:
    chart = make_brief(None).sections[0].charts[0]
    spec = chart_spec(chart, None)
    assert [r["value"] for r in spec["data"]["values"]] == pytest.approx(
        [1050.0, 620.0, 410.0, 95.0]
    )
    assert spec["encoding"]["x"]["title"] == "Value (USD m)"


def test_untrusted_text_is_escaped(html: str, page: _Page) -> None:
    assert EVIL not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2  # the paragraph and the cell
    assert "A second &amp; plain paragraph." in html
    text = "".join(page.text)
    assert f"Paragraph with {EVIL} inside." in text
    # only the vendored libraries, the chart specs and the bootstrap are scripts
    assert len(page.scripts) == len(VENDORED_SCRIPTS) + 3 + 1


def test_inr_crore_with_indian_grouping(html: str, page: _Page) -> None:
    text = " ".join(" ".join(page.text).split())
    assert "12,05,898.7 INR crore" in text  # the figure card
    assert '<td class="num">12,05,898.7</td>' in html  # the table cell, right-aligned
    assert '<td class="num">21.5</td>' in html and '<td class="num">–</td>' in html
    assert "21.5%" in text and "1,234" in text and "Kanpur–Unnao" in text
    assert (
        "INR at 84.0000 per USD (2024, annual average: Reserve Bank of India reference rate)."
        in text
    )


def test_chpl_cells_are_flagged(html: str) -> None:
    cells = re.findall(
        r'<td class="chpl" title="([^"]*)"><span class="chpl-flag">([^<]*)</span>', html
    )
    assert len(cells) == 1
    title, text = cells[0]
    assert text == "CHPL 1, 3.A" and "tier 1, 3.A" in title


def test_callouts_figures_and_sources(page: _Page) -> None:
    classes = [attrs.get("class") or "" for _, attrs in page.tags]
    assert sum("callout" in c.split() for c in classes) == 1
    assert sum("card" in c.split() for c in classes) == 5
    text = " ".join(" ".join(page.text).split())
    assert "Warning: A 50% duty applies from 27 August 2025." in text
    assert "Sources and gaps" in text
    assert (
        "baci-2024 — World bilateral trade at HS6, 2024; CEPII BACI, https://www.cepii.fr/; edition HS22"
        in text
    )
    assert "0123456789ab…" in text and "11,234,567 rows" in text
    assert "missing-importers" in text and "Six importers report no 2024 data." in text
    assert "Export potential after ITC's method" in text
    assert f"tradepivot {__version__}" in text and "2025-09-01T10:00:00+00:00" in text
    assert "1 known data gap" in text


def test_usd_brief_shows_millions() -> None:
    html = render_html(make_brief(None))
    assert "143,559.4" in html and "USD m" in html and "INR" not in html


# -- a real browser -------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


@pytest.mark.slow
def test_charts_render_offline_in_chromium(tmp_path: Path) -> None:
    # CI sets REQUIRE_BROWSER=1: there a missing browser is a failure, not a skip.
    required = os.environ.get("REQUIRE_BROWSER") == "1"
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium)"
        pytest.fail(message) if required else pytest.skip(message)
    if required:
        from playwright import sync_api
    else:
        sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    path = tmp_path / "brief.html"
    path.write_text(render_html(make_brief()), encoding="utf-8")
    requests: list[str] = []
    blocked: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(LOCAL_SCHEMES):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            context.set_default_timeout(15_000)
            context.route("**/*", route)
            page = context.new_page()
            page.on("request", lambda req: requests.append(req.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(path.as_uri())
            page.wait_for_function(
                "[...document.querySelectorAll('.chart-canvas')].every(e => e.dataset.rendered)"
            )
            states = page.eval_on_selector_all(
                ".chart-canvas",
                """els => els.map(e => ({
                    id: e.id,
                    rendered: e.dataset.rendered,
                    svg: e.querySelectorAll('svg.marks').length,
                    bars: e.querySelectorAll('svg.marks .mark-rect path').length,
                }))""",
            )
            versions = page.evaluate("[vega.version, vegaLite.version, vegaEmbed.version]")
        finally:
            browser.close()
    assert [s["rendered"] for s in states] == ["true"] * 3, states
    assert [s["svg"] for s in states] == [1, 1, 1], states
    assert [s["bars"] for s in states] == [4, 4, 4], states
    assert versions == [version for _, version in VENDORED_SCRIPTS]
    assert errors == []
    assert blocked == []
    assert all(url.startswith(LOCAL_SCHEMES) for url in requests), requests

"""Render a :class:`~tradepivot.services.briefing.Brief` as one self-contained HTML page.

The page opens offline and makes no request: CSS is inline, charts are Vega-Lite specs (built
with Altair) drawn by vega, vega-lite and vega-embed, whose minified builds ship in
``reports/static`` and are inlined into the page. Numbers are formatted as in the terminal
(``i18n/numbers.py``): amounts in USD millions, or INR crore with Indian digit grouping.
Every chart also carries its data as a table inside ``<details>`` for screen readers and print.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import altair as alt
import jinja2
import pyarrow as pa
from markupsafe import Markup

from tradepivot import __version__
from tradepivot.i18n.numbers import in_unit, money, money_unit, percent
from tradepivot.reports import columns
from tradepivot.reports.sparkline import sparkline_svg
from tradepivot.services.briefing import Brief, Chart, Figure, Section

__all__ = ["VENDORED_SCRIPTS", "brief_sections", "chart_spec", "render_html"]

# (package, version) in load order: vega-lite needs vega, vega-embed needs both. The files are
# reports/static/<package>.min.js, vendored by scripts/vendor_vega.sh (see static/README.md).
VENDORED_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("vega", "6.4.0"),
    ("vega-lite", "6.4.1"),
    ("vega-embed", "7.3.0"),
)

HIGHLIGHT = "#d9480f"
BAR = "#4c78a8"
CHART_WIDTH = 540
CHART_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif'

# The terminal's "name" is a supplier; in a chart the category may be any kind of name.
CHART_LABELS = {"name": "Name", "importer": "Market", "exporter": "Exporter"}
CHPL_TITLE = (
    "Common High Priority List tier {tier}: heightened diversion risk; secondary-sanctions "
    "exposure for the exporter (see Sources and gaps)."
)


@dataclass(frozen=True)
class _Column:
    name: str
    label: str
    unit: str | None
    numeric: bool


@dataclass(frozen=True)
class _Cell:
    text: str
    numeric: bool
    chpl: str | None = None  # the tier, for flagged CHPL cells
    svg: Markup | None = None  # an inline sparkline (``trend_series``)

    @property
    def title(self) -> str | None:
        return CHPL_TITLE.format(tier=self.chpl) if self.chpl else None


@dataclass(frozen=True)
class _TableView:
    caption: str
    columns: list[_Column]
    rows: list[tuple[bool, list[_Cell]]]  # (highlighted, cells)


@dataclass(frozen=True)
class _FigureView:
    label: str
    value: str
    unit: str | None
    note: str | None
    kind: str


@dataclass(frozen=True)
class _ChartView:
    id: str
    title: str
    note: str | None
    spec: dict[str, Any]
    data: _TableView


@dataclass(frozen=True)
class _SectionView:
    id: str
    title: str
    paragraphs: list[str]
    callouts: list[str]
    figures: list[_FigureView]
    tables: list[_TableView]
    charts: list[_ChartView]


def render_html(brief: Brief) -> str:
    """The whole brief as one HTML document (a ``str``; write it with UTF-8).

    Parameters
    ----------
    brief:
        The content; ``brief.currency`` (None for USD) decides the money unit of every
        figure, table and chart.

    Returns
    -------
    A standalone page: no external resource, charts drawn by the inlined Vega libraries.
    """
    currency = brief.currency
    sections = brief_sections(brief)
    template = _environment().get_template("brief.html.j2")
    return template.render(
        brief=brief,
        sections=sections,
        unit=money_unit(currency),
        currency_line=_currency_line(currency),
        datasets=[_dataset_view(d) for d in brief.provenance.datasets],
        query=[(k, _query_text(v)) for k, v in brief.query.items() if v not in (None, "", [])],
        tool=f"tradepivot {__version__}",
        scripts=_vendored_scripts(),
        embed_options=_embed_options(currency),
    )


def brief_sections(brief: Brief) -> list[_SectionView]:
    """The brief's sections as views (text, tables, chart specs) for a template: the HTML
    file's and the web page's, so both show the same figures in the same units."""
    focus = brief.query.get("focus") or brief.query.get("exporter")
    counter = itertools.count(1)  # chart ids run across sections
    return [
        _section_view(section, index, brief.currency, focus, counter)
        for index, section in enumerate(brief.sections, start=1)
    ]


def chart_spec(chart: Chart, currency: dict[str, Any] | None) -> dict[str, Any]:
    """The Vega-Lite spec of ``chart``, amounts converted to the brief's money unit.

    The data travels inline as records with the fields ``category`` (``chart.x``), ``value``
    (``chart.y``, converted when it is a ``*_usd`` column), ``value_text`` (the value as the
    tables print it) and ``series`` (``chart.color``) for stacked and grouped bars.
    """
    value_title = _axis_title(chart.y, currency)
    records = [_chart_record(row, chart, currency) for row in chart.data.to_pylist()]
    series = chart.color is not None and chart.kind != "bar"
    predicate = alt.FieldEqualPredicate(field="category", equal=chart.highlight or "")
    label_style: dict[str, Any] = {}
    if chart.highlight is not None:
        test = {"field": "value", "equal": chart.highlight}
        label_style = {
            "labelColor": {"condition": {"test": test, "value": HIGHLIGHT}, "value": "#333"},
            "labelFontWeight": {"condition": {"test": test, "value": "bold"}, "value": "normal"},
        }
    encoding: dict[str, Any] = {
        "y": alt.Y(
            "category:N",
            sort=None,
            title=None,  # the chart's title names the categories
            axis=alt.Axis(labelLimit=220, **label_style),
        ),
        "x": alt.X("value:Q", title=value_title, axis=alt.Axis(format=",.1~f")),
        "tooltip": [
            alt.Tooltip("category:N", title=CHART_LABELS.get(chart.x, _label(chart.x))),
            *([alt.Tooltip("series:N", title=_label(chart.color or ""))] if series else []),
            alt.Tooltip("value_text:N", title=value_title),
        ],
    }
    if series:
        encoding["color"] = alt.Color("series:N", title=_label(chart.color or ""), sort=None)
        if chart.kind == "grouped_bar":
            encoding["yOffset"] = alt.YOffset("series:N", sort=None)
        if chart.highlight is not None:
            encoding["stroke"] = (
                alt.when(predicate).then(alt.value("#111")).otherwise(alt.value(None))
            )
            encoding["strokeWidth"] = (
                alt.when(predicate).then(alt.value(1.5)).otherwise(alt.value(0))
            )
    elif chart.highlight is not None:
        encoding["color"] = alt.when(predicate).then(alt.value(HIGHLIGHT)).otherwise(alt.value(BAR))
    else:
        encoding["color"] = alt.value(BAR)
    step: dict[str, Any] = (
        {"step": 12, "for": "offset"} if chart.kind == "grouped_bar" and series else {"step": 20}
    )
    spec = (
        alt.Chart(alt.InlineData(values=records), description=chart.title)
        .mark_bar()
        .encode(**encoding)
        .properties(width=CHART_WIDTH, height=step)
        .configure(font=CHART_FONT)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=11)
        .configure_legend(orient="bottom", labelLimit=220)
    )
    result: dict[str, Any] = spec.to_dict()
    # Altair moves inline data to top-level "datasets"; put it back where a reader expects it.
    datasets = result.pop("datasets", {})
    name = result.get("data", {}).get("name")
    if name in datasets:
        result["data"] = {"values": datasets[name]}
    return result


def _chart_record(
    row: dict[str, Any], chart: Chart, currency: dict[str, Any] | None
) -> dict[str, Any]:
    raw = row[chart.y]
    value = in_unit(raw, currency) if chart.y.endswith("_usd") else _finite(raw)
    record: dict[str, Any] = {
        "category": "–" if row[chart.x] is None else str(row[chart.x]),
        "value": value,
        "value_text": _cell(chart.y, raw, currency),
    }
    if chart.color is not None and chart.kind != "bar":
        record["series"] = None if row[chart.color] is None else str(row[chart.color])
    return record


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _section_view(
    section: Section,
    index: int,
    currency: dict[str, Any] | None,
    focus: str | None,
    counter: Iterator[int],
) -> _SectionView:
    return _SectionView(
        id=f"section-{index}",
        title=section.title,
        paragraphs=section.paragraphs,
        callouts=section.callouts,
        figures=[_figure_view(f, currency) for f in section.figures],
        tables=[_table_view(t, title, currency, focus) for title, t in section.tables],
        charts=[_chart_view(c, currency, next(counter)) for c in section.charts],
    )


def _figure_view(figure: Figure, currency: dict[str, Any] | None) -> _FigureView:
    value = figure.value
    unit: str | None = None
    missing = value is None or (isinstance(value, float) and not math.isfinite(value))
    if missing:
        text = "–"
    elif figure.kind == "usd" and isinstance(value, int | float):
        text, unit = money(value, currency), money_unit(currency)
    elif figure.kind == "pct" and isinstance(value, int | float):
        text = percent(value)
    elif figure.kind == "count" and isinstance(value, int | float):
        text = f"{value:,.0f}"
    else:
        text = str(value)
    return _FigureView(figure.label, text, unit, figure.note, figure.kind)


def _chart_view(chart: Chart, currency: dict[str, Any] | None, number: int) -> _ChartView:
    names = [chart.x, *([chart.color] if chart.color and chart.kind != "bar" else []), chart.y]
    data = chart.data.select(names)
    return _ChartView(
        id=f"chart-{number}",
        title=chart.title,
        note=chart.note,
        spec=chart_spec(chart, currency),
        data=_table_view(data, f"Data: {chart.title}", currency, None),
    )


def _table_view(
    table: pa.Table, caption: str, currency: dict[str, Any] | None, focus: str | None
) -> _TableView:
    names = [
        n
        for n in table.column_names
        if n not in columns.HIDDEN or f"{n}_name" not in table.column_names
    ]
    heads = [_column(n, currency, focus) for n in names]
    rows = []
    for row in table.to_pylist():
        cells = [
            _Cell(
                _cell(c.name, row[c.name], currency),
                c.numeric,
                str(row[c.name]) if c.name == "chpl_tier" and row[c.name] else None,
                _spark(row[c.name], currency) if c.name == "trend_series" else None,
            )
            for c in heads
        ]
        rows.append((focus is not None and row.get("exporter") == focus, cells))
    return _TableView(caption, heads, rows)


def _spark(values: list[float] | None, currency: dict[str, Any] | None) -> Markup | None:
    """The sparkline of a trend series, its values (in the brief's money unit) in words."""
    if not values:
        return None
    amounts = ", ".join(money(v, currency) for v in values)
    label = f"Fiscal years, codes reported every year ({money_unit(currency)}): {amounts}"
    return sparkline_svg(values, label)


def _column(name: str, currency: dict[str, Any] | None, focus: str | None) -> _Column:
    return _Column(
        name, columns.label(name, focus), columns.unit(name, currency), columns.is_numeric(name)
    )


def _label(name: str, focus: str | None = None) -> str:
    return columns.label(name, focus)


def _axis_title(name: str, currency: dict[str, Any] | None) -> str:
    if name.endswith("_usd"):
        return f"{_label(name)} ({money_unit(currency)})"
    if name.endswith("_pct"):
        return f"{_label(name)} (%)"
    return _label(name)


def _cell(name: str, value: Any, currency: dict[str, Any] | None) -> str:
    """One table cell exactly as the terminal prints it."""
    return columns.cell(name, value, currency)


def _currency_line(currency: dict[str, Any] | None) -> str | None:
    if not currency:
        return None
    return (
        f"{currency['code']} at {float(currency['rate_per_usd']):.4f} per USD "
        f"({currency.get('period', '?')}, {currency.get('kind', '?')}: {currency.get('source', '?')})."
    )


def _dataset_view(dataset: dict[str, Any]) -> dict[str, Any]:
    years = dataset.get("years")
    return {
        "id": dataset.get("id", "?"),
        "title": dataset.get("title") or "",
        "source": dataset.get("source") or "",
        "edition": dataset.get("edition") or "",
        "years": _query_text(years) if years else None,
        "rows": dataset.get("rows"),
        "checksum": (dataset.get("checksum_sha256") or "")[:12],
    }


def _query_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _embed_options(currency: dict[str, Any] | None) -> dict[str, Any]:
    """vega-embed options: SVG (sharp in print), no editor link (it would leave the machine)."""
    options: dict[str, Any] = {
        "renderer": "svg",
        "actions": {"export": True, "source": False, "compiled": False, "editor": False},
    }
    if currency and currency["code"] == "INR":
        # d3-format cycles the group sizes: enough 2s for 1,23,45,67,89,01,23,456.
        options["formatLocale"] = {
            "decimal": ".",
            "thousands": ",",
            "grouping": [3, 2, 2, 2, 2, 2, 2, 2],
            "currency": ["₹", ""],
        }
    return options


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tradepivot.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "allow_nan": False}
    return env


@cache
def _vendored_scripts() -> tuple[tuple[str, str, Markup], ...]:
    """``(package, version, code)`` of the vendored libraries, ready for ``<script>`` elements."""
    scripts = []
    for package, version in VENDORED_SCRIPTS:
        name = f"{package}.min.js"
        text = _resource("static", name)
        # The source maps are not shipped; a reference to them would only make a DevTools 404.
        text = re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "\n", text)
        # ``</script`` inside a string would end the element early; ``<\/`` means the same in JS.
        text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
        if "<!--" in text:
            raise RuntimeError(f"{name} contains '<!--', which cannot be inlined safely")
        scripts.append((package, version, Markup(text)))
    return tuple(scripts)


def _resource(folder: str, name: str) -> str:
    return resources.files("tradepivot.reports").joinpath(folder, name).read_text("utf-8")

"""What a page shows of a Report: figures, tables, charts, downloads and sources, formatted.

Pages render results; they do not compute them. A view turns a service's :class:`Report`
into text in the page's language: amounts in the chosen currency's unit (USD m, INR crore
with lakh grouping, RUB m), numbers with the locale's separators, column labels as the
terminal and the HTML brief print them. Charts are Vega-Lite specs from the brief's chart
builder; the world map is a choropleth over the shipped Natural Earth shapes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pyarrow as pa

from tradepivot.data.reference import Reference
from tradepivot.i18n import Translator
from tradepivot.i18n.numbers import in_unit, money_unit
from tradepivot.reports import columns
from tradepivot.reports.brief_html import chart_spec
from tradepivot.services.briefing import Chart
from tradepivot.services.report import Report

__all__ = [
    "ChartView",
    "FigureView",
    "ReportView",
    "TableView",
    "api_link",
    "bar_chart",
    "cell",
    "currency_line",
    "report_view",
    "stacked_chart",
    "table_view",
    "timeline_chart",
    "world_map",
]

_COUNTER = itertools.count(1)
MAP_WIDTH = 680


@dataclass(frozen=True)
class FigureView:
    label: str
    value: str
    unit: str | None = None


@dataclass(frozen=True)
class TableView:
    """A table as text: ``rows`` are ``(highlighted, [(text, numeric, flagged)])``."""

    name: str
    caption: str
    columns: list[tuple[str, str | None, bool]]  # (label, unit, numeric)
    rows: list[tuple[bool, list[tuple[str, bool, bool, str | None]]]]  # +href


@dataclass(frozen=True)
class ChartView:
    id: str
    title: str
    spec: dict[str, Any]
    data: TableView
    file: str
    format_locale: dict[str, Any] | None = None


@dataclass
class ReportView:
    title: str
    figures: list[FigureView]
    tables: list[TableView]
    charts: list[ChartView] = field(default_factory=list)
    datasets: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    currency_line: str | None = None
    downloads: list[tuple[str, str]] = field(default_factory=list)


def _locale(t: Translator) -> str:
    return str(t.locale)


def cell(name: str, value: Any, currency: dict[str, Any] | None, t: Translator) -> str:
    """One value as the terminal prints it, in the page's number format."""
    return columns.cell(name, value, currency, locale=_locale(t))


def table_view(
    table: pa.Table,
    name: str,
    caption: str,
    currency: dict[str, Any] | None,
    t: Translator,
    *,
    display: Sequence[str] | None = None,
    focus: str | None = None,
    links: Mapping[str, Callable[[dict[str, Any]], str | None]] | None = None,
) -> TableView:
    shown = [
        n
        for n in (display or table.column_names)
        if n in table.column_names
        and (n not in columns.HIDDEN or f"{n}_name" not in table.column_names)
    ]
    heads = [
        (t.gettext(columns.label(n, focus)), columns.unit(n, currency), columns.is_numeric(n))
        for n in shown
    ]
    rows = []
    for row in table.to_pylist():
        cells = [
            (
                cell(n, row[n], currency, t),
                columns.is_numeric(n),
                n == "chpl_tier" and bool(row[n]),
                links[n](row) if links and n in links else None,
            )
            for n in shown
        ]
        highlighted = focus is not None and focus in (row.get("exporter"), row.get("importer"))
        rows.append((highlighted, cells))
    return TableView(name, caption, heads, rows)


def _figures(report: Report, t: Translator) -> list[FigureView]:
    out = []
    for key, value in report.totals.items():
        if value is None or isinstance(value, list | dict | bool):
            continue
        label = t.gettext(columns.label(key, report.query.get("focus")))
        if key.endswith("_usd") and isinstance(value, int | float):
            out.append(
                FigureView(label, cell(key, value, report.currency, t), money_unit(report.currency))
            )
        elif key.endswith("_pct") and isinstance(value, int | float):
            out.append(FigureView(label, cell(key, value, report.currency, t), "%"))
        elif isinstance(value, int) and not isinstance(value, bool):
            out.append(FigureView(label, t.decimal(value)))
        elif isinstance(value, float):
            out.append(FigureView(label, cell(key, value, report.currency, t)))
        else:
            out.append(FigureView(label, str(value)))
    return out


def currency_line(currency: dict[str, Any] | None, t: Translator) -> str | None:
    if not currency:
        return None
    return t.gettext(
        "%(code)s at %(rate)s per US dollar (%(period)s, %(kind)s; source: %(source)s).",
        code=currency["code"],
        rate=t.decimal(float(currency["rate_per_usd"]), digits=4),
        period=currency.get("period", "?"),
        kind=currency.get("kind", "?"),
        source=currency.get("source", "?"),
    )


def api_link(path: str, params: dict[str, Any], **extra: Any) -> str:
    values = {k: v for k, v in {**params, **extra}.items() if v not in (None, "", [], False)}
    return path + ("?" + urlencode(values, doseq=True) if values else "")


def report_view(
    report: Report,
    t: Translator,
    *,
    api_path: str,
    api_params: dict[str, Any],
    tables: Iterable[tuple[str, str]] = (),
    charts: Iterable[ChartView] = (),
    focus: str | None = None,
    links: Mapping[str, Callable[[dict[str, Any]], str | None]] | None = None,
) -> ReportView:
    """The page content of ``report``; ``tables`` are (name, caption) of the named tables to
    show after its rows."""
    shown = [
        table_view(
            report.rows,
            "rows",
            report.title,
            report.currency,
            t,
            display=columns.shown(report.kind),
            focus=focus,
            links=links,
        )
    ]
    for name, caption in tables:
        if name in report.tables:
            shown.append(
                table_view(
                    report.tables[name],
                    name,
                    caption,
                    report.currency,
                    t,
                    display=columns.shown(report.kind, name),
                    focus=focus,
                )
            )
    downloads = [
        (label, api_link(api_path, api_params, format=fmt))
        for label, fmt in (
            ("CSV", "csv"),
            ("XLSX", "xlsx"),
            ("Parquet", "parquet"),
            ("JSON", "json"),
        )
    ]
    meta = report.meta()
    return ReportView(
        title=report.title,
        figures=_figures(report, t),
        tables=shown,
        charts=list(charts),
        datasets=meta["datasets"],
        gaps=meta["gaps"],
        notes=meta["notes"],
        currency_line=currency_line(report.currency, t),
        downloads=downloads,
    )


def _format_locale(currency: dict[str, Any] | None) -> dict[str, Any] | None:
    if currency and currency["code"] == "INR":
        return {
            "decimal": ".",
            "thousands": ",",
            "grouping": [3, 2, 2, 2, 2, 2, 2, 2],
            "currency": ["₹", ""],
        }
    return None


def bar_chart(
    table: pa.Table,
    title: str,
    x: str,
    y: str,
    currency: dict[str, Any] | None,
    t: Translator,
    *,
    highlight: str | None = None,
    limit: int = 20,
) -> ChartView:
    """A horizontal bar chart of ``y`` by ``x`` (the largest ``limit`` rows as given)."""
    data = table.select([x, y]).slice(0, limit)
    chart = Chart(title=title, data=data, x=x, y=y, highlight=highlight)
    number = next(_COUNTER)
    return ChartView(
        id=f"chart-{number}",
        title=title,
        spec=chart_spec(chart, currency),
        data=table_view(data, "chart", title, currency, t),
        file=f"tradepivot-chart-{number}",
        format_locale=_format_locale(currency),
    )


def world_map(
    table: pa.Table,
    title: str,
    value: str,
    ref: Reference,
    currency: dict[str, Any] | None,
    t: Translator,
    topojson_url: str,
    *,
    country: str = "importer",
    name: str = "market",
) -> ChartView:
    """A choropleth of ``value`` by country over the Natural Earth 1:110m shapes.

    The shapes are keyed by ISO 3166 numeric codes; tradepivot's ISO3 codes are joined to them
    through the country reference. Countries without a value are drawn grey.
    """
    values = []
    for row in table.select([country, name, value]).to_pylist():
        m49 = ref.country(row[country]).m49 if row[country] else None
        amount = in_unit(row[value], currency) if value.endswith("_usd") else row[value]
        if m49 is None or amount is None or not math.isfinite(amount):
            continue
        values.append(
            {
                "id": f"{m49:03d}",
                "market": row[name],
                "value": amount,
                "text": cell(value, row[value], currency, t),
            }
        )
    unit = money_unit(currency) if value.endswith("_usd") else ""
    legend = (
        f"{t.gettext(columns.label(value))} ({unit})" if unit else t.gettext(columns.label(value))
    )
    shapes = {"url": topojson_url, "format": {"type": "topojson", "feature": "countries"}}
    spec: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": title,
        "width": MAP_WIDTH,
        "height": MAP_WIDTH // 2,
        "projection": {"type": "equalEarth"},
        "layer": [
            {
                "data": shapes,
                "mark": {
                    "type": "geoshape",
                    "fill": "#e4e7eb",
                    "stroke": "#ffffff",
                    "strokeWidth": 0.4,
                },
            },
            {
                "data": shapes,
                "transform": [
                    {
                        "lookup": "id",
                        "from": {
                            "data": {"values": values},
                            "key": "id",
                            "fields": ["market", "value", "text"],
                        },
                    },
                    {"filter": "isValid(datum.value)"},
                ],
                "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.4},
                "encoding": {
                    "color": {
                        "field": "value",
                        "type": "quantitative",
                        "title": legend,
                        "scale": {"scheme": "blues"},
                    },
                    "tooltip": [
                        {"field": "market", "type": "nominal", "title": t.gettext("Market")},
                        {"field": "text", "type": "nominal", "title": legend},
                    ],
                },
            },
        ],
        "config": {"view": {"stroke": None}, "legend": {"orient": "bottom"}},
    }
    data = table_view(table.select([name, value]), "map", title, currency, t)
    number = next(_COUNTER)
    return ChartView(
        f"chart-{number}", title, spec, data, f"tradepivot-map-{number}", _format_locale(currency)
    )


def timeline_chart(table: pa.Table, title: str, t: Translator) -> ChartView:
    """The total duty (lowest and highest over the product's tariff lines) per period."""
    values = [
        {
            "from": r["from"],
            "to": r["to"],
            "low": r["total_min_pct"],
            "high": r["total_max_pct"],
            "event": r.get("event") or "",
        }
        for r in table.to_pylist()
        if r.get("total_max_pct") is not None
    ]
    axis = t.gettext("Total duty (%)")
    spec: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": title,
        "width": 640,
        "height": 260,
        "data": {"values": values},
        "layer": [
            {
                "mark": {"type": "bar", "opacity": 0.25, "color": "#4c78a8"},
                "encoding": {
                    "x": {"field": "from", "type": "temporal", "title": None},
                    "x2": {"field": "to"},
                    "y": {"field": "low", "type": "quantitative", "title": axis},
                    "y2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "rule", "color": "#0b5394", "strokeWidth": 2},
                "encoding": {
                    "x": {"field": "from", "type": "temporal"},
                    "x2": {"field": "to"},
                    "y": {"field": "high", "type": "quantitative"},
                    "tooltip": [
                        {"field": "from", "type": "temporal", "title": t.gettext("From")},
                        {"field": "to", "type": "temporal", "title": t.gettext("To")},
                        {"field": "low", "type": "quantitative", "title": t.gettext("Lowest (%)")},
                        {
                            "field": "high",
                            "type": "quantitative",
                            "title": t.gettext("Highest (%)"),
                        },
                        {"field": "event", "type": "nominal", "title": t.gettext("Change")},
                    ],
                },
            },
        ],
        "config": {"view": {"stroke": None}},
    }
    data = table_view(
        table.select(["from", "to", "total_min_pct", "total_max_pct"]), "timeline", title, None, t
    )
    number = next(_COUNTER)
    return ChartView(f"chart-{number}", title, spec, data, f"tradepivot-timeline-{number}")


def stacked_chart(
    table: pa.Table,
    title: str,
    x: str,
    parts: Sequence[tuple[str, str]],
    currency: dict[str, Any] | None,
    t: Translator,
    *,
    limit: int = 15,
) -> ChartView:
    """Bars of ``x`` split into ``parts`` (column, label), e.g. creation and diversion."""
    rows = table.slice(0, limit).to_pylist()
    long = pa.table(
        {
            x: [str(r[x]) for r in rows for _ in parts],
            "effect": [label for _ in rows for _, label in parts],
            "value_usd": [r[column] for r in rows for column, _ in parts],
        }
    )
    chart = Chart(title=title, data=long, x=x, y="value_usd", kind="stacked_bar", color="effect")
    number = next(_COUNTER)
    return ChartView(
        id=f"chart-{number}",
        title=title,
        spec=chart_spec(chart, currency),
        data=table_view(long, "chart", title, currency, t),
        file=f"tradepivot-chart-{number}",
        format_locale=_format_locale(currency),
    )

"""How result columns are labelled and formatted, for the terminal and the HTML brief alike.

The column naming contract: ``*_usd`` are US dollars (shown in USD millions or INR crore),
``*_pct`` percentages, ``growth_pct`` % a year, ``code``/``hs6`` HS codes.
"""

from __future__ import annotations

import math
from typing import Any

from babel.numbers import format_decimal

from tradepivot.i18n import N_
from tradepivot.i18n.numbers import money, money_unit, percent

__all__ = [
    "HIDDEN",
    "LABELS",
    "NUMERIC",
    "SHOWN",
    "cell",
    "is_numeric",
    "label",
    "shown",
    "spark_text",
    "unit",
]

BLOCKS = "▁▂▃▄▅▆▇█"


def spark_text(values: Any) -> str:
    """A series as block characters on a zero baseline (a year with nothing is a space, the
    highest year █): the terminal's sparkline of the ``trend_series`` column."""
    numbers = [float(v) if v is not None else 0.0 for v in values]
    top = max(numbers, default=0.0)
    if top <= 0:
        return " " * len(numbers)
    return "".join(
        " " if v <= 0 else BLOCKS[max(0, math.ceil(v / top * len(BLOCKS)) - 1)] for v in numbers
    )


LABELS = {
    "code": N_("HS"),
    "hs6": N_("HS6"),
    "description": N_("Description"),
    "exporter": N_("ISO3"),
    "importer": N_("ISO3"),
    "name": N_("Supplier"),
    "market": N_("Market"),
    "top_supplier_name": N_("Top supplier"),
    "top_supplier_share_pct": N_("Top share"),
    "rank": N_("#"),
    "supplier_rank": N_("Rank"),
    "suppliers": N_("Suppliers"),
    "products": N_("Products"),
    "chpl_tier": N_("CHPL"),
    "imports_usd": N_("Imports"),
    "exports_usd": N_("Exports"),
    "balance_usd": N_("Balance"),
    "value_usd": N_("Value"),
    "share_pct": N_("Share"),
    "share_of_total_pct": N_("Of total"),
    "growth_pct": N_("Growth"),
    "market_imports_usd": N_("Market"),
    "market_share_pct": N_("Mkt share"),
    "demand_usd": N_("Demand"),
    "current_usd": N_("Current"),
    "potential_usd": N_("Potential"),
    "untapped_usd": N_("Untapped"),
    "world_share_gap_usd": N_("WS gap"),
    "distance_factor": N_("Distance"),
    "tariff_advantage": N_("Tariff adv."),
    "tariff_disadvantage": N_("Tariff disadv."),
    "mfn_text": N_("Duty as written"),
    "duty_pct": N_("Duty"),
    "duty_range": N_("Duty range"),
    "duty_source": N_("Duty source"),
    "basis": N_("AVE basis"),
    "partner_imports_usd": N_("Partner imports"),
    "world_exports_usd": N_("World exports"),
    "hs_scope": N_("HS scope"),
    "rca": N_("RCA"),
    "pci": N_("PCI"),
    "cog": N_("COG"),
    "density": N_("Density"),
    "distance": N_("Distance"),
    "ubiquity": N_("Ubiquity"),
    "world_share_pct": N_("World share"),
    "focus_growth_pct": N_("Focus growth"),
    # India's own statistics over fiscal years (tradepivot.analytics.trends)
    "trend_last_usd": N_("Last FY"),
    "trend_change_pct": N_("YoY"),
    "trend_cagr_pct": N_("CAGR"),
    "trend_series": N_("Trend"),
    "period": N_("Period"),
    "focus": N_("Focus"),
}
NUMERIC = frozenset(
    {
        "rank",
        "supplier_rank",
        "focus_rank",
        "suppliers",
        "products",
        "ease",
        "supply",
        "distance_factor",
        "tariff_advantage",
        "scale",
        "market_share",
        "rca",
        "pci",
        "cog",
        "density",
        "distance",
        "ubiquity",
    }
)
# Columns that only repeat another one in a human view (kept in csv/json/xlsx).
HIDDEN = frozenset({"top_supplier"})


def label(name: str, focus: str | None = None) -> str:
    """Short column label; ``focus_*`` columns are named after the focus country."""
    if name.startswith("focus_") and focus:
        return {
            "focus_value_usd": focus,
            "focus_share_pct": f"{focus} share",
            "focus_rank": f"{focus} rank",
            "focus_growth_pct": f"{focus} growth",
        }.get(name, name)
    return LABELS.get(
        name, name.replace("_pct", "").replace("_usd", "").replace("_", " ").capitalize()
    )


def unit(name: str, currency: dict[str, Any] | None) -> str | None:
    if name in ("growth_pct", "trend_cagr_pct"):
        return "%/yr"
    if name.endswith("_usd"):
        return money_unit(currency)
    if name.endswith("_pct"):
        return "%"
    return None


def is_numeric(name: str) -> bool:
    return name.endswith(("_usd", "_pct")) or name in NUMERIC


def cell(name: str, value: Any, currency: dict[str, Any] | None, locale: str | None = None) -> str:
    """One table cell as both the terminal and the brief print it; ``locale`` (``ru_RU``)
    gives a web page its language's separators."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if name == "trend_series":
        return spark_text(value)
    if name.endswith("_usd"):
        return money(value, currency, locale=locale)
    if name.endswith("_pct"):
        return percent(value, locale=locale).rstrip("%")
    if isinstance(value, float):
        if locale is not None:
            pattern = "#,##0" if value.is_integer() and abs(value) >= 1 else "#,##0.00"
            if abs(value) < 0.1 and not value.is_integer():
                return format_decimal(value, format="0.###", locale=locale)
            return format_decimal(value, format=pattern, locale=locale)
        if value.is_integer() and abs(value) >= 1:
            return f"{value:,.0f}"
        return f"{value:,.2f}" if abs(value) >= 0.1 else f"{value:.3g}"
    return str(value)


# A market's products (`market`): the trend columns only when the focus exporter has them.
MARKET_PRODUCT_COLUMNS = (
    "code",
    "description",
    "imports_usd",
    "growth_pct",
    "suppliers",
    "top_supplier",
    "top_supplier_name",
    "top_supplier_share_pct",
    "focus_value_usd",
    "focus_share_pct",
    "focus_rank",
    "trend_last_usd",
    "trend_change_pct",
    "trend_cagr_pct",
    "chpl_tier",
)

# Markets a ranking cannot assess, with the exporter's own statistics there where they ship.
NOT_ASSESSED_COLUMNS = (
    "importer",
    "market",
    "reason",
    "trend_last_usd",
    "trend_change_pct",
    "trend_cagr_pct",
    "trend_series",
)

#: The columns a terminal or a page shows of a result, per (report kind, table): "rows" is
#: the primary table, the others are named tables. Files and JSON carry every column; a
#: table not listed here shows every column. Services say what a result is
#: (``Report.kind``); what of it a reader sees is decided here, once for the CLI and the web.
SHOWN: dict[tuple[str, str], tuple[str, ...]] = {
    ("rank-markets", "rows"): (
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
        "duty_pct",
        "ease",
        "distance_factor",
        "competitors",
        "chpl_tier",
    ),
    ("rank-products", "rows"): (
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
        "duty_pct",
        "supply",
        "distance_factor",
        "chpl_tier",
    ),
    ("rank-markets", "not_assessed"): NOT_ASSESSED_COLUMNS,
    ("rank-products", "not_assessed"): NOT_ASSESSED_COLUMNS,
    ("market-products", "rows"): MARKET_PRODUCT_COLUMNS,
    ("market-suppliers", "products"): MARKET_PRODUCT_COLUMNS,
    ("simulation", "rows"): (
        "hs6",
        "description",
        "value_usd",
        "tariff_before_pct",
        "tariff_after_pct",
        "creation_usd",
        "diversion_usd",
        "change_usd",
        "change_low_usd",
        "change_high_usd",
    ),
    ("hs-search", "rows"): ("rank", "code", "description", "matched", "sources"),
    ("sectors", "rows"): ("sector", "label", "hs_scope", "source"),
    ("tariff-stack", "rows"): (
        "line",
        "description",
        "mfn_pct",
        "additional_pct",
        "total_pct",
        "layers",
        "flags",
    ),
    ("tariff-stack", "measures"): ("measure", "reference", "applied", "lines", "period"),
    ("tariff-timeline", "measures"): ("measure", "reference", "applied", "lines", "period"),
    ("duty-stack", "rows"): ("line", "description", "mfn_text", "total_pct", "basis", "flags"),
    ("duty-timeline", "lines"): ("line", "description", "mfn_text", "total_pct", "basis", "flags"),
    ("duty-coverage", "rows"): (
        "schedule",
        "in_force_from",
        "lines",
        "hs6_codes",
        "hs2017_codes",
        "specific_lines",
        "specific_converted",
        "specific_no_ave",
        "ambiguous_lines",
    ),
    ("exposure", "rows"): ("market", "value_usd", "share_pct"),
    ("exposure-scenario", "rows"): (
        "market",
        "value_usd",
        "share_pct",
        "at_risk_central_usd",
        "at_risk_low_usd",
        "at_risk_high_usd",
    ),
    ("match-suggest", "rows"): ("rank", "id", "organisation", "country", "score", "why"),
    ("match-schedule", "tables_per_slot"): ("slot", "start", "used", "available"),
    ("match-schedule", "without_meeting"): ("id", "organisation", "side", "cause"),
    ("match-reschedule", "tables_per_slot"): ("slot", "start", "used", "available"),
    ("match-reschedule", "changes"): (
        "change",
        "a",
        "b",
        "old_slot",
        "new_slot",
        "old_table",
        "new_table",
        "why",
    ),
}


def shown(kind: str, table: str = "rows") -> tuple[str, ...] | None:
    """The columns to show of ``table`` of a ``kind`` of result; ``None``: every column."""
    return SHOWN.get((kind, table))

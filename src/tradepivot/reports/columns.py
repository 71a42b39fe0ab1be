"""How result columns are labelled and formatted, for the terminal and the HTML brief alike.

The column naming contract: ``*_usd`` are US dollars (shown in USD millions or INR crore),
``*_pct`` percentages, ``growth_pct`` % a year, ``code``/``hs6`` HS codes.
"""

from __future__ import annotations

from typing import Any

from tradepivot.reports.numbers import money, money_unit, percent

__all__ = ["HIDDEN", "LABELS", "NUMERIC", "cell", "is_numeric", "label", "unit"]

LABELS = {
    "code": "HS",
    "hs6": "HS6",
    "description": "Description",
    "exporter": "ISO3",
    "importer": "ISO3",
    "name": "Supplier",
    "market": "Market",
    "top_supplier_name": "Top supplier",
    "top_supplier_share_pct": "Top share",
    "rank": "#",
    "supplier_rank": "Rank",
    "suppliers": "Suppliers",
    "products": "Products",
    "chpl_tier": "CHPL",
    "imports_usd": "Imports",
    "exports_usd": "Exports",
    "balance_usd": "Balance",
    "value_usd": "Value",
    "share_pct": "Share",
    "share_of_total_pct": "Of total",
    "growth_pct": "Growth",
    "market_imports_usd": "Market",
    "market_share_pct": "Mkt share",
    "demand_usd": "Demand",
    "current_usd": "Current",
    "potential_usd": "Potential",
    "untapped_usd": "Untapped",
    "world_share_gap_usd": "WS gap",
    "distance_factor": "Distance",
    "tariff_advantage": "Tariff adv.",
    "tariff_disadvantage": "Tariff disadv.",
    "mfn_text": "Duty as written",
    "duty_pct": "Duty",
    "duty_range": "Duty range",
    "duty_source": "Duty source",
    "basis": "AVE basis",
    "partner_imports_usd": "Partner imports",
    "world_exports_usd": "World exports",
    "hs_scope": "HS scope",
    "rca": "RCA",
    "pci": "PCI",
    "cog": "COG",
    "density": "Density",
    "distance": "Distance",
    "ubiquity": "Ubiquity",
    "world_share_pct": "World share",
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
        }.get(name, name)
    return LABELS.get(
        name, name.replace("_pct", "").replace("_usd", "").replace("_", " ").capitalize()
    )


def unit(name: str, currency: dict[str, Any] | None) -> str | None:
    if name == "growth_pct":
        return "%/yr"
    if name.endswith("_usd"):
        return money_unit(currency)
    if name.endswith("_pct"):
        return "%"
    return None


def is_numeric(name: str) -> bool:
    return name.endswith(("_usd", "_pct")) or name in NUMERIC


def cell(name: str, value: Any, currency: dict[str, Any] | None) -> str:
    """One table cell as both the terminal and the brief print it."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if name.endswith("_usd"):
        return money(value, currency)
    if name.endswith("_pct"):
        return percent(value).rstrip("%")
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 1:
            return f"{value:,.0f}"
        return f"{value:,.2f}" if abs(value) >= 0.1 else f"{value:.3g}"
    return str(value)

"""tradepivot: when a market closes, where do we sell instead, and whom should we meet there?

>>> import tradepivot
>>> wh = tradepivot.open()
>>> report = tradepivot.services.bilateral_flows(wh, "IND", "RUS")
>>> round(report.totals["value_usd"] / 1e9, 2)
4.81
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from tradepivot.config import Settings
    from tradepivot.data.warehouse import Warehouse

__all__ = ["__version__", "open"]


def open(settings: Settings | None = None, **overrides: Any) -> Warehouse:
    """Open the warehouse on the embedded data (and the user's datasets, when asked for).

    ``overrides`` are settings by name, e.g. ``tradepivot.open(warehouse="/tmp/w.duckdb")`` or
    ``tradepivot.open(engine="spark")``.
    """
    from tradepivot.config import load_settings
    from tradepivot.data.engines import open_warehouse

    if settings is None:
        settings = load_settings(overrides=overrides)
    return open_warehouse(settings)


def __getattr__(name: str) -> Any:
    # `tradepivot.services` etc. on demand, so `import tradepivot` stays fast.
    import importlib

    if name in {"services", "data", "analytics", "errors", "config"}:
        return importlib.import_module(f"tradepivot.{name}")
    raise AttributeError(name)

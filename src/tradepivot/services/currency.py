"""Currency for display: which rate converts USD, for which period, from which source."""

from __future__ import annotations

from typing import Any

from tradepivot.data.reference import Reference

__all__ = ["currency_info"]


def currency_info(ref: Reference, currency: str | None, period: str) -> dict[str, Any] | None:
    """The rate to show USD amounts of ``period`` in ``currency``; None for USD.

    Calendar years use the published annual average; fiscal years ("FY2024-25") use the
    derived April-March mean, labelled as derived.
    """
    if currency is None or currency.upper() == "USD":
        return None
    key = period if period.startswith("FY") else period.split(",")[-1].strip()
    rate = ref.fx_rate(currency, key)
    return {
        "code": rate.currency,
        "rate_per_usd": rate.rate_per_usd,
        "period": rate.period,
        "kind": rate.kind,
        "source": rate.source,
        "reference": rate.reference,
    }

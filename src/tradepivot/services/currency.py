"""Currency for display: which rate converts USD, for which period, from which source."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tradepivot.data.reference import Reference

if TYPE_CHECKING:
    from tradepivot.tariffs.portfolio import Portfolio

__all__ = ["currency_info", "output_currency"]


def currency_info(ref: Reference, currency: str | None, period: str) -> dict[str, Any] | None:
    """The rate to show USD amounts of ``period`` in ``currency``; None for USD.

    Calendar years use the published annual average; fiscal years ("FY2024-25") use the
    derived April-March mean, labelled as derived. The average of a range of years
    ("2020-2024 average") is shown at the rate of its last year (the rate's own period is
    in the result, so the output says which).
    """
    if currency is None or currency.upper() == "USD":
        return None
    key = period if period.startswith("FY") else period.split(",")[-1].strip()
    if key.endswith(" average"):
        key = key.removesuffix(" average").split("-")[-1]
    rate = ref.fx_rate(currency, key)
    return {
        "code": rate.currency,
        "rate_per_usd": rate.rate_per_usd,
        "period": rate.period,
        "kind": rate.kind,
        "source": rate.source,
        "reference": rate.reference,
    }


def output_currency(
    ref: Reference, currency: str | None, period: str, portfolio: Portfolio | None = None
) -> dict[str, Any] | None:
    """The one rate an output shows ``currency`` at, stated once with it.

    A portfolio given in a currency was converted to USD at its own period's rate: an output
    in that currency uses the same rate, so the portfolio's figures come back as entered
    (INR 1,000 crore stays 1,000, not 989.5 at another year's rate). Otherwise the dated rate
    of the data's ``period``.
    """
    if (
        portfolio is not None
        and portfolio.currency != "USD"
        and portfolio.period
        and (currency is None or currency.upper() == portfolio.currency)
    ):
        return currency_info(ref, portfolio.currency, portfolio.period)
    return currency_info(ref, currency, period)

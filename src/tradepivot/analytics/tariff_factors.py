"""The export-potential tariff factors from known duties, as Ibis expressions.

After ITC's Export Potential Assessment (DESIGN.md section 5), with t_ijk the duty exporter i
pays on product k in market j (a fraction):

- market tariff advantage MTA_ijk = ((1 + tbar_jk) / (1 + t_ijk))^sigma, tbar_jk the
  import-weighted mean duty j's current suppliers of k pay;
- global tariff disadvantage GTD_ik = ((1 + tbar_ik) / (1 + tbar_k))^sigma, tbar_ik the mean
  duty i pays on k over its markets with known duties (weighted by its exports there), tbar_k
  the same over every exporter.

Duties are known only in some markets (``rates``): elsewhere t_ijk is unknown and both
factors stay 1 — in those markets and for exporters that sell k to none of them. A duty is
``own`` when the exporter has its own (an AVE at its own unit value), 0 between ``free``
pairs (members of one customs union), else the market's rate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import ibis
import ibis.expr.types as ir

__all__ = ["DEFAULT_SIGMA", "TariffTerms", "tariff_terms"]

DEFAULT_SIGMA = 1.5  # elasticity of substitution; SMART's default, as in tariffs/smart.py


@dataclass(frozen=True)
class TariffTerms:
    """What :func:`tradepivot.analytics.potential.potential` needs to apply known duties.

    ``rates``: importer, hs6, rate (every exporter's duty unless ``own`` or ``free`` says
    otherwise); ``own``: exporter, importer, hs6, rate; ``free``: exporter, importer;
    ``mean``: importer, hs6, mean_rate (tbar_jk); ``disadvantage``: exporter, hs6,
    tariff_disadvantage (GTD_ik).
    """

    rates: ir.Table
    own: ir.Table
    free: ir.Table
    mean: ir.Table
    disadvantage: ir.Table
    sigma: float = DEFAULT_SIGMA

    def map(self, materialise: Callable[[ir.Table], ir.Table]) -> TariffTerms:
        """The same terms with the averages (small tables) passed through ``materialise``."""
        return replace(
            self, mean=materialise(self.mean), disadvantage=materialise(self.disadvantage)
        )

    def attach(self, rows: ir.Table) -> ir.Table:
        """``rows`` (exporter, importer, hs6, ...) with tariff_advantage and
        tariff_disadvantage (1 where the duty is unknown)."""
        rows = _duty(rows, self.rates, self.own, self.free)
        rows = rows.left_join(self.mean, ["importer", "hs6"])
        rows = rows.drop(*[c for c in rows.columns if c.endswith("_right")])
        rows = rows.left_join(self.disadvantage, ["exporter", "hs6"])
        rows = rows.drop(*[c for c in rows.columns if c.endswith("_right")])
        known = rows.duty_rate.notnull() & rows.mean_rate.notnull()
        advantage = ((1.0 + rows.mean_rate) / (1.0 + rows.duty_rate)).pow(self.sigma)
        rows = rows.mutate(
            tariff_advantage=ibis.cases((known, advantage), else_=1.0),
            tariff_disadvantage=rows.tariff_disadvantage.fill_null(1.0),
        )
        return rows.drop("duty_rate", "mean_rate")


def _duty(rows: ir.Table, rates: ir.Table, own: ir.Table, free: ir.Table) -> ir.Table:
    """``rows`` with duty_rate: 0 for free pairs, the exporter's own, else the market's."""
    market = rates.select("importer", "hs6", market_rate=rates.rate)
    mine = own.select("exporter", "importer", "hs6", own_rate=own.rate)
    pairs = free.select("exporter", "importer", free_pair=ibis.literal(True))
    out = rows.left_join(market, ["importer", "hs6"])
    out = out.drop(*[c for c in out.columns if c.endswith("_right")])
    out = out.left_join(mine, ["exporter", "importer", "hs6"])
    out = out.drop(*[c for c in out.columns if c.endswith("_right")])
    out = out.left_join(pairs, ["exporter", "importer"])
    out = out.drop(*[c for c in out.columns if c.endswith("_right")])
    rate = ibis.cases(
        (out.market_rate.isnull(), ibis.null("float64")),
        (out.free_pair.fill_null(False), 0.0),
        else_=ibis.coalesce(out.own_rate, out.market_rate),
    )
    return out.mutate(duty_rate=rate).drop("market_rate", "own_rate", "free_pair")


def tariff_terms(
    flows: ir.Table,
    rates: ir.Table,
    own: ir.Table,
    free: ir.Table,
    sigma: float = DEFAULT_SIGMA,
    materialise: Callable[[ir.Table], ir.Table] | None = None,
) -> TariffTerms:
    """The terms for ``flows`` (exporter, importer, hs6, value_usd) given known duties.

    ``rates`` (importer, hs6, rate), ``own`` (exporter, importer, hs6, rate) and ``free``
    (exporter, importer) as in :class:`TariffTerms`; rates are fractions (0.125 = 12.5%).
    ``materialise`` (an engine's cache) keeps the flows with their duty and the averages as
    tables, so the duties are joined to the flows once.
    """
    # Only flows into a market and product with a known duty count (a semi-join first keeps
    # the joins small: most of the world has no shipped schedule).
    known = flows.select("exporter", "importer", "hs6", "value_usd").semi_join(
        rates.select("importer", "hs6"), ["importer", "hs6"]
    )
    paid = _duty(known, rates, own, free)
    paid = paid.filter(paid.duty_rate.notnull() & (paid.value_usd > 0))
    weighted = paid.mutate(charge=paid.value_usd * paid.duty_rate)
    if materialise is not None:
        weighted = materialise(weighted)
    mean = weighted.group_by(["importer", "hs6"]).aggregate(
        mean_rate=weighted.charge.sum() / weighted.value_usd.sum()
    )
    by_exporter = weighted.group_by(["exporter", "hs6"]).aggregate(
        exporter_rate=weighted.charge.sum() / weighted.value_usd.sum()
    )
    world = weighted.group_by("hs6").aggregate(
        world_rate=weighted.charge.sum() / weighted.value_usd.sum()
    )
    gtd = by_exporter.join(world, "hs6")
    disadvantage = gtd.select(
        "exporter",
        "hs6",
        tariff_disadvantage=((1.0 + gtd.exporter_rate) / (1.0 + gtd.world_rate)).pow(sigma),
    )
    terms = TariffTerms(rates, own, free, mean, disadvantage, sigma)
    return terms.map(materialise) if materialise is not None else terms

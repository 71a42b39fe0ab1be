"""Export potential after ITC's Export Potential Assessment method, as Ibis expressions.

Notation (DESIGN.md section 5): exporter i, market j, product k, flow v_ijk.

- Supply_ik = MS_ik x GTD_ik, with world market share MS_ik = X_ik / sum_i X_ik and the global
  tariff disadvantage GTD_ik (1 when tariffs are unknown).
- Demand_ijk = M_jk x MTA_ijk x DF_ijk: import demand, market tariff advantage (1 when
  unknown; a tariff scenario enters here) and the distance factor
  DF_ijk = exp(-|Dbar_jk - ln dist_ij|), Dbar_jk the import-weighted mean log distance of j's
  current suppliers of k.
- Ease_ij = v_ij / H_ij, actual over hypothetical bilateral trade H_ij = sum_k Supply x Demand
  over every product (0 when i and j do not trade at all).
- EPI_ijk = Supply x Ease x Demand, rescaled in every (j, k) so that sum_i EPI_ijk = M_jk.
- Untapped U_ijk = EPI_ijk - min(v_ijk, EPI_ijk); world-share gap G_ijk = max(0, MS_ik M_jk - v_ijk).

Missing distances (a few territories) count as neutral: DF = 1, and they are left out of
Dbar. Every result row carries its factors, and supply x demand x ease x scale = potential.

Three kinds of input tables feed the computation, so a caller can materialise (cache) them
once and reuse them: :func:`inputs` (supply and demand, optionally limited to a product scope),
and :func:`pair_terms` (per trading pair: total trade, log distance and the hypothetical trade
H, a sum over every product of every pair: 66 M terms on the 2024 matrix, worth caching per
dataset). Tariff information attaches ``tariff_advantage`` and ``tariff_disadvantage`` to the
candidate rows: :class:`~tradepivot.analytics.tariff_factors.TariffTerms` computes them from
known duties; a table of given factors joins on (exporter, importer, hs6).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import ibis
import ibis.expr.types as ir

from tradepivot.analytics.markets import in_scope
from tradepivot.analytics.tariff_factors import TariffTerms
from tradepivot.data.reference import ProductScope

__all__ = [
    "AMOUNT_COLUMNS",
    "FACTOR_COLUMNS",
    "FLOAT32_COLUMNS",
    "KEY_COLUMNS",
    "METHOD_VERSION",
    "POTENTIAL_COLUMNS",
    "PotentialInputs",
    "Tariffs",
    "compact",
    "inputs",
    "pair_terms",
    "potential",
    "raw_totals",
]

# Bump when the formulas change: cached pair terms are keyed by it.
METHOD_VERSION = 1

POTENTIAL_COLUMNS = (
    "exporter",
    "importer",
    "hs6",
    "value_usd",
    "exports_usd",
    "market_share",
    "tariff_disadvantage",
    "supply",
    "imports_usd",
    "tariff_advantage",
    "distance_factor",
    "demand",
    "trade_usd",
    "hypothetical_usd",
    "ease",
    "scale",
    "potential_usd",
    "untapped_usd",
    "world_share_gap_usd",
)
KEY_COLUMNS = ("exporter", "importer", "hs6")
# What every row of a written potential file keeps, whatever factors are asked for.
AMOUNT_COLUMNS = ("value_usd", "potential_usd", "untapped_usd", "world_share_gap_usd")
FACTOR_COLUMNS = tuple(c for c in POTENTIAL_COLUMNS if c not in KEY_COLUMNS + AMOUNT_COLUMNS)
# Stored as float32 in a written file (computed in float64 first): the factors, untapped
# potential and the world-share gap, each within 2^-24 (6e-8) relative of the float64 value,
# far below the precision of the data (values rounded to the dollar, a modelled potential).
# value_usd, potential_usd (sums must give each market's imports back exactly) and the
# aggregates exports/imports/trade/hypothetical stay float64.
FLOAT32_COLUMNS = frozenset(
    {
        "market_share",
        "tariff_disadvantage",
        "supply",
        "tariff_advantage",
        "distance_factor",
        "demand",
        "ease",
        "scale",
        "untapped_usd",
        "world_share_gap_usd",
    }
)


@dataclass(frozen=True)
class PotentialInputs:
    """Supply and demand tables of one dataset (and product scope) plus its flows.

    ``supply``: exporter, hs6, exports_usd, world_usd, market_share.
    ``demand``: importer, hs6, imports_usd, mean_log_dist.
    ``flows``: exporter, importer, hs6, value_usd (the actual flows in scope).
    """

    supply: ir.Table
    demand: ir.Table
    flows: ir.Table

    def map(self, materialise: Callable[[ir.Table], ir.Table]) -> PotentialInputs:
        """The same inputs with every table passed through ``materialise`` (e.g. a cache)."""
        return PotentialInputs(
            materialise(self.supply), materialise(self.demand), materialise(self.flows)
        )


def _log_distance(distances: ir.Table) -> ir.Table:
    valid = distances.filter(distances.dist_km > 0)
    return valid.select(
        exporter=valid.origin, importer=valid.destination, log_dist=valid.dist_km.ln()
    )


def _distance_factor(
    mean_log_dist: ir.FloatingValue, log_dist: ir.FloatingValue
) -> ir.FloatingValue:
    return ibis.cases(
        (mean_log_dist.notnull() & log_dist.notnull(), (-(mean_log_dist - log_dist).abs()).exp()),
        else_=1.0,
    )


def inputs(
    flows: ir.Table,
    distances: ir.Table,
    scope: ProductScope | None = None,
    importers: Sequence[str] | None = None,
) -> PotentialInputs:
    """Supply (X_ik, MS_ik) and demand (M_jk, Dbar_jk) for the products in ``scope``.

    ``importers`` limits demand and actual flows to some markets; supply (world market
    shares) always counts every market.
    """
    if scope is not None and not scope.is_everything:
        flows = flows.filter(in_scope(flows.hs6, scope))
    flows = flows.select("exporter", "importer", "hs6", "value_usd")
    exports = flows.group_by(["exporter", "hs6"]).aggregate(exports_usd=flows.value_usd.sum())
    if importers is not None:
        flows = flows.filter(flows.importer.isin(list(importers)))
    world = exports.group_by("hs6").aggregate(world_usd=exports.exports_usd.sum())
    supply = exports.join(world, "hs6")
    supply = supply.mutate(market_share=supply.exports_usd / supply.world_usd)

    logd = _log_distance(distances)
    located = flows.join(logd, ["exporter", "importer"])
    mean_log = located.group_by(["importer", "hs6"]).aggregate(
        mean_log_dist=(located.value_usd * located.log_dist).sum() / located.value_usd.sum()
    )
    imports = flows.group_by(["importer", "hs6"]).aggregate(imports_usd=flows.value_usd.sum())
    demand = imports.left_join(mean_log, ["importer", "hs6"]).select(
        "importer", "hs6", "imports_usd", "mean_log_dist"
    )
    return PotentialInputs(supply=supply, demand=demand, flows=flows)


# Terms from known duties, or a table of given factors per (exporter, importer, hs6).
Tariffs: TypeAlias = "TariffTerms | ir.Table"


def _with_tariffs(rows: ir.Table, tariffs: Tariffs | None) -> ir.Table:
    """Attach MTA_ijk and GTD_ik (1 where no tariff information is given).

    ``tariffs`` is either :class:`TariffTerms` (factors computed from known duties) or a
    table of given factors: exporter, importer, hs6, tariff_advantage, tariff_disadvantage.
    """
    if tariffs is None:
        return rows.mutate(
            tariff_advantage=ibis.literal(1.0), tariff_disadvantage=ibis.literal(1.0)
        )
    if isinstance(tariffs, TariffTerms):
        return tariffs.attach(rows)
    terms = tariffs.select("exporter", "importer", "hs6", "tariff_advantage", "tariff_disadvantage")
    joined = rows.left_join(terms, ["exporter", "importer", "hs6"])
    joined = joined.drop(*[c for c in joined.columns if c.endswith("_right")])
    return joined.mutate(
        tariff_advantage=joined.tariff_advantage.fill_null(1.0),
        tariff_disadvantage=joined.tariff_disadvantage.fill_null(1.0),
    )


def _candidates(data: PotentialInputs, pairs: ir.Table, tariffs: Tariffs | None) -> ir.Table:
    """Every (i, j, k) with X_ik > 0, M_jk > 0 and (i, j) in ``pairs``, with supply and demand."""
    rows = pairs.join(data.supply, "exporter").join(data.demand, ["importer", "hs6"])
    rows = _with_tariffs(rows, tariffs)
    rows = rows.mutate(distance_factor=_distance_factor(rows.mean_log_dist, rows.log_dist))
    return rows.mutate(
        supply=rows.market_share * rows.tariff_disadvantage,
        demand=rows.imports_usd * rows.tariff_advantage * rows.distance_factor,
    )


def pair_terms(
    flows: ir.Table,
    distances: ir.Table,
    *,
    tariffs: Tariffs | None = None,
    importers: Sequence[str] | None = None,
    data: PotentialInputs | None = None,
) -> ir.Table:
    """Per trading pair: trade_usd (v_ij), log_dist and hypothetical_usd (H_ij).

    ``data`` are inputs over *all* products (pass materialised ones to save work);
    ``importers`` limits the pairs to some markets (a tariff scenario recomputes only those).
    """
    data = data or inputs(flows, distances)
    pairs = data.flows.group_by(["exporter", "importer"]).aggregate(
        trade_usd=data.flows.value_usd.sum()
    )
    if importers is not None:
        pairs = pairs.filter(pairs.importer.isin(list(importers)))
    pairs = pairs.left_join(_log_distance(distances), ["exporter", "importer"]).select(
        "exporter", "importer", "trade_usd", "log_dist"
    )
    rows = _candidates(data, pairs, tariffs)
    hypothetical = rows.group_by(["exporter", "importer"]).aggregate(
        hypothetical_usd=(rows.supply * rows.demand).sum()
    )
    return pairs.left_join(hypothetical, ["exporter", "importer"]).select(
        "exporter", "importer", "trade_usd", "log_dist", "hypothetical_usd"
    )


def _raw(data: PotentialInputs, pairs: ir.Table, tariffs: Tariffs | None) -> ir.Table:
    """Candidate rows with ease and the raw (unscaled) potential supply x ease x demand."""
    rows = _candidates(data, pairs, tariffs)
    rows = rows.mutate(
        ease=ibis.cases(
            (rows.hypothetical_usd > 0, rows.trade_usd / rows.hypothetical_usd), else_=0.0
        )
    )
    return rows.mutate(raw=rows.supply * rows.ease * rows.demand)


def raw_totals(
    data: PotentialInputs,
    pairs: ir.Table,
    *,
    importers: Sequence[str] | None = None,
    tariffs: Tariffs | None = None,
) -> ir.Table:
    """Each (market, product)'s raw potentials summed over every exporter: importer, hs6,
    total_raw. The rescaling's denominator; materialise it once to compute the rows of many
    exporters in several passes (:func:`potential`'s ``totals``)."""
    if importers is not None:
        pairs = pairs.filter(pairs.importer.isin(list(importers)))
    rows = _raw(data, pairs, tariffs)
    return rows.group_by(["importer", "hs6"]).aggregate(total_raw=rows.raw.sum())


def potential(
    data: PotentialInputs,
    pairs: ir.Table,
    *,
    exporters: Sequence[str] | None = None,
    importers: Sequence[str] | None = None,
    tariffs: Tariffs | None = None,
    materialise: Callable[[ir.Table], ir.Table] | None = None,
    totals: ir.Table | None = None,
) -> ir.Table:
    """EPI with its factors for every exporter x market x product of ``data``'s scope.

    ``pairs`` comes from :func:`pair_terms` on the whole dataset (ease is a property of the
    pair over all products). Rescaling needs every exporter's raw potential in each (market,
    product), so ``exporters`` filters only after it. ``materialise`` (an engine's cache, e.g.
    :meth:`Warehouse.materialise`) keeps the per-(market, product) totals as a table, so the
    candidate rows stream once through the final join; ``totals`` passes that table in
    (:func:`raw_totals`, same ``importers`` and ``tariffs``). Columns: ``POTENTIAL_COLUMNS``.
    """
    if importers is not None:
        pairs = pairs.filter(pairs.importer.isin(list(importers)))
    if totals is None:
        # Rescaling: each (market, product)'s raw potentials over every exporter, as a grouped
        # table joined back (a window over 71 M rows costs DuckDB 5x the time and all the memory).
        totals = raw_totals(data, pairs, tariffs=tariffs)
        if materialise is not None:  # one small table instead of recomputing it inside the join
            totals = materialise(totals)
    if exporters is not None:
        # Before the joins: the engine then builds candidates for these exporters only.
        pairs = pairs.filter(pairs.exporter.isin(list(exporters)))
    rows = _raw(data, pairs, tariffs)
    rows = rows.join(totals, ["importer", "hs6"])
    rows = rows.mutate(
        scale=ibis.cases((rows.total_raw > 0, rows.imports_usd / rows.total_raw), else_=0.0)
    )
    actual = data.flows.select("exporter", "importer", "hs6", actual_usd=data.flows.value_usd)
    rows = rows.left_join(actual, ["exporter", "importer", "hs6"])
    rows = rows.drop(*[c for c in rows.columns if c.endswith("_right")])
    rows = rows.mutate(
        value_usd=rows.actual_usd.fill_null(0.0), potential_usd=rows.raw * rows.scale
    )
    rows = rows.mutate(
        untapped_usd=rows.potential_usd - ibis.least(rows.value_usd, rows.potential_usd),
        world_share_gap_usd=ibis.greatest(
            rows.market_share * rows.imports_usd - rows.value_usd, 0.0
        ),
    )
    return rows.select(*POTENTIAL_COLUMNS)


def compact(
    rows: ir.Table,
    *,
    factors: Sequence[str] | None = None,
    min_potential: float | None = None,
) -> ir.Table:
    """The rows as a file stores them: keys, amounts and the chosen ``factors`` (default all,
    in ``POTENTIAL_COLUMNS`` order), ``FLOAT32_COLUMNS`` as float32, and only the rows whose
    potential is at least ``min_potential`` when it is given."""
    chosen = set(FACTOR_COLUMNS if factors is None else factors)
    unknown = chosen.difference(FACTOR_COLUMNS)
    if unknown:
        raise ValueError(f"not potential factors: {sorted(unknown)}")
    if min_potential is not None:
        rows = rows.filter(rows.potential_usd >= min_potential)
    keep = [c for c in POTENTIAL_COLUMNS if c in chosen or c not in FACTOR_COLUMNS]
    return rows.select(
        *[rows[c].cast("float32").name(c) if c in FLOAT32_COLUMNS else rows[c] for c in keep]
    )

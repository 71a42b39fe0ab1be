"""The inputs of export potential for one dataset and product scope, built once per query.

A :class:`PotentialContext` holds a dataset's flows, distances, the cached pair terms, the
supply and demand tables of a product scope, the shipped duties' tariff factors and the
rescaling totals; ``rank``, ``potential``, the full-world export and the matchmaking market
evidence all compute their potentials through it (:meth:`PotentialContext.rows`), so a
potential is one figure whichever of them shows it.
"""

from __future__ import annotations

from collections.abc import Iterable

import ibis.expr.types as ir

from tradepivot.analytics import potential
from tradepivot.analytics.markets import in_scope
from tradepivot.analytics.tariff_factors import TariffTerms
from tradepivot.data.flows import FlowSource, YearSpan, flow_source
from tradepivot.data.provenance import Provenance
from tradepivot.data.reference import ProductScope
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import InputError
from tradepivot.tariffs.shipped import (
    DutyLookup,
    DutyTables,
    duty_tables,
    shipped_tariff_terms,
)

__all__ = ["RAW_TOTALS_KEY", "PotentialContext", "potential_context"]


# The shipped rescaling totals (importer, hs6, total_raw) of the embedded dataset.
RAW_TOTALS_KEY = f"raw-totals-v{potential.METHOD_VERSION}"


class PotentialContext:
    """A dataset's flows, distances, cached pair terms and the inputs for one product scope."""

    def __init__(
        self,
        wh: Warehouse,
        source: FlowSource,
        scope: ProductScope,
        importers: list[str] | None = None,
    ) -> None:
        self.wh = wh
        self.source = source
        self.scope = scope
        self.distances = wh.reference_table("geo_dist")
        flows = source.table
        # Pair terms depend on the year(s): a multi-year dataset keeps one cache per period.
        per_year = f"-{source.period.replace(' ', '-')}" if len(source.manifest.years) > 1 else ""
        self.pairs = wh.derived(
            source.manifest,
            f"pair-terms-v{potential.METHOD_VERSION}{per_year}",
            lambda: potential.pair_terms(
                flows,
                self.distances,
                data=potential.inputs(flows, self.distances).map(wh.materialise),
            ),
        )
        scoped = flows.select("exporter", "importer", "hs6", "value_usd")
        if not scope.is_everything:
            scoped = scoped.filter(in_scope(scoped.hs6, scope))
        self.scoped: ir.Table | None = None  # the scope's flows, kept when read whole
        if importers is None:  # every market: one scan of the scope, then small tables
            scoped = self.scoped = wh.materialise(scoped)
            self.data = potential.inputs(scoped, self.distances).map(wh.materialise)
        else:  # a few markets: world shares still need every market's imports
            self.data = potential.inputs(flows, self.distances, scope, importers).map(
                wh.materialise
            )
        self.flows = self.data.flows
        self.notes = Provenance()
        # Known duties (the shipped EAEU, EU and UK schedules, HS2017) enter the tariff
        # factors of every potential computed in this context unless a caller passes its own
        # terms; their averages (GTD) run over every market, whatever markets are asked for.
        self.duties: DutyTables | None = None
        self.tariffs: TariffTerms | None = None
        if source.edition == "HS2017":
            self.duties = duty_tables(wh, source.manifest).map(wh.materialise)
            self.tariffs = shipped_tariff_terms(scoped, self.duties, self.notes, wh.materialise)
        else:
            self.notes.note(
                f"Tariff factors = 1: the shipped duties map to HS2017 and {source.manifest.id} "
                f"is {source.edition}."
            )
        # The rescaling's denominator, each (market, product)'s raw potential over every
        # exporter with these default tariff terms: shipped for the embedded data (it does not
        # depend on the product scope, and computing it is most of a cold `rank`); None means
        # computed per query.
        # Per period like the pair terms: a multi-year dataset's file names its year(s).
        self.totals: ir.Table | None = wh.shipped(source.manifest, f"{RAW_TOTALS_KEY}{per_year}")

    def duty_lookup(self, exporter: str, importers: Iterable[str]) -> DutyLookup:
        """The duties ``exporter`` pays in ``importers`` (empty when none are known)."""
        return self.duties.lookup(exporter, importers) if self.duties else {}

    def rows(
        self,
        *,
        exporters: list[str] | None = None,
        importers: list[str] | None = None,
        tariffs: TariffTerms | None = None,
    ) -> ir.Table:
        return potential.potential(
            self.data,
            self.pairs,
            exporters=exporters,
            importers=importers,
            tariffs=tariffs if tariffs is not None else self.tariffs,
            materialise=self.wh.materialise,
            totals=self.totals if tariffs is None else None,
        )

    def raw_totals(self) -> ir.Table:
        """The default terms' rescaling totals: the shipped table, or computed (and kept)."""
        if self.totals is None:
            self.totals = self.wh.materialise(
                potential.raw_totals(self.data, self.pairs, tariffs=self.tariffs)
            )
        return self.totals


def potential_context(
    wh: Warehouse,
    scope_hs: list[str] | None,
    sector: str | None,
    dataset: str | None,
    years_span: YearSpan | None = None,
) -> PotentialContext:
    """The context of ``dataset`` (the default when None; one year or a range's average) for
    a product scope (HS codes or a sector; everything when both are None). A dataset of one
    country's exports alone cannot give export potential: an error says so."""
    source = flow_source(wh, dataset=dataset, years_span=years_span)
    if not source.complete_market:
        raise InputError(
            f"{source.manifest.id} holds one country's exports only: export potential needs a "
            "bilateral world dataset.",
            hint="Use the default world-2024 or an ingested BACI/Comtrade dataset.",
            param="dataset",
        )
    scope = wh.reference.product_scope(hs=scope_hs, sector=sector, edition=source.edition)
    return PotentialContext(wh, source, scope)

"""An exporter's revealed comparative advantage and the products it could diversify into.

RCA, proximity and complexity are computed over the whole flows table (every exporter, every
product, summed over every market); ``--sector``/``--hs`` only choose which products are shown.
"""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from tradepivot.analytics import complexity
from tradepivot.data.catalog import DatasetManifest
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import DataGapError, InputError
from tradepivot.i18n.numbers import money_text
from tradepivot.services._enrich import add_descriptions
from tradepivot.services.currency import currency_info
from tradepivot.services.report import Provenance, Report

__all__ = ["ECI_MIN_EXPORTS_USD", "products"]

# The Atlas of Economic Complexity ranks economies with at least USD 1 bn of exports (and 1 m
# inhabitants, which the data cannot tell); smaller ones would make ECI and PCI noise.
ECI_MIN_EXPORTS_USD = 1e9

METHOD = (
    "RCA (Balassa) over all {products:,} products and {exporters} exporters of {dataset} "
    "({period}), each exporter's exports summed over every market; a product counts as "
    "exported when RCA >= {threshold:g}. Density (0-1, distance = 1 - density) is the "
    "proximity-weighted share of related products already exported (Hidalgo et al. 2007); "
    "ECI/PCI follow the Atlas of Economic Complexity."
)
COG_NOTE = (
    "COG (complexity outlook gain) is the Atlas book's definition (Hausmann et al. 2014, "
    "Technical Box 5.4): the rise in the exporter's complexity outlook if it starts exporting "
    "the product, weighted by PCI, the product's own term left out. The Growth Lab's "
    "ecomplexity package computes a different quantity (raw eigenvector weights, own term "
    "kept) and can rank products almost the other way round: compare COG only with COG "
    "computed the same way. See docs/methods.md."
)


def products(
    wh: Warehouse,
    exporter: str,
    *,
    sector: str | None = None,
    hs: list[str] | None = None,
    top: int | None = 20,
    dataset: str | None = None,
    year: int | None = None,
    threshold: float = 1.0,
    currency: str | None = None,
) -> Report:
    """Products where ``exporter`` has RCA >= ``threshold``, and nearby ones it does not yet.

    ``rows`` (sorted by exports): ``code, description, value_usd, world_usd, world_share_pct,
    rca, pci, ubiquity``. ``tables["nearby"]`` (products without RCA, sorted by density):
    ``code, description, density, distance, pci, cog, world_usd, value_usd, rca``. Totals give
    the exporter's ECI and its rank. ``top`` cuts each table; totals cover the whole scope.
    """
    ref = wh.reference
    exp = ref.country(exporter)
    if top is not None and top < 1:
        raise InputError(f"$top must be at least 1, not {top}.", param="top")
    if not threshold > 0:
        raise InputError(f"The RCA threshold must be positive, not {threshold}.")
    manifest = wh.dataset(dataset)
    if manifest.kind != "bilateral":
        raise InputError(
            f"{manifest.id} holds {manifest.kind.replace('_', ' ')} only: RCA needs every "
            "exporter's exports of every product.",
            hint="Use a bilateral dataset: the default world-2024, or a BACI/Comtrade file "
            "you ingested (tradepivot data status lists them).",
            param="dataset",
        )
    flows, period = _flows(wh, manifest, year)
    scope = ref.product_scope(hs=hs, sector=sector, edition=manifest.hs_edition)
    provenance = Provenance()
    # X_ik sums over every market and RCA's denominators over every product, so every gap of
    # the dataset (missing importers, missing headings) is touched, whatever the scope.
    provenance.use(manifest, exporters=[exp.iso3], all_importers=True)

    table = complexity.rca(flows, threshold=threshold)
    arrow = table.select("exporter", "hs6", "value_usd", "rca").to_pyarrow()
    if arrow.num_rows == 0:
        raise DataGapError(f"{manifest.id} has no trade in {period}.")
    exporters = set(arrow.column("exporter").unique().to_pylist())
    if exp.iso3 not in exporters:
        raise DataGapError(
            f"{manifest.id} has no exports of {exp.label()} in {period}, so it has no "
            "comparative advantage to show.",
            hint="Pick an exporter that reports trade (tradepivot flows lists them), or "
            "ingest a dataset that covers it.",
        )
    traded = arrow.column("hs6").unique().to_pylist()
    if not any(scope.contains(code) for code in traded):
        raise DataGapError(
            f"{manifest.id} has no trade in {scope.describe()} in {period}.",
            hint="Widen $hs or $sector; `tradepivot market` shows what a scope holds.",
            mentions=("hs", "sector"),
        )
    space = complexity.ProductSpace.from_rca(
        arrow, threshold=threshold, eci_min_exports_usd=ECI_MIN_EXPORTS_USD
    )
    i = space.index(exp.iso3)
    assert i is not None
    inside = np.array([scope.contains(code) for code in space.products], dtype=bool)
    provenance.note(
        METHOD.format(
            products=len(space.products),
            exporters=len(space.countries),
            dataset=manifest.id,
            period=period,
            threshold=threshold,
        ),
        *space.notes,
        *scope.notes,
    )
    truncated = _truncated_world(manifest, exp.name, float(space.exports[i].sum()))
    if truncated:
        provenance.note(truncated)
    provenance.note(COG_NOTE)

    near, coi, cog = space.outlook([i])
    held, nearby = _held(space, i, inside), _nearby(space, i, inside, near[0], cog[0])
    n_held, n_nearby = held.num_rows, nearby.num_rows
    if n_held == 0:
        provenance.note(
            f"{exp.name} has RCA >= {threshold:g} in none of the {int(inside.sum())} traded "
            f"products in {scope.describe()}; the nearby table shows the closest ones."
        )
    if n_nearby == 0:
        provenance.note(
            f"{exp.name} already has RCA >= {threshold:g} in every traded product in "
            f"{scope.describe()}: there is no nearby product to add."
        )
    if top and (n_held > top or n_nearby > top):
        provenance.note(
            f"Showing the top {top} of {n_held} products with RCA >= {threshold:g} and of "
            f"{n_nearby} without; totals cover all of them."
        )
    held = add_descriptions(held.slice(0, top) if top else held, ref, manifest.hs_edition)
    nearby = add_descriptions(nearby.slice(0, top) if top else nearby, ref, manifest.hs_edition)

    ranked = np.isfinite(space.eci)
    exports = space.exports[i]
    totals: dict[str, Any] = {
        "exports_usd": float(exports.sum()),
        "scope_exports_usd": float(exports[inside].sum()),
        "products_rca": int(space.diversity[i]),
        "scope_products_rca": n_held,
        "scope_products": int(inside.sum()),
        "eci": _number(space.eci[i], 3),
        "eci_rank": int(space.eci_rank()[i]) or None,
        "eci_countries": int(ranked.sum()),
        "coi": _number(coi[0], 1),
        "period": period,
    }
    return Report(
        title=f"{exp.name}: comparative advantage and nearby products ({scope.label}, {period})",
        rows=held,
        tables={"nearby": nearby},
        query={
            "exporter": exp.iso3,
            "scope": scope.describe(),
            "sector": scope.sector,
            "top": top,
            "threshold": threshold,
            "dataset": manifest.id,
            "year": period,
            "hs_edition": manifest.hs_edition,
        },
        provenance=provenance,
        totals=totals,
        currency=currency_info(ref, currency, period),
    )


def _flows(wh: Warehouse, manifest: DatasetManifest, year: int | None) -> tuple[ir.Table, str]:
    """The dataset's flows for one year: RCA of a multi-year dataset would mix the years."""
    table, manifest = wh.table(manifest.id, "bilateral")
    years = sorted(int(y) for y in manifest.years)
    if year is not None and year not in years:
        raise InputError(
            f"{manifest.id} has no year {year}; it holds {', '.join(map(str, years)) or 'none'}.",
            hint="Pick one of those with $year.",
            param="year",
        )
    chosen = year if year is not None else (years[-1] if years else None)
    if len(years) > 1:
        table = table.filter(table.year == chosen)
    flows = table.select("exporter", "importer", "hs6", "value_usd", "cagr_8y")
    return flows, str(chosen) if chosen is not None else "all years"


def _truncated_world(manifest: DatasetManifest, name: str, exports_usd: float) -> str | None:
    """What RCA's world lacks: the dataset's missing importers and headings, with the total."""
    importers = sorted({c for gap in manifest.gaps for c in gap.importers})
    headings = sorted({p for gap in manifest.gaps for p in gap.hs_prefixes if gap.when is None})
    lacks = []
    if importers:
        lacks.append(f"the imports of {len(importers)} markets ({', '.join(importers)})")
    if headings:
        lacks.append(f"HS {', '.join(headings)}")
    if not lacks:
        return None
    return (
        f"RCA is computed on a truncated world: {manifest.id} lacks {' and '.join(lacks)}, so "
        f"{name}'s exports here total {money_text(exports_usd, scale='bn')}, less than its published "
        "total; world shares and RCA are relative to the world this dataset holds."
    )


def _number(value: float, digits: int) -> float | None:
    """An index for display (ECI is read to 2-3 decimals); None when undefined."""
    return round(float(value), digits) if np.isfinite(value) else None


def _column(values: np.ndarray[Any, Any]) -> pa.Array:
    return pa.array(values, pa.float64(), from_pandas=True)  # NaN -> null


def _held(space: complexity.ProductSpace, i: int, inside: np.ndarray[Any, Any]) -> pa.Table:
    keep = np.flatnonzero(space.m[i] & inside)
    exports, world = space.exports[i, keep], space.world_usd[keep]
    order = np.lexsort((keep, -exports))
    keep, exports, world = keep[order], exports[order], world[order]
    return pa.table(
        {
            "code": pa.array([space.products[k] for k in keep], pa.string()),
            "value_usd": _column(exports),
            "world_usd": _column(world),
            "world_share_pct": _column(exports / world * 100),
            "rca": _column(space.rca[i, keep]),
            "pci": _column(space.pci[keep]),
            "ubiquity": pa.array(space.ubiquity[keep], pa.int64()),
        }
    )


def _nearby(
    space: complexity.ProductSpace,
    i: int,
    inside: np.ndarray[Any, Any],
    near: np.ndarray[Any, Any],
    cog: np.ndarray[Any, Any],
) -> pa.Table:
    keep = np.flatnonzero(~space.m[i] & inside & np.isfinite(near))
    world = space.world_usd
    order = np.lexsort((keep, -world[keep], -near[keep]))  # density, then world trade
    keep = keep[order]
    return pa.table(
        {
            "code": pa.array([space.products[k] for k in keep], pa.string()),
            "density": _column(near[keep]),
            "distance": _column(1 - near[keep]),
            "pci": _column(space.pci[keep]),
            "cog": _column(cog[keep]),
            "world_usd": _column(world[keep]),
            "value_usd": _column(space.exports[i, keep]),
            "rca": _column(space.rca[i, keep]),
        }
    )

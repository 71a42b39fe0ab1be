"""What an exporter sells where, for every command: the one assembly, with its provenance.

:func:`tradepivot.analytics.sales.exporter_sales` is the assembly (the exporter's own
statistics where it reports them, mirror data elsewhere, never two sources added); this
service gives it its inputs (:func:`tradepivot.data.flows.sales_inputs`: the dataset and
year asked for, the US Census for the US, India's EIDB with the latest year) and the notes a
user must read: the source rule, the periods, the products the own statistics do not cover.
``exposure``, the pivot brief, ``rank`` and ``balance`` all read their sales from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from tradepivot.analytics.sales import exporter_sales
from tradepivot.data.flows import Source, YearSpan, sales_inputs
from tradepivot.data.provenance import Provenance
from tradepivot.data.reference import ProductScope
from tradepivot.data.warehouse import Warehouse
from tradepivot.i18n.numbers import money

__all__ = ["ExporterSales", "exporter_sales_of", "national_pattern", "sales_by_market"]

SCHEMA = pa.schema(
    [
        ("hs6", pa.string()),
        ("market", pa.string()),
        ("value_usd", pa.float64()),
        ("source", pa.string()),
    ]
)


@dataclass(frozen=True)
class ExporterSales:
    """An exporter's sales in a scope (``rows``: hs6, market, value_usd, source, as an Ibis
    table of the warehouse's engine), in HS ``edition``, for ``period``, with provenance."""

    rows: ir.Table
    edition: str
    period: str
    provenance: Provenance


def exporter_sales_of(
    wh: Warehouse,
    exporter: str,
    scope: ProductScope,
    *,
    dataset: str | None = None,
    years_span: YearSpan | None = None,
    world: ir.Table | None = None,
) -> ExporterSales:
    """``exporter``'s sales in ``scope`` by product and market, each from one source, with
    the datasets used, the source rule and the products the own statistics leave to mirror
    data (named with their value).

    ``world`` is the world matrix of the same dataset and period already cut to ``scope``
    (a potential context's :attr:`~PotentialContext.scoped`): read instead of the whole
    matrix, with the same result, since the assembly keeps only the scope's products."""
    inputs = sales_inputs(wh, exporter, dataset=dataset, years_span=years_span)
    sources = list(inputs.mirrors)
    if world is not None:
        sources[0] = Source(sources[0].id, world, sources[0].edition)
    # The exporter's rows of each source, read once: the sales and the products the own
    # statistics leave to mirror data are two queries over them, not two scans of the world.
    mirrors = [_exporter_rows(wh, source, exporter) for source in sources]
    own = _exporter_rows(wh, inputs.own, exporter) if inputs.own is not None else None
    sales = exporter_sales(exporter, scope, inputs.edition, mirrors, own, inputs.concordance)
    provenance = Provenance()
    for manifest in inputs.manifests:
        provenance.use(manifest, exporters=[exporter], scope=scope, all_importers=True)
    provenance.note(sales.rule, *inputs.notes)
    if inputs.own is not None:
        uncovered = sales.uncovered.order_by([ibis.desc("value_usd"), "hs6"]).to_pyarrow()
        if uncovered.num_rows:
            listed = ", ".join(
                f"{r['hs6']} (USD {money(r['value_usd'])} m)"
                for r in uncovered.slice(0, 8).to_pylist()
            )
            more = f" and {uncovered.num_rows - 8} more" if uncovered.num_rows > 8 else ""
            provenance.note(
                f"Products {inputs.own.id} does not cover, taken from mirror data: {listed}{more}."
            )
    rows = sales.rows.select("hs6", "market", "value_usd", "source")
    return ExporterSales(rows, inputs.edition, inputs.period, provenance)


def _exporter_rows(wh: Warehouse, source: Source, exporter: str) -> Source:
    """``source`` cut to ``exporter``'s rows and kept (the assembly filters by exporter first
    anyway: its edition conversion joins on the product only, so the result is the same)."""
    table = source.table
    return Source(
        source.id, wh.materialise(table.filter(table.exporter == exporter)), source.edition
    )


def national_pattern(
    wh: Warehouse,
    exporter: str,
    scope: ProductScope,
    *,
    dataset: str | None = None,
    years_span: YearSpan | None = None,
    world: ir.Table | None = None,
) -> tuple[pa.Table, Provenance]:
    """``exporter``'s exports in ``scope`` by HS6 and market, each from one source
    (:func:`exporter_sales_of`, ``world`` as there), as an Arrow table ``hs6, market,
    value_usd, source`` sorted by market and product."""
    found = exporter_sales_of(
        wh, exporter, scope, dataset=dataset, years_span=years_span, world=world
    )
    pattern = found.rows.to_pyarrow().cast(SCHEMA)
    pattern = pattern.sort_by([("market", "ascending"), ("hs6", "ascending")])
    used = set(pattern.column("source").unique().to_pylist())
    provenance = Provenance(
        [d for d in found.provenance.datasets if d["id"] in used],
        [g for g in found.provenance.gaps if g["dataset"] in used],
        list(found.provenance.notes),
    )
    return pattern, provenance


def sales_by_market(pattern: pa.Table) -> dict[str, float]:
    """Market -> the exporter's sales there (the sum over the scope's products)."""
    grouped = pattern.group_by("market").aggregate([("value_usd", "sum")])
    return dict(
        zip(
            grouped.column("market").to_pylist(),
            grouped.column("value_usd_sum").to_pylist(),
            strict=True,
        )
    )

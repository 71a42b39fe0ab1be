"""Pick the best dataset for a bilateral question and present it as one flows table.

The world matrix lacks imports of six markets; for the US the Census data answers instead,
and for India's exports to the other five the EIDB does. Whatever the source, the result is
an Ibis table with ``exporter, importer, hs6, value_usd, cagr_8y`` plus what the user must be
told about it (the dataset, its period, its HS edition, notes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from tradepivot.data.catalog import DatasetManifest
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import DataGapError, InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "OWN_STATISTICS",
    "FlowSource",
    "SalesInputs",
    "Source",
    "YearSpan",
    "choose_years",
    "flow_source",
    "missing_importers",
    "parse_years",
    "sales_inputs",
    "select_years",
    "year_selection",
]

# A year range (first, last), both included; one year is (y, y).
YearSpan = tuple[int, int]

US_SOURCE = "us-census-2024"
EIDB_SOURCE = "india-eidb"
# Exporters whose own export statistics ship: the source rule takes their sales from them.
OWN_STATISTICS = {"IND": EIDB_SOURCE}


@dataclass(frozen=True)
class FlowSource:
    """A flows table and its provenance.

    The table is built on first use (``make``): what to tell the user, and the shape of a
    compiled query (:meth:`Warehouse.fetch`), are known without importing Ibis.
    """

    make: Callable[[], ir.Table]
    manifest: DatasetManifest
    edition: str
    period: str
    complete_market: bool  # False when the table cannot give a market's imports from all suppliers
    notes: tuple[str, ...] = field(default=())

    @cached_property
    def table(self) -> ir.Table:
        """``exporter, importer, hs6, value_usd, cagr_8y`` as an Ibis table."""
        return self.make()

    @property
    def shape(self) -> tuple[str, str | None, str, str, bool]:
        """What the table's expression depends on: dataset, its content, period, edition."""
        m = self.manifest
        return (m.id, m.checksum_sha256, self.period, self.edition, self.complete_market)


def missing_importers(manifest: DatasetManifest) -> set[str]:
    return {c for gap in manifest.gaps for c in gap.importers}


def flow_source(
    wh: Warehouse,
    *,
    importer: str | None = None,
    exporter: str | None = None,
    dataset: str | None = None,
    years_span: YearSpan | None = None,
) -> FlowSource:
    """The flows table that best answers a question about ``importer`` (and ``exporter``).

    A named dataset is used as it is. With the default dataset, a missing importer is
    re-routed to the Census (USA) or the EIDB (India's exports); otherwise a question that
    falls into a known gap fails instead of answering with nothing. ``years_span`` picks one
    year, or a range whose flows are averaged (see :func:`select_years`), of a bilateral dataset.
    """
    manifest = wh.dataset(dataset)
    if manifest.kind == "us_imports":
        return _census(wh, manifest, importer=importer)
    if manifest.kind == "national_exports":
        return _eidb(wh, manifest, exporter=exporter)
    manifest = wh.dataset(manifest.id, "bilateral")
    _, years, notes = year_selection(manifest, years_span)

    def make() -> ir.Table:
        table, held = wh.table(manifest.id, "bilateral")
        table = select_years(table, held, years_span)[0]
        return table.select("exporter", "importer", "hs6", "value_usd", "cagr_8y")

    base = FlowSource(
        make,
        manifest,
        manifest.hs_edition,
        years,
        complete_market=True,
        notes=notes,
    )
    missing = missing_importers(manifest)
    if importer is None or importer not in missing:
        return base
    if dataset is None and importer == "USA":
        census = wh.dataset(US_SOURCE)
        note = (
            f"{manifest.id} has no imports of USA; using US Census imports ({census.id}): "
            "the 50 largest partners plus the EU bloc at HS6."
        )
        return _census(wh, census, importer=importer, notes=(note,))
    if dataset is None and exporter == "IND":
        eidb = wh.dataset(EIDB_SOURCE)
        note = (
            f"{manifest.id} has no imports of {importer}; using India's own export statistics "
            f"({eidb.id}, latest fiscal year, HS8 rolled up to HS6; partial coverage)."
        )
        return _eidb(wh, eidb, exporter=exporter, notes=(note,))
    alternatives = []
    if importer == "USA":
        alternatives.append(f"$dataset={US_SOURCE}")
    if exporter == "IND":
        alternatives.append(f"$dataset={EIDB_SOURCE}")
    raise DataGapError(
        f"{manifest.id} has no imports of {importer} (one of its missing importers: "
        f"{', '.join(sorted(missing))}).",
        hint=(f"Try {' or '.join(alternatives)}, or " if alternatives else "Use ")
        + f"{importer}'s exports (as exporter) from this dataset, or ingest a dataset that covers "
        "it (tradepivot data ingest baci|comtrade FILE) and pass it as $dataset=ID.",
        mentions=("dataset",),
    )


def parse_years(text: str, param: str = "years") -> YearSpan:
    """``2024`` -> (2024, 2024); ``2020-2024`` -> (2020, 2024)."""
    first, sep, last = text.strip().partition("-")
    try:
        span = (int(first), int(last) if sep else int(first))
    except ValueError:
        raise InputError(
            f"${param} must be a year or a range of years like 2020-2024, not {text!r}.",
            param=param,
        ) from None
    if span[0] > span[1]:
        raise InputError(f"${param}: {text} ends before it starts.", param=param)
    return span


def choose_years(year: int | None, years: str | None = None) -> YearSpan | None:
    """The years a command or route reads: $year Y, or $years FIRST-LAST (not both)."""
    if year is not None and years is not None:
        raise InputError("Give $year or $years, not both.", param="years", mentions=("year",))
    if years is not None:
        return parse_years(years)
    return None if year is None else (year, year)


def year_selection(
    manifest: DatasetManifest, span: YearSpan | None
) -> tuple[list[int] | None, str, tuple[str, ...]]:
    """The years :func:`select_years` reads (None: the table as it is), its period and notes.

    Without ``span`` a multi-year dataset answers for its latest year (summing the years
    would count every flow several times); every year of a range must be in the dataset,
    or the error names the years it holds.
    """
    held = sorted(int(y) for y in manifest.years)
    if span is None:
        if len(held) <= 1:
            return None, ", ".join(map(str, held)), ()
        span = (held[-1], held[-1])
        notes: tuple[str, ...] = (
            f"{manifest.id} holds {len(held)} years; figures are for {held[-1]}.",
        )
    else:
        notes = ()
    wanted = list(range(span[0], span[1] + 1))
    missing = [y for y in wanted if y not in held]
    if missing:
        raise InputError(
            f"{manifest.id} has no year {', '.join(map(str, missing))}; it holds "
            f"{', '.join(map(str, held)) or 'none'}.",
            hint="Pick years from those with $year (or $years=FIRST-LAST for an average).",
            param="year" if span[0] == span[1] else "years",
        )
    if len(wanted) == 1:
        return wanted, str(wanted[0]), notes
    note = (
        f"Values are the average of {span[0]}-{span[1]} ({len(wanted)} years; a flow absent "
        "in a year counts as zero there)."
    )
    return wanted, f"{span[0]}-{span[1]} average", (note,)


def select_years(
    table: ir.Table, manifest: DatasetManifest, span: YearSpan | None
) -> tuple[ir.Table, str, tuple[str, ...]]:
    """One year of a bilateral table, or the average of a range of years, with its period.

    The years are :func:`year_selection`'s. A range averages each flow's value over the
    range's years, a flow absent in a year counting as zero there (ITC's export potential
    uses a five-year average of supply and demand).
    """
    wanted, period, notes = year_selection(manifest, span)
    if wanted is None:
        return table, period, notes
    columns = ("exporter", "importer", "hs6", "value_usd", "cagr_8y")
    if len(wanted) == 1:
        if len(manifest.years) > 1:
            table = table.filter(table.year == wanted[0])
        return table.select(*columns), period, notes
    ranged = table.filter(table.year.between(wanted[0], wanted[-1]))
    averaged = ranged.group_by("exporter", "importer", "hs6").aggregate(
        value_usd=ranged.value_usd.sum() / len(wanted),
        cagr_8y=ranged.cagr_8y.mean(),
    )
    return averaged.select(*columns), period, notes


def _census(
    wh: Warehouse, manifest: DatasetManifest, *, importer: str | None, notes: tuple[str, ...] = ()
) -> FlowSource:
    if importer not in (None, "USA"):
        raise InputError(
            f"{manifest.id} holds US imports only: it has nothing on imports of {importer}.",
            hint="Drop $dataset to use the world matrix.",
            param="dataset",
        )
    manifest = wh.dataset(manifest.id, "us_imports")

    def make() -> ir.Table:
        import ibis

        table = wh.table(manifest.id, "us_imports")[0]
        return table.select(
            exporter=table.partner,
            importer=ibis.literal("USA"),
            hs6=table.hs6,
            value_usd=table.value_usd,
            cagr_8y=ibis.null("float64"),
        )

    note = (
        "US Census data: EU members appear only as one bloc supplier (EU27); partners outside "
        "the 50 largest are absent at HS6 (the data covers 98.7% of US imports by value)."
    )
    return FlowSource(
        make,
        manifest,
        manifest.hs_edition,
        ", ".join(str(y) for y in manifest.years),
        complete_market=True,
        notes=(*notes, note),
    )


def _eidb(
    wh: Warehouse, manifest: DatasetManifest, *, exporter: str | None, notes: tuple[str, ...] = ()
) -> FlowSource:
    import ibis

    table, manifest = wh.table(manifest.id, "national_exports")
    reporters = {
        r for r in table.select("reporter").distinct().to_pyarrow().column(0).to_pylist() if r
    }
    if exporter is not None and exporter not in reporters:
        raise InputError(
            f"{manifest.id} holds the exports of {', '.join(sorted(reporters))} only, not of {exporter}.",
            hint="Drop $dataset to use the world matrix.",
            param="dataset",
        )
    latest = str(manifest.years[-1])
    fy = table.filter(table.fy == latest)
    flows = fy.filter(fy.partner.notnull()).select(
        exporter=fy.reporter,
        importer=fy.partner,
        hs6=fy.code.left(6),
        value_usd=fy.value_usd,
        cagr_8y=ibis.null("float64"),
    )
    # ITC-HS is HS2022-based from 1 January 2023, so FY2023-24 onwards reads as HS2022.
    edition = "HS2022" if latest >= "2023-24" else "HS2017"
    return FlowSource(
        lambda: flows,
        manifest,
        edition,
        f"FY{latest}",
        complete_market=False,
        notes=(*notes, f"Fiscal year {latest} (April-March), India's own statistics."),
    )


@dataclass(frozen=True)
class Source:
    """One flows table (``exporter, importer, hs6, value_usd``), its dataset id and HS edition."""

    id: str
    table: ir.Table
    edition: str


@dataclass(frozen=True)
class SalesInputs:
    """The sources of "what an exporter sells where" (see :mod:`tradepivot.analytics.sales`):
    the markets' imports (mirror data) and the exporter's own statistics, all in the world
    matrix's HS edition, with the datasets they come from and what the user must be told."""

    mirrors: list[Source]
    own: Source | None
    concordance: ir.Table
    manifests: list[DatasetManifest]
    edition: str
    period: str
    notes: tuple[str, ...] = field(default=())


def sales_inputs(
    wh: Warehouse,
    exporter: str,
    *,
    dataset: str | None = None,
    years_span: YearSpan | None = None,
) -> SalesInputs:
    """Mirror data (the world matrix, or ``dataset``; the US Census for the US, which the
    embedded matrix lacks) and, for India, its own statistics (EIDB, latest fiscal year, in
    its own HS edition: the assembly converts it with ``concordance``).

    A multi-year dataset gives one year (its latest unless ``years_span`` says) or the
    average of a range (:func:`select_years`). India's own statistics are of one fiscal year,
    so they are used only with the latest year of the data, never mixed into another year.
    """
    table, world = wh.table(dataset or wh.dataset().id, "bilateral")
    table, period, notes_of_years = select_years(table, world, years_span)
    columns = ("exporter", "importer", "hs6", "value_usd")
    mirrors = [Source(world.id, table.select(*columns), world.hs_edition)]
    manifests = [world]
    notes: list[str] = list(notes_of_years)
    if "USA" in missing_importers(world):
        census = _census(wh, wh.dataset(US_SOURCE), importer="USA")
        mirrors.append(Source(census.manifest.id, census.table.select(*columns), census.edition))
        manifests.append(census.manifest)
    own = None
    latest = str(max((int(y) for y in world.years), default=0))
    if exporter in OWN_STATISTICS and period != latest:
        notes.append(
            f"India's own statistics (one recent fiscal year) are not mixed with {period} "
            "mirror data: every figure is mirror data."
        )
    elif exporter in OWN_STATISTICS:
        eidb = _eidb(wh, wh.dataset(OWN_STATISTICS[exporter]), exporter=exporter)
        own = Source(eidb.manifest.id, eidb.table.select(*columns), eidb.edition)
        manifests.append(eidb.manifest)
        notes.append(
            f"India's own statistics are for {eidb.period} (April-March, {eidb.edition} codes "
            f"converted to {world.hs_edition} with the trade-weighted concordance); mirror "
            f"data for {period}."
        )
    return SalesInputs(
        mirrors,
        own,
        wh.reference_table("hs_concordance"),
        manifests,
        world.hs_edition,
        period,
        tuple(notes),
    )

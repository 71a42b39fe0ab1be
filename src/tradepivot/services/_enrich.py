"""Add human-readable columns (descriptions, names, compliance flags) to result tables."""

from __future__ import annotations

import pyarrow as pa

from tradepivot.data.reference import RESTRICTED_MARKETS, Reference
from tradepivot.services.report import Provenance

__all__ = ["add_chpl", "add_descriptions", "add_names", "chpl_disclaimer"]

CHPL_DISCLAIMER = (
    "Products flagged 'CHPL' are on the Common High Priority List (BIS/EU/Japan/UK, 2024-02-23): "
    "items Russia seeks for its weapons programmes, with a heightened risk of diversion; exporting "
    "them to Russia or Belarus exposes a firm to secondary sanctions. tradepivot informs, it does "
    "not give legal advice."
)


def chpl_disclaimer() -> str:
    return CHPL_DISCLAIMER


def _insert_after(
    table: pa.Table, after: str, name: str, values: list[object], type_: pa.DataType
) -> pa.Table:
    index = table.schema.get_field_index(after) + 1
    return table.add_column(index, pa.field(name, type_), pa.array(values, type_))


def add_descriptions(
    table: pa.Table, ref: Reference, edition: str, column: str = "code"
) -> pa.Table:
    codes = table.column(column).to_pylist()
    texts = [ref.describe(c, edition) if c else None for c in codes]
    return _insert_after(table, column, "description", list(texts), pa.string())


def add_names(table: pa.Table, ref: Reference, column: str, name_column: str) -> pa.Table:
    names = [ref.name(c) if c else None for c in table.column(column).to_pylist()]
    return _insert_after(table, column, name_column, list(names), pa.string())


def add_chpl(
    table: pa.Table, ref: Reference, market: str, provenance: Provenance, column: str = "code"
) -> pa.Table:
    """Flag CHPL products with their tier where the market is Russia or Belarus.

    For chapters and headings (``column`` shorter than 6 digits) the flag lists the tiers of
    the CHPL subheadings inside the code.
    """
    if market not in RESTRICTED_MARKETS:
        return table
    tiers: list[str | None] = []
    for code in table.column(column).to_pylist():
        hits = sorted(
            {item.tier for hs6, item in ref.chpl.items() if code and hs6.startswith(code)}
        )
        tiers.append(", ".join(hits) if hits else None)
    if any(tiers):
        provenance.note(CHPL_DISCLAIMER)
    return table.append_column(pa.field("chpl_tier", pa.string()), pa.array(tiers, pa.string()))

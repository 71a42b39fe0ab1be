"""Look-ups as reports: countries, HS codes, sectors, so every interface answers them alike.

The CLI prints them as one line or a table, the web API returns the same ``{"meta", "rows"}``
JSON as the queries, and the search box of the web pages resolves what a user typed with them.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from tradepivot.data.warehouse import Warehouse
from tradepivot.services.report import Provenance, Report
from tradepivot.services.search import search_products

__all__ = ["country_lookup", "hs_lookup", "sector_list"]

COUNTRY_SCHEMA = pa.schema(
    [
        ("iso3", pa.string()),
        ("name", pa.string()),
        ("iso2", pa.string()),
        ("m49", pa.int64()),
        ("baci_code", pa.int64()),
        ("census_code", pa.string()),
        ("region", pa.string()),
        ("sub_region", pa.string()),
        ("kind", pa.string()),
    ]
)
HS_SCHEMA = pa.schema([("code", pa.string()), ("level", pa.int64()), ("description", pa.string())])


def country_lookup(wh: Warehouse, query: str) -> Report:
    """The country a name or code means (ISO3, ISO2, M49, any spelling a source uses).

    An unknown one is an :class:`~tradepivot.errors.UnknownCountryError` with close matches.
    """
    found = wh.reference.country(query)
    row: dict[str, Any] = {name: getattr(found, name) for name in COUNTRY_SCHEMA.names}
    return Report(
        title=f"{found.name} ({found.iso3})",
        rows=pa.Table.from_pylist([row], schema=COUNTRY_SCHEMA),
        query={"query": query},
        provenance=Provenance(),
        totals={"iso3": found.iso3},
    )


def hs_lookup(wh: Warehouse, query: str, *, edition: str = "HS2017", limit: int = 25) -> Report:
    """An HS code with what is under it, or the products that plain words mean.

    A code (``4202``, ``42.02.21``; national 8/10-digit lines are cut to HS6) gives the code
    itself first, then its headings (a chapter) or subheadings (a heading), at most ``limit``.
    Words (``ladies purse``, ``сумки кожаные``) are :func:`~tradepivot.services.search.
    search_products`' ranked subheadings.
    """
    ref = wh.reference
    if not query.replace(".", "").replace(" ", "").isdigit():
        # Plain words: the one product search of every interface.
        return search_products(ref, query, edition=edition, limit=limit)
    provenance = Provenance()
    codes, notes = ref.parse_hs([query], edition)
    code = ref.hs(codes[0], edition)
    provenance.note(*notes)
    level = 4 if code.level == 2 else 6
    children = (
        [c for c in ref.hs_codes(edition, level) if c.code.startswith(code.code)]
        if code.level < 6
        else []
    )
    hits = [code, *children[:limit]]
    rows = [{"code": c.code, "level": c.level, "description": c.description} for c in hits]
    return Report(
        title=f"HS {query} ({edition})",
        rows=pa.Table.from_pylist(rows, schema=HS_SCHEMA),
        query={"query": query, "edition": edition, "limit": limit},
        provenance=provenance,
        totals={"codes": len(rows)},
    )


def sector_list(wh: Warehouse) -> Report:
    """The named HS scopes (shipped and the user's), each with its source or rationale."""
    rows = [
        {
            "sector": s.name,
            "label": s.label,
            "hs_scope": ", ".join(s.hs) + (f" excl. {', '.join(s.exclude)}" if s.exclude else ""),
            "source": s.source,
        }
        for s in wh.reference.sectors()
    ]
    schema = pa.schema(
        [
            ("sector", pa.string()),
            ("label", pa.string()),
            ("hs_scope", pa.string()),
            ("source", pa.string()),
        ]
    )
    return Report(
        title="Sectors: named HS scopes",
        rows=pa.Table.from_pylist(rows, schema=schema),
        query={},
        provenance=Provenance(),
        totals={"sectors": len(rows)},
        kind="sectors",
    )

"""One search box: what a user typed, read as countries, sectors and HS codes.

``search_box("handbags")`` gives the products plain words mean (the one product search,
:func:`~tradepivot.services.search.search_products`, each subheading after its heading),
``search_box("Russia")`` or ``search_box("u arab emts")`` the country, ``search_box("4202")``
the heading, ``search_box("leather")`` the sectors too. The web pages use it; the CLI's
look-ups answer the same questions one kind at a time.
"""

from __future__ import annotations

import re

import pyarrow as pa

from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import TradepivotError, UnknownCountryError
from tradepivot.services.lookup import hs_lookup
from tradepivot.services.report import Provenance, Report

__all__ = ["search_box"]

_ISO3 = re.compile(r"\(([A-Z0-9]{3})\)$")
SCHEMA = pa.schema([("kind", pa.string()), ("code", pa.string()), ("name", pa.string())])


def search_box(wh: Warehouse, text: str, *, limit: int = 12) -> Report:
    """Hits for ``text``, countries first, then sectors, then HS codes (at most ``limit``)."""
    ref = wh.reference
    query = " ".join(text.split())
    hits: list[dict[str, str]] = []
    close: list[str] = []
    if query:
        try:
            found = ref.country(query)
            hits.append({"kind": "country", "code": found.iso3, "name": found.name})
        except UnknownCountryError as exc:
            close = [m.group(1) for s in exc.suggestions[:3] if (m := _ISO3.search(s))]
        words = query.lower().split()
        for sector in ref.sectors():
            label = f"{sector.name} {sector.label}".lower()
            if all(word in label for word in words):
                hits.append({"kind": "sector", "code": sector.name, "name": sector.label})
        try:
            found_codes = hs_lookup(wh, query, limit=limit)
        except TradepivotError:
            found_codes = None
        if found_codes is not None:
            codes = found_codes.rows.to_pylist()
            if "heading" in found_codes.rows.column_names:  # found by words
                codes = _with_headings(codes)
            hits += [{"kind": "hs", "code": c["code"], "name": c["description"]} for c in codes]
        if not hits:  # a misspelt country, most likely: offer the close ones
            hits += [{"kind": "country", "code": c, "name": ref.name(c)} for c in close]
    rows = hits[:limit]
    return Report(
        title=f"Search: {query}",
        rows=pa.Table.from_pylist(rows, schema=SCHEMA),
        query={"q": query, "limit": limit},
        provenance=Provenance(),
        totals={"hits": len(rows)},
    )


def _with_headings(codes: list[dict[str, object]]) -> list[dict[str, object]]:
    """Subheadings found by words, each heading they belong to listed before them (a search
    for "handbags" should offer heading 4202 itself, not only its subheadings)."""
    out: list[dict[str, object]] = []
    seen = {str(c["code"]) for c in codes}
    for c in codes:
        heading = str(c.get("heading") or "")
        if heading and heading not in seen:
            out.append({"code": heading, "description": c.get("heading_description") or ""})
            seen.add(heading)
        out.append(c)
    return out

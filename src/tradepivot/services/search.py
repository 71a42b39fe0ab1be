"""Products found by plain words: one search for the CLI, the web search box and the portal.

``search_products(ref, "ladies purse")`` ranks HS6 subheadings by BM25 over the HS
descriptions, India's national (EIDB) descriptions and the curated synonyms, in English and
Russian (:mod:`tradepivot.data.hs_search`). No match is a :class:`NoProductMatchError` with
suggestions, never an empty table. The index is built on first use and kept for the process.
"""

from __future__ import annotations

import pyarrow as pa

from tradepivot.data.hs_search import search_index
from tradepivot.data.reference import Reference
from tradepivot.errors import InputError, NoProductMatchError
from tradepivot.services.report import Provenance, Report

__all__ = ["SEARCH_METHOD", "SEARCH_SCHEMA", "search_products"]

SEARCHED = "the {edition} descriptions, India's national HS8 descriptions or the synonym list"
SEARCH_METHOD = (
    "Ranked by BM25 (bm25s) over the {edition} descriptions (subheading and heading), India's "
    "national HS8 descriptions (EIDB, abbreviations spelled out) and a curated list of trade "
    "words in English and Russian (tradepivot/data/reference/product_synonyms.yaml, each entry "
    "with its rationale); words stemmed with Snowball. Scores compare hits of one query only."
)
SEARCH_SCHEMA = pa.schema(
    [
        ("rank", pa.int64()),
        ("code", pa.string()),
        ("description", pa.string()),
        ("heading", pa.string()),
        ("heading_description", pa.string()),
        ("score", pa.float64()),
        ("matched", pa.string()),
        ("sources", pa.string()),
    ]
)
MAX_QUERY = 200  # characters: a product name, not a document


def search_products(
    ref: Reference, query: str, *, edition: str = "HS2017", limit: int = 25
) -> Report:
    """HS6 subheadings of ``edition`` best matching the words of ``query``, best first.

    Parameters
    ----------
    ref: the reference tables (checks the edition).
    query: plain words in English or Russian ("leather shoes", "сумки кожаные").
    edition: ``HS2017`` (the world matrix), ``HS2022`` or an older one.
    limit: most hits returned (1-200).

    Returns a :class:`Report` whose rows follow ``SEARCH_SCHEMA``; notes say how words were
    read (corrected spellings, Russian words searched in English). Raises
    :class:`NoProductMatchError` (with close words) when nothing matches.
    """
    text = " ".join(str(query).split())
    if not text:
        raise InputError("The search is empty: type a product in plain words, e.g. 'leather bags'.")
    if len(text) > MAX_QUERY:
        raise InputError(
            f"The search has {len(text)} characters; at most {MAX_QUERY} are read.",
            hint="Type the product's name in a few words.",
        )
    if not 1 <= limit <= 200:
        raise InputError(
            f"The number of results ($limit) must be between 1 and 200, not {limit}.",
            param="limit",
        )
    if edition not in ref.editions():
        raise InputError(
            f"No nomenclature for HS edition {edition!r}.",
            hint=f"Known editions: {', '.join(ref.editions())}.",
        )
    result = search_index(edition).search(text, limit)
    if not result.hits:
        raise NoProductMatchError(text, SEARCHED.format(edition=edition), result.suggestions)
    provenance = Provenance()
    provenance.note(*result.notes, SEARCH_METHOD.format(edition=edition))
    if result.unknown:
        provenance.note(f"Not found anywhere, so not searched: {', '.join(result.unknown)}.")
    rows = [
        {
            "rank": n,
            "code": hit.code,
            "description": hit.description,
            "heading": hit.heading,
            "heading_description": hit.heading_description,
            "score": hit.score,
            "matched": ", ".join(t.replace("+", " ") for t in hit.matched),
            "sources": ", ".join(hit.sources),
        }
        for n, hit in enumerate(result.hits, start=1)
    ]
    return Report(
        title=f"{edition} subheadings matching {text!r}",
        rows=pa.Table.from_pylist(rows, schema=SEARCH_SCHEMA),
        query={"query": text, "edition": edition, "limit": limit, "terms": list(result.terms)},
        provenance=provenance,
        totals={"hits": len(rows), "best": rows[0]["code"]},
        kind="hs-search",
    )

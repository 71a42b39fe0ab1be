"""Products found by plain words: the index, the curated list, and search quality.

The quality test reads tests/fixtures/search/queries.csv: plain-word queries in English and
Russian, written as exporters and buyers type them, each with the HS headings (or
subheadings) a correct answer starts with. It reports top-1 and top-5 accuracy.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradepivot.data.embedded import hand_kept_dir
from tradepivot.data.hs_search import (
    load_glossary,
    phrase_key,
    search_index,
    tokenize,
    vowelless_spellings,
)
from tradepivot.data.reference import Reference
from tradepivot.errors import InputError, NoProductMatchError
from tradepivot.services.search import SEARCH_SCHEMA, search_products

QUERIES = Path(__file__).parents[1] / "fixtures" / "search" / "queries.csv"


def _queries() -> list[dict[str, str]]:
    with QUERIES.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_search_quality_top5_at_least_90_percent(capsys: pytest.CaptureFixture[str]) -> None:
    index = search_index("HS2017")
    rows = _queries()
    assert len(rows) >= 40
    assert {r["lang"] for r in rows} == {"en", "ru"}
    top1 = top5 = 0
    misses = []
    for row in rows:
        expected = tuple(row["expected"].split())
        codes = [hit.code for hit in index.search(row["query"], 5).hits]
        top1 += bool(codes) and codes[0].startswith(expected)
        found = any(code.startswith(expected) for code in codes)
        top5 += found
        if not found:
            misses.append(f"{row['query']} -> {codes} (expected {' '.join(expected)})")
    with capsys.disabled():
        print(
            f"\nsearch quality: {len(rows)} queries, top-1 {top1 / len(rows):.1%}, "
            f"top-5 {top5 / len(rows):.1%}; not in top 5: {misses}"
        )
    assert top5 / len(rows) >= 0.9, misses


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("leather shoes", "6403"),
        ("wallet", "420231"),  # leather first
        ("ladies purse", "4202"),
        ("finished leather", ("4107", "4112", "4113", "4114")),
        ("сумки кожаные", "4202"),
    ],
)
def test_the_issue_examples_come_first(query: str, first: str | tuple[str, ...]) -> None:
    hits = search_index("HS2017").search(query, 5).hits
    assert hits[0].code.startswith(first)


def test_safety_shoes_find_the_metal_toe_cap_subheading() -> None:
    codes = [h.code for h in search_index("HS2017").search("safety shoes", 3).hits]
    assert "640340" in codes


def test_wallet_puts_leather_before_paper() -> None:
    codes = [h.code for h in search_index("HS2017").search("wallet", 10).hits]
    assert codes.index("420231") < codes.index("481730")


def test_hits_say_where_they_matched_and_are_best_first() -> None:
    result = search_index("HS2017").search("leather handbags", 10)
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    top = result.hits[0]
    assert top.code == "420221" and top.heading == "4202"
    assert {"hs", "eidb"} <= set(top.sources)
    assert "leather" in top.matched


def test_misspelt_words_are_read_as_the_closest_known_word() -> None:
    result = search_index("HS2017").search("lether walets", 3)
    assert result.hits[0].code.startswith("4202")
    assert any("read as 'leather'" in note for note in result.notes)


def test_russian_words_are_searched_in_english_and_said_so() -> None:
    result = search_index("HS2017").search("кошельки", 3)
    assert result.hits[0].code == "420231"
    assert any("wallet" in note for note in result.notes)


def test_hs2022_edition_has_its_own_codes() -> None:
    codes = [h.code for h in search_index("HS2022").search("smartphones", 5).hits]
    assert "851713" in codes  # HS2022's own subheading for smartphones


def test_nonsense_is_an_error_with_suggestions(reference: Reference) -> None:
    with pytest.raises(NoProductMatchError) as caught:
        search_products(reference, "qwxzv")
    assert caught.value.exit_code == 2 and caught.value.http_status == 404
    assert "qwxzv" in caught.value.message and "HS code" in str(caught.value)
    with pytest.raises(NoProductMatchError) as close:
        search_products(reference, "zzlethrz")
    assert close.value.suggestions  # known words close to what was typed


@pytest.mark.parametrize(
    ("query", "kwargs"),
    [
        ("", {}),
        ("   ", {}),
        ("shoes " * 60, {}),
        ("shoes", {"limit": 0}),
        ("shoes", {"edition": "HS1900"}),
    ],
)
def test_bad_searches_are_input_errors(
    reference: Reference, query: str, kwargs: dict[str, object]
) -> None:
    with pytest.raises(InputError):
        search_products(reference, query, **kwargs)  # type: ignore[arg-type]


def test_service_report_follows_its_schema(reference: Reference) -> None:
    report = search_products(reference, "basmati rice", limit=5)
    assert report.rows.schema == SEARCH_SCHEMA
    assert report.rows.column("code")[0].as_py() == "100630"
    assert report.rows.column("rank").to_pylist() == list(range(1, report.rows.num_rows + 1))
    assert report.totals["best"] == "100630"
    assert any("BM25" in note for note in report.provenance.notes)


def test_reference_search_uses_the_same_ranking(reference: Reference) -> None:
    assert [c.code for c in reference.search_hs("wallet", "HS2017", 3)] == [
        h.code for h in search_index("HS2017").search("wallet", 3).hits
    ]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_hits_or_a_clear_error(text: str) -> None:
    try:
        report = search_products(Reference(), text, limit=5)
    except InputError as exc:
        assert exc.message
    else:
        assert 1 <= report.rows.num_rows <= 5


def test_tokenize_stems_both_languages_and_drops_boilerplate() -> None:
    assert tokenize("Footwear; n.e.c. in heading no. 6403, of leather") == ["footwear", "leather"]
    assert tokenize("ЁЛКИ кожаные") == tokenize("елки кожаные")
    assert phrase_key(["shoe", "safeti"]) == phrase_key(["safeti", "shoe"]) == "safeti+shoe"


def test_vowelless_spellings_never_replace_real_words() -> None:
    known = ["leather", "footwear", "litre", "leather"]
    found = vowelless_spellings(known, ["lthr", "ftwr", "lot", "leather", "xq"])
    assert found == {"ftwr": "footwear", "lthr": "leather"}


def test_every_curated_entry_names_real_codes_and_says_why(reference: Reference) -> None:
    import yaml

    doc = yaml.safe_load((hand_kept_dir() / "product_synonyms.yaml").read_text(encoding="utf-8"))
    for entry in doc["synonyms"]:
        assert entry["why"].strip(), entry
        for code in entry["hs"]:
            assert any(
                reference.describe(str(code), edition) for edition in ("HS2017", "HS2022")
            ), f"{code} of {entry['words']} is in neither HS2017 nor HS2022"
    glossary = load_glossary()
    assert glossary.russian["кожан"] == ("leather",)
    assert all(glossary.russian.values())

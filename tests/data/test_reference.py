"""Reference tables: what users type resolves, what is wrong fails with suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradepivot.data.reference import Reference
from tradepivot.errors import (
    InputError,
    UnknownCountryError,
    UnknownProductError,
    UnknownSectorError,
)


@pytest.mark.parametrize(
    ("query", "iso3"),
    [
        ("RUS", "RUS"),
        ("ru", "RUS"),
        ("643", "RUS"),
        ("Russia", "RUS"),
        ("russian federation", "RUS"),
        ("IND", "IND"),
        ("699", "IND"),
        ("356", "IND"),
        ("U S A", "USA"),
        ("842", "USA"),
        ("Taiwan", "S19"),
        ("TWN", "S19"),
        ("490", "S19"),
        ("UAE", "ARE"),
        ("U ARAB EMTS", "ARE"),
        ("Türkiye", "TUR"),
        ("turkey", "TUR"),
        ("0003", "EU27"),
        ("5830", "S19"),
        ("004", "AFG"),
    ],
)
def test_countries_resolve_from_any_spelling(reference: Reference, query: str, iso3: str) -> None:
    assert reference.country(query).iso3 == iso3


def test_unknown_country_suggests_close_matches(reference: Reference) -> None:
    with pytest.raises(UnknownCountryError) as info:
        reference.country("Rusia")
    assert "Russia (RUS)" in info.value.suggestions
    assert info.value.exit_code == 2


def test_hs_codes_validate_against_the_edition(reference: Reference) -> None:
    assert reference.hs("4202").description.startswith("Trunks")
    assert reference.hs("42.02.21").code == "420221"
    codes, notes = reference.parse_hs(["42022110", "64, 4203"])
    assert codes == ["420221", "64", "4203"]
    assert "national 8-digit line" in notes[0]
    with pytest.raises(UnknownProductError, match="does not exist") as info:
        reference.hs("4299")
    assert any(s.startswith("4202") for s in info.value.suggestions)
    with pytest.raises(UnknownProductError, match="2, 4 or 6 digits"):
        reference.hs("42x")


def test_editions_differ_where_hs2022_changed(reference: Reference) -> None:
    # Smartphones: 851712 in HS2017, 851713 new in HS2022.
    assert reference.describe("851713", "HS2022") is not None
    assert reference.describe("851713", "HS2017") is None
    assert (
        len(reference.hs_codes("HS2017", 6)) == 5387 or len(reference.hs_codes("HS2017", 6)) == 5388
    )
    assert len(reference.hs_codes("HS2022", 6)) == 5613


def test_every_world_matrix_code_has_a_description(
    wh_reference_codes: set[str], reference: Reference
) -> None:
    missing = [c for c in wh_reference_codes if reference.describe(c, "HS2017") is None]
    assert missing == []


@pytest.fixture(scope="module")
def wh_reference_codes() -> set[str]:
    import duckdb

    from tradepivot.data.embedded import default_dir

    files = str(default_dir() / "world_2024" / "part-*.parquet")
    rows = duckdb.sql(f"SELECT DISTINCT hs6 FROM read_parquet('{files}')").fetchall()
    return {r[0] for r in rows}


def test_sectors_carry_scope_and_source(reference: Reference) -> None:
    leather = reference.sector("leather")
    assert leather.hs == ("41", "42", "43", "64")
    assert "Council for Leather Exports" in leather.source
    assert all(s.source for s in reference.sectors())
    scope = reference.product_scope(sector="leather", hs=["4202"])
    assert scope.prefixes == ("4202",)
    with pytest.raises(InputError, match="outside sector"):
        reference.product_scope(sector="leather", hs=["30"])
    with pytest.raises(UnknownSectorError) as info:
        reference.sector("lether")
    assert "leather" in info.value.suggestions


def test_user_sectors_add_and_override(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        'sectors:\n  kanpur:\n    label: Kanpur cluster\n    hs: ["4107", "4203", "6403"]\n    source: cluster survey\n'
    )
    ref = Reference(sectors_file=path)
    assert ref.sector("kanpur").hs == ("4107", "4203", "6403")
    assert ref.sector("leather").hs == ("41", "42", "43", "64")
    path.write_text("sectors:\n  bad:\n    hs: [4202]\n")
    assert Reference(sectors_file=path).sector("bad").hs == ("4202",)
    path.write_text("sectors:\n  bad:\n    hs: [402]\n")
    with pytest.raises(InputError, match="not an HS code"):
        Reference(sectors_file=path).sector("bad")


def test_exchange_rates_are_dated_and_sourced(reference: Reference) -> None:
    inr = reference.fx_rate("INR", "2024")
    assert inr.rate_per_usd == pytest.approx(83.67, abs=0.01)
    assert "World Bank" in inr.source
    assert reference.fx_rate("INR", "FY2024-25").kind == "derived"
    with pytest.raises(InputError, match="No INR exchange rate for 1999"):
        reference.fx_rate("INR", "1999")


def test_chpl_has_fifty_codes_in_tiers(reference: Reference) -> None:
    tiers = [item.tier for item in reference.chpl.values()]
    assert len(tiers) == 50
    assert sorted(set(tiers)) == ["1", "2", "3.A", "3.B", "4.A", "4.B"]

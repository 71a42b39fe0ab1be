"""BACI reader on real-format samples, good and broken."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import SOURCES
from tradepivot.config import Settings
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import InputError, SourceFileError
from tradepivot.services.ingest import ingest_file

BACI = SOURCES / "baci"
NAME = "BACI_HS17_Y2024_V202501.csv"
CODES = {
    "countries": BACI / "good" / "country_codes_V202501.csv",
    "products": BACI / "good" / "product_codes_HS17_V202501.csv",
}


def test_good_file_loads_every_row_with_values_in_usd(settings: Settings) -> None:
    result = ingest_file(settings, "baci", BACI / "good" / NAME)
    assert (result.status, result.rows, result.edition, result.years) == (
        "loaded",
        2000,
        "HS2017",
        [2024],
    )
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    # Independent check: sum v (thousand USD) straight from the CSV.
    expected = con.execute(
        f"SELECT sum(v) * 1000 FROM read_csv('{BACI / 'good' / NAME}', types={{'k': 'VARCHAR'}})"
    ).fetchone()
    got = con.execute(
        "SELECT sum(value_usd), count(DISTINCT exporter), min(length(hs6)) FROM bilateral"
    ).fetchone()
    con.close()
    assert expected is not None and got is not None
    assert got[0] == pytest.approx(expected[0], rel=1e-12)
    assert got[1:] == (4, 6)  # IND, CHN, TUR, ITA; leading zeros restored


def test_loaded_values_match_the_embedded_matrix(settings: Settings) -> None:
    """The sample was cut from the world matrix: the same flows must come back."""
    ingest_file(settings, "baci", BACI / "good" / NAME)
    user = Warehouse(settings)
    mine, _ = user.table("baci-hs17-2024-v202501")
    theirs, _ = user.table("world-2024")
    keys = ["exporter", "importer", "hs6"]
    joined = mine.join(theirs, keys).select(mine.value_usd, other=theirs.value_usd).to_pyarrow()
    assert joined.num_rows == 2000
    assert joined.column("value_usd").to_pylist() == pytest.approx(
        joined.column("other").to_pylist(), abs=0.5
    )
    user.close()


def test_country_codes_fall_back_to_embedded_baci_codes(settings: Settings, tmp_path: Path) -> None:
    lonely = tmp_path / NAME
    lonely.write_bytes((BACI / "small" / NAME).read_bytes())  # no country file next to it
    result = ingest_file(settings, "baci", lonely)
    assert result.rows == 20


@pytest.mark.parametrize(
    ("case", "line", "field", "words"),
    [
        ("malformed_row", 8, None, "malformed row with 5 fields"),
        ("missing_column_v", 1, None, "missing column v"),
        ("unknown_country_code", 5, "i", "unknown country code '999'"),
        ("negative_value", 11, "v", "negative value -27993.995"),
        ("non_numeric_value", 14, "v", "'12,5x' is not a number"),
        ("unknown_hs_code", 17, "k", "unknown HS2017 code '999999'"),
    ],
)
def test_broken_files_name_line_and_field_and_change_nothing(
    settings: Settings, case: str, line: int, field: str | None, words: str
) -> None:
    ingest_file(settings, "baci", BACI / "good" / NAME, name="before")
    with pytest.raises(SourceFileError) as info:
        ingest_file(settings, "baci", BACI / "broken" / case / NAME, **CODES)
    error = info.value
    assert (error.line, error.field) == (line, field)
    assert words in str(error)
    assert error.exit_code == 2
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    assert con.execute(
        "SELECT list(id ORDER BY id), (SELECT count(*) FROM bilateral) FROM datasets"
    ).fetchone() == (["before"], 2000)
    con.close()


def test_same_file_twice_changes_nothing_and_a_changed_file_replaces(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / NAME
    path.write_bytes((BACI / "small" / NAME).read_bytes())
    first = ingest_file(settings, "baci", path, **CODES)
    second = ingest_file(settings, "baci", path, **CODES)
    assert (first.status, second.status, second.rows) == ("loaded", "unchanged", 20)
    path.write_text("\n".join(path.read_text().splitlines()[:11]) + "\n")
    third = ingest_file(settings, "baci", path, **CODES)
    assert (third.status, third.rows) == ("replaced", 10)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM bilateral").fetchone() == (10,)
    con.close()


def test_edition_is_detected_when_the_name_does_not_say(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_bytes((BACI / "good" / NAME).read_bytes())
    result = ingest_file(settings, "baci", path, countries=CODES["countries"])
    assert (result.dataset_id, result.edition) == ("flows", "HS2017")


def test_embedded_dataset_names_are_reserved(settings: Settings) -> None:
    with pytest.raises(InputError, match="embedded dataset"):
        ingest_file(settings, "baci", BACI / "small" / NAME, name="world-2024", **CODES)


def test_the_same_file_with_another_edition_is_reloaded(settings: Settings) -> None:
    path = BACI / "good" / NAME
    assert ingest_file(settings, "baci", path).status == "loaded"
    assert ingest_file(settings, "baci", path).status == "unchanged"
    assert ingest_file(settings, "baci", path, edition="HS17").status == "replaced"

"""US Census imports reader on real-format samples (CSV, API JSON), good and broken."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SOURCES
from tests.data.sources.helpers import manifest, query
from tradepivot.config import Settings
from tradepivot.errors import InputError, SourceFileError
from tradepivot.services.ingest import ingest_file

CENSUS = SOURCES / "us_census"
GOOD_CSV = CENSUS / "good" / "us_imports_2024_hts10_by_partner_sample.csv"
GOOD_JSON = CENSUS / "good" / "imports_hs_2024-12_HS10.json"
SMALL_CSV = CENSUS / "small" / "us_imports_2024_hts10_small.csv"
SMALL_JSON = CENSUS / "small" / "imports_hs_small.json"
READ_CSV = "read_csv('{}', quote='\"', types={{'cty_code': 'VARCHAR', 'hts10': 'VARCHAR', 'hs6': 'VARCHAR'}})"


def test_good_csv_loads_every_row_with_partner_and_duty(settings: Settings) -> None:
    result = ingest_file(settings, "census", GOOD_CSV)
    assert (result.status, result.rows, result.edition, result.years) == (
        "loaded",
        1917,
        "HS2022",
        [2024],
    )
    assert result.dataset_id == "census-us-imports-2024-hts10-by-partner-sample"
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    # Independent check, straight from the CSV: totals per Census country code.
    expected = con.execute(
        f"SELECT cty_code, count(*), sum(value_usd), sum(duty_usd) FROM {READ_CSV.format(GOOD_CSV)} GROUP BY 1 ORDER BY 1"
    ).fetchall()
    got = con.execute(
        "SELECT cty_code, count(*), sum(value_usd), sum(duty_usd) FROM us_imports GROUP BY 1 ORDER BY 1"
    ).fetchall()
    shape = con.execute(
        """SELECT list(DISTINCT partner ORDER BY partner), min(length(code)), max(length(code)),
                  bool_and(starts_with(code, hs6)), min(year)
           FROM us_imports"""
    ).fetchall()
    con.close()
    assert got == expected
    assert shape == [(["CHN", "EU27", "IND", "VNM"], 10, 10, True, 2024)]
    stored = manifest(settings, result.dataset_id)
    gaps = {g["id"]: g for g in stored["gaps"]}
    assert gaps["eu-bloc"]["partners"] == ["EU27"]
    assert "4 partners" in gaps["top50-partners"]["text"]
    assert stored["coverage"]["edition_basis"] == "detected from the HS6 codes"


def test_us_imports_from_india_equal_an_independent_sum(settings: Settings) -> None:
    ingest_file(settings, "census", GOOD_CSV)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    expected = con.execute(
        f"SELECT sum(value_usd), sum(duty_usd), count(*) FROM {READ_CSV.format(GOOD_CSV)} WHERE iso3 = 'IND'"
    ).fetchone()
    got = con.execute(
        "SELECT sum(value_usd), sum(duty_usd), count(*) FROM us_imports WHERE partner = 'IND'"
    ).fetchone()
    con.close()
    assert expected is not None and expected[2] == 504
    assert got == expected


def test_api_json_gives_the_same_figures_as_the_csv(settings: Settings) -> None:
    result = ingest_file(settings, "census", GOOD_JSON)
    assert (result.rows, result.edition, result.years) == (764, "HS2022", [2024])
    header, *rows = json.loads(GOOD_JSON.read_text())
    value, duty, country = (
        header.index("CON_VAL_YR"),
        header.index("CAL_DUT_YR"),
        header.index("CTY_CODE"),
    )
    india = [r for r in rows if r[country] == "5330"]
    assert query(settings, "SELECT sum(value_usd), sum(duty_usd) FROM us_imports") == [
        (sum(float(r[value]) for r in rows), sum(float(r[duty]) for r in rows))
    ]
    assert query(settings, "SELECT sum(value_usd) FROM us_imports WHERE partner = 'IND'") == [
        (sum(float(r[value]) for r in india),)
    ]
    ingest_file(settings, "census", GOOD_CSV, name="csv")
    pairs = query(
        settings,
        """SELECT j.value_usd = c.value_usd AND j.duty_usd = c.duty_usd AND j.partner = c.partner
           FROM us_imports j JOIN us_imports c USING (cty_code, code)
           WHERE j.dataset = ? AND c.dataset = 'csv'""",
        [result.dataset_id],
    )
    assert len(pairs) == 764 and all(ok for (ok,) in pairs)
    assert manifest(settings, result.dataset_id)["coverage"]["periods"] == {"2024": "2024-12"}


def test_hs6_layout_without_hts10_uses_hs6_as_the_code(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "us_imports_2024_hs6_sample.csv"
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT 'USA' AS importer, cty_code, iso3, cty_name, hs6, sum(value_usd) AS value_usd,
                         sum(duty_usd) AS duty_usd
                  FROM {READ_CSV.format(GOOD_CSV)} GROUP BY ALL ORDER BY ALL)
            TO '{path}' (HEADER, QUOTE '"')"""
    )
    con.close()
    result = ingest_file(settings, "census", path)
    assert result.years == [2024]
    assert query(
        settings,
        "SELECT bool_and(code = hs6), sum(value_usd), count(DISTINCT partner) FROM us_imports",
    ) == [(True, 245_207_221_002.0, 4)]
    assert manifest(settings, result.dataset_id)["coverage"]["layout"] == "HS6"


def test_year_comes_from_the_option_when_the_file_does_not_say(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "imports.csv"
    path.write_bytes(SMALL_CSV.read_bytes())
    with pytest.raises(InputError, match="says nothing about its year"):
        ingest_file(settings, "census", path)
    assert ingest_file(settings, "census", path, year=2024).years == [2024]


def test_a_year_option_contradicting_the_time_column_is_refused(settings: Settings) -> None:
    with pytest.raises(SourceFileError, match="not in 2023") as info:
        ingest_file(settings, "census", SMALL_JSON, year=2023)
    assert (info.value.line, info.value.field) == (2, "time")


def test_two_year_to_date_periods_of_one_year_are_refused(
    settings: Settings, tmp_path: Path
) -> None:
    lines = SMALL_JSON.read_text().splitlines()
    lines[9] = lines[9].replace('"2024-12"', '"2024-06"')
    path = tmp_path / "mixed.json"
    path.write_text("\n".join(lines))
    with pytest.raises(SourceFileError, match="counted twice") as info:
        ingest_file(settings, "census", path)
    assert (info.value.line, info.value.field) == (10, "time")


def test_general_imports_only_when_consumption_is_absent_and_said(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "general_2024.json"
    path.write_text(SMALL_JSON.read_text().replace('"CON_VAL_YR"', '"GEN_VAL_YR"', 1))
    ingest_file(settings, "census", path)
    stored = manifest(settings, "census-general-2024")
    assert stored["coverage"]["value_variable"] == "GEN_VAL_YR"
    assert "general-imports" in {g["id"] for g in stored["gaps"]}


def test_taiwan_is_s19_and_continent_totals_are_skipped(settings: Settings, tmp_path: Path) -> None:
    lines = SMALL_CSV.read_text().splitlines()
    lines[6] = lines[6].replace("5330,IND,INDIA", "5830,TWN,TAIWAN")
    lines[7] = lines[7].replace("5330,IND,INDIA", "5XXX,,ASIA")
    path = tmp_path / "us_imports_2024_edit.csv"
    path.write_text("\n".join(lines) + "\n")
    result = ingest_file(settings, "census", path)
    assert result.rows == 19
    assert query(settings, "SELECT partner FROM us_imports WHERE cty_code = '5830'") == [("S19",)]
    assert manifest(settings, result.dataset_id)["coverage"]["aggregate_rows_skipped"] == 1


@pytest.mark.parametrize(
    ("case", "line", "field", "words"),
    [
        ("unknown_cty_code.csv", 5, "cty_code", "unknown Census country code '9999'"),
        ("negative_duty.csv", 9, "duty_usd", "negative value -13508"),
        ("non_numeric_value.csv", 11, "value_usd", "'12,5x' is not a number"),
        ("missing_column_hts10.csv", 1, "hts10", "missing column hts10"),
        ("malformed_row.csv", 14, None, "malformed row with 6 fields"),
        ("api_short_row.json", 6, None, "data row 5: 7 values for 8 columns"),
        ("api_missing_I_COMMODITY.json", 1, "I_COMMODITY", "has no I_COMMODITY column"),
    ],
)
def test_broken_files_name_line_and_field_and_change_nothing(
    settings: Settings, case: str, line: int, field: str | None, words: str
) -> None:
    ingest_file(settings, "census", GOOD_CSV, name="before")
    with pytest.raises(SourceFileError) as info:
        ingest_file(settings, "census", CENSUS / "broken" / case, year=2024)
    error = info.value
    assert (error.line, error.field) == (line, field)
    assert words in str(error)
    assert error.exit_code == 2
    assert query(settings, "SELECT list(id), (SELECT count(*) FROM us_imports) FROM datasets") == [
        (["before"], 1917)
    ]


def test_same_file_twice_changes_nothing_and_a_changed_file_replaces(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "us_imports_2024.csv"
    path.write_bytes(SMALL_CSV.read_bytes())
    first = ingest_file(settings, "census", path)
    second = ingest_file(settings, "census", path)
    assert (first.status, second.status, second.rows) == ("loaded", "unchanged", 20)
    path.write_text("\n".join(path.read_text().splitlines()[:11]) + "\n")
    third = ingest_file(settings, "census", path)
    assert (third.status, third.rows) == ("replaced", 10)
    assert query(settings, "SELECT count(*) FROM us_imports") == [(10,)]

"""India EIDB reader on real-format samples (tidy CSV, raw scraped JSON), good and broken."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SOURCES
from tests.data.sources.helpers import manifest, query
from tradepivot.config import Settings
from tradepivot.data.reference import Reference
from tradepivot.data.sources.eidb import EidbReader
from tradepivot.errors import SourceFileError
from tradepivot.services.ingest import ingest_file

EIDB = SOURCES / "india_eidb"
TIDY = EIDB / "tidy" / "india_eidb_exports_hs8_country_ch42_ch64.csv"
SMALL = EIDB / "small" / "india_eidb_exports_small.csv"
RAW = EIDB / "raw"
EXPORT_PAGES = ("42022110_export.json", "42022190_export.json", "64039990_export.json")
UNMAPPED = ("INSTALLATIONS IN INTERNATIONAL WATERS", "PANAMA C Z", "UNSPECIFIED")
HEADER = "flow,hs8,fy,country_eidb,value_usd_mn,quantity,unit"


def _pages(tmp_path: Path, names: tuple[str, ...] = EXPORT_PAGES) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in names:
        shutil.copy(RAW / name, folder / name)
    return folder


def test_tidy_csv_loads_every_row_in_usd_by_fiscal_year(settings: Settings) -> None:
    result = ingest_file(settings, "eidb", TIDY)
    fys = ["2017-18", "2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25"]
    assert (result.status, result.rows, result.edition, result.years) == (
        "loaded",
        2000,
        "ITC-HS8",
        fys,
    )
    assert result.dataset_id == "eidb-india-eidb-exports-hs8-country-ch42-ch64"
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    # Independent check: USD million x 1e6 per fiscal year, straight from the CSV.
    expected = con.execute(
        f"""SELECT fy, count(*), sum(value_usd_mn) * 1e6, count(quantity)
            FROM read_csv('{TIDY}', quote='"', types={{'hs8': 'VARCHAR', 'fy': 'VARCHAR'}})
            GROUP BY fy ORDER BY fy"""
    ).fetchall()
    got = con.execute(
        "SELECT fy, count(*), sum(value_usd), count(quantity) FROM national_exports GROUP BY fy ORDER BY fy"
    ).fetchall()
    shape = con.execute(
        "SELECT DISTINCT reporter, length(code), count(*) FILTER (WHERE value_usd = 0) FROM national_exports GROUP BY ALL"
    ).fetchall()
    con.close()
    assert [(fy, n, q) for fy, n, _, q in got] == [(fy, n, q) for fy, n, _, q in expected]
    for (_, _, mine, _), (_, _, theirs, _) in zip(got, expected, strict=True):
        assert mine == pytest.approx(theirs, rel=1e-9)
    assert shape == [("IND", 8, 753)]  # 0.0 = under USD 5,000: a real value, kept
    stored = manifest(settings, result.dataset_id)
    assert {g["id"] for g in stored["gaps"]} >= {"itc-hs-basis", "exports-only"}
    assert stored["coverage"]["fy_hs_basis"]["2024-25"] == "HS2022"
    assert stored["coverage"]["fy_hs_basis"]["2020-21"] == "HS2017"


def test_every_real_eidb_spelling_maps(reference: Reference) -> None:
    """The 245 spellings: 242 map to ISO3, the 3 that name no country map to a null partner."""
    aliases = reference.aliases("eidb")
    assert len(aliases) >= 242
    with TIDY.open(encoding="utf-8", newline="") as fh:
        names = {row["country_eidb"] for row in csv.DictReader(fh)}
    assert len(names) > 150
    assert sorted(n for n in names if n not in aliases and n not in UNMAPPED) == []
    reader = EidbReader(TIDY, reference)
    assert len(reader.names) == 245
    assert [reader.names[n] for n in UNMAPPED] == [None, None, None]
    assert (aliases["U S A"], aliases["RUSSIA"], aliases["U ARAB EMTS"]) == ("USA", "RUS", "ARE")


def test_names_that_are_no_country_keep_their_name_and_a_null_partner(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "odd.csv"
    lines = [f"export,42022110,2024-25,{name},0.5,10,NOS" for name in (*UNMAPPED, "U S A")]
    path.write_text("\r\n".join([HEADER, *lines]) + "\r\n")
    ingest_file(settings, "eidb", path)
    rows = query(
        settings, "SELECT partner_name, partner FROM national_exports ORDER BY partner_name"
    )
    assert rows == [(UNMAPPED[0], None), (UNMAPPED[1], None), ("U S A", "USA"), (UNMAPPED[2], None)]
    gaps = {g["id"]: g["text"] for g in manifest(settings, "eidb-odd")["gaps"]}
    assert "UNSPECIFIED (1 rows)" in gaps["unmapped-partners"]


def test_raw_pages_fy2024_25_equal_the_tidy_rows(settings: Settings, tmp_path: Path) -> None:
    raw = ingest_file(settings, "eidb", _pages(tmp_path), name="raw")
    assert (raw.rows, raw.years) == (808, ["2022-23", "2023-24", "2024-25"])
    ingest_file(settings, "eidb", TIDY, name="tidy")
    codes = ["42022110", "42022190", "64039990"]
    tidy_rows = query(
        settings,
        "SELECT count(*) FROM national_exports WHERE dataset = 'tidy' AND fy = '2024-25' AND list_contains(?, code)",
        [codes],
    )[0][0]
    pairs = query(
        settings,
        """SELECT r.value_usd, t.value_usd, r.quantity, t.quantity, r.unit, t.unit
           FROM national_exports r JOIN national_exports t USING (code, partner_name, fy)
           WHERE r.dataset = 'raw' AND t.dataset = 'tidy' AND fy = '2024-25'""",
    )
    assert tidy_rows > 20
    assert len(pairs) == tidy_rows  # every tidy row of these codes is in the raw pages
    assert all(rv == tv and rq == tq and ru == tu for rv, tv, rq, tq, ru, tu in pairs)


def test_fixed_year_labels_mean_two_fiscal_years_per_block(settings: Settings) -> None:
    """Block 2023 holds FY2022-23 under y2023_2024; the later block wins for FY2023-24."""
    ingest_file(settings, "eidb", RAW / "42022110_export.json")
    usa = query(
        settings,
        "SELECT fy, value_usd FROM national_exports WHERE partner = 'USA' ORDER BY fy",
    )
    assert usa == [("2022-23", 43_080_000.0), ("2023-24", 38_020_000.0), ("2024-25", 42_930_000.0)]
    # Independent check with Python's json: every non-null value of the page, FY deduplicated.
    page = json.loads((RAW / "42022110_export.json").read_text())
    expected: dict[tuple[str, str], float] = {}
    for block in sorted(page["years"], key=int):
        year = int(block)
        for entry in page["years"][block]["countries"]:
            for label, start in (("y2023_2024", year - 1), ("y2024_2025", year)):
                value = entry["values_usd"][label]
                if value is not None:
                    expected[(entry["country"], f"{start}-{(start + 1) % 100:02d}")] = value
    got = query(settings, "SELECT count(*), sum(value_usd) FROM national_exports")
    assert got == [(len(expected), pytest.approx(sum(expected.values()) * 1e6, rel=1e-12))]


def test_mislabelled_import_page_is_refused_alone_and_in_a_folder(
    settings: Settings, tmp_path: Path
) -> None:
    ingest_file(settings, "eidb", SMALL, name="before")
    for path in (
        RAW / "42022110_import.json",
        _pages(tmp_path, (*EXPORT_PAGES, "42022110_import.json")),
    ):
        with pytest.raises(SourceFileError) as info:
            ingest_file(settings, "eidb", path)
        text = str(info.value)
        assert "42022110_import.json" in text
        assert "labelled import" in text and "export page" in text and "INR crore" in text
        assert info.value.field == "trade_type"
    assert query(
        settings, "SELECT list(id), (SELECT count(*) FROM national_exports) FROM datasets"
    ) == [(["before"], 20)]


def test_inr_crore_values_are_refused_even_when_labelled_export(
    settings: Settings, tmp_path: Path
) -> None:
    page = json.loads((RAW / "42022110_import.json").read_text())
    page["metadata"]["trade_type"] = "export"
    path = tmp_path / "42022110_export.json"
    path.write_text(json.dumps(page))
    with pytest.raises(SourceFileError, match="INR crore"):
        ingest_file(settings, "eidb", path)


@pytest.mark.parametrize(
    ("case", "line", "field", "words"),
    [
        ("unknown_country.csv", 4, "country_eidb", "unknown EIDB country name 'RUSIA'"),
        ("bad_fy_range.csv", 7, "fy", "bad fiscal year '2024-26'"),
        ("bad_fy_format.csv", 10, "fy", "bad fiscal year '24-25'"),
        ("negative_value.csv", 12, "value_usd_mn", "negative value -0.02"),
        ("non_numeric_value.csv", 15, "value_usd_mn", "'12,5x' is not a number"),
        ("hs8_7_digits.csv", 18, "hs8", "hs8 must have 8 digits, got '6403999'"),
        ("missing_column_value_usd_mn.csv", 1, None, "missing column value_usd_mn"),
        ("64039990_export_truncated.json", 977, None, "64039990_export_truncated.json"),
    ],
)
def test_broken_files_name_line_and_field_and_change_nothing(
    settings: Settings, case: str, line: int, field: str | None, words: str
) -> None:
    ingest_file(settings, "eidb", TIDY, name="before")
    with pytest.raises(SourceFileError) as info:
        ingest_file(settings, "eidb", EIDB / "broken" / case)
    error = info.value
    assert (error.line, error.field) == (line, field)
    assert words in str(error)
    assert error.exit_code == 2
    assert query(
        settings, "SELECT list(id), (SELECT count(*) FROM national_exports) FROM datasets"
    ) == [(["before"], 2000)]


def test_unknown_name_suggests_the_real_spelling(settings: Settings) -> None:
    with pytest.raises(SourceFileError) as info:
        ingest_file(settings, "eidb", EIDB / "broken" / "unknown_country.csv")
    assert info.value.hint is not None and "RUSSIA" in info.value.hint


def test_truncated_page_is_not_valid_json(settings: Settings) -> None:
    with pytest.raises(SourceFileError, match=r"not valid JSON \(truncated\?"):
        ingest_file(settings, "eidb", EIDB / "broken" / "64039990_export_truncated.json")


def test_rows_with_a_quantity_but_no_value_are_kept_and_counted(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text(
        f"{HEADER}\r\nexport,03038930,2024-25,JAPAN,,1,KGS\r\nexport,03038930,2024-25,IRELAND,0.0,300,KGS\r\n"
    )
    ingest_file(settings, "eidb", path)
    assert query(
        settings, "SELECT code, partner, value_usd, quantity FROM national_exports ORDER BY partner"
    ) == [
        ("03038930", "IRL", 0.0, 300.0),
        ("03038930", "JPN", None, 1.0),
    ]
    stored = manifest(settings, "eidb-gaps")
    assert stored["coverage"]["rows_without_value"] == 1
    assert "missing-values" in {g["id"] for g in stored["gaps"]}


def test_same_file_twice_changes_nothing_and_a_changed_file_replaces(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "eidb.csv"
    path.write_bytes(SMALL.read_bytes())
    first = ingest_file(settings, "eidb", path)
    second = ingest_file(settings, "eidb", path)
    assert (first.status, second.status, second.rows) == ("loaded", "unchanged", 20)
    path.write_bytes(b"\r\n".join(SMALL.read_bytes().split(b"\r\n")[:11]) + b"\r\n")
    third = ingest_file(settings, "eidb", path)
    assert (third.status, third.rows) == ("replaced", 10)
    folder = _pages(tmp_path)
    assert ingest_file(settings, "eidb", folder).status == "loaded"
    assert ingest_file(settings, "eidb", folder).status == "unchanged"

"""UN Comtrade reader on real-format samples (CSV, tab-separated bulk file, API JSON), good and broken."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import SOURCES
from tests.data.sources.helpers import manifest, query
from tradepivot.config import Settings
from tradepivot.errors import InputError, SourceFileError
from tradepivot.services.ingest import ingest_file

COMTRADE = SOURCES / "comtrade"
NAME = "TradeData_IND_2024_H5_M-X_RUS-W00.csv"
GOOD_CSV = COMTRADE / "good" / NAME
GOOD_JSON = COMTRADE / "good" / "get_C_A_HS_reporter699_2024.json"
SMALL = COMTRADE / "small" / NAME


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> Path:
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_good_csv_keeps_leaf_hs6_flows_with_values_in_usd(settings: Settings) -> None:
    result = ingest_file(settings, "comtrade", GOOD_CSV)
    assert (result.status, result.rows, result.edition, result.years) == (
        "loaded",
        300,
        "HS2017",
        [2024],
    )
    assert result.dataset_id == "tradedata-ind-2024-h5-m-x-rus-w00"
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    # Independent check: leaf HS6 rows to a real partner, straight from the CSV.
    expected = con.execute(
        f"""SELECT flowCode, count(*), sum(primaryValue)
            FROM read_csv('{GOOD_CSV}', quote='"', types={{'cmdCode': 'VARCHAR'}})
            WHERE length(cmdCode) = 6 AND partnerCode <> 0 AND flowCode IN ('M', 'X')
            GROUP BY ALL ORDER BY 1"""
    ).fetchall()
    got = con.execute(
        """SELECT CASE reported_by WHEN 'importer' THEN 'M' ELSE 'X' END, count(*), sum(value_usd)
           FROM bilateral GROUP BY ALL ORDER BY 1"""
    ).fetchall()
    directions = con.execute(
        "SELECT DISTINCT reported_by, exporter, importer, min(length(hs6)) FROM bilateral GROUP BY ALL ORDER BY 1"
    ).fetchall()
    con.close()
    assert (
        [(f, n) for f, n, _ in got] == [(f, n) for f, n, _ in expected] == [("M", 150), ("X", 150)]
    )
    for (_, _, mine), (_, _, theirs) in zip(got, expected, strict=True):
        assert mine == pytest.approx(theirs, rel=1e-12)
    # M: India imports from Russia; X: India exports to Russia.
    assert directions == [("exporter", "IND", "RUS", 6), ("importer", "RUS", "IND", 6)]
    stored = manifest(settings, result.dataset_id)
    assert stored["coverage"]["skipped_rows"] == {"aggregate rows (TOTAL, aggrLevel < 6)": 34}
    assert stored["coverage"]["classificationCode"] == "H5"
    assert {g["id"] for g in stored["gaps"]} >= {"reported-values", "converted-classification"}


def test_api_json_gives_the_same_flows_as_the_csv(settings: Settings) -> None:
    result = ingest_file(settings, "comtrade", GOOD_JSON)
    assert (result.status, result.rows, result.edition, result.years) == (
        "loaded",
        80,
        "HS2017",
        [2024],
    )
    data = json.loads(GOOD_JSON.read_text())["data"]
    leaf = [r for r in data if r["aggrLevel"] == 6 and r["partnerCode"] != 0]
    assert query(settings, "SELECT sum(value_usd) FROM bilateral") == [
        (pytest.approx(sum(r["primaryValue"] for r in leaf), rel=1e-12),)
    ]
    ingest_file(settings, "comtrade", GOOD_CSV, name="csv")
    pairs = query(
        settings,
        """SELECT j.value_usd, c.value_usd, j.quantity, c.quantity
           FROM bilateral j JOIN bilateral c USING (year, exporter, importer, hs6, reported_by)
           WHERE j.dataset = ? AND c.dataset = 'csv'""",
        [result.dataset_id],
    )
    assert len(pairs) == 80
    assert all(jv == cv and jq == cq for jv, cv, jq, cq in pairs)


def test_tab_separated_bulk_file_reads_like_the_csv(settings: Settings, tmp_path: Path) -> None:
    bulk = _write(tmp_path / "C_A_699_2024_H5.txt.gz", _rows(GOOD_CSV), delimiter="\t")
    result = ingest_file(settings, "comtrade", bulk)
    assert (result.dataset_id, result.rows) == ("c-a-699-2024-h5", 300)
    expected = sum(float(r["primaryValue"]) for r in _rows(GOOD_CSV) if r["aggrLevel"] == "6")
    assert query(settings, "SELECT sum(value_usd) FROM bilateral")[0][0] == pytest.approx(
        expected, rel=1e-12
    )


def test_skipped_rows_are_counted_not_dropped_silently(settings: Settings, tmp_path: Path) -> None:
    rows = _rows(SMALL)
    leaf = [r for r in rows if r["aggrLevel"] == "6"]
    leaf[0]["flowCode"] = "RX"
    leaf[1].update(partnerCode="0", partnerISO="W00")
    leaf[2]["partnerCode"] = "899"
    leaf[3]["motCode"] = "2100"  # a breakdown by transport mode: would double count
    result = ingest_file(settings, "comtrade", _write(tmp_path / "mixed.csv", rows))
    assert result.rows == len(leaf) - 4
    coverage = manifest(settings, "mixed")["coverage"]
    assert coverage["skipped_rows"] == {
        "aggregate rows (TOTAL, aggrLevel < 6)": 4,
        "breakdown rows (partner2, transport mode, customs procedure)": 1,
        "flow RX": 1,
        "non-country partner (837, 838, 839, 899)": 1,
        "partner World (0)": 1,
    }


@pytest.mark.parametrize(
    ("case", "line", "field", "words"),
    [
        ("malformed_row.csv", 12, None, "malformed row with 21 fields"),
        ("missing_primaryValue.csv", 1, "primaryValue", "missing column primaryValue"),
        ("non_numeric_primaryValue.csv", 6, "primaryValue", "'12,5x' is not a number"),
        ("unknown_reporter_code.csv", 9, "reporterCode", "unknown reporterCode 999"),
        (
            "api_error_no_data.json",
            None,
            "error",
            "Comtrade API error: Invalid value for parameter reporterCode: 9999",
        ),
        (
            "api_http401_invalid_key.json",
            None,
            "statusCode",
            "Comtrade API error 401: Access denied due to invalid subscription key",
        ),
    ],
)
def test_broken_files_name_line_and_field_and_change_nothing(
    settings: Settings, case: str, line: int | None, field: str | None, words: str
) -> None:
    ingest_file(settings, "comtrade", GOOD_CSV, name="before")
    with pytest.raises(SourceFileError) as info:
        ingest_file(settings, "comtrade", COMTRADE / "broken" / case)
    error = info.value
    assert (error.line, error.field) == (line, field)
    assert words in str(error)
    assert error.exit_code == 2
    assert query(
        settings, "SELECT list(id ORDER BY id), (SELECT count(*) FROM bilateral) FROM datasets"
    ) == [(["before"], 300)]


def test_missing_primary_value_does_not_fall_back_to_cif_or_fob(settings: Settings) -> None:
    with pytest.raises(SourceFileError, match="does not use cifvalue/fobvalue"):
        ingest_file(settings, "comtrade", COMTRADE / "broken" / "missing_primaryValue.csv")


def test_json_errors_name_the_record(settings: Settings, tmp_path: Path) -> None:
    doc = json.loads(GOOD_JSON.read_text())
    doc["data"][40]["primaryValue"] = "12,5x"
    path = tmp_path / "answer.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(SourceFileError) as info:
        ingest_file(settings, "comtrade", path)
    assert (info.value.line, info.value.field) == (None, "primaryValue")
    assert "record 41 (data[40]): '12,5x' is not a number" in str(info.value)


def test_empty_api_answer_is_an_error_not_an_empty_dataset(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "empty.json"
    path.write_text('{"elapsedTime": "0.09 secs", "count": 0, "data": [], "error": ""}')
    with pytest.raises(SourceFileError, match="no records"):
        ingest_file(settings, "comtrade", path)


def test_a_file_mixing_classifications_is_refused(settings: Settings, tmp_path: Path) -> None:
    rows = _rows(SMALL)
    rows[6]["classificationCode"] = "H6"
    with pytest.raises(SourceFileError) as info:
        ingest_file(settings, "comtrade", _write(tmp_path / "mixed.csv", rows))
    assert (info.value.line, info.value.field) == (8, "classificationCode")
    assert "mixes classifications H5 and H6" in str(info.value)


def test_unknown_partner_code_names_line_and_field(settings: Settings, tmp_path: Path) -> None:
    rows = _rows(SMALL)
    rows[4]["partnerCode"] = "998"
    with pytest.raises(SourceFileError) as info:
        ingest_file(settings, "comtrade", _write(tmp_path / "partner.csv", rows))
    assert (info.value.line, info.value.field) == (6, "partnerCode")


def test_declared_edition_wins_over_classification_code(settings: Settings) -> None:
    result = ingest_file(settings, "comtrade", SMALL, edition="HS2017", name="declared")
    assert result.edition == "HS2017"
    with pytest.raises(SourceFileError, match="unknown HS2022 code"):
        ingest_file(settings, "comtrade", GOOD_CSV, edition="HS2022")  # codes that HS2022 dropped


def test_only_totals_give_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    rows = [r for r in _rows(SMALL) if r["aggrLevel"] != "6"]
    with pytest.raises(InputError, match="no leaf HS6"):
        ingest_file(settings, "comtrade", _write(tmp_path / "totals.csv", rows))
    assert not query(settings, "SELECT id FROM datasets")


def test_same_file_twice_changes_nothing_and_a_changed_file_replaces(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / NAME
    path.write_bytes(SMALL.read_bytes())
    first = ingest_file(settings, "comtrade", path)
    second = ingest_file(settings, "comtrade", path)
    assert (first.status, second.status, first.rows, second.rows) == ("loaded", "unchanged", 11, 11)
    path.write_text(
        "\n".join(path.read_text().splitlines()[:11]) + "\n"
    )  # header + 10 records, 6 of them HS6
    third = ingest_file(settings, "comtrade", path)
    assert (third.status, third.rows) == ("replaced", 6)
    assert query(settings, "SELECT count(*) FROM bilateral") == [(6,)]

"""The command line: exit codes, output formats and the JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from tradepivot.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_flows_json_has_meta_and_rows(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "flows", "--exporter", "IND", "--importer", "RUS", "--format", "json"
    )
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"meta", "rows"}
    assert doc["meta"]["totals"]["value_usd"] / 1e9 == pytest.approx(4.81, rel=0.005)
    assert doc["meta"]["datasets"][0]["id"] == "world-2024"
    assert len(doc["rows"]) == doc["meta"]["totals"]["products"] == 2708
    assert sum(r["value_usd"] for r in doc["rows"]) == pytest.approx(
        doc["meta"]["totals"]["value_usd"]
    )
    assert {"code", "description", "value_usd", "market_share_pct", "chpl_tier"} <= set(
        doc["rows"][0]
    )


def test_market_table_shows_products_suppliers_and_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "market", "RUS", "--sector", "leather", "--top", "5")
    assert code == 0
    assert "Russia: imports of Leather" in out
    assert "China" in out and "India" in out
    assert "Source: world-2024" in out


def test_market_json_carries_both_tables(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "market", "RUS", "--hs", "4202", "--format", "json", "--by", "supplier"
    )
    doc = json.loads(out)
    assert code == 0 and "products" in doc["tables"]
    assert doc["rows"][0]["exporter"] == "CHN"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("flows", "-e", "IND", "-i", "Rusia"), "Unknown country 'Rusia'"),
        (("market", "RUS", "--hs", "4299"), "HS code '4299' does not exist"),
        (("market", "RUS", "--sector", "lether"), "Unknown sector 'lether'"),
        (("flows", "-e", "IND", "-i", "RUS", "--dataset", "nope"), "Unknown dataset 'nope'"),
        (("flows", "-e", "IND", "-i", "RUS", "--format", "parquet"), "--output FILE.parquet"),
        (("flows", "-e", "CHN", "-i", "DEU"), "no imports of DEU"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], words: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert words in err
    assert "Traceback" not in err + out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "flows", "--exporter", "IND")
    assert code == 2 and "--importer" in err


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx", "json"])
def test_files_are_written_with_provenance(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"flows.{fmt}"
    code, _, _ = run(
        capsys,
        "flows",
        "-e",
        "IND",
        "-i",
        "RUS",
        "--sector",
        "pharma",
        "-f",
        fmt,
        "-o",
        str(target),
        "--currency",
        "INR",
    )
    assert code == 0 and target.exists()
    if fmt == "csv":
        lines = target.read_text().splitlines()
        assert lines[0].startswith("code,description,value_usd,value_inr")
        meta = json.loads((tmp_path / "flows.csv.meta.json").read_text())
        assert meta["currency"]["code"] == "INR"
    elif fmt == "parquet":
        table = pq.read_table(target)
        assert b"tradepivot" in table.schema.metadata
        assert "value_inr" in table.column_names
    elif fmt == "xlsx":
        book = openpyxl.load_workbook(target, read_only=True)
        assert book.sheetnames == ["rows", "meta"]
        book.close()
    else:
        assert json.loads(target.read_text())["rows"][0]["value_inr"] > 0


def test_data_status_lists_embedded_datasets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "data", "status", "--format", "json")
    doc = json.loads(out)
    assert code == 0
    datasets = [d["id"] for d in doc["rows"] if d["kind"] != "tariff_schedule"]
    assert datasets == ["world-2024", "us-census-2024", "india-eidb"]
    assert {g["dataset"] for g in doc["tables"]["gaps"]} >= {"world-2024"}


def test_ingest_then_query_the_new_dataset(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import SOURCES

    monkeypatch.setenv("TRADEPIVOT_WAREHOUSE", str(tmp_path / "w.duckdb"))
    code, out, _ = run(
        capsys,
        "data",
        "ingest",
        "baci",
        str(SOURCES / "baci" / "good" / "BACI_HS17_Y2024_V202501.csv"),
    )
    assert code == 0 and "Loaded dataset baci-hs17-2024-v202501: 2,000 rows" in out
    code, out, _ = run(
        capsys,
        "data",
        "ingest",
        "baci",
        str(SOURCES / "baci" / "good" / "BACI_HS17_Y2024_V202501.csv"),
    )
    assert "Unchanged" in out
    code, out, _ = run(
        capsys,
        "flows",
        "-e",
        "IND",
        "-i",
        "RUS",
        "--dataset",
        "baci-hs17-2024-v202501",
        "-f",
        "json",
    )
    assert code == 0 and json.loads(out)["meta"]["totals"]["products"] == 125
    code, out, _ = run(capsys, "data", "remove", "baci-hs17-2024-v202501")
    assert code == 0
    code, _, err = run(capsys, "data", "remove", "baci-hs17-2024-v202501")
    assert code == 2 and "Unknown dataset" in err


def test_lookups(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "country", "russia")[1].startswith("RUS  Russia")
    code, out, _ = run(capsys, "hs", "handbags leather")
    assert code == 0 and "420221" in out
    code, out, _ = run(capsys, "sectors")
    assert "Council for Leather Exports" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("tradepivot ")


def test_rank_json_and_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "rank", "IND", "--hs", "4202", "--top", "5", "--format", "json", "--exclude", "USA"
    )
    doc = json.loads(out)
    assert code == 0 and len(doc["rows"]) == 5
    assert doc["meta"]["query"]["exclude"] == ["USA"]
    assert {"untapped_usd", "potential_usd", "ease", "distance_factor", "competitors"} <= set(
        doc["rows"][0]
    )
    code, _, err = run(capsys, "rank", "IND", "--sector", "lether")
    assert code == 2 and "Unknown sector" in err
    code, _, err = run(capsys, "rank", "NPL", "--hs", "2709")
    assert code == 2 and "no exports" in err


def test_balance_and_potential_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "balance", "IND", "RUS", "--sector", "pharma", "--top", "3", "-f", "json"
    )
    doc = json.loads(out)
    assert code == 0 and len(doc["rows"]) == 3 and doc["tables"]["sectors"][0]["sector"] == "pharma"
    code, _, err = run(capsys, "potential")
    assert code == 2 and "--format parquet --output" in err


def test_pivot_writes_an_offline_html_brief(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "brief.html"
    code, out, _ = run(
        capsys, "pivot", "IND", "--hs", "4202", "--report", str(target), "--top", "5"
    )
    assert code == 0 and "Exposure to United States" in out and target.exists()
    html = target.read_text()
    assert "Alternative markets" in html and "https://cdn" not in html


def test_pivot_writes_its_output_in_the_formats_its_help_lists(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "brief.json"
    code, _, _ = run(
        capsys, "pivot", "IND", "--hs", "4202", "--top", "3", "-f", "json", "-o", str(target)
    )
    assert code == 0 and json.loads(target.read_text())["meta"]["title"].startswith("India")
    page = tmp_path / "brief.html"
    code, _, _ = run(
        capsys, "pivot", "IND", "--hs", "4202", "--top", "3", "-f", "html", "-o", str(page)
    )
    assert code == 0 and "<html" in page.read_text().lower()
    text = tmp_path / "brief.txt"
    code, _, _ = run(capsys, "pivot", "IND", "--hs", "4202", "--top", "3", "-o", str(text))
    assert code == 0 and "Exposure to United States" in text.read_text()
    # The help listed csv, parquet and xlsx, which pivot rejected: now it lists what it takes.
    code, out, _ = run(capsys, "pivot", "--help")
    assert "table|json|html" in out and "xlsx" not in out
    code, _, err = run(capsys, "pivot", "IND", "--hs", "4202", "-f", "xlsx")
    assert code == 2
    code, _, err = run(capsys, "pivot", "IND", "--hs", "4202", "-f", "html")
    assert code == 2 and "--output" in err


def test_xlsx_has_number_formats_and_no_float_noise(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "rank.xlsx"
    code, _, _ = run(
        capsys, "rank", "IND", "--hs", "4202", "--top", "5", "-f", "xlsx", "-o", str(target)
    )
    assert code == 0
    sheet = openpyxl.load_workbook(target)["rows"]
    names = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for name, cell in zip(names, row, strict=True):
            if name.endswith("_usd") and cell.value not in ("", None):
                assert cell.number_format == "#,##0"
                assert round(cell.value, 2) == cell.value  # cents at most
            if name.endswith("_pct") and cell.value not in ("", None):
                assert cell.number_format == "0.0"
            if isinstance(cell.value, float):
                assert len(repr(cell.value).lstrip("-").replace(".", "").lstrip("0")) <= 13

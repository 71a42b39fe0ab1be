"""scripts/synth_years.py: synthetic BACI years keep their stated totals and shape, and ingest."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import duckdb
import pytest

from tradepivot.config import Settings
from tradepivot.data.embedded import default_dir
from tradepivot.data.flows import flow_source
from tradepivot.data.warehouse import Warehouse
from tradepivot.services.ingest import ingest_file

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "synth_years.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synth_years", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder like the embedded one with 20 exporters' flows of chapters 41-43."""
    root = tmp_path_factory.mktemp("data")
    (root / "world_2024").mkdir()
    (root / "reference").mkdir()
    shutil.copy(default_dir() / "reference" / "countries.parquet", root / "reference")
    world = default_dir() / "world_2024" / "part-*.parquet"
    duckdb.sql(
        f"""COPY (SELECT * FROM read_parquet('{world}')
                  WHERE left(hs6, 2) IN ('41', '42', '43')
                    AND exporter IN (SELECT DISTINCT exporter FROM read_parquet('{world}')
                                     ORDER BY exporter LIMIT 20))
            TO '{root / "world_2024" / "part-0.parquet"}' (FORMAT parquet)"""
    )
    return root


@pytest.fixture(scope="module")
def five_years(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path: Path = _script().write(tmp_path_factory.mktemp("out"), 5, data=small_data)
    return path


def _base(small_data: Path) -> tuple[int, float]:
    row = duckdb.sql(
        f"SELECT count(*), sum(value_usd) FROM "
        f"read_parquet('{small_data / 'world_2024' / 'part-0.parquet'}')"
    ).fetchone()
    assert row is not None
    return int(row[0]), float(row[1])


def test_each_year_totals_the_stated_growth(small_data: Path, five_years: Path) -> None:
    rows, total = _base(small_data)
    years = duckdb.sql(
        f"SELECT t, count(*), sum(v) * 1000 FROM read_csv('{five_years}') GROUP BY t ORDER BY t"
    ).fetchall()
    assert [y for y, _, _ in years] == [2020, 2021, 2022, 2023, 2024]
    for year, n, usd in years:
        expected = total / 1.03 ** (2024 - year)
        # Rounding each flow to BACI's 3 decimals (a dollar) moves the total by <= $0.5 a row.
        assert abs(usd - expected) <= 0.5 * n + 1e-6 * expected, year
    assert years[-1][1] == rows  # 2024 is the matrix itself


def test_earlier_years_lose_and_gain_flows(small_data: Path, five_years: Path) -> None:
    rows, _ = _base(small_data)
    gone, new = duckdb.sql(
        f"""WITH y AS (SELECT i, j, k FROM read_csv('{five_years}') WHERE t = 2020),
                 b AS (SELECT i, j, k FROM read_csv('{five_years}') WHERE t = 2024)
            SELECT (SELECT count(*) FROM b ANTI JOIN y USING (i, j, k)),
                   (SELECT count(*) FROM y ANTI JOIN b USING (i, j, k))"""
    ).fetchone()  # type: ignore[misc]
    assert 0.02 * rows < gone < 0.5 * rows  # vanishing flows, mostly small
    assert 0.005 * rows < new < 0.1 * rows  # new flows where the product is already bought


def test_the_same_seed_writes_the_same_file(
    small_data: Path, five_years: Path, tmp_path: Path
) -> None:
    again: Path = _script().write(tmp_path, 5, data=small_data)
    assert again.read_bytes() == five_years.read_bytes()


def test_a_synthetic_file_ingests_as_one_multi_year_dataset(
    five_years: Path, tmp_path: Path
) -> None:
    result = ingest_file(
        Settings(warehouse=tmp_path / "w.duckdb"), "baci", five_years, name="synth-5y"
    )
    assert result.dataset_id == "synth-5y"
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    years = con.execute(
        "SELECT DISTINCT year FROM bilateral WHERE dataset = 'synth-5y' ORDER BY 1"
    ).fetchall()
    assert [y for (y,) in years] == [2020, 2021, 2022, 2023, 2024]
    con.close()
    # Every command reads a multi-year dataset's latest year, never the sum of the years.
    with Warehouse(Settings(warehouse=tmp_path / "w.duckdb")) as wh:
        source = flow_source(wh, dataset="synth-5y")
        total = source.table.value_usd.sum().to_pyarrow().as_py()
        assert source.period == "2024" and any("figures are for 2024" in n for n in source.notes)
    in_file = duckdb.sql(
        f"SELECT sum(v) * 1000 FROM read_csv('{five_years}') WHERE t = 2024"
    ).fetchone()[0]  # type: ignore[index]
    assert total == pytest.approx(in_file, rel=1e-12)


def test_each_year_is_written_alone(small_data: Path, five_years: Path, tmp_path: Path) -> None:
    """Years are computed one at a time from the 2024 matrix: the file of the last two years
    is the tail of the five-year file, and no part file is left behind."""
    two: Path = _script().write(tmp_path, 2, data=small_data)
    assert sorted(p.name for p in tmp_path.iterdir()) == [two.name]
    header, *rows = two.read_bytes().splitlines(keepends=True)
    five = five_years.read_bytes().splitlines(keepends=True)
    assert five[0] == header
    assert five[-len(rows) :] == rows
    assert {r.split(b",")[0] for r in rows} == {b"2023", b"2024"}

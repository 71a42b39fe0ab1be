"""The embedded data answers the published checks, with nothing to set up."""

from __future__ import annotations

import duckdb
import pytest

from tradepivot.config import Settings
from tradepivot.data.embedded import default_dir, embedded_manifest
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import UnknownDatasetError, WarehouseLockedError


def _sum(wh: Warehouse, sql: str) -> float:
    row = wh.con.execute(sql).fetchone()
    assert row is not None
    return float(row[0])


def test_published_totals(wh: Warehouse) -> None:
    # Figures from ../shared/data/README.md and the checks.
    assert _sum(
        wh, "SELECT sum(value_usd) FROM world_2024 WHERE exporter='IND' AND importer='RUS'"
    ) / 1e9 == pytest.approx(4.81, rel=0.005)
    assert _sum(
        wh, "SELECT sum(value_usd) FROM world_2024 WHERE importer='RUS'"
    ) / 1e9 == pytest.approx(200.6, rel=0.001)
    assert _sum(
        wh, "SELECT sum(value_usd) FROM world_2024 WHERE importer='IND' AND exporter='RUS'"
    ) / 1e9 == pytest.approx(63.65, rel=0.001)
    assert _sum(
        wh, "SELECT sum(value_usd) FROM us_census_2024 WHERE partner='IND'"
    ) / 1e9 == pytest.approx(87.74, rel=0.001)
    # India's imports: 680.4 bn as the source delivers them, 679.2 bn once 1.2 bn of flows
    # delivered four times are counted once.
    files = default_dir() / "world_2024" / "part-*.parquet"
    as_delivered = duckdb.sql(
        f"SELECT sum(value_usd * copies) FROM read_parquet('{files}') WHERE importer = 'IND'"
    ).fetchone()
    assert as_delivered is not None and as_delivered[0] / 1e9 == pytest.approx(680.4, rel=0.001)
    assert _sum(
        wh, "SELECT sum(value_usd) FROM world_2024 WHERE importer='IND'"
    ) / 1e9 == pytest.approx(679.2, rel=0.001)


def test_embedded_matrix_keeps_every_source_row(wh: Warehouse) -> None:
    """All 10,006,692 source rows: 9,933,867 distinct flows, 24,275 of them delivered 4 times."""
    files = default_dir() / "world_2024" / "part-*.parquet"
    row = duckdb.sql(
        f"SELECT sum(copies), count(*), count(*) FILTER (WHERE copies = 4) FROM read_parquet('{files}')"
    ).fetchone()
    assert row == (10_006_692, 9_933_867, 24_275)
    row = wh.con.execute(
        "SELECT count(*), count(DISTINCT importer), count(DISTINCT exporter), count(DISTINCT hs6) FROM world_2024"
    ).fetchone()
    assert row == (9_933_867, 220, 226, 5079)
    assert wh.dataset("world-2024").coverage["source_rows"] == 10_006_692
    # No flow appears twice in what queries see.
    assert wh.con.execute(
        "SELECT count(*) FROM (SELECT 1 FROM world_2024 GROUP BY importer, exporter, hs6 HAVING count(*) > 1)"
    ).fetchone() == (0,)


def test_census_conversion_keeps_totals(wh: Warehouse) -> None:
    """HS2022 -> HS2017 weights sum to one per code, so partner totals are unchanged."""
    raw = default_dir() / "us_census_2024" / "imports_hs6.parquet"
    by_partner = dict(
        duckdb.sql(f"SELECT partner, sum(value_usd) FROM '{raw}' GROUP BY 1").fetchall()
    )
    converted = dict(
        wh.con.execute("SELECT partner, sum(value_usd) FROM us_census_2024 GROUP BY 1").fetchall()
    )
    assert converted.keys() == by_partner.keys()
    for partner, value in by_partner.items():
        assert converted[partner] == pytest.approx(value, rel=1e-9)


def test_eidb_partner_names_all_map_except_non_countries(wh: Warehouse) -> None:
    rows = wh.con.execute(
        "SELECT DISTINCT partner_name FROM india_eidb WHERE partner IS NULL ORDER BY 1"
    ).fetchall()
    assert [r[0] for r in rows] == [
        "INSTALLATIONS IN INTERNATIONAL WATERS",
        "PANAMA C Z",
        "UNSPECIFIED",
    ]
    names = wh.con.execute("SELECT count(DISTINCT partner_name) FROM india_eidb").fetchone()
    assert names == (245,)
    fy = _sum(wh, "SELECT sum(value_usd) FROM india_eidb WHERE fy = '2024-25'")
    assert fy / 1e9 == pytest.approx(298.5, abs=0.05)


def test_manifests_describe_every_dataset() -> None:
    for dataset in embedded_manifest()["datasets"]:
        assert dataset["source"] and dataset["terms"] and dataset["checksum_sha256"]
        assert dataset["rows"] > 0 and dataset["gaps"]
    world = embedded_manifest()["datasets"][0]
    assert {g["id"] for g in world["gaps"]} >= {"missing-importers", "missing-hs-2710"}


def test_committed_data_stays_within_budget() -> None:
    total = sum(p.stat().st_size for p in default_dir().rglob("*") if p.is_file())
    # 60 MiB of data plus the shipped rescaling totals of export potential (7.7 MB of
    # float64: 820,362 (market, product) sums that a cold `rank` would otherwise compute).
    assert total <= 70 * 1024 * 1024


def test_unknown_dataset_lists_the_known_ones(wh: Warehouse) -> None:
    with pytest.raises(UnknownDatasetError, match="world-2024"):
        wh.dataset("baci-1995")


def test_plain_queries_never_create_the_user_warehouse(settings: Settings) -> None:
    wh = Warehouse(settings)
    wh.datasets()
    wh.table("world-2024")
    assert not settings.warehouse.exists()
    wh.close()


def test_a_warehouse_locked_by_a_writer_gives_a_clear_error(settings: Settings) -> None:
    import multiprocessing

    from tests.data.helpers import hold_lock

    context = multiprocessing.get_context("spawn")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=hold_lock, args=(str(settings.warehouse), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(WarehouseLockedError, match="in use by another process"):
            Warehouse(settings).datasets()
    finally:
        release.set()
        holder.join(30)


def test_cursors_share_the_data_but_not_temporary_tables(wh: Warehouse) -> None:
    first, second = wh.cursor(), wh.cursor()
    try:
        mine = first.materialise(first.table()[0].limit(3))
        assert mine.count().to_pyarrow().as_py() == 3
        with pytest.raises(duckdb.CatalogException):
            second.con.execute(f"SELECT * FROM {mine.get_name()}")
        assert second.dataset().id == "world-2024"
    finally:
        first.close()
        second.close()
    assert wh.con.execute("SELECT count(*) FROM countries").fetchone()[0] > 200  # still open


def test_cursors_answer_concurrent_queries_on_their_own_threads(wh: Warehouse) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tradepivot.services import bilateral_flows

    def ask(partner: str) -> float:
        cursor = wh.cursor()
        try:
            report = bilateral_flows(cursor, "IND", partner, hs=["42"])
            return float(report.totals["value_usd"])
        finally:
            cursor.close()

    partners = ["RUS", "ARE", "JPN", "CHN"] * 3
    with ThreadPoolExecutor(6) as pool:
        concurrent = list(pool.map(ask, partners))
    alone = {
        p: float(bilateral_flows(wh, "IND", p, hs=["42"]).totals["value_usd"]) for p in partners
    }
    assert concurrent == [alone[p] for p in partners]

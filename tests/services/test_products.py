"""products service: India's comparative advantage checked against straight SQL on the files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from tests.conftest import SOURCES
from tradepivot.config import Settings
from tradepivot.data.embedded import default_dir
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import DataGapError, InputError, UnknownCountryError, UnknownDatasetError
from tradepivot.services.ingest import ingest_file
from tradepivot.services.products import products
from tradepivot.services.report import Report

WORLD = str(default_dir() / "world_2024" / "part-*.parquet")
BACI = SOURCES / "baci" / "good"

# RCA of every (exporter, hs6) written out in SQL over the committed Parquet files.
RCA_SQL = f"""
CREATE TABLE r AS
WITH x AS (SELECT exporter, hs6, sum(value_usd) AS v FROM read_parquet('{WORLD}')
           WHERE value_usd > 0 GROUP BY ALL),
     e AS (SELECT exporter, sum(v) AS e FROM x GROUP BY ALL),
     w AS (SELECT hs6, sum(v) AS w FROM x GROUP BY ALL),
     t AS (SELECT sum(v) AS t FROM x)
SELECT exporter, hs6, v, w, (v / e) / (w / t) AS rca, e
FROM x JOIN e USING (exporter) JOIN w USING (hs6), t
"""

DENSITY_SQL = """
WITH pres AS (SELECT exporter, hs6 FROM r WHERE rca >= 1),
     u AS (SELECT hs6, count(*) AS u FROM pres GROUP BY ALL),
     co AS (SELECT b.hs6 AS l, count(*) AS c FROM pres a JOIN pres b USING (exporter)
            WHERE a.hs6 = $k GROUP BY ALL),
     phi AS (SELECT co.l, co.c / greatest(uk.u, ul.u) AS phi
             FROM co JOIN u ul ON ul.hs6 = co.l, u uk WHERE uk.hs6 = $k)
SELECT sum(phi) FILTER (WHERE l IN (SELECT hs6 FROM pres WHERE exporter = $i)) / sum(phi)
FROM phi
"""


@pytest.fixture(scope="module")
def sql() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    con.execute(RCA_SQL)
    yield con
    con.close()


@pytest.fixture(scope="module")
def india(wh: Warehouse) -> Report:
    return products(wh, "India", top=None)


@pytest.fixture(scope="module")
def india_leather(wh: Warehouse) -> Report:
    return products(wh, "IND", sector="leather", top=None)


def _rows(table: Any) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in table.to_pylist()}


def test_india_medicaments_and_totals_match_sql(
    india: Report, sql: duckdb.DuckDBPyConnection
) -> None:
    v, w, rca, e = sql.execute(
        "SELECT v, w, rca, e FROM r WHERE exporter = 'IND' AND hs6 = '300490'"
    ).fetchone() or (0, 0, 0, 0)
    medicaments = _rows(india.rows)["300490"]
    assert rca > 1 and medicaments["rca"] == pytest.approx(rca, rel=1e-12)
    assert medicaments["value_usd"] == pytest.approx(v, rel=1e-12)
    assert medicaments["world_usd"] == pytest.approx(w, rel=1e-12)
    assert medicaments["world_share_pct"] == pytest.approx(v / w * 100, rel=1e-12)
    assert medicaments["description"].startswith("Medicaments")
    assert -5 < medicaments["pci"] < 5
    held = sql.execute("SELECT count(*) FROM r WHERE exporter = 'IND' AND rca >= 1").fetchone()
    assert india.totals["products_rca"] == india.rows.num_rows == (held or [0])[0]
    assert india.totals["exports_usd"] == pytest.approx(e, rel=1e-12)
    values = india.rows.column("value_usd").to_pylist()
    assert values == sorted(values, reverse=True)


def test_india_eci_ranks_among_economies_above_one_billion(
    india: Report, sql: duckdb.DuckDBPyConnection
) -> None:
    big = sql.execute("SELECT count(DISTINCT exporter) FROM r WHERE e >= 1e9").fetchone()
    assert india.totals["eci_countries"] == (big or [0])[0] == 150
    # The Atlas puts India around 40th of ~130 economies; this data gives 43rd of 150.
    assert 0.3 < india.totals["eci"] < 0.9 and 30 <= india.totals["eci_rank"] <= 60
    assert any("ECI/PCI rank the 150 exporters" in n for n in india.provenance.notes)


def test_nearby_products_are_ranked_by_density_which_matches_sql(
    india_leather: Report, sql: duckdb.DuckDBPyConnection
) -> None:
    nearby = india_leather.tables["nearby"]
    rows = _rows(nearby)
    density = nearby.column("density").to_pylist()
    assert density == sorted(density, reverse=True)
    handbags = rows["420221"]  # leather handbags: India's RCA is below 1 in this matrix
    rca = (
        sql.execute("SELECT rca FROM r WHERE exporter = 'IND' AND hs6 = '420221'").fetchone() or [0]
    )[0]
    assert handbags["rca"] == pytest.approx(rca, rel=1e-12) and rca < 1
    expected = (sql.execute(DENSITY_SQL, {"k": "420221", "i": "IND"}).fetchone() or [0])[0]
    assert handbags["density"] == pytest.approx(expected, rel=1e-12)
    assert handbags["distance"] == pytest.approx(1 - expected, rel=1e-12)
    assert all(r["rca"] < 1 for r in rows.values())
    assert "420221" not in _rows(india_leather.rows)


def test_a_sector_shows_a_slice_of_the_same_numbers(
    india: Report, india_leather: Report, sql: duckdb.DuckDBPyConnection
) -> None:
    expected = {
        hs6
        for (hs6,) in sql.execute(
            "SELECT hs6 FROM r WHERE exporter = 'IND' AND rca >= 1 "
            "AND left(hs6, 2) IN ('41', '42', '43', '64')"
        ).fetchall()
    }
    leather = _rows(india_leather.rows)
    assert set(leather) == expected and "640399" in leather
    everything = _rows(india.rows)
    for code, row in leather.items():
        assert row == everything[code]
    assert india_leather.totals["eci"] == india.totals["eci"]
    assert india_leather.totals["scope_products_rca"] == len(expected)
    assert india_leather.totals["scope_exports_usd"] < india.totals["exports_usd"]
    assert india_leather.query["sector"] == "leather"


def test_provenance_names_the_gaps_an_all_market_sum_touches(india: Report) -> None:
    gaps = {g["id"] for g in india.provenance.gaps}
    assert {"missing-importers", "missing-hs-2710"} <= gaps
    assert [d["id"] for d in india.provenance.datasets] == ["world-2024"]
    assert any(
        n.startswith("RCA (Balassa) over all 5,079 products") for n in india.provenance.notes
    )
    doc = india.to_dict()
    assert set(doc) == {"meta", "rows", "tables"} and "nearby" in doc["tables"]
    json.dumps(doc)  # NaN-free


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"exporter": "Narnia"}, UnknownCountryError, "Unknown country 'Narnia'"),
        ({"exporter": "Liechtenstein"}, DataGapError, "no exports of Liechtenstein (LIE)"),
        ({"exporter": "IND", "hs": ["2710"]}, DataGapError, "no trade in HS 2710"),
        ({"exporter": "IND", "dataset": "us-census-2024"}, InputError, "RCA needs every"),
        ({"exporter": "IND", "dataset": "nope"}, UnknownDatasetError, "Unknown dataset"),
        ({"exporter": "IND", "year": 2019}, InputError, "no year 2019"),
        ({"exporter": "IND", "threshold": 0.0}, InputError, "must be positive"),
    ],
)
def test_bad_input_raises_a_clear_error(
    wh: Warehouse, kwargs: dict[str, Any], error: type[Exception], words: str
) -> None:
    with pytest.raises(error) as info:
        products(wh, **kwargs)
    assert words in str(info.value)


# --------------------------------------------------------------------------- user datasets
@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Warehouse, str, Path]]:
    """A BACI file with 2024 as shipped and 2023 with India's values tripled."""
    folder = tmp_path_factory.mktemp("baci")
    for path in BACI.iterdir():
        if not path.name.startswith("BACI_"):
            shutil.copy(path, folder / path.name)
    name = "BACI_HS17_Y2024_V202501.csv"
    rows = pd.read_csv(BACI / name, dtype={"k": str})
    earlier = rows.assign(t=2023, v=rows.v.where(rows.i != 699, rows.v * 3))
    pd.concat([earlier, rows]).to_csv(folder / name, index=False)
    settings = Settings(warehouse=folder / "w.duckdb")
    dataset = ingest_file(settings, "baci", folder / name).dataset_id
    warehouse = Warehouse(settings)
    yield warehouse, dataset, folder / name
    warehouse.close()


def _rca_by_pandas(path: Path, year: int) -> pd.Series:
    raw = pd.read_csv(path, dtype={"k": str})
    raw = raw[raw.t == year].assign(k=lambda d: d.k.str.zfill(6))  # BACI drops leading zeros
    x = raw.groupby(["i", "k"]).v.sum()
    by_exporter, by_product = x.groupby(level=0).sum(), x.groupby(level=1).sum()
    share = x / by_exporter.reindex(x.index.get_level_values(0)).to_numpy()
    world = by_product.reindex(x.index.get_level_values(1)).to_numpy() / x.sum()
    rca: pd.Series = (share / world).loc[699]  # India's BACI code
    return rca


def test_a_multi_year_dataset_uses_one_year_at_a_time(
    two_years: tuple[Warehouse, str, Path],
) -> None:
    warehouse, dataset, path = two_years
    latest = products(warehouse, "IND", dataset=dataset, top=None)
    earlier = products(warehouse, "IND", dataset=dataset, year=2023, top=None)
    assert latest.query["year"] == "2024" and earlier.query["year"] == "2023"
    assert earlier.totals["exports_usd"] == pytest.approx(3 * latest.totals["exports_usd"])
    for report, year in ((latest, 2024), (earlier, 2023)):
        expected = _rca_by_pandas(path, year)
        got = {r["code"]: r["rca"] for r in report.rows.to_pylist()}
        assert set(got) == set(expected[expected >= 1].index)
        assert got == pytest.approx(expected[expected >= 1].to_dict(), rel=1e-9)
    # CHN, ITA and IND export USD 1-8 bn in the file, TUR 0.54 bn: it gets RCA but no ECI.
    assert latest.totals["eci_countries"] == 3 and latest.totals["eci_rank"] in (1, 2, 3)
    assert any("ECI/PCI rank the 3 exporters" in n for n in latest.provenance.notes)
    turkey = products(warehouse, "TUR", dataset=dataset, top=None)
    assert turkey.totals["eci"] is None and turkey.totals["eci_rank"] is None
    assert turkey.rows.num_rows == turkey.totals["products_rca"] > 0


# --------------------------------------------------------------------------- command line
def test_cli_json_cuts_both_tables_to_top_and_exits_2_on_bad_input(
    capsys: pytest.CaptureFixture[str], india: Report
) -> None:
    import tradepivot.cli.commands.products  # noqa: F401  (registers the command)
    from tradepivot.cli import main

    assert main(["products", "IND", "--hs", "30", "--top", "3", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["meta"]["query"]["exporter"] == "IND"
    chapter_30 = [c for c in india.rows.column("code").to_pylist() if c.startswith("30")]
    assert [r["code"] for r in doc["rows"]] == chapter_30[:3]
    assert len(doc["tables"]["nearby"]) <= 3
    assert all(r["code"].startswith("30") for r in doc["tables"]["nearby"])
    assert doc["meta"]["totals"]["scope_products_rca"] == len(chapter_30) > 3
    assert any("Showing the top 3" in n for n in doc["meta"]["notes"])
    assert main(["products", "Narnia"]) == 2
    assert "Unknown country 'Narnia'" in capsys.readouterr().err
    assert main(["products", "IND", "--hs", "2710"]) == 2
    assert "no trade in HS 2710" in capsys.readouterr().err


def test_notes_say_rca_runs_on_a_truncated_world_and_cog_is_the_atlas_book_s(
    india: Report,
) -> None:
    notes = " ".join(india.provenance.notes)
    assert "RCA is computed on a truncated world" in notes
    assert "DEU, ESP, FRA, GBR, NLD, USA" in notes and "HS 2710" in notes
    total = india.totals["exports_usd"] / 1e9
    assert f"USD {total:,.1f} bn" in notes
    assert "Growth Lab's ecomplexity package computes a different quantity" in notes
    assert "DESIGN.md" not in notes

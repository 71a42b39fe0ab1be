"""The simulation service on the embedded data, checked against independent computations."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pyarrow.compute as pc
import pytest

from tradepivot.data.reference import Reference
from tradepivot.data.warehouse import Warehouse
from tradepivot.services.simulation import run_simulation, simulate_scenario
from tradepivot.services.tariffs import load_scenario
from tradepivot.tariffs.scenarios import Scenario

EXAMPLES = Path(__file__).parents[2] / "examples" / "scenarios"


def load(path: Path) -> Scenario:
    """Scenarios reach the services parsed: the CLI reads the file, the web app the upload."""
    return load_scenario(path, Reference())


def scenario(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_india_leather_under_50_percent(wh: Warehouse) -> None:
    report = simulate_scenario(
        wh, load(EXAMPLES / "us-india-50.yaml"), exporter="IND", sector="leather", top=None
    )
    t = report.totals
    # India's 2024 leather sales to the US (Census): USD 1,185.1 m (the pivot brief's figure).
    assert t["exports_usd"] / 1e6 == pytest.approx(1185.1, abs=0.1)
    assert t["change_low_usd"] > t["change_usd"] > t["change_high_usd"]  # losses are negative
    assert -t["change_high_usd"] <= t["exports_usd"]
    assert t["competitors_gain_usd"] > 0
    # Market imports fall by exactly the creation effect: diversion nets to zero.
    assert t["market_change_usd"] == pytest.approx(
        pc.sum(report.rows.column("creation_usd")).as_py(), rel=1e-9
    )
    tariffs = report.rows.select(["tariff_before_pct", "tariff_after_pct"]).to_pylist()
    assert all(r["tariff_after_pct"] == pytest.approx(r["tariff_before_pct"] + 50) for r in tariffs)


def test_creation_matches_an_independent_sql_computation(wh: Warehouse) -> None:
    """TC = v * eps * dt / (1 + t0) per Census row (eps = -1, dt = 0.5), for India, HS 4202."""
    result = run_simulation(
        wh, load(EXAMPLES / "us-india-50.yaml"), scope=wh.reference.product_scope(hs=["4202"])
    )
    rows = result.rows.filter(pc.equal(result.rows.column("exporter"), "IND"))
    got = pc.sum(rows.column("creation_usd")).as_py()
    (expected,) = wh.con.execute(
        """
        WITH r AS (
          SELECT code, hs6, sum(value_usd) v, sum(duty_usd) d FROM us_census_2024
          WHERE partner = 'IND' AND hs6 LIKE '4202%' AND value_usd > 0 GROUP BY code, hs6)
        SELECT sum(greatest(-v, v * -1.0 * 0.5 / (1 + d / v))) FROM r
        """
    ).fetchone()
    assert got == pytest.approx(expected, rel=1e-9)


def test_no_change_gives_no_effect(wh: Warehouse, tmp_path: Path) -> None:
    path = scenario(
        tmp_path,
        """
        name: nothing
        market: USA
        date: 2025-09-01
        measures:
          - {exporters: [IND], add: 0, start: 2025-01-01}
        """,
    )
    result = run_simulation(wh, load(path), scope=wh.reference.product_scope(sector="leather"))
    for column in ("creation_usd", "diversion_usd", "change_usd", "change_low_usd"):
        assert max(abs(v) for v in result.rows.column(column).to_pylist()) < 1e-6


def test_a_measure_outside_its_dates_changes_nothing(wh: Warehouse, tmp_path: Path) -> None:
    path = scenario(
        tmp_path,
        """
        name: expired
        market: USA
        date: 2026-03-01
        measures:
          - {exporters: [IND], add: 25, start: 2025-08-27, end: 2026-02-06}
        """,
    )
    result = run_simulation(wh, load(path), scope=wh.reference.product_scope(hs=["42"]))
    assert pc.max(pc.abs(result.rows.column("change_usd"))).as_py() < 1e-6
    assert any("No measure" in note for note in result.scenario.notes)


def test_covered_markets_start_from_the_shipped_mfn_duties(wh: Warehouse, tmp_path: Path) -> None:
    path = scenario(
        tmp_path,
        """
        name: Russia raises duties on Chinese footwear
        market: RUS
        date: 2025-01-01
        measures:
          - {exporters: [CHN], products: ["64"], add: 20, start: 2025-01-01}
        """,
    )
    report = simulate_scenario(wh, load(path), exporter="IND", sector="leather", top=None)
    assert report.totals["change_usd"] > 0  # India gains from diversion
    assert any("MFN rates of the EAEU Common Customs Tariff" in n for n in report.provenance.notes)
    assert report.provenance.datasets[0]["id"] == "world-2024"
    handbags = next(r for r in report.rows.to_pylist() if r["hs6"] == "420221")
    # India's base is the EAEU duty `tariff show RUS IND --hs 420221` gives (12.5%).
    assert handbags["tariff_before_pct"] == pytest.approx(12.5)
    assert handbags["tariff_after_pct"] == pytest.approx(12.5)  # the measure hits China only


def test_other_markets_use_the_world_matrix_with_zero_base(wh: Warehouse, tmp_path: Path) -> None:
    path = scenario(
        tmp_path,
        """
        name: Turkey raises duties on Chinese footwear
        market: TUR
        date: 2025-01-01
        measures:
          - {exporters: [CHN], products: ["64"], add: 20, start: 2025-01-01}
        """,
    )
    report = simulate_scenario(wh, load(path), exporter="IND", sector="leather")
    assert any("base duties are taken as zero" in n for n in report.provenance.notes)


def test_schedule_scenario_moves_competitors_too(wh: Warehouse) -> None:
    report = simulate_scenario(
        wh, load(EXAMPLES / "us-stack-2025-09-01.yaml"), exporter="IND", sector="leather", top=None
    )
    rows = report.rows.to_pylist()
    assert all(r["tariff_after_pct"] >= r["tariff_before_pct"] for r in rows)
    # India pays +50 but China and Vietnam pay more too, so India's loss is smaller than alone.
    alone = simulate_scenario(
        wh, load(EXAMPLES / "us-india-50.yaml"), exporter="IND", sector="leather"
    )
    assert alone.totals["change_usd"] < report.totals["change_usd"] < 0


def test_elasticity_table_overrides_by_prefix(wh: Warehouse, tmp_path: Path) -> None:
    from tradepivot.services.simulation import load_elasticities

    table = tmp_path / "e.csv"
    table.write_text("# source: test\nhs,import_demand,substitution\n4202,-3,\n420221,,4\n")
    overrides = load_elasticities(table)
    assert [(o.prefix, o.import_demand, o.substitution) for o in overrides] == [
        ("4202", -3.0, None),
        ("420221", None, 4.0),
    ]
    base = simulate_scenario(wh, load(EXAMPLES / "us-india-50.yaml"), exporter="IND", hs=["4202"])
    steeper = simulate_scenario(
        wh,
        load(EXAMPLES / "us-india-50.yaml"),
        exporter="IND",
        hs=["4202"],
        elasticities=load_elasticities(table),
    )
    assert steeper.totals["change_usd"] < base.totals["change_usd"] < 0


@pytest.mark.parametrize(
    ("body", "line", "field"),
    [
        ("hs,import_demand\n42,-1\n", 1, None),
        ("hs,import_demand,substitution\n42,0.5,1\n", 2, "import_demand"),
        ("hs,import_demand,substitution\n42,-1,0\n", 2, "substitution"),
        ("hs,import_demand,substitution\n42,-1,1\n4x,-1,1\n", 3, "hs"),
        ("# comment\n\nhs,import_demand,substitution\n# another\n4x,-1,1\n", 5, "hs"),
        ("hs,import_demand,substitution\n42,abc,1\n", 2, "import_demand"),
    ],
)
def test_bad_elasticity_tables_name_line_and_field(
    tmp_path: Path, body: str, line: int, field: str | None
) -> None:
    from tradepivot.errors import SourceFileError
    from tradepivot.services.simulation import load_elasticities

    table = tmp_path / "e.csv"
    table.write_text(body)
    with pytest.raises(SourceFileError) as info:
        load_elasticities(table)
    assert info.value.line == line and info.value.field == field


def test_competitors_are_named_even_with_baci_codes(wh: Warehouse) -> None:
    # BACI codes Taiwan S19 and the Census the EU bloc EU27: both were printed as codes.
    report = simulate_scenario(
        wh, load(EXAMPLES / "us-india-50.yaml"), exporter="IND", sector="leather", top=None
    )
    names = dict(
        zip(
            report.tables["competitors"].column("exporter").to_pylist(),
            report.tables["competitors"].column("name").to_pylist(),
            strict=True,
        )
    )
    assert names["S19"].startswith("Taiwan")
    assert names["EU27"].startswith("European Union")
    assert all(name != code for code, name in names.items())

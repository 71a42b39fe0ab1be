"""Multi-year datasets in the pivot brief, the exposure report and the tariff simulation.

The three-year dataset of tests/services/test_years.py: 2024 as shipped, 2023 with India's
values tripled, 2022 without India's flows. Each service reads one year (its latest unless
told), or for the brief the average of a range, and says which in ``query.period``; the
CLI's --year/--years and the web API's year/years reach the same services.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.services.test_years import INDIA, three_years
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import InputError
from tradepivot.services.exposure import exposure_report
from tradepivot.services.pivot import pivot_brief
from tradepivot.services.simulation import simulate_scenario
from tradepivot.tariffs.scenarios import Scenario, parse_scenario

__all__ = ["three_years"]  # the fixture, shared with test_years.py

SCENARIO = """\
name: Russia adds 10 points on India
market: RUS
date: 2025-01-01
measures:
  - id: test
    exporters: [IND]
    add: 10
    start: 2024-12-01
"""

Years = tuple[Warehouse, str, Path]
CHINA = 156  # BACI's code


def _scenario(wh: Warehouse) -> Scenario:
    return parse_scenario(SCENARIO, "rus-ind.yaml", wh.reference)


def test_the_simulation_runs_on_the_year_asked(three_years: Years) -> None:
    wh, dataset, _ = three_years
    scenario = _scenario(wh)
    latest = simulate_scenario(wh, scenario, exporter="IND", dataset=dataset)
    earlier = simulate_scenario(
        wh, scenario, exporter="IND", dataset=dataset, years_span=(2023, 2023)
    )
    assert latest.query["period"] == "2024" and earlier.query["period"] == "2023"
    assert latest.totals["exports_usd"] > 0
    assert earlier.totals["exports_usd"] == pytest.approx(3 * latest.totals["exports_usd"])
    assert earlier.totals["change_usd"] < 0 and latest.totals["change_usd"] < 0
    with pytest.raises(InputError, match="sold nothing"):  # no Indian flows in 2022
        simulate_scenario(wh, scenario, exporter="IND", dataset=dataset, years_span=(2022, 2022))
    with pytest.raises(InputError, match="it holds 2022, 2023, 2024"):
        simulate_scenario(wh, scenario, exporter="IND", dataset=dataset, years_span=(2019, 2019))


def _csv_total(path: Path, year: int, exporter_code: int) -> float:
    rows = pd.read_csv(path)
    chosen = rows[(rows.t == year) & (rows.i == exporter_code)]
    return float(chosen.v.sum() * 1000)  # BACI values are thousand USD


def test_exposure_reads_one_year_never_the_sum(three_years: Years) -> None:
    wh, dataset, csv = three_years
    latest = exposure_report(wh, exporter="CHN", dataset=dataset)
    earlier = exposure_report(wh, exporter="CHN", dataset=dataset, years_span=(2023, 2023))
    assert latest.query["period"] == "2024" and earlier.query["period"] == "2023"
    assert latest.totals["exports_usd"] == pytest.approx(_csv_total(csv, 2024, CHINA))
    assert earlier.totals["exports_usd"] == pytest.approx(_csv_total(csv, 2023, CHINA))
    assert any("figures are for 2024" in n for n in latest.provenance.notes)
    # The multi-year dataset as the configured default: still its latest year alone.
    settings = wh.settings.model_copy(update={"dataset": dataset})
    with Warehouse(settings) as default:
        by_default = exposure_report(default, exporter="CHN")
    assert by_default.query["period"] == "2024"
    assert by_default.totals["exports_usd"] == pytest.approx(latest.totals["exports_usd"])
    # India's own statistics (one recent fiscal year) are never mixed into a past year.
    india = exposure_report(wh, exporter="IND", dataset=dataset, years_span=(2023, 2023))
    assert india.totals["exports_usd"] == pytest.approx(_csv_total(csv, 2023, INDIA))
    assert any("not mixed with 2023" in n for n in india.provenance.notes)


def test_exposure_under_a_scenario_in_an_earlier_year(three_years: Years) -> None:
    wh, dataset, _ = three_years
    scenario = _scenario(wh)
    span = (2023, 2023)
    exposure = exposure_report(
        wh, exporter="IND", scenario=scenario, dataset=dataset, years_span=span
    )
    simulated = simulate_scenario(wh, scenario, exporter="IND", dataset=dataset, years_span=span)
    # Holdings and loss rates both come from 2023's flows (mirror data alone in a past year):
    # the value at risk is the simulated loss of that year, product by product.
    assert exposure.query["period"] == "2023"
    assert exposure.totals["at_risk_central_usd"] > 0
    assert exposure.totals["at_risk_central_usd"] == pytest.approx(
        -simulated.totals["change_usd"], rel=1e-9
    )


def test_the_brief_reads_one_year_or_an_average(three_years: Years) -> None:
    wh, dataset, csv = three_years

    def sold(exporter: str, span: tuple[int, int] | None) -> tuple[str, float]:
        brief = pivot_brief(wh, exporter, away_from="RUS", dataset=dataset, years_span=span)
        figures = brief.to_dict()["sections"][0]["figures"]
        total = next(f["value"] for f in figures if f["label"] == "Sales to every market")
        return brief.query["period"], float(total)

    china = _csv_total(csv, 2024, CHINA)  # the same in every year of the dataset
    assert sold("CHN", None) == ("2024", pytest.approx(china))
    assert sold("CHN", (2022, 2024)) == ("2022-2024 average", pytest.approx(china))
    india = _csv_total(csv, 2024, INDIA)  # none in 2022, three times as much in 2023
    assert sold("IND", (2023, 2023)) == ("2023", pytest.approx(3 * india))
    assert sold("IND", (2022, 2024)) == ("2022-2024 average", pytest.approx(4 / 3 * india))


def test_the_command_line_and_the_web_api_take_the_year(
    three_years: Years,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.web.conftest import Client
    from tradepivot.cli import main
    from tradepivot.web import create_app

    wh, dataset, _ = three_years
    monkeypatch.setenv("TRADEPIVOT_WAREHOUSE", str(wh.settings.warehouse))
    monkeypatch.setenv("TRADEPIVOT_CACHE_DIR", str(wh.settings.cache_dir))
    scenario = tmp_path / "rus-ind.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    d = ["--dataset", dataset, "--format", "json"]
    commands = {
        "simulate": ["tariff", "simulate", str(scenario), "--exporter", "IND", *d],
        "exposure": ["exposure", "--exporter", "IND", *d],
        "pivot": ["pivot", "IND", "--away-from", "RUS", *d],
    }
    for name, args in commands.items():
        assert main([*args, "--year", "2023"]) == 0, name
        assert json.loads(capsys.readouterr().out)["meta"]["query"]["period"] == "2023", name
        assert main([*args, "--year", "2019"]) == 2, name
        err = capsys.readouterr().err
        assert "it holds 2022, 2023, 2024" in err and "--year" in err, (name, err)
    assert main([*commands["pivot"], "--years", "2022-2024", "--currency", "INR"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["meta"]["query"]["period"] == "2022-2024 average"
    assert doc["meta"]["currency"]["period"] == "2024"  # a range is shown at its last year's rate

    app = create_app(wh.settings, portal=False)
    client = Client(app)
    for url in (
        f"/api/v1/exposure?exporter=IND&dataset={dataset}&year=2023",
        f"/api/v1/pivot/IND?away_from=RUS&dataset={dataset}&year=2023",
    ):
        got = client.get(url)
        assert got.status_code == 200, got.text
        assert got.json()["meta"]["query"]["period"] == "2023", url
    got = client.post(
        f"/api/v1/tariffs/simulate?exporter=IND&dataset={dataset}&year=2023",
        files={"scenario": ("rus-ind.yaml", SCENARIO.encode(), "application/yaml")},
    )
    assert got.status_code == 200, got.text
    assert got.json()["meta"]["query"]["period"] == "2023"
    missing = client.get(f"/api/v1/exposure?exporter=IND&dataset={dataset}&year=2019")
    assert missing.status_code in (400, 422) and "2022, 2023, 2024" in missing.text
    app.state.tradepivot.close()

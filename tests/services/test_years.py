"""Multi-year datasets: --year picks one year, --years averages a range, in every command."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SOURCES
from tradepivot.config import Settings
from tradepivot.data.flows import flow_source, parse_years
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import InputError
from tradepivot.services.balance import bilateral_balance
from tradepivot.services.ingest import ingest_file
from tradepivot.services.opportunity import rank_markets
from tradepivot.services.trade import market_overview

BACI = SOURCES / "baci" / "good"
INDIA = 699  # BACI's code


@pytest.fixture(scope="module")
def three_years(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Warehouse, str, Path]]:
    """2024 as shipped, 2023 with India's values tripled, 2022 without India's flows."""
    folder = tmp_path_factory.mktemp("baci")
    for path in BACI.iterdir():
        if not path.name.startswith("BACI_"):
            shutil.copy(path, folder / path.name)
    name = "BACI_HS17_Y2024_V202501.csv"
    rows = pd.read_csv(BACI / name, dtype={"k": str})
    y2023 = rows.assign(t=2023, v=rows.v.where(rows.i != INDIA, rows.v * 3))
    y2022 = rows[rows.i != INDIA].assign(t=2022)
    pd.concat([y2022, y2023, rows]).to_csv(folder / name, index=False)
    settings = Settings(warehouse=folder / "w.duckdb", cache_dir=folder / "cache")
    dataset = ingest_file(settings, "baci", folder / name).dataset_id
    warehouse = Warehouse(settings)
    yield warehouse, dataset, folder / name
    warehouse.close()


def _india_total(wh: Warehouse, dataset: str, span: tuple[int, int] | None) -> float:
    source = flow_source(wh, dataset=dataset, years_span=span)
    table = source.table
    total = table.filter(table.exporter == "IND").value_usd.sum().to_pyarrow().as_py()
    return float(total or 0.0)


def test_one_year_or_the_average_of_a_range(three_years: tuple[Warehouse, str, Path]) -> None:
    wh, dataset, _ = three_years
    latest = _india_total(wh, dataset, None)
    assert latest > 0
    assert _india_total(wh, dataset, (2024, 2024)) == pytest.approx(latest)
    assert _india_total(wh, dataset, (2023, 2023)) == pytest.approx(3 * latest)
    assert _india_total(wh, dataset, (2022, 2022)) == 0
    # A flow absent in a year counts as zero: (0 + 3 + 1) / 3.
    assert _india_total(wh, dataset, (2022, 2024)) == pytest.approx(4 / 3 * latest)
    assert _india_total(wh, dataset, (2023, 2024)) == pytest.approx(2 * latest)
    source = flow_source(wh, dataset=dataset, years_span=(2022, 2024))
    assert source.period == "2022-2024 average"
    assert flow_source(wh, dataset=dataset).period == "2024"


@pytest.mark.parametrize(
    ("span", "words"),
    [
        ((2019, 2019), "no year 2019; it holds 2022, 2023, 2024"),
        ((2020, 2023), "no year 2020, 2021"),
    ],
)
def test_a_missing_year_names_the_years_held(
    three_years: tuple[Warehouse, str, Path], span: tuple[int, int], words: str
) -> None:
    wh, dataset, _ = three_years
    with pytest.raises(InputError) as info:
        flow_source(wh, dataset=dataset, years_span=span)
    assert words in str(info.value)


def test_parse_years() -> None:
    assert parse_years("2024") == (2024, 2024)
    assert parse_years("2020-2024") == (2020, 2024)
    for bad in ("2024-2020", "twenty", "2020-"):
        with pytest.raises(InputError):
            parse_years(bad)


def test_services_report_the_period_they_used(three_years: tuple[Warehouse, str, Path]) -> None:
    wh, dataset, _ = three_years
    latest = market_overview(wh, "CHN", focus="IND", dataset=dataset)
    earlier = market_overview(wh, "CHN", focus="IND", dataset=dataset, years_span=(2023, 2023))
    assert latest.query["period"] == "2024" and earlier.query["period"] == "2023"
    balance = bilateral_balance(wh, "IND", "CHN", dataset=dataset, years_span=(2023, 2023))
    assert balance.query["period"] == "2023"
    ranked = rank_markets(wh, "CHN", dataset=dataset, years_span=(2022, 2024), top=None)
    assert ranked.query["period"] == "2022-2024 average"
    one = rank_markets(wh, "CHN", dataset=dataset, years_span=(2022, 2022), top=None)
    assert one.query["period"] == "2022"


def test_the_command_line_and_the_web_route_take_the_same_years(
    three_years: tuple[Warehouse, str, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.web.conftest import Client
    from tradepivot.cli import main
    from tradepivot.web import create_app

    wh, dataset, _ = three_years
    monkeypatch.setenv("TRADEPIVOT_WAREHOUSE", str(wh.settings.warehouse))
    monkeypatch.setenv("TRADEPIVOT_CACHE_DIR", str(wh.settings.cache_dir))
    args = ["market", "CHN", "--focus", "IND", "--dataset", dataset, "--format", "json"]
    assert main([*args, "--year", "2023"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["meta"]["query"]["period"] == "2023"
    assert main([*args, "--year", "2019"]) == 2
    assert "it holds 2022, 2023, 2024" in capsys.readouterr().err
    rank = ["rank", "CHN", "--dataset", dataset, "--format", "json"]
    assert main([*rank, "--years", "2022-2024"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["meta"]["query"]["period"] == "2022-2024 average"
    assert main([*rank, "--year", "2023", "--years", "2022-2024"]) == 2
    assert "not both" in capsys.readouterr().err

    app = create_app(wh.settings, portal=False)
    client = Client(app)
    got = client.get(f"/api/v1/market/CHN?focus=IND&dataset={dataset}&year=2023")
    assert got.status_code == 200, got.text
    assert got.json()["meta"]["query"]["period"] == "2023"
    got = client.get(f"/api/v1/rank/CHN?dataset={dataset}&years=2022-2024")
    assert got.status_code == 200, got.text
    assert got.json()["meta"]["query"]["period"] == "2022-2024 average"
    missing = client.get(f"/api/v1/market/CHN?dataset={dataset}&year=2019")
    assert missing.status_code in (400, 422) and "2022, 2023, 2024" in missing.text
    app.state.tradepivot.close()

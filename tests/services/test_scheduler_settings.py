"""The scheduler's budget (time limit, workers) comes from the settings unless asked for."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tradepivot.cli import main
from tradepivot.config import Settings, load_settings
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import InputError
from tradepivot.services.matchmaking import _solver_budget

EVENT = Path(__file__).resolve().parents[2] / "examples" / "india-russia-forum"


def test_the_settings_are_the_default_and_an_argument_wins(tmp_path: Path) -> None:
    settings = Settings(
        warehouse=tmp_path / "w.duckdb", schedule_time_limit=7.5, schedule_workers=3
    )
    wh = Warehouse(settings)
    try:
        assert _solver_budget(wh, None, None, settings.schedule_time_limit) == (7.5, 3)
        assert _solver_budget(wh, 2.0, 1, settings.schedule_time_limit) == (2.0, 1)
        assert _solver_budget(wh, None, None, settings.reschedule_time_limit) == (30.0, 3)
        with pytest.raises(InputError) as raised:
            _solver_budget(wh, 0.0, None, 60.0)
        assert raised.value.param == "time_limit"
    finally:
        wh.close()


def test_the_environment_sets_them_and_bad_values_fail_at_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRADEPIVOT_SCHEDULE_TIME_LIMIT", "12")
    monkeypatch.setenv("TRADEPIVOT_RESCHEDULE_TIME_LIMIT", "4")
    monkeypatch.setenv("TRADEPIVOT_SCHEDULE_WORKERS", "1")
    settings = load_settings()
    assert (
        settings.schedule_time_limit,
        settings.reschedule_time_limit,
        settings.schedule_workers,
    ) == (12.0, 4.0, 1)
    monkeypatch.setenv("TRADEPIVOT_SCHEDULE_WORKERS", "0")
    with pytest.raises(InputError, match="schedule_workers"):
        load_settings()


def test_match_schedule_runs_with_the_configured_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    event = tmp_path / "event"
    shutil.copytree(EVENT, event)
    monkeypatch.setenv("TRADEPIVOT_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("TRADEPIVOT_SCHEDULE_TIME_LIMIT", "3")
    code = main(["match", "schedule", str(event), "--no-market", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["meta"]["query"]["time_limit"] == 3.0
    code = main(
        ["match", "schedule", str(event), "--no-market", "--time-limit", "2", "--format", "json"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["meta"]["query"]["time_limit"] == 2.0

"""The tariff commands end to end: `tariff show`, `tariff simulate`, `exposure`, `pivot --scenario`.

Figures are checked as invariants of the output (a loss is negative and no larger than the
sales it comes from, the low elasticities lose least, absorbed sales never exceed the untapped
potential ...) or against the shipped sources they cite, not as copied results.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tradepivot.cli import main

ROOT = Path(__file__).parents[2]
US_INDIA_50 = str(ROOT / "examples" / "scenarios" / "us-india-50.yaml")
KANPUR = str(ROOT / "examples" / "kanpur-leather.yaml")
CRORE = 10_000_000


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, *args, "--format", "json")
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


# --------------------------------------------------------------------------- tariff show
def test_show_stack_on_indian_handbags(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "tariff", "show", "USA", "IND", "--hs", "4202", "--date", "2025-09-01")
    assert {"meta", "rows", "tables"} <= set(doc)
    assert doc["meta"]["query"]["date"] == "2025-09-01"
    rows = doc["rows"]
    assert rows and len(rows) == doc["meta"]["row_count"] == doc["meta"]["totals"]["lines"]
    assert all(r["line"].startswith("4202") for r in rows)
    assert all(r["additional_pct"] == 50 for r in rows)
    for r in rows:  # total = MFN + additional wherever the MFN rate is ad valorem
        if r["mfn_pct"] is not None:
            assert r["total_pct"] == pytest.approx(r["mfn_pct"] + 50)

    measures = {m["measure"]: m for m in doc["tables"]["measures"]}
    assert {"ieepa-phase2-IND", "india-eo-9903.01.84"} <= set(measures)
    reciprocal, order = measures["ieepa-phase2-IND"], measures["india-eo-9903.01.84"]
    assert "chapter99_2026_rev_6.txt:38437" in reciprocal["source"]
    assert "9903.02.26" in reciprocal["reference"]
    assert "chapter99_2026_rev_6.txt:37736" in order["source"]
    assert "9903.01.84" in order["reference"]
    in_force = [m for m in doc["tables"]["measures"] if m["lines"]]
    assert sum(m["rate_pct"] for m in in_force if m["mode"] == "add") == 50


def test_show_timeline_has_the_fifty_point_period(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "tariff", "show", "USA", "IND", "--hs", "4202", "--timeline")
    periods = doc["rows"]
    assert len(periods) == 7 == doc["meta"]["totals"]["periods"]
    # Periods tile the timeline: each starts the day after the previous one ends.
    assert periods[0]["from"] == "2025-01-01" and periods[-1]["to"] == "2026-12-31"
    for before, after in itertools.pairwise(periods):
        next_day = dt.date.fromisoformat(before["to"]) + dt.timedelta(days=1)
        assert after["from"] == next_day.isoformat()
    peak = [p for p in periods if p["additional_max_pct"] == 50]
    assert len(peak) == 1
    assert (peak[0]["from"], peak[0]["to"]) == ("2025-08-27", "2026-02-06")
    assert peak[0]["additional_min_pct"] == 50
    assert "9903.01.84" in peak[0]["layers"] and "9903.02.26" in peak[0]["layers"]
    assert max(p["additional_max_pct"] for p in periods) == 50


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("CHN", "IND", "--hs", "4202"), ["China (CHN)", "schedules ship for the US, the EAEU"]),
        (("USA", "IND", "--hs", "4299"), ["'4299' does not exist", "Did you mean", "4202"]),
        (("USA", "IND", "--hs", "4202", "--date", "2025-13-01"), ["'2025-13-01' is not a date"]),
    ],
    ids=["market-without-schedule", "unknown-hs", "bad-date"],
)
def test_show_bad_input_exits_2_without_traceback(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], words: list[str]
) -> None:
    code, out, err = run(capsys, "tariff", "show", *args)
    assert code == 2
    for word in words:
        assert word in err
    assert "Traceback" not in out + err


# --------------------------------------------------------------------------- tariff simulate
def test_simulate_fifty_percent_on_indian_leather(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(
        capsys, "tariff", "simulate", US_INDIA_50, "--exporter", "IND", "--sector", "leather"
    )
    totals = doc["meta"]["totals"]
    assert doc["meta"]["query"]["market"] == "USA"
    assert doc["meta"]["query"]["date"] == "2025-09-01"
    assert totals["exports_usd"] > 0
    assert totals["change_usd"] < 0
    assert abs(totals["change_usd"]) <= totals["exports_usd"]
    # Losses are negative: the low elasticities lose least, the high ones most.
    assert 0 >= totals["change_low_usd"] >= totals["change_usd"] >= totals["change_high_usd"]
    assert abs(totals["change_high_usd"]) <= totals["exports_usd"]
    assert totals["loss_pct"] == pytest.approx(
        -100 * totals["change_usd"] / totals["exports_usd"], rel=1e-9
    )
    for row in doc["rows"]:
        assert row["hs6"][:2] in {"41", "42", "43", "64"}
        assert row["change_usd"] == pytest.approx(row["creation_usd"] + row["diversion_usd"])
        assert row["change_usd"] <= 0 and abs(row["change_usd"]) <= row["value_usd"]
        assert row["change_low_usd"] >= row["change_usd"] >= row["change_high_usd"]
        # The scenario adds 25 + 25 points on every product of India.
        assert row["tariff_after_pct"] == pytest.approx(row["tariff_before_pct"] + 50)
    listed = sum(r["change_usd"] for r in doc["rows"])
    assert totals["change_usd"] <= listed + 1e-6  # the rows are the largest losses, not all


@pytest.mark.parametrize(
    ("body", "line"),
    [
        pytest.param(
            """
            name: bad
            market: USA
            date: 2025-09-01
            measures:
              - id: too-much
                exporters: [IND]
                add: 1500
                start: 2025-08-27
            """,
            7,
            id="rate",
        ),
        pytest.param(
            """
            name: bad
            market: USA
            date: 2025-09-01
            measures:
              - id: thirteenth-month
                exporters: [IND]
                add: 25
                start: 2025-13-01
            """,
            8,
            id="date",
        ),
    ],
)
def test_simulate_malformed_scenario_exits_2_naming_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, body: str, line: int
) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    code, out, err = run(capsys, "tariff", "simulate", str(scenario), "--exporter", "IND")
    assert "Traceback" not in out + err
    assert code == 2, err
    flat = " ".join(err.split())  # rich may wrap a long path
    assert "bad.yaml" in flat and f"line {line}" in flat


# --------------------------------------------------------------------------- exposure
def test_exposure_of_the_kanpur_cluster(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "exposure", "--portfolio", KANPUR, "--scenario", US_INDIA_50)
    meta = doc["meta"]
    totals = meta["totals"]
    currency = meta["currency"]
    assert currency["code"] == "INR"
    rate = currency["rate_per_usd"]
    assert f"{rate:g} INR per USD" in " ".join(meta["notes"])
    # The portfolio states INR 1,000 crore with the US and INR 6,000-6,500 crore in all.
    assert totals["market"] == "USA"
    assert totals["market_usd"] * rate == pytest.approx(1_000 * CRORE, rel=1e-6)
    assert totals["exports_usd"] * rate == pytest.approx(6_250 * CRORE, rel=1e-6)
    assert totals["market_share_pct"] == pytest.approx(100 * 1_000 / 6_250, rel=1e-6)
    assert 0 < totals["at_risk_central_usd"] <= totals["market_usd"]
    assert totals["at_risk_low_usd"] <= totals["at_risk_central_usd"] <= totals["at_risk_high_usd"]
    assert totals["at_risk_high_usd"] <= totals["market_usd"]
    us = [r for r in doc["rows"] if r["market_code"] == "USA"]
    assert len(us) == 1 and us[0]["value_inr"] == pytest.approx(1_000 * CRORE, rel=1e-6)
    assert us[0]["at_risk_central_usd"] == pytest.approx(totals["at_risk_central_usd"])
    # The scenario changes US duties only: no other market has anything at risk.
    assert all(r["at_risk_high_usd"] == 0 for r in doc["rows"] if r["market_code"] != "USA")


# --------------------------------------------------------------------------- pivot
@pytest.mark.slow
def test_pivot_with_scenario_redirects_no_more_than_the_loss(
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = run_json(capsys, "pivot", "IND", "--sector", "leather", "--scenario", US_INDIA_50)
    sections = {s["title"]: s for s in doc["sections"]}
    assert "Exposure under the tariff scenario" in sections
    assert "Redirect: where the lost sales could go" in sections
    exposure = {
        f["label"]: f["value"] for f in sections["Exposure under the tariff scenario"]["figures"]
    }
    redirect = sections["Redirect: where the lost sales could go"]
    figures = {f["label"]: f["value"] for f in redirect["figures"]}
    loss = figures["Loss to redirect"]
    absorbable = figures["Absorbable by other markets"]
    assert 0 < loss <= exposure["Of which to United States"]
    assert loss == pytest.approx(exposure["Simulated loss (central)"], rel=1e-9)
    assert absorbable + figures["Left without a market"] == pytest.approx(loss, rel=1e-9)

    tables = {t["title"]: t["rows"] for t in redirect["tables"]}
    markets = tables["Markets that could absorb the loss"]
    assert markets and all(m["market_code"] != "USA" for m in markets)
    for m in markets:
        assert 0 <= m["absorbed_usd"] <= m["untapped_usd"] + 1e-6
        assert m["of_loss_pct"] == pytest.approx(100 * m["absorbed_usd"] / loss, rel=1e-9)
    assert sum(m["absorbed_usd"] for m in markets) <= absorbable + 1e-6 <= loss + 1e-6
    for p in tables["Loss and absorption by product"]:
        ceiling = min(p["loss_usd"], p["untapped_elsewhere_usd"])
        assert p["absorbed_usd"] <= ceiling * (1 + 1e-9) + 1e-6


def test_show_russia_for_a_kanpur_exporter(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 11: `tariff show RUS IND --hs 4202` exited 2 when only the US schedule shipped."""
    code, out, _ = run(
        capsys, "tariff", "show", "RUS", "IND", "--hs", "4202", "--date", "2026-03-01"
    )
    assert code == 0
    assert "EAEU CCT 2026" in out and "4202210000" in out and "12.5%" in out
    doc = run_json(capsys, "tariff", "show", "RUS", "IND", "--hs", "6403", "--format", "json")
    assert doc["meta"]["totals"]["specific_lines"] == doc["meta"]["totals"]["lines"] == 40
    assert all(r["total_pct"] is not None and "USD" in r["basis"] for r in doc["rows"])
    code, out, _ = run(capsys, "tariff", "show", "RUS", "IND", "--hs", "4202", "--timeline")
    assert code == 0 and "no rates shipped" in out

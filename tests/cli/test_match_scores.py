"""The organiser's own scores, end to end: scores.csv -> match schedule -> meetings.csv."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from tradepivot.cli import main

TINY = Path(__file__).parents[1] / "fixtures" / "events" / "tiny"


def _meetings(folder: Path) -> dict[frozenset[str], float]:
    with (folder / "meetings.csv").open(encoding="utf-8") as handle:
        return {frozenset((r["a"], r["b"])): float(r["score"]) for r in csv.DictReader(handle)}


def test_scores_csv_steers_the_schedule_and_its_scores(tmp_path: Path) -> None:
    """Without scores.csv, ex2-bu2 meets (82.5) and bu1-ex1 scores 80.4; the organiser's
    file replaces the first by 0 (no meeting) and the second by 55 (the meeting keeps that
    score in meetings.csv). scores.csv was read and stored but ignored by the scorer."""
    event = Path(shutil.copytree(TINY, tmp_path / "tiny"))
    assert main(["match", "schedule", str(event), "--time-limit", "5",
                 "--output-dir", str(tmp_path / "plain")]) == 0  # fmt: skip
    plain = _meetings(tmp_path / "plain")
    assert frozenset(("ex2", "bu2")) in plain
    assert plain[frozenset(("bu1", "ex1"))] != 55.0
    (event / "scores.csv").write_text(
        "source,target,weight,reason,mode\n"
        "ex2,bu2,0,not this pair,replace\n"
        "bu1,ex1,55,CRM lead score B,replace\n",
        encoding="utf-8",
    )
    assert main(["match", "schedule", str(event), "--time-limit", "5",
                 "--output-dir", str(tmp_path / "weighted")]) == 0  # fmt: skip
    weighted = _meetings(tmp_path / "weighted")
    assert frozenset(("ex2", "bu2")) not in weighted
    assert weighted[frozenset(("bu1", "ex1"))] == 55.0

"""`match agendas`: every participant's agenda in one run, one file each."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from icalendar import Calendar

from tradepivot.cli import main

TINY = Path(__file__).parents[1] / "fixtures" / "events" / "tiny"


def test_every_participant_gets_their_own_calendar_and_page(tmp_path: Path) -> None:
    event = Path(shutil.copytree(TINY, tmp_path / "tiny"))
    assert main(["match", "schedule", str(event), "--time-limit", "5", "--publish",
                 "--output-dir", str(tmp_path / "run")]) == 0  # fmt: skip
    with (event / "meetings.csv").open(encoding="utf-8") as handle:
        meetings = list(csv.DictReader(handle))
    with (event / "participants.csv").open(encoding="utf-8") as handle:
        people = [r["id"] for r in csv.DictReader(handle)]
    assert main(["match", "agendas", str(event), "--format", "ics", "-o",
                 str(tmp_path / "ics"), "--no-market"]) == 0  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "ics").iterdir()) == sorted(
        f"agenda-{pid}.ics" for pid in people
    )
    for pid in people:
        calendar = Calendar.from_ical((tmp_path / "ics" / f"agenda-{pid}.ics").read_bytes())
        mine = [m for m in meetings if pid in (m["a"], m["b"])]
        assert len(list(calendar.walk("VEVENT"))) == len(mine), pid
    assert main(["match", "agendas", str(event), "--format", "html", "--lang", "ru", "-o",
                 str(tmp_path / "html"), "--no-market"]) == 0  # fmt: skip
    page = (tmp_path / "html" / f"agenda-{people[0]}.html").read_text(encoding="utf-8")
    assert 'lang="ru"' in page
    # and the hall staff's sheets: every published meeting on its table's page
    sheets = (tmp_path / "html" / "tables.html").read_text(encoding="utf-8")
    assert sheets.count('<section class="sheet">') >= len({m["table"] for m in meetings})
    for m in meetings:
        assert m["a"] in sheets and m["b"] in sheets
    assert main(["match", "agendas", str(event), "--format", "pdf", "-o",
                 str(tmp_path / "pdf"), "--no-market"]) == 0  # fmt: skip
    assert (tmp_path / "pdf" / "tables.pdf").read_bytes().startswith(b"%PDF-")
    assert len(list((tmp_path / "pdf").glob("agenda-*.pdf"))) == len(people)
    # a file in the way of the folder is a clear usage error, not a crash
    (tmp_path / "file").write_text("x")
    assert main(["match", "agendas", str(event), "-o", str(tmp_path / "file")]) == 2

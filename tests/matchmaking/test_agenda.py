"""Agendas, grids, exports and statistics on a small India–Russia event built by hand."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zlib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tradepivot.errors import InputError
from tradepivot.matchmaking.agenda import (
    organiser_grid,
    participant_agenda,
    statistics,
)
from tradepivot.matchmaking.model import (
    Event,
    Interpreter,
    Meeting,
    Participant,
    Preference,
    Slot,
    Table,
    Venue,
)
from tradepivot.reports.agenda import agenda_html, agenda_ics, agenda_pdf
from tradepivot.reports.grid import grid_html, grid_xlsx, meetings_csv

IST = ZoneInfo("Asia/Kolkata")
EN_RU = frozenset({frozenset({"en", "ru"})})
WHY = "Sharma Exports offers HS 0902 (tea); ООО Ромашка seeks 0902."


def _slot(sid: str, hour: int, minute: int) -> Slot:
    start = dt.datetime(2026, 3, 2, hour, minute, tzinfo=IST)
    return Slot(sid, start, start + dt.timedelta(minutes=30), "V1", "morning")


def sample_event() -> Event:
    """A small India–Russia event (shared with tests/reports)."""
    people = [
        Participant(
            "IN1",
            "Sharma Exports Pvt Ltd",
            "exporter",
            "IND",
            city="Kolkata",
            contact="Anil Sharma",
            delegation="FIEO",
            languages=("en", "hi"),
            timezone="Asia/Kolkata",
        ),
        Participant(
            "IN2",
            "<script>alert(1)</script>",
            "exporter",
            "IND",
            delegation="FIEO",
            timezone="Asia/Kolkata",
        ),
        Participant("IN3", "Kerala Spices", "exporter", "IND", timezone="Asia/Kolkata"),
        Participant(
            "RU1",
            "ООО Ромашка",
            "buyer",
            "RUS",
            city="Москва",
            contact="Ирина Смирнова",
            delegation="Moscow CCI",
            languages=("ru",),
            timezone="Europe/Moscow",
        ),
        Participant(
            "RU2",
            "Volga Trading LLC",
            "buyer",
            "RUS",
            delegation="Moscow CCI",
            languages=("en", "ru"),
            timezone="Europe/Moscow",
        ),
    ]
    return Event(
        name="India–Russia Business Forum 2026",
        timezone="Asia/Kolkata",
        participants={p.id: p for p in people},
        venues={"V1": Venue("V1", "Hall A", "New Delhi", "Asia/Kolkata")},
        slots=(_slot("S1", 10, 0), _slot("S2", 10, 30), _slot("S3", 11, 0)),
        tables=(Table("T1", "V1"), Table("T2", "V1", unavailable=frozenset({"S3"}))),
        interpreters=(
            Interpreter("I1", "Anna Petrova", EN_RU),
            Interpreter("I2", "Ravi Kumar", EN_RU, available=frozenset({"S1"})),
        ),
        preferences=(
            Preference("IN1", "RU1", "must"),
            Preference("RU2", "IN1", "must"),
            Preference("IN3", "RU2", "meet"),
        ),
    )


def sample_meetings() -> tuple[Meeting, ...]:
    return (
        Meeting("IN1", "RU1", "S1", "T1", interpreter="I1", score=0.9, published=True),
        Meeting("IN2", "RU2", "S1", "T2", score=0.5),
        Meeting("IN2", "RU1", "S2", "T1", interpreter="I1", score=0.7, locked=True),
    )


@pytest.fixture
def event() -> Event:
    return sample_event()


@pytest.fixture
def meetings() -> tuple[Meeting, ...]:
    return sample_meetings()


def test_agenda_rows_in_both_zones(event: Event, meetings: tuple[Meeting, ...]) -> None:
    data = participant_agenda(event, meetings, "RU1", {("RU1", "IN1"): WHY})
    assert data.two_zones
    assert [r.slot for r in data.rows] == ["S1", "S2"]
    first = data.rows[0]
    assert (first.start.hour, first.start.minute) == (7, 30)
    assert (first.event_start.hour, first.event_start.minute) == (10, 0)
    assert first.start_label == "07:30 MSK / 10:00 IST"
    assert first.counterpart.id == "IN1"
    assert first.interpreter == "Anna Petrova"
    assert first.explanation == WHY  # found under the reversed pair
    assert data.rows[1].explanation == ""
    assert [f.slots for f in data.free] == [("S3",)]
    assert data.free[0].start_label == "08:30 MSK / 11:00 IST"


def test_agenda_in_one_zone_when_the_participant_is_local(
    event: Event, meetings: tuple[Meeting, ...]
) -> None:
    data = participant_agenda(event, meetings, "IN1")
    assert not data.two_zones
    assert data.rows[0].start_label == "10:00 IST"
    assert [f.slots for f in data.free] == [("S2",), ("S3",)]
    html = agenda_html(data)
    assert "10:00 IST" in html
    assert "MSK" not in html
    assert "Ирина Смирнова" in html  # the counterpart's contact


def test_agenda_html_shows_both_zones_and_escapes(
    event: Event, meetings: tuple[Meeting, ...]
) -> None:
    html = agenda_html(participant_agenda(event, meetings, "RU1", {("IN1", "RU1"): WHY}))
    assert html.startswith("<!DOCTYPE html>")
    assert "07:30 MSK / 10:00 IST" in html
    assert "10:00 IST" in html and "07:30 MSK" in html
    assert "Ирина Смирнова" in html and WHY in html and "Anna Petrova" in html
    assert "<script" not in html.lower()  # the organisation named <script> is text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"(src|href)=\"https?:", html)  # no external resource
    assert "Monday, 2 March 2026" in html


def _streams(pdf: bytes) -> list[bytes]:
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            out.append(match.group(1))
    return out


def test_agenda_pdf_is_unicode_and_deterministic(
    event: Event, meetings: tuple[Meeting, ...]
) -> None:
    data = participant_agenda(event, meetings, "IN1", {("IN1", "RU1"): WHY})
    pdf = agenda_pdf(data)
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    fonts = set(re.findall(rb"/BaseFont /[A-Z]{6}\+(DejaVuSans\w*)", pdf))
    assert len(fonts) == 2 and all(f.startswith(b"DejaVuSans") for f in fonts)  # regular, bold
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    assert re.search(rb"/Count\s+1\b", pdf)
    assert b"/CreationDate (D:20260302" in pdf  # the first slot, not "now"
    # The ToUnicode maps of the embedded subsets hold the Cyrillic letters printed.
    cmaps = b"".join(s for s in _streams(pdf) if b"begincmap" in s)
    for letter in "ИринаСмиоваОРмш":
        assert f"<{ord(letter):04X}>".encode() in cmaps, letter
    assert agenda_pdf(participant_agenda(event, meetings, "IN1", {("IN1", "RU1"): WHY})) == pdf


def test_agenda_pdf_with_nothing_scheduled(event: Event) -> None:
    pdf = agenda_pdf(participant_agenda(event, (), "IN3"))
    assert pdf.startswith(b"%PDF-") and b"DejaVuSans" in pdf


def test_agenda_ics(event: Event, meetings: tuple[Meeting, ...]) -> None:
    data = participant_agenda(event, meetings, "RU1", {("IN1", "RU1"): WHY})
    ics = agenda_ics(data)
    assert ics == agenda_ics(participant_agenda(event, meetings, "RU1", {("IN1", "RU1"): WHY}))
    calendar = Calendar.from_ical(ics)
    assert [tz.tz_name for tz in calendar.timezones] == ["Asia/Kolkata"]
    events = calendar.events
    assert len(events) == 2
    first = events[0]
    start = first.start
    assert isinstance(start, dt.datetime)
    assert start == dt.datetime(2026, 3, 2, 10, 0, tzinfo=IST)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 3, 2, 4, 30, tzinfo=dt.UTC)
    assert first["DTSTART"].params["TZID"] == "Asia/Kolkata"
    assert first.end == dt.datetime(2026, 3, 2, 10, 30, tzinfo=IST)
    assert str(first["UID"]) == "india-russia-business-forum-2026-IN1-RU1@tradepivot"
    assert str(events[1]["UID"]) == "india-russia-business-forum-2026-IN2-RU1@tradepivot"
    assert str(first["SUMMARY"]) == "Meeting: Sharma Exports Pvt Ltd"
    assert str(first["LOCATION"]) == "Hall A, table T1"
    description = str(first["DESCRIPTION"])
    assert "Sharma Exports Pvt Ltd" in description
    assert "Interpreter: Anna Petrova" in description
    assert WHY in description
    assert first.decoded("DTSTAMP") == dt.datetime(2026, 3, 2, 4, 30, tzinfo=dt.UTC)
    assert str(first["STATUS"]) == "CONFIRMED" and str(events[1]["STATUS"]) == "CONFIRMED"
    tentative = Calendar.from_ical(agenda_ics(participant_agenda(event, meetings, "RU2")))
    assert str(tentative.events[0]["STATUS"]) == "TENTATIVE"  # neither published nor locked


def test_agenda_ics_with_a_given_stamp(event: Event, meetings: tuple[Meeting, ...]) -> None:
    stamp = dt.datetime(2026, 2, 1, 12, 0, tzinfo=dt.UTC)
    calendar = Calendar.from_ical(
        agenda_ics(participant_agenda(event, meetings, "IN1"), stamp=stamp)
    )
    assert [e.decoded("DTSTAMP") for e in calendar.events] == [stamp]


def test_unknown_participant_suggests_close_ids(
    event: Event, meetings: tuple[Meeting, ...]
) -> None:
    with pytest.raises(InputError, match="Unknown participant 'RU01'") as info:
        participant_agenda(event, meetings, "RU01")
    assert info.value.hint is not None and "RU1" in info.value.hint
    with pytest.raises(InputError) as info:
        participant_agenda(event, meetings, "sharma exports pvt ltd")
    assert info.value.hint is not None and "IN1" in info.value.hint


def test_meetings_naming_unknown_things_are_refused(event: Event) -> None:
    with pytest.raises(InputError, match="table 'T9'"):
        organiser_grid(event, (Meeting("IN1", "RU1", "S1", "T9"),))
    with pytest.raises(InputError, match="unknown interpreter"):
        participant_agenda(event, (Meeting("IN1", "RU1", "S1", "T1", interpreter="I9"),), "IN1")
    with pytest.raises(InputError, match="Two meetings at table 'T1'"):
        organiser_grid(
            event, (Meeting("IN1", "RU1", "S1", "T1"), Meeting("IN2", "RU2", "S1", "T1"))
        )


def test_organiser_grid(event: Event, meetings: tuple[Meeting, ...]) -> None:
    grid = organiser_grid(event, meetings)
    assert grid.meetings == 3 and grid.interpreted == 2
    (venue,) = grid.venues
    assert [t.id for t in venue.tables] == ["T1", "T2"]
    assert [r.slot.id for r in venue.rows] == ["S1", "S2", "S3"]
    placed = {
        (row.slot.id, table.id): cell.meeting
        for row in venue.rows
        for table, cell in zip(venue.tables, row.cells, strict=True)
        if cell is not None
    }
    assert placed == {(m.slot, m.table): m for m in meetings}
    s1, s2, s3 = venue.rows
    assert s1.cells[0] is not None and s1.cells[0].a == "Sharma Exports"
    assert s1.cells[0].b == "Ромашка" and s1.cells[0].interpreter == "Anna Petrova"
    assert s1.cells[1] is not None and s1.cells[1].interpreter is None
    assert (s1.tables_used, s1.tables_available) == (2, 2)
    assert (s2.tables_used, s2.tables_available) == (1, 2)
    assert (s3.tables_used, s3.tables_available) == (0, 1) and s3.closed == {"T2"}
    assert s1.interpreters_busy == ("Anna Petrova",) and s1.interpreters_free == ("Ravi Kumar",)
    assert s2.interpreters_busy == ("Anna Petrova",) and s2.interpreters_free == ()
    assert s3.interpreters_busy == () and s3.interpreters_free == ("Anna Petrova",)
    assert s1.label == "Mon 2 Mar 10:00–10:30 IST"
    html = grid_html(grid)
    assert "<script" not in html.lower() and "&lt;script&gt;" in html
    assert "Ромашка" in html and "closed" in html and "2 / 2" in html


def test_grid_xlsx(event: Event, meetings: tuple[Meeting, ...], tmp_path: Path) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    path = tmp_path / "grid.xlsx"
    grid_xlsx(organiser_grid(event, meetings), path)
    book = load_workbook(path, read_only=True)
    try:
        assert book.sheetnames == ["Hall A"]
        rows = list(book["Hall A"].iter_rows(values_only=True))
    finally:
        book.close()
    assert rows[0][:4] == ("Slot", "Time (Asia/Kolkata)", "Table T1", "Table T2")
    assert rows[1][0] == "S1"
    assert rows[1][2] == "Sharma Exports Pvt Ltd\nООО Ромашка\nInterpreter: Anna Petrova"
    assert rows[3][3] == "closed"
    assert rows[2][4:6] == (1, 2)


def test_meetings_csv(event: Event, meetings: tuple[Meeting, ...], tmp_path: Path) -> None:
    path = tmp_path / "out" / "meetings.csv"
    meetings_csv(event, meetings, path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["slot"], r["table"]) for r in rows] == [("S1", "T1"), ("S1", "T2"), ("S2", "T1")]
    first = rows[0]
    assert (first["date"], first["start"], first["end"]) == ("2026-03-02", "10:00", "10:30")
    assert first["timezone"] == "Asia/Kolkata" and first["venue"] == "Hall A"
    assert first["b_organisation"] == "ООО Ромашка" and first["a_country"] == "IND"
    assert (first["interpreter"], first["interpreter_name"]) == ("I1", "Anna Petrova")
    assert (first["score"], first["locked"], first["published"]) == ("0.9", "false", "true")
    assert rows[2]["locked"] == "true"
    assert not list(tmp_path.glob("out/.*.tmp"))


def test_statistics_match_a_hand_count(event: Event, meetings: tuple[Meeting, ...]) -> None:
    stats = statistics(event, meetings)
    assert stats["meetings"] == 3 and stats["interpreted_meetings"] == 2
    assert stats["meetings_per_participant"] == {"IN1": 1, "IN2": 2, "IN3": 0, "RU1": 2, "RU2": 1}
    assert stats["overall"] == {
        "participants": 5,
        "min": 0,
        "median": 1.0,
        "max": 2,
        "mean": 1.2,
    }
    assert stats["by_side"]["exporter"] == {
        "participants": 3,
        "min": 0,
        "median": 1.0,
        "max": 2,
        "mean": 1.0,
    }
    assert stats["by_side"]["buyer"]["median"] == 1.5
    assert set(stats["by_side"]) == {"exporter", "buyer"}
    assert stats["by_delegation"]["FIEO"]["median"] == 1.5
    assert stats["by_delegation"]["Moscow CCI"]["min"] == 1
    assert stats["by_delegation"]["(none)"]["max"] == 0
    assert stats["must_meets"] == {
        "requested": 2,
        "satisfied": 1,
        "share": 0.5,
        "unsatisfied": [["IN1", "RU2"]],
    }
    assert stats["zero_meetings"] == ["IN3"]
    assert [(s["slot"], s["used"], s["available"]) for s in stats["tables_per_slot"]] == [
        ("S1", 2, 2),
        ("S2", 1, 2),
        ("S3", 0, 1),
    ]
    assert [(s["slot"], s["busy"], s["available"]) for s in stats["interpreters_per_slot"]] == [
        ("S1", 1, 2),
        ("S2", 1, 1),
        ("S3", 0, 1),
    ]
    assert stats["tables_per_slot"][0]["start"] == "2026-03-02T10:00:00+05:30"
    explicit = statistics(event, meetings, must_pairs={("RU1", "IN2")})
    assert explicit["must_meets"]["share"] == 1.0
    assert statistics(event, meetings, must_pairs=set())["must_meets"]["share"] is None

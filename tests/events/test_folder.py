"""Event folders: reading CSV/XLSX/JSON tables, every validation error's place, writing back."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import importlib.util
import json
import shutil
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from tests.conftest import FIXTURES
from tradepivot.data.reference import Reference
from tradepivot.errors import InputError, SourceFileError
from tradepivot.events import load_event, write_event, write_meetings
from tradepivot.matchmaking.model import Event, Meeting

REPO = Path(__file__).resolve().parents[2]
TINY = FIXTURES / "events" / "tiny"
EXAMPLE = REPO / "examples" / "india-russia-forum"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A writable copy of the tiny fixture event."""
    return Path(shutil.copytree(TINY, tmp_path / "tiny"))


@pytest.fixture(scope="module")
def tiny_event() -> Event:
    return load_event(TINY, Reference())[0]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def error_of(folder: Path, reference: Reference) -> SourceFileError:
    with pytest.raises(SourceFileError) as info:
        load_event(folder, reference)
    return info.value


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def load_script() -> ModuleType:
    path = REPO / "scripts" / "make_example_event.py"
    spec = importlib.util.spec_from_file_location("make_example_event", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------- reading


def test_tiny_event_loads_with_normalised_values(reference: Reference) -> None:
    event, notes = load_event(TINY, reference)
    assert event.name == "Tiny test forum"
    assert event.timezone == "Asia/Kolkata"
    assert event.synthetic is True
    assert len(event.participants) == 6
    assert [s.id for s in event.slots] == ["s1", "s2", "s3"]  # sorted by start
    assert [t.id for t in event.tables] == ["t1", "t2"]
    assert event.tables[1].unavailable == frozenset({"s3"})
    assert event.travel_minutes == {}  # no travel file: optional

    ex1, ex2, ex3 = (event.participants[i] for i in ("ex1", "ex2", "ex3"))
    bu1, bu2, of1 = (event.participants[i] for i in ("bu1", "bu2", "of1"))
    assert {p.country for p in (ex1, ex2, ex3)} == {"IND"}  # India, IND, IN
    assert {p.country for p in (bu1, bu2, of1)} == {"RUS"}  # Russia, RU, RUS
    assert ex1.offers == ("420221", "640399")  # 64.03.99 without dots
    assert ex1.delegation == "CLE leather delegation"
    assert ex2.delegation is None
    assert ex1.languages == ("en", "hi")  # "English; Hindi"
    assert bu1.languages == ("ru",)  # "Russian"
    assert ex1.certifications == ("ISO 9001", "LWG")
    assert ex2.cooperation_sought == ("distribution", "joint_venture")  # "joint venture"
    assert ex3.cooperation_offered == ("supply", "joint_venture")  # "joint-venture"
    assert ex3.offers == ("841370", "841391")  # separated by a space
    assert ex2.available == frozenset({"s1", "s2"})
    assert ex1.available is None
    assert ex2.max_meetings == 4
    assert ex1.max_meetings is None
    assert ex2.timezone == "Asia/Kolkata"  # empty: the event's time zone
    assert bu1.timezone == "Europe/Moscow"
    assert bu1.seeks == ("4202", "6403")
    assert of1.side == "official"

    (interpreter,) = event.interpreters
    assert interpreter.pairs == frozenset({frozenset({"en", "ru"})})
    assert interpreter.venue == "hall"
    assert interpreter.available == frozenset({"s1", "s2"})
    assert [(p.source, p.target, p.level) for p in event.preferences] == [
        ("bu1", "ex1", "must"),
        ("bu2", "ex2", "meet"),
        ("ex3", "bu1", "no"),
    ]
    (meeting,) = event.meetings
    assert (meeting.a, meeting.b) == ("ex3", "of1")  # stored with a < b
    assert meeting.locked and meeting.published
    assert len(notes) == 2  # the two national lines


def test_national_hs_lines_are_cut_to_hs6_with_a_note(reference: Reference) -> None:
    event, notes = load_event(TINY, reference)
    assert event.participants["ex2"].offers == ("300490",)  # Indian ITC-HS 30049099
    assert event.participants["bu2"].seeks == ("300490",)  # EAEU TN VED 3004901000
    assert any("30049099" in n and "8-digit" in n and "line 3" in n for n in notes)
    assert any("3004901000" in n and "10-digit" in n and "seeks" in n for n in notes)


def test_a_lost_leading_zero_is_restored_with_a_note(tiny: Path, reference: Reference) -> None:
    edit(tiny / "participants.csv", "841370 8413.91", "90230")
    event, notes = load_event(tiny, reference)
    assert event.participants["ex3"].offers == ("090230",)
    assert any("090230" in n and "leading zero" in n for n in notes)


def test_time_zones(reference: Reference) -> None:
    event, _ = load_event(TINY, reference)
    first = event.slots[0]
    assert first.start.utcoffset() == dt.timedelta(hours=5, minutes=30)
    assert first.start.astimezone(ZoneInfo("Europe/Moscow")).strftime("%H:%M") == "07:30"
    assert first.start == dt.datetime(2025, 12, 4, 4, 30, tzinfo=dt.UTC)
    assert first.end - first.start == dt.timedelta(minutes=20)


def test_slot_times_are_local_to_their_venue(tiny: Path, reference: Reference) -> None:
    edit(tiny / "venues.csv", "New Delhi,Asia/Kolkata", "Moscow,Europe/Moscow")
    event, _ = load_event(tiny, reference)
    assert event.slots[0].start == dt.datetime(2025, 12, 4, 7, 0, tzinfo=dt.UTC)


def test_time_zone_spelling_case_is_forgiven(tiny: Path, reference: Reference) -> None:
    edit(tiny / "participants.csv", ",Europe/Moscow,,3", ",europe/moscow,,3")
    event, _ = load_event(tiny, reference)
    assert event.participants["bu2"].timezone == "Europe/Moscow"


def test_optional_venue_column_with_a_single_venue(tiny: Path, reference: Reference) -> None:
    rows = csv_rows(tiny / "slots.csv")
    with (tiny / "slots.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([r[:4] for r in rows])
    event, _ = load_event(tiny, reference)
    assert {s.venue for s in event.slots} == {"hall"}


def test_none_means_no_slot_and_empty_languages_mean_english(
    tiny: Path, reference: Reference
) -> None:
    edit(tiny / "participants.csv", ",investment,ru,,Regional", ",investment,,,Regional")
    edit(tiny / "participants.csv", "agency.,Europe/Moscow,s1;s2,", "agency.,Europe/Moscow,none,")
    event, notes = load_event(tiny, reference)
    assert event.participants["of1"].available == frozenset()
    assert event.participants["of1"].languages == ("en",)
    assert any("1 participant list no language" in n for n in notes)


def test_semicolon_delimited_csv_with_bom_and_crlf(tiny: Path, reference: Reference) -> None:
    path = tiny / "participants.csv"
    rows = csv_rows(path)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(rows)
    assert load_event(tiny, reference)[0] == load_event(TINY, reference)[0]


def test_lines_are_physical_lines_across_quoted_newlines(tiny: Path, reference: Reference) -> None:
    edit(tiny / "participants.csv", "Handbags and footwear.", '"Handbags\nand footwear."')
    edit(tiny / "participants.csv", "Velmira Distribution,buyer,", "Velmira Distribution,byer,")
    error = error_of(tiny, reference)
    assert (error.line, error.field) == (7, "side")  # the header is line 1, bu2 the 6th record


def test_xlsx_tables_read_like_csv(tiny: Path, reference: Reference) -> None:
    for name in ("participants", "slots"):
        rows = csv_rows(tiny / f"{name}.csv")
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = name.title()
        for row in rows:
            cells: list[object] = list(row)
            if name == "slots" and row[0] != "id":  # real date and time cells, as Excel has
                cells[1] = dt.datetime.fromisoformat(row[1])
                cells[2] = dt.time.fromisoformat(row[2])
                cells[3] = dt.time.fromisoformat(row[3])
            if name == "participants" and row[0] == "ex2":  # numbers, as Excel makes them
                cells[8] = 30049099
                cells[17] = 4
            sheet.append(cells)
        book.save(tiny / f"{name}.xlsx")
        (tiny / f"{name}.csv").unlink()
    event, notes = load_event(tiny, reference)
    assert event == load_event(TINY, reference)[0]
    assert any(n.startswith("participants.xlsx row 3, offers") for n in notes)


def test_xlsx_errors_give_the_sheet_row(tiny: Path, reference: Reference) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Delegates"
    sheet.append([])  # an empty first row: rows keep their sheet numbers
    for row in csv_rows(tiny / "participants.csv"):
        sheet.append(["byer" if cell == "buyer" and row[0] == "bu2" else cell for cell in row])
    book.save(tiny / "participants.xlsx")
    (tiny / "participants.csv").unlink()
    error = error_of(tiny, reference)
    assert Path(error.path).name == "participants.xlsx"
    assert (error.line, error.field) == (7, "side")
    assert "sheet 'Delegates', row 7" in str(error)


def test_json_tables_read_like_csv(tiny: Path, reference: Reference) -> None:
    rows = csv_rows(tiny / "participants.csv")
    header = rows[0]
    records: list[dict[str, object]] = []
    for row in rows[1:]:
        record: dict[str, object] = {k: v for k, v in zip(header, row, strict=True) if v}
        record["languages"] = [s.strip() for s in row[header.index("languages")].split(";")]
        if row[0] == "ex2":
            record["max_meetings"] = 4
        records.append(record)
    (tiny / "participants.json").write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    (tiny / "participants.csv").unlink()
    assert load_event(tiny, reference)[0] == load_event(TINY, reference)[0]

    records[4]["side"] = "byer"
    (tiny / "participants.json").write_text(json.dumps(records), "utf-8")
    error = error_of(tiny, reference)
    assert (Path(error.path).name, error.line, error.field) == (
        "participants.json",
        None,
        "participants[4].side",
    )


@pytest.mark.parametrize(
    ("content", "line", "field", "words"),
    [
        ('{"id": "x"}', None, None, "not a list"),
        ("[1]", None, "participants[0]", "not an object"),
        ('[{"id": "x", "colour": "red"}]', None, "participants[0].colour", "unknown key"),
        (
            '[{"id": "x", "side": "buyer", "country": "RU"}]',
            None,
            "participants[0].organisation",
            "missing key",
        ),
        ('[{"id": "x",\n "side": }]', 2, None, "not valid JSON"),
    ],
)
def test_json_structure_errors(
    tiny: Path,
    reference: Reference,
    content: str,
    line: int | None,
    field: str | None,
    words: str,
) -> None:
    (tiny / "participants.csv").unlink()
    (tiny / "participants.json").write_text(content, encoding="utf-8")
    error = error_of(tiny, reference)
    assert (Path(error.path).name, error.line, error.field) == ("participants.json", line, field)
    assert words in error.problem


# ---------------------------------------------------------------------------------- errors

ERRORS = [
    # file, old text, new text, line, field, words in the message
    (
        "participants.csv",
        "organisation,side",
        "organisaton,side",
        1,
        "organisaton",
        "unknown column",
    ),
    (
        "participants.csv",
        "Velmira Distribution,buyer",
        "Velmira Distribution,byer",
        6,
        "side",
        "byer",
    ),
    ("participants.csv", "bu2,Velmira", "bu1,Velmira", 6, "id", "duplicate id 'bu1'"),
    ("participants.csv", "ex3,Tarodeep Pumps LLP,", "ex3,,", 4, "organisation", "empty"),
    ("participants.csv", ",IN,Pune,", ",Narnia,Pune,", 4, "country", "Narnia"),
    ("participants.csv", "841370 8413.91", "841370 420000", 4, "offers", "420000"),
    ("participants.csv", "841370 8413.91", "841370 84x", 4, "offers", "not an HS code"),
    ("participants.csv", "841370 8413.91", "8413701234567", 4, "offers", "not an HS code"),
    (
        "participants.csv",
        "supply;licensing,ru;en",
        "supply;barter,ru;en",
        6,
        "cooperation_sought",
        "barter",
    ),
    ("participants.csv", ",en;hi;ru,", ",en;hi;klingon,", 4, "languages", "klingon"),
    ("participants.csv", ",Europe/Moscow,,3", ",Europe/Moskva,,3", 6, "timezone", "Moskva"),
    ("participants.csv", ",s1;s2,4", ",s1;s2,-1", 3, "max_meetings", "negative"),
    ("participants.csv", ",s1;s2,4", ",s1;s2,four", 3, "max_meetings", "whole number"),
    ("participants.csv", ",s1;s2,4", ",s1;s9,4", 3, "available", "unknown slot 's9'"),
    ("participants.csv", "bu2,Velmira", "b;2,Velmira", 6, "id", "contains ';'"),
    ("venues.csv", "New Delhi,Asia/Kolkata", "New Delhi,Asia/Kolkatta", 2, "timezone", "Kolkatta"),
    ("slots.csv", "s3,2025-12-04,10:40,11:00", "s3,2025-12-04,10:40,10:30", 3, "end", "not after"),
    ("slots.csv", "s2,2025-12-04,", "s2,04.12.2025,", 4, "date", "not a date"),
    ("slots.csv", "s2,2025-12-04,10:20", "s2,2025-12-04,25:20", 4, "start", "time of day"),
    ("slots.csv", "10:00,10:20,hall,", "10:00,10:20,hall2,", 2, "venue", "unknown venue"),
    ("slots.csv", "s2,2025", "s1,2025", 4, "id", "duplicate id"),
    ("slots.csv", "s2,2025", "None,2025", 4, "id", "reserved"),
    ("tables.csv", "t2,hall,s3", "t2,hall,s4", 3, "unavailable", "unknown slot"),
    ("tables.csv", "t2,hall,s3", "t2,annex,s3", 3, "venue", "unknown venue"),
    ("interpreters.csv", "en-ru", "en-en", 2, "pairs", "not a pair"),
    ("interpreters.csv", "en-ru", "en-xx", 2, "pairs", "unknown language"),
    ("interpreters.csv", ",s1;s2", ",s1;s7", 2, "available", "unknown slot"),
    ("preferences.csv", "bu2,ex2,meet", "bu2,bu2,meet", 3, "target", "itself"),
    ("preferences.csv", "ex3,bu1,no", "ex3,bu9,no", 4, "target", "unknown participant"),
    ("preferences.csv", "ex3,bu1,no", "ex3,bu1,never", 4, "level", "never"),
    ("preferences.csv", "ex3,bu1,no", "bu1,ex1,no", 4, "target", "second preference"),
    ("meetings.csv", "of1,ex3,s1,t1", "of1,ex3,s1,t7", 2, "table", "unknown table"),
    ("meetings.csv", ",,true,true", ",i9,true,true", 2, "interpreter", "unknown interpreter"),
    ("meetings.csv", "true,true", "true,maybe", 2, "published", "true or false"),
    ("meetings.csv", "of1,ex3,s1,t1,,true,true", "of1,of1,s1,t1,,true,true", 2, "b", "itself"),
    ("event.yaml", "timezone: Asia/Kolkata", "timezone: India", 3, "timezone", "IANA"),
    ("event.yaml", "synthetic: true", "synthetc: true", 4, "synthetc", "unknown key"),
    ("event.yaml", "synthetic: true", "synthetic: maybe", 4, "synthetic", "synthetic"),
    ("event.yaml", "name: Tiny test forum", "name: ''", 2, "name", "no name"),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "field", "words"),
    ERRORS,
    ids=[f"{e[0]}-{e[4]}-{e[5][:16]}" for e in ERRORS],
)
def test_validation_errors_name_file_line_and_field(
    tiny: Path,
    reference: Reference,
    file: str,
    old: str,
    new: str,
    line: int,
    field: str,
    words: str,
) -> None:
    edit(tiny / file, old, new)
    error = error_of(tiny, reference)
    assert (Path(error.path).name, error.line, error.field) == (file, line, field)
    assert words in str(error)
    assert f"line {line}" in str(error)


def test_hints_suggest_the_close_spelling(tiny: Path, reference: Reference) -> None:
    edit(tiny / "participants.csv", "organisation,side", "organisaton,side")
    assert "organisation" in (error_of(tiny, reference).hint or "")
    shutil.copy(TINY / "participants.csv", tiny / "participants.csv")
    edit(tiny / "participants.csv", ",Europe/Moscow,,3", ",Europe/Moskva,,3")
    assert "Europe/Moscow" in (error_of(tiny, reference).hint or "")
    shutil.copy(TINY / "participants.csv", tiny / "participants.csv")
    edit(tiny / "participants.csv", "841370 8413.91", "841399")
    assert "841311" in (error_of(tiny, reference).hint or "")  # a sibling subheading


def test_missing_required_column(tiny: Path, reference: Reference) -> None:
    rows = csv_rows(tiny / "participants.csv")
    keep = [i for i, name in enumerate(rows[0]) if name != "side"]
    with (tiny / "participants.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[r[i] for i in keep] for r in rows])
    error = error_of(tiny, reference)
    assert (Path(error.path).name, error.line, error.field) == ("participants.csv", 1, "side")
    assert "missing column side" in str(error)


def test_a_value_beyond_the_header(tiny: Path, reference: Reference) -> None:
    edit(tiny / "tables.csv", "t2,hall,s3", "t2,hall,s3,extra")
    error = error_of(tiny, reference)
    assert (Path(error.path).name, error.line) == ("tables.csv", 3)
    assert "beyond the last column" in str(error)


def test_a_missing_required_file_is_named(tiny: Path, reference: Reference) -> None:
    (tiny / "tables.csv").unlink()
    error = error_of(tiny, reference)
    assert Path(error.path).name == "tables.csv"
    assert "no tables file" in str(error)
    (tiny / "event.yaml").unlink()
    assert "no event.yaml" in str(error_of(tiny, reference))


def test_two_files_for_one_table(tiny: Path, reference: Reference) -> None:
    shutil.copy(tiny / "tables.csv", tiny / "tables.json")
    error = error_of(tiny, reference)
    assert "tables.csv and tables.json" in str(error)


def test_an_empty_table_file(tiny: Path, reference: Reference) -> None:
    (tiny / "venues.csv").write_text("\n\n", encoding="utf-8")
    error = error_of(tiny, reference)
    assert Path(error.path).name == "venues.csv"
    assert "is empty" in str(error)


def test_not_a_folder(tmp_path: Path, reference: Reference) -> None:
    assert "no such folder" in str(error_of(tmp_path / "nowhere", reference))


def test_meetings_cannot_double_book(tiny: Path, reference: Reference) -> None:
    with (tiny / "meetings.csv").open("a", encoding="utf-8") as handle:
        handle.write("bu1,ex3,s1,t2,,false,false\n")
    error = error_of(tiny, reference)
    assert (Path(error.path).name, error.line, error.field) == ("meetings.csv", 3, "b")
    assert "already in a meeting" in str(error)


def test_travel_is_checked(tiny: Path, reference: Reference) -> None:
    (tiny / "venues.csv").write_text(
        "id,name,city,timezone\nhall,Hall A,New Delhi,\nannex,Annex,New Delhi,\n", "utf-8"
    )
    (tiny / "travel.csv").write_text("from,to,minutes\nhall,annex,5\n", "utf-8")
    event, _ = load_event(tiny, reference)
    assert event.travel("annex", "hall") == 5  # one direction given: symmetric
    assert event.venues["annex"].timezone == "Asia/Kolkata"  # empty: the event's
    (tiny / "travel.csv").write_text("from,to,minutes\nhall,annex,-5\n", "utf-8")
    error = error_of(tiny, reference)
    assert (Path(error.path).name, error.line, error.field) == ("travel.csv", 2, "minutes")
    (tiny / "travel.csv").write_text("from,to,minutes\nhall,hall,5\n", "utf-8")
    assert error_of(tiny, reference).field == "to"


def test_unknown_table_like_files_are_noted(tiny: Path, reference: Reference) -> None:
    shutil.copy(tiny / "preferences.csv", tiny / "preference.csv")
    (tiny / "~$participants.xlsx").write_bytes(b"")  # an Excel lock file: ignored
    _, notes = load_event(tiny, reference)
    assert any("preference.csv" in n and "preferences" in n for n in notes)
    assert not any("~$" in n for n in notes)


# ---------------------------------------------------------------------------------- writing


def test_round_trip_tiny(tmp_path: Path, reference: Reference, tiny_event: Event) -> None:
    write_event(tiny_event, tmp_path / "out", description="Round trip.")
    again, notes = load_event(tmp_path / "out", reference)
    assert again == tiny_event
    assert notes == []  # written codes are HS6 already
    assert "description: Round trip." in (tmp_path / "out" / "event.yaml").read_text("utf-8")


def test_round_trip_edge_values(tmp_path: Path, reference: Reference, tiny_event: Event) -> None:
    people = dict(tiny_event.participants)
    people["of1"] = dataclasses.replace(people["of1"], available=frozenset(), delegation="D, E")
    people["ex1"] = dataclasses.replace(people["ex1"], description='Says "hi",\nthen; more')
    event = dataclasses.replace(
        tiny_event,
        participants=people,
        interpreters=(dataclasses.replace(tiny_event.interpreters[0], venue=None, available=None),),
        meetings=(Meeting("bu1", "ex1", "s2", "t2", "i1", score=2.5),),
        synthetic=False,
    )
    write_event(event, tmp_path / "out")
    assert load_event(tmp_path / "out", reference)[0] == event


def test_write_event_refuses_to_make_a_folder_ambiguous(tmp_path: Path, tiny_event: Event) -> None:
    (tmp_path / "participants.xlsx").write_bytes(b"")
    with pytest.raises(InputError, match=r"participants\.xlsx"):
        write_event(tiny_event, tmp_path)


def test_write_meetings(tmp_path: Path) -> None:
    path = tmp_path / "meetings.csv"
    write_meetings(
        [Meeting("ex3", "bu1", "s1", "t1", None, locked=True), Meeting("a", "b", "s2", "t2", "i1")],
        path,
    )
    assert csv_rows(path) == [
        ["a", "b", "slot", "table", "interpreter", "score", "locked", "published"],
        ["bu1", "ex3", "s1", "t1", "", "", "true", "false"],
        ["a", "b", "s2", "t2", "i1", "", "false", "false"],
    ]


# ---------------------------------------------------------------------------------- the example


@pytest.fixture(scope="module")
def example() -> Event:
    event, notes = load_event(EXAMPLE, Reference())
    assert notes == []
    return event


def test_example_event_has_the_described_counts(example: Event) -> None:
    people = list(example.participants.values())
    assert example.synthetic is True
    assert len(people) == 500
    assert Counter(p.side for p in people) == {"exporter": 300, "buyer": 170, "official": 30}
    assert {p.country for p in people if p.side == "exporter"} == {"IND"}
    assert {p.country for p in people if p.side != "exporter"} == {"RUS"}
    assert Counter(p.delegation for p in people if p.delegation) == {
        "CLE leather delegation": 22,
        "Pharmexcil delegation": 25,
        "EEPC engineering delegation": 30,
    }
    assert {p.timezone for p in people if p.country == "RUS"} == {"Europe/Moscow"}
    assert {p.timezone for p in people if p.country == "IND"} == {"Asia/Kolkata"}
    assert all(p.email.endswith(".example") for p in people)
    assert all(len(code) in (2, 4, 6) for p in people for code in (*p.offers, *p.seeks))

    assert len(example.venues) == 1
    assert len(example.slots) == 12
    zone = ZoneInfo("Asia/Kolkata")
    starts = [s.start.astimezone(zone).strftime("%H:%M") for s in example.slots]
    assert starts[0] == "10:00" and starts[5] == "11:40" and starts[6] == "12:20"
    assert example.slots[-1].end.astimezone(zone).strftime("%H:%M") == "14:20"
    assert {s.end - s.start for s in example.slots} == {dt.timedelta(minutes=20)}
    assert len(example.tables) == 90
    pairs = Counter("-".join(sorted(p)) for i in example.interpreters for p in i.pairs)
    assert pairs == {"en-ru": 12, "hi-ru": 2}
    assert any(i.available is not None for i in example.interpreters)
    assert 140 <= len(example.preferences) <= 160
    assert {p.level for p in example.preferences} == {"must", "meet", "no"}
    assert any(p.available is not None for p in people)
    assert {p.max_meetings for p in people} - {None} <= set(range(6, 11))
    assert all(m.locked and m.published for m in example.meetings)


def test_example_languages_and_cooperation_fit_the_sides(example: Event) -> None:
    people = list(example.participants.values())
    russians = [p for p in people if p.country == "RUS"]
    indians = [p for p in people if p.country == "IND"]
    assert all("ru" in p.languages for p in russians)
    assert 0.15 < sum("en" in p.languages for p in russians) / len(russians) < 0.45
    assert all("en" in p.languages for p in indians)
    assert 0.45 < sum("hi" in p.languages for p in indians) / len(indians) < 0.75
    assert all("supply" in p.cooperation_offered for p in indians)
    buyers = [p for p in people if p.side == "buyer"]
    assert all("distribution" in p.cooperation_offered for p in buyers)
    assert all("supply" in p.cooperation_sought for p in buyers)


def test_generator_is_deterministic(tmp_path: Path, example: Event) -> None:
    script = load_script()
    assert script.main(["--seed", "1", "--out", str(tmp_path / "again"), "--quiet"]) == 0
    for path in sorted(EXAMPLE.iterdir()):
        if path.is_file() and path.name != "README.md":  # its command line names the output folder
            assert (tmp_path / "again" / path.name).read_bytes() == path.read_bytes(), path.name


def test_generator_scales_on_the_same_code_path(tmp_path: Path, reference: Reference) -> None:
    script = load_script()
    out = tmp_path / "big"
    assert (
        script.main(["--participants", "1000", "--buyers", "400", "--out", str(out), "--quiet"])
        == 0
    )
    event, _ = load_event(out, reference)
    sides = Counter(p.side for p in event.participants.values())
    assert len(event.participants) == 1000
    assert sides["exporter"] == 600
    assert sides["buyer"] + sides["official"] == 400
    assert len(event.tables) == 180
    assert len({p.organisation for p in event.participants.values()}) == 1000

"""Registrations into a store: a zipped folder, zip bombs, a one-form event."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from tradepivot.errors import InputError
from tradepivot.events import FolderStore, load_event
from tradepivot.services.registrations import (
    MAX_UNPACKED,
    EventSetup,
    ParticipantFilter,
    create_event,
    find_participants,
    import_registrations,
)

EXAMPLE = Path(__file__).parents[2] / "examples" / "india-russia-forum"


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zipped_folder_imports_as_match_reads_it(tmp_path: Path) -> None:
    store = FolderStore(tmp_path)
    files = {f"india-russia-forum/{p.name}": p.read_bytes() for p in EXAMPLE.iterdir()}
    result = import_registrations(store, "irf", {"forum.zip": _zip(files)})
    direct, _ = load_event(EXAMPLE)
    assert result.event.participants == direct.participants
    assert result.event.slots == direct.slots
    assert result.event.preferences == direct.preferences
    assert store.load("irf").event.participants == direct.participants
    assert store.published("irf") is None  # the folder's meetings are not imported


def test_a_zip_bomb_is_refused_unopened(tmp_path: Path) -> None:
    bomb = _zip({"participants.csv": b"0" * (MAX_UNPACKED + 1)})
    assert len(bomb) < 100_000
    with pytest.raises(InputError, match="holds too much"):
        import_registrations(FolderStore(tmp_path), "x", {"a.zip": bomb})


def test_one_form_event_and_its_slots(tmp_path: Path) -> None:
    store = FolderStore(tmp_path)
    setup = EventSetup(
        "day", "Day", "Europe/Moscow", "Hall", "Moscow", dt.date(2026, 5, 1),
        dt.time(9, 0), dt.time(10, 10), 30, 3, (("Olga", "en-ru"),),
    )  # fmt: skip
    event = create_event(store, setup).event
    assert [s.start.strftime("%H:%M") for s in event.slots] == [
        "09:00",
        "09:30",
    ]  # 10:00-10:30 does not fit
    assert str(event.slots[0].start.tzinfo) == "Europe/Moscow"
    assert [t.id for t in event.tables] == ["T01", "T02", "T03"]
    assert event.interpreters[0].pairs == {frozenset({"en", "ru"})}
    with pytest.raises(InputError, match="already an event"):
        create_event(store, setup)
    with pytest.raises(InputError, match="No 30-minute meeting fits"):
        create_event(
            store,
            EventSetup(
                "x", "X", "UTC", "H", "C", dt.date(2026, 5, 1), dt.time(9), dt.time(9, 20), 30, 1
            ),
        )


def test_find_participants_matches_every_word(tmp_path: Path) -> None:
    event, _ = load_event(EXAMPLE)
    found = find_participants(event, ParticipantFilter(text="Leather KANPUR", side="exporter"))
    expected = [
        p.id
        for p in event.participants.values()
        if p.side == "exporter"
        and all(
            w
            in " ".join(
                [p.id, p.organisation, p.city, p.contact, p.description, *p.offers, *p.seeks]
            ).lower()
            for w in ("leather", "kanpur")
        )
    ]
    assert [p.id for p in found] == sorted(expected) and expected


def test_a_column_map_imports_their_headers_and_round_trips_as_the_cli_yaml(
    tmp_path: Path,
) -> None:
    from tradepivot.events.schemas import TABLES
    from tradepivot.events.tabular import ColumnMap, read_column_map
    from tradepivot.services.registrations import column_map_yaml

    store = FolderStore(tmp_path / "store")
    files = {p.name: p.read_bytes() for p in EXAMPLE.iterdir() if p.suffix in (".csv", ".yaml")}
    import_registrations(store, "irf", files)
    text = (EXAMPLE / "participants.csv").read_text(encoding="utf-8")
    header, _, body = text.partition("\n")
    theirs = {"id": "Registration no", "organisation": "Company name"}
    renamed = ",".join(theirs.get(c, c) for c in header.split(","))
    upload = f"{renamed},Notes\n" + "\n".join(
        f"{line},x" for line in body.splitlines() if line.strip()
    )
    mapping = {
        "participants": {"Registration no": "id", "Company name": "organisation", "Notes": None}
    }
    with pytest.raises(Exception, match="unknown column"):
        import_registrations(store, "irf", {"participants.csv": upload.encode()})
    yaml_file = tmp_path / "map.yaml"
    yaml_file.write_text(column_map_yaml(mapping), encoding="utf-8")
    read_back = read_column_map(yaml_file, TABLES)
    assert read_back.tables == mapping
    result = import_registrations(
        store, "irf", {"participants.csv": upload.encode()}, column_map=ColumnMap(mapping)
    )
    direct, _ = load_event(EXAMPLE)
    assert result.event.participants == direct.participants


def test_upload_columns_suggest_ours_for_an_exports_headers() -> None:
    from tradepivot.services.registrations import upload_columns

    export = (
        b"ID,Company,Organisation,Side,Country,City,Contact person,E-mail,Languages,Phone\n"
        b"IN9,Kavirath,Kavirath Ltd,exporter,IND,Kanpur,Anil,anil@k.example,en,+91\n"
    )
    (table,) = upload_columns({"participants.csv": export, "event.yaml": b"name: x\n"})
    suggested = dict(table.columns)
    # written as ours: kept; a usual export name: suggested unless ours is there as written
    assert suggested["ID"] == "id" and suggested["Organisation"] == "organisation"
    assert suggested["Company"] is None  # "Organisation" is the organisation column
    assert suggested["Contact person"] == "contact" and suggested["E-mail"] == "email"
    assert suggested["Phone"] is None
    assert table.unknown == ("Company", "Contact person", "E-mail", "Phone")
    assert table.missing == () and table.needs_mapping
    ours = upload_columns({"participants.csv": (EXAMPLE / "participants.csv").read_bytes()})
    assert not ours[0].needs_mapping


def test_a_mapping_imports_an_export_as_the_cli_map_would(tmp_path: Path) -> None:
    from tradepivot.events.tabular import ColumnMap
    from tradepivot.services.registrations import column_map_yaml, upload_columns

    store = FolderStore(tmp_path)
    folder = {p.name: p.read_bytes() for p in EXAMPLE.iterdir() if p.suffix in (".csv", ".yaml")}
    import_registrations(store, "irf", folder)
    lines = (EXAMPLE / "participants.csv").read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("organisation", "Company Name").replace("email", "Mail")
    export = "\n".join(lines).encode()
    (table,) = upload_columns({"participants.csv": export})
    mapping = {"participants": dict(table.columns)}
    assert mapping["participants"]["Company Name"] == "organisation"
    assert mapping["participants"]["Mail"] == "email"

    done = import_registrations(
        store, "irf", {"participants.csv": export}, column_map=ColumnMap(mapping)
    )

    assert done.event.participants["IN0001"].organisation == "Tarunansh Leather Industries"
    assert "Company Name: organisation" in column_map_yaml(mapping)

"""The SQL store beyond the shared contract (tests/events/test_contract.py): a folder
imported and exported back unchanged, the match commands on db:ID, a publisher held up by
another, what a save may not drop."""

from __future__ import annotations

import shutil
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.conftest import FIXTURES
from tradepivot.cli import main
from tradepivot.config import Settings
from tradepivot.data.reference import Reference
from tradepivot.db.engine import write_session
from tradepivot.db.store import SqlStore
from tradepivot.errors import InputError, ScheduleConflictError
from tradepivot.events import FolderStore, load_event
from tradepivot.matchmaking.model import Meeting
from tradepivot.services.portal import export_event, import_event

TINY = FIXTURES / "events" / "tiny"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "india-russia-forum"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return Path(shutil.copytree(TINY, tmp_path / "folders" / "tiny"))


def _same_folders(a: Path, b: Path, reference: Reference) -> None:
    """Two event folders hold the same event, versions and draft."""
    first, id_a = FolderStore.at(a, reference=reference)
    second, id_b = FolderStore.at(b, reference=reference)
    one, two = first.load(id_a), second.load(id_b)
    assert one.event == two.event
    assert (one.version, one.description) == (two.version, two.description)
    assert [(v.number, v.meetings, v.note) for v in first.history(id_a)] == [
        (v.number, v.meetings, v.note) for v in second.history(id_b)
    ]
    d1, d2 = first.draft(id_a), second.draft(id_b)
    assert (d1 is None) == (d2 is None)
    if d1 is not None and d2 is not None:
        assert (d1.meetings, d1.base_version, d1.note) == (d2.meetings, d2.base_version, d2.note)


def test_folder_to_database_to_folder_is_unchanged(
    tiny: Path, tmp_path: Path, db_url: str, reference: Reference
) -> None:
    settings = Settings(database_url=db_url)
    moved = import_event(settings, tiny, reference=reference)
    assert (moved.event_id, moved.versions, moved.meetings) == ("tiny", 0, 1)
    export_event(settings, "tiny", tmp_path / "out" / "tiny", reference=reference)
    _same_folders(tiny, tmp_path / "out" / "tiny", reference)


def test_versions_and_the_draft_travel_too(
    tiny: Path, tmp_path: Path, db_url: str, reference: Reference
) -> None:
    folder, _ = FolderStore.at(tiny, reference=reference)
    folder.publish("tiny", [Meeting("bu1", "ex1", "s1", "t1", "i1", locked=True)], base_version=0)
    folder.publish(
        "tiny",
        [Meeting("bu1", "ex1", "s1", "t1", "i1"), Meeting("bu2", "ex2", "s2", "t1", score=2.0)],
        base_version=1,
        note="second",
    )
    folder.save_draft("tiny", [Meeting("ex3", "of1", "s2", "t1")], base_version=2, note="try")
    settings = Settings(database_url=db_url)
    moved = import_event(settings, tiny, event_id="forum", reference=reference)
    assert (moved.versions, moved.meetings, moved.draft) == (2, 2, True)
    export_event(settings, "forum", tmp_path / "out" / "forum", reference=reference)
    _same_folders(tiny, tmp_path / "out" / "forum", reference)


@pytest.mark.slow
def test_the_example_forum_round_trips(tmp_path: Path, db_url: str, reference: Reference) -> None:
    settings = Settings(database_url=db_url)
    moved = import_event(settings, EXAMPLE, event_id="forum", reference=reference)
    assert moved.participants == len(load_event(EXAMPLE, reference)[0].participants)
    export_event(settings, "forum", tmp_path / "forum", reference=reference)
    original, _ = load_event(EXAMPLE, reference)
    again, _ = load_event(tmp_path / "forum", reference)
    assert again == original


def test_import_refuses_an_id_in_use_and_keeps_nothing_of_a_failure(
    tiny: Path, db_url: str, reference: Reference
) -> None:
    settings = Settings(database_url=db_url)
    import_event(settings, tiny, reference=reference)
    with pytest.raises(InputError, match="already holds an event 'tiny'"):
        import_event(settings, tiny, reference=reference)
    (tiny / "meetings.csv").write_text(  # a meeting with a participant the event lacks
        "a,b,slot,table\nghost,ex1,s1,t1\n", encoding="utf-8"
    )
    with pytest.raises(InputError):
        import_event(settings, tiny, event_id="other", reference=reference)
    store = SqlStore.__new__(SqlStore)  # only to list ids
    from tradepivot.db import make_engine

    store.engine = make_engine(db_url)
    assert store.event_ids() == ["tiny"]
    store.engine.dispose()


def test_the_cli_imports_exports_and_matches_on_db_ids(
    tiny: Path, tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["event", "import", str(tiny), "--id", "forum", "--url", db_url]) == 0
    assert "Imported event 'forum': 6 participants" in capsys.readouterr().out.replace("\n", " ")
    assert main(["event", "list", "--url", db_url]) == 0
    assert capsys.readouterr().out.split() == ["forum"]
    import os

    os.environ["TRADEPIVOT_DATABASE_URL"] = db_url  # the match commands read the settings
    try:
        assert main(["match", "suggest", "db:forum", "-p", "bu1", "--no-market"]) == 0
        from_db = capsys.readouterr().out
        assert main(["match", "suggest", str(tiny), "-p", "bu1", "--no-market"]) == 0
        from_folder = capsys.readouterr().out  # one event, two stores, same answer
        file_notes = "Note: participants.csv"  # the folder's reading notes (HS lines cut)
        assert [x for x in from_folder.splitlines() if not x.startswith(file_notes)] == (
            from_db.splitlines()
        )
        assert main(["match", "suggest", "db:nope", "-p", "bu1", "--no-market"]) == 2
        assert "No event 'nope'" in capsys.readouterr().err
    finally:
        del os.environ["TRADEPIVOT_DATABASE_URL"]
    out = tmp_path / "exported" / "forum"
    assert main(["event", "export", "forum", str(out), "--url", db_url]) == 0
    assert load_event(out)[0] == load_event(tiny)[0]
    assert main(["event", "export", "forum", str(out), "--url", db_url]) == 2  # not empty
    assert "not an empty folder" in capsys.readouterr().err


def test_a_publisher_held_up_by_another_fails_clearly(
    engine: Engine, tiny: Path, reference: Reference
) -> None:
    loaded = FolderStore.at(tiny, reference=reference)[0].load("tiny")
    store = SqlStore(engine, reference=reference, lock_timeout=0.3)
    store.save("tiny", loaded.event)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with write_session(engine) as session:  # takes the write lock / the event's row
            session.execute(text("UPDATE events SET description = 'busy' WHERE id = 'tiny'"))
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(30)
        with pytest.raises(ScheduleConflictError, match="Another process is publishing"):
            store.publish("tiny", [], base_version=0)
    finally:
        release.set()
        holder.join(30)
    assert store.publish("tiny", [], base_version=0).number == 1


def test_a_save_may_not_drop_a_participant_of_a_published_version(
    engine: Engine, tiny: Path, reference: Reference
) -> None:
    import dataclasses

    loaded = FolderStore.at(tiny, reference=reference)[0].load("tiny")
    store = SqlStore(engine, reference=reference)
    store.save("tiny", loaded.event)
    store.publish("tiny", [Meeting("bu1", "ex1", "s1", "t1", "i1")], base_version=0)
    fewer = {k: v for k, v in loaded.event.participants.items() if k != "bu1"}
    smaller = dataclasses.replace(
        loaded.event,
        participants=fewer,
        preferences=tuple(p for p in loaded.event.preferences if "bu1" not in (p.source, p.target)),
        meetings=(),
    )
    with pytest.raises(InputError, match="still used by a published schedule"):
        store.save("tiny", smaller)
    assert "bu1" in store.load("tiny").event.participants  # nothing changed
    without_ex3 = {k: v for k, v in loaded.event.participants.items() if k != "ex3"}
    store.save(
        "tiny",
        dataclasses.replace(
            loaded.event,
            participants=without_ex3,
            preferences=tuple(
                p for p in loaded.event.preferences if "ex3" not in (p.source, p.target)
            ),
        ),
    )  # ex3 was in no published meeting: it goes
    assert "ex3" not in store.load("tiny").event.participants


def test_a_schedule_seating_someone_twice_is_refused_before_the_database(
    engine: Engine, tiny: Path, reference: Reference
) -> None:
    loaded = FolderStore.at(tiny, reference=reference)[0].load("tiny")
    store = SqlStore(engine, reference=reference)
    store.save("tiny", loaded.event)
    twice = [Meeting("bu1", "ex1", "s1", "t1"), Meeting("bu1", "ex2", "s1", "t2")]
    with pytest.raises(InputError, match="puts bu1 in two meetings in slot 's1'"):
        store.publish("tiny", twice, base_version=0)
    with pytest.raises(InputError, match="does not have"):
        store.publish("tiny", [Meeting("bu1", "ghost", "s1", "t1")], base_version=0)
    assert store.history("tiny") == [] and store.load("tiny").version == 0


def test_a_cached_event_follows_every_change_made_anywhere(
    engine: Engine, reference: Reference
) -> None:
    """Two stores on one database stand for two server processes: each keeps the events it
    assembled, and each sees the other's change on its next load (the event's revision)."""
    loaded = FolderStore.at(TINY, reference=reference)[0].load("tiny")
    first, second = SqlStore(engine, reference=reference), SqlStore(engine, reference=reference)
    first.save("forum", loaded.event)
    before = first.load("forum")
    assert first.load("forum") is before  # nothing changed: the assembled event is reused
    assert second.load("forum").event == before.event

    edited = replace(before.event.participants["ex1"], description="Now also belts.")
    second.save_participant("forum", edited)
    assert first.load("forum").event.participants["ex1"].description == "Now also belts."

    second.publish("forum", [Meeting("bu1", "ex1", "s2", "t1")], base_version=0)
    after = first.load("forum")
    assert after.version == 1 and [m.pair for m in after.event.meetings] == [("bu1", "ex1")]

    renamed = replace(after.event, name="Tiny forum, renamed", meetings=())
    second.save("forum", renamed)
    assert first.load("forum").event.name == "Tiny forum, renamed"
    # gone and made again under the same id: never the old one from a cache
    second.delete("forum")
    with pytest.raises(InputError, match="No event 'forum'"):
        first.load("forum")
    second.save("forum", replace(loaded.event, name="A new forum"))
    assert first.load("forum").event.name == "A new forum"
    assert first.load("forum").version == 0
    # published versions read once per store, still right after more are published
    second.publish("forum", [Meeting("bu1", "ex1", "s1", "t1")], base_version=0)
    second.publish("forum", [Meeting("bu1", "ex2", "s1", "t1")], base_version=1)
    assert [[m.pair for m in v.meetings] for v in first.history("forum")] == [
        [("bu1", "ex1")],
        [("bu1", "ex2")],
    ]

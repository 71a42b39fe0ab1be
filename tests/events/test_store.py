"""The folder store: round trips, versioned publishing that is atomic and locked, drafts,
kept scores, and the event-folder cases of issue 12 (cut rows, extreme dates, hostile ids)."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tradepivot.cli import main
from tradepivot.data.reference import Reference
from tradepivot.errors import InputError, ScheduleConflictError, SourceFileError
from tradepivot.events import EventStore, FolderStore, ScoreSet, load_event
from tradepivot.events.tabular import ColumnMap
from tradepivot.matchmaking.evidence import MarketEvidence
from tradepivot.matchmaking.model import Meeting
from tradepivot.matchmaking.scoring import score_pairs

TINY = FIXTURES / "events" / "tiny"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return Path(shutil.copytree(TINY, tmp_path / "events" / "tiny"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_folder_store_is_an_event_store(tiny: Path) -> None:
    store, event_id = FolderStore.at(tiny)
    assert isinstance(store, EventStore)
    assert event_id == "tiny" and store.event_ids() == ["tiny"]


def test_round_trip_folder_store_folder(tiny: Path, tmp_path: Path, reference: Reference) -> None:
    """folder -> store -> folder: the registrations and the schedule come back equal."""
    source, event_id = FolderStore.at(tiny, reference=reference)
    loaded = source.load(event_id)
    target = FolderStore(tmp_path / "copy", reference=reference)
    target.save("forum-2025", loaded.event, description=loaded.description)
    version = target.publish("forum-2025", loaded.event.meetings, base_version=0, note="import")
    assert version.number == 1
    again = target.load("forum-2025")
    published = tuple(dataclasses.replace(m, published=True) for m in loaded.event.meetings)
    assert again.event == dataclasses.replace(loaded.event, meetings=published)
    assert (again.version, again.edited, again.description) == (1, False, loaded.description)
    assert target.event_ids() == ["forum-2025"]


def test_publish_keeps_every_version_and_refuses_a_stale_base(tiny: Path) -> None:
    store, event_id = FolderStore.at(tiny)
    loaded = store.load(event_id)
    assert loaded.version == 0  # a meetings file written by hand: nothing published yet
    first = [Meeting("bu1", "ex1", "s1", "t1", "i1", locked=True)]
    second = [*first, Meeting("bu2", "ex2", "s2", "t1")]
    assert store.publish(event_id, first, base_version=0).number == 1
    assert store.publish(event_id, second, base_version=1, note="more").number == 2
    with pytest.raises(ScheduleConflictError, match="published as version 2"):
        store.publish(event_id, first, base_version=1)
    history = store.history(event_id)
    assert [(v.number, len(v.meetings), v.note) for v in history] == [(1, 1, ""), (2, 2, "more")]
    assert all(m.published for v in history for m in v.meetings)
    assert history[0].meetings[0].locked
    current = store.published(event_id)
    assert current is not None and current.number == 2
    assert store.load(event_id).version == 2
    # edited by hand after publishing: still version 2, marked edited, publishable from 2
    _edit(tiny / "meetings.csv", "bu2,ex2,s2,t1,,,false,true", "bu2,ex2,s2,t1,,,true,true")
    loaded = store.load(event_id)
    assert (loaded.version, loaded.edited) == (2, True)
    assert store.publish(event_id, loaded.event.meetings, base_version=2).number == 3
    with pytest.raises(InputError, match="no published version 9"):
        store.published(event_id, 9)


def test_drafts_do_not_touch_the_published_schedule(tiny: Path) -> None:
    store, event_id = FolderStore.at(tiny)
    before = (tiny / "meetings.csv").read_bytes()
    assert store.draft(event_id) is None
    store.save_draft(event_id, [Meeting("bu1", "ex1", "s1", "t1", "i1")], base_version=0)
    draft = store.draft(event_id)
    assert draft is not None and draft.base_version == 0
    assert [m.pair for m in draft.meetings] == [("bu1", "ex1")]
    assert (tiny / "meetings.csv").read_bytes() == before
    published = store.published(event_id)  # the hand-written file's published meetings
    assert published is not None and published.number == 0
    assert [m.pair for m in published.meetings] == [("ex3", "of1")]


def test_scores_are_kept_under_their_key(tiny: Path, reference: Reference) -> None:
    store, event_id = FolderStore.at(tiny, reference=reference)
    event = store.load(event_id).event
    scores = score_pairs(event, MarketEvidence.empty(), reference=reference)
    assert store.load_scores(event_id, "k1") is None
    store.save_scores(event_id, ScoreSet("k1", scores))
    kept = store.load_scores(event_id, "k1")
    assert kept is not None and kept.scores == scores
    assert all(
        kept.scores[p].facts == scores[p].facts for p in scores
    )  # facts compare=False: checked apart
    assert store.load_scores(event_id, "k2") is None  # other inputs: score again
    mine = store.load_scores(event_id, "k1", participant="bu1")
    assert mine is not None and mine.scores and all("bu1" in p for p in mine.scores)


# ---------------------------------------------------------------------------------- issue 12
def test_a_participant_row_cut_short_is_an_error(tiny: Path, reference: Reference) -> None:
    """A row cut to 5 of 18 fields used to load as a participant available in every slot."""
    lines = (tiny / "participants.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = ",".join(lines[2].split(",")[:5])
    (tiny / "participants.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceFileError) as info:
        load_event(tiny, reference)
    error = info.value
    assert (Path(error.path).name, error.line, error.field) == ("participants.csv", 3, "contact")
    assert "5 of the 18 fields" in error.problem


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "1969-12-31", "2200-01-01"])
def test_slots_at_extreme_dates_are_a_clean_error(
    tiny: Path, reference: Reference, date: str
) -> None:
    _edit(tiny / "slots.csv", "s1,2025-12-04", f"s1,{date}")
    with pytest.raises(SourceFileError) as info:
        load_event(tiny, reference)
    assert (info.value.line, info.value.field) == (2, "date")
    assert "outside the years" in info.value.problem


@pytest.mark.parametrize(
    "hostile", ["x/../../../ESCAPED", "../up", ".hidden", "a b", "tab\there", "nul\x00"]
)
def test_ids_are_identifiers_before_they_reach_a_file_name(
    tiny: Path, reference: Reference, hostile: str
) -> None:
    _edit(tiny / "participants.csv", "\nbu2,Velmira", f"\n{hostile},Velmira")
    _edit(tiny / "preferences.csv", "bu2,ex2,meet", f"{hostile},ex2,meet")
    with pytest.raises(SourceFileError) as info:
        load_event(tiny, reference)
    assert info.value.field == ("id" if "\x00" not in hostile else None)  # NUL: a binary file


def test_a_hostile_id_cannot_steer_where_an_agenda_is_written(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(tiny / "participants.csv", "\nbu2,Velmira", "\nx/../../../ESCAPED,Velmira")
    work = tmp_path / "a" / "b" / "c"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    code = main(["match", "agenda", str(tiny), "-p", "x/../../../ESCAPED", "--no-market"])
    assert code == 2 and "identifier" in capsys.readouterr().err
    assert not list(tmp_path.rglob("*ESCAPED*"))


def test_an_event_id_is_never_a_path(tmp_path: Path) -> None:
    store = FolderStore(tmp_path)
    for bad in ("../x", "a/b", "", ".."):
        with pytest.raises(InputError):
            store.load(bad)


# ---------------------------------------------------------------------------------- concurrency
def _publisher(folder: str, pause: float, queue: multiprocessing.Queue[str]) -> None:
    store, event_id = FolderStore.at(Path(folder), lock_timeout=20)
    loaded = store.load(event_id)
    time.sleep(pause)  # both have read version 0 before either publishes
    meetings = [Meeting("bu1", "ex1", "s1", "t1", "i1"), Meeting("bu2", "ex2", "s2", "t1")]
    try:
        version = store.publish(event_id, meetings, base_version=loaded.version)
        queue.put(f"published {version.number}")
    except ScheduleConflictError as exc:
        queue.put(f"conflict {exc.message}")


@pytest.mark.slow
def test_two_publishers_one_wins_and_nothing_is_lost(tiny: Path) -> None:
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[str] = context.Queue()
    workers = [context.Process(target=_publisher, args=(str(tiny), 1.0, queue)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    results = sorted(queue.get(timeout=5) for _ in workers)
    assert results[0].startswith("conflict") and "computed from version 0" in results[0]
    assert results[1] == "published 1"
    store, event_id = FolderStore.at(tiny)
    assert [v.number for v in store.history(event_id)] == [1]
    assert store.load(event_id).version == 1


def test_a_second_publisher_waits_for_the_lock_then_fails_clearly(tiny: Path) -> None:
    store, event_id = FolderStore.at(tiny, lock_timeout=0.3)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import fcntl, os, sys, time
                os.makedirs({str(tiny / ".tradepivot")!r}, exist_ok=True)
                fd = os.open({str(tiny / ".tradepivot" / "lock")!r}, os.O_RDWR | os.O_CREAT)
                fcntl.flock(fd, fcntl.LOCK_EX)
                print("locked", flush=True)
                time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(ScheduleConflictError, match="Another process is publishing"):
            store.publish(event_id, [], base_version=0)
        assert time.monotonic() - started >= 0.3
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert store.publish(event_id, [], base_version=0).number == 1  # the lock died with it


_LOOP = """
import sys
from pathlib import Path
from tradepivot.events import FolderStore
from tradepivot.matchmaking.model import Meeting

store, event_id = FolderStore.at(Path(sys.argv[1]))
slots = ["s1", "s2", "s3"]
n = 0
while True:
    version = store.load(event_id).version
    meetings = [
        Meeting("bu1", "ex1", slots[n % 3], "t1", score=n + 0.5),
        Meeting("bu2", "ex2", slots[(n + 1) % 3], "t1", score=n + 0.25),
    ]
    store.publish(event_id, meetings, base_version=version)
    n += 1
    print(n, flush=True)
"""


@pytest.mark.slow
def test_kill_9_during_publish_leaves_the_old_or_the_new_schedule(tiny: Path) -> None:
    store, event_id = FolderStore.at(tiny)
    published = 0
    for delay in (0.0, 0.004, 0.009, 0.016, 0.027, 0.041, 0.063, 0.1):
        worker = subprocess.Popen(
            [sys.executable, "-c", _LOOP, str(tiny)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        assert worker.stdout is not None
        worker.stdout.readline()  # one publish done: the next is under way
        time.sleep(delay)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        worker.stdout.close()
        current = (tiny / "meetings.csv").read_bytes()
        versions = {p.read_bytes() for p in (tiny / "published").glob("v*.csv")}
        assert current in versions or current == (TINY / "meetings.csv").read_bytes()
        loaded = store.load(event_id)  # loads: never half a file
        history = store.history(event_id)
        assert [v.number for v in history] == sorted(v.number for v in history)
        assert loaded.version == history[-1].number > published
        assert not loaded.edited
        published = loaded.version


def test_unknown_columns_are_listed_with_the_ways_out(tiny: Path, reference: Reference) -> None:
    _edit(tiny / "participants.csv", "id,organisation,side", "id,organisation,Notes,side")
    text = (tiny / "participants.csv").read_text(encoding="utf-8").splitlines()
    text[0] = text[0] + ",Phone"
    text[1:] = [
        ",".join([*line.split(",")[:2], "n", *line.split(",")[2:]]) + ",1" for line in text[1:]
    ]
    (tiny / "participants.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(SourceFileError) as info:
        load_event(tiny, reference)
    assert "unknown columns 'Notes', 'Phone'" in info.value.problem
    assert "--map" in (info.value.hint or "") and "--ignore-extra" in (info.value.hint or "")
    store, event_id = FolderStore.at(tiny, reference=reference, ignore_extra=True)
    assert store.load(event_id).event == load_event(TINY, reference)[0]
    mapped = ColumnMap({"participants": {"notes": None, "PHONE": "contact"}})
    store, event_id = FolderStore.at(tiny, reference=reference, column_map=mapped)
    with pytest.raises(SourceFileError, match="appears twice"):
        store.load(event_id)  # contact is there already

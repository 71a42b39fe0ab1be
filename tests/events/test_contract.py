"""The EventStore contract (events/store.py), the same tests on every implementation: the
folder store, and the SQL store on SQLite and on PostgreSQL.

Each store starts holding the ``tiny`` fixture event with its hand-written meetings file
(version 0: nothing published by tradepivot yet).
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tradepivot.data.reference import Reference
from tradepivot.db import make_engine
from tradepivot.db.store import SqlStore
from tradepivot.errors import InputError, ScheduleConflictError
from tradepivot.events import EventStore, FolderStore, ScoreSet
from tradepivot.matchmaking.evidence import MarketEvidence
from tradepivot.matchmaking.model import Meeting
from tradepivot.matchmaking.scoring import score_pairs

TINY = FIXTURES / "events" / "tiny"
KINDS = ["folder", "sql-sqlite", "sql-postgresql"]
FIRST = [Meeting("bu1", "ex1", "s1", "t1", "i1", locked=True)]
SECOND = [*FIRST, Meeting("bu2", "ex2", "s2", "t1", score=3.5)]


def _sql(url: str, reference: Reference) -> SqlStore:
    store = SqlStore(make_engine(url), reference=reference)
    loaded, _ = FolderStore.at(TINY, reference=reference)
    tiny = loaded.load("tiny")
    store.save("tiny", tiny.event, description=tiny.description)
    store.import_schedule("tiny", tiny.event.meetings, note="meetings.csv")
    return store


@pytest.fixture(params=KINDS)
def store(
    request: pytest.FixtureRequest, tmp_path: Path, reference: Reference
) -> Iterator[EventStore]:
    kind: str = request.param
    if kind == "folder":
        shutil.copytree(TINY, tmp_path / "events" / "tiny")
        yield FolderStore(tmp_path / "events", reference=reference, lock_timeout=30)
        return
    if kind == "sql-sqlite":
        url = f"sqlite:///{tmp_path}/contract.sqlite3"
        from tradepivot.db import upgrade

        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
    else:
        url = _postgres(request)
    sql = _sql(url, reference)
    yield sql
    sql.engine.dispose()


def _postgres(request: pytest.FixtureRequest) -> str:
    from tests.portal_db import _truncate

    url: str = request.getfixturevalue("postgres_database")
    _truncate(url)
    return url


def test_it_is_an_event_store(store: EventStore) -> None:
    assert isinstance(store, EventStore)
    assert store.event_ids() == ["tiny"]


def test_load_gives_the_event_with_its_hand_written_schedule(
    store: EventStore, reference: Reference
) -> None:
    loaded = store.load("tiny")
    folder, _ = FolderStore.at(TINY, reference=reference)
    expected = folder.load("tiny")
    assert loaded.event == expected.event
    assert (loaded.version, loaded.edited, loaded.description) == (0, False, expected.description)
    published = store.published("tiny")  # the file's published meeting, as version 0
    assert published is not None and published.number == 0
    assert [m.pair for m in published.meetings] == [("ex3", "of1")]
    assert store.history("tiny") == []


def test_round_trip_save_publish_load(store: EventStore) -> None:
    loaded = store.load("tiny")
    store.save("copy", loaded.event, description="a copy")
    version = store.publish("copy", loaded.event.meetings, base_version=0, note="import")
    assert version.number == 1 and version.note == "import"
    again = store.load("copy")
    published = tuple(dataclasses.replace(m, published=True) for m in loaded.event.meetings)
    assert again.event == dataclasses.replace(loaded.event, meetings=published)
    assert (again.version, again.edited, again.description) == (1, False, "a copy")
    assert store.event_ids() == ["copy", "tiny"]


def test_publish_keeps_every_version_and_refuses_a_stale_base(store: EventStore) -> None:
    assert store.publish("tiny", FIRST, base_version=0).number == 1
    assert store.publish("tiny", SECOND, base_version=1, note="more").number == 2
    with pytest.raises(ScheduleConflictError, match="published as version 2"):
        store.publish("tiny", FIRST, base_version=1)
    history = store.history("tiny")
    assert [(v.number, len(v.meetings), v.note) for v in history] == [(1, 1, ""), (2, 2, "more")]
    assert all(m.published for v in history for m in v.meetings)
    assert history[0].meetings[0].locked and not history[1].meetings[1].locked
    assert history[1].meetings[1].score == 3.5
    current = store.published("tiny")
    assert current is not None and current.number == 2
    first = store.published("tiny", 1)
    assert first is not None and [m.pair for m in first.meetings] == [("bu1", "ex1")]
    loaded = store.load("tiny")
    assert loaded.version == 2
    assert loaded.event.meetings == tuple(dataclasses.replace(m, published=True) for m in SECOND)
    with pytest.raises(InputError, match="no published version 9"):
        store.published("tiny", 9)


def test_save_never_touches_the_schedule(store: EventStore) -> None:
    store.publish("tiny", SECOND, base_version=0)
    loaded = store.load("tiny")
    store.save("tiny", loaded.event, description="edited")
    again = store.load("tiny")
    assert again.version == 1 and again.event.meetings == loaded.event.meetings
    assert again.description == "edited"


def test_drafts_do_not_touch_the_published_schedule(store: EventStore) -> None:
    assert store.draft("tiny") is None
    store.save_draft("tiny", SECOND, base_version=0, note="first try")
    store.save_draft("tiny", FIRST, base_version=0, note="second try")  # replaces the first
    draft = store.draft("tiny")
    assert draft is not None
    assert (draft.base_version, draft.note, draft.meetings) == (0, "second try", tuple(FIRST))
    assert draft.created_at.tzinfo is not None
    assert store.load("tiny").version == 0
    published = store.published("tiny")
    assert published is not None and [m.pair for m in published.meetings] == [("ex3", "of1")]


def test_scores_are_kept_under_their_key(store: EventStore, reference: Reference) -> None:
    event = store.load("tiny").event
    scores = score_pairs(event, MarketEvidence.empty(), reference=reference)
    assert scores and store.load_scores("tiny", "k1") is None
    store.save_scores("tiny", ScoreSet("k1", scores))
    kept = store.load_scores("tiny", "k1")
    assert kept is not None and kept.scores == scores
    assert all(kept.scores[p].facts == scores[p].facts for p in scores)
    assert store.load_scores("tiny", "k2") is None
    mine = store.load_scores("tiny", "k1", participant="bu1")
    assert mine is not None
    assert set(mine.scores) == {p for p in scores if "bu1" in p}
    store.save_scores("tiny", ScoreSet("k2", {}))
    assert store.load_scores("tiny", "k1") is None
    empty = store.load_scores("tiny", "k2")
    assert empty is not None and not empty.scores


@pytest.mark.parametrize("bad", ["../x", "a/b", "", "..", "nul\x00"])
def test_an_event_id_is_never_a_path(store: EventStore, bad: str) -> None:
    with pytest.raises(InputError):
        store.load(bad)


def test_an_unknown_event_is_an_input_error(store: EventStore) -> None:
    with pytest.raises(InputError):
        store.load("nope")
    with pytest.raises(InputError):
        store.publish("nope", [], base_version=0)


def test_two_publishers_from_one_version_one_wins(store: EventStore) -> None:
    base = store.load("tiny").version
    barrier = threading.Barrier(2)
    results: list[str] = []

    def publish(meetings: list[Meeting]) -> None:
        barrier.wait()
        try:
            results.append(f"published {store.publish('tiny', meetings, base_version=base).number}")
        except ScheduleConflictError as exc:
            results.append(f"conflict {exc.message}")

    threads = [threading.Thread(target=publish, args=(m,)) for m in (FIRST, SECOND)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(r.split(" ")[0] for r in results) == ["conflict", "published"]
    assert "computed from version 0" in next(r for r in results if r.startswith("conflict"))
    assert [v.number for v in store.history("tiny")] == [1]


def test_update_scores_replaces_one_participants_pairs_under_a_new_key(
    store: EventStore, reference: Reference
) -> None:
    event = store.load("tiny").event
    scores = score_pairs(event, MarketEvidence.empty(), reference=reference)
    assert not store.update_scores(
        "tiny", base_key="k1", key="k2", participants=frozenset({"bu1"}), scores={}
    )  # nothing kept under k1 yet
    store.save_scores("tiny", ScoreSet("k1", scores))
    mine = {p: s for p, s in scores.items() if "bu1" in p}
    assert mine and len(mine) < len(scores)
    changed = {p: dataclasses.replace(s, total=s.total + 1.0) for p, s in list(mine.items())[1:]}
    assert store.update_scores(
        "tiny", base_key="k1", key="k2", participants=frozenset({"bu1"}), scores=changed
    )
    assert store.load_scores("tiny", "k1") is None
    kept = store.load_scores("tiny", "k2")
    assert kept is not None
    assert kept.scores == {**{p: s for p, s in scores.items() if "bu1" not in p}, **changed}
    assert not store.update_scores(
        "tiny", base_key="k1", key="k3", participants=frozenset({"bu1"}), scores={}
    )  # stale base: nothing changes
    assert store.load_scores("tiny", "k2") is not None

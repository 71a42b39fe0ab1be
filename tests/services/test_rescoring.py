"""Incremental re-scoring after an edit equals a full re-score, exactly (facts included).

The property: for random edits of participants' profiles (products, languages,
availability, cooperation) and preferences, the kept scores with the changed participants'
pairs scored again are the scores of a full re-score of the edited event. A description
edit, or one that touches the event itself, is refused (None: only a full re-score is
exact). The service test runs the whole path on the SQL store with the real market evidence
of the example.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradepivot.data.warehouse import Warehouse
from tradepivot.db import make_engine, upgrade
from tradepivot.db.store import SqlStore
from tradepivot.events import load_event
from tradepivot.matchmaking.evidence import MarketEvidence
from tradepivot.matchmaking.model import COOPERATION, Event, Participant, Preference
from tradepivot.matchmaking.scoring import Score, score_pairs
from tradepivot.services.matchmaking import event_scores, score_key
from tradepivot.services.participation import ProfileEdit, update_profile
from tradepivot.services.rescoring import (
    changed_participants,
    rescore_after_edit,
    rescore_pairs,
)

EXAMPLE = Path(__file__).parents[2] / "examples" / "india-russia-forum"


def _same(a: dict[tuple[str, str], Score], b: dict[tuple[str, str], Score]) -> None:
    """The same pairs with the same scores: sentences, flags and facts equal, points equal up
    to 1e-9 relative (market evidence built twice sums its USD figures in another order:
    DuckDB's parallel aggregation, ~1e-16 relative)."""
    assert a.keys() == b.keys()
    for pair, mine in a.items():
        theirs = b[pair]
        assert replace(mine, total=0.0, parts={}) == replace(theirs, total=0.0, parts={}), pair
        assert mine.facts == theirs.facts, pair  # Score's equality skips the facts
        assert mine.parts.keys() == theirs.parts.keys(), pair
        for name in (*mine.parts, "total"):
            x = mine.total if name == "total" else mine.parts[name]
            y = theirs.total if name == "total" else theirs.parts[name]
            assert math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9), (pair, name, x, y)


@pytest.fixture(scope="module")
def small(wh: Warehouse) -> tuple[Event, MarketEvidence]:
    """A slice of the example (45 exporters, 25 others) and market evidence for the whole
    example's scope (a superset of any edit's)."""
    event, _ = load_event(EXAMPLE)
    people = list(event.participants.values())
    kept = [p for p in people if p.side == "exporter"][:45]
    kept += [p for p in people if p.side != "exporter"][:25]
    ids = {p.id for p in kept}
    sliced = replace(
        event,
        participants={p.id: p for p in kept},
        preferences=tuple(p for p in event.preferences if p.source in ids and p.target in ids),
        meetings=(),
        sessions=(),
    )
    return sliced, MarketEvidence.for_event(wh, event)


CODES = st.sampled_from(
    ["420221", "420222", "6403", "640419", "10", "1006", "100630", "3004", "300490",
     "8471", "0902", "090240", "61", "620342", "7113"]
)  # fmt: skip
LANGS = st.sampled_from(["en", "ru", "hi", "kk", "de"])


@st.composite
def edits(draw: st.DrawFn, event: Event) -> Event:
    """The event after 1-3 random edits of profiles and preferences."""
    ids = list(event.participants)
    slots = [s.id for s in event.slots]
    people = dict(event.participants)
    prefs = list(event.preferences)
    for _ in range(draw(st.integers(1, 3))):
        pid = draw(st.sampled_from(ids))
        p = people[pid]
        kind = draw(st.sampled_from(["offers", "seeks", "languages", "available", "coop", "pref"]))
        if kind == "offers":
            p = replace(p, offers=tuple(draw(st.lists(CODES, max_size=4, unique=True))))
        elif kind == "seeks":
            p = replace(p, seeks=tuple(draw(st.lists(CODES, max_size=4, unique=True))))
        elif kind == "languages":
            p = replace(
                p, languages=tuple(draw(st.lists(LANGS, min_size=1, max_size=3, unique=True)))
            )
        elif kind == "available":
            chosen = draw(st.none() | st.frozensets(st.sampled_from(slots)))
            p = replace(p, available=chosen)
        elif kind == "coop":
            p = replace(
                p,
                cooperation_sought=tuple(
                    draw(st.lists(st.sampled_from(COOPERATION), max_size=2, unique=True))
                ),
            )
        else:
            target = draw(st.sampled_from([i for i in ids if i != pid]))
            level = draw(st.sampled_from(["must", "meet", "no", "clear"]))
            prefs = [x for x in prefs if (x.source, x.target) != (pid, target)]
            if level != "clear":
                prefs.append(Preference(pid, target, level))  # type: ignore[arg-type]
        people[pid] = p
    return replace(event, participants=people, preferences=tuple(prefs))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_incremental_scores_equal_a_full_rescore(
    small: tuple[Event, MarketEvidence], data: st.DataObject
) -> None:
    before, evidence = small
    kept = score_pairs(before, evidence)
    after = data.draw(edits(before))
    changed = changed_participants(before, after)
    assert changed is not None
    incremental = {p: s for p, s in kept.items() if not (set(p) & changed)}
    incremental.update(rescore_pairs(after, changed, evidence))
    _same(incremental, score_pairs(after, evidence))


def test_edits_beyond_the_participants_pairs_are_refused(
    small: tuple[Event, MarketEvidence],
) -> None:
    event, _ = small
    first: Participant = next(iter(event.participants.values()))
    described = replace(first, description=first.description + " New line of trade.")
    assert changed_participants(event, replace(
        event, participants={**event.participants, first.id: described}
    )) is None  # fmt: skip
    assert changed_participants(event, replace(event, slots=event.slots[:-1])) is None
    fewer = dict(list(event.participants.items())[1:])
    assert changed_participants(event, replace(event, participants=fewer)) is None
    assert changed_participants(event, event) == frozenset()


def test_a_profile_edit_rescores_one_participant_on_the_sql_store(
    tmp_path: Path, wh: Warehouse
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/portal.sqlite3")
    upgrade(engine)
    store = SqlStore(engine, reference=wh.reference)
    event, _ = load_event(EXAMPLE)
    store.save("irf", replace(event, meetings=()))
    before = store.load("irf")
    event_scores(wh, store, before)  # kept, as a first suggestions page does
    me = before.event.participants["IN0001"]
    edit = ProfileEdit(
        me.organisation, me.description, "420221; 640399; 4203", "", ("distribution",),
        "en; ru", me.timezone, None,
    )  # fmt: skip
    update_profile(store, "irf", "IN0001", edit, reference=wh.reference)
    after = store.load("irf")
    done = rescore_after_edit(wh, store, before, after)
    assert done.incremental and done.participants == ("IN0001",), done
    assert 0 < done.pairs < 1000
    kept = store.load_scores("irf", score_key(wh, after.event, True))
    assert kept is not None
    full = score_pairs(
        after.event, MarketEvidence.for_event(wh, after.event), reference=wh.reference
    )
    _same(dict(kept.scores), full)

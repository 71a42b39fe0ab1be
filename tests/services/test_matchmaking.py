"""Matchmaking services on the shipped example forum, checked by the independent checker."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.matchmaking.checker import check_schedule
from tradepivot.cli import main
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import InputError
from tradepivot.events import FolderStore, load_event
from tradepivot.matchmaking.unmet import CAUSES
from tradepivot.reports import agenda as agendas
from tradepivot.services.matchmaking import (
    Changes,
    match_agenda,
    match_reschedule,
    match_schedule,
    match_suggest,
)

EXAMPLE = Path(__file__).parents[2] / "examples" / "india-russia-forum"


@pytest.fixture(scope="module")
def forum(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scheduled and published copy of the example (the repository copy stays untouched)."""
    folder = tmp_path_factory.mktemp("forum") / "india-russia-forum"
    shutil.copytree(EXAMPLE, folder)
    return folder


def at(folder: Path) -> tuple[FolderStore, str]:
    return FolderStore.at(folder)


@pytest.fixture(scope="module")
def published(forum: Path, wh_module: Warehouse) -> Path:
    run = match_schedule(wh_module, *at(forum), time_limit=5, seed=1, market=False, publish=True)
    assert run.version == 1
    # Everyone without a meeting is listed once, with a cause from the documented list.
    met = {p for m in run.schedule.meetings for p in m.pair}
    left = run.report.tables["without_meeting"].to_pylist()
    assert {r["id"] for r in left} == set(run.event.participants) - met
    assert len(left) == run.report.totals["without_meetings"]
    assert {r["cause"] for r in left} <= set(CAUSES)
    assert run.schedule.reached == len(met & set(run.event.participants))
    assert run.schedule.reach_bound is not None
    assert run.schedule.reached <= run.schedule.reach_bound <= run.schedule.eligible
    return forum


@pytest.fixture(scope="module")
def wh_module(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    from tradepivot.config import Settings

    return Warehouse(Settings(warehouse=tmp_path_factory.mktemp("wh") / "none.duckdb"))


def test_suggestions_are_ranked_explained_and_never_vetoed(wh: Warehouse, forum: Path) -> None:
    report = match_suggest(wh, *at(forum), "IN0001", top=10)
    rows = report.rows.to_pylist()
    assert len(rows) == 10
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    event, _ = load_event(EXAMPLE, wh.reference)
    vetoed = {
        p.target if p.source == "IN0001" else p.source
        for p in event.preferences
        if p.level == "no" and "IN0001" in (p.source, p.target)
    }
    assert not vetoed & {r["id"] for r in rows}
    assert all(r["why"] for r in rows)
    assert any("HS " in r["why"] for r in rows)
    assert any("imported USD" in r["why"] for r in rows)  # market evidence from the warehouse


def test_unknown_participant_gets_suggestions(wh: Warehouse, forum: Path) -> None:
    with pytest.raises(InputError, match="No participant 'IN001'") as info:
        match_suggest(wh, *at(forum), "IN001", market=False)
    assert info.value.hint and "IN0001" in info.value.hint


def test_schedule_passes_the_checker_and_keeps_locked_meetings(
    published: Path, wh_module: Warehouse
) -> None:
    event, _ = load_event(published, wh_module.reference)
    original, _ = load_event(EXAMPLE, wh_module.reference)
    locked = [m for m in original.meetings if m.locked]
    assert locked
    assert check_schedule(event, event.meetings, fixed=locked) == []
    assert (published / "published" / "v0001.csv").read_bytes() == (
        published / "meetings.csv"
    ).read_bytes()
    published_file = list(csv.DictReader((published / "meetings.csv").read_text().splitlines()))
    assert len(published_file) == len(event.meetings)
    assert {r["published"] for r in published_file} == {"true"}


def test_reschedule_moves_only_what_the_changes_force(
    published: Path, wh_module: Warehouse
) -> None:
    before, _ = load_event(published, wh_module.reference)
    run = match_reschedule(
        wh_module,
        *at(published),
        Changes(cancelled=("IN0002",), no_shows=("RU0005",), tables_lost=("T01",), from_slot="s05"),
        time_limit=5,
        market=False,
    )
    assert run.version is None  # kept as the draft
    store, event_id = at(published)
    draft = store.draft(event_id)
    assert draft is not None and draft.base_version == 1
    assert {m.pair for m in draft.meetings} == {m.pair for m in run.schedule.meetings}
    after = run.schedule.meetings
    slots = [s.id for s in before.slots]
    later = set(slots[slots.index("s05") :])
    held = [m for m in before.meetings if m.slot not in later]
    assert check_schedule(run.event, after, fixed=held) == []
    # History: every meeting before s05 exactly as published, IN0002's too, nothing added.
    assert {m for m in after if m.slot not in later} == set(held)
    assert any("IN0002" in m.pair for m in held)  # the example has some: the test bites
    assert not any("IN0002" in m.pair and m.slot in later for m in after)
    assert not any("RU0005" in m.pair and m.slot in later for m in after)
    assert not any(m.table == "T01" and m.slot in later for m in after)
    new = {m.pair: m for m in after}
    for m in before.meetings:
        if {"IN0002", "RU0005"} & set(m.pair) and m.slot in later:
            continue
        kept = new.get(m.pair)
        if kept is None:  # only a lost table with no free table left can drop it
            assert m.table == "T01" and not m.locked, m
            continue
        assert kept.slot == m.slot, m  # published: same slot
        if m.table != "T01" or m.slot not in later:
            assert kept.table == m.table
    changes = run.report.tables["changes"].to_pylist()
    counts = run.report.totals
    for kind in ("kept", "reseated", "moved", "cancelled", "added"):
        assert sum(1 for c in changes if c["change"] == kind) == counts[kind]
    assert counts["moved"] == 0  # nothing may move without --move-published
    assert counts["kept"] + counts["reseated"] + counts["cancelled"] == len(before.meetings)
    reseats = [c for c in changes if c["change"] == "reseated"]
    assert reseats and all("T01 is lost" in c["why"] for c in reseats)
    assert not any("re-optimised" in c["why"] for c in changes)
    assert all(c["why"] for c in changes)


def test_reschedule_naming_someone_twice_is_a_usage_error(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for extra in (["--cancel", "IN0002"], ["--no-show", "IN0002"]):
        code = main(
            ["match", "reschedule", str(published), "--cancel", "IN0002", *extra, "--no-market"]
        )
        err = capsys.readouterr().err
        assert code == 2, err
        assert "IN0002 is named twice" in err
        assert "Traceback" not in err and "KeyError" not in err


def test_a_change_never_drops_a_locked_meeting_unless_forced(
    published: Path, wh_module: Warehouse, tmp_path: Path
) -> None:
    folder = tmp_path / "forum"
    shutil.copytree(published, folder)
    event, _ = load_event(folder, wh_module.reference)
    locked = next(m for m in event.meetings if m.locked)
    start = locked.slot  # the locked meeting is not history: a change applies to it
    with pytest.raises(InputError, match="would drop locked meetings") as info:
        match_reschedule(
            wh_module, *at(folder), Changes(cancelled=(locked.a,), from_slot=start), market=False
        )
    assert f"{locked.a}-{locked.b}" in info.value.message
    assert info.value.hint and "--force-locked" in info.value.hint
    run = match_reschedule(
        wh_module,
        *at(folder),
        Changes(cancelled=(locked.a,), from_slot=start, force=(f"{locked.a}-{locked.b}",)),
        time_limit=2,
        market=False,
    )
    rows = {(c["a"], c["b"]): c for c in run.report.tables["changes"].to_pylist()}
    assert rows[locked.pair]["change"] == "cancelled" and rows[locked.pair]["locked"]
    assert f"{locked.a} cancelled" in rows[locked.pair]["why"]


def test_move_published_moves_only_for_a_gain_and_prints_the_trade_off(
    published: Path, wh_module: Warehouse, tmp_path: Path
) -> None:
    folder = tmp_path / "forum"
    shutil.copytree(published, folder)
    before, _ = load_event(folder, wh_module.reference)

    def run(cost: float) -> dict[str, int]:
        done = match_reschedule(
            wh_module,
            *at(folder),
            Changes(cancelled=("IN0003",), move_published=True, change_cost=cost),
            time_limit=3,
            market=False,
        )
        notes = " ".join(done.report.provenance.notes)
        assert "Moving published meetings" in notes or "No published meeting moved" in notes
        for m in done.schedule.meetings:  # locked ones never move
            old = next((o for o in before.meetings if o.pair == m.pair), None)
            if old is not None and old.locked:
                assert m.slot == old.slot
        return {k: done.report.totals[k] for k in ("moved", "cancelled", "kept")}

    expensive = run(1_000.0)  # no move can gain a thousand points
    assert expensive["moved"] == 0
    cheap = run(0.0)
    assert cheap["kept"] <= expensive["kept"]


def test_agendas_in_three_formats(published: Path, wh_module: Warehouse) -> None:
    event, _ = load_event(published, wh_module.reference)
    pid = next(m.a for m in event.meetings if m.a.startswith("RU") or m.b.startswith("RU"))
    russian = next(p for m in event.meetings for p in m.pair if p.startswith("RU"))
    request = match_agenda(wh_module, *at(published), russian)
    assert request.version == 1 and request.agenda.participant.id == russian
    assert request.language == "ru"  # a Russian buyer's first language
    assert "Программа встреч" in agendas.agenda_html(request.agenda, request.language)
    html = agendas.agenda_html(request.agenda)
    assert "MSK" in html and "IST" in html
    # why each meeting, with the trade figures behind it, in the participant's language
    assert "импортировала USD" in html and "imported USD" not in html
    english = match_agenda(wh_module, *at(published), russian, language="en")
    assert "imported USD" in agendas.agenda_html(english.agenda, english.language)
    assert agendas.agenda_pdf(request.agenda).startswith(b"%PDF")
    ics = agendas.agenda_ics(match_agenda(wh_module, *at(published), pid).agenda)
    calendar = Calendar.from_ical(ics)
    events = list(calendar.walk("VEVENT"))
    mine = [m for m in event.meetings if pid in m.pair]
    assert len(events) == len(mine)


def test_infeasible_locked_meeting_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "forum"
    shutil.copytree(EXAMPLE, folder)
    lines = (folder / "meetings.csv").read_text().splitlines()
    header, first = lines[0], lines[1].split(",")
    columns = header.split(",")
    a = first[columns.index("a")]
    rows = list(csv.DictReader((folder / "participants.csv").read_text().splitlines()))
    for row in rows:
        if row["id"] == a:
            row["available"] = "s12"  # the locked meeting is in an earlier slot
    with (folder / "participants.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code = main(["match", "schedule", str(folder), "--time-limit", "1", "--no-market"])
    err = capsys.readouterr().err
    assert code == 2
    assert "availability" in err and a in err and "Traceback" not in err


def test_reschedule_can_publish_the_new_schedule(
    published: Path, wh_module: Warehouse, tmp_path: Path
) -> None:
    folder = tmp_path / "forum"
    shutil.copytree(published, folder)
    old = (folder / "meetings.csv").read_text()
    run = match_reschedule(
        wh_module,
        *at(folder),
        Changes(cancelled=("IN0003",)),
        time_limit=2,
        market=False,
        publish=True,
    )
    assert run.version == 2
    assert (folder / "published" / "v0001.csv").read_text() == old  # the previous version kept
    store, event_id = at(folder)
    assert [v.number for v in store.history(event_id)] == [1, 2]
    # the counterpart of a cancelled meeting gets a calendar that removes it
    other = next(
        p
        for m in store.history(event_id)[0].meetings
        if "IN0003" in m.pair
        for p in m.pair
        if p != "IN0003"
    )
    target = tmp_path / "agenda.ics"
    assert (
        main(
            [
                "match",
                "agenda",
                str(folder),
                "-p",
                other,
                "-f",
                "ics",
                "-o",
                str(target),
                "--no-market",
            ]
        )
        == 0
    )
    cancel = Calendar.from_ical((tmp_path / "agenda.cancel.ics").read_bytes())
    assert str(cancel["METHOD"]) == "CANCEL" and len(cancel.events) >= 1
    agenda = Calendar.from_ical(target.read_bytes())
    assert any(str(e["STATUS"]) == "CANCELLED" and int(e["SEQUENCE"]) >= 1 for e in agenda.events)
    event, _ = load_event(folder, wh_module.reference)
    assert {m.pair for m in event.meetings} == {m.pair for m in run.schedule.meetings}
    assert all(m.published for m in event.meetings)
    assert not any("IN0003" in m.pair for m in event.meetings)


def test_reschedule_why_column_in_the_language_asked_for(
    published: Path, wh_module: Warehouse, tmp_path: Path
) -> None:
    folder = tmp_path / "forum"
    shutil.copytree(published, folder)
    run = match_reschedule(
        wh_module,
        *at(folder),
        Changes(cancelled=("IN0003",)),
        time_limit=2,
        market=False,
        language="ru",
    )
    rows = run.report.tables["changes"].to_pylist()
    cancelled = [r for r in rows if r["change"] == "cancelled"]
    assert cancelled and all(r["why"] == "IN0003 отменил(а) участие" for r in cancelled)
    with pytest.raises(InputError, match="'de' is not available"):
        match_reschedule(
            wh_module, *at(folder), Changes(cancelled=("IN0003",)), market=False, language="de"
        )

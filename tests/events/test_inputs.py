"""Organisers' own inputs: pair scores (scores.csv), component weights (event.yaml),
roadshow / B2G sessions, EBOPS services and ISCO skills — read, checked, written back."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tradepivot.data.reference import Reference
from tradepivot.errors import SourceFileError
from tradepivot.events import load_event, write_event
from tradepivot.matchmaking.model import ComponentWeights, PairWeight

TINY = FIXTURES / "events" / "tiny"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return Path(shutil.copytree(TINY, tmp_path / "tiny"))


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _error(folder: Path, reference: Reference) -> SourceFileError:
    with pytest.raises(SourceFileError) as info:
        load_event(folder, reference)
    return info.value


def test_pair_scores_weights_and_sessions_load_and_round_trip(
    tiny: Path, tmp_path: Path, reference: Reference
) -> None:
    _write(
        tiny / "scores.csv",
        "source,target,weight,reason,mode\n"
        "ex1,bu1,92.5,CRM lead score A,replace\n"
        "bu2,ex2,-10,,add\n"
        "of1,ex3,40,council priority,\n",
    )
    _write(
        tiny / "sessions.csv",
        "id,title,date,start,end,venue,capacity,kind,hosts,attendees,description\n"
        "rs1,Russia Roadshow: pharmaceuticals,2025-12-04,10:20,10:40,hall,40,roadshow,of1,"
        "ex2;bu2,Ministry presentation\n",
    )
    with (tiny / "event.yaml").open("a", encoding="utf-8") as handle:
        handle.write("weights:\n  market: 30\n  text: 0\n")
    event, _ = load_event(tiny, reference)
    assert event.pair_weights == (
        PairWeight("ex1", "bu1", 92.5, "CRM lead score A", "replace"),
        PairWeight("bu2", "ex2", -10.0, "", "add"),
        PairWeight("of1", "ex3", 40.0, "council priority", "replace"),
    )
    assert event.weights == ComponentWeights(market=30.0, text=0.0)
    (session,) = event.sessions
    assert (session.id, session.capacity, session.kind) == ("rs1", 40, "roadshow")
    assert session.hosts == ("of1",) and session.attendees == ("ex2", "bu2")
    assert session.start == dt.datetime(2025, 12, 4, 4, 50, tzinfo=dt.UTC)
    write_event(event, tmp_path / "out")
    assert load_event(tmp_path / "out", reference)[0] == event


def test_services_and_skills_columns(tiny: Path, reference: Reference) -> None:
    text = (tiny / "participants.csv").read_text(encoding="utf-8").splitlines()
    text[0] += ",services_offered,services_sought,skills_offered,skills_sought"
    text[1:] = [line + ",,,," for line in text[1:]]
    text[1] = text[1][:-4] + ",9.2;10.2.1,,2512;32,"
    _write(tiny / "participants.csv", "\n".join(text) + "\n")
    ex1 = load_event(tiny, reference)[0].participants["ex1"]
    assert (ex1.services_offered, ex1.skills_offered) == (("9.2", "10.2.1"), ("2512", "32"))
    text[1] = text[1].replace("9.2;10.2.1", "9.2;13.1")
    _write(tiny / "participants.csv", "\n".join(text) + "\n")
    error = _error(tiny, reference)
    assert (error.line, error.field) == (2, "services_offered") and "EBOPS" in str(error)
    # a group the shipped ISCO-08 table does not have, named with the groups it does have
    text[1] = text[1].replace("9.2;13.1", "9.2").replace("2512;32", "2512;19")
    _write(tiny / "participants.csv", "\n".join(text) + "\n")
    error = _error(tiny, reference)
    assert (error.line, error.field) == (2, "skills_offered")
    assert "19 is not an ISCO-08 group" in str(error) and "11, 12, 13, 14" in str(error)
    text[1] = text[1].replace("2512;19", "2512").replace(",9.2,", ",9.2.7,")
    _write(tiny / "participants.csv", "\n".join(text) + "\n")
    assert "9.2.1, 9.2.2" in str(_error(tiny, reference))


@pytest.mark.parametrize(
    ("content", "line", "field", "words"),
    [
        ("source,target,weight\nex1,bu9,5\n", 2, "target", "unknown participant"),
        ("source,target,weight\nex1,ex1,5\n", 2, "target", "against itself"),
        ("source,target,weight\nex1,bu1,abc\n", 2, "weight", "not a weight"),
        ("source,target,weight\nex1,bu1,1e400\n", 2, "weight", "not a weight"),
        ("source,target,weight\nex1,bu1,nan\n", 2, "weight", "not a weight"),
        ("source,target,weight,mode\nex1,bu1,-5,replace\n", 2, "mode", "cannot be negative"),
        ("source,target,weight,mode\nex1,bu1,5,swap\n", 2, "mode", "swap"),
        ("source,target,weight\nex1,bu1,5\nbu1,ex1,6\n", 3, "target", "a second score"),
        ("source,target\nex1,bu1\n", 1, "weight", "missing column"),
        ("source,target,weight,lead\nex1,bu1,5,x\n", 1, "lead", "unknown column"),
    ],
)
def test_pair_score_errors_name_line_and_field(
    tiny: Path, reference: Reference, content: str, line: int, field: str, words: str
) -> None:
    _write(tiny / "scores.csv", content)
    error = _error(tiny, reference)
    assert (Path(error.path).name, error.line, error.field) == ("scores.csv", line, field)
    assert words in str(error)


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ("rs1,T,2025-12-04,10:20,10:40,hall,1,roadshow,,ex2;bu2,", "attendees", "2 attendees"),
        ("rs1,T,2025-12-04,10:20,10:40,hall,5,roadshow,ex2,ex2,", "attendees", "both host"),
        ("rs1,T,2025-12-04,10:20,10:40,hall,5,roadshow,,zz9,", "attendees", "unknown"),
        ("rs1,T,2025-12-04,10:40,10:20,hall,5,roadshow,,,", "end", "not after"),
        ("rs1,T,2025-12-04,10:20,10:40,hall,5,party,,,", "kind", "party"),
        ("rs1,,2025-12-04,10:20,10:40,hall,5,roadshow,,,", "title", "empty"),
        ("rs1,T,2025-12-04,10:20,10:40,hall,,roadshow,,,", "capacity", "empty"),
    ],
)
def test_session_errors(tiny: Path, reference: Reference, row: str, field: str, words: str) -> None:
    _write(
        tiny / "sessions.csv",
        "id,title,date,start,end,venue,capacity,kind,hosts,attendees,description\n" + row + "\n",
    )
    error = _error(tiny, reference)
    assert (Path(error.path).name, error.line, error.field) == ("sessions.csv", 2, field)
    assert words in str(error)


@pytest.mark.parametrize(
    ("weights", "words"),
    [
        ("  markt: 30\n", "unknown score component 'markt'"),
        ("  market: -1\n", "a number from 0 to 1000"),
        ("  market: lots\n", "not a number"),
        (
            "  product: 0\n  coverage: 0\n  cooperation: 0\n  market: 0\n  preference: 0\n"
            "  language: 0\n  text: 0\n",
            "weighs 0",
        ),
    ],
)
def test_component_weight_errors(
    tiny: Path, reference: Reference, weights: str, words: str
) -> None:
    with (tiny / "event.yaml").open("a", encoding="utf-8") as handle:
        handle.write("weights:\n" + weights)
    error = _error(tiny, reference)
    assert (Path(error.path).name, error.field, error.line) == ("event.yaml", "weights", 6)
    assert words in str(error)


def test_an_infinite_weight_is_refused_where_yaml_is_read(tiny: Path, reference: Reference) -> None:
    with (tiny / "event.yaml").open("a", encoding="utf-8") as handle:
        handle.write("weights:\n  market: .inf\n")
    error = _error(tiny, reference)
    assert (error.line, "not a finite number" in str(error)) == (7, True)

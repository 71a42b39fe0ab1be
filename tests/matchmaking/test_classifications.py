"""Services (EBOPS 2010) and skills (ISCO-08) are scored by hierarchy, as HS codes are.

They were loaded and validated but the scorer ignored them: an IT services firm and a buyer
of software scored 0 points for product."""

from __future__ import annotations

import dataclasses

import pytest

from tradepivot.matchmaking.classifications import best_match
from tradepivot.matchmaking.evidence import MarketEvidence
from tradepivot.matchmaking.model import Event, Participant
from tradepivot.matchmaking.scoring import score_pairs


@pytest.mark.parametrize(
    ("scheme", "offers", "seeks", "similarity"),
    [
        ("EBOPS", ["9.2"], ["9.2"], 1.0),  # the same code: a full match
        ("EBOPS", ["9.2.1"], ["9.2"], 0.5),  # two levels shared
        ("EBOPS", ["9.2.1"], ["9.2.2"], 0.5),
        ("EBOPS", ["9.1"], ["9.2"], 0.25),  # the main component only
        ("EBOPS", ["10.2"], ["1.2"], None),  # 10 is not 1: components, not characters
        ("ISCO", ["2512"], ["2512"], 1.0),
        ("ISCO", ["2512"], ["2513"], 0.75),
        ("ISCO", ["2512"], ["25"], 0.5),
        ("ISCO", ["2512"], ["3"], None),
        ("ISCO", ["7", "2512"], ["2511", "71"], 0.75),  # the best pair of codes wins
    ],
)
def test_hierarchy_similarity(
    scheme: str, offers: list[str], seeks: list[str], similarity: float | None
) -> None:
    found = best_match(scheme, offers, seeks)  # type: ignore[arg-type]
    assert (found.similarity if found else None) == similarity


def _event(*people: Participant) -> Event:
    return Event(
        name="services forum", timezone="Europe/Moscow",
        participants={p.id: p for p in people}, venues={}, slots=(), tables=(),
    )  # fmt: skip


IT_FIRM = Participant(
    "e-it", "Pune Software Services", "exporter", "IND", services_offered=("9.2",),
    skills_offered=("2512",), languages=("en",),
)  # fmt: skip


def test_services_and_skills_earn_product_points_with_a_reason() -> None:
    buyer = Participant(
        "b-soft", "Kazan Retail IT", "buyer", "RUS", services_sought=("9.2",), languages=("en",)
    )
    recruiter = Participant(
        "b-hr", "Ural Staffing", "buyer", "RUS", skills_sought=("2513",), languages=("en",)
    )
    nobody = Participant("b-none", "Tea Importer", "buyer", "RUS", seeks=("0902",))
    scores = score_pairs(_event(IT_FIRM, buyer, recruiter, nobody), MarketEvidence.empty())
    full = scores[("b-soft", "e-it")]
    assert full.parts["product"] == pytest.approx(35.0)
    assert any("EBOPS 9.2 (computer services)" in r for r in full.reasons)
    near = scores[("b-hr", "e-it")]
    assert near.parts["product"] == pytest.approx(35.0 * 0.75)
    assert any("skills in common within ISCO-08 251" in r for r in near.reasons)
    assert scores[("b-none", "e-it")].parts["product"] == 0.0
    # goods still count: the deeper of goods and services is taken, never their sum
    both = dataclasses.replace(buyer, seeks=("8471",))
    goods = dataclasses.replace(IT_FIRM, offers=("847130",))
    pair = score_pairs(_event(goods, both), MarketEvidence.empty())[("b-soft", "e-it")]
    assert pair.parts["product"] == pytest.approx(35.0)


def test_shipped_tables_are_whole_trees_named_in_reasons() -> None:
    """Every listed group's parent is listed too; reasons name the deepest listed group;
    every code of the shipped example validates against the tables."""
    import csv

    from tradepivot.matchmaking.classifications import (
        _label,
        _parts,
        reference_names,
        unknown_code,
    )

    for scheme, top_count in (("EBOPS", 12), ("ISCO", 10)):
        names = reference_names(scheme)  # type: ignore[arg-type]
        tops = [c for c in names if len(_parts(scheme, c)) == 1]  # type: ignore[arg-type]
        assert len(tops) == top_count
        for code in names:
            parts = _parts(scheme, code)  # type: ignore[arg-type]
            parent = ("." if scheme == "EBOPS" else "").join(parts[:-1])
            assert not parent or parent in names, code
    assert len(reference_names("ISCO")) == 10 + 43  # major and sub-major groups of ISCO-08
    assert _label("EBOPS", "9.2.1") == "EBOPS 9.2.1 (computer software)"
    assert _label("ISCO", "2512").startswith("ISCO-08 2512 (information and communications")
    assert unknown_code("ISCO", "2512") is None  # below a group the table does not subdivide
    assert unknown_code("EBOPS", "3.3.2") is None
    assert unknown_code("ISCO", "19") is not None and unknown_code("EBOPS", "9.4") is not None
    from pathlib import Path

    example = Path(__file__).parents[2] / "examples" / "india-russia-forum" / "participants.csv"
    with example.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for column, scheme in (("services_offered", "EBOPS"), ("services_sought", "EBOPS"),
                                   ("skills_offered", "ISCO"), ("skills_sought", "ISCO")):  # fmt: skip
                for code in filter(None, (row.get(column) or "").split(";")):
                    assert unknown_code(scheme, code.strip()) is None, (row["id"], code)  # type: ignore[arg-type]


def test_shipped_tables_ship_their_citation() -> None:
    """The package data cites each services and skills table next to it (issue 10 item 6)."""
    from importlib import resources

    folder = resources.files("tradepivot.data").joinpath("reference")
    sources = folder.joinpath("SOURCES.md").read_text(encoding="utf-8")
    for table, citation in (
        ("ebops2010.csv", "Manual on Statistics of International Trade in Services 2010"),
        ("isco08.csv", "International Standard Classification of Occupations: ISCO-08"),
    ):
        assert folder.joinpath(table).is_file()
        assert f"`{table}`" in sources and citation in sources, table

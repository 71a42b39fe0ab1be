"""Scenario files: the shipped examples parse, every malformed case names its line and problem.

Each malformed document is written with ``textwrap.dedent`` so its line numbers can be read
off the test; the line asserted is the one of the YAML node at fault (a measure for checks
that involve several of its keys, the key itself otherwise). A Hypothesis property checks
that ``add`` measures give the same duties whatever order a file lists them in, through both
``stack()`` and the vectorised ``additional_duties()``.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradepivot.data.reference import Reference
from tradepivot.errors import SourceFileError
from tradepivot.tariffs.apply import additional_duties
from tradepivot.tariffs.measures import stack
from tradepivot.tariffs.scenarios import Scenario, parse_scenario

EXAMPLES = Path(__file__).parents[2] / "examples" / "scenarios"
PATH = "scenario.yaml"


def doc(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def rejected(text: str, reference: Reference) -> SourceFileError:
    with pytest.raises(SourceFileError) as info:
        parse_scenario(doc(text), PATH, reference)
    exc = info.value
    assert exc.path == PATH
    assert exc.problem in exc.message
    if exc.line is not None:
        assert f"{PATH}, line {exc.line}" in exc.message
    return exc


# --------------------------------------------------------------------------- shipped examples
@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_example_parses(path: Path, reference: Reference) -> None:
    scenario = parse_scenario(path.read_text(encoding="utf-8"), str(path), reference)
    assert isinstance(scenario, Scenario)
    assert scenario.name and scenario.measures
    assert scenario.in_force() or scenario.schedule


def test_three_examples_ship() -> None:
    assert {p.name for p in EXAMPLES.glob("*.yaml")} == {
        "us-india-50.yaml",
        "us-india-leather-18.yaml",
        "us-stack-2025-09-01.yaml",
    }


def test_fifty_percent_example_has_two_measures_in_force_on_india(reference: Reference) -> None:
    path = EXAMPLES / "us-india-50.yaml"
    scenario = parse_scenario(path.read_text(encoding="utf-8"), str(path), reference)
    assert scenario.market == "USA"
    assert scenario.date == dt.date(2025, 9, 1)
    in_force = scenario.in_force()
    assert len(in_force) == 2
    assert all(m.exporters == ("IND",) for m in scenario.measures)
    assert all(m.mode == "add" for m in in_force)
    assert sum(m.rate_pct for m in in_force) == 50
    duties = stack(
        scenario.measures,
        market="USA",
        exporter="IND",
        code="420221",
        day=scenario.date,
        base_pct=8.0,
        base_label="MFN",
    )
    assert duties.additional_pct == 50
    assert (
        stack(
            scenario.measures,
            market="USA",
            exporter="CHN",
            code="420221",
            day=scenario.date,
            base_pct=8.0,
            base_label="MFN",
        ).layers
        == ()
    )


# --------------------------------------------------------------------------- malformed
def test_unknown_exporter_names_the_line_and_suggests(reference: Reference) -> None:
    exc = rejected(
        """
        name: t
        market: USA
        date: 2025-09-01
        measures:
          - id: a
            exporters: [CHN, Inda]
            add: 10
            start: 2025-01-01
        """,
        reference,
    )
    assert exc.line == 6
    assert exc.field == "measures.0.exporters.1"
    assert "Unknown country 'Inda'" in exc.problem
    assert exc.hint is not None and "India (IND)" in exc.hint
    assert "India (IND)" in str(exc)  # what the CLI prints: message and hint


def test_unknown_market_names_the_line_and_suggests(reference: Reference) -> None:
    exc = rejected(
        """
        name: t
        market: Untied States
        date: 2025-09-01
        measures:
          - add: 10
            start: 2025-01-01
        """,
        reference,
    )
    assert exc.line == 2
    assert exc.field == "market"
    assert "Unknown country 'Untied States'" in exc.problem
    assert exc.hint is not None and "United States (USA)" in exc.hint


def test_impossible_date_names_the_line(reference: Reference) -> None:
    exc = rejected(
        """
        name: t
        market: USA
        date: 2025-09-01
        measures:
          - id: a
            add: 10
            start: 2025-13-01
        """,
        reference,
    )
    assert exc.line == 7
    assert "2025-13-01" in exc.message or "month" in exc.message


def test_word_for_a_date_names_the_line(reference: Reference) -> None:
    exc = rejected(
        """
        name: t
        market: USA
        date: 2025-09-01
        measures:
          - id: a
            add: 10
            start: yesterday
        """,
        reference,
    )
    assert exc.line == 7
    assert exc.field == "measures.0.start"
    assert "not a date" in exc.problem and "'yesterday'" in exc.problem


def test_word_for_the_scenario_date_names_its_line(reference: Reference) -> None:
    exc = rejected(
        """
        name: t
        market: USA
        date: yesterday
        measures:
          - add: 10
            start: 2025-01-01
        """,
        reference,
    )
    assert "'yesterday'" in exc.problem
    assert exc.field == "date"
    assert exc.line == 3


def test_end_before_start_points_at_the_measure(reference: Reference) -> None:
    exc = rejected(
        """
        name: t
        market: USA
        date: 2025-09-01
        measures:
          - id: ok
            add: 5
            start: 2025-01-01
          - id: backwards
            add: 10
            start: 2025-05-01
            end: 2025-04-30
        """,
        reference,
    )
    assert exc.line == 8  # the measure (a check on two of its keys)
    assert exc.field == "measures.1"
    assert "`end` (2025-04-30) is before `start` (2025-05-01)" in exc.problem


@pytest.mark.parametrize(
    ("rate", "words"),
    [
        ("add: 1500", "less than or equal to 1000: 1500"),
        ("add: -5", "greater than or equal to 0: -5"),
        ("set: 1000.5", "less than or equal to 1000: 1000.5"),
        ("floor: -0.1", "greater than or equal to 0: -0.1"),
    ],
)
def test_rate_outside_0_to_1000_names_the_line(rate: str, words: str, reference: Reference) -> None:
    exc = rejected(
        f"""
        name: t
        market: USA
        date: 2025-09-01
        measures:
          - id: a
            {rate}
            start: 2025-01-01
        """,
        reference,
    )
    assert exc.line == 6
    assert exc.field == f"measures.0.{rate.split(':')[0]}"
    assert words in exc.problem


def test_rates_at_the_bounds_are_accepted(reference: Reference) -> None:
    scenario = parse_scenario(
        doc(
            """
            name: t
            market: USA
            date: 2025-09-01
            measures:
              - id: zero
                add: 0
                start: 2025-01-01
              - id: thousand
                add: 1000
                start: 2025-01-01
            """
        ),
        PATH,
        reference,
    )
    assert [m.rate_pct for m in scenario.measures] == [0, 1000]


def test_contradictory_set_measures_name_both_and_point_at_the_second(
    reference: Reference,
) -> None:
    exc = rejected(
        """
        name: t
        market: USA
        date: 2025-09-01
        measures:
          - id: cap-low
            exporters: [IND]
            products: ["42"]
            set: 10
            start: 2025-05-01
          - id: cap-high
            exporters: [IND, CHN]
            products: ["4202"]
            set: 20
            start: 2025-06-01
            end: 2025-12-31
        """,
        reference,
    )
    assert exc.line == 10
    assert exc.field == "measures.1"
    assert "'cap-low'" in exc.problem and "'cap-high'" in exc.problem
    assert "10%" in exc.problem and "20%" in exc.problem


def test_set_measures_that_do_not_overlap_are_accepted(reference: Reference) -> None:
    scenario = parse_scenario(
        doc(
            """
            name: t
            market: USA
            date: 2025-09-01
            measures:
              - id: until-june
                products: ["42"]
                set: 10
                start: 2025-01-01
                end: 2025-06-30
              - id: from-july
                products: ["4202", "43"]
                set: 20
                start: 2025-07-01
              - id: same-rate
                products: ["420221"]
                set: 20
                start: 2025-08-01
              - id: other-product
                products: ["64"]
                set: 30
                start: 2025-01-01
                exporters: [VNM]
            """
        ),
        PATH,
        reference,
    )
    assert len(scenario.measures) == 4
    assert scenario.measures[1].overlaps(scenario.measures[2])  # overlap, same rate: no conflict


def test_overlapping_add_measures_stack_and_are_not_contradictory(
    reference: Reference,
) -> None:
    scenario = parse_scenario(
        doc(
            """
            name: t
            market: USA
            date: 2025-09-01
            measures:
              - id: first
                exporters: [IND]
                add: 25
                start: 2025-08-07
              - id: second
                exporters: [IND]
                products: ["42"]
                add: 15
                start: 2025-08-27
            """
        ),
        PATH,
        reference,
    )
    assert scenario.measures[0].overlaps(scenario.measures[1])
    duties = stack(
        scenario.measures,
        market="USA",
        exporter="IND",
        code="4202",
        day=scenario.date,
        base_pct=0.0,
        base_label="MFN",
    )
    assert duties.additional_pct == 40


@pytest.mark.parametrize(
    ("rates", "found"),
    [("", "found none"), ("    add: 10\n    set: 20\n", "found ['add', 'set']")],
    ids=["none", "two"],
)
def test_a_measure_needs_exactly_one_rate(rates: str, found: str, reference: Reference) -> None:
    text = (
        "name: t\nmarket: USA\ndate: 2025-09-01\nmeasures:\n"
        "  - id: a\n    exporters: [IND]\n" + rates + "    start: 2025-01-01\n"
    )
    with pytest.raises(SourceFileError) as info:
        parse_scenario(text, PATH, reference)
    assert info.value.line == 5
    assert info.value.field == "measures.0"
    assert "exactly one of `add`" in info.value.problem and found in info.value.problem


def test_unknown_key_names_its_line(reference: Reference) -> None:
    exc = rejected(
        """
        name: t
        market: USA
        date: 2025-09-01
        measures:
          - id: a
            exporter: [IND]
            add: 10
            start: 2025-01-01
        """,
        reference,
    )
    assert exc.line == 6
    assert exc.field == "measures.0.exporter"
    assert "unknown key" in exc.problem


def test_missing_start_points_at_the_measure(reference: Reference) -> None:
    exc = rejected(
        """
        name: t
        market: USA
        date: 2025-09-01
        measures:
          - id: a
            add: 10
          - id: b
            add: 10
        """,
        reference,
    )
    assert exc.line == 5  # the mapping that lacks the key
    assert exc.field == "measures.0.start"
    assert "required key 'start' is missing" in exc.problem


def test_missing_date_names_the_key(reference: Reference) -> None:
    exc = rejected(
        """
        name: t
        market: USA
        measures:
          - add: 10
            start: 2025-01-01
        """,
        reference,
    )
    assert exc.line == 1  # the document mapping lacks the key
    assert "required key 'date' is missing" in exc.problem
    assert exc.field == "date"
    assert "date" in exc.message


@pytest.mark.parametrize("code", ['"42a"', '"4202.2"', "4"])
def test_malformed_hs_code_names_its_line(code: str, reference: Reference) -> None:
    exc = rejected(
        f"""
        name: t
        market: USA
        date: 2025-09-01
        measures:
          - id: a
            products: ["42", {code}]
            add: 10
            start: 2025-01-01
        """,
        reference,
    )
    assert exc.line == 6
    assert exc.field == "measures.0.products.1"
    assert exc.problem.startswith("HS code") and ("digit" in exc.problem)


def test_hs_code_that_does_not_exist_names_its_line_and_suggests(reference: Reference) -> None:
    exc = rejected(
        """
        name: t
        market: USA
        date: 2025-09-01
        measures:
          - id: a
            products: ["4202"]
            exclude:
              - "420221"
              - "4299"
            add: 10
            start: 2025-01-01
        """,
        reference,
    )
    assert exc.line == 9
    assert exc.field == "measures.0.exclude.1"
    assert "'4299' does not exist" in exc.problem
    assert exc.hint is not None and "4202" in exc.hint


def test_duplicate_measure_ids_point_at_the_second(reference: Reference) -> None:
    exc = rejected(
        """
        name: t
        market: USA
        date: 2025-09-01
        measures:
          - id: same
            add: 10
            start: 2025-01-01
          - add: 5
            id: same
            start: 2025-01-01
        """,
        reference,
    )
    assert exc.line == 9  # the second measure's `id` key
    assert exc.field == "measures.1.id"
    assert "'same' is used twice" in exc.problem


@pytest.mark.parametrize(
    "text", ["- name: t\n- market: USA\n", "just a sentence\n", "", "# only a comment\n"]
)
def test_a_document_that_is_not_a_mapping_is_rejected(text: str, reference: Reference) -> None:
    with pytest.raises(SourceFileError) as info:
        parse_scenario(text, PATH, reference)
    assert "a scenario is a mapping" in info.value.problem
    assert info.value.line in (None, 1)  # the whole document is at fault


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (
            "name: t\nmarket: USA\ndate: 2025-09-01\nmeasures:\n  - id: a\n    add: 10: 20\n",
            6,
            "mapping values are not allowed here",
        ),
        (
            "name: t\nmarket: USA\ndate: 2025-09-01\nmeasures:\n  - id: a\n\t  add: 10\n",
            6,
            "'\\t'",
        ),
        ('name: "t\nmarket: USA\n', 3, "end of stream"),
    ],
    ids=["colon", "tab", "unclosed-quote"],
)
def test_invalid_yaml_reports_the_line(
    text: str, line: int, words: str, reference: Reference
) -> None:
    with pytest.raises(SourceFileError) as info:
        parse_scenario(text, PATH, reference)
    assert info.value.line == line
    assert "not valid YAML" in info.value.problem and words in info.value.problem
    assert f"line {line}" in info.value.message


def test_schedule_true_outside_the_us_is_rejected(reference: Reference) -> None:
    exc = rejected(
        """
        name: t
        market: India
        date: 2025-09-01
        schedule: true
        measures:
          - add: 10
            start: 2025-01-01
        """,
        reference,
    )
    assert exc.line == 4
    assert exc.field == "schedule"
    assert "only for USA (not IND)" in exc.problem


def test_schedule_true_on_the_us_is_accepted(reference: Reference) -> None:
    scenario = parse_scenario(
        doc(
            """
            name: t
            market: United States
            date: 2025-09-01
            schedule: true
            measures:
              - add: 0
                start: 2025-09-01
            """
        ),
        PATH,
        reference,
    )
    assert scenario.market == "USA" and scenario.schedule
    assert scenario.measures[0].id == "measure-1"


# --------------------------------------------------------------------------- order does not matter
# A real heading in each chapter (checked against the nomenclature below).
CHAPTER_CODE = {
    "03": "0302",
    "09": "0901",
    "30": "3004",
    "41": "4107",
    "42": "4202",
    "52": "5208",
    "61": "6109",
    "64": "6403",
    "71": "7113",
    "84": "8471",
}
DAY = dt.date(2025, 9, 1)
EXPORTER_CHOICES = (("IND",), ("all",), ("CHN",), ("IND", "CHN"))


def test_property_codes_exist(reference: Reference) -> None:
    for chapter, code in CHAPTER_CODE.items():
        assert reference.hs(code, "HS2022").code.startswith(chapter)


@dataclass(frozen=True)
class Drawn:
    """One ``add`` measure as the property writes it into a file."""

    id: str
    chapter: str | None  # None: all products
    exporters: tuple[str, ...]
    rate: float
    start: dt.date
    end: dt.date | None

    def yaml(self) -> list[str]:
        lines = [f"  - id: {self.id}", f"    exporters: [{', '.join(self.exporters)}]"]
        if self.chapter is not None:
            lines.append(f'    products: ["{self.chapter}"]')
        lines += [f"    add: {self.rate:.2f}", f"    start: {self.start}"]
        if self.end is not None:
            lines.append(f"    end: {self.end}")
        return lines

    def applies(self, exporter: str, chapter: str) -> bool:
        in_force = self.start <= DAY and (self.end is None or self.end >= DAY)
        covers = "all" in self.exporters or exporter in self.exporters
        return in_force and covers and self.chapter in (None, chapter)


@st.composite
def add_measures(draw: st.DrawFn) -> list[Drawn]:
    """``add`` measures on distinct chapters (plus up to two on all products), dated around DAY."""
    chapters = draw(st.lists(st.sampled_from(sorted(CHAPTER_CODE)), min_size=1, unique=True))
    products: list[str | None] = [*chapters, *[None] * draw(st.integers(0, 2))]
    out = []
    for n, chapter in enumerate(products):
        start = DAY + dt.timedelta(days=draw(st.integers(-400, 30)))
        length = draw(st.none() | st.integers(0, 400))
        out.append(
            Drawn(
                id=f"m{n}-{draw(st.text('abcxyz', min_size=1, max_size=3))}",
                chapter=chapter,
                exporters=draw(st.sampled_from(EXPORTER_CHOICES)),
                rate=draw(st.integers(0, 100_000)) / 100,
                start=start,
                end=None if length is None else start + dt.timedelta(days=length),
            )
        )
    return out


def scenario_yaml(measures: list[Drawn]) -> str:
    lines = ["name: order test", "market: USA", f"date: {DAY}", "measures:"]
    for m in measures:
        lines += m.yaml()
    return "\n".join(lines) + "\n"


def expected_duty(measures: list[Drawn], exporter: str, chapter: str) -> float:
    """Sum of the rates in force for the exporter and chapter, written out independently."""
    return sum(m.rate for m in measures if m.applies(exporter, chapter))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), measures=add_measures())
def test_add_measures_give_the_same_duties_in_any_order(
    data: st.DataObject, measures: list[Drawn], reference: Reference
) -> None:
    shuffled = data.draw(st.permutations(measures), label="order")
    written = parse_scenario(scenario_yaml(measures), PATH, reference)
    reordered = parse_scenario(scenario_yaml(shuffled), PATH, reference)
    assert [m.id for m in reordered.measures] == [m.id for m in shuffled]

    exporters = ["IND", "CHN", "BRA"]
    rows = [(e, chapter, code) for e in exporters for chapter, code in CHAPTER_CODE.items()]
    vectors = [
        additional_duties(
            scenario.measures,
            DAY,
            market="USA",
            exporters=[e for e, _, _ in rows],
            codes=[c for _, _, c in rows],
            base_pct=np.zeros(len(rows)),
        )
        for scenario in (written, reordered)
    ]
    assert np.array_equal(vectors[0], vectors[1])
    for i, (exporter, chapter, code) in enumerate(rows):
        duties = [
            stack(
                scenario.measures,
                market="USA",
                exporter=exporter,
                code=code,
                day=DAY,
                base_pct=0.0,
                base_label="MFN",
            ).additional_pct
            for scenario in (written, reordered)
        ]
        assert duties[0] == duties[1]
        assert duties[0] == pytest.approx(expected_duty(measures, exporter, chapter), abs=1e-9)
        assert vectors[0][i] == pytest.approx(duties[0], abs=1e-9)

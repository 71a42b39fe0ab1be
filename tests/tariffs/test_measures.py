"""Measures and stacks: combination rules, order independence, and the vectorised twin."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradepivot.services.tariffs import schedule_for
from tradepivot.tariffs.apply import additional_duties
from tradepivot.tariffs.measures import Measure, stack

DAY = dt.date(2025, 9, 1)


def measure(**fields: object) -> Measure:
    base: dict[str, object] = {
        "id": "m",
        "market": "USA",
        "rate_pct": 10,
        "start": dt.date(2025, 1, 1),
    }
    return Measure(**(base | fields))


def additional(measures: list[Measure], exporter: str, code: str, base: float = 5.0) -> float:
    return stack(
        measures, market="USA", exporter=exporter, code=code, day=DAY, base_pct=base, base_label="t"
    ).additional_pct


def test_add_layers_sum_and_respect_dates_exporters_and_products() -> None:
    ms = [
        measure(id="a", rate_pct=10),
        measure(id="b", rate_pct=25, exporters=("IND",), products=("42",)),
        measure(id="late", rate_pct=99, start=dt.date(2025, 9, 2)),
        measure(id="over", rate_pct=99, end=dt.date(2025, 8, 31)),
        measure(id="ex", rate_pct=7, except_exporters=("IND",)),
        measure(id="excl", rate_pct=3, exclude=("4202",)),
    ]
    assert additional(ms, "IND", "420221") == 10 + 25
    assert additional(ms, "IND", "640399") == 10 + 3
    assert additional(ms, "CHN", "420221") == 10 + 7


def test_replaces_displaces_and_set_caps_and_floor_tops_up() -> None:
    base = measure(id="base", rate_pct=10)
    country = measure(id="country", rate_pct=25, exporters=("IND",), replaces=("base",))
    assert additional([base, country], "IND", "42") == 25
    assert additional([base, country], "CHN", "42") == 10
    cap = measure(id="cap", mode="replace", rate_pct=18, exporters=("IND",))
    assert additional([base, country, cap], "IND", "42") == 18
    floor = measure(id="floor", mode="floor", rate_pct=15)
    assert additional([floor], "DEU", "42", base=5.0) == 10  # lifts 5% to 15% all-in
    assert additional([floor], "DEU", "42", base=20.0) == 0


def test_exemption_lists_count_in_proportion_of_lines() -> None:
    m = measure(exempt_list="annex", rate_pct=20)
    lists = {"annex": frozenset({"42022130"})}
    half = stack(
        [m],
        market="USA",
        exporter="IND",
        code="420221",
        day=DAY,
        base_pct=0,
        base_label="t",
        exempt_lists=lists,
        lines=["42022130", "42022160"],
    )
    assert half.additional_pct == pytest.approx(10)
    assert half.layers[0].partial


def test_rates_outside_0_to_1000_and_reversed_dates_are_rejected() -> None:
    with pytest.raises(ValueError, match="less than or equal to 1000"):
        measure(rate_pct=1001)
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        measure(rate_pct=-1)
    with pytest.raises(ValueError, match="before it starts"):
        measure(end=dt.date(2024, 1, 1))


CHAPTERS = ["03", "09", "30", "41", "42", "52", "61", "64", "71", "84"]


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    chapters=st.lists(st.sampled_from(CHAPTERS), min_size=1, max_size=6, unique=True),
)
def test_measures_on_disjoint_products_commute(data: st.DataObject, chapters: list[str]) -> None:
    """Shuffling measures on disjoint products changes no stack, scalar or vectorised."""
    rates = data.draw(st.lists(st.floats(0, 1000), min_size=len(chapters), max_size=len(chapters)))
    modes = data.draw(
        st.lists(
            st.sampled_from(["add", "replace", "floor"]),
            min_size=len(chapters),
            max_size=len(chapters),
        )
    )
    ms = [
        measure(id=f"m{i}", products=(ch,), rate_pct=r, mode=mode)
        for i, (ch, r, mode) in enumerate(zip(chapters, rates, modes, strict=True))
    ]
    shuffled = data.draw(st.permutations(ms))
    codes = [f"{ch}0000" for ch in CHAPTERS]
    base = np.full(len(codes), 4.0)
    first = [additional(ms, "IND", c, 4.0) for c in codes]
    again = [additional(list(shuffled), "IND", c, 4.0) for c in codes]
    assert first == again
    vector = additional_duties(
        shuffled, DAY, market="USA", exporters=["IND"] * len(codes), codes=codes, base_pct=base
    )
    assert vector.tolist() == pytest.approx(first)


def test_vectorised_duties_equal_the_stack_on_the_real_schedule() -> None:
    """additional_duties() and stack() agree on 400 random US lines x exporters x days."""
    us = schedule_for("USA")
    rng = random.Random(7)
    lines = rng.sample(sorted(us.mfn), 100)
    exporters = ["IND", "CHN", "DEU", "VNM", "CAN", "BRA", "JPN", "MEX"]
    for day in (dt.date(2025, 5, 1), DAY, dt.date(2026, 2, 10), dt.date(2026, 3, 1)):
        rows_exp = [rng.choice(exporters) for _ in lines]
        base = np.array([us.mfn[line].mfn_pct or 0.0 for line in lines])
        vector = additional_duties(
            us.measures,
            day,
            market="USA",
            exporters=rows_exp,
            codes=lines,
            base_pct=base,
            exempt_lists=us.lists,
        )
        scalar = [
            stack(
                us.measures,
                market="USA",
                exporter=e,
                code=line,
                day=day,
                base_pct=b,
                base_label="",
                exempt_lists=us.lists,
                lines=[line],
            ).additional_pct
            for e, line, b in zip(rows_exp, lines, base, strict=True)
        ]
        assert vector.tolist() == pytest.approx(scalar)

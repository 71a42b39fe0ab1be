"""Market metrics: invariants on random small matrices, and a hand-computed case."""

from __future__ import annotations

import math

import ibis
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradepivot.analytics import markets
from tradepivot.data.reference import ProductScope

EVERYTHING = ProductScope(())

flows_strategy = st.lists(
    st.tuples(
        st.sampled_from(["AAA", "BBB", "CCC", "DDD"]),  # exporter
        st.sampled_from(["XXX", "YYY"]),  # importer
        st.sampled_from(["010121", "010129", "420221", "640399"]),
        st.floats(min_value=1.0, max_value=1e9, allow_nan=False),
        st.one_of(st.none(), st.floats(min_value=-60.0, max_value=300.0, allow_nan=False)),
    ),
    min_size=1,
    max_size=40,
    unique_by=lambda r: (r[0], r[1], r[2]),
)


def table(rows: list[tuple[str, str, str, float, float | None]], scale: float = 1.0) -> ibis.Table:
    exporters, importers, hs6, values, growth = zip(*rows, strict=True)
    data = pa.table(
        {
            "exporter": list(exporters),
            "importer": list(importers),
            "hs6": list(hs6),
            "value_usd": [v * scale for v in values],
            "cagr_8y": pa.array(list(growth), pa.float64()),
        }
    )
    return ibis.memtable(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flows_strategy)
def test_supplier_shares_sum_to_100_and_ranks_follow_values(
    rows: list[tuple[str, str, str, float, float | None]],
) -> None:
    t = table(rows)
    for importer in {r[1] for r in rows}:
        suppliers = (
            markets.by_supplier(t, importer=importer, scope=EVERYTHING).to_pyarrow().sort_by("rank")
        )
        assert math.isclose(sum(suppliers.column("share_pct").to_pylist()), 100.0, rel_tol=1e-9)
        values = suppliers.column("value_usd").to_pylist()
        assert values == sorted(values, reverse=True)
        assert sum(values) == pytest.approx(sum(r[3] for r in rows if r[1] == importer))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flows_strategy, st.floats(min_value=1e-3, max_value=1e3))
def test_shares_and_growth_do_not_depend_on_the_unit(
    rows: list[tuple[str, str, str, float, float | None]], scale: float
) -> None:
    importer = rows[0][1]
    base = (
        markets.by_product(table(rows), importer=importer, exporter=rows[0][0], scope=EVERYTHING)
        .to_pyarrow()
        .sort_by("code")
    )
    scaled = (
        markets.by_product(
            table(rows, scale), importer=importer, exporter=rows[0][0], scope=EVERYTHING
        )
        .to_pyarrow()
        .sort_by("code")
    )
    for column in ("share_pct", "growth_pct", "top_supplier_value_usd"):
        a, b = base.column(column).to_pylist(), scaled.column(column).to_pylist()
        if column.endswith("_usd"):
            b = [None if v is None else v / scale for v in b]
        assert [x is None for x in a] == [x is None for x in b]
        assert [x for x in a if x is not None] == pytest.approx(
            [x for x in b if x is not None], rel=1e-9
        )


def test_hand_computed_market() -> None:
    rows = [
        ("AAA", "XXX", "420221", 300.0, 10.0),
        ("BBB", "XXX", "420221", 100.0, None),
        ("AAA", "XXX", "640399", 50.0, 0.0),
        ("CCC", "YYY", "420221", 999.0, 5.0),
    ]
    products = (
        markets.by_product(table(rows), importer="XXX", exporter="BBB", scope=EVERYTHING)
        .to_pyarrow()
        .sort_by("code")
        .to_pylist()
    )
    handbags, shoes = products
    assert (handbags["imports_usd"], handbags["top_supplier"], handbags["suppliers"]) == (
        400.0,
        "AAA",
        2,
    )
    assert (handbags["value_usd"], handbags["share_pct"], handbags["rank"]) == (100.0, 25.0, 2)
    assert handbags["growth_pct"] == pytest.approx(10.0)  # only AAA's growth is known
    assert shoes["value_usd"] is None and shoes["share_pct"] is None
    # One flow with known growth: BBB's is null and AAA's shoes carry 0.0, the upstream
    # mark of a flow without a base value (unknown, not "no growth").
    total = markets.total_growth(table(rows), importer="XXX", scope=EVERYTHING).to_pyarrow().as_py()
    assert total == pytest.approx(10.0)
    assert shoes["growth_pct"] is None


def test_scope_prefixes_and_exclusions() -> None:
    rows = [
        ("AAA", "XXX", "420221", 1.0, None),
        ("AAA", "XXX", "420229", 2.0, None),
        ("AAA", "XXX", "640399", 4.0, None),
    ]
    t = table(rows)
    scope = ProductScope(("42", "6403"), exclude=("420229",))
    got = (
        markets.by_supplier(t, importer="XXX", scope=scope)
        .to_pyarrow()
        .column("value_usd")
        .to_pylist()
    )
    assert got == [5.0]

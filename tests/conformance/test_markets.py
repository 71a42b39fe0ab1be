"""markets.by_product / by_supplier / total_growth: every engine against the reference."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest

from tests.conformance import reference
from tests.conformance.fixture import FLOWS
from tests.conformance.harness import REL_TOL, EngineUnderTest, assert_rows_close, on_engines
from tradepivot.analytics import markets
from tradepivot.data.reference import ProductScope

EVERYTHING = ProductScope(())
LEATHER = ProductScope(("41", "4202"), exclude=("410419",), label="leather")

BY_PRODUCT = {
    "IND-BRA-all-hs6": ("IND", "BRA", EVERYTHING, 6),
    "IND-none-leather-hs4": ("IND", None, LEATHER, 4),
    "RUS-CHN-leather-hs2": ("RUS", "CHN", LEATHER, 2),
}
GROWTH_COLUMNS = {"growth_pct", "value_growth_pct"}


def _by_product(engine: EngineUnderTest, case: str) -> tuple[pa.Table, list[reference.Row]]:
    importer, exporter, scope, level = BY_PRODUCT[case]
    flows = engine.tables["flows"]
    actual = engine.once(
        f"by_product-{case}",
        lambda: markets.by_product(
            flows, importer=importer, exporter=exporter, scope=scope, level=level
        ),
    )
    expected = reference.by_product(
        reference.rows(FLOWS), importer=importer, exporter=exporter, scope=scope, level=level
    )
    return actual, expected


@pytest.mark.parametrize("case", list(BY_PRODUCT))
def test_by_product(engine: EngineUnderTest, case: str) -> None:
    actual, expected = _by_product(engine, case)
    other = [c for c in expected[0] if c not in GROWTH_COLUMNS]
    assert_rows_close(actual, expected, ["code"], columns=other)


@pytest.mark.parametrize("case", list(BY_PRODUCT))
@on_engines()
def test_by_product_growth(engine: EngineUnderTest, case: str) -> None:
    actual, expected = _by_product(engine, case)
    assert_rows_close(actual, expected, ["code"], columns=sorted(GROWTH_COLUMNS))


def test_by_product_columns(engine: EngineUnderTest) -> None:
    actual, expected = _by_product(engine, "IND-BRA-all-hs6")
    assert actual.column_names == list(expected[0])


BY_SUPPLIER = {"IND-all": ("IND", EVERYTHING), "BRA-leather": ("BRA", LEATHER)}


def _by_supplier(engine: EngineUnderTest, case: str) -> tuple[pa.Table, list[reference.Row]]:
    importer, scope = BY_SUPPLIER[case]
    flows = engine.tables["flows"]
    actual = engine.once(
        f"by_supplier-{case}",
        lambda: markets.by_supplier(flows, importer=importer, scope=scope),
    )
    return actual, reference.by_supplier(reference.rows(FLOWS), importer=importer, scope=scope)


@pytest.mark.parametrize("case", list(BY_SUPPLIER))
def test_by_supplier(engine: EngineUnderTest, case: str) -> None:
    actual, expected = _by_supplier(engine, case)
    other = [c for c in expected[0] if c != "growth_pct"]
    assert_rows_close(actual, expected, ["exporter"], columns=other)
    assert actual.column_names == list(expected[0])


@pytest.mark.parametrize("case", list(BY_SUPPLIER))
@on_engines()
def test_by_supplier_growth(engine: EngineUnderTest, case: str) -> None:
    actual, expected = _by_supplier(engine, case)
    assert_rows_close(actual, expected, ["exporter"], columns=["growth_pct"])


TOTAL_GROWTH = {
    "IND-all": ("IND", EVERYTHING),
    "BRA-all": ("BRA", EVERYTHING),  # holds a flow at exactly -100 % a year
    "RUS-leather": ("RUS", LEATHER),  # holds an implausible growth rate
}


@pytest.mark.parametrize("case", list(TOTAL_GROWTH))
@on_engines()
def test_total_growth(engine: EngineUnderTest, case: str) -> None:
    importer, scope = TOTAL_GROWTH[case]
    got = markets.total_growth(engine.tables["flows"], importer=importer, scope=scope)
    actual = engine.run(got.as_table()).column(0)[0].as_py()
    expected = reference.total_growth(reference.rows(FLOWS), importer=importer, scope=scope)
    assert expected is not None
    assert math.isclose(actual, expected, rel_tol=REL_TOL), (actual, expected)


def test_total_growth_is_null_when_every_rate_is_unknown(engine: EngineUnderTest) -> None:
    only = ProductScope(("847130",))  # every flow into IND has unknown growth
    got = markets.total_growth(engine.tables["flows"], importer="IND", scope=only)
    assert reference.total_growth(reference.rows(FLOWS), importer="IND", scope=only) is None
    assert engine.run(got.as_table()).column(0)[0].as_py() is None

"""Export potential (inputs, pair terms, EPI with its factors) on every engine vs the reference."""

from __future__ import annotations

import pyarrow as pa
import pytest

from tests.conformance import reference
from tests.conformance.fixture import DISTANCES, FLOWS, TARIFFS
from tests.conformance.harness import EngineUnderTest, assert_rows_close
from tradepivot.analytics import potential
from tradepivot.data.reference import ProductScope

LEATHER = ProductScope(("41", "4202"), exclude=("410419",), label="leather")

INPUTS = {
    "all": {},
    "leather": {"scope": LEATHER},
    "leather-IND-RUS": {"scope": LEATHER, "importers": ["IND", "RUS"]},
}
KEYS = {
    "supply": ["exporter", "hs6"],
    "demand": ["importer", "hs6"],
    "flows": ["exporter", "importer", "hs6"],
}


@pytest.mark.parametrize("part", list(KEYS))
@pytest.mark.parametrize("case", list(INPUTS))
def test_inputs(engine: EngineUnderTest, case: str, part: str) -> None:
    kwargs = INPUTS[case]
    t = engine.tables
    actual = engine.once(
        f"inputs-{case}-{part}",
        lambda: getattr(potential.inputs(t["flows"], t["distances"], **kwargs), part),
    )
    expected = reference.inputs(reference.rows(FLOWS), reference.rows(DISTANCES), **kwargs)
    assert_rows_close(actual, expected[part], KEYS[part])


def _pairs(engine: EngineUnderTest) -> pa.Table:
    t = engine.tables
    return engine.once("pairs", lambda: potential.pair_terms(t["flows"], t["distances"]))


def test_pair_terms(engine: EngineUnderTest) -> None:
    expected = reference.pair_terms(reference.rows(FLOWS), reference.rows(DISTANCES))
    assert_rows_close(_pairs(engine), expected, ["exporter", "importer"])
    assert ("RUS", "TUR") not in {(r["exporter"], r["importer"]) for r in expected}


POTENTIAL = {
    "all": ({}, {}),
    "exporter-IND": ({}, {"exporters": ["IND"]}),
    "leather-market-RUS": ({"scope": LEATHER}, {"importers": ["RUS"]}),
}


def _potential(engine: EngineUnderTest, case: str) -> pa.Table:
    """The EPI rows; pair terms materialised once, as the service caches them."""
    scope_args, filters = POTENTIAL[case]
    t = engine.tables
    wh = engine.warehouse
    pairs = engine.memo(
        "pairs-materialised",
        lambda: wh.materialise(potential.pair_terms(t["flows"], t["distances"])),
    )
    return engine.once(
        f"potential-{case}",
        lambda: potential.potential(
            potential.inputs(t["flows"], t["distances"], **scope_args), pairs, **filters
        ),
    )


@pytest.mark.parametrize("case", list(POTENTIAL))
def test_potential(engine: EngineUnderTest, case: str) -> None:
    scope_args, filters = POTENTIAL[case]
    flows, distances = reference.rows(FLOWS), reference.rows(DISTANCES)
    expected = reference.potential(
        reference.inputs(flows, distances, **scope_args),
        reference.pair_terms(flows, distances),
        **filters,
    )
    assert list(potential.POTENTIAL_COLUMNS) == list(expected[0])
    assert_rows_close(_potential(engine, case), expected, ["exporter", "importer", "hs6"])


def test_potential_rescales_to_market_imports(engine: EngineUnderTest) -> None:
    """sum_i EPI_ijk = M_jk wherever some exporter has potential (the method's definition)."""
    totals: dict[tuple[str, str], float] = {}
    imports: dict[tuple[str, str], float] = {}
    for r in _potential(engine, "all").to_pylist():
        key = (r["importer"], r["hs6"])
        totals[key] = totals.get(key, 0.0) + r["potential_usd"]
        imports[key] = r["imports_usd"]
    assert any(total > 0 for total in totals.values())
    for key, total in totals.items():
        if total > 0:
            assert total == pytest.approx(imports[key], rel=1e-9), key


def test_potential_under_a_tariff_scenario(engine: EngineUnderTest) -> None:
    """Tariff factors enter supply, demand and the hypothetical trade of the pairs they touch."""
    t = engine.tables
    tariffs = engine.memo("tariffs", lambda: engine.load("fx_tariffs", TARIFFS))
    markets = ["IND", "RUS"]
    pairs = potential.pair_terms(t["flows"], t["distances"], tariffs=tariffs, importers=markets)
    actual = engine.run(
        potential.potential(potential.inputs(t["flows"], t["distances"]), pairs, tariffs=tariffs)
    )
    flows, distances = reference.rows(FLOWS), reference.rows(DISTANCES)
    tariff_rows = reference.rows(TARIFFS)
    expected = reference.potential(
        reference.inputs(flows, distances),
        reference.pair_terms(flows, distances, tariffs=tariff_rows, importers=markets),
        tariffs=tariff_rows,
    )
    assert {r["importer"] for r in expected} == set(markets)
    assert any(r["tariff_advantage"] != 1.0 for r in expected)
    assert_rows_close(actual, expected, ["exporter", "importer", "hs6"])

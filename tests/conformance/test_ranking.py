"""The market ranking behind services/opportunity.rank_markets, on every engine vs the reference."""

from __future__ import annotations

import pytest

from tests.conformance import reference
from tests.conformance.fixture import DISTANCES, FLOWS
from tests.conformance.harness import EngineUnderTest, assert_rows_close
from tradepivot.analytics import potential, ranking

EXPORTER = "IND"


def test_market_summary(engine: EngineUnderTest) -> None:
    """As services/opportunity.rank_markets runs it: materialised rows of one exporter."""
    t = engine.tables
    wh = engine.warehouse
    data = potential.inputs(t["flows"], t["distances"])
    pairs = engine.memo(
        "pairs-materialised",
        lambda: wh.materialise(potential.pair_terms(t["flows"], t["distances"])),
    )
    rows = wh.materialise(potential.potential(data, pairs, exporters=[EXPORTER]))
    actual = engine.run(ranking.market_summary(rows, data.demand))

    flows, distances = reference.rows(FLOWS), reference.rows(DISTANCES)
    ref_data = reference.inputs(flows, distances)
    ref_rows = reference.potential(
        ref_data, reference.pair_terms(flows, distances), exporters=[EXPORTER]
    )
    expected = reference.market_summary(ref_rows, ref_data["demand"])
    assert_rows_close(actual, expected, ["importer"])


@pytest.mark.parametrize("n", [1, 3])
def test_top_suppliers(engine: EngineUnderTest, n: int) -> None:
    actual = engine.run(ranking.top_suppliers(engine.tables["flows"], n=n))
    expected = reference.top_suppliers(reference.rows(FLOWS), n=n)
    assert_rows_close(actual, expected, ["importer", "rank"])


@pytest.mark.parametrize("exporter", ["BRA", "RUS"])
def test_supplier_rank(engine: EngineUnderTest, exporter: str) -> None:
    actual = engine.run(ranking.supplier_rank(engine.tables["flows"], exporter))
    expected = reference.supplier_rank(reference.rows(FLOWS), exporter)
    assert_rows_close(actual, expected, ["importer"])

"""complexity.rca (the Ibis part of the product space) on every engine vs the reference."""

from __future__ import annotations

import pytest

from tests.conformance import reference
from tests.conformance.fixture import FLOWS
from tests.conformance.harness import EngineUnderTest, assert_rows_close
from tradepivot.analytics import complexity


@pytest.mark.parametrize("threshold", [1.0, 0.75])
def test_rca(engine: EngineUnderTest, threshold: float) -> None:
    actual = engine.run(complexity.rca(engine.tables["flows"], threshold=threshold))
    expected = reference.rca(reference.rows(FLOWS), threshold=threshold)
    assert_rows_close(actual, expected, ["exporter", "hs6"])
    assert {r["present"] for r in expected} == {True, False}

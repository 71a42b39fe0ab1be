"""Bilateral balance by chapter and by sector on every engine vs the reference."""

from __future__ import annotations

from tests.conformance import reference
from tests.conformance.fixture import FLOWS
from tests.conformance.harness import EngineUnderTest, assert_rows_close
from tradepivot.analytics import balance
from tradepivot.data.reference import Sector

A, B = "BRA", "IND"  # both directions trade; IND buys 420221 from BRA and CHN for equal values
# Overlapping sectors (hides contains leather goods), an exclusion, and a sector with no trade.
SECTORS = (
    Sector("leather", "Leather", ("41", "4202", "6403"), exclude=("410419",)),
    Sector("hides", "Hides", ("41",)),
    Sector("computers", "Computers", ("8471",)),
    Sector("empty", "Nothing traded", ("01",)),
)


def test_direction(engine: EngineUnderTest) -> None:
    actual = engine.run(balance.direction(engine.tables["flows"], A, B))
    assert_rows_close(actual, reference.direction(reference.rows(FLOWS), A, B), ["hs6"])


def test_by_chapter(engine: EngineUnderTest) -> None:
    flows = engine.tables["flows"]
    actual = engine.run(
        balance.by_chapter(balance.direction(flows, A, B), balance.direction(flows, B, A))
    )
    rows = reference.rows(FLOWS)
    expected = reference.by_chapter(
        reference.direction(rows, A, B), reference.direction(rows, B, A)
    )
    assert_rows_close(actual, expected, ["chapter"])


def test_by_sector(engine: EngineUnderTest) -> None:
    """As services/balance.py calls it: the partner's imports are its flows from everyone."""
    flows = engine.tables["flows"]
    world = flows.filter(flows.importer == B).select("hs6", "value_usd")
    actual = engine.run(
        balance.by_sector(
            balance.direction(flows, A, B), balance.direction(flows, B, A), world, SECTORS
        )
    )
    rows = reference.rows(FLOWS)
    expected = reference.by_sector(
        reference.direction(rows, A, B),
        reference.direction(rows, B, A),
        [{"hs6": f["hs6"], "value_usd": f["value_usd"]} for f in rows if f["importer"] == B],
        SECTORS,
    )
    assert_rows_close(actual, expected, ["sector"], ordered=True)

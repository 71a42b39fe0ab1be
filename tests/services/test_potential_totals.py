"""The shipped rescaling totals of export potential (derived/<dataset>/raw-totals-v1)."""

from __future__ import annotations

import pytest

from tradepivot.analytics import potential
from tradepivot.analytics.potential_context import potential_context
from tradepivot.data.warehouse import Warehouse


@pytest.mark.parametrize(("hs", "sector"), [(None, "leather"), (["300490", "8703"], None)])
def test_shipped_totals_equal_the_totals_of_a_product_scope(
    wh: Warehouse, hs: list[str] | None, sector: str | None
) -> None:
    # Computed for the whole world once, used for any scope: each (market, product)'s total
    # is a sum over exporters of that product alone, so a narrower scope must give the same.
    ctx = potential_context(wh, hs, sector, None)
    assert ctx.totals is not None  # the embedded dataset ships them
    fresh = potential.raw_totals(ctx.data, ctx.pairs, tariffs=ctx.tariffs).to_pyarrow()
    shipped = ctx.totals.to_pyarrow().to_pylist()
    kept = {(r["importer"], r["hs6"]): r["total_raw"] for r in shipped}
    rows = fresh.to_pylist()
    assert len(rows) > 1000
    for row in rows:
        assert kept[(row["importer"], row["hs6"])] == pytest.approx(row["total_raw"], rel=1e-9)


def test_rank_uses_the_shipped_totals_and_a_scenario_does_not(wh: Warehouse) -> None:
    ctx = potential_context(wh, ["4202"], None, None)
    shipped = ctx.rows(exporters=["IND"]).to_pyarrow()
    ctx.totals = None  # as for an ingested dataset: computed per query
    computed = ctx.rows(exporters=["IND"]).to_pyarrow()
    assert shipped.num_rows == computed.num_rows > 100
    key = ["importer", "hs6"]
    a = shipped.sort_by([(k, "ascending") for k in key]).to_pylist()
    b = computed.sort_by([(k, "ascending") for k in key]).to_pylist()
    for x, y in zip(a, b, strict=True):
        assert (x["importer"], x["hs6"]) == (y["importer"], y["hs6"])
        assert x["potential_usd"] == pytest.approx(y["potential_usd"], rel=1e-9, abs=1e-6)

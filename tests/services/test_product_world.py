"""The shipped world trade per product (derived/world-2024/product-world-v1-2024).

Shipped so that the first `flows` or `market` of an install does not scan all 10 M flows:
it must equal what the package computes from the matrix, and be what the services read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tradepivot.analytics import markets
from tradepivot.config import Settings
from tradepivot.data.flows import flow_source
from tradepivot.data.warehouse import Warehouse
from tradepivot.services import bilateral_flows, market_overview


def test_the_shipped_table_is_the_computed_one(wh: Warehouse) -> None:
    source = flow_source(wh)
    shipped = wh.shipped(source.manifest, markets.product_world_key(source.period))
    assert shipped is not None
    kept = {r["hs6"]: r["world_usd"] for r in shipped.to_pyarrow().to_pylist()}
    fresh = markets.product_world(source.table).to_pyarrow().to_pylist()
    assert len(fresh) == len(kept) > 5000
    for row in fresh:
        assert kept[row["hs6"]] == pytest.approx(row["world_usd"], rel=1e-9)


def test_flows_and_market_read_it_and_compute_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with Warehouse(Settings(warehouse=tmp_path / "w.duckdb", cache_dir=cache)) as fresh:
        flows = bilateral_flows(fresh, "IND", "RUS")
        market = market_overview(fresh, "RUS", sector="leather")
    assert flows.totals["value_usd"] == pytest.approx(4.81e9, rel=0.005)
    assert market.totals["imports_usd"] > 0
    assert not (cache / "derived").exists()  # nothing computed and kept
    assert list((cache / "sql").glob("*.json"))  # only the compiled queries

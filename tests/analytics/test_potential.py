"""Export potential: a hand-computed 3-country, 2-product case and invariants on random matrices."""

from __future__ import annotations

import math
from collections import defaultdict

import ibis
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradepivot.analytics import potential
from tradepivot.data.reference import ProductScope

Flow = tuple[str, str, str, float]  # exporter, importer, hs6, value

DISTANCES = {("A", "B"): 1000.0, ("A", "C"): 2000.0, ("B", "C"): 500.0}


def distance_table(countries: list[str]) -> ibis.Table:
    rows = []
    for o in countries:
        for d in countries:
            if o != d:
                km = (
                    DISTANCES.get((o, d))
                    or DISTANCES.get((d, o))
                    or 800.0 + 100 * (ord(o[0]) + ord(d[0])) % 900
                )
                rows.append((o, d, km))
    return ibis.memtable(
        pa.table(
            {
                "origin": [r[0] for r in rows],
                "destination": [r[1] for r in rows],
                "dist_km": [r[2] for r in rows],
            }
        )
    )


def flow_table(flows: list[Flow], scale: float = 1.0) -> ibis.Table:
    return ibis.memtable(
        pa.table(
            {
                "exporter": [f[0] for f in flows],
                "importer": [f[1] for f in flows],
                "hs6": [f[2] for f in flows],
                "value_usd": [f[3] * scale for f in flows],
                "cagr_8y": pa.nulls(len(flows), pa.float64()),
            }
        )
    )


def compute(flows: list[Flow], scale: float = 1.0) -> list[dict[str, float]]:
    countries = sorted({f[0] for f in flows} | {f[1] for f in flows})
    t, d = flow_table(flows, scale), distance_table(countries)
    data = potential.inputs(t, d)
    pairs = potential.pair_terms(t, d, data=data)
    return potential.potential(data, pairs).to_pyarrow().to_pylist()


FLOWS: list[Flow] = [
    ("A", "B", "010101", 100.0),
    ("A", "C", "020202", 50.0),
    ("B", "C", "010101", 30.0),
    ("C", "A", "020202", 20.0),
    ("C", "B", "010101", 60.0),
]


def test_hand_computed_three_countries_two_products() -> None:
    rows = {(r["exporter"], r["importer"], r["hs6"]): r for r in compute(FLOWS)}
    p, q = "010101", "020202"
    # World market shares: p is exported by A (100), B (30), C (60); q by A (50), C (20).
    ms = {
        ("A", p): 100 / 190,
        ("B", p): 30 / 190,
        ("C", p): 60 / 190,
        ("A", q): 50 / 70,
        ("C", q): 20 / 70,
    }
    # Demand M_jk and the import-weighted mean log distance of current suppliers.
    ln = {k: math.log(v) for k, v in DISTANCES.items()}
    lnd = lambda o, dd: ln.get((o, dd), ln.get((dd, o)))  # noqa: E731
    dbar = {
        ("B", p): (100 * lnd("A", "B") + 60 * lnd("C", "B")) / 160,
        ("C", p): lnd("B", "C"),
        ("C", q): lnd("A", "C"),
        ("A", q): lnd("C", "A"),
    }
    imports = {("B", p): 160.0, ("C", p): 30.0, ("C", q): 50.0, ("A", q): 20.0}
    df = lambda i, j, k: math.exp(-abs(dbar[(j, k)] - lnd(i, j)))  # noqa: E731
    # Hypothetical trade H_ij over every product both sides have; ease = v_ij / H_ij.
    trade = {
        ("A", "B"): 100.0,
        ("A", "C"): 50.0,
        ("B", "C"): 30.0,
        ("C", "A"): 20.0,
        ("C", "B"): 60.0,
    }
    candidates = [(i, j, k) for (i, j) in trade for (i2, k) in ms if i2 == i and (j, k) in imports]
    hyp: dict[tuple[str, str], float] = defaultdict(float)
    for i, j, k in candidates:
        hyp[(i, j)] += ms[(i, k)] * imports[(j, k)] * df(i, j, k)
    raw = {
        (i, j, k): ms[(i, k)] * (trade[(i, j)] / hyp[(i, j)]) * imports[(j, k)] * df(i, j, k)
        for i, j, k in candidates
    }
    total: dict[tuple[str, str], float] = defaultdict(float)
    for (_, j, k), v in raw.items():
        total[(j, k)] += v
    assert set(rows) == set(candidates)
    for key, value in raw.items():
        i, j, k = key
        epi = value * imports[(j, k)] / total[(j, k)]
        row = rows[key]
        assert row["distance_factor"] == pytest.approx(df(i, j, k))
        assert row["ease"] == pytest.approx(trade[(i, j)] / hyp[(i, j)])
        assert row["potential_usd"] == pytest.approx(epi)
        actual = next((f[3] for f in FLOWS if f[:3] == key), 0.0)
        assert row["untapped_usd"] == pytest.approx(epi - min(actual, epi))
        assert row["world_share_gap_usd"] == pytest.approx(
            max(0.0, ms[(i, k)] * imports[(j, k)] - actual)
        )
    # A sells p only to B, where A and C compete; B's p market gets its whole demand back.
    assert rows[("A", "B", p)]["potential_usd"] + rows[("C", "B", p)][
        "potential_usd"
    ] == pytest.approx(160.0)


flows_strategy = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C", "D"]),
        st.sampled_from(["A", "B", "C", "D", "E"]),
        st.sampled_from(["010101", "020202", "030303"]),
        st.floats(min_value=1.0, max_value=1e7, allow_nan=False),
    ).filter(lambda f: f[0] != f[1]),
    min_size=2,
    max_size=25,
    unique_by=lambda f: f[:3],
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flows_strategy)
def test_invariants(flows: list[Flow]) -> None:
    rows = compute(flows)
    imports: dict[tuple[str, str], float] = defaultdict(float)
    for _, j, k, v in flows:
        imports[(j, k)] += v
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for r in rows:
        totals[(r["importer"], r["hs6"])] += r["potential_usd"]
        assert -1e-9 <= r["untapped_usd"] <= r["potential_usd"] * (1 + 1e-12) + 1e-9
        assert r["world_share_gap_usd"] >= 0
        assert r["supply"] * r["demand"] * r["ease"] * r["scale"] == pytest.approx(
            r["potential_usd"], rel=1e-9, abs=1e-9
        )
    # Every market and product with imports gets exactly its imports back as potential.
    assert totals.keys() == imports.keys()
    for key, value in imports.items():
        assert totals[key] == pytest.approx(value, rel=1e-9)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flows_strategy, st.floats(min_value=1e-3, max_value=1e4))
def test_potential_scales_with_the_unit(flows: list[Flow], scale: float) -> None:
    base = {(r["exporter"], r["importer"], r["hs6"]): r for r in compute(flows)}
    scaled = {(r["exporter"], r["importer"], r["hs6"]): r for r in compute(flows, scale)}
    assert base.keys() == scaled.keys()
    for key, row in base.items():
        assert scaled[key]["potential_usd"] == pytest.approx(
            row["potential_usd"] * scale, rel=1e-9, abs=1e-9
        )
        assert scaled[key]["market_share"] == pytest.approx(row["market_share"], rel=1e-9)
        assert scaled[key]["ease"] == pytest.approx(row["ease"], rel=1e-9)


def test_scope_limits_products_but_not_world_shares() -> None:
    t, d = flow_table(FLOWS), distance_table(["A", "B", "C"])
    everything = potential.inputs(t, d).supply.to_pyarrow().to_pylist()
    only_p = potential.inputs(t, d, ProductScope(("01",))).supply.to_pyarrow().to_pylist()
    assert {r["hs6"] for r in only_p} == {"010101"}
    shares = {(r["exporter"], r["hs6"]): r["market_share"] for r in everything}
    for r in only_p:
        assert r["market_share"] == pytest.approx(shares[(r["exporter"], r["hs6"])])

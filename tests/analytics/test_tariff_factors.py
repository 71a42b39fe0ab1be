"""Tariff factors (MTA, GTD) from known duties, against the conformance suite's reference
(tests/conformance/reference.py) on generated inputs."""

from __future__ import annotations

import itertools

import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conformance import reference
from tradepivot.analytics.tariff_factors import tariff_terms

EXPORTERS = ("A", "B", "C")
MARKETS = ("X", "Y", "Z")  # Z has no known duties
PRODUCTS = ("111111", "222222")


def _table(rows: list[dict[str, object]], schema: pa.Schema) -> ibis.Table:
    return ibis.memtable(pa.Table.from_pylist(rows, schema=schema))


FLOW = pa.schema(
    [
        ("exporter", pa.string()),
        ("importer", pa.string()),
        ("hs6", pa.string()),
        ("value_usd", pa.float64()),
    ]
)
RATE = pa.schema([("importer", pa.string()), ("hs6", pa.string()), ("rate", pa.float64())])
OWN = pa.schema(
    [
        ("exporter", pa.string()),
        ("importer", pa.string()),
        ("hs6", pa.string()),
        ("rate", pa.float64()),
    ]
)
FREE = pa.schema([("exporter", pa.string()), ("importer", pa.string())])

values = st.floats(min_value=0, max_value=1000, allow_nan=False)
duties = st.floats(min_value=0, max_value=0.5, allow_nan=False)


@settings(max_examples=25, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from(EXPORTERS), st.sampled_from(MARKETS), st.sampled_from(PRODUCTS)),
        values,
        min_size=1,
    ),
    st.dictionaries(st.tuples(st.sampled_from(MARKETS[:2]), st.sampled_from(PRODUCTS)), duties),
    st.dictionaries(
        st.tuples(st.just("A"), st.sampled_from(MARKETS[:2]), st.sampled_from(PRODUCTS)), duties
    ),
    st.booleans(),
    st.sampled_from([1.0, 1.5, 3.0]),
)
def test_factors_match_an_independent_computation(
    flows: dict[tuple[str, str, str], float],
    rates: dict[tuple[str, str], float],
    own: dict[tuple[str, str, str], float],
    union: bool,
    sigma: float,
) -> None:
    free = {("B", "X"), ("C", "X")} if union else set()
    terms = tariff_terms(
        _table(
            [
                {"exporter": i, "importer": j, "hs6": k, "value_usd": v}
                for (i, j, k), v in flows.items()
            ],
            FLOW,
        ),
        _table([{"importer": j, "hs6": k, "rate": r} for (j, k), r in rates.items()], RATE),
        _table(
            [{"exporter": i, "importer": j, "hs6": k, "rate": r} for (i, j, k), r in own.items()],
            OWN,
        ),
        _table([{"exporter": i, "importer": j} for i, j in sorted(free)], FREE),
        sigma=sigma,
    )
    candidates = _table(
        [
            {"exporter": i, "importer": j, "hs6": k, "value_usd": 0.0}
            for i, j, k in itertools.product(EXPORTERS, MARKETS, PRODUCTS)
        ],
        FLOW,
    )
    got = {
        (r["exporter"], r["importer"], r["hs6"]): (r["tariff_advantage"], r["tariff_disadvantage"])
        for r in ibis.duckdb.connect().to_pyarrow(terms.attach(candidates)).to_pylist()
    }
    keys = list(itertools.product(EXPORTERS, MARKETS, PRODUCTS))
    expected = reference.duty_factors(
        [
            {"exporter": i, "importer": j, "hs6": k, "value_usd": v}
            for (i, j, k), v in flows.items()
        ],
        [{"importer": j, "hs6": k, "rate": r} for (j, k), r in rates.items()],
        [{"exporter": i, "importer": j, "hs6": k, "rate": r} for (i, j, k), r in own.items()],
        [{"exporter": i, "importer": j} for i, j in free],
        keys,
        sigma,
    )
    assert got.keys() == set(keys)
    for row in expected:
        key = (row["exporter"], row["importer"], row["hs6"])
        assert got[key] == (
            pytest.approx(row["tariff_advantage"]),
            pytest.approx(row["tariff_disadvantage"]),
        ), key


def test_unknown_duties_leave_both_factors_at_one() -> None:
    flows = _table([{"exporter": "A", "importer": "Z", "hs6": "111111", "value_usd": 5.0}], FLOW)
    terms = tariff_terms(flows, _table([], RATE), _table([], OWN), _table([], FREE))
    row = ibis.duckdb.connect().to_pyarrow(terms.attach(flows)).to_pylist()[0]
    assert (row["tariff_advantage"], row["tariff_disadvantage"]) == (1.0, 1.0)

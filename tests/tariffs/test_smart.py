"""SMART-style tariff shock: hand-computed markets, Hypothesis properties, input validation.

The hand cases write the arithmetic out (values to 15+ digits computed with Python's
``decimal`` at 30 digits) and check the module to 1e-9. The properties run on random small
markets (1-4 products x 1-5 exporters, values 0..1e9 USD, tariffs 0..3, eps in [-3, 0],
sigma in [1, 5], set per product through the per-row elasticity columns).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradepivot.errors import InputError
from tradepivot.tariffs.smart import (
    DEFAULT_IMPORT_ELASTICITY,
    DEFAULT_SUBSTITUTION_ELASTICITY,
    OUTPUT_COLUMNS,
    SENSITIVITY,
    Elasticities,
    simulate,
    simulate_range,
)

TOL = 1e-9


def market(rows: list[tuple[str, str, float, float, float]], **extra: list[Any]) -> pa.Table:
    """(product, exporter, value_usd, tariff_before, tariff_after) rows as an Arrow table."""
    product, exporter, value, t0, t1 = (list(c) for c in zip(*rows, strict=True))
    columns: dict[str, Any] = {
        "product": pa.array(product, pa.string()),
        "exporter": pa.array(exporter, pa.string()),
        "value_usd": pa.array(value, pa.float64()),
        "tariff_before": pa.array(t0, pa.float64()),
        "tariff_after": pa.array(t1, pa.float64()),
    }
    for name, values in extra.items():
        columns[name] = pa.array(values, pa.float64())
    return pa.table(columns)


def col(table: pa.Table, name: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.asarray(table.column(name).to_numpy(), dtype=np.float64)


# --------------------------------------------------------------------------- hand-computed
# One product, eps = -1, sigma = 1.5:
#   IND 100 USD, tariff 5% -> 55%;  CHN 200 USD at 5% (unchanged);  VNM 100 USD at 0% (unchanged)
THREE = market(
    [
        ("620342", "IND", 100.0, 0.05, 0.55),
        ("620342", "CHN", 200.0, 0.05, 0.05),
        ("620342", "VNM", 100.0, 0.00, 0.00),
    ]
)


def test_three_suppliers_by_hand() -> None:
    out = simulate(THREE, Elasticities(-1.0, 1.5))
    # Creation, IND: dt / (1 + t0) = 0.50 / 1.05 = 0.476190476190476
    #   v1 = 100 * (1 - 1 * 0.476190476190476) = 52.380952380952381 (= 1100/21)
    #   creation = 52.380952380952381 - 100 = -47.619047619047619; CHN, VNM: 0 (no change)
    # Diversion: p_IND = 1.55 / 1.05 = 1.476190476190476 (= 31/21), p_CHN = p_VNM = 1
    #   w_IND = 52.380952380952381 * p^(1 - 1.5) = 52.380952380952381 * 0.823054891753102
    #         = 43.112399091829128;  w_CHN = 200, w_VNM = 100
    #   M1 = 52.380952380952381 + 200 + 100 = 352.380952380952381
    #   sum w = 43.112399091829128 + 300 = 343.112399091829128
    #   v2_IND = 352.380952380952381 * 43.112399091829128 / 343.112399091829128 = 44.277001622842945
    #   v2_CHN = 352.380952380952381 * 200 / 343.112399091829128 = 205.402633838739624
    #   v2_VNM = 352.380952380952381 * 100 / 343.112399091829128 = 102.701316919369812
    #   diversion = v2 - v1: IND -8.103950758109436, CHN 5.402633838739624, VNM 2.701316919369812
    # change = v2 - v: IND -55.722998377157055, CHN 5.402633838739624, VNM 2.701316919369812
    expected = {
        "price_ratio": [31 / 21, 1.0, 1.0],
        "creation_usd": [-47.619047619047619, 0.0, 0.0],
        "diversion_usd": [-8.103950758109436, 5.402633838739624, 2.701316919369812],
        "value_after_usd": [44.277001622842945, 205.402633838739624, 102.701316919369812],
        "change_usd": [-55.722998377157055, 5.402633838739624, 2.701316919369812],
    }
    for name, values in expected.items():
        np.testing.assert_allclose(col(out, name), values, rtol=0, atol=TOL, err_msg=name)
    # diversion nets to zero, so the market shrinks by IND's creation only
    assert abs(col(out, "diversion_usd").sum()) < TOL
    assert col(out, "value_after_usd").sum() == pytest.approx(352.380952380952381, abs=TOL)


def test_creation_capped_at_the_flow() -> None:
    # eps = -1, sigma = 1.5. A's tariff 10% -> 250%: dt / (1 + t0) = 2.40 / 1.10 = 2.181818...
    #   1 - 2.181818 = -1.181818 < 0, so v1_A = max(0, 100 * -1.181818) = 0, creation_A = -100
    #   (uncapped it would be -218.18, more than A sells). w_A = 0: A gets no share back.
    # D's tariff 0 -> 20%: v1_D = 100 * (1 - 0.2 / 1) = 80, creation_D = -20, p_D = 1.2
    #   w_D = 80 * 1.2^(-0.5) = 80 * 0.912870929175277 = 73.029674334022148
    # B 300 at 10% and C 50 at 0%, unchanged: v1 = w = 300 and 50
    #   M1 = 0 + 300 + 50 + 80 = 430; sum w = 300 + 50 + 73.029674334022148 = 423.029674334022148
    #   v2_B = 430 * 300 / 423.029674334022148 = 304.943146608060963
    #   v2_C = 430 * 50 / 423.029674334022148 = 50.823857768010161
    #   v2_D = 430 * 73.029674334022148 / 423.029674334022148 = 74.232995623928876
    table = market(
        [
            ("640399", "AAA", 100.0, 0.10, 2.50),
            ("640399", "BBB", 300.0, 0.10, 0.10),
            ("640399", "CCC", 50.0, 0.00, 0.00),
            ("640399", "DDD", 100.0, 0.00, 0.20),
        ]
    )
    out = simulate(table)
    np.testing.assert_allclose(col(out, "creation_usd"), [-100.0, 0.0, 0.0, -20.0], atol=TOL)
    np.testing.assert_allclose(
        col(out, "value_after_usd"),
        [0.0, 304.943146608060963, 50.823857768010161, 74.232995623928876],
        rtol=0,
        atol=TOL,
    )
    np.testing.assert_allclose(
        col(out, "diversion_usd"),
        [0.0, 4.943146608060963, 0.823857768010161, -5.767004376071124],
        rtol=0,
        atol=TOL,
    )
    np.testing.assert_allclose(
        col(out, "change_usd"),
        [-100.0, 4.943146608060963, 0.823857768010161, -25.767004376071124],
        rtol=0,
        atol=TOL,
    )
    assert col(out, "value_after_usd")[0] == 0.0  # exactly: the flow stops, never goes negative


def test_all_flows_stopped_and_zero_values() -> None:
    # every flow of the product is capped at 0: sum w = 0, so v2 = v1 = 0 (no 0/0);
    # a product with no imports at all stays at 0 whatever its tariffs
    table = market(
        [
            ("010121", "AAA", 10.0, 0.0, 3.0),
            ("010121", "BBB", 20.0, 0.0, 2.0),
            ("010129", "AAA", 0.0, 0.0, 1.0),
            ("010129", "BBB", 0.0, 0.5, 0.5),
        ]
    )
    out = simulate(table, Elasticities(-1.0, 2.0))
    np.testing.assert_array_equal(col(out, "value_after_usd"), [0.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(col(out, "change_usd"), [-10.0, -20.0, 0.0, 0.0])
    np.testing.assert_array_equal(col(out, "diversion_usd"), [0.0, 0.0, 0.0, 0.0])


def test_products_are_separate_markets() -> None:
    # The same three suppliers under another product next to it: IND's rise in 620342 must not
    # divert anything in 520100, where nobody's tariff changes.
    other = market([("520100", "CHN", 500.0, 0.02, 0.02), ("520100", "IND", 50.0, 0.0, 0.0)])
    out = simulate(pa.concat_tables([THREE, other]))
    np.testing.assert_allclose(col(out, "change_usd")[3:], [0.0, 0.0], atol=TOL)
    np.testing.assert_allclose(
        col(out, "change_usd")[:3], col(simulate(THREE), "change_usd"), rtol=0, atol=TOL
    )


def test_no_substitution_means_no_diversion_at_sigma_one() -> None:
    # sigma = 1: p^(1 - sigma) = 1, so shares stay those of the post-creation market
    out = simulate(THREE, Elasticities(-1.0, 1.0))
    np.testing.assert_allclose(col(out, "diversion_usd"), [0.0, 0.0, 0.0], atol=TOL)


def test_output_keeps_input_columns_and_order() -> None:
    table = THREE.append_column("note", pa.array(["a", "b", "c"]))
    out = simulate(table)
    assert out.column_names == [*table.column_names, *OUTPUT_COLUMNS]
    assert out.select(table.column_names).equals(table)
    assert all(out.schema.field(name).type == pa.float64() for name in OUTPUT_COLUMNS)


def test_accepts_dictionary_view_keys_integer_values_and_chunks() -> None:
    plain = simulate(THREE)
    variant = pa.table(
        {
            "product": pa.array(["620342"] * 3).dictionary_encode(),
            "exporter": pa.array(["IND", "CHN", "VNM"], pa.large_string()),
            "value_usd": pa.array([100, 200, 100], pa.int64()),
            "tariff_before": THREE["tariff_before"],
            "tariff_after": THREE["tariff_after"],
        }
    )
    chunked = pa.concat_tables([variant.slice(0, 1), variant.slice(1)])
    assert chunked.column("product").num_chunks == 2
    views = THREE.set_column(0, "product", THREE["product"].cast(pa.string_view()))
    for table in (variant, chunked, views):
        for name in OUTPUT_COLUMNS:
            np.testing.assert_allclose(col(simulate(table), name), col(plain, name), atol=TOL)


def test_empty_table() -> None:
    out = simulate(THREE.slice(0, 0))
    assert out.num_rows == 0
    assert out.column_names[-len(OUTPUT_COLUMNS) :] == list(OUTPUT_COLUMNS)


def test_per_row_elasticities_override_defaults_where_not_null() -> None:
    # product a: its own eps/sigma on every row; product b: null -> the defaults passed in
    rows = [
        ("a", "IND", 100.0, 0.05, 0.55),
        ("a", "CHN", 200.0, 0.05, 0.05),
        ("b", "IND", 80.0, 0.0, 0.3),
        ("b", "VNM", 40.0, 0.1, 0.1),
    ]
    table = market(
        rows,
        import_elasticity=[-2.0, -2.0, None, None],
        substitution_elasticity=[3.0, 3.0, None, None],
    )
    out = simulate(table, Elasticities(-0.7, 1.2))
    a = simulate(market(rows[:2]), Elasticities(-2.0, 3.0))
    b = simulate(market(rows[2:]), Elasticities(-0.7, 1.2))
    for name in OUTPUT_COLUMNS:
        np.testing.assert_allclose(
            col(out, name), np.concatenate([col(a, name), col(b, name)]), atol=TOL
        )


def test_import_elasticity_may_vary_by_row() -> None:
    # eps only enters the row's own creation term, so it can differ between exporters
    table = market(
        [("a", "IND", 100.0, 0.0, 0.5), ("a", "CHN", 100.0, 0.0, 0.5)],
        import_elasticity=[-1.0, -2.0],
    )
    out = simulate(table, Elasticities(-1.0, 1.5))
    # 100 * (1 - 1 * 0.5) - 100 = -50; 100 * (1 - 2 * 0.5) - 100 = -100
    np.testing.assert_allclose(col(out, "creation_usd"), [-50.0, -100.0], atol=TOL)


def test_simulate_range_cases() -> None:
    results = simulate_range(THREE)
    assert list(results) == ["low", "central", "high"]
    assert results["central"].equals(simulate(THREE))
    loss = {name: -col(table, "change_usd")[0] for name, table in results.items()}
    assert 0 < loss["low"] < loss["central"] < loss["high"] <= 100.0
    custom = simulate_range(THREE, {"only": Elasticities(-0.5, 1.0)})
    assert custom["only"].equals(results["low"])


def test_defaults_and_sensitivity_values() -> None:
    assert Elasticities() == Elasticities(
        DEFAULT_IMPORT_ELASTICITY, DEFAULT_SUBSTITUTION_ELASTICITY
    )
    assert (DEFAULT_IMPORT_ELASTICITY, DEFAULT_SUBSTITUTION_ELASTICITY) == (-1.0, 1.5)
    assert SENSITIVITY["central"] == Elasticities()
    with pytest.raises(TypeError):
        SENSITIVITY["other"] = Elasticities()  # type: ignore[index]


def test_extreme_price_ratios_do_not_overflow() -> None:
    # p^(1 - sigma) = 1e6^(-199) underflows and (1/1e6)^(-199) overflows double precision;
    # the weights are scaled in logs, so shares still come out (all to the cheap supplier).
    table = market(
        [("a", "AAA", 100.0, 0.0, 1e6 - 1), ("a", "BBB", 100.0, 1e6 - 1, 0.0)],
    )
    out = simulate(table, Elasticities(0.0, 200.0))
    np.testing.assert_allclose(col(out, "value_after_usd"), [0.0, 200.0], atol=TOL)
    assert np.isfinite(col(out, "diversion_usd")).all()


# --------------------------------------------------------------------------- properties
EXPORTERS = ("IND", "CHN", "VNM", "BGD", "TUR")
VALUES = st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=1e9))
TARIFFS = st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=3.0))


@dataclass
class Market:
    rows: list[tuple[str, str, float, float, float]]
    eps: list[float]  # per row, constant within a product
    sigma: list[float]

    def table(self) -> pa.Table:
        return market(self.rows, import_elasticity=self.eps, substitution_elasticity=self.sigma)

    def totals(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for product, _, value, _, _ in self.rows:
            out[product] = out.get(product, 0.0) + value
        return out

    def scale(self) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Per row: the product's base imports (at least 1 USD), the yardstick for rounding."""
        totals = self.totals()
        return np.array([max(totals[r[0]], 1.0) for r in self.rows])


@st.composite
def markets(draw: st.DrawFn, same_tariffs: bool = False) -> Market:
    rows, eps, sigma = [], [], []
    for k in range(draw(st.integers(1, 4))):
        product = f"{100000 + 7 * k:06d}"
        e = draw(st.floats(min_value=-3.0, max_value=0.0))
        s = draw(st.floats(min_value=1.0, max_value=5.0))
        for exporter in draw(st.lists(st.sampled_from(EXPORTERS), min_size=1, unique=True)):
            t0 = draw(TARIFFS)
            t1 = t0 if same_tariffs else draw(TARIFFS)
            rows.append((product, exporter, draw(VALUES), t0, t1))
            eps.append(e)
            sigma.append(s)
    return Market(rows, eps, sigma)


@settings(max_examples=200, deadline=None)
@given(markets(same_tariffs=True))
def test_no_tariff_change_no_effect(m: Market) -> None:
    out = simulate(m.table())
    assert (col(out, "creation_usd") == 0).all()
    np.testing.assert_array_equal(col(out, "price_ratio"), 1.0)
    for name in ("diversion_usd", "change_usd"):
        assert (np.abs(col(out, name)) <= TOL * m.scale()).all(), name


@settings(max_examples=300, deadline=None)
@given(markets())
def test_accounting_identities(m: Market) -> None:
    out = simulate(m.table())
    v = col(out, "value_usd")
    creation, diversion = col(out, "creation_usd"), col(out, "diversion_usd")
    after, change = col(out, "value_after_usd"), col(out, "change_usd")
    # no flow below zero, no exporter loses more than it sells (exact, not approximate)
    assert (after >= 0).all()
    assert (-change <= v).all()
    assert (creation >= -v).all()
    # with eps <= 0 a tariff rise never creates trade and a cut never destroys it
    rise = np.array([r[4] >= r[3] for r in m.rows])
    assert (creation[rise] <= 0).all()
    assert (creation[~rise] >= 0).all()
    assert (np.abs(change - (creation + diversion)) <= TOL * m.scale()).all()
    # diversion nets to zero within every product
    products = np.array([r[0] for r in m.rows])
    for product, total in m.totals().items():
        net = diversion[products == product].sum()
        assert abs(net) <= TOL * max(total, 1.0), (product, net)


@settings(max_examples=300, deadline=None)
@given(markets(), st.data())
def test_higher_tariff_never_smaller_loss(m: Market, data: st.DataObject) -> None:
    # With sigma >= 1 a higher tariff for exporter j cuts both its creation term and its
    # share of the (smaller) market, so its loss can only grow.
    j = data.draw(st.integers(0, len(m.rows) - 1))
    rise = data.draw(st.floats(min_value=1e-6, max_value=3.0))
    product, exporter, value, t0, t1 = m.rows[j]
    higher = Market(list(m.rows), m.eps, m.sigma)
    higher.rows[j] = (product, exporter, value, t0, t1 + rise)
    before = -col(simulate(m.table()), "change_usd")[j]
    after = -col(simulate(higher.table()), "change_usd")[j]
    assert after >= before - TOL * m.scale()[j], (before, after)


@settings(max_examples=200, deadline=None)
@given(markets(), st.randoms(use_true_random=False))
def test_row_order_and_other_products_do_not_matter(m: Market, rnd: Any) -> None:
    out = simulate(m.table())
    order = list(range(len(m.rows)))
    rnd.shuffle(order)
    shuffled = Market(
        [m.rows[i] for i in order], [m.eps[i] for i in order], [m.sigma[i] for i in order]
    )
    again = simulate(shuffled.table())
    tol = TOL * m.scale()[order]
    for name in OUTPUT_COLUMNS:
        assert (np.abs(col(again, name) - col(out, name)[order]) <= tol).all(), name
    # each product alone gives the same rows as inside the whole market
    first = m.rows[0][0]
    keep = [i for i, r in enumerate(m.rows) if r[0] == first]
    alone = simulate(
        Market(
            [m.rows[i] for i in keep], [m.eps[i] for i in keep], [m.sigma[i] for i in keep]
        ).table()
    )
    for name in OUTPUT_COLUMNS:
        assert (np.abs(col(alone, name) - col(out, name)[keep]) <= m.scale()[keep] * TOL).all()


# --------------------------------------------------------------------------- validation
def _without(table: pa.Table, name: str) -> pa.Table:
    return table.drop_columns([name])


def _replace(table: pa.Table, name: str, values: list[Any], kind: pa.DataType) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, pa.array(values, kind))


@pytest.mark.parametrize(
    ("table", "match"),
    [
        (_without(THREE, "tariff_after"), "Missing column 'tariff_after'"),
        (_without(THREE, "product"), "Missing column 'product'"),
        (
            _replace(THREE, "value_usd", [100.0, -1.0, 5.0], pa.float64()),
            "'value_usd'.*row 1: -1.0",
        ),
        (_replace(THREE, "tariff_before", [0.05, 0.05, -0.1], pa.float64()), "'tariff_before'"),
        (_replace(THREE, "tariff_after", [0.5, math.nan, 0.0], pa.float64()), "'tariff_after'"),
        (_replace(THREE, "value_usd", [1.0, None, 1.0], pa.float64()), "'value_usd' has 1 null"),
        (_replace(THREE, "exporter", ["IND", None, "VNM"], pa.string()), "'exporter' has 1 null"),
        (_replace(THREE, "product", [620342] * 3, pa.int64()), "'product' must hold strings"),
        (_replace(THREE, "value_usd", ["1", "2", "3"], pa.string()), "'value_usd' must be numeric"),
        (THREE.append_column("import_elasticity", pa.array([-1.0, 0.5, None])), "invalid"),
        (THREE.append_column("substitution_elasticity", pa.array([1.5, 0.0, 1.5])), "invalid"),
        (
            THREE.append_column("substitution_elasticity", pa.array([1.5, 2.0, 1.5])),
            "varies within product '620342'",
        ),
        (
            THREE.append_column("substitution_elasticity", pa.array([1.5, None, 1.5])),
            "varies within product",
        ),
        (
            THREE.append_column("change_usd", pa.array([0.0, 0.0, 0.0])),
            "output column 'change_usd'",
        ),
    ],
)
def test_invalid_tables(table: pa.Table, match: str) -> None:
    with pytest.raises(InputError, match=match) as info:
        simulate(table)
    assert info.value.hint


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"import_demand": 0.5}, "Import demand elasticity must be .* <= 0, got 0.5"),
        ({"import_demand": math.nan}, "Import demand elasticity"),
        ({"substitution": 0.0}, "Substitution elasticity must be .* > 0, got 0.0"),
        ({"substitution": -1.5}, "Substitution elasticity"),
        ({"substitution": math.inf}, "Substitution elasticity"),
    ],
)
def test_invalid_elasticities(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(InputError, match=match) as info:
        Elasticities(**kwargs)
    assert info.value.hint
    assert info.value.exit_code == 2

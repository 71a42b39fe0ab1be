"""RCA, product space and complexity against an independent implementation written here.

The reference below follows the papers' formulas by another route than the module: pandas
pivots for X, conditional probabilities min(P(k|l), P(l|k)) for proximity (Hidalgo et al. 2007),
``numpy.linalg.eig`` on the non-symmetric M~ matrices of both sides (the module solves a
symmetric country-side problem with ``eigh``), and loops for the Atlas' COG. Fixtures: a
hand-written 5 x 6 matrix, and the embedded 2024 matrix restricted to HS 41-43 and 64 (the
leather sector, 226 exporters). Where the Growth Lab's ``ecomplexity`` package is installed,
the slice is also checked against it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import duckdb
import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tradepivot.analytics import complexity as cx
from tradepivot.data.embedded import default_dir
from tradepivot.data.warehouse import Warehouse

WORLD = str(default_dir() / "world_2024" / "part-*.parquet")
LEATHER = ("41", "42", "43", "64")
PRODUCTS = ("p1", "p2", "p3", "p4", "p5", "p6")
COUNTRIES = ("AAA", "BBB", "CCC", "DDD", "EEE")
# Exports of five countries in six products: AAA is diversified towards p3-p6, EEE sells p1.
HAND = np.array(
    [
        [10, 20, 30, 40, 50, 60],
        [30, 25, 20, 10, 5, 1],
        [50, 30, 10, 5, 1, 0],
        [60, 20, 5, 0, 0, 0],
        [90, 5, 0, 0, 0, 0],
    ],
    dtype=float,
)


# --------------------------------------------------------------------------- reference
@dataclass
class Reference:
    countries: list[str]
    products: list[str]
    rca: np.ndarray[Any, Any]
    m: np.ndarray[Any, Any]
    proximity: np.ndarray[Any, Any]
    density: np.ndarray[Any, Any]
    eci: np.ndarray[Any, Any]
    eci_country_side: np.ndarray[Any, Any]
    pci: np.ndarray[Any, Any]
    coi: np.ndarray[Any, Any]
    cog: np.ndarray[Any, Any]


def _second_eigenvector(matrix: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    values, vectors = np.linalg.eig(matrix)
    return np.real(vectors[:, np.argsort(np.real(values))[-2]])


def reference(long: pd.DataFrame) -> Reference:
    """Straight from the formulas; ``long`` has exporter, hs6, value_usd (any number of rows)."""
    x = long.pivot_table(
        index="exporter", columns="hs6", values="value_usd", aggfunc="sum", fill_value=0.0
    ).sort_index()
    x = x.reindex(sorted(x.columns), axis=1)
    share_in_country = x.div(x.sum(axis=1), axis=0)
    share_in_world = x.sum(axis=0) / x.to_numpy().sum()
    rca = share_in_country.div(share_in_world, axis=1).to_numpy()
    m = (rca >= 1).astype(float)
    diversity, ubiquity = m.sum(axis=1), m.sum(axis=0)

    together = m.T @ m
    given_l = together / ubiquity[None, :]  # P(k | l): exporters of l that also export k
    proximity = np.minimum(given_l, given_l.T)
    density = (m @ proximity) / proximity.sum(axis=1)[None, :]

    to_countries = m / diversity[:, None]
    to_products = m / ubiquity[None, :]
    kp = _second_eigenvector(to_products.T @ to_countries)  # U^-1 M^T D^-1 M
    kc = to_countries @ kp
    sign = np.sign(np.corrcoef(kc, diversity)[0, 1])
    kc, kp = sign * kc, sign * kp
    eci = (kc - kc.mean()) / kc.std()
    pci = (kp - kc.mean()) / kc.std()
    kc_alone = _second_eigenvector(to_countries @ to_products.T)  # D^-1 M U^-1 M^T
    kc_alone *= np.sign(np.corrcoef(kc_alone, diversity)[0, 1])
    eci_country_side = (kc_alone - kc_alone.mean()) / kc_alone.std()

    # The Atlas, Technical Box 5.4: d_cp = distance, opportunity value and opportunity gain.
    distance = 1 - density
    coi = ((1 - distance) * (1 - m) * pci[None, :]).sum(axis=1)
    cog = np.zeros_like(m)
    reach = proximity.sum(axis=0)  # sum_p'' phi_p''p'
    for c in range(m.shape[0]):
        for p in range(m.shape[1]):
            if m[c, p]:
                continue
            links = sum(
                proximity[p, q] / reach[q] * (1 - m[c, q]) * pci[q] for q in range(m.shape[1])
            )
            cog[c, p] = links - (1 - distance[c, p]) * pci[p]
    return Reference(
        list(x.index),
        list(x.columns),
        rca,
        m.astype(bool),
        proximity,
        density,
        eci,
        eci_country_side,
        pci,
        coi,
        cog,
    )


# --------------------------------------------------------------------------- fixtures
def _long(values: np.ndarray[Any, Any]) -> pd.DataFrame:
    rows = [
        (c, p, values[i, j])
        for i, c in enumerate(COUNTRIES)
        for j, p in enumerate(PRODUCTS)
        if values[i, j] > 0
    ]
    return pd.DataFrame(rows, columns=["exporter", "hs6", "value_usd"])


def _flows(long: pd.DataFrame) -> ibis.Table:
    """A flows table: each (exporter, product) split over two markets, to be summed again."""
    halves = [
        long.assign(importer=m, value_usd=long.value_usd * w)
        for m, w in (("XXX", 0.25), ("YYY", 0.75))
    ]
    table = pd.concat(halves, ignore_index=True).assign(cagr_8y=None)
    return ibis.memtable(
        pa.Table.from_pandas(
            table[["exporter", "importer", "hs6", "value_usd"]], preserve_index=False
        )
    )


@pytest.fixture(scope="module")
def hand() -> tuple[cx.ProductSpace, Reference]:
    return cx.product_space(_flows(_long(HAND))), reference(_long(HAND))


@pytest.fixture(scope="module")
def leather_long() -> pd.DataFrame:
    chapters = ", ".join(f"'{c}'" for c in LEATHER)
    return duckdb.sql(
        f"SELECT exporter, hs6, sum(value_usd) AS value_usd FROM read_parquet('{WORLD}') "
        f"WHERE left(hs6, 2) IN ({chapters}) GROUP BY ALL"
    ).df()


@pytest.fixture(scope="module")
def leather(wh: Warehouse, leather_long: pd.DataFrame) -> tuple[cx.ProductSpace, Reference]:
    flows, _ = wh.table("world-2024", "bilateral")
    space = cx.product_space(flows.filter(flows.hs6.left(2).isin(LEATHER)))
    return space, reference(leather_long)


def _assert_same(space: cx.ProductSpace, ref: Reference) -> None:
    assert list(space.countries) == ref.countries and list(space.products) == ref.products
    np.testing.assert_allclose(space.rca, ref.rca, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(space.m, ref.m)
    np.testing.assert_allclose(space.proximity, ref.proximity, rtol=1e-12, atol=1e-15)
    near, coi, cog = space.outlook()
    np.testing.assert_allclose(near, ref.density, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(space.eci, ref.eci, rtol=0, atol=1e-9)
    np.testing.assert_allclose(space.eci, ref.eci_country_side, rtol=0, atol=1e-9)
    np.testing.assert_allclose(space.pci, ref.pci, rtol=0, atol=1e-9)
    np.testing.assert_allclose(coi, ref.coi, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(cog, ref.cog, rtol=1e-9, atol=1e-9)


# --------------------------------------------------------------------------- hand-written case
def test_hand_written_matrix_by_hand(hand: tuple[cx.ProductSpace, Reference]) -> None:
    space, _ = hand
    a6 = space.countries.index("AAA"), space.products.index("p6")
    assert space.rca[a6] == pytest.approx((60 / 210) / (61 / 577), rel=1e-15)
    assert space.m.astype(int).tolist() == [
        [0, 0, 1, 1, 1, 1],
        [0, 1, 1, 1, 0, 0],
        [1, 1, 0, 0, 0, 0],
        [1, 1, 0, 0, 0, 0],
        [1, 0, 0, 0, 0, 0],
    ]
    phi = space.proximity
    assert (phi[0, 1], phi[2, 3], phi[1, 2], phi[2, 4]) == pytest.approx((2 / 3, 1, 1 / 3, 1 / 2))
    # EEE makes p1 only: density of p2 = phi_21 / (phi_21 + phi_22 + phi_23 + phi_24).
    assert space.density([4])[0, 1] == pytest.approx((2 / 3) / (2 / 3 + 1 + 1 / 3 + 1 / 3))
    eci = dict(zip(space.countries, space.eci, strict=True))
    assert max(eci, key=eci.__getitem__) == "AAA" and min(eci, key=eci.__getitem__) == "EEE"
    assert space.notes == ()


def test_hand_written_matrix_equals_the_reference(hand: tuple[cx.ProductSpace, Reference]) -> None:
    _assert_same(*hand)


def test_leather_slice_of_the_2024_matrix_equals_the_reference(
    leather: tuple[cx.ProductSpace, Reference],
) -> None:
    space, ref = leather
    assert space.m.shape == (226, 89)
    _assert_same(space, ref)


def test_eci_is_the_mean_pci_of_a_countrys_products(
    leather: tuple[cx.ProductSpace, Reference],
) -> None:
    space, _ = leather
    mean_pci = (space.m * space.pci).sum(axis=1) / space.m.sum(axis=1)
    np.testing.assert_allclose(space.eci, mean_pci, atol=1e-12)
    assert space.eci.mean() == pytest.approx(0, abs=1e-12)
    assert space.eci.std() == pytest.approx(1)


# --------------------------------------------------------------------------- ecomplexity
@pytest.fixture(scope="module")
def growth_lab(leather_long: pd.DataFrame) -> pd.DataFrame:
    ecomplexity = pytest.importorskip("ecomplexity")
    data = leather_long.assign(year=2024)
    with warnings.catch_warnings():  # pandas deprecations inside the package
        warnings.simplefilter("ignore")
        out: pd.DataFrame = ecomplexity.ecomplexity(
            data,
            {"time": "year", "loc": "exporter", "prod": "hs6", "val": "value_usd"},
            verbose=False,
            check_logsupermodularity=False,
        )
    return out.set_index(["exporter", "hs6"])


def test_leather_slice_equals_the_growth_labs_ecomplexity(
    leather: tuple[cx.ProductSpace, Reference], growth_lab: pd.DataFrame
) -> None:
    space, _ = leather
    countries, products = list(space.countries), list(space.products)

    def grid(column: str) -> np.ndarray[Any, Any]:
        return growth_lab[column].unstack().reindex(index=countries, columns=products).to_numpy()

    np.testing.assert_allclose(space.rca, grid("rca"), rtol=1e-12)
    np.testing.assert_array_equal(space.m, grid("mcp") == 1)
    near, coi, cog = space.outlook()
    np.testing.assert_allclose(near, grid("density"), atol=1e-12)
    np.testing.assert_allclose(space.eci, grid("eci")[:, 0], atol=1e-9)
    np.testing.assert_allclose(space.pci, grid("pci")[0], atol=1e-9)
    # ecomplexity's COG leaves out the Atlas' "- density * PCI" term and weights with the raw
    # eigenvector, PCI + c (c = mean/sd of the raw ECI): theirs = mine + term + c * A(1).
    absent = (~space.m).astype(float)
    first = cog + absent * near * space.pci
    reach = space.proximity.sum(axis=0)
    ones = absent * ((absent / reach) @ space.proximity)
    c = np.sum((grid("cog") - first) * ones) / np.sum(ones * ones)
    np.testing.assert_allclose(grid("cog"), first + c * ones, atol=1e-9)
    # Their COI is the same sum with PCI + c, then standardised across countries.
    raw = coi + c * (near * absent).sum(axis=1)
    np.testing.assert_allclose(grid("coi")[:, 0], (raw - raw.mean()) / raw.std(), atol=1e-9)


# --------------------------------------------------------------------------- properties
flows_strategy = st.lists(
    st.tuples(
        st.sampled_from(["AAA", "BBB", "CCC", "DDD"]),
        st.sampled_from(["XXX", "YYY"]),
        st.sampled_from(["010121", "010129", "420221", "640399", "300490"]),
        st.floats(min_value=1.0, max_value=1e9, allow_nan=False),
    ),
    min_size=1,
    max_size=30,
)


def _memtable(rows: list[tuple[str, str, str, float]], scale: float) -> ibis.Table:
    exporters, importers, hs6, values = zip(*rows, strict=True)
    return ibis.memtable(
        pa.table(
            {
                "exporter": list(exporters),
                "importer": list(importers),
                "hs6": list(hs6),
                "value_usd": [v * scale for v in values],
            }
        )
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flows_strategy, st.floats(min_value=1e-3, max_value=1e3))
def test_rca_and_presence_do_not_depend_on_the_unit(
    rows: list[tuple[str, str, str, float]], scale: float
) -> None:
    def run(s: float) -> pd.DataFrame:
        table = cx.rca(_memtable(rows, s)).to_pyarrow().to_pandas()
        return table.sort_values(["exporter", "hs6"]).reset_index(drop=True)

    base, scaled = run(1.0), run(scale)
    np.testing.assert_allclose(base.rca, scaled.rca, rtol=1e-9)
    np.testing.assert_allclose(base.value_usd * scale, scaled.value_usd, rtol=1e-9)
    clear = (base.rca - 1).abs() > 1e-9  # exactly 1 may round either way
    assert (base.present == scaled.present)[clear].all()


presence_strategy = hnp.arrays(
    np.bool_, st.tuples(st.integers(2, 8), st.integers(2, 10)), elements=st.booleans()
)


@settings(max_examples=60, deadline=None)
@given(presence_strategy)
def test_proximity_is_symmetric_with_unit_diagonal_and_density_is_a_share(m: Any) -> None:
    phi = cx.proximity(m)
    made = m.any(axis=0)
    np.testing.assert_array_equal(phi, phi.T)
    assert ((phi >= 0) & (phi <= 1)).all()
    np.testing.assert_array_equal(np.diagonal(phi)[made], 1.0)
    assert not phi[~made].any()
    near = cx.density(m, phi)
    assert np.isfinite(near[:, made]).all() and np.isnan(near[:, ~made]).all()
    assert ((near[:, made] >= 0) & (near[:, made] <= 1 + 1e-12)).all()


@settings(max_examples=60, deadline=None)
@given(presence_strategy)
def test_eci_is_standardised_signed_by_diversity_and_averages_pci(m: Any) -> None:
    result = cx.complexity_indices(m)
    eci, pci = result.eci, result.pci
    rows, cols = m.any(axis=1), m.any(axis=0)
    assert np.isnan(eci[~rows]).all() and np.isnan(pci[~cols]).all()
    if not np.isfinite(eci).any():
        return  # fewer than two exporters or products, or no spread: nothing to rank
    ranked = eci[rows]
    assert ranked.mean() == pytest.approx(0, abs=1e-9) and ranked.std() == pytest.approx(1)
    mean_pci = (m[rows] * np.nan_to_num(pci)).sum(axis=1) / m[rows].sum(axis=1)
    np.testing.assert_allclose(ranked, mean_pci, atol=1e-9)
    diversity = m[rows].sum(axis=1)
    if diversity.std() > 0:
        assert np.corrcoef(ranked, diversity)[0, 1] >= -1e-9


@settings(max_examples=40, deadline=None)
@given(presence_strategy)
def test_cog_is_zero_for_products_already_made(m: Any) -> None:
    phi = cx.proximity(m)
    pci = cx.complexity_indices(m).pci
    _, cog = cx.outlook(m, phi, pci, cx.density(m, phi))
    made_here = m & np.isfinite(pci)[None, :]
    assert (cog[made_here] == 0).all()


def test_products_nobody_makes_are_left_out_with_a_note() -> None:
    m = np.array([[1, 1, 0, 0], [1, 0, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0]], dtype=bool)
    result = cx.complexity_indices(m, ["AAA", "BBB", "CCC", "ZZZ"], ["a", "b", "c", "d"])
    assert np.isnan(result.eci[3]) and np.isnan(result.pci[3])
    assert any("ZZZ" in n for n in result.notes) and any(": d." in n for n in result.notes)


def test_small_exporters_can_be_left_out_of_eci_only(
    hand: tuple[cx.ProductSpace, Reference],
) -> None:
    table = cx.rca(_flows(_long(HAND))).to_pyarrow()
    space = cx.ProductSpace.from_rca(table, eci_min_exports_usd=90.0)  # DDD exports 85
    ddd = space.countries.index("DDD")
    assert np.isnan(space.eci[ddd]) and np.isfinite(np.delete(space.eci, ddd)).all()
    np.testing.assert_array_equal(space.m, hand[0].m)  # RCA and density are untouched
    assert space.notes[0].startswith("ECI/PCI rank the 4 exporters")
    assert space.eci_rank()[ddd] == 0


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        cx.rca(_flows(_long(HAND)), threshold=0)

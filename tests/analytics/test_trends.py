"""Trends over fiscal years: the summary's arithmetic, invariants, an independent pandas
computation over the embedded EIDB table, and published DGCI&S figures (docs/methods.md)."""

from __future__ import annotations

import math

import ibis
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradepivot.analytics import trends
from tradepivot.data.embedded import default_dir
from tradepivot.data.reference import ProductScope
from tradepivot.data.warehouse import Warehouse

FYS = ("2017-18", "2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25")
EVERYTHING = ProductScope(())


def test_full_series_change_and_cagr() -> None:
    t = trends.summarise(FYS, dict(zip(FYS, [100, 110, 120, 90, 130, 140, 150, 200], strict=True)))
    assert t.last_usd == 200
    assert t.change_usd == 50
    assert t.change_pct == pytest.approx(200 / 150 * 100 - 100)
    assert t.cagr_from == "2017-18"
    assert t.cagr_pct == pytest.approx((2 ** (1 / 7) - 1) * 100)
    assert t.missing == ()
    assert t.comparable_pct == 100.0
    assert t.columns()["trend_series"] == [100, 110, 120, 90, 130, 140, 150, 200]


def test_gaps_are_named_and_a_late_start_says_where_it_starts() -> None:
    t = trends.summarise(FYS, {"2019-20": 10.0, "2021-22": 20.0, "2024-25": 40.0})
    assert t.missing == ("2017-18", "2018-19", "2020-21", "2022-23", "2023-24")
    assert t.cagr_from == "2019-20"
    assert t.cagr_pct == pytest.approx((4 ** (1 / 5) - 1) * 100)
    assert t.change_usd == 40.0
    assert t.change_pct is None  # nothing in FY2023-24: no percentage change
    words = t.sentence()
    assert "since FY2019-20 (5 years)" in words
    assert "nothing recorded in FY2017-18, FY2018-19, FY2020-21, FY2022-23, FY2023-24" in words


def test_no_rate_from_or_to_nothing() -> None:
    stopped = trends.summarise(FYS, {"2017-18": 5.0, "2023-24": 3.0})
    assert stopped.last_usd == 0.0
    assert stopped.cagr_pct is None and stopped.cagr_from is None
    assert stopped.change_usd == -3.0 and stopped.change_pct == -100.0
    assert "no growth rate" in stopped.sentence()
    new = trends.summarise(FYS, {"2024-25": 7.0})
    assert new.cagr_pct is None and new.change_pct is None
    one_year = trends.summarise(("2024-25",), {"2024-25": 7.0})
    assert one_year.change_usd is None and one_year.cagr_pct is None


def test_comparable_basis_drives_change_and_growth() -> None:
    # A code worth 90 stops after FY2022-23 (its successor is not in the data): the
    # recorded series falls by 90%, the comparable one grows.
    recorded = dict.fromkeys(FYS[:6], 100.0) | {"2023-24": 11.0, "2024-25": 12.0}
    comparable = dict.fromkeys(FYS[:6], 10.0) | {"2023-24": 11.0, "2024-25": 12.0}
    t = trends.summarise(FYS, recorded, comparable)
    assert t.last_usd == 12.0
    assert t.change_pct == pytest.approx(12 / 11 * 100 - 100)
    assert t.cagr_pct == pytest.approx((1.2 ** (1 / 7) - 1) * 100)
    assert t.comparable_pct == pytest.approx(10.0)
    assert "at least 10.0% of each year's value" in t.sentence()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.just(0.0), st.floats(1.0, 1e12)), min_size=8, max_size=8))
def test_cagr_compounds_back_to_the_last_value(values: list[float]) -> None:
    t = trends.summarise(FYS, dict(zip(FYS, values, strict=True)))
    assert t.missing == tuple(fy for fy, v in zip(FYS, values, strict=True) if v == 0)
    assert t.values == tuple(values)
    if t.cagr_pct is None:
        assert (
            sum(v > 0 for v in values) < 2
            or values[-1] == 0
            or values.index(next(v for v in values if v > 0)) == len(values) - 1
        )
    else:
        assert t.cagr_from is not None
        first = values[FYS.index(t.cagr_from)]
        n = trends.years_between(t.cagr_from, FYS[-1])
        scale = max(first, values[-1])  # a rate near -100% leaves little precision for the end
        assert math.isclose(first * (1 + t.cagr_pct / 100) ** n, values[-1], abs_tol=1e-9 * scale)
        assert all(v == 0 for v in values[: FYS.index(t.cagr_from)])
    if values[-2] > 0:
        assert t.change_pct is not None
        scale = max(values[-2], values[-1])
        assert math.isclose(values[-2] * (1 + t.change_pct / 100), values[-1], abs_tol=1e-9 * scale)


def test_fy_series_on_a_small_table() -> None:
    rows = pa.table(
        {
            "fy": ["2023-24", "2024-25", "2023-24", "2024-25", "2024-25", "2023-24"],
            "code": ["42022100", "42022100", "64039990", "64039990", "42023110", "71131910"],
            "partner": ["RUS", "RUS", "RUS", "USA", "RUS", None],
            "value_usd": [1.0, 2.0, 4.0, 8.0, 16.0, 32.0],
        }
    )
    t = ibis.memtable(rows)
    fys = ("2023-24", "2024-25")
    by_market = trends.trend_rows(
        trends.fy_series(t, fys=fys, scope=EVERYTHING, by="market").to_pyarrow(), fys
    )
    assert set(by_market) == {"RUS", "USA"}  # the row without a partner code is no market
    assert by_market["RUS"].values == (5.0, 18.0)
    assert by_market["RUS"].comparable == (5.0, 2.0)  # 42023110 is new, 64039990 goes on
    whole = trends.trend_rows(
        trends.fy_series(t, fys=fys, scope=ProductScope(("42",)), by=None).to_pyarrow(), fys
    )["*"]
    assert whole.values == (1.0, 18.0) and whole.comparable == (1.0, 2.0)
    by_product = trends.trend_rows(
        trends.fy_series(t, fys=fys, scope=EVERYTHING, by="product", level=4).to_pyarrow(), fys
    )
    assert by_product["7113"].values == (32.0, 0.0) and by_product["7113"].missing == ("2024-25",)
    pairs = trends.trend_rows(
        trends.fy_series(t, fys=fys, scope=EVERYTHING, by="market-product", level=6).to_pyarrow(),
        fys,
    )
    assert set(pairs) == {"RUS|420221", "RUS|640399", "USA|640399", "RUS|420231"}
    assert pairs["RUS|640399"].values == (4.0, 0.0)


# --- The embedded EIDB table, recomputed with pandas alone ---------------------------------


@pytest.fixture(scope="module")
def eidb_frame() -> pd.DataFrame:
    """The embedded file read directly (not through the warehouse's view): fiscal year
    labels, 8-digit codes, partner ISO3 from the shipped alias table."""
    data = default_dir()
    raw = pd.read_parquet(data / "india_eidb" / "exports_hs8.parquet")
    aliases = pd.read_parquet(data / "reference" / "country_aliases.parquet")
    eidb = aliases[aliases.source == "eidb"].set_index("alias")["iso3"]
    start = raw.fy_start.astype(int)
    return pd.DataFrame(
        {
            "fy": start.astype(str) + "-" + ((start + 1) % 100).astype(str).str.zfill(2),
            "code": raw.hs8.astype(int).astype(str).str.zfill(8),
            "partner": raw.partner_eidb.map(eidb),
            "value_usd": raw.value_10k_usd.astype(float) * 10_000,
        }
    )


def _independent(frame: pd.DataFrame, key: pd.Series) -> dict[str, tuple[list[float], list[float]]]:
    reported = frame[frame.value_usd > 0].groupby("code").fy.nunique()
    basis = set(reported[reported == len(FYS)].index)
    frame = frame.assign(key=key, comparable=frame.value_usd.where(frame.code.isin(basis), 0.0))
    sums = frame.groupby(["key", "fy"])[["value_usd", "comparable"]].sum()
    out = {}
    for k in sums.index.get_level_values(0).unique():
        part = sums.loc[k].reindex(list(FYS), fill_value=0.0)
        out[k] = (part.value_usd.tolist(), part.comparable.tolist())
    return out


def _check(mine: trends.Trend, values: list[float], comparable: list[float]) -> None:
    assert mine.values == pytest.approx(values, rel=1e-12)
    assert mine.comparable == pytest.approx(comparable, rel=1e-12)
    c0 = next(i for i, v in enumerate(comparable) if v > 0)
    assert mine.cagr_from == FYS[c0]
    expected = ((comparable[-1] / comparable[c0]) ** (1 / (7 - c0)) - 1) * 100
    assert mine.cagr_pct == pytest.approx(expected, rel=1e-9)
    assert mine.change_pct == pytest.approx((comparable[-1] / comparable[-2] - 1) * 100, rel=1e-9)
    assert mine.last_usd == pytest.approx(values[-1], rel=1e-12)


def test_market_trends_match_an_independent_pandas_computation(
    wh: Warehouse, eidb_frame: pd.DataFrame
) -> None:
    table, manifest = wh.table("india-eidb", "national_exports")
    assert tuple(manifest.years) == FYS
    leather = ProductScope(("41", "42", "43", "64"))
    series = trends.fy_series(
        table, fys=FYS, scope=leather, by="market", markets=["RUS", "USA", "ARE", "DEU"]
    )
    mine = trends.trend_rows(series.to_pyarrow(), FYS)
    frame = eidb_frame[eidb_frame.code.str[:2].isin(["41", "42", "43", "64"])]
    # The comparable basis is the whole dataset's codes, not the scope's.
    reported = eidb_frame[eidb_frame.value_usd > 0].groupby("code").fy.nunique()
    basis = set(reported[reported == len(FYS)].index)
    sub = frame[frame.partner.isin(["RUS", "USA", "ARE", "DEU"])]
    sub = sub.assign(comparable=sub.value_usd.where(sub.code.isin(basis), 0.0))
    sums = sub.groupby(["partner", "fy"])[["value_usd", "comparable"]].sum()
    assert set(mine) == {"RUS", "USA", "ARE", "DEU"}
    for market, trend in mine.items():
        part = sums.loc[market].reindex(list(FYS), fill_value=0.0)
        _check(trend, part.value_usd.tolist(), part.comparable.tolist())


def test_whole_and_heading_trends_match_pandas(wh: Warehouse, eidb_frame: pd.DataFrame) -> None:
    table, _ = wh.table("india-eidb", "national_exports")
    whole = trends.trend_rows(trends.fy_series(table, fys=FYS, scope=EVERYTHING).to_pyarrow(), FYS)
    [(values, comparable)] = _independent(
        eidb_frame, pd.Series("*", index=eidb_frame.index)
    ).values()
    _check(whole["*"], values, comparable)
    # Published EIDB totals of the embedded copy (docs/data.md): USD 293.91 bn to 298.52 bn.
    assert whole["*"].values[0] == pytest.approx(293.91e9, abs=0.005e9)
    assert whole["*"].last_usd == pytest.approx(298.52e9, abs=0.005e9)
    scope = ProductScope(("7113", "1006", "4202"))
    mine = trends.trend_rows(
        trends.fy_series(table, fys=FYS, scope=scope, by="product", level=4).to_pyarrow(), FYS
    )
    frame = eidb_frame[eidb_frame.code.str[:4].isin(["7113", "1006", "4202"])]
    reported = eidb_frame[eidb_frame.value_usd > 0].groupby("code").fy.nunique()
    basis = set(reported[reported == len(FYS)].index)
    frame = frame.assign(comparable=frame.value_usd.where(frame.code.isin(basis), 0.0))
    sums = frame.groupby([frame.code.str[:4], "fy"])[["value_usd", "comparable"]].sum()
    for heading, trend in mine.items():
        part = sums.loc[heading].reindex(list(FYS), fill_value=0.0)
        _check(trend, part.value_usd.tolist(), part.comparable.tolist())
    # Gold jewellery's codes stop after FY2022-23 (successors missing): the recorded
    # series collapses, the comparable basis covers little of it and says so.
    jewellery = mine["7113"]
    assert jewellery.values[5] > 12e9 and jewellery.values[6] < 0.2e9
    assert jewellery.comparable_pct is not None and jewellery.comparable_pct < 5


# --- Published DGCI&S figures (cited in docs/methods.md, "Trends") -------------------------

# Non-basmati rice (HS 1006 without basmati 10063020), USD million: Ministry of Commerce,
# 20 April 2022, from DGCI&S data: 2,015 (FY2019-20), 4,799 (FY2020-21), 6,115 (FY2021-22),
# growth of 27% in 2021-22. Basmati (10063020) FY2020-21: USD 4.02 bn (Ministry of Commerce,
# 12 August 2022).
NON_BASMATI = {"2019-20": 2015e6, "2020-21": 4799e6, "2021-22": 6115e6}


def test_rice_matches_published_figures(wh: Warehouse) -> None:
    table, _ = wh.table("india-eidb", "national_exports")
    non_basmati = ProductScope(("1006",), exclude=("10063020",))
    basmati = ProductScope(("10063020",))
    [nb] = trends.trend_rows(
        trends.fy_series(table, fys=FYS, scope=non_basmati).to_pyarrow(), FYS
    ).values()
    [b] = trends.trend_rows(
        trends.fy_series(table, fys=FYS, scope=basmati).to_pyarrow(), FYS
    ).values()
    for fy, published in NON_BASMATI.items():
        assert nb.values[FYS.index(fy)] == pytest.approx(published, rel=0.01)
    assert b.values[FYS.index("2020-21")] == pytest.approx(4.02e9, rel=0.005)
    window = FYS[: FYS.index("2021-22") + 1]
    grew = trends.summarise(window, dict(zip(window, nb.values, strict=False)))
    assert grew.change_pct == pytest.approx(27, abs=1)

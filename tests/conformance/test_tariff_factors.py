"""Tariff factors from known duties (MTA, GTD) on every engine vs the reference."""

from __future__ import annotations

import itertools

import pyarrow as pa

from tests.conformance import reference
from tests.conformance.fixture import COUNTRIES, FLOWS, PRODUCTS
from tests.conformance.harness import EngineUnderTest, assert_rows_close
from tradepivot.analytics.tariff_factors import tariff_terms

RATES = pa.table(
    {
        "importer": ["RUS", "RUS", "RUS", "IND", "IND"],
        "hs6": ["420221", "640399", "410411", "420221", "847130"],
        "rate": [0.125, 0.09, 0.05, 0.2, 0.0],
    }
)
OWN = pa.table({"exporter": ["IND"], "importer": ["RUS"], "hs6": ["640399"], "rate": [0.12]})
FREE = pa.table({"exporter": ["TUR"], "importer": ["RUS"]})  # a customs-union pair, say
KEYS = [(i, j, k) for i, j, k in itertools.product(COUNTRIES, COUNTRIES, PRODUCTS) if i != j]


def test_duty_factors(engine: EngineUnderTest) -> None:
    candidates = pa.table(
        {
            "exporter": [k[0] for k in KEYS],
            "importer": [k[1] for k in KEYS],
            "hs6": [k[2] for k in KEYS],
        }
    )

    def build() -> object:
        terms = tariff_terms(
            engine.tables["flows"],
            engine.load("fx_duty_rates", RATES),
            engine.load("fx_duty_own", OWN),
            engine.load("fx_duty_free", FREE),
        )
        return terms.attach(engine.load("fx_duty_keys", candidates))

    actual = engine.once("duty-factors", build)  # type: ignore[arg-type]
    expected = reference.duty_factors(
        reference.rows(FLOWS),
        reference.rows(RATES),
        reference.rows(OWN),
        reference.rows(FREE),
        KEYS,
        sigma=1.5,
    )
    assert_rows_close(
        actual,
        expected,
        ["exporter", "importer", "hs6"],
        columns=["tariff_advantage", "tariff_disadvantage"],
    )
    assert any(r["tariff_advantage"] != 1 for r in expected)
    assert any(r["tariff_disadvantage"] != 1 for r in expected)

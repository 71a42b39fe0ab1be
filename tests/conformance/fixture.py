"""The small world both engines run on: 5 countries trading 6 HS6 products, with distances.

Every country exports to and imports from the four others (5 exporters x 5 importers x 6
products, 120 possible flows). Values and growth rates follow simple rules, and a few flows are
set by hand to reach the corner cases the analytics must agree on:

- ``cagr_8y`` is float32, as an ingested dataset may store it (the embedded view widens it);
- missing flows (rule below) and a pair with no trade at all (RUS -> TUR);
- a tie: BRA and CHN sell IND exactly the same value of 420221 (ranks break it by name);
- unknown growth (null), an implausible one (-99.9 % a year: the implied base value
  exceeds world trade) and exactly -100 %;
- a market and product whose every flow has unknown growth (IND, 847130: growth is null);
- a flow of value 0 (TUR -> BRA, 640399);
- a missing distance (CHN -> TUR: neutral distance factor) and a zero one (RUS -> BRA: left
  out of the mean log distance).
"""

from __future__ import annotations

import pyarrow as pa

__all__ = ["COUNTRIES", "DISTANCES", "FLOWS", "PRODUCTS", "TARIFFS"]

COUNTRIES = ("BRA", "CHN", "IND", "RUS", "TUR")
PRODUCTS = ("410411", "410419", "420221", "420231", "640399", "847130")
GROWTH_CYCLE = (4.5, -3.25, None, 12.0, 0.0, 250.0, -50.5, 7.75, 1.3)


def _flows() -> pa.Table:
    rows: list[tuple[str, str, str, float, float | None]] = []
    n = 0
    for i, exporter in enumerate(COUNTRIES):
        for j, importer in enumerate(COUNTRIES):
            if i == j or (exporter, importer) == ("RUS", "TUR"):
                continue
            for k, hs6 in enumerate(PRODUCTS):
                if (i + 2 * j + k) % 7 == 0:  # about one flow in seven is missing
                    continue
                value = 1000.0 * ((7 * i + 11 * j + 13 * k) % 23 + 1) + 0.25 * k
                growth = GROWTH_CYCLE[n % len(GROWTH_CYCLE)]
                n += 1
                rows.append((exporter, importer, hs6, value, growth))
    by_key = {(r[0], r[1], r[2]): list(r) for r in rows}
    overrides: dict[tuple[str, str, str], tuple[float | None, float | None]] = {
        ("BRA", "IND", "420221"): (12345.5, 3.0),  # the tie ...
        ("CHN", "IND", "420221"): (12345.5, -1.5),  # ... with CHN
        ("CHN", "RUS", "410411"): (5000.0, -99.9),  # implausible growth
        ("IND", "BRA", "420231"): (None, -100.0),
        ("TUR", "BRA", "640399"): (0.0, 2.0),
    }
    for key, (value, growth) in overrides.items():
        row = by_key.setdefault(key, [*key, 1.0, None])
        if value is not None:
            row[3] = value
        row[4] = growth
    for key, row in by_key.items():
        if key[1] == "IND" and key[2] == "847130":
            row[4] = None
    final = sorted(by_key.values())
    return pa.table(
        {
            "exporter": pa.array([r[0] for r in final], pa.string()),
            "importer": pa.array([r[1] for r in final], pa.string()),
            "hs6": pa.array([r[2] for r in final], pa.string()),
            "value_usd": pa.array([r[3] for r in final], pa.float64()),
            "cagr_8y": pa.array([r[4] for r in final], pa.float32()),
        }
    )


def _distances() -> pa.Table:
    rows = [
        (o, d, 500.0 + 137.5 * ((3 * a + 5 * b) % 11))
        for a, o in enumerate(COUNTRIES)
        for b, d in enumerate(COUNTRIES)
        if a != b and (o, d) != ("CHN", "TUR")
    ]
    rows = [(o, d, 0.0 if (o, d) == ("RUS", "BRA") else km) for o, d, km in rows]
    return pa.table(
        {
            "origin": pa.array([r[0] for r in rows], pa.string()),
            "destination": pa.array([r[1] for r in rows], pa.string()),
            "dist_km": pa.array([r[2] for r in rows], pa.float64()),
        }
    )


FLOWS = _flows()
DISTANCES = _distances()
#: A tariff scenario: factors for a few (exporter, importer, product), 1 everywhere else; one
#: row names a product its exporter does not sell there (it must change nothing).
TARIFFS = pa.table(
    {
        "exporter": ["BRA", "CHN", "IND", "TUR"],
        "importer": ["IND", "RUS", "RUS", "CHN"],
        "hs6": ["420221", "640399", "410411", "999999"],
        "tariff_advantage": [1.25, 0.5, 1.1, 3.0],
        "tariff_disadvantage": [0.9, 1.0, 0.8, 3.0],
    }
)

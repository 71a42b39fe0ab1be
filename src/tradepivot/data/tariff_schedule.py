"""The embedded US tariff files: MFN rates per HTS8, product lists, country rates, measures.

Built by ``scripts/build_tariff_data.py`` (machine-readable inputs) and kept by hand in
``reference/us_measures.yaml`` (the dated measures, each with the source line it comes from).
This module only reads them; :mod:`tradepivot.tariffs.schedule` turns them into measures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyarrow.parquet as pq
import yaml

from tradepivot.data.embedded import default_dir, hand_kept_dir

__all__ = ["TariffFiles", "us_tariff_files"]


@dataclass(frozen=True)
class TariffFiles:
    """The raw records of one market's embedded tariff data."""

    market: str
    measures: list[dict[str, Any]]  # us_measures.yaml, as written
    country_rates: list[dict[str, Any]]  # iso3, census_code, rate_pct, floor, default_pct
    mfn: list[dict[str, Any]]  # hts8, hs6, mfn_pct, rate_type, rate_text, source_line
    lists: list[dict[str, Any]]  # list, code, source
    manifest: dict[str, Any]


@cache
def us_tariff_files() -> TariffFiles:
    """The embedded US files (read once per process)."""
    folder = default_dir() / "us_tariffs"
    doc = yaml.safe_load((hand_kept_dir() / "us_measures.yaml").read_text(encoding="utf-8"))
    return TariffFiles(
        market="USA",
        measures=list(doc["measures"]),
        country_rates=pq.read_table(folder / "reciprocal_rates.parquet").to_pylist(),
        mfn=pq.read_table(folder / "mfn_hts8.parquet").to_pylist(),
        lists=pq.read_table(folder / "product_lists.parquet").to_pylist(),
        manifest=json.loads((folder / "manifest.json").read_text(encoding="utf-8")),
    )

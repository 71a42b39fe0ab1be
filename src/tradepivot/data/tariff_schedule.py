"""The embedded tariff files: the US schedule and measures; the EAEU, EU and UK schedules.

US: built by ``scripts/build_tariff_data.py`` (machine-readable inputs) and kept by hand in
``reference/us_measures.yaml`` (the dated measures, each with the source line it comes from).
EAEU, EU, UK: built by ``scripts/build_other_tariffs.py`` (national lines with their rates
read into parts, India's unit values from EIDB quantities, a manifest). This module only
reads them; :mod:`tradepivot.tariffs.schedule` and :mod:`tradepivot.tariffs.base_rates` turn
them into schedules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from tradepivot.data.embedded import default_dir, hand_kept_dir, read_parquet_file

__all__ = [
    "OtherTariffFiles",
    "TariffFiles",
    "other_tariff_files",
    "other_tariff_manifest",
    "us_tariff_files",
]


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
        country_rates=read_parquet_file(folder / "reciprocal_rates.parquet").to_pylist(),
        mfn=read_parquet_file(folder / "mfn_hts8.parquet").to_pylist(),
        lists=read_parquet_file(folder / "product_lists.parquet").to_pylist(),
        manifest=json.loads((folder / "manifest.json").read_text(encoding="utf-8")),
    )


@dataclass(frozen=True)
class OtherTariffFiles:
    """The raw records of the embedded EAEU, EU and UK schedules."""

    lines: list[dict[str, Any]]  # schedule, line, hs6, edition, rate_text, form, parts ...
    unit_values: list[dict[str, Any]]  # code, market, fy, unit, value_usd, quantity
    manifest: dict[str, Any]  # schedules (id, markets, union, start ...), fx, unit_values
    to_hs2022: dict[str, str]  # HS2017 HS6 -> the HS2022 HS6 with the largest weight
    to_hs2017: dict[str, list[tuple[str, float]]]  # HS2022 HS6 -> [(HS2017 HS6, weight)]


@cache
def other_tariff_manifest() -> dict[str, Any]:
    """The EAEU, EU and UK schedules' manifest alone (which markets, dates, sources)."""
    text = (default_dir() / "other_tariffs" / "manifest.json").read_text(encoding="utf-8")
    manifest: dict[str, Any] = json.loads(text)
    return manifest


@cache
def other_tariff_files() -> OtherTariffFiles:
    """The embedded EAEU, EU and UK files (read once per process)."""
    folder = default_dir() / "other_tariffs"
    to_2022: dict[str, tuple[float, str]] = {}
    to_2017: dict[str, list[tuple[str, float]]] = {}
    for r in read_parquet_file(default_dir() / "reference" / "hs_concordance.parquet").to_pylist():
        if r["from_edition"] == "HS2017" and r["to_edition"] == "HS2022":
            seen = to_2022.get(r["from_code"])
            if seen is None or (r["weight"], r["to_code"]) > seen:
                to_2022[r["from_code"]] = (r["weight"], r["to_code"])
        elif r["from_edition"] == "HS2022" and r["to_edition"] == "HS2017":
            to_2017.setdefault(r["from_code"], []).append((r["to_code"], r["weight"]))
    return OtherTariffFiles(
        lines=read_parquet_file(folder / "lines.parquet").to_pylist(),
        unit_values=read_parquet_file(folder / "unit_values.parquet").to_pylist(),
        manifest=other_tariff_manifest(),
        to_hs2022={k: v[1] for k, v in to_2022.items()},
        to_hs2017=to_2017,
    )

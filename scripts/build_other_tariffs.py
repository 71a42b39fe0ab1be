#!/usr/bin/env python3
"""Build the embedded EAEU, EU and UK tariff schedules from ../shared/data/tariffs-other.

Writes ``src/tradepivot/data/default/other_tariffs/``:

- ``lines.parquet``: one row per national tariff line of each schedule (EAEU Common Customs
  Tariff 2026, EU Common External Tariff 2020, UK Global Tariff 2021) with the rate as written
  and its parts read by :func:`tradepivot.tariffs.duty_text.parse_duty`, the HS6 code in the
  schedule's edition and the source row; defects of the sources handled as their READMEs say
  (fake codes dropped, duplicates resolved, bare numbers flagged, lost leading zeros restored);
- ``unit_values.parquet``: India's unit values (USD per kg, pair, litre, piece, m2) by HS6
  (HS2022) and market, from EIDB quantities of the latest fiscal year, for the products whose
  lines carry a specific duty (the inputs of ad valorem equivalents for Indian exporters);
- ``manifest.json``: sources, dates, rate types, counts, defects handled, exchange rates.

Deterministic: the same inputs give byte-identical files.

    python scripts/build_other_tariffs.py [--source DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tradepivot.tariffs.duty_text import parse_duty

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "tradepivot" / "data" / "default" / "other_tariffs"
HAND_KEPT = REPO / "src" / "tradepivot" / "data" / "reference"
EAEU_FILE = "eaeu-ett-2026/eec_ett_normative_bundle.json.gz"
UK_FILE = "uk-global-tariff-2021/observations.csv.gz"
EIDB_FILE = "india-eidb/india_eidb_exports_hs8_country_fy2017-18_to_2024-25.csv.gz"
EAEU = ("RUS", "BLR", "KAZ", "ARM", "KGZ")
EU27 = [
    "AUT",
    "BEL",
    "BGR",
    "HRV",
    "CYP",
    "CZE",
    "DNK",
    "EST",
    "FIN",
    "FRA",
    "DEU",
    "GRC",
    "HUN",
    "IRL",
    "ITA",
    "LVA",
    "LTU",
    "LUX",
    "MLT",
    "NLD",
    "POL",
    "PRT",
    "ROU",
    "SVK",
    "SVN",
    "ESP",
    "SWE",
]
# EIDB quantity units -> (unit of the duty texts, how many of it one EIDB unit is).
EIDB_UNITS = {
    "KGS": ("kg", 1.0),
    "TON": ("kg", 1000.0),
    "MTS": ("kg", 1000.0),
    "PRS": ("pair", 1.0),
    "NOS": ("piece", 1.0),
    "THD": ("piece", 1000.0),
    "LTR": ("l", 1.0),
    "SQM": ("m2", 1.0),
}
# Annual averages used to turn EUR, GBP amounts into USD (the unit values are USD).
FX = [
    {
        "currency": "EUR",
        "usd_per_unit": 1.0824,
        "period": "2024",
        "source": "ECB euro foreign exchange reference rates, US dollar, annual average 2024",
    },
    {
        "currency": "GBP",
        "usd_per_unit": 1.2781,
        "period": "2024",
        "source": "Bank of England, spot exchange rate US$ into sterling (XUDLUSS), annual "
        "average 2024",
    },
    {"currency": "USD", "usd_per_unit": 1.0, "period": "-", "source": "identity"},
]


def _duty_row(
    schedule: str, line: str, edition: str, text: str, description: str, row: int, flag: str | None
) -> dict[str, Any]:
    duty = parse_duty(text)
    return {
        "schedule": schedule,
        "line": line,
        "hs6": line[:6],
        "edition": edition,
        "description": description or None,
        "rate_text": duty.text,
        "form": duty.form,
        "ad_valorem_pct": duty.ad_valorem_pct,
        "specific": duty.specific,
        "currency": duty.currency,
        "unit": duty.unit,
        "per": duty.per,
        "source_row": row,
        "flag": flag,
    }


def eaeu_lines(src: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """TN VED lines; fake codes dropped, duplicates with a conflicting "0.0" resolved."""
    with gzip.open(src / EAEU_FILE, "rt", encoding="utf-8") as f:
        doc = json.load(f)
    by_code: dict[str, list[tuple[int, str]]] = defaultdict(list)
    fake = []
    for row, r in enumerate(doc["rates"]):
        code = str(r["hs_code"]).strip()
        if not (code.isdigit() and len(code) == 10):
            fake.append(code)
            continue
        by_code[code].append((row, str(r["duty_rate"]).strip()))
    rows, resolved = [], []
    for code in sorted(by_code):
        entries = by_code[code]
        flag = None
        if len(entries) > 1:
            kept = [e for e in entries if e[1] not in ("0.0", "0")] or entries[:1]
            texts = sorted({e[1] for e in entries})
            flag = f"listed {len(entries)} times ({' | '.join(texts)}); kept {kept[0][1]!r}"
            resolved.append(code)
            entries = kept[:1]
        row, text = entries[0]
        duty = parse_duty(text)
        if duty.form == "ambiguous":
            bare = "bare number without % or unit in the source: not read as a rate"
            flag = f"{flag}; {bare}" if flag else bare
        rows.append(_duty_row("eaeu-cct-2026", code, "HS2022", text, "", row, flag))
    defects = {
        "fake_codes_dropped": sorted(fake),
        "duplicates_resolved": len(resolved),
        "ambiguous_bare_numbers": sum(1 for r in rows if r["form"] == "ambiguous"),
    }
    meta = {"revision": doc.get("revision"), "effective_from": doc.get("effective_from")}
    return rows, {**defects, **meta}


def uk_eu_lines(src: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """EU CET 2020 and UKGT 2021 lines from the DIT file; lost leading zeros restored."""
    eu, uk = [], []
    padded = 0
    with gzip.open(src / UK_FILE, "rt", encoding="utf-8") as f:
        for row, r in enumerate(csv.DictReader(f), start=2):
            code = r["commodity"].strip()
            if len(code) in (7, 9):
                code, padded = "0" + code, padded + 1
            description = " ".join(r["description"].split())
            eu.append(
                _duty_row("eu-cet-2020", code, "HS2017", r["cet_duty_rate"], description, row, None)
            )
            remedy = "trade remedy applies" if r["trade_remedy_applies"] == "True" else None
            # Same row, same commodity code: the description is stored once, on the EU line
            # (the manifest's descriptions_from), which halves the file.
            uk.append(_duty_row("uk-gt-2021", code, "HS2017", r["ukgt_duty_rate"], "", row, remedy))
    return eu, uk, {"leading_zeros_restored": padded}


def unit_values(src: Path, hs6_needed: set[str]) -> list[dict[str, Any]]:
    """India's unit values by HS6 and heading (HS2022) and market in the latest fiscal year.

    Per code and market, the HS8 lines in the unit most of their value is reported in are
    summed (value and quantity), so a unit value never mixes pairs with kilograms; ``WLD`` is
    India's exports to every market.
    """
    with (HAND_KEPT / "eidb_countries.csv").open(encoding="utf-8") as f:
        iso = {r["eidb_name"]: r["iso3"] for r in csv.DictReader(f)}
    wanted = set(EAEU) | set(EU27) | {"GBR"}
    headings = {code[:4] for code in hs6_needed}
    latest = ""
    cells: dict[tuple[str, str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    with gzip.open(src / EIDB_FILE, "rt", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            hs6 = r["hs8"][:6]
            if hs6[:4] not in headings or r["unit"] not in EIDB_UNITS:
                continue
            if not r["value_usd_mn"] or not r["quantity"]:
                continue
            value, quantity = float(r["value_usd_mn"]) * 1e6, float(r["quantity"])
            if value <= 0 or quantity <= 0:
                continue
            latest = max(latest, r["fy"])
            unit, factor = EIDB_UNITS[r["unit"]]
            partner = iso.get(r["country_eidb"])
            codes = (hs6, hs6[:4]) if hs6 in hs6_needed else (hs6[:4],)
            for market in ("WLD", partner) if partner in wanted else ("WLD",):
                for code in codes:  # the heading's unit value is the fallback of its HS6
                    cell = cells[(r["fy"], code, str(market), unit)]
                    cell[0] += value
                    cell[1] += quantity * factor
    best: dict[tuple[str, str], tuple[str, float, float]] = {}
    for (fy, hs6, market, unit), (value, quantity) in sorted(cells.items()):
        if fy != latest:
            continue
        seen = best.get((hs6, market))
        if seen is None or value > seen[1]:
            best[(hs6, market)] = (unit, value, quantity)
    return [
        {
            "code": hs6,
            "market": market,
            "fy": latest,
            "unit": unit,
            "value_usd": round(value, 2),
            "quantity": round(quantity, 3),
            "unit_value_usd": value / quantity,
        }
        for (hs6, market), (unit, value, quantity) in sorted(best.items())
    ]


def _hs2022(hs2017: str, concordance: dict[str, str]) -> str:
    return concordance.get(hs2017, hs2017)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    src: Path = args.source / "tariffs-other"
    if not src.is_dir():
        print(f"no {src}: pass --source DIR (the folder holding tariffs-other/)", file=sys.stderr)
        return 2
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    eaeu, eaeu_meta = eaeu_lines(src)
    eu, uk, uk_meta = uk_eu_lines(src)
    lines = eaeu + eu + uk
    # HS2017 -> HS2022 (the largest weight) so HS2017 lines find India's HS2022 unit values.
    concordance: dict[str, tuple[float, str]] = {}
    for r in pq.read_table(
        REPO / "src/tradepivot/data/default/reference/hs_concordance.parquet"
    ).to_pylist():
        if r["from_edition"] == "HS2017":
            seen = concordance.get(r["from_code"])
            if seen is None or (r["weight"], r["to_code"]) > seen:
                concordance[r["from_code"]] = (r["weight"], r["to_code"])
    to_2022 = {k: v[1] for k, v in concordance.items()}
    needed = {
        r["hs6"] if r["edition"] == "HS2022" else _hs2022(r["hs6"], to_2022)
        for r in lines
        if r["specific"] is not None
    }
    values = unit_values(args.source, needed)
    schema = pa.schema(
        [
            ("schedule", pa.string()),
            ("line", pa.string()),
            ("hs6", pa.string()),
            ("edition", pa.string()),
            ("description", pa.string()),
            ("rate_text", pa.string()),
            ("form", pa.string()),
            ("ad_valorem_pct", pa.float64()),
            ("specific", pa.float64()),
            ("currency", pa.string()),
            ("unit", pa.string()),
            ("per", pa.float64()),
            ("source_row", pa.int64()),
            ("flag", pa.string()),
        ]
    )
    tables = {
        "lines": pa.Table.from_pylist(lines, schema=schema),
        "unit_values": pa.Table.from_pylist(values),
    }
    for name, table in tables.items():
        pq.write_table(
            table,
            out / f"{name}.parquet",
            compression="zstd",
            compression_level=19,  # the package data budget: 0.64 MB at the default level
            write_statistics=False,
            store_schema=False,
        )
    digest = hashlib.sha256()
    for path in (src / EAEU_FILE, src / UK_FILE, args.source / EIDB_FILE):
        digest.update(path.read_bytes())
    forms: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in lines:
        forms[r["schedule"]][r["form"]] += 1
    common = {
        "rate_type": "MFN (conventional / third-country) rates; no preferences",
        "terms": "official tariff schedules (not copyright objects); third-party extracts, unverified",
    }
    schedules = [
        {
            "id": "eaeu-cct-2026",
            "title": "EAEU Common Customs Tariff (ЕТТ ЕАЭС)",
            "short": "EAEU CCT 2026",
            "markets": list(EAEU),
            "union": list(EAEU),
            "edition": "HS2022",
            "nomenclature": "TN VED EAEU (10 digits)",
            "start": "2026-01-01",
            "end": None,
            "source": "Eurasian Economic Commission, Common Customs Tariff (revision "
            f"{eaeu_meta['revision']}), as packaged in ivan88810900-star/tnved_starter_kit_v2 "
            "(commit 216d27ff)",
            "url": "https://eec.eaeunion.org/comission/department/catr/ett/",
            "defects": {
                k: eaeu_meta[k]
                for k in ("fake_codes_dropped", "duplicates_resolved", "ambiguous_bare_numbers")
            },
            "preferences_not_applied": "the EAEU's tariff preferences for developing and least "
            "developed countries (which include India for listed goods) and its free-trade "
            "agreements",
            **common,
        },
        {
            "id": "eu-cet-2020",
            "title": "EU Common External Tariff (CN 2020, third-country duty)",
            "short": "EU CET 2020",
            "markets": EU27,
            "union": EU27,
            "edition": "HS2017",
            "nomenclature": "Combined Nomenclature 2020 (8 and 10 digits)",
            "start": "2020-01-01",
            "end": None,
            "source": "EU Common External Tariff as listed beside the UK Global Tariff by the "
            "UK Department for International Trade (2020-12-02, OGL v3.0), via "
            "GSS-Cogs/family-trade (commit edf3ccb4)",
            "url": "https://www.check-future-uk-trade-tariffs.service.gov.uk/",
            "defects": {"leading_zeros_restored": uk_meta["leading_zeros_restored"]},
            "preferences_not_applied": "EU GSP (India's graduated and non-graduated sections), "
            "free-trade agreements",
            "caveat": "a 2020 snapshot: later CN amendments (CN2022 onwards) are not in it",
            **common,
        },
        {
            "id": "uk-gt-2021",
            "title": "UK Global Tariff",
            "short": "UKGT 2021",
            "markets": ["GBR"],
            "union": [],
            "edition": "HS2017",
            "nomenclature": "UK commodity codes 2021 (8 and 10 digits)",
            "start": "2021-01-01",
            "end": None,
            "source": "UK Department for International Trade, UK Global Tariff (published "
            "2020-12-02, OGL v3.0), via GSS-Cogs/family-trade (commit edf3ccb4)",
            "url": "https://www.gov.uk/guidance/uk-global-tariff",
            "defects": {"leading_zeros_restored": uk_meta["leading_zeros_restored"]},
            "preferences_not_applied": "the UK's Developing Countries Trading Scheme, free-trade "
            "agreements (the India-UK CETA signed in 2025 is not in it)",
            "caveat": "a 2021 snapshot: later amendments are not in it; the UK applied the EU "
            "CET until 2020-12-31",
            "descriptions_from": "eu-cet-2020",
            **common,
        },
    ]
    for s in schedules:
        s["lines"] = sum(forms[s["id"]].values())
        s["forms"] = dict(sorted(forms[s["id"]].items()))
    manifest = {
        "id": "other-tariffs",
        "title": "Import tariffs of the EAEU (2026), the EU (2020) and the UK (2021)",
        "inputs": [EAEU_FILE, UK_FILE, EIDB_FILE],
        "inputs_sha256": digest.hexdigest(),
        "schedules": schedules,
        "fx": FX,
        "unit_values": {
            "source": "India's exports by HS8 and partner with quantities (DGCI&S EIDB), "
            f"fiscal year {values[0]['fy'] if values else '-'}; HS8 lines rolled up to HS6 "
            "and to headings (ITC-HS, HS2022-based) in their main unit; WLD = every market",
            "rows": len(values),
        },
        "rows": {name: table.num_rows for name, table in tables.items()},
        "files": [f"other_tariffs/{name}.parquet" for name in tables],
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"wrote {out} ({size / 1e3:.0f} kB): {manifest['rows']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

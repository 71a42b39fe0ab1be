#!/usr/bin/env python3
"""Build tradepivot's embedded US tariff data from the raw files in ../shared/data/us-tariffs.

Writes ``src/tradepivot/data/default/us_tariffs/``: the MFN schedule per HTS8, the product
lists the additional measures refer to (with the file and line each code was read from), the
2025 Phase 2 reciprocal rates per country, and a manifest. The dated measures themselves are
hand-kept in ``src/tradepivot/data/reference/us_measures.yaml`` with a source line per figure;
this script only converts the machine-readable inputs. Deterministic: the same inputs give
byte-identical files.

    python scripts/build_tariff_data.py [--source DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "tradepivot" / "data" / "default" / "us_tariffs"
CH99 = "chapter99_2026_rev_6.txt"
CODE = re.compile(r"\b(\d{4})\.(\d{2})\.(\d{2})(?:\.(\d{2}))?\b")


def write(table: pa.Table, path: Path) -> Path:
    pq.write_table(table, path, compression="zstd", write_statistics=False, store_schema=False)
    return path


def mfn(src: Path) -> pa.Table:
    """Column 1 general rates per HTS8; ad valorem as a fraction, other kinds kept as text."""
    rows = []
    with (src / "mfn_rates_2025.csv").open(encoding="utf-8") as f:
        for line, r in enumerate(csv.DictReader(f), start=2):
            kind = r["rate_type"]
            advalorem = kind in ("ad_valorem", "free")
            rows.append(
                {
                    "hts8": r["hs8"],
                    "hs6": r["hs8"][:6],
                    "mfn_pct": round(float(r["mfn_rate"]) * 100, 6) if advalorem else None,
                    "rate_type": kind,
                    "rate_text": r["rate_raw"],
                    "source_line": line,
                }
            )
    rows.sort(key=lambda r: r["hts8"])
    return pa.Table.from_pylist(rows)


def _note_codes(lines: list[str], start: str, stop: str) -> list[tuple[str, int]]:
    """HTS codes (8 digits) listed between two markers of the chapter 99 notes."""
    first = next(i for i, text in enumerate(lines) if start in text)
    last = next(i for i, text in enumerate(lines) if i > first and stop in text)
    found = []
    for i in range(first, last):
        for m in CODE.finditer(lines[i]):
            code = "".join(g for g in m.groups() if g)
            if not code.startswith("99"):
                found.append((code[:8], i + 1))
    return found


def product_lists(src: Path) -> pa.Table:
    rows: list[dict[str, Any]] = []
    with (src / "ieepa_exempt_products.csv").open(encoding="utf-8") as f:
        for line, r in enumerate(csv.DictReader(f), start=2):
            code = r["hts10"].strip()
            if code.isdigit() and len(code) in (8, 10):
                rows.append(
                    {
                        "list": "ieepa-annex-ii",
                        "code": code,
                        "source": f"us-tariffs/ieepa_exempt_products.csv:{line}",
                    }
                )
    lines = (src / CH99).read_text(encoding="latin-1").split("\n")  # not splitlines(): form feeds
    s122 = _note_codes(
        lines,
        "(ii) As provided in heading 9903.03.03",
        "(iv) As provided in heading 9903.03.05",
    )
    rows += [
        {"list": "s122-exempt", "code": code, "source": f"us-tariffs/{CH99}:{line}"}
        for code, line in s122
    ]
    with (src / "s232_annex_products.csv").open(encoding="utf-8") as f:
        for line, r in enumerate(csv.DictReader(f), start=2):
            rows.append(
                {
                    "list": f"s232-{r['metal_type']}",
                    "code": r["hts_prefix"],
                    "source": f"us-tariffs/s232_annex_products.csv:{line}",
                }
            )
    unique = {(r["list"], r["code"]): r for r in rows}
    return pa.Table.from_pylist(sorted(unique.values(), key=lambda r: (r["list"], r["code"])))


def reciprocal_rates(src: Path) -> pa.Table:
    """Phase 2 headline rates per country (snapshot of 2025-11-17) with ISO3 codes."""
    config = yaml.safe_load((src / "config_2025-11-17_ieepa_reciprocal.yaml").read_text())
    params = yaml.safe_load((src / "policy_params.yaml").read_text())
    floors = {str(c) for c in params["floor_rates"]["floor_countries"]}
    with (src / "census_to_iso3.csv").open(encoding="utf-8") as f:
        iso = {r["cty_code"]: r["iso3"] for r in csv.DictReader(f)}
    default = float(config["headline_rates"]["default"])
    rows = []
    for code, rate in config["headline_rates"].items():
        code = str(code)
        if code == "default" or code not in iso:
            continue
        rows.append(
            {
                "iso3": iso[code],
                "census_code": code,
                "rate_pct": round(float(rate) * 100, 6),
                "floor": code in floors,
                "default_pct": default * 100,
            }
        )
    rows.sort(key=lambda r: r["iso3"])
    return pa.Table.from_pylist(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    src = args.source / "us-tariffs"
    if not src.is_dir():
        print(f"no {src}: pass --source DIR (the folder holding us-tariffs/)", file=sys.stderr)
        return 2
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "mfn_hts8": mfn(src),
        "product_lists": product_lists(src),
        "reciprocal_rates": reciprocal_rates(src),
    }
    files = {name: write(table, out / f"{name}.parquet") for name, table in tables.items()}
    inputs = sorted(
        p.name for p in src.iterdir() if p.suffix in (".csv", ".txt", ".yaml") and p.is_file()
    )
    digest = hashlib.sha256()
    for name in inputs:
        digest.update((src / name).read_bytes())
    lists = tables["product_lists"].column("list").to_pylist()
    manifest = {
        "id": "us-tariffs-2025-26",
        "title": "US tariff schedule (MFN 2025) and the 2025-2026 additional measures",
        "source": (
            "US Harmonized Tariff Schedule (USITC): column 1 rates 2025 and chapter 99, "
            "2026 revision 6; as collected by Budget-Lab-Yale/tariff-rate-tracker (MIT)"
        ),
        "terms": "US Government works (public domain); repository files MIT",
        "inputs": inputs,
        "inputs_sha256": digest.hexdigest(),
        "rows": {name: table.num_rows for name, table in tables.items()},
        "lists": {name: lists.count(name) for name in sorted(set(lists))},
        "files": [f"us_tariffs/{p.name}" for p in files.values()],
        "gaps": [
            "MFN rates are the 2025 schedule; specific and compound duties have no ad valorem "
            "equivalent in the source and are shown as text.",
            "Phase 2 reciprocal rates are a snapshot of 2025-11-17; changes to other countries' "
            "rates on other dates are not in the source.",
            "Section 232 (steel, aluminium, copper, autos, wood), Section 301 (China) and the "
            "fentanyl duties are not modelled; products on the Section 232 annex are flagged.",
        ],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"wrote {out} ({size / 1e3:.0f} kB): {manifest['rows']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

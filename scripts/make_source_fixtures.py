#!/usr/bin/env python3
"""Regenerate the loader test fixtures in ``tests/fixtures/sources/``.

Build-time helper, never run by users. It cuts small samples of real data out
of the project's shared data folder (``../shared/data`` next to the repository
by default) and writes them in the exact layouts users download:

* CEPII BACI (HS17 edition, V202501): ``BACI_HS17_Y2024_V202501.csv``,
  ``country_codes_V202501.csv``, ``product_codes_HS17_V202501.csv``;
* UN Comtrade: the comtradeplus "final data" CSV and the ``/data/v1/get`` API JSON;
* India EIDB: the raw scraped JSON and the project's tidy CSV;
* US Census international trade: the project's HTS10 CSV and the
  ``timeseries/intltrade/imports/hs`` API JSON;

plus deliberately broken copies (one defect each) and a README that states, for
every broken file, the 1-based physical line and the field that is wrong.

The output is deterministic: samples are chosen by MD5 of stable keys, nothing
depends on the clock, the locale or dict/set iteration order.

Usage::

    python scripts/make_source_fixtures.py [--data ../shared/data] [--out tests/fixtures/sources]

Needs duckdb (to read the Parquet world matrix); everything else is stdlib.
"""

from __future__ import annotations

import argparse
import copy
import csv
import gzip
import hashlib
import io
import json
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "tests" / "fixtures" / "sources"

BACI_NAME = "BACI_HS17_Y2024_V202501.csv"
BACI_COUNTRIES = "country_codes_V202501.csv"
BACI_PRODUCTS = "product_codes_HS17_V202501.csv"

# BACI numeric codes that differ from ISO 3166-1 numeric (BACI follows the
# Comtrade/M49 "reporter" codes for these), plus Taiwan as "Other Asia, nes".
BACI_CODE_OVERRIDES = {
    "FRA": 251,
    "ITA": 380,
    "NOR": 579,
    "IND": 699,
    "CHE": 757,
    "USA": 842,
    "S19": 490,
}

BACI_EXPORTERS = ("IND", "CHN", "TUR", "ITA")
BACI_IMPORTERS = ("RUS", "KAZ", "ARE", "BRA")
BACI_ROWS_PER_PAIR = 125  # 16 pairs -> 2,000 rows
BACI_SHORT_K_ROWS = 5  # rows written with k lacking its leading zero (10121 for 010121)

COMTRADE_HEADER = [
    "typeCode",
    "freqCode",
    "refPeriodId",
    "refYear",
    "refMonth",
    "period",
    "reporterCode",
    "reporterISO",
    "reporterDesc",
    "flowCode",
    "flowDesc",
    "partnerCode",
    "partnerISO",
    "partnerDesc",
    "partner2Code",
    "partner2ISO",
    "partner2Desc",
    "classificationCode",
    "classificationSearchCode",
    "isOriginalClassification",
    "cmdCode",
    "cmdDesc",
    "aggrLevel",
    "isLeaf",
    "customsCode",
    "customsDesc",
    "mosCode",
    "motCode",
    "motDesc",
    "qtyUnitCode",
    "qtyUnitAbbr",
    "qty",
    "isQtyEstimated",
    "altQtyUnitCode",
    "altQtyUnitAbbr",
    "altQty",
    "isAltQtyEstimated",
    "netWgt",
    "isNetWgtEstimated",
    "grossWgt",
    "isGrossWgtEstimated",
    "cifvalue",
    "fobvalue",
    "primaryValue",
    "legacyEstimationFlag",
    "isReported",
    "isAggregate",
]
assert len(COMTRADE_HEADER) == 47

CENSUS_CTY = ("5330", "5700", "5520", "0003")  # India, China, Vietnam, EU bloc
CENSUS_CHAPTERS = ("42", "64", "30", "85")
CENSUS_ROWS_PER_GROUP = 135
CENSUS_API_ROWS_PER_GROUP = 50
CENSUS_API_HEADER = [
    "CTY_CODE",
    "CTY_NAME",
    "I_COMMODITY",
    "I_COMMODITY_SDESC",
    "CON_VAL_YR",
    "CAL_DUT_YR",
    "time",
    "COMM_LVL",
]

EIDB_CSV = "india_eidb_exports_hs8_country_fy2017-18_to_2024-25.csv.gz"
EIDB_ROWS = 2000
CRLF = "\r\n"  # the shared EIDB CSV has Windows line ends; the fixtures keep them
EIDB_CORE_HS8 = ("42022110", "42022190", "64039990")
EIDB_CORE_COUNTRIES = ("RUSSIA", "U S A", "U ARAB EMTS", "KAZAKHSTAN", "BRAZIL")
# raw JSON: which per-year blocks to keep (the originals are 290-380 KB each)
EIDB_RAW_KEEP = {
    "42022110_export.json": ("2023", "2024"),
    "42022190_export.json": ("2024",),
    "64039990_export.json": ("2024",),
}
EIDB_MISLABELLED_SRC = "42022110_import_MISLABELLED_is_export_in_INR_crore.json"
EIDB_MISLABELLED_DST = "42022110_import.json"


# --------------------------------------------------------------------------- helpers


def h(*parts: object) -> str:
    """Stable hash used for every sampling decision."""
    return hashlib.md5("|".join(map(str, parts)).encode()).hexdigest()


def hint(*parts: object) -> int:
    return int(h(*parts)[:12], 16)


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def csv_line(fields: Sequence[str]) -> str:
    """One CSV record, minimal quoting, no line terminator."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(fields)
    return buf.getvalue()


def join_lines(lines: Iterable[str], eol: str = "\n") -> str:
    return "".join(line + eol for line in lines)


@dataclass
class Entry:
    """One README line."""

    path: str
    text: str


@dataclass
class Defect:
    line: int
    field: str
    wrong: str
    error: str


class Readme:
    def __init__(self) -> None:
        self.sections: list[tuple[str, str, list[Entry]]] = []

    def section(self, title: str, intro: str) -> list[Entry]:
        entries: list[Entry] = []
        self.sections.append((title, intro, entries))
        return entries


def broken_entry(base: str, d: Defect) -> str:
    return (
        f"BROKEN copy of `{base}` with one defect: line {d.line}, field `{d.field}`: {d.wrong}. "
        f"Expected error: {d.error}"
    )


# --------------------------------------------------------------------------- HS descriptions


# HS2017 subheadings that exist neither in HS2022 nor in HS2012 (so in neither reference file)
HS2017_ONLY = {"853950": "Lamps; light-emitting diode (LED) lamps"}


def load_hs_descriptions(data: Path) -> dict[str, str]:
    """HS code (2/4/6 digits) -> English description: HS2022, else HS2012, else HS2017_ONLY."""
    desc: dict[str, str] = dict(HS2017_ONLY)
    with (data / "reference/atlas/classification/hs12.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["product_level"] in ("2", "4", "6"):
                desc[r["code"]] = r["name_en"]
    with (data / "reference/hs/harmonized-system.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            desc[r["hscode"]] = r["description"]
    return desc


# --------------------------------------------------------------------------- synthetic quantities

# rough USD per metric tonne by HS chapter, only to make invented quantities plausible
_PRICE_BANDS = [
    (1, 5, 4000),
    (6, 14, 1500),
    (15, 15, 1200),
    (16, 24, 2500),
    (25, 26, 150),
    (27, 27, 600),
    (28, 29, 2000),
    (30, 30, 40000),
    (31, 38, 2500),
    (39, 40, 2500),
    (41, 43, 15000),
    (44, 49, 1200),
    (50, 60, 8000),
    (61, 63, 15000),
    (64, 67, 20000),
    (68, 70, 1000),
    (71, 71, 1_000_000),
    (72, 73, 1200),
    (74, 81, 5000),
    (82, 83, 8000),
    (84, 84, 20000),
    (85, 85, 30000),
    (86, 89, 15000),
    (90, 92, 60000),
    (93, 93, 20000),
    (94, 96, 5000),
    (97, 99, 100000),
]


def synthetic_tonnes(value_usd: int, hs6: str, salt: str) -> float:
    ch = int(hs6[:2])
    price = next(p for lo, hi, p in _PRICE_BANDS if lo <= ch <= hi)
    jitter = 0.6 + (hint(salt, hs6) % 1000) / 1000 * 0.9
    return max(value_usd / (price * jitter), 0.001)


# --------------------------------------------------------------------------- BACI


def baci_country_table(data: Path, iso3s: set[str]) -> dict[str, tuple[int, str, str]]:
    """ISO3 -> (BACI code, name, iso2) for every ISO3 in the world matrix."""
    out: dict[str, tuple[int, str, str]] = {}
    with (data / "reference/countries/country-codes.csv").open(encoding="utf-8") as f:
        rows = {r["ISO3166-1-Alpha-3"]: r for r in csv.DictReader(f) if r["ISO3166-1-Alpha-3"]}
    for iso3 in sorted(iso3s):
        if iso3 == "S19":
            out[iso3] = (490, "Other Asia, nes", "")
            continue
        r = rows[iso3]
        code = BACI_CODE_OVERRIDES.get(iso3, int(r["ISO3166-1-numeric"]))
        name = r["official_name_en"] or r["CLDR display name"]
        iso2 = r["ISO3166-1-Alpha-2"]
        if iso2 == "NA":  # BACI leaves Namibia's iso2 empty (a literal NA reads as missing)
            iso2 = ""
        out[iso3] = (code, name, iso2)
    return out


def make_baci(
    con: duckdb.DuckDBPyConnection, data: Path, out: Path, desc: dict[str, str], readme: Readme
) -> None:
    parquet = str(data / "world-hs6-2024/bilateral_hs6_2024.parquet")
    iso3s = {
        r[0]
        for r in con.execute(
            "select distinct exporter from read_parquet(?) union select distinct importer from "
            "read_parquet(?)",
            [parquet, parquet],
        ).fetchall()
    }
    ctab = baci_country_table(data, iso3s)

    picked: list[tuple[str, str, str, int]] = []
    for exp in BACI_EXPORTERS:
        for imp in BACI_IMPORTERS:
            rows = con.execute(
                "select hs6, value_usd from read_parquet(?) where exporter=? and importer=?",
                [parquet, exp, imp],
            ).fetchall()
            rows.sort(key=lambda r, e=exp, i=imp: h("baci", e, i, r[0]))
            picked += [(exp, imp, hs6, v) for hs6, v in rows[:BACI_ROWS_PER_PAIR]]

    zero_lead = sorted(
        (r for r in picked if r[2].startswith("0")), key=lambda r: h("short-k", r[0], r[1], r[2])
    )
    short_k = {(r[0], r[1], r[2]) for r in zero_lead[:BACI_SHORT_K_ROWS]}

    records = []
    for exp, imp, hs6, v in picked:
        i, j = ctab[exp][0], ctab[imp][0]
        k = hs6.lstrip("0") if (exp, imp, hs6) in short_k else hs6
        vv = f"{v // 1000}.{v % 1000:03d}"
        m = hint("q-missing", exp, imp, hs6) % 50
        if m == 0:
            q = "NA"
        elif m == 1:
            q = ""
        else:
            q = f"{synthetic_tonnes(v, hs6, exp + imp):.3f}"
        records.append((i, j, hs6, ["2024", str(i), str(j), k, vv, q]))
    records.sort(key=lambda r: (r[0], r[1], r[2]))
    header = "t,i,j,k,v,q"
    lines = [header] + [",".join(r[3]) for r in records]
    good = out / "baci/good"
    write_text(good / BACI_NAME, join_lines(lines))

    short_lines = [n + 2 for n, r in enumerate(records) if len(r[3][3]) == 5]
    na_lines = [n + 2 for n, r in enumerate(records) if r[3][5] == "NA"]
    blank_lines = [n + 2 for n, r in enumerate(records) if r[3][5] == ""]

    # country codes: every country of the world matrix, sorted by code
    cc_lines = ["country_code,country_name,country_iso2,country_iso3"]
    for iso3, (code, name, iso2) in sorted(ctab.items(), key=lambda kv: kv[1][0]):
        cc_lines.append(csv_line([str(code), name, iso2, iso3]))
    write_text(good / BACI_COUNTRIES, join_lines(cc_lines))

    codes = sorted({r[2] for r in records})
    missing_desc = [c for c in codes if c not in desc]
    pc_lines = ["code,description"] + [csv_line([c, desc.get(c, "")]) for c in codes]
    write_text(good / BACI_PRODUCTS, join_lines(pc_lines))

    # small good file (base of the broken ones): 20 rows with one short k, one NA q, one blank q
    def first(pred: Callable[[list[str]], bool]) -> list[str]:
        return next(r[3] for r in records if pred(r[3]))

    plain = [r[3] for r in records if len(r[3][3]) == 6 and r[3][5] not in ("", "NA")]
    plain.sort(key=lambda f: h("baci-small", *f))
    specials = [
        first(lambda f: len(f[3]) == 5),
        first(lambda f: f[5] == "NA"),
        first(lambda f: f[5] == ""),
    ]
    small_rows = sorted(plain[:17] + specials, key=lambda f: (int(f[1]), int(f[2]), f[3].zfill(6)))
    sp_line = [small_rows.index(f) + 2 for f in specials]  # short k, NA q, empty q

    def plain_line(preferred: int) -> int:
        """The first line >= preferred that holds an ordinary record."""
        return next(n for n in range(preferred, 22) if n not in sp_line)

    small_lines = [header] + [",".join(f) for f in small_rows]
    small_path = out / "baci/small" / BACI_NAME
    write_text(small_path, join_lines(small_lines))
    small_rel = "baci/small/" + BACI_NAME

    entries = readme.section(
        "CEPII BACI (HS17, V202501)",
        BACI_INTRO.format(
            rows=len(records),
            short=", ".join(map(str, short_lines)),
            na=len(na_lines),
            na_first=", ".join(map(str, na_lines[:5])),
            blank=len(blank_lines),
            blank_first=", ".join(map(str, blank_lines[:5])),
        ),
    )
    entries.append(
        Entry(
            f"baci/good/{BACI_NAME}",
            (
                f"{len(records)} real flows of 2024 from IND, CHN, TUR, ITA (i = 699, 156, 792, "
                f"380) into RUS, KAZ, ARE, BRA (j = 643, 398, 784, 76), {BACI_ROWS_PER_PAIR} per "
                "pair chosen by MD5 of (exporter, importer, hs6), sorted by i, j, k. Cut from "
                "world-hs6-2024/bilateral_hs6_2024.parquet; v = value_usd / 1000 (thousand USD, 3 "
                "decimals, exact). q is SYNTHETIC (value / a rough USD-per-tonne price for the HS "
                "chapter x a hash-based factor 0.6-1.5): do not use it as data. k written without "
                f"its leading zero on lines {', '.join(map(str, short_lines))}; q = `NA` on "
                f"{len(na_lines)} lines (first: {', '.join(map(str, na_lines[:5]))}), q empty on "
                f"{len(blank_lines)} lines (first: {', '.join(map(str, blank_lines[:5]))})."
            ),
        )
    )
    entries.append(
        Entry(
            f"baci/good/{BACI_COUNTRIES}",
            (
                f"{len(cc_lines) - 1} countries: every ISO3 that occurs in the world matrix, with "
                "BACI's codes (M49/ISO numeric, except 251 France, 579 Norway, 699 India, 757 "
                "Switzerland, 842 USA, 490 `Other Asia, nes` with ISO3 `S19` and empty iso2). "
                "Names are `official_name_en` from reference/countries/country-codes.csv, not "
                "BACI's own spellings; Namibia's iso2 left empty as in the real file."
            ),
        )
    )
    entries.append(
        Entry(
            f"baci/good/{BACI_PRODUCTS}",
            (
                f"{len(pc_lines) - 1} HS6 codes: exactly those used in the good BACI file (6 "
                "digits, leading zeros kept). Descriptions from reference/hs (HS2022 text) or, "
                "for codes not in HS2022, reference/atlas hs12.csv, and for 853950 (HS2017 only) "
                "the HS2017 text typed into the script"
                + (
                    f"; no description found for {', '.join(missing_desc)} (left empty)"
                    if missing_desc
                    else ""
                )
                + ". The real file lists all ~5,600 HS17 codes; 999999 is absent from both."
            ),
        )
    )
    entries.append(
        Entry(
            small_rel,
            (
                f"GOOD, 20 rows taken from the good file, sorted like it; line {sp_line[0]} has a "
                f"5-digit k (`{specials[0][3]}`), line {sp_line[1]} has q = `NA`, line "
                f"{sp_line[2]} has an empty q. Base of every broken BACI file below. Use the "
                "country and product files of baci/good/ with it."
            ),
        )
    )

    def broken(name: str, lines: list[str], d: Defect) -> None:
        rel = f"baci/broken/{name}/{BACI_NAME}"
        write_text(out / rel, join_lines(lines))
        entries.append(Entry(rel, broken_entry(small_rel, d)))

    def mutate(lineno: int, col: int, value: str) -> list[str]:
        rows = [list(f) for f in small_rows]
        rows[lineno - 2][col] = value
        return [header] + [csv_line(f) for f in rows]

    ln = plain_line(8)
    rows = [list(f) for f in small_rows]
    fields = rows[ln - 2][:5]
    lines = [header] + [",".join(f) for f in rows]
    lines[ln - 1] = ",".join(fields)
    broken(
        "malformed_row",
        lines,
        Defect(
            ln,
            "q (whole record)",
            f"the record `{lines[ln - 1]}` has 5 fields instead of 6 (q and its comma are gone)",
            f'"line {ln}: expected 6 fields (t,i,j,k,v,q), found 5"',
        ),
    )

    lines = ["t,i,j,k,q"] + [",".join(f[:4] + f[5:]) for f in small_rows]
    broken(
        "missing_column_v",
        lines,
        Defect(
            1,
            "v (header)",
            "the header is `t,i,j,k,q`: column v is missing from the header and from every record",
            "\"missing required column 'v' (BACI header must be t,i,j,k,v,q)\"",
        ),
    )

    ln = plain_line(5)
    broken(
        "unknown_country_code",
        mutate(ln, 1, "999"),
        Defect(
            ln,
            "i",
            "exporter code 999, which is not in country_codes_V202501.csv",
            f'"line {ln}: unknown exporter code 999 in column i (not in '
            'country_codes_V202501.csv)"',
        ),
    )

    ln = plain_line(11)
    neg = "-" + small_rows[ln - 2][4]
    broken(
        "negative_value",
        mutate(ln, 4, neg),
        Defect(
            ln,
            "v",
            f"v = `{neg}` (BACI only records strictly positive flows)",
            f'"line {ln}: v must be > 0, got {neg}"',
        ),
    )

    ln = plain_line(14)
    broken(
        "non_numeric_value",
        mutate(ln, 4, "12,5x"),
        Defect(
            ln,
            "v",
            'v = `12,5x` (written quoted, `"12,5x"`, so the record still has 6 fields)',
            f"\"line {ln}: v is not a number: '12,5x'\"",
        ),
    )

    ln = plain_line(17)
    broken(
        "unknown_hs_code",
        mutate(ln, 3, "999999"),
        Defect(
            ln,
            "k",
            "k = `999999`, not an HS2017 subheading and not in product_codes_HS17_V202501.csv",
            f'"line {ln}: unknown HS17 product code 999999 in column k"',
        ),
    )


BACI_INTRO = """\
Layout confirmed from CEPII's documentation
(http://www.cepii.fr/DATA_DOWNLOAD/baci/doc/baci_webpage.html and DescriptionBACI.html): one CSV
per year named `BACI_HSxx_Yyear_Vversion.csv`, columns t (year), i (exporter code), j (importer
code), k (HS6), v (value, thousand current USD), q (quantity, metric tons); comma separated, dot
decimals; only strictly positive flows; CEPII warns that reading k as a number drops its leading
zeros. The header of `country_codes_V202501.csv`
(`country_code,country_name,country_iso2,country_iso3`) and its special rows (`490,"Other Asia,
nes",,S19`, Namibia with an empty iso2, 251 France, 699 India, 757 Switzerland, 842 USA) were read
in a republished copy of the real file (GitHub tomasdata/Trade-Finance,
`country_codes_V202501.csv`); the `code,description` header of the product file in third-party BACI
readers (e.g. GitHub gamwtonkreza/pare5 `parse_baci.py`). Tools that zero-pad k after reading (e.g.
Seafood-Globalization-Lab/artis-model `R/load_baci.R`) show that k is met without leading zeros;
the good file below mixes both forms on purpose. Missing q: the good file uses both `NA` and an
empty field."""


# --------------------------------------------------------------------------- Comtrade


def comtrade_record(
    flow: str,
    partner: tuple[int, str, str],
    cmd: str,
    cmd_desc: str,
    aggr: int,
    value: int,
    net_kg: int | None,
) -> dict[str, object]:
    is_leaf = aggr == 6
    pv = float(value)
    return {
        "typeCode": "C",
        "freqCode": "A",
        "refPeriodId": 20240101,
        "refYear": 2024,
        "refMonth": 52,
        "period": "2024",
        "reporterCode": 699,
        "reporterISO": "IND",
        "reporterDesc": "India",
        "flowCode": flow,
        "flowDesc": "Import" if flow == "M" else "Export",
        "partnerCode": partner[0],
        "partnerISO": partner[1],
        "partnerDesc": partner[2],
        "partner2Code": 0,
        "partner2ISO": "W00",
        "partner2Desc": "World",
        "classificationCode": "H5",
        "classificationSearchCode": "HS",
        "isOriginalClassification": False,
        "cmdCode": cmd,
        "cmdDesc": cmd_desc,
        "aggrLevel": aggr,
        "isLeaf": is_leaf,
        "customsCode": "C00",
        "customsDesc": "TOTAL CPC",
        "mosCode": "0",
        "motCode": 0,
        "motDesc": "TOTAL MOT",
        "qtyUnitCode": 8 if net_kg is not None else -1,
        "qtyUnitAbbr": "kg" if net_kg is not None else "N/A",
        "qty": float(net_kg) if net_kg is not None else None,
        "isQtyEstimated": False,
        "altQtyUnitCode": -1,
        "altQtyUnitAbbr": "N/A",
        "altQty": None,
        "isAltQtyEstimated": False,
        "netWgt": float(net_kg) if net_kg is not None else None,
        "isNetWgtEstimated": False,
        "grossWgt": None,
        "isGrossWgtEstimated": False,
        "cifvalue": pv if flow == "M" else None,
        "fobvalue": pv if flow == "X" else None,
        "primaryValue": pv,
        "legacyEstimationFlag": 0,
        "isReported": True,
        "isAggregate": False,
    }


def comtrade_csv_value(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def comtrade_csv_lines(records: list[dict[str, object]]) -> list[str]:
    return [csv_line(COMTRADE_HEADER)] + [
        csv_line([comtrade_csv_value(r[c]) for c in COMTRADE_HEADER]) for r in records
    ]


def make_comtrade(
    con: duckdb.DuckDBPyConnection, data: Path, out: Path, desc: dict[str, str], readme: Readme
) -> None:
    parquet = str(data / "world-hs6-2024/bilateral_hs6_2024.parquet")
    rus = (643, "RUS", "Russian Federation")
    world = (0, "W00", "World")
    flows = {"M": ("IND", "RUS"), "X": ("RUS", "IND")}  # (importer, exporter) in the matrix
    records: list[dict[str, object]] = []
    n_leaf: dict[str, int] = {}
    for flow, (imp, exp) in flows.items():
        rows = con.execute(
            "select hs6, value_usd from read_parquet(?) where importer=? and exporter=?",
            [parquet, imp, exp],
        ).fetchall()
        by_value = sorted(rows, key=lambda r: (-r[1], r[0]))
        top = by_value[:40]
        rest = sorted(by_value[40:], key=lambda r: h("comtrade", flow, r[0]))[:110]
        leaf = top + rest
        n_leaf[flow] = len(leaf)
        for hs6, v in leaf:
            kg = round(synthetic_tonnes(v, hs6, "comtrade" + flow) * 1000)
            records.append(comtrade_record(flow, rus, hs6, desc.get(hs6, ""), 6, v, max(kg, 1)))
        total = sum(v for _, v in rows)
        records.append(comtrade_record(flow, rus, "TOTAL", "All Commodities", 0, total, None))
        for level, n in ((2, 8), (4, 5)):
            sums: dict[str, int] = {}
            for hs6, v in rows:
                sums[hs6[:level]] = sums.get(hs6[:level], 0) + v
            for code, v in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))[:n]:
                records.append(comtrade_record(flow, rus, code, desc.get(code, ""), level, v, None))
    # partner World, imports only (India's imports are complete in the matrix; its exports to
    # the six missing importers, USA among them, are not, so an exports-to-World row would be
    # wrong)
    rows = con.execute(
        "select hs6, value_usd from read_parquet(?) where importer='IND'", [parquet]
    ).fetchall()
    records.append(
        comtrade_record("M", world, "TOTAL", "All Commodities", 0, sum(v for _, v in rows), None)
    )
    sums = {}
    for hs6, v in rows:
        sums[hs6[:2]] = sums.get(hs6[:2], 0) + v
    for code, v in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))[:5]:
        records.append(comtrade_record("M", world, code, desc.get(code, ""), 2, v, None))

    def order(r: dict[str, object]) -> tuple[object, ...]:
        return (r["flowCode"], r["partnerCode"], r["cmdCode"] != "TOTAL", r["cmdCode"])

    records.sort(key=order)
    csv_name = "TradeData_IND_2024_H5_M-X_RUS-W00.csv"
    good = out / "comtrade/good"
    lines = comtrade_csv_lines(records)
    write_text(good / csv_name, join_lines(lines))

    # API JSON: all aggregate rows + 40 HS6 rows per flow, same values as the CSV
    api_recs = [r for r in records if r["aggrLevel"] != 6]
    for flow in ("M", "X"):
        leafs = [r for r in records if r["aggrLevel"] == 6 and r["flowCode"] == flow]
        leafs.sort(key=lambda r: h("comtrade-api", r["flowCode"], r["cmdCode"]))
        api_recs += leafs[:40]
    api_recs.sort(key=order)
    api = {"elapsedTime": "0.42 secs", "count": len(api_recs), "data": api_recs, "error": ""}
    json_name = "get_C_A_HS_reporter699_2024.json"
    write_text(good / json_name, json.dumps(api, ensure_ascii=False, separators=(",", ":")))

    line_of = {
        (r["flowCode"], r["partnerCode"], r["cmdCode"]): n + 2 for n, r in enumerate(records)
    }
    agg_lines = sorted(n for (_, _, c), n in line_of.items() if not str(c).isdigit())

    entries = readme.section("UN Comtrade (final data, HS)", COMTRADE_INTRO)
    entries.append(
        Entry(
            f"comtrade/good/{csv_name}",
            (
                f"{len(records)} records in the comtradeplus 'final data' CSV layout (47 columns, "
                "header on line 1): reporter India (699/IND), classificationCode H5 (HS2017, "
                "isOriginalClassification False since India reports 2024 in HS2022), imports (M) "
                f"from and exports (X) to Russia (643/RUS) for {n_leaf['M']} + {n_leaf['X']} HS6 "
                "codes (the 40 largest per flow + 110 chosen by MD5), plus aggregate rows "
                "(cmdCode TOTAL with aggrLevel 0, the 8 largest chapters with aggrLevel 2, the 5 "
                "largest headings with aggrLevel 4, isLeaf False) and partner World (0/W00) "
                "import rows (TOTAL and the 5 largest chapters). Aggregate rows are on lines "
                f"{', '.join(map(str, agg_lines))}. Values are USD from "
                "world-hs6-2024/bilateral_hs6_2024.parquet (M = importer IND, exporter RUS; X = "
                "importer RUS, exporter IND), i.e. BACI's reconciled mirror values, not India's "
                "own declarations; aggregates are sums over every HS6 of the matrix (which has no "
                "heading 2710 at all). primaryValue = cifvalue for M, = fobvalue for X. "
                "qty/netWgt (kg) on HS6 rows are SYNTHETIC; empty on aggregate rows. No "
                "exports-to-World row: the matrix lacks six importers (USA, DEU, FRA, GBR, NLD, "
                "ESP), so that total would be wrong."
            ),
        )
    )
    entries.append(
        Entry(
            f"comtrade/good/{json_name}",
            (
                "The same figures as the API returns them from "
                "`https://comtradeapi.un.org/data/v1/get/C/A/HS?reporterCode=699&period=2024&...` "
                "with includeDesc=true: one compact JSON line, "
                '`{"elapsedTime","count","data","error"}`, '
                f"count = {len(api_recs)} records (every aggregate row of the CSV + 40 HS6 rows "
                "per flow chosen by MD5), the same 47 keys in the same order, booleans as "
                "true/false, missing numbers as null, values as floats (e.g. 1234.0)."
            ),
        )
    )

    # small CSV: 4 aggregates + 11 HS6 rows
    small_recs = [r for r in records if r["cmdCode"] == "TOTAL"][:3]
    small_recs += [r for r in records if r["aggrLevel"] == 2 and r["partnerCode"] == 643][:1]
    leafs = [r for r in records if r["aggrLevel"] == 6]
    leafs.sort(key=lambda r: h("comtrade-small", r["flowCode"], r["cmdCode"]))
    small_recs += leafs[:11]
    small_recs.sort(key=order)
    small_lines = comtrade_csv_lines(small_recs)
    small_rel = f"comtrade/small/{csv_name}"
    write_text(out / small_rel, join_lines(small_lines))
    entries.append(
        Entry(
            small_rel,
            (
                f"GOOD, {len(small_recs)} records taken from the good CSV (3 TOTAL rows, 1 chapter "
                "row, 11 HS6 rows). Base of the broken Comtrade CSVs below."
            ),
        )
    )

    def broken(name: str, lines: list[str], d: Defect) -> None:
        rel = f"comtrade/broken/{name}"
        write_text(out / rel, join_lines(lines))
        entries.append(Entry(rel, broken_entry(small_rel, d)))

    def mutate(lineno: int, col: str, value: str) -> list[str]:
        recs = copy.deepcopy(small_recs)
        rows = [[comtrade_csv_value(r[c]) for c in COMTRADE_HEADER] for r in recs]
        rows[lineno - 2][COMTRADE_HEADER.index(col)] = value
        return [csv_line(COMTRADE_HEADER)] + [csv_line(f) for f in rows]

    def leaf_line(start: int) -> int:
        for n in range(start, len(small_recs) + 2):
            if small_recs[n - 2]["aggrLevel"] == 6:
                return n
        raise AssertionError

    keep = [c for c in COMTRADE_HEADER if c != "primaryValue"]
    lines = [csv_line(keep)] + [
        csv_line([comtrade_csv_value(r[c]) for c in keep]) for r in small_recs
    ]
    broken(
        "missing_primaryValue.csv",
        lines,
        Defect(
            1,
            "primaryValue (header)",
            "column primaryValue is absent from the header and from every record (46 columns; "
            "cifvalue/fobvalue are still there)",
            "\"missing required column 'primaryValue'\" (a loader must not silently fall back to "
            "cifvalue/fobvalue without saying so)",
        ),
    )

    ln = leaf_line(6)
    broken(
        "non_numeric_primaryValue.csv",
        mutate(ln, "primaryValue", "12,5x"),
        Defect(
            ln,
            "primaryValue",
            "primaryValue = `12,5x` (quoted, so the record keeps 47 fields)",
            f"\"line {ln}: primaryValue is not a number: '12,5x'\"",
        ),
    )

    ln = leaf_line(9)
    broken(
        "unknown_reporter_code.csv",
        mutate(ln, "reporterCode", "999"),
        Defect(
            ln,
            "reporterCode",
            "reporterCode = `999` (no such Comtrade/M49 reporter; reporterISO and reporterDesc on "
            "that line still say IND/India)",
            f'"line {ln}: unknown reporterCode 999" (or a mismatch between reporterCode 999 and '
            "reporterISO IND)",
        ),
    )

    ln = leaf_line(12)
    lines = mutate(ln, "primaryValue", comtrade_csv_value(small_recs[ln - 2]["primaryValue"]))
    cut = COMTRADE_HEADER.index("cmdDesc")
    rec_fields = next(csv.reader([lines[ln - 1]]))
    lines[ln - 1] = csv_line(rec_fields[:cut])
    broken(
        "malformed_row.csv",
        lines,
        Defect(
            ln,
            "cmdDesc and every later field",
            f"the record stops after cmdCode: {cut} fields instead of 47",
            f'"line {ln}: expected 47 fields, found {cut}"',
        ),
    )

    err = {
        "elapsedTime": "0.01 secs",
        "count": 0,
        "data": [],
        "error": "Invalid value for parameter reporterCode: 9999",
    }
    write_text(
        out / "comtrade/broken/api_error_no_data.json", json.dumps(err, separators=(",", ":"))
    )
    entries.append(
        Entry(
            "comtrade/broken/api_error_no_data.json",
            (
                "BROKEN: API envelope with `error` set, count 0 and an empty `data` list (line 1, "
                "field `error`). Expected error: the loader raises with the API's message, e.g. "
                '"Comtrade API error: Invalid value for parameter reporterCode: 9999", '
                "never returns an empty table. The envelope keys are real; the message text is "
                "invented (not confirmed)."
            ),
        )
    )
    gw = {
        "statusCode": 401,
        "message": "Access denied due to invalid subscription key. Make sure "
        "to provide a valid key for an active subscription.",
    }
    write_text(
        out / "comtrade/broken/api_http401_invalid_key.json", json.dumps(gw, separators=(",", ": "))
    )
    entries.append(
        Entry(
            "comtrade/broken/api_http401_invalid_key.json",
            (
                "BROKEN: the body the API gateway sends with HTTP 401 (line 1: no `data` at all, "
                "fields `statusCode`, `message`). Keys as read by uncomtrade/comtradeapicall "
                "`src/comtradeapicall/PreviewGet.py`; message text as printed in "
                "uncomtrade/comtradeapicall issue #23. Expected error: "
                '"Comtrade API error 401: Access denied due to invalid subscription key...".'
            ),
        )
    )


COMTRADE_INTRO = """\
The 47 column names and their order are those of a real API response recorded as a test fixture in
ropensci/comtradr (`tests/testthat/goods/comtradeapi.un.org/data/v1/get/C/A/HS-60a6ad.json`,
envelope `{"elapsedTime": "0.03 secs", "count": 4, "data": [...], "error": ""}`), and the same list
appears as the header of a downloaded comtradeplus CSV quoted in
laureleallen/Economic-warfare-portfolio. That fixture also fixed the value conventions used here:
refMonth 52 and refPeriodId YYYY0101 for annual data, partner2 0/W00/World, customsCode C00 "TOTAL
CPC", mosCode "0" (a string), motCode 0 "TOTAL MOT", qtyUnitCode -1 "N/A" with null qty/netWgt on
TOTAL rows, cifvalue set and fobvalue null for imports (the reverse for exports), primaryValue as a
float, legacyEstimationFlag 0. An empty answer is `{"elapsedTime": "0.09 secs", "count": 0, "data":
[], "error": ""}` (comtradr `goods_bulk_error` fixture). Bulk files from `/bulk/v1/file/...` are
different: gzip'd TAB-separated text (`C_A_32_196201_S1_O.txt.gz`, Content-Type application/TSV,
comtradr `goods_bulk` fixture); no fixture of that form is generated."""


# --------------------------------------------------------------------------- India EIDB


def trimmed_raw(src: Path, keep: Sequence[str]) -> str:
    raw = src.read_text(encoding="utf-8")
    doc = json.loads(raw)
    # the originals are exactly json.dumps(indent=2), so a trimmed copy keeps their byte format
    assert json.dumps(doc, indent=2) == raw, src
    doc["years"] = {y: b for y, b in doc["years"].items() if y in keep}
    doc["metadata"]["years_count"] = len(doc["years"])
    return json.dumps(doc, indent=2)


def make_eidb(data: Path, out: Path, readme: Readme) -> None:
    entries = readme.section("India EIDB (DGCI&S export statistics)", EIDB_INTRO)
    raw_dir = data / "india-eidb/raw-samples"
    for name, keep in EIDB_RAW_KEEP.items():
        rel = f"india_eidb/raw/{name}"
        write_text(out / rel, trimmed_raw(raw_dir / name, keep))
        entries.append(
            Entry(
                rel,
                (
                    f"GOOD raw scraped JSON: india-eidb/raw-samples/{name} with only the per-year "
                    f"block(s) {', '.join(repr(k) for k in keep)} kept (of 7) and "
                    f"metadata.years_count set to {len(keep)}; every kept block is byte-for-byte "
                    "the original (same 2-space JSON). Values USD million; quantities in the "
                    "commodity's unit."
                ),
            )
        )
    rel = f"india_eidb/raw/{EIDB_MISLABELLED_DST}"
    write_text(out / rel, trimmed_raw(raw_dir / EIDB_MISLABELLED_SRC, ("2023", "2024")))
    entries.append(
        Entry(
            rel,
            (
                "MUST BE REFUSED (or loaded only with a loud warning): "
                f"india-eidb/raw-samples/{EIDB_MISLABELLED_SRC}, blocks '2023' and '2024' kept, "
                "renamed so that only its content gives it away. metadata.trade_type says "
                "`import`, but every block's source_url is "
                "`.../commodity_wise_all_countries_export` and the figures are India's EXPORTS in "
                "INR crore under the key `values_usd` (about 8.3 x the USD-million figures of "
                "42022110_export.json for the same country and year; `india_total` is ~3.7 "
                "million instead of ~437,000). Expected error: "
                '"42022110_import.json: labelled import but scraped from the export page, values '
                'look like INR crore, refusing".'
            ),
        )
    )

    # tidy CSV
    with gzip.open(data / "india-eidb" / EIDB_CSV, "rt", encoding="utf-8", newline="") as fh:
        all_lines = fh.read().split(CRLF)
    header = all_lines[0]
    body = [row for row in all_lines[1:] if row]
    assert header == "flow,hs8,fy,country_eidb,value_usd_mn,quantity,unit", header
    ch = [(n, row) for n, row in enumerate(body) if row.split(",")[1][:2] in ("42", "64")]
    core = set()
    for n, row in ch:
        fields = row.split(",")
        if fields[1] in EIDB_CORE_HS8 and fields[3] in EIDB_CORE_COUNTRIES:
            core.add(n)
    rest = sorted((n for n, _ in ch if n not in core), key=lambda n: h("eidb", body[n]))
    chosen = sorted(core | set(rest[: EIDB_ROWS - len(core)]))
    tidy_rows = [body[n] for n in chosen]
    tidy_name = "india_eidb_exports_hs8_country_ch42_ch64.csv"
    rel = f"india_eidb/tidy/{tidy_name}"
    write_text(out / rel, join_lines([header, *tidy_rows], CRLF))
    parsed = [row.split(",") for row in tidy_rows]
    blank_q = [n + 2 for n, f in enumerate(parsed) if f[5] == ""]
    zero_v = sum(1 for f in parsed if f[4] == "0.0")
    entries.append(
        Entry(
            rel,
            (
                f"GOOD, {len(tidy_rows)} real rows (chapters 42 and 64) copied byte-for-byte, in "
                f"source order, from india-eidb/{EIDB_CSV}: all {len(core)} rows of HS8 "
                f"{', '.join(EIDB_CORE_HS8)} for {', '.join(EIDB_CORE_COUNTRIES)}, the rest chosen "
                f"by MD5 of the line. {zero_v} rows have value_usd_mn `0.0` (below USD 5,000, a "
                f"real value, not missing); quantity is empty on {len(blank_q)} lines (first: "
                f"{', '.join(map(str, blank_q[:5]))})."
            ),
        )
    )

    # small tidy CSV, base of the broken ones
    small = [
        row
        for row in tidy_rows
        if row.split(",")[1] == "42022110" and row.split(",")[3] in ("RUSSIA", "U S A")
    ]
    small += [
        row
        for row in tidy_rows
        if row.split(",")[1] == "64039990" and row.split(",")[3] == "RUSSIA"
    ][:4]
    assert len(small) == 20, len(small)
    small_rel = "india_eidb/small/india_eidb_exports_small.csv"
    write_text(out / small_rel, join_lines([header, *small], CRLF))
    entries.append(
        Entry(
            small_rel,
            (
                "GOOD, 20 rows of the tidy file (HS8 42022110 to RUSSIA and U S A, FY2017-18 to "
                "2024-25; 4 rows of 64039990 to RUSSIA). Base of the broken tidy files below."
            ),
        )
    )

    cols = header.split(",")

    def mutate(lineno: int, col: str, value: str) -> list[str]:
        rows = [row.split(",") for row in small]
        assert rows[lineno - 2][cols.index(col)] not in ("", "0.0")
        rows[lineno - 2][cols.index(col)] = value
        return [header] + [csv_line(r) for r in rows]

    def broken(name: str, lines: list[str], d: Defect) -> None:
        rel = f"india_eidb/broken/{name}"
        write_text(out / rel, join_lines(lines, CRLF))
        entries.append(Entry(rel, broken_entry(small_rel, d)))

    ln = 4
    broken(
        "unknown_country.csv",
        mutate(ln, "country_eidb", "RUSIA"),
        Defect(
            ln,
            "country_eidb",
            "`RUSIA`, a spelling EIDB never uses (the real one is `RUSSIA`)",
            f"\"line {ln}: unknown EIDB country name 'RUSIA' (not in the EIDB-to-ISO3 table)\"",
        ),
    )
    ln = 7
    broken(
        "bad_fy_range.csv",
        mutate(ln, "fy", "2024-26"),
        Defect(
            ln,
            "fy",
            "`2024-26` (the second year must be the first + 1)",
            f"\"line {ln}: bad fiscal year '2024-26' (expected YYYY-YY with consecutive years)\"",
        ),
    )
    ln = 10
    broken(
        "bad_fy_format.csv",
        mutate(ln, "fy", "24-25"),
        Defect(
            ln,
            "fy",
            "`24-25` (two-digit start year)",
            f"\"line {ln}: bad fiscal year '24-25' (expected YYYY-YY, e.g. 2024-25)\"",
        ),
    )
    ln = 12
    v = small[ln - 2].split(",")[4]
    broken(
        "negative_value.csv",
        mutate(ln, "value_usd_mn", "-" + v),
        Defect(ln, "value_usd_mn", f"`-{v}`", f'"line {ln}: value_usd_mn must be >= 0, got -{v}"'),
    )
    ln = 15
    broken(
        "non_numeric_value.csv",
        mutate(ln, "value_usd_mn", "12,5x"),
        Defect(
            ln,
            "value_usd_mn",
            "`12,5x` (quoted, so the record keeps 7 fields)",
            f"\"line {ln}: value_usd_mn is not a number: '12,5x'\"",
        ),
    )
    ln = 18
    hs8 = small[ln - 2].split(",")[1]
    broken(
        "hs8_7_digits.csv",
        mutate(ln, "hs8", hs8[:7]),
        Defect(
            ln,
            "hs8",
            f"`{hs8[:7]}` (7 digits; the last digit of {hs8} was dropped, so zero-padding on the "
            "left would give a wrong code)",
            f"\"line {ln}: hs8 must have 8 digits, got '{hs8[:7]}'\"",
        ),
    )
    keep_cols = [c for c in cols if c != "value_usd_mn"]
    lines = [",".join(keep_cols)] + [
        ",".join(f for c, f in zip(cols, row.split(","), strict=True) if c != "value_usd_mn")
        for row in small
    ]
    broken(
        "missing_column_value_usd_mn.csv",
        lines,
        Defect(
            1,
            "value_usd_mn (header)",
            "column value_usd_mn is absent from the header and every record",
            "\"missing required column 'value_usd_mn'\"",
        ),
    )

    # truncated raw JSON
    text = (out / "india_eidb/raw/64039990_export.json").read_text(encoding="utf-8")
    cut_at = text.index("\n", len(text) // 2)
    cut_at = text.index('"y2023_2024"', cut_at) + len('"y2023_')
    truncated = text[:cut_at]
    rel = "india_eidb/broken/64039990_export_truncated.json"
    write_text(out / rel, truncated)
    last_line = truncated.count("\n") + 1
    entries.append(
        Entry(
            rel,
            (
                "BROKEN copy of `india_eidb/raw/64039990_export.json` cut in the middle of a key: "
                f"the file ends on line {last_line} (`{truncated.rsplit(chr(10), 1)[-1].strip()}`, "
                "no newline, brackets never closed). Expected error: "
                '"64039990_export_truncated.json: not valid JSON (truncated? unexpected end of '
                f'data at line {last_line})"; never a partial load.'
            ),
        )
    )


EIDB_INTRO = """\
Raw JSON: the format of the scraped EIDB pages committed in
dassoumyajitsenrysa-dataminer/tradestat-ingestor (see ../shared/data/README.md; no public schema
exists, so the samples are the reference). Top level `{"hsn_code", "years": {"YYYY": block},
"metadata": {"consolidated_at", "trade_type", "years_count", "schema_version"}}`; each block
`{"metadata", "commodity": {"hsn_code", "description", "unit"}, "report_date", "countries":
[{"sno", "country", "values_usd": {"y2023_2024", "y2024_2025", "pct_growth"}, "values_quantity":
{...}}], "totals"}`. Traps for a loader: the keys `y2023_2024` and `y2024_2025` are fixed labels;
in block "Y" they hold FY (Y-1)-Y and FY Y-(Y+1) (block "2023" holds 2022-23 and 2023-24: checked
against the tidy CSV); missing values are null; `0.0` means under USD 5,000; in `totals`,
`y2024_2025` of `total` and `india_total` is a growth rate in percent, not a value. Tidy CSV: the
header of ../shared/data/india-eidb/india_eidb_exports_hs8_country_fy2017-18_to_2024-25.csv.gz
(`flow,hs8,fy,country_eidb,value_usd_mn,quantity,unit`), CRLF line ends (as in the source file,
kept in every EIDB CSV fixture), no quoting."""


# --------------------------------------------------------------------------- US Census


def census_api_text(rows: list[list[str]]) -> str:
    """The Census API layout: a JSON array of arrays of strings, one row per line."""
    dump = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows]
    return "[" + ",\n".join(dump) + "]"


def make_census(data: Path, out: Path, readme: Readme) -> None:
    entries = readme.section("US Census international trade (imports, 2024)", CENSUS_INTRO)
    src = data / "us-census-2024/us_imports_2024_hts10_by_partner_top50_plus_eu.csv.gz"
    with gzip.open(src, "rt", encoding="utf-8", newline="") as fh:
        text = fh.read()
    lines = text.split("\n")
    header = lines[0]
    assert header == "cty_code,iso3,cty_name,hts10,hs6,value_usd,duty_usd,description", header
    body = [row for row in lines[1:] if row]
    groups: dict[tuple[str, str], list[int]] = {}
    parsed: dict[int, list[str]] = {}
    for n, row in enumerate(body):
        if not row.startswith(CENSUS_CTY):
            continue
        f = next(csv.reader([row]))
        if f[0] in CENSUS_CTY and f[3][:2] in CENSUS_CHAPTERS:
            groups.setdefault((f[0], f[3][:2]), []).append(n)
            parsed[n] = f
    chosen: list[int] = []
    api_chosen: list[int] = []
    for key in sorted(groups):
        ns = sorted(groups[key], key=lambda n: h("census", body[n]))
        chosen += ns[:CENSUS_ROWS_PER_GROUP]
        api_chosen += ns[:CENSUS_API_ROWS_PER_GROUP]
    chosen.sort()
    api_chosen.sort()
    name = "us_imports_2024_hts10_by_partner_sample.csv"
    rel = f"us_census/good/{name}"
    write_text(out / rel, join_lines([header] + [body[n] for n in chosen]))
    counts = {k: min(len(v), CENSUS_ROWS_PER_GROUP) for k, v in groups.items()}
    entries.append(
        Entry(
            rel,
            (
                f"GOOD, {len(chosen)} real rows copied byte-for-byte, in source order, from "
                "us-census-2024/us_imports_2024_hts10_by_partner_top50_plus_eu.csv.gz: cty_code "
                "5330 INDIA, 5700 CHINA, 5520 VIETNAM, 0003 EUROPEAN UNION (iso3 EU27, a bloc) x "
                f"HTS chapters 42, 64, 30, 85, up to {CENSUS_ROWS_PER_GROUP} rows per (country, "
                f"chapter) chosen by MD5 (Vietnam chapter 30 has only {counts[('5520', '30')]}). "
                "value_usd = imports for consumption, duty_usd = calculated duty, calendar 2024; "
                "hts10/hs6 are HTS 2024 (HS2022-based) codes with leading zeros; descriptions are "
                "quoted only when they contain a comma."
            ),
        )
    )

    def api_row(f: list[str]) -> list[str]:
        return [f[0], f[2], f[3], f[7], f[5], f[6], "2024-12", "HS10"]

    api_rows = [CENSUS_API_HEADER] + [api_row(parsed[n]) for n in api_chosen]
    api_name = "imports_hs_2024-12_HS10.json"
    rel = f"us_census/good/{api_name}"
    write_text(out / rel, census_api_text(api_rows))
    entries.append(
        Entry(
            rel,
            (
                "GOOD, Census API layout: line 1 is the header row "
                f"{json.dumps(CENSUS_API_HEADER)}, then {len(api_rows) - 1} data rows, one per "
                "line, all values strings, the whole being one JSON array. Same real figures as "
                f"the CSV (up to {CENSUS_API_ROWS_PER_GROUP} rows per country x chapter, a subset "
                "of the CSV rows): CON_VAL_YR = value_usd, CAL_DUT_YR = duty_usd, time `2024-12` "
                "(December year-to-date = the whole of 2024), COMM_LVL `HS10`, as the API answers "
                "`.../timeseries/intltrade/imports/hs?get=CTY_CODE,CTY_NAME,I_COMMODITY,"
                "I_COMMODITY_SDESC,CON_VAL_YR,CAL_DUT_YR&time=2024-12&COMM_LVL=HS10` "
                "(predicate variables are appended as trailing columns). GEN_VAL_YR (general "
                "imports) is not included: the shared data has no general-imports figure, and "
                "inventing one would make the fixture lie."
            ),
        )
    )

    # small CSV + JSON, base of the broken ones
    small_ns = sorted(sorted(chosen, key=lambda n: h("census-small", body[n]))[:20])
    small_lines = [header] + [body[n] for n in small_ns]
    small_rel = "us_census/small/us_imports_2024_hts10_small.csv"
    write_text(out / small_rel, join_lines(small_lines))
    entries.append(
        Entry(small_rel, "GOOD, 20 rows of the good CSV. Base of the broken Census CSVs.")
    )
    small_api = [CENSUS_API_HEADER] + [api_row(parsed[n]) for n in small_ns[:15]]
    small_api_rel = "us_census/small/imports_hs_small.json"
    write_text(out / small_api_rel, census_api_text(small_api))
    entries.append(
        Entry(
            small_api_rel,
            (
                "GOOD, header + the first 15 rows of the small CSV in the API layout (data row n "
                "is on line n + 1). Base of the broken Census JSON files."
            ),
        )
    )

    cols = header.split(",")

    def rows_of_small() -> list[list[str]]:
        return [list(parsed[n]) for n in small_ns]

    def mutate(lineno: int, col: str, value: str) -> list[str]:
        rows = rows_of_small()
        rows[lineno - 2][cols.index(col)] = value
        return [header] + [csv_line(r) for r in rows]

    def broken(rel: str, text: str, d: Defect, base: str = small_rel) -> None:
        write_text(out / rel, text)
        entries.append(Entry(rel, broken_entry(base, d)))

    # the mutated files are re-serialised with minimal quoting: check this changes nothing else
    assert join_lines([header] + [csv_line(r) for r in rows_of_small()]) == join_lines(small_lines)

    ln = 5
    broken(
        "us_census/broken/unknown_cty_code.csv",
        join_lines(mutate(ln, "cty_code", "9999")),
        Defect(
            ln,
            "cty_code",
            "`9999`, not a Census country code (iso3 and cty_name on that line are unchanged)",
            f"\"line {ln}: unknown Census country code '9999'\"",
        ),
    )
    ln = next(n for n in range(8, 22) if parsed[small_ns[n - 2]][6] != "0")
    neg = "-" + parsed[small_ns[ln - 2]][6]
    broken(
        "us_census/broken/negative_duty.csv",
        join_lines(mutate(ln, "duty_usd", neg)),
        Defect(ln, "duty_usd", f"`{neg}`", f'"line {ln}: duty_usd must be >= 0, got {neg}"'),
    )
    ln = 11
    broken(
        "us_census/broken/non_numeric_value.csv",
        join_lines(mutate(ln, "value_usd", "12,5x")),
        Defect(
            ln,
            "value_usd",
            "`12,5x` (quoted, so the record keeps 8 fields)",
            f"\"line {ln}: value_usd is not a number: '12,5x'\"",
        ),
    )
    keep = [c for c in cols if c != "hts10"]
    rows = [[v for c, v in zip(cols, r, strict=True) if c != "hts10"] for r in rows_of_small()]
    broken(
        "us_census/broken/missing_column_hts10.csv",
        join_lines([",".join(keep)] + [csv_line(r) for r in rows]),
        Defect(
            1,
            "hts10 (header)",
            "column hts10 is absent from the header and every record (hs6 is still there)",
            "\"missing required column 'hts10'\"",
        ),
    )
    ln = 14
    lines = mutate(ln, "value_usd", parsed[small_ns[ln - 2]][5])
    lines[ln - 1] = csv_line(rows_of_small()[ln - 2][:6])
    broken(
        "us_census/broken/malformed_row.csv",
        join_lines(lines),
        Defect(
            ln,
            "duty_usd, description",
            "the record stops after value_usd: 6 fields instead of 8",
            f'"line {ln}: expected 8 fields, found 6"',
        ),
    )

    ln = 6
    rows_j = [list(r) for r in small_api]
    rows_j[ln - 1] = rows_j[ln - 1][:5] + rows_j[ln - 1][6:]
    broken(
        "us_census/broken/api_short_row.json",
        census_api_text(rows_j),
        Defect(
            ln,
            "CAL_DUT_YR",
            "that data row has 7 strings for 8 header names (its CAL_DUT_YR value is gone, so "
            "`time` and `COMM_LVL` shift left)",
            f'"line {ln} (data row {ln - 1}): 7 values for 8 columns"',
        ),
        base=small_api_rel,
    )
    idx = CENSUS_API_HEADER.index("I_COMMODITY")
    rows_j = [r[:idx] + r[idx + 1 :] for r in small_api]
    broken(
        "us_census/broken/api_missing_I_COMMODITY.json",
        census_api_text(rows_j),
        Defect(
            1,
            "I_COMMODITY (header)",
            "the header row and every data row lack I_COMMODITY (the HTS code)",
            '"Census API answer has no I_COMMODITY column (commodity code)"',
        ),
        base=small_api_rel,
    )


CENSUS_INTRO = """\
API: endpoint `https://api.census.gov/data/timeseries/intltrade/imports/hs` (e.g.
rahulAgrBej/us_census_fish_trade `explore.py`); variable names CTY_CODE, CTY_NAME, I_COMMODITY,
I_COMMODITY_LDESC, I_COMMODITY_SDESC, CON_VAL_YR, GEN_VAL_YR, CAL_DUT_YR, COMM_LVL, time as used in
public code (Miles-byte/Apricitas: `getCensus(name = "timeseries/intltrade/imports/hs", vars =
c("CON_VAL_YR","I_COMMODITY","CTY_CODE","CTY_NAME","I_COMMODITY_LDESC","COMM_LVL","CAL_DUT_YR"),
time = "2024-12", COMM_LVL = "HS10")`, whose output then has a duplicated `COMM_LVL_1` column, i.e.
predicates are echoed as extra columns). The answer is a JSON array whose first element is the
header row and whose values are all strings (third-party parsers and their tests, e.g.
`[["CTY_CODE","GEN_VAL_MO"],["5800","10"]]`). The descriptions in the shared CSV are at most 50
characters, the length of I_COMMODITY_SDESC, so the JSON fixture labels them I_COMMODITY_SDESC, not
I_COMMODITY_LDESC. One row per line is how the Census API lays out its JSON (from memory of real
answers, not re-checked here). CSV: the project's own layout, ../shared/data/us-census-2024/."""


# --------------------------------------------------------------------------- README


README_HEAD = """\
# Loader test fixtures: real source formats

Generated by `scripts/make_source_fixtures.py` from `../shared/data` (a build-time script; the
package never reads that folder). Do not edit by hand: change the script and run

    python scripts/make_source_fixtures.py

(it needs duckdb; output is deterministic). Line numbers are 1-based physical lines, the header is
line 1. Every "BROKEN" file is a copy of a small GOOD file with exactly one defect; the expected
error texts are suggestions for what the loader should say (file, line, field, value), not
strings the tests must match verbatim. Values marked SYNTHETIC are invented and must never be read
as data."""


def render_readme(readme: Readme, out: Path) -> str:
    parts = [README_HEAD]
    for title, intro, entries in readme.sections:
        parts.append(f"\n## {title}\n\n{intro}\n")
        for e in entries:
            size = (out / e.path).stat().st_size
            parts.append(f"- `{e.path}` ({size:,} bytes): {e.text}")
        parts.append("")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file() and p.name != "README.md")
    parts.append(f"\nTotal size of the fixture files (without this README): {total:,} bytes.\n")
    return "\n".join(parts)


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="fixture folder to (re)write")
    args = ap.parse_args(argv)
    data: Path = args.data.resolve()
    out: Path = args.out.resolve()
    if out.name != "sources":
        raise SystemExit(f"refusing to wipe {out}: the output folder must be named 'sources'")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    con = duckdb.connect()
    desc = load_hs_descriptions(data)
    readme = Readme()
    make_baci(con, data, out, desc, readme)
    make_comtrade(con, data, out, desc, readme)
    make_eidb(data, out, readme)
    make_census(data, out, readme)
    write_text(out / "README.md", render_readme(readme, out))

    for p in sorted(out.rglob("*")):
        if p.is_file():
            print(f"{p.stat().st_size:>9,}  {p.relative_to(out)}")


if __name__ == "__main__":
    main()

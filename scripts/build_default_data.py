#!/usr/bin/env python3
"""Build tradepivot's embedded default data from the raw public files.

Reads the raw files (``--source``, by default ``../shared/data`` next to the repository),
writes compact, sorted Parquet files and a manifest into
``src/tradepivot/data/default/``. The output is committed; users never run this script and
the package never reads the raw files.

    python scripts/build_default_data.py [--source DIR] [--out DIR]

Encoding choices (measured on the 2024 matrix, see docs/data.md): rows sorted by
importer, hs6, exporter; importer, exporter and hs6 (text, leading zeros kept: an integer
column would save 2 MB but cost every full scan a 5x slower string conversion)
dictionary-encoded; value_usd as DOUBLE (exact for integer dollars) and cagr as FLOAT tenths of a
percentage point, both BYTE_STREAM_SPLIT + zstd-19 (DuckDB 1.x reads BYTE_STREAM_SPLIT only
for floating-point columns). cagr_8y is kept to 0.1 percentage point (upstream carries 0.001;
the figure is indicative anyway) and the EIDB copy leaves out quantities: that is what makes
every row of every dataset fit the 60 MB budget with exact values.

Hand-kept inputs live in ``src/tradepivot/data/reference`` (sectors, EIDB spellings,
BACI code exceptions, common country aliases); this script merges them into the built
reference tables.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from tradepivot.data.embedded import embedded_manifest

REPO = Path(__file__).resolve().parent.parent
PACKAGE_DATA = REPO / "src" / "tradepivot" / "data"
HAND_KEPT = PACKAGE_DATA / "reference"

ZSTD = {"compression": "zstd", "compression_level": 19}
WORLD_PARTS = (("A", "E"), ("F", "M"), ("N", "Z"))  # importer ranges: three files of ~15 MB
MISSING_IMPORTERS = ["USA", "DEU", "FRA", "GBR", "NLD", "ESP"]
# CEPII GeoDist (2011) still uses codes retired since; the matrix uses current ISO3 codes.
# Renamed codes are the same territory; successor states take their predecessor's distances
# (capitals a few hundred km apart at most: a small error next to distances of thousands).
GEO_CODES = {
    "ROM": ["ROU"],  # Romania (ISO changed ROM to ROU in 2002)
    "ZAR": ["COD"],  # DR Congo
    "TMP": ["TLS"],  # Timor-Leste
    "PAL": ["PSE"],  # Palestine
    "YUG": ["SRB", "MNE"],  # Serbia and Montenegro, split in 2006
    "ANT": ["CUW", "SXM", "BES"],  # Netherlands Antilles, dissolved in 2010
    "TWN": ["S19"],  # Taiwan as BACI codes it
}
# Countries of the matrix GeoDist has no distance for (nor a predecessor): their distance factor
# is neutral (1) and export potential says so.
GEO_GAPS = ["ASM", "ATF", "BLM", "GUM", "IOT", "SSD"]


def sha256_of(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def write_parquet(table: pa.Table, path: Path, **options: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, **{**ZSTD, "row_group_size": 1 << 17, **options})
    return path


def arrow(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    result = con.sql(sql).arrow()
    return result.read_all() if hasattr(result, "read_all") else result


# --------------------------------------------------------------------------- countries


def build_countries(con: duckdb.DuckDBPyConnection, src: Path, out: Path) -> dict[str, Any]:
    """Countries with their codes in every source, and an alias table for the resolver."""
    con.execute(
        f"""
        create or replace table cc as
        select * from read_csv('{src}/reference/countries/country-codes.csv', all_varchar=true,
                               quote='"', header=true)
        """
    )
    con.execute(
        f"""
        create or replace table census_map as
        select lpad(CTY_CODE::varchar, 4, '0') as census_code, ISO3 as iso3, country as name
        from read_csv('{src}/us-census-2024/CensusCountryMapping_FRBAtl_short.csv', all_varchar=true, quote='"')
        """
    )
    baci_rows = list(csv.DictReader((HAND_KEPT / "baci_country_codes.csv").open(encoding="utf-8")))
    baci_exceptions: dict[str, int] = {}
    for row in baci_rows:  # the first row of a country is its current code
        baci_exceptions.setdefault(row["iso3"], int(row["baci_code"]))
    rows = con.sql(
        """
        select "ISO3166-1-Alpha-3" as iso3, "ISO3166-1-Alpha-2" as iso2,
               try_cast("ISO3166-1-numeric" as integer) as numeric_code,
               try_cast("M49" as integer) as m49,
               coalesce(nullif("CLDR display name", ''), "UNTERM English Short", official_name_en) as name,
               official_name_en as official_name,
               "UNTERM English Short" as unterm_name,
               "Region Name" as region, "Sub-region Name" as sub_region,
               "ISO4217-currency_alphabetic_code" as currency,
               is_independent
        from cc where "ISO3166-1-Alpha-3" is not null and "ISO3166-1-Alpha-3" <> ''
        order by 1
        """
    ).fetchall()
    columns = [
        "iso3",
        "iso2",
        "numeric_code",
        "m49",
        "name",
        "official_name",
        "unterm_name",
        "region",
        "sub_region",
        "currency",
        "is_independent",
    ]
    countries = [dict(zip(columns, r, strict=True)) for r in rows]
    by_iso3 = {c["iso3"]: c for c in countries}
    # CLDR short names are good display names except a few abbreviations and "&" forms.
    display = {"USA": "United States", "GBR": "United Kingdom", "COD": "DR Congo", "COG": "Congo"}
    for iso3, country in by_iso3.items():
        country["name"] = display.get(iso3, country["name"].replace(" & ", " and "))
    # Taiwan: BACI and the world matrix call it S19 ("Other Asia, nes"); ISO's TWN is an alias.
    twn = by_iso3.pop("TWN")
    by_iso3["S19"] = {
        **twn,
        "iso3": "S19",
        "name": "Taiwan (Other Asia, n.e.s.)",
        "official_name": "Other Asia, not elsewhere specified (in practice Taiwan)",
        "m49": None,
    }
    # Kosovo has no ISO 3166 entry but a user-assigned code used by the US Census and others.
    by_iso3.setdefault(
        "XKX",
        {
            "iso3": "XKX",
            "iso2": "XK",
            "numeric_code": None,
            "m49": None,
            "name": "Kosovo",
            "official_name": "Kosovo",
            "unterm_name": None,
            "region": "Europe",
            "sub_region": "Southern Europe",
            "currency": "EUR",
            "is_independent": "Yes",
        },
    )
    # The EU as one reporting bloc, as the US Census data carries it.
    by_iso3["EU27"] = {
        "iso3": "EU27",
        "iso2": "EU",
        "numeric_code": None,
        "m49": None,
        "name": "European Union (27, as a bloc)",
        "official_name": "European Union",
        "unterm_name": None,
        "region": "Europe",
        "sub_region": None,
        "currency": "EUR",
        "is_independent": None,
    }
    census_codes = {iso3: code for code, iso3, _ in con.sql("select * from census_map").fetchall()}
    census_codes["EU27"] = "0003"
    census_codes["S19"] = census_codes.pop("TWN", "5830")
    for iso3, country in by_iso3.items():
        country["kind"] = (
            "bloc"
            if iso3 == "EU27"
            else "country"
            if (country.get("is_independent") or "").startswith("Yes")
            else "territory"
        )
        country["baci_code"] = baci_exceptions.get(iso3, country.get("numeric_code"))
        country["census_code"] = census_codes.get(iso3)
    country_list = sorted(by_iso3.values(), key=lambda c: c["iso3"])
    for c in country_list:
        c.pop("is_independent", None)
    table = pa.Table.from_pylist(country_list)
    write_parquet(table, out / "reference" / "countries.parquet")

    # Aliases: every spelling a user or a source may use, upper-cased, mapped to ISO3.
    aliases: dict[tuple[str, str], str] = {}

    def add(alias: str | None, iso3: str, source: str) -> None:
        if alias is None:
            return
        key = " ".join(str(alias).upper().split())
        if key and (key, source) not in aliases:
            aliases[(key, source)] = iso3

    for c in country_list:
        add(c["iso3"], c["iso3"], "iso3")
        add(c["iso2"], c["iso3"], "iso2")
        for num in (c["numeric_code"], c["m49"]):
            if num is not None:
                add(str(num), c["iso3"], "m49")
        for name_field in ("name", "official_name", "unterm_name"):
            add(c.get(name_field), c["iso3"], "name")
        if c["census_code"]:
            add(c["census_code"], c["iso3"], "census")
        if c["baci_code"] is not None:
            add(str(c["baci_code"]), c["iso3"], "baci")
    for row in baci_rows:  # older or alternative BACI/Comtrade codes
        add(row["baci_code"], row["iso3"], "baci")
    add("TWN", "S19", "iso3")
    add("TW", "S19", "iso2")
    add("158", "S19", "m49")
    add("Taiwan", "S19", "name")
    add("Other Asia, nes", "S19", "name")
    for _code, iso3, name in con.sql("select * from census_map").fetchall():
        add(name, "S19" if iso3 == "TWN" else iso3, "census")
    for row in csv.DictReader((HAND_KEPT / "country_aliases.csv").open(encoding="utf-8")):
        add(row["alias"], row["iso3"], "common")
    eidb_rows = list(csv.DictReader((HAND_KEPT / "eidb_countries.csv").open(encoding="utf-8")))
    for row in eidb_rows:
        if row["iso3"]:
            add(row["eidb_name"], row["iso3"], "eidb")
    unknown = sorted({iso3 for iso3 in aliases.values() if iso3 not in by_iso3})
    if unknown:
        sys.exit(f"aliases point at unknown ISO3 codes: {unknown}")
    alias_table = pa.Table.from_pylist(
        [{"alias": a, "source": s, "iso3": i} for (a, s), i in sorted(aliases.items())]
    )
    write_parquet(alias_table, out / "reference" / "country_aliases.parquet")
    return {"countries": len(country_list), "aliases": alias_table.num_rows}


# --------------------------------------------------------------------------- HS nomenclature


def build_hs(con: duckdb.DuckDBPyConnection, src: Path, out: Path) -> dict[str, Any]:
    """HS2022 and HS2017 nomenclatures (chapter, heading, subheading) and the concordance."""
    atlas = src / "reference" / "atlas"
    con.execute(
        f"""
        create or replace table hs22 as
        select section, hscode as code, description, parent, level
        from read_csv('{src}/reference/hs/harmonized-system.csv', all_varchar=true, quote='"')
        where level in ('2', '4', '6')
        """
    )
    con.execute(
        f"""
        create or replace table sections as
        select * from read_csv('{src}/reference/hs/sections.csv', all_varchar=true, quote='"',
                               columns={{'section': 'VARCHAR', 'name': 'VARCHAR'}}, header=true)
        """
    )
    con.execute(
        f"""
        create or replace table hs12 as
        select code, name_en as description, product_level::int as level
        from read_csv('{atlas}/classification/hs12.csv', all_varchar=true, quote='"')
        where product_level in ('2', '4', '6')
        """
    )
    for name, a, b in (("h5_h6", "H5", "H6"), ("h6_h5", "H6", "H5")):
        con.execute(
            f"""
            create or replace table {name} as
            select {a} as src, {b} as dst, weight::double as weight
            from read_csv('{atlas}/conversion_weights/conversion_weights_{a}_to_{b}.csv.gz',
                          all_varchar=true, quote='"')
            """
        )
    # HS2017 subheadings are the source side of the HS2017->HS2022 concordance.
    con.execute(
        """
        create or replace table hs17_codes as
        select distinct src as code from h5_h6 where length(src) = 6
        """
    )
    con.execute(
        """
        create or replace table hs17_sub as
        with targets as (
            select src as code, string_agg(dst, ', ' order by weight desc) as dsts,
                   count(*) as n, max(case when dst = src then weight end) as same_weight
            from h5_h6 where weight > 0 group by src
        )
        select c.code,
               coalesce(
                 h22.description, h12.description,
                 'Split into HS2022 ' || t.dsts || ' (no HS2017 text in the sources)'
               ) as description,
               case when h22.description is not null and (t.n = 1 or t.same_weight >= 0.95) then 'HS2022 text, same scope'
                    when h22.description is not null then 'HS2022 text, scope changed in 2022'
                    when h12.description is not null then 'HS2012 text'
                    else 'composed from the HS2017->HS2022 concordance' end as description_source,
               t.dsts as hs2022_codes
        from hs17_codes c
        left join targets t using (code)
        left join (select code, description from hs22 where level = '6') h22 using (code)
        left join (select code, description from hs12 where level = 6) h12 using (code)
        """
    )
    table = arrow(
        con,
        f"""
        with hs17 as (
            select 'HS2017' as edition, code, 6 as level, description, description_source
            from hs17_sub
            union all
            -- headings and chapters: HS2022 text where the code exists, else HS2012 text
            select 'HS2017', h.code, h.level,
                   coalesce(h22.description, h12.description,
                            'HS ' || h.code || ' (no text in the sources)'),
                   case when h22.description is not null then 'HS2022 text'
                        when h12.description is not null then 'HS2012 text'
                        else 'none' end
            from (
                select distinct left(code, 4) as code, 4 as level from hs17_sub
                union select distinct left(code, 2), 2 from hs17_sub
            ) h
            left join hs22 h22 on h22.code = h.code
            left join hs12 h12 on h12.code = h.code and h12.level = h.level
        ),
        hs22n as (
            select 'HS2022', code, level::int, description, 'HS2022 text' from hs22
        ),
        older as (
            select 'HS2012', code, level, description, 'HS2012 text (atlas-common-data)' from hs12
            union all
            select 'HS1992', code, product_level::int, name_en, 'HS1992 text (atlas-common-data)'
            from read_csv('{atlas}/classification/hs92.csv', all_varchar=true, quote='"')
            where product_level in ('2', '4', '6')
        ),
        allrows as (
            select * from hs17 union all select * from hs22n union all select * from older
        )
        select a.edition, a.code, a.level, a.description, a.description_source,
               case a.level when 2 then null when 4 then left(a.code, 2) else left(a.code, 4) end as parent,
               s.section, sn.name as section_name
        from allrows a
        left join (select code, section from hs22 where level = '2') s on s.code = left(a.code, 2)
        left join sections sn on sn.section = s.section
        order by edition, code
        """,
    )
    write_parquet(table, out / "reference" / "hs_nomenclature.parquet")

    concordance = arrow(
        con,
        """
        select 'HS2017' as from_edition, 'HS2022' as to_edition, src as from_code, dst as to_code, weight
        from h5_h6 where weight > 0
        union all
        select 'HS2022', 'HS2017', src, dst, weight from h6_h5 where weight > 0
        order by 1, 3, 4
        """,
    )
    write_parquet(concordance, out / "reference" / "hs_concordance.parquet")
    counts = dict(
        con.sql(
            "select description_source, count(*) from hs17_sub group by 1 order by 1"
        ).fetchall()
    )
    return {
        "nomenclature_rows": table.num_rows,
        "concordance_rows": concordance.num_rows,
        "hs2017_description_sources": counts,
    }


# --------------------------------------------------------------------------- world matrix


def build_world(con: duckdb.DuckDBPyConnection, src: Path, out: Path) -> dict[str, Any]:
    path = src / "world-hs6-2024" / "bilateral_hs6_2024.parquet"
    con.execute(f"create or replace view world_raw as select * from '{path}'")
    files = []
    target = out / "world_2024"
    shutil.rmtree(target, ignore_errors=True)
    # The source repeats 24,275 flows four times each (exact copies: same value, same growth;
    # mostly importers PNG and KNA). Each distinct flow is stored once with `copies`, the
    # number of times it was delivered, so the source rows can be rebuilt and no total counts
    # a flow four times.
    for i, (lo, hi) in enumerate(WORLD_PARTS):
        table = arrow(
            con,
            f"""
            select importer, exporter, hs6, value_usd::double as value_usd,
                   round(cagr_8y::double * 10)::float as cagr_8y_tenths,
                   count(*)::utinyint as copies
            from world_raw
            where left(importer, 1) between '{lo}' and '{hi}'
            group by importer, exporter, hs6, value_usd, cagr_8y
            order by importer, hs6, exporter
            """,
        )
        files.append(
            write_parquet(
                table,
                target / f"part-{i}.parquet",
                use_dictionary=["importer", "exporter", "hs6"],
                column_encoding={
                    "value_usd": "BYTE_STREAM_SPLIT",
                    "cagr_8y_tenths": "BYTE_STREAM_SPLIT",
                },
            )
        )
    stats = con.execute(
        """
        select count(*), count(distinct importer), count(distinct exporter), count(distinct hs6)
        from world_raw
        """
    ).fetchone()
    assert stats is not None
    source_rows, importers, exporters, products = stats
    built = con.execute(
        f"""
        select count(*), sum(copies), sum(value_usd), count(*) filter (where copies > 1),
               sum(copies - 1)
        from '{target}/*.parquet'
        """
    ).fetchone()
    assert built is not None and built[1] == source_rows, "source rows changed while building"
    rows, _, total, repeated_flows, extra_rows = built
    duplicated_by = con.execute(
        """
        select importer, count(*) from (
            select importer from world_raw group by importer, exporter, hs6 having count(*) > 1
        ) group by 1 order by 2 desc limit 3
        """
    ).fetchall()
    return {
        "files": files,
        "rows": rows,
        "source_rows": source_rows,
        "repeated_flows": repeated_flows,
        "extra_rows": extra_rows,
        "duplicated_by": duplicated_by,
        "importers": importers,
        "exporters": exporters,
        "products": products,
        "total_value_usd": int(total),
    }


# --------------------------------------------------------------------------- US Census


def build_census(con: duckdb.DuckDBPyConnection, src: Path, out: Path) -> dict[str, Any]:
    census = src / "us-census-2024"
    con.execute(
        f"""
        create or replace table census_hs6 as
        select lpad(cty_code, 4, '0') as cty_code,
               case iso3 when 'TWN' then 'S19' else iso3 end as partner,
               cty_name, hs6 as hs6_2022, value_usd, duty_usd
        from read_csv('{census}/us_imports_2024_hs6_by_partner_top50_plus_eu.csv.gz', quote='"',
                      types={{'cty_code': 'VARCHAR', 'hs6': 'VARCHAR', 'value_usd': 'BIGINT',
                              'duty_usd': 'BIGINT'}})
        """
    )
    # Stored as published (HS2022 codes); the warehouse converts to HS2017 at query time
    # with the embedded concordance, so the original codes and values stay intact.
    table = arrow(
        con,
        """
        select partner, cty_code, hs6_2022, value_usd, duty_usd
        from census_hs6 order by partner, hs6_2022
        """,
    )
    files = [write_parquet(table, out / "us_census_2024" / "imports_hs6.parquet")]
    hs2 = arrow(
        con,
        f"""
        select lpad(cty_code, 4, '0') as cty_code,
               case iso3 when 'TWN' then 'S19' else iso3 end as partner,
               cty_name, hs2, value_usd, duty_usd
        from read_csv('{census}/us_imports_2024_hs2_by_partner_all226.csv', quote='"',
                      types={{'cty_code': 'VARCHAR', 'hs2': 'VARCHAR'}})
        order by partner, hs2
        """,
    )
    files.append(write_parquet(hs2, out / "us_census_2024" / "imports_hs2_all_partners.parquet"))
    stats = con.execute(
        """
        select count(*), count(distinct partner), sum(value_usd),
               sum(value_usd) filter (where left(hs6_2022, 2) in ('98', '99')),
               (select count(distinct hs6_2022) from census_hs6 c
                where not exists (select 1 from h6_h5 w where w.src = c.hs6_2022))
        from census_hs6
        """
    ).fetchone()
    assert stats is not None
    unchanged_share = con.execute(
        """
        select sum(c.value_usd) filter (where w.src is not null) / sum(c.value_usd)
        from census_hs6 c
        left join (select src from h6_h5 where weight >= 0.999 and src = dst) w on w.src = c.hs6_2022
        where c.partner = 'IND'
        """
    ).fetchone()
    assert unchanged_share is not None
    return {
        "files": files,
        "rows": table.num_rows,
        "source_rows": stats[0],
        "partners": stats[1],
        "total_value_usd": int(stats[2]),
        "us_only_chapters_value_usd": int(stats[3] or 0),
        "codes_outside_concordance": stats[4],
        "india_value_share_in_unchanged_codes": round(float(unchanged_share[0]), 4),
        "hs2_rows": hs2.num_rows,
    }


# --------------------------------------------------------------------------- India EIDB


def build_eidb(con: duckdb.DuckDBPyConnection, src: Path, out: Path) -> dict[str, Any]:
    eidb = src / "india-eidb"
    con.execute(
        f"""
        create or replace table eidb_names as
        select eidb_name, nullif(iso3, '') as iso3
        from read_csv('{HAND_KEPT}/eidb_countries.csv', all_varchar=true, quote='"')
        """
    )
    con.execute(
        f"""
        create or replace table eidb_raw as
        select * from read_csv('{eidb}/india_eidb_exports_hs8_country_fy2017-18_to_2024-25.csv.gz',
                               quote='"', types={{'hs8': 'VARCHAR', 'fy': 'VARCHAR',
                               'country_eidb': 'VARCHAR', 'value_usd_mn': 'DECIMAL(18,2)',
                               'quantity': 'BIGINT', 'unit': 'VARCHAR'}})
        """
    )
    unmapped = con.sql(
        "select distinct country_eidb from eidb_raw where country_eidb not in (select eidb_name from eidb_names)"
    ).fetchall()
    if unmapped:
        sys.exit(f"EIDB names missing from eidb_countries.csv: {unmapped}")
    table = arrow(
        con,
        """
        select r.hs8::integer as hs8, r.country_eidb as partner_eidb,
               left(r.fy, 4)::smallint as fy_start,
               (r.value_usd_mn * 100)::bigint as value_10k_usd
        from eidb_raw r
        where r.flow = 'export'
        order by r.hs8, r.country_eidb, r.fy
        """,
    )
    files = [
        write_parquet(
            table,
            out / "india_eidb" / "exports_hs8.parquet",
            use_dictionary=["partner_eidb", "unit"],
            column_encoding={"hs8": "DELTA_BINARY_PACKED", "value_10k_usd": "DELTA_BINARY_PACKED"},
        )
    ]
    products = arrow(
        con,
        f"""
        select hs8, arg_max(description, fy) as description, arg_max(unit, fy) as unit,
               min(fy) as first_fy, max(fy) as last_fy
        from read_csv('{eidb}/india_eidb_exports_hs8_product_totals.csv.gz', quote='"',
                      types={{'hs8': 'VARCHAR', 'fy': 'VARCHAR'}})
        group by hs8 order by hs8
        """,
    )
    files.append(write_parquet(products, out / "india_eidb" / "products_hs8.parquet"))
    by_fy = con.sql(
        "select fy, sum(value_usd_mn)::double / 1000 from eidb_raw group by 1 order by 1"
    ).fetchall()
    return {
        "files": files,
        "rows": table.num_rows,
        "products": products.num_rows,
        "partners": con.execute("select count(distinct country_eidb) from eidb_raw").fetchone()[0],  # type: ignore[index]
        "fiscal_years": [fy for fy, _ in by_fy],
        "total_bn_usd_by_fy": {fy: round(v, 2) for fy, v in by_fy},
    }


# --------------------------------------------------------------------------- small references


def build_small_references(con: duckdb.DuckDBPyConnection, src: Path, out: Path) -> dict[str, Any]:
    ref = src / "reference"
    codes = ", ".join(f"('{old}', '{new}')" for old, news in GEO_CODES.items() for new in news)
    geo = arrow(
        con,
        f"""
        with codes(old, new) as (values {codes}),
        raw as (
            select * from read_csv('{ref}/atlas/static/geo_dist.csv', quote='"',
                                   types={{'dist': 'VARCHAR', 'distw': 'VARCHAR',
                                           'distcap': 'VARCHAR'}})
            where dist is not null and dist <> ''
        )
        select coalesce(o.new, exporter) as origin, coalesce(d.new, importer) as destination,
               dist::double as dist_km, distw::double as distw_km, distcap::double as distcap_km,
               contig::tinyint as contig, comlang_off::tinyint as comlang_off,
               colony::tinyint as colony
        from raw left join codes o on raw.exporter = o.old left join codes d on raw.importer = d.old
        order by 1, 2
        """,
    )
    write_parquet(geo, out / "reference" / "geo_dist.parquet")
    fx_rows: list[dict[str, Any]] = []
    for row in csv.DictReader((ref / "fx" / "fx_rates.csv").open(encoding="utf-8")):
        fx_rows.append(
            {
                "currency": row["currency"],
                "period": row["period"],
                "rate_per_usd": float(row["rate_per_usd"]),
                "kind": "published",
                "source": row["source"],
                "reference": row["source_url_or_title"],
            }
        )
    for row in csv.DictReader((ref / "fx" / "fx_rates_derived.csv").open(encoding="utf-8")):
        fx_rows.append(
            {
                "currency": row["currency"],
                "period": row["period"],
                "rate_per_usd": float(row["rate_per_usd"]),
                "kind": "derived",
                "source": row["method"],
                "reference": row["inputs"],
            }
        )
    write_parquet(pa.Table.from_pylist(fx_rows), out / "reference" / "fx_rates.parquet")
    chpl = arrow(
        con,
        f"""
        select hs6, tier, description, source_url, source_date
        from read_csv('{ref}/compliance/chpl.csv', all_varchar=true, quote='"') order by hs6
        """,
    )
    write_parquet(chpl, out / "reference" / "chpl.parquet")
    return {"geo_dist_pairs": geo.num_rows, "fx_rates": len(fx_rows), "chpl_codes": chpl.num_rows}


# --------------------------------------------------------------------------- manifest


def manifest(out: Path, built: dict[str, dict[str, Any]], src: Path) -> dict[str, Any]:
    world, census, eidb = built["world"], built["census"], built["eidb"]

    def files_info(files: list[Path]) -> dict[str, Any]:
        return {
            "files": [str(p.relative_to(out)) for p in files],
            "bytes": sum(p.stat().st_size for p in files),
            "checksum_sha256": sha256_of(files),
        }

    datasets = [
        {
            "id": "world-2024",
            "title": "World bilateral trade by HS6, 2024",
            "kind": "bilateral",
            "source": (
                "Derived from CEPII BACI (HS17, 2024) as republished in "
                "matheusrosa-obs/export-potential (commit ae430789, public/data/competitors/)"
            ),
            "terms": (
                "BACI is distributed by CEPII under Etalab Open Licence 2.0; the republishing "
                "repository states no licence of its own"
            ),
            "edition": "HS2017",
            "years": [2024],
            "unit": "USD",
            "rows": world["rows"],
            "coverage": {
                "source_rows": world["source_rows"],
                "importers": world["importers"],
                "exporters": world["exporters"],
                "hs6_codes": world["products"],
                "total_value_usd": world["total_value_usd"],
            },
            "columns": {
                "importer": "ISO3 (S19 = Taiwan / Other Asia, nes, as in BACI)",
                "exporter": "ISO3",
                "hs6": "HS2017 subheading",
                "value_usd": "trade value, USD (integer)",
                "cagr_8y": "growth of the flow over the previous 8 years, % a year, upstream "
                "method undocumented: indicative; stored to 0.1 point",
                "copies": "how many times the source delivered this flow (1, or 4 for 24,275 "
                "exact duplicates)",
            },
            "gaps": [
                {
                    "id": "missing-importers",
                    "importers": MISSING_IMPORTERS,
                    "text": "Imports of USA, DEU, FRA, GBR, NLD and ESP are absent (their files "
                    "could not be recovered upstream); their exports to other countries are present. "
                    "US imports are covered by the us-census-2024 dataset.",
                },
                {
                    "id": "duplicate-rows",
                    "text": f"The source delivers {world['repeated_flows']:,} flows four times each "
                    f"(exact copies; {world['extra_rows']:,} extra rows, most for importers "
                    + ", ".join(f"{imp} ({n:,})" for imp, n in world["duplicated_by"])
                    + "). Each flow is stored once, with `copies` recording how often it was "
                    "delivered; no total counts a flow twice.",
                    "when": "never",
                },
                {
                    "id": "missing-hs-2710",
                    "hs_prefixes": ["2710"],
                    "text": "HS heading 2710 (refined petroleum oils) has no rows at all.",
                },
                {
                    "id": "cagr-indicative",
                    "when": "growth",
                    "text": (
                        "Growth (% a year) is the world matrix's cagr_8y, each flow's growth over the "
                        "previous eight years as republished upstream, which documents no method. Against"
                        " India's own statistics it behaves like an endpoint growth rate (correlation "
                        "0.78 with EIDB's FY2017-18 to FY2024-25 CAGR on 9,310 India flows, median "
                        "difference +0.7 points), and exactly 0.0 marks a flow without a base value (98% "
                        "of India's such flows had no exports to the market in FY2017-18), so such flows "
                        "count as unknown. Aggregates lean on flows falling 50% a year or more (India's "
                        "imports read -0.9% a year here, +8.2% officially from FY2016-17 to FY2024-25): "
                        "indicative only. India's own trends (trend columns) are computed from EIDB by a "
                        "stated method instead."
                    ),
                },
            ],
            **files_info(world["files"]),
        },
        {
            "id": "us-census-2024",
            "title": "US imports for consumption by HS6 and partner, 2024, with duty collected",
            "kind": "us_imports",
            "source": (
                "US Census Bureau international trade API (imports, HTS 2024), as pulled by "
                "tradewartracker/trade-war-redux-2025 (MIT)"
            ),
            "terms": "US Government work (public domain); repository code MIT",
            "edition": "HS2017",
            "edition_note": "Published in HTS 2024 (HS2022-based); converted to HS2017 at query "
            "time with the trade-weighted concordance, the original HS2022 code kept as `code`.",
            "years": [2024],
            "unit": "USD, customs value (roughly FOB); duty_usd = calculated duty collected",
            "rows": census["rows"],
            "coverage": {
                "partners": census["partners"],
                "total_value_usd": census["total_value_usd"],
                "source_rows": census["source_rows"],
                "us_only_chapters_98_99_value_usd": census["us_only_chapters_value_usd"],
                "codes_outside_concordance": census["codes_outside_concordance"],
                "india_value_share_in_unchanged_codes": census[
                    "india_value_share_in_unchanged_codes"
                ],
                "hs2_all_partner_rows": census["hs2_rows"],
            },
            "gaps": [
                {
                    "id": "top50-partners",
                    "text": "HS6 detail covers the 50 largest non-EU partners plus the EU as one "
                    "bloc (98.7% of US imports by value); every partner is present at HS2 level only.",
                },
                {
                    "id": "eu-bloc",
                    "partners": ["EU27"],
                    "text": "EU members are reported as one bloc (EU27, Census code 0003); do not add "
                    "the bloc to member countries.",
                },
                {
                    "id": "us-only-chapters",
                    "hs_prefixes": ["98", "99"],
                    "text": "Chapters 98 and 99 are US-only codes with no HS equivalent; they keep "
                    "their code and are outside every HS sector.",
                },
                {
                    "id": "concordance-split",
                    "text": "Codes that changed between HS2017 and HS2022 are split with trade-"
                    "weighted concordance weights (Harvard Growth Lab); their HS2017 values are "
                    "estimates.",
                },
            ],
            **files_info(census["files"]),
        },
        {
            "id": "india-eidb",
            "title": "India's exports by HS8 and partner, fiscal years 2017-18 to 2024-25",
            "kind": "national_exports",
            "source": (
                "India Export Import Data Bank (DGCI&S / Department of Commerce), scraped in "
                "dassoumyajitsenrysa-dataminer/tradestat-ingestor (commit 33a3bd22)"
            ),
            "terms": "Government of India open data (tradestat.commerce.gov.in)",
            "edition": "ITC-HS8",
            "edition_note": "India's 8-digit ITC-HS: HS2017-based to FY2021-22, HS2022-based from "
            "1 January 2023 (FY2022-23 mixes both).",
            "years": eidb["fiscal_years"],
            "unit": "USD (upstream USD million rounded to 0.01, i.e. USD 10,000 steps); fiscal "
            "years April-March; quantities are left out of the embedded copy (ingest the full "
            "file with `tradepivot data ingest eidb` to keep them)",
            "rows": eidb["rows"],
            "coverage": {
                "hs8_codes": eidb["products"],
                "partners": eidb["partners"],
                "total_bn_usd_by_fy": eidb["total_bn_usd_by_fy"],
            },
            "gaps": [
                {
                    "id": "partial-hs8",
                    "text": "The HS8 list is incomplete (e.g. 85171300 smartphones and diesel "
                    "27101944/49 are missing): FY2024-25 sums to USD 298.5 bn against 437.7 bn "
                    "official. Treat totals as a partial view.",
                },
                {
                    "id": "exports-only",
                    "text": "Exports only; India's imports by product are not in the embedded data.",
                },
            ],
            **files_info(eidb["files"]),
        },
    ]
    reference_files = sorted((out / "reference").glob("*.parquet"))
    return {
        "built_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "builder": "scripts/build_default_data.py",
        "datasets": datasets,
        "reference": {
            "tables": {
                "countries": "ISO 3166 codes, M49, names, regions (datasets/country-codes, "
                "ODC-PDDL) plus BACI and US Census codes; S19 = Taiwan, EU27 = EU bloc",
                "country_aliases": "every accepted spelling -> ISO3 (names, ISO2, M49, BACI, "
                "Census, EIDB spellings, common names)",
                "hs_nomenclature": "HS2022 (datasets/harmonized-system, ODC-PDDL); HS2017 "
                "(codes from the concordance; text from HS2022 where the code exists, else "
                "HS2012); HS2012 and HS1992 (atlas-common-data 1.1.1, Apache-2.0)",
                "hs_concordance": "HS2017<->HS2022 trade-weighted weights, non-zero rows "
                "(Harvard Growth Lab atlas-common-data 1.1.1, Apache-2.0)",
                "geo_dist": "CEPII GeoDist distances and dummies via atlas-common-data",
                "fx_rates": "INR and RUB per USD: published annual averages (World Bank WDI, "
                "Federal Reserve, Vedomosti for RUB 2025) and derived INR fiscal-year means",
                "chpl": "Common High Priority List, BIS/EU/Japan/UK, 2024-02-23, 50 HS6 codes",
            },
            "stats": {**built["countries"], **built["hs"], **built["small"]},
            "gaps": {
                "geo_dist": {
                    "renamed": GEO_CODES,
                    "missing": GEO_GAPS,
                    "text": "GeoDist's retired codes are mapped to current ISO3 codes (ROM to "
                    "ROU, ZAR to COD, TMP to TLS, PAL to PSE; YUG's distances serve SRB and MNE, "
                    "ANT's serve CUW, SXM and BES). No distance is known for "
                    + ", ".join(GEO_GAPS)
                    + ": their distance factor in export potential is neutral (1).",
                }
            },
            **files_info(reference_files),
        },
    }


def build_derived(out: Path) -> dict[str, Any]:
    """Tables tradepivot would otherwise compute on first use, shipped so a fresh install is fast.

    Computed by the package's own analytics on the files just written (so the code that uses
    them is the code that made them); a test recomputes a sample and compares.
    """
    from tradepivot.analytics import potential
    from tradepivot.config import Settings
    from tradepivot.data.flows import flow_source
    from tradepivot.data.warehouse import Warehouse

    embedded_manifest.cache_clear()
    wh = Warehouse(Settings(warehouse=out / "none.duckdb"))
    source = flow_source(wh)
    distances = wh.reference_table("geo_dist")
    data = potential.inputs(source.table, distances).map(wh.materialise)
    pairs = potential.pair_terms(source.table, distances, data=data)
    table = pairs.order_by(["exporter", "importer"]).to_pyarrow()
    key = f"pair-terms-v{potential.METHOD_VERSION}"
    path = write_parquet(table, out / "derived" / source.manifest.id / f"{key}.parquet")
    wh.close()
    return {
        source.manifest.id: {
            key: {
                "file": str(path.relative_to(out)),
                "rows": table.num_rows,
                "method": "tradepivot.analytics.potential.pair_terms, METHOD_VERSION "
                f"{potential.METHOD_VERSION}: per trading pair, total trade, log distance and "
                "hypothetical trade H_ij (the ease denominator of export potential)",
                "checksum_sha256": sha256_of([path]),
            },
            **build_raw_totals(out),
            **build_product_world(out),
        },
        **build_trend_basis(out),
    }


def build_product_world(out: Path) -> dict[str, Any]:
    """Each product's world trade in the embedded matrix (:func:`tradepivot.analytics.markets.
    product_world`): the plausibility ceiling of growth rates, a scan of all 10 M flows that
    the first `flows` or `market` of every install would otherwise make."""
    from tradepivot.analytics import markets
    from tradepivot.config import Settings
    from tradepivot.data.flows import flow_source
    from tradepivot.data.warehouse import Warehouse

    wh = Warehouse(Settings(warehouse=out / "none.duckdb"))
    source = flow_source(wh)
    key = markets.product_world_key(source.period)
    table = markets.product_world(source.table).order_by("hs6").to_pyarrow()
    path = write_parquet(table, out / "derived" / source.manifest.id / f"{key}.parquet")
    wh.close()
    return {
        key: {
            "file": str(path.relative_to(out)),
            "rows": table.num_rows,
            "method": "tradepivot.analytics.markets.product_world: per HS6 product, the sum "
            f"of every flow in {source.period} (the ceiling of a plausible base value)",
            "checksum_sha256": sha256_of([path]),
        }
    }


def build_trend_basis(out: Path) -> dict[str, Any]:
    """The comparable basis of every EIDB trend (the HS8 codes with a value in every fiscal
    year, :func:`tradepivot.analytics.trends.comparable_codes`): a scan of all 2.8 M rows
    that each `rank`, `market` or `pivot` for India would otherwise repeat once per install."""
    from tradepivot.analytics import trends
    from tradepivot.config import Settings
    from tradepivot.data.warehouse import Warehouse
    from tradepivot.services.trends import BASIS_KEY, OWN_STATISTICS

    wh = Warehouse(Settings(warehouse=out / "none.duckdb"))
    table, manifest = wh.table(OWN_STATISTICS["IND"], "national_exports")
    fys = [str(y) for y in manifest.years]
    codes = trends.comparable_codes(table, fys).order_by("code").to_pyarrow()
    path = write_parquet(codes, out / "derived" / manifest.id / f"{BASIS_KEY}.parquet")
    wh.close()
    return {
        manifest.id: {
            BASIS_KEY: {
                "file": str(path.relative_to(out)),
                "rows": codes.num_rows,
                "method": "tradepivot.analytics.trends.comparable_codes, BASIS_VERSION "
                f"{trends.BASIS_VERSION}: the HS8 codes with a value (any partner) in every "
                f"fiscal year {fys[0]} to {fys[-1]}, the comparable basis of trends",
                "checksum_sha256": sha256_of([path]),
            }
        }
    }


def build_raw_totals(out: Path) -> dict[str, Any]:
    """The rescaling totals of export potential with the shipped tariff terms, one row per
    (market, product): the denominator every `rank` and the full-world file need, which
    does not depend on the product scope. Needs the pair terms shipped first."""
    from tradepivot.analytics import potential
    from tradepivot.analytics.potential_context import RAW_TOTALS_KEY, potential_context
    from tradepivot.config import Settings
    from tradepivot.data.warehouse import Warehouse

    wh = Warehouse(Settings(warehouse=out / "none.duckdb"))
    ctx = potential_context(wh, None, None, None)
    totals = potential.raw_totals(ctx.data, ctx.pairs, tariffs=ctx.tariffs)
    table = totals.order_by(["importer", "hs6"]).to_pyarrow()
    path = write_parquet(
        table, out / "derived" / ctx.source.manifest.id / f"{RAW_TOTALS_KEY}.parquet"
    )
    wh.close()
    return {
        RAW_TOTALS_KEY: {
            "file": str(path.relative_to(out)),
            "rows": table.num_rows,
            "method": "tradepivot.analytics.potential.raw_totals with the shipped tariff "
            f"terms, METHOD_VERSION {potential.METHOD_VERSION}: per market and product, every "
            "exporter's raw potential summed (the rescaling denominator)",
            "checksum_sha256": sha256_of([path]),
        }
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=PACKAGE_DATA / "default")
    args = parser.parse_args(argv)
    src: Path = args.source.resolve()
    out: Path = args.out.resolve()
    if not (src / "world-hs6-2024").is_dir():
        parser.error(f"{src} does not look like the raw data folder (no world-hs6-2024/)")
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    built: dict[str, dict[str, Any]] = {}
    for name, step in (
        ("countries", build_countries),
        ("hs", build_hs),
        ("small", build_small_references),
        ("world", build_world),
        ("census", build_census),
        ("eidb", build_eidb),
    ):
        print(f"building {name} ...", flush=True)
        built[name] = step(con, src, out)
    doc = manifest(out, built, src)
    (out / "manifest.json").write_text(
        json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8"
    )
    if out == (PACKAGE_DATA / "default").resolve():
        print("building derived tables ...", flush=True)
        doc["derived"] = build_derived(out)
        (out / "manifest.json").write_text(
            json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8"
        )
    else:
        print("skipping derived tables: they are computed by the installed package's code")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"wrote {out} ({total / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

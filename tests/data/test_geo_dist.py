"""The distance table speaks the matrix's country codes: every country has a distance or a stated gap."""

from __future__ import annotations

import duckdb
import pytest

from tradepivot.data.embedded import default_dir, embedded_manifest
from tradepivot.data.reference import Reference


@pytest.fixture(scope="module")
def matrix_countries() -> set[str]:
    files = str(default_dir() / "world_2024" / "part-*.parquet")
    rows = duckdb.sql(
        f"SELECT exporter FROM read_parquet('{files}') UNION SELECT importer FROM read_parquet('{files}')"
    ).fetchall()
    return {r[0] for r in rows}


def test_every_matrix_country_has_a_distance_or_a_stated_gap(
    matrix_countries: set[str], reference: Reference
) -> None:
    stated = set(embedded_manifest()["reference"]["gaps"]["geo_dist"]["missing"])
    lacking = matrix_countries - reference.distance_codes
    assert lacking == stated
    # a stated gap that gets a distance must leave the list
    assert not stated & reference.distance_codes


@pytest.mark.parametrize(
    ("retired", "current"),
    [("ROM", "ROU"), ("ZAR", "COD"), ("TMP", "TLS"), ("PAL", "PSE"), ("YUG", "SRB")],
)
def test_retired_codes_are_mapped_to_current_ones(
    reference: Reference, retired: str, current: str
) -> None:
    assert current in reference.distance_codes
    assert retired not in reference.distance_codes


def test_india_romania_distance_is_geodist_s_romania(reference: Reference) -> None:
    # GeoDist's ROM row for India (New Delhi-Bucharest, about 4,800 km), now under ROU.
    path = default_dir() / "reference" / "geo_dist.parquet"
    row = duckdb.sql(
        f"SELECT dist_km FROM read_parquet('{path}') WHERE origin = 'IND' AND destination = 'ROU'"
    ).fetchone()
    assert row is not None and row[0] == pytest.approx(4808.348, rel=1e-6)


def test_no_distance_note_names_only_the_markets_without_one(reference: Reference) -> None:
    assert reference.no_distance_note(["RUS", "ROU"]) is None
    note = reference.no_distance_note(["RUS", "SSD"])
    assert note is not None and "SSD" in note and "RUS" not in note

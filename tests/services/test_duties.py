"""The EAEU, EU and UK schedules: official rates, coverage, AVEs, `tariff show`, rank duties.

Official rates checked here are cited in docs/tariffs.md ("Checks against official rates").
"""

from __future__ import annotations

import datetime as dt
import statistics

import pyarrow as pa
import pytest

from tradepivot.data.reference import Reference
from tradepivot.data.tariff_schedule import other_tariff_files
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import DataGapError, InputError, UnknownProductError
from tradepivot.services.duties import base_stack, base_timeline, tariff_coverage
from tradepivot.services.opportunity import rank_markets
from tradepivot.services.report import Provenance
from tradepivot.services.tariffs import tariff_stack, tariff_timeline
from tradepivot.tariffs.shipped import (
    attach_duties,
    covered_markets,
    duty_rates,
    duty_tables,
    market_duties,
    schedules,
)

DAY = dt.date(2026, 3, 1)


def _line(schedule: str, line: str) -> dict[str, object]:
    found = [
        r for r in other_tariff_files().lines if r["schedule"] == schedule and r["line"] == line
    ]
    assert len(found) == 1, (schedule, line)
    return found[0]


@pytest.mark.parametrize(
    ("schedule", "line", "rate"),
    [
        # EU Combined Nomenclature 2020, Commission Implementing Regulation (EU) 2019/1776
        ("eu-cet-2020", "42022100", "3.0%"),
        ("eu-cet-2020", "42023100", "3.0%"),
        ("eu-cet-2020", "61091000", "12.0%"),
        ("eu-cet-2020", "64041100", "16.9%"),
        ("eu-cet-2020", "09011100", "0.0%"),
        ("eu-cet-2020", "10063098", "175.00 EUR / tonne"),
        # UK Global Tariff (DIT, 2020; The Customs Tariff (Establishment) (EU Exit) Regs 2020)
        ("uk-gt-2021", "61091000", "12.0%"),
        ("uk-gt-2021", "64041100", "16.0%"),
        ("uk-gt-2021", "42022100", "2.0%"),
        ("uk-gt-2021", "09011100", "0.0%"),
        # EAEU Common Customs Tariff (EEC Council Decision No. 80 of 14.09.2021, as amended)
        ("eaeu-cct-2026", "0901110001", "0"),
        ("eaeu-cct-2026", "4202210000", "12.5%"),
        ("eaeu-cct-2026", "6403120000", "1.5 EUR за 1 пар"),
    ],
)
def test_lines_match_official_rates(schedule: str, line: str, rate: str) -> None:
    assert _line(schedule, line)["rate_text"] == rate


def test_coverage_and_the_source_defects_handled() -> None:
    manifest = other_tariff_files().manifest
    by_id = {s["id"]: s for s in manifest["schedules"]}
    eaeu = by_id["eaeu-cct-2026"]
    assert eaeu["lines"] == 13_290  # 13,319 records - 2 fake codes - 27 duplicate entries
    assert eaeu["defects"]["fake_codes_dropped"] == ["6666", "7777"]
    assert eaeu["defects"]["duplicates_resolved"] == 23
    assert by_id["eu-cet-2020"]["lines"] == by_id["uk-gt-2021"]["lines"] == 11_830
    assert set(by_id["eaeu-cct-2026"]["markets"]) == {"RUS", "BLR", "KAZ", "ARM", "KGZ"}
    assert len(by_id["eu-cet-2020"]["markets"]) == 27
    lines = other_tariff_files().lines
    assert all(len(r["line"]) in (8, 10) and r["line"].isdigit() for r in lines)


@pytest.mark.parametrize(
    ("schedule", "mean"), [("eaeu-cct-2026", 6.4), ("eu-cet-2020", 4.9), ("uk-gt-2021", 3.9)]
)
def test_simple_mean_of_ad_valorem_lines_matches_the_published_check(
    schedule: str, mean: float
) -> None:
    rates = [
        r["ad_valorem_pct"]
        for r in other_tariff_files().lines
        if r["schedule"] == schedule and r["form"] in ("ad_valorem", "free")
    ]
    assert statistics.mean(rates) == pytest.approx(mean, abs=0.05)


def test_duplicates_keep_the_real_rate_and_say_so() -> None:
    flagged = [
        r
        for r in other_tariff_files().lines
        if r["schedule"] == "eaeu-cct-2026" and r["flag"] and "listed" in r["flag"]
    ]
    assert len(flagged) == 23
    for row in flagged:
        assert f"kept {row['rate_text']!r}" in row["flag"]
        listed = row["flag"].split("(")[1].split(")")[0].split(" | ")
        if any(text not in ("0", "0.0") for text in listed):
            assert row["rate_text"] not in ("0", "0.0")


def test_tariff_show_russia_leather_bags(reference: Reference) -> None:
    report = tariff_stack(reference, "RUS", "IND", "4202", DAY)
    rows = report.rows.to_pylist()
    assert len(rows) == 26 and report.totals["schedule"] == "eaeu-cct-2026"
    handbags = next(r for r in rows if r["line"] == "4202210000")
    assert (handbags["mfn_text"], handbags["total_pct"]) == ("12.5%", 12.5)
    assert any("MFN" in n and "not applied" in n for n in report.provenance.notes)
    assert report.provenance.datasets[0]["id"] == "eaeu-cct-2026"


def test_per_pair_duty_becomes_an_ave_at_indias_unit_value(reference: Reference) -> None:
    report = base_stack(
        reference, reference.country("RUS"), reference.country("IND"), "640340", DAY
    )
    (row,) = report.rows.to_pylist()
    assert row["mfn_text"] == "1.25 EUR за 1 пар" and row["form"] == "specific"
    fx = next(
        r["usd_per_unit"] for r in other_tariff_files().manifest["fx"] if r["currency"] == "EUR"
    )
    # An independent reading of the unit-value table: India's exports of 6403 to Russia
    # (the HS6 itself has no Indian trade to Russia), FY2024-25.
    uv = next(
        r
        for r in other_tariff_files().unit_values
        if r["code"] == "6403" and r["market"] == "RUS" and r["unit"] == "pair"
    )
    expected = 1.25 * fx / (uv["value_usd"] / uv["quantity"]) * 100
    assert row["total_pct"] == pytest.approx(expected)
    assert "India to RUS" in row["basis"]


def test_other_exporters_get_indias_world_unit_value_as_a_stated_proxy(
    reference: Reference,
) -> None:
    report = base_stack(
        reference, reference.country("RUS"), reference.country("CHN"), "640340", DAY
    )
    (row,) = report.rows.to_pylist()
    assert "India to all markets" in row["basis"] and "proxy" in row["basis"]


def test_customs_union_members_pay_nothing(reference: Reference) -> None:
    report = base_stack(reference, reference.country("RUS"), reference.country("KAZ"), "4202", DAY)
    assert {r["total_pct"] for r in report.rows.to_pylist()} == {0.0}
    france = duty_rates("FRA", ["ITA"])
    assert france.num_rows == 0  # intra-EU: no duty row, the factors treat it as 0


def test_eu_and_uk_ranges_for_leather_goods(reference: Reference) -> None:
    eu = tariff_stack(reference, "DEU", "IND", "4202", DAY).totals
    uk = tariff_stack(reference, "GBR", "IND", "4202", DAY).totals
    assert (eu["total"], uk["total"]) == ("2.7-9.7%", "2-8%")


def test_before_the_schedule_is_in_force_is_a_stated_gap(reference: Reference) -> None:
    with pytest.raises(DataGapError, match="in force from 2026-01-01"):
        tariff_stack(reference, "RUS", "IND", "4202", dt.date(2025, 6, 1))


def test_timeline_says_when_no_rates_ship(reference: Reference) -> None:
    report = tariff_timeline(reference, "RUS", "IND", "4202")
    rows = report.rows.to_pylist()
    assert [r["layers"] for r in rows] == ["no rates shipped", "MFN (EAEU CCT 2026)"]
    assert rows[1]["from"] == "2026-01-01" and rows[1]["total_max_pct"] == 15.0
    uk = base_timeline(
        reference,
        reference.country("GBR"),
        reference.country("IND"),
        "4202",
        dt.date(2025, 1, 1),
        dt.date(2026, 12, 31),
    )
    assert uk.rows.num_rows == 1


@pytest.mark.parametrize(("market", "hs"), [("CHN", "4202"), ("RUS", "9999"), ("RUS", "42x")])
def test_unknown_market_or_code_is_an_input_error(
    reference: Reference, market: str, hs: str
) -> None:
    with pytest.raises((InputError, UnknownProductError)):
        tariff_stack(reference, market, "IND", hs, DAY)


def _rates(exporter: str, markets: list[str]) -> dict[tuple[str, str], float]:
    return {
        (r["importer"], r["hs6"]): r["duty_pct"] for r in duty_rates(exporter, markets).to_pylist()
    }


def test_the_cached_duty_tables_say_what_the_schedules_say(wh: Warehouse) -> None:
    """One truth: rank and the tariff factors read the same duties `tariff show` computes."""
    manifest = wh.dataset("world-2024")
    tables = duty_tables(wh, manifest)
    for exporter in ("IND", "CHN"):
        assert tables.lookup(exporter, ["RUS", "ITA", "GBR"]) == pytest.approx(
            _rates(exporter, ["RUS", "ITA", "GBR"])
        )
    india = tables.lookup("IND", ["RUS"])
    shoes = base_stack(
        Reference(), Reference().country("RUS"), Reference().country("IND"), "640340", DAY
    ).rows.to_pylist()[0]["total_pct"]
    assert india[("RUS", "640340")] == pytest.approx(shoes)


def test_market_duties_are_import_weighted() -> None:
    demand = pa.table(
        {
            "importer": ["RUS", "RUS", "CHN"],
            "hs6": ["420221", "420229", "420221"],
            "imports_usd": [300.0, 100.0, 50.0],
        }
    )
    table = market_duties("IND", demand, _rates("IND", ["RUS"])).to_pylist()
    assert [r["importer"] for r in table] == ["RUS"]  # no schedule ships for China
    assert table[0]["duty_pct"] == pytest.approx((12.5 * 300 + 10 * 100) / 400)
    assert table[0]["duty_source"].startswith("EAEU CCT 2026")


def test_attach_duties_names_markets_with_and_without_tariffs() -> None:
    markets = pa.table({"importer": ["RUS", "ARE", "ITA"]})
    demand = pa.table(
        {"importer": ["RUS", "ITA"], "hs6": ["420221", "420221"], "imports_usd": [1.0, 1.0]}
    )
    provenance = Provenance()
    out = attach_duties(markets, "IND", demand, _rates("IND", ["RUS", "ITA"]), provenance)
    out = out.to_pylist()
    assert [r["duty_pct"] for r in out] == [12.5, None, 3.0]
    notes = " ".join(provenance.notes)
    assert (
        "ITA, RUS" in notes and "No tariff data ships for 1 market(s)" in notes and "ARE" in notes
    )


def test_every_covered_market_has_a_schedule() -> None:
    found = schedules()
    assert len(covered_markets()) == 33
    assert all(found.for_market(m) is not None for m in covered_markets())


def test_rank_shows_duties_and_uses_them_in_the_tariff_factors(wh: Warehouse) -> None:
    report = rank_markets(wh, "IND", hs=["4202"], top=40, by="product", detail_markets=40)
    markets = {r["importer"]: r for r in report.tables["markets"].to_pylist()}
    russia = markets["RUS"]
    assert russia["duty_source"] == "EAEU CCT 2026, MFN, from 2026-01-01"
    assert 10 <= russia["duty_pct"] <= 15  # 4202's EAEU lines are 10-15% (one line free)
    products = report.rows.to_pylist()
    in_russia = [r for r in products if r["importer"] == "RUS"]
    assert in_russia and all(r["duty_pct"] is not None for r in in_russia)
    # EAEU members pay nothing in Russia, India pays MFN: India's advantage is below 1.
    assert all(r["tariff_advantage"] < 1 for r in in_russia)
    uncovered = [r for r in products if r["importer"] not in covered_markets()]
    assert uncovered and all(r["tariff_advantage"] == 1 for r in uncovered)
    assert all(r["duty_pct"] is None for r in uncovered)
    notes = " ".join(report.provenance.notes)
    assert "Tariff factors" in notes and "No tariff data ships for" in notes


def test_tariff_coverage_counts_lines_and_conversions() -> None:
    report = tariff_coverage()
    rows = {r["schedule"]: r for r in report.rows.to_pylist()}
    assert rows["eaeu-cct-2026"]["lines"] == 13_290
    assert report.totals["lines"] == 13_290 + 2 * 11_830
    for row in rows.values():
        assert row["specific_lines"] == row["specific_converted"] + row["specific_no_ave"]
        assert row["hs6_codes"] > 5_000

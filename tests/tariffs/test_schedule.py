"""The embedded US schedule: dated stacks checked against what the source files state.

Expected stacks are written here from the source files (../shared/data/us-tariffs), each
with the line it comes from, not from tradepivot's measures file; the MFN lines are checked
against a digest of the source file, so nothing is skipped in a clean clone.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tradepivot.data.tariff_schedule import us_tariff_files
from tradepivot.services.tariffs import schedule_for
from tradepivot.tariffs.schedule import TariffSchedule


@pytest.fixture(scope="module")
def us() -> TariffSchedule:
    return schedule_for("USA")


# mfn_rates_2025.csv:4321-4323 — 4202.21.30 5.3%, 4202.21.60 10%, 4202.21.90 9%.
HANDBAG_LINES = {"42022130": 5.3, "42022160": 10.0, "42022190": 9.0}


def _layers(us: TariffSchedule, line: str, day: str) -> dict[str, float]:
    stack = us.stack("IND", line, dt.date.fromisoformat(day))
    return {layer.measure.reference.split(" (")[0]: layer.rate_pct for layer in stack.layers}


@pytest.mark.parametrize(("line", "mfn"), HANDBAG_LINES.items())
def test_india_handbags_on_2025_09_01(us: TariffSchedule, line: str, mfn: float) -> None:
    """MFN + 25 (9903.02.26, chapter99_2026_rev_6.txt:38437-38445, from 2025-08-07)
    + 25 (9903.01.84, chapter99_2026_rev_6.txt:37736-37742, from 2025-08-27) = MFN + 50."""
    stack = us.stack("IND", line, dt.date(2025, 9, 1))
    assert stack.base_pct == pytest.approx(mfn)
    assert _layers(us, line, "2025-09-01") == {"HTSUS 9903.02.26": 25.0, "HTSUS 9903.01.84": 25.0}
    assert stack.total_pct == pytest.approx(mfn + 50)


@pytest.mark.parametrize(("line", "mfn"), HANDBAG_LINES.items())
def test_india_handbags_on_2026_03_01(us: TariffSchedule, line: str, mfn: float) -> None:
    """9903.01.84 "terminated as of February 7, 2026" (chapter99_2026_rev_6.txt:14709); IEEPA
    duties end on 2026-02-24 (policy_params.yaml:630); Section 122 +10 from 2026-02-24 to
    2026-07-23 (chapter99_2026_rev_6.txt:39778-39782, policy_params.yaml:637-643)."""
    stack = us.stack("IND", line, dt.date(2026, 3, 1))
    assert _layers(us, line, "2026-03-01") == {"HTSUS 9903.03.01": 10.0}
    assert stack.total_pct == pytest.approx(mfn + 10)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-01-01", {}),  # revision_dates.csv:2, baseline: MFN only
        ("2025-04-05", {"HTSUS 9903.01.25": 10.0}),  # universal 10% (chapter99:36764)
        ("2025-08-07", {"HTSUS 9903.02.26": 25.0}),  # India's Phase 2 rate replaces it
        ("2025-08-26", {"HTSUS 9903.02.26": 25.0}),
        ("2025-08-27", {"HTSUS 9903.02.26": 25.0, "HTSUS 9903.01.84": 25.0}),
        ("2026-02-06", {"HTSUS 9903.02.26": 25.0, "HTSUS 9903.01.84": 25.0}),
        ("2026-02-07", {"HTSUS 9903.02.26": 25.0}),
        ("2026-02-24", {"HTSUS 9903.03.01": 10.0}),
        ("2026-07-23", {"HTSUS 9903.03.01": 10.0}),
        ("2026-07-24", {}),  # Section 122's 150 days are over (policy_params.yaml:640)
    ],
)
def test_india_stack_over_time(us: TariffSchedule, day: str, expected: dict[str, float]) -> None:
    assert _layers(us, "42022130", day) == expected


def test_annex_ii_products_are_exempt_from_the_india_duties(us: TariffSchedule) -> None:
    """ieepa_exempt_products.csv lists 3004.90.92.xx (medicaments): no IEEPA layer applies."""
    listed = {r["code"][:8] for r in us_tariff_files().lists if r["list"] == "ieepa-annex-ii"}
    assert "30049092" in listed
    stack = us.stack("IND", "30049092", dt.date(2025, 9, 1))
    assert stack.layers == ()
    assert any("ieepa-annex-ii" in note for note in stack.notes)


def test_section_122_exemptions_come_from_note_2_aa(us: TariffSchedule) -> None:
    """chapter99_2026_rev_6.txt note 2(aa)(ii) lists 0201.10.05 (first code of the list)."""
    assert us.stack("IND", "02011005", dt.date(2026, 3, 1)).layers == ()
    assert _layers(us, "02013002", "2026-03-01") == {}  # same list, line 14841
    assert _layers(us, "42022130", "2026-03-01") == {"HTSUS 9903.03.01": 10.0}


def test_the_india_rate_agrees_with_the_country_rate_snapshot(us: TariffSchedule) -> None:
    """The hand-kept 25% for India equals config_2025-11-17_ieepa_reciprocal.yaml:127."""
    india = next(r for r in us_tariff_files().country_rates if r["iso3"] == "IND")
    assert india["census_code"] == "5330" and india["rate_pct"] == 25.0
    measure = next(m for m in us.measures if m.id == "ieepa-phase2-IND")
    assert measure.rate_pct == india["rate_pct"]


def test_other_countries_get_their_snapshot_rate_with_a_caveat(us: TariffSchedule) -> None:
    vietnam = us.stack("VNM", "42022130", dt.date(2025, 9, 1))  # 5520: 0.20 in the snapshot
    assert [layer.rate_pct for layer in vietnam.layers] == [20.0]
    assert any("snapshot" in note for note in vietnam.notes)
    canada = us.stack("CAN", "42022130", dt.date(2025, 9, 1))  # 9903.01.26: outside the baseline
    assert canada.layers == ()


def test_floor_countries_pay_up_to_fifteen_percent_all_in(us: TariffSchedule) -> None:
    """EU members: 15% all-in floor (policy_params.yaml floor_rates)."""
    germany = us.stack("DEU", "42022130", dt.date(2025, 9, 1))
    assert germany.total_pct == pytest.approx(15.0)
    high_mfn = us.stack("DEU", "42021221", dt.date(2025, 9, 1))  # MFN 20% > floor
    assert high_mfn.additional_pct == 0.0


# What ../shared/data/us-tariffs/mfn_rates_2025.csv (sha256 bcab3254...aaccd, 13,073 lines)
# states, reduced to one digest so the test runs in a clean clone (never reading ../shared):
# sha256 of the sorted lines "source line|hs8|rate", the rate being mfn_rate x 100 with six
# decimals for ad valorem and free lines and the raw rate text otherwise. Recompute with:
#   rows = list(csv.DictReader(open(".../mfn_rates_2025.csv", encoding="utf-8")))
#   keys = sorted(f"{i + 2}|{r['hs8']}|" + (f"{float(r['mfn_rate']) * 100:.6f}"
#                 if r["rate_type"] in ("ad_valorem", "free") else r["rate_raw"])
#                 for i, r in enumerate(rows))
#   hashlib.sha256("\n".join(keys).encode()).hexdigest()
MFN_SOURCE_LINES = 13_073
MFN_SOURCE_DIGEST = "ce40360add7c4889157d941d963c5dbb095b5ba6f55065174599ba16f0518c57"


def test_every_mfn_line_matches_the_source_file(us: TariffSchedule) -> None:
    import hashlib

    keys = sorted(
        f"{line.source_line}|{hs8}|"
        + (f"{line.mfn_pct:.6f}" if line.mfn_pct is not None else line.rate_text)
        for hs8, line in us.mfn.items()
    )
    assert len(keys) == MFN_SOURCE_LINES
    assert hashlib.sha256("\n".join(keys).encode()).hexdigest() == MFN_SOURCE_DIGEST
    for hs8, pct in HANDBAG_LINES.items():  # and readable spot checks of the same source
        assert us.mfn[hs8].mfn_pct == pytest.approx(pct)

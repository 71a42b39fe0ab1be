"""A market's tariff schedule: base rates per national line, dated measures, product lists.

Phase 2 reciprocal rates of countries other than those the measures file covers by hand are
generated from the shipped country-rate snapshot, dated like India's, and carry that caveat.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from tradepivot.tariffs.measures import ExemptLookup, Measure, Stack, stack

__all__ = ["MfnLine", "TariffSchedule"]

PHASE2_START = dt.date(2025, 8, 7)  # us-tariffs/revision_dates.csv:20
PHASE2_END = dt.date(2026, 2, 23)  # us-tariffs/policy_params.yaml:630


@dataclass(frozen=True)
class MfnLine:
    """Column 1 general rate of one national line."""

    code: str
    mfn_pct: float | None  # None for specific and compound duties
    rate_text: str
    source_line: int


@dataclass(frozen=True)
class TariffSchedule:
    """One market's base rates, additional measures and the product lists they refer to."""

    market: str
    measures: tuple[Measure, ...]
    mfn: Mapping[str, MfnLine]
    lists: ExemptLookup
    manifest: Mapping[str, Any]

    @classmethod
    def from_records(
        cls,
        market: str,
        measures: Iterable[Mapping[str, Any]],
        country_rates: Iterable[Mapping[str, Any]],
        mfn: Iterable[Mapping[str, Any]],
        lists: Iterable[Mapping[str, Any]],
        manifest: Mapping[str, Any],
    ) -> TariffSchedule:
        built = [Measure(**m) for m in measures]
        by_hand = {e for m in built for e in m.exporters if m.id.startswith("ieepa-phase2-")}
        built += [_phase2(r) for r in country_rates if _needs_phase2(r, by_hand)]
        grouped: dict[str, set[str]] = {}
        for r in lists:
            # Lists keep at most 8 digits: the schedule's lines are HTS8, and a 10-digit entry
            # (a statistical suffix) marks its line as (at least partly) exempt.
            grouped.setdefault(r["list"], set()).add(r["code"][:8])
        return cls(
            market=market,
            measures=tuple(built),
            mfn={
                r["hts8"]: MfnLine(r["hts8"], r["mfn_pct"], r["rate_text"], r["source_line"])
                for r in mfn
            },
            lists={k: frozenset(v) for k, v in grouped.items()},
            manifest=dict(manifest),
        )

    def lines(self, prefix: str) -> list[str]:
        """The national lines under an HS prefix, sorted."""
        codes = self._sorted_lines
        prefix = prefix[:8]
        start = bisect.bisect_left(codes, prefix)
        end = start
        while end < len(codes) and codes[end].startswith(prefix):
            end += 1
        return list(codes[start:end])

    @cached_property
    def _sorted_lines(self) -> list[str]:
        return sorted(self.mfn)

    def on_list(self, name: str, code: str) -> bool:
        codes = self.lists.get(name, frozenset())
        return any(code.startswith(c) or c.startswith(code) for c in codes)

    def stack(
        self,
        exporter: str,
        line: str,
        day: dt.date,
        extra: Iterable[Measure] = (),
    ) -> Stack:
        """The duties in force on ``day`` on one national line (``extra``: scenario measures)."""
        base = self.mfn.get(line)
        label = f"MFN {base.rate_text}" if base else "MFN unknown"
        return stack(
            (*self.measures, *extra),
            market=self.market,
            exporter=exporter,
            code=line,
            day=day,
            base_pct=base.mfn_pct if base else None,
            base_label=label,
            exempt_lists=self.lists,
            lines=[line],
        )

    def change_dates(
        self, start: dt.date, end: dt.date, extra: Iterable[Measure] = ()
    ) -> list[dt.date]:
        """Days in [start, end] on which some measure starts or stops (plus ``start``)."""
        days = {start}
        for m in (*self.measures, *extra):
            for day in (m.start, m.end + dt.timedelta(days=1) if m.end else None):
                if day is not None and start < day <= end:
                    days.add(day)
        return sorted(days)

    def citation(self) -> dict[str, Any]:
        return {
            "id": self.manifest["id"],
            "title": self.manifest["title"],
            "source": self.manifest["source"],
            "edition": "HTS 2025 (HS2022-based), chapter 99 as of 2026 revision 6",
            "inputs_sha256": self.manifest["inputs_sha256"],
            "measures_file": "tradepivot/data/reference/us_measures.yaml",
        }


def _needs_phase2(row: Mapping[str, Any], by_hand: set[str]) -> bool:
    return not (
        row["iso3"] in by_hand or row["rate_pct"] == row["default_pct"] or row["rate_pct"] == 0
    )


def _phase2(row: Mapping[str, Any]) -> Measure:
    floor = bool(row["floor"])
    return Measure(
        id=f"ieepa-phase2-{row['iso3']}",
        layer="IEEPA reciprocal (country rate, Phase 2)",
        reference="HTSUS 9903.02.02-9903.02.91 (EO 14326)",
        market="USA",
        exporters=(row["iso3"],),
        exempt_list="ieepa-annex-ii",
        mode="floor" if floor else "add",
        rate_pct=row["rate_pct"],
        start=PHASE2_START,
        end=PHASE2_END,
        replaces=("ieepa-baseline",),
        source=(
            "us-tariffs/config_2025-11-17_ieepa_reciprocal.yaml (headline_rates, census code "
            f"{row['census_code']})"
        ),
        ambiguity=(
            "rate from the 2025-11-17 snapshot, dated from the Phase 2 start; the source does "
            "not date this country's own changes"
            + ("; modelled as a 15% all-in floor" if floor else "")
        ),
    )

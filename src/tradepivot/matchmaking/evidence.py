"""Market evidence for matchmaking: what the buyer's country imports, and the exporter's room there.

Scoring every candidate pair of an event asks the same few questions many times ("how much
HS 420221 did Russia import in 2024, how much of it came from India, how much untapped
potential does India have there?"). :class:`MarketEvidence` answers them from a lookup
built once per event with three scans of the 2024 world matrix (``world_2024``, HS2017)
and one export-potential computation limited to the event's products, exporter countries
and markets.

Codes may be HS chapters, headings or subheadings (2, 4 or 6 digits): a figure for a
shorter code is the sum over its HS6 subheadings. Lookups return ``None`` when the data
cannot say (a market absent from the world matrix, such as the USA or Germany, whose
imports the source lacks; a code or pair the lookup was not built for); the explanation
then says "no 2024 import data for X" instead of pretending the market imports nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tradepivot.data.reference import Reference

if TYPE_CHECKING:
    from tradepivot.data.warehouse import Warehouse
    from tradepivot.matchmaking.model import Event

__all__ = ["DATASET", "EDITION", "YEAR", "MarketEvidence", "clean_codes", "event_markets"]

DATASET = "world-2024"
EDITION = "HS2017"
YEAR = 2024

_HS_NOISE = re.compile(r"[\s.\-]")


def clean_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """HS codes as scoring reads them: digits only (dots, dashes and spaces dropped), national
    8- and 10-digit lines cut to HS6, other lengths left out; first occurrence order."""
    kept: dict[str, None] = {}
    for raw in codes:
        code = _HS_NOISE.sub("", str(raw))[:6]
        if code.isdigit() and len(code) in (2, 4, 6):
            kept.setdefault(code, None)
    return tuple(kept)


def event_markets(event: Event) -> tuple[set[tuple[str, str]], set[str]]:
    """(exporter country, market country) pairs and HS codes an event's scores may ask about.

    Pairs: every exporter's country against every other participant's country (buyers,
    officials, anyone a preference may pair an exporter with), minus domestic pairs. Codes:
    what the exporters offer, plus the sought codes nested inside an offer (a buyer seeking
    420221 from an exporter offering 4202): market figures are about the exporter's
    products only, and every extra code widens the export-potential computation.
    """
    people = list(event.participants.values())
    exporters = [p for p in people if p.side == "exporter"]
    homes = {p.country for p in exporters}
    markets = {p.country for p in people if p.side != "exporter"}
    pairs = {(e, m) for e in homes for m in markets if e != m}
    offers = {c for p in exporters for c in clean_codes(p.offers)}
    nested = {
        c
        for p in people
        if p.side != "exporter"
        for c in clean_codes(p.seeks)
        if any(c[:n] in offers for n in (2, 4) if len(c) > n)
    }
    return pairs, offers | nested


@dataclass(frozen=True)
class MarketEvidence:
    """Precomputed 2024 market figures for (exporter country, importer country, HS code).

    Build it with :meth:`build` (or :meth:`for_event`); :meth:`empty` scores without data.
    """

    pairs: frozenset[tuple[str, str]] = frozenset()
    codes: frozenset[str] = frozenset()
    markets: frozenset[str] = frozenset()  # importers present in the world matrix
    reference: Reference | None = None
    notes: tuple[str, ...] = ()
    _imports: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)
    _supplied: dict[tuple[str, str, str], float] = field(default_factory=dict, repr=False)
    _untapped: dict[tuple[str, str, str], float] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def empty(cls) -> MarketEvidence:
        """No data at all: every lookup is ``None`` (scores without a warehouse)."""
        return cls()

    @classmethod
    def for_event(cls, wh: Warehouse, event: Event) -> MarketEvidence:
        """The lookup for everything :func:`~tradepivot.matchmaking.scoring.score_pairs` asks."""
        pairs, codes = event_markets(event)
        return cls.build(wh, pairs, codes)

    @classmethod
    def build(
        cls, wh: Warehouse, pairs: Iterable[tuple[str, str]], codes: Iterable[str]
    ) -> MarketEvidence:
        """Imports, supplier values and untapped potential for ``pairs`` x ``codes``.

        ``pairs`` are (exporter ISO3, importer ISO3); ``codes`` HS2017 codes of 2, 4 or 6
        digits (anything else, or a code that is not in HS2017, is left out: its lookups give
        ``None``). Untapped potential comes from the export-potential method of
        :mod:`tradepivot.analytics.potential_context`, limited to these codes, exporters and markets.
        """
        # Imported here: the warehouse and the potential service pull in ibis, which plain
        # scoring (MarketEvidence.empty()) does not need.
        from tradepivot.analytics.potential_context import potential_context

        reference = wh.reference
        wanted = frozenset((e, m) for e, m in pairs if e != m)
        valid = frozenset(
            c
            for c in codes
            if c.isdigit() and len(c) in (2, 4, 6) and reference.describe(c, EDITION) is not None
        )
        exporters = sorted({e for e, _ in wanted})
        markets = sorted({m for _, m in wanted})
        if not wanted or not valid:
            return cls(wanted, valid, frozenset(), reference)
        # The 2024 matrix on the warehouse's engine (Ibis: DuckDB or Spark), the same figures
        # as `market` and `rank`'s share: the market's imports and each supplier's part of them.
        from tradepivot.analytics.markets import in_scope

        flows, _ = wh.table(DATASET, "bilateral")
        scope = reference.product_scope(hs=sorted(valid), edition=EDITION)
        asked = flows.filter(flows.importer.isin(markets))
        present = frozenset(asked.select("importer").distinct().to_pyarrow().column(0).to_pylist())
        scoped = asked.filter(in_scope(asked.hs6, scope))
        by_market = scoped.group_by(["importer", "hs6"]).aggregate(value_usd=scoped.value_usd.sum())
        imports: dict[tuple[str, str], float] = {}
        for row in by_market.to_pyarrow().to_pylist():
            for code in _codes_of(row["hs6"], valid):
                key = (row["importer"], code)
                imports[key] = imports.get(key, 0.0) + float(row["value_usd"])
        sold = scoped.filter(scoped.exporter.isin(exporters))
        sold = sold.group_by(["exporter", "importer", "hs6"]).aggregate(
            value_usd=sold.value_usd.sum()
        )
        supplied: dict[tuple[str, str, str], float] = {}
        for row in sold.to_pyarrow().to_pylist():
            if (row["exporter"], row["importer"]) not in wanted:
                continue
            for code in _codes_of(row["hs6"], valid):
                key3 = (row["exporter"], row["importer"], code)
                supplied[key3] = supplied.get(key3, 0.0) + float(row["value_usd"])

        untapped: dict[tuple[str, str, str], float] = {}
        served = sorted(present)
        if served:
            ctx = potential_context(wh, sorted(valid), None, DATASET)
            rows = ctx.rows(exporters=exporters, importers=served)
            rows = rows.filter(rows.untapped_usd > 0).select(
                "exporter", "importer", "hs6", "untapped_usd"
            )
            for row in rows.to_pyarrow().to_pylist():
                if (row["exporter"], row["importer"]) not in wanted:
                    continue
                for code in _codes_of(row["hs6"], valid):
                    key3 = (row["exporter"], row["importer"], code)
                    untapped[key3] = untapped.get(key3, 0.0) + float(row["untapped_usd"])

        absent = [m for m in markets if m not in present]
        notes = (
            (
                f"No {YEAR} import data for {', '.join(reference.name(m) for m in absent)} "
                f"in {DATASET}: no market evidence there.",
            )
            if absent
            else ()
        )
        return cls(wanted, valid, present, reference, notes, imports, supplied, untapped)

    def same_figures(self, other: MarketEvidence, codes: Iterable[str]) -> bool:
        """Whether ``other`` answers every lookup about ``codes`` as this one does (the same
        country pairs and markets, the same imports, supplies and untapped potential):
        what lets scores computed with one stand for scores computed with the other."""
        wanted = frozenset(codes)
        if self.pairs != other.pairs or self.markets != other.markets:
            return False
        if (self.codes & wanted) != (other.codes & wanted):
            return False
        for mine, theirs, at in (
            (self._imports, other._imports, 1),
            (self._supplied, other._supplied, 2),
            (self._untapped, other._untapped, 2),
        ):
            keys = {k for k in (*mine, *theirs) if k[at] in wanted}
            # Equal to the last digits is too strict: the same figures summed in another order
            # (DuckDB's parallel aggregation) differ by ~1e-16 relative between two builds.
            if any(not _same(mine.get(k, 0.0), theirs.get(k, 0.0)) for k in keys):
                return False
        return True

    # ------------------------------------------------------------------ lookups
    def has_market(self, importer: str) -> bool:
        """Whether the world matrix holds ``importer``'s 2024 imports."""
        return importer in self.markets

    def imports(self, importer: str, code: str) -> float | None:
        """``importer``'s 2024 imports of ``code`` in USD (0 when none are recorded)."""
        if importer not in self.markets or code not in self.codes:
            return None
        return self._imports.get((importer, code), 0.0)

    def supplied(self, exporter: str, importer: str, code: str) -> float | None:
        """What ``exporter``'s country sold of ``code`` to ``importer`` in 2024 (USD)."""
        if (exporter, importer) not in self.pairs or self.imports(importer, code) is None:
            return None
        return self._supplied.get((exporter, importer, code), 0.0)

    def share(self, exporter: str, importer: str, code: str) -> float | None:
        """``exporter``'s share (0-1) of ``importer``'s 2024 imports of ``code``."""
        total = self.imports(importer, code)
        value = self.supplied(exporter, importer, code)
        if total is None or value is None or total <= 0:
            return None
        return value / total

    def untapped(self, exporter: str, importer: str, code: str) -> float | None:
        """``exporter``'s untapped export potential in ``importer`` for ``code`` (USD)."""
        if (exporter, importer) not in self.pairs or self.imports(importer, code) is None:
            return None
        return self._untapped.get((exporter, importer, code), 0.0)


def _codes_of(hs6: str, codes: frozenset[str]) -> list[str]:
    """The wanted codes (chapter, heading, the subheading itself) an HS6 code falls under."""
    return [c for c in (hs6[:2], hs6[:4], hs6) if c in codes]


def _same(a: float, b: float) -> bool:
    """Whether two USD figures are one figure up to summation order (1e-9 relative)."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)

"""Scores for candidate meetings, each with a plain-language explanation.

Every candidate pair of an event gets a total from 0 to 100, the points of each component,
and short sentences saying why ("both trade HS 420221 (...)", "you seek a distributor,
they distribute", "Russia imported USD 107.5 m of HS 420221 in 2024; India supplied
0.9%"). The scheduler maximises the sum of the scores of the meetings it places; a vetoed
pair keeps its components for the record but totals 0 and carries ``veto=True``.

Candidate pairs (:func:`candidate_pairs`): exporter x buyer and exporter x official (an
official stands for its country's market: a trade mission, a ministry, an association), plus
any pair that a participant asked for (``must`` or ``meet``), whatever the sides. Buyer x
official, exporter x exporter and buyer x buyer pairs are not scored unless asked for: the
forum is about Indian exports, and those meetings have no trade to match.

Components (each from 0 to 1, times its weight; default weights sum to 100 points):

============  ======  =======================================================================
component     weight  value
============  ======  =======================================================================
product       35      best HS hierarchy similarity between one side's offers and the other's
                      seeks, either direction: same HS6 1.0, same heading 0.75, same chapter
                      0.5, same section 0.25, else 0. Codes of different lengths match at the
                      shorter one's level at most (offering chapter 42 matches a sought
                      420221 at chapter level).
coverage      15      the share of one side's sought codes the other covers at heading level
                      or better (same heading, or an offered code inside the sought one);
                      the better of the two directions.
cooperation   15      one side seeks what the other offers (a distributor who distributes, a
                      supplier who supplies; two sides both seeking a joint venture count as
                      a match both ways): 1.0 both ways, 0.75 one way, else 0.
market        15      for the exporter's offer that best matches what the other side seeks
                      (chapter level or better; for an official without stated needs, any
                      offer): half log-scaled 2024 imports of the other side's country (0 at
                      USD 100 k, 1 at USD 1 bn and more), half log-scaled untapped potential
                      of the exporter's country there (0 at USD 10 k, 1 at USD 100 m).
preference    10      1.0 when either side asked for a must-meet, 0.5 for a meet, else 0.
language      5       1.0 with a shared language, else 0 (an interpreter is needed).
text          5       similarity of the two descriptions (:mod:`tradepivot.matchmaking.text`).
============  ======  =======================================================================

Totals are ``100 * sum(weight * value) / sum(weights)``, so custom weights need not sum to
100. A ``no`` preference from either side is a veto: total 0, ``veto=True``. ``must`` flags
a must-meet request (from either side) for the scheduler's hard constraints.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from tradepivot.data.reference import Reference
from tradepivot.errors import InputError
from tradepivot.i18n import N_
from tradepivot.i18n.numbers import money_text
from tradepivot.matchmaking.classifications import Match, best_match
from tradepivot.matchmaking.evidence import EDITION, YEAR, MarketEvidence, clean_codes
from tradepivot.matchmaking.model import (
    ComponentWeights,
    Event,
    Participant,
    PreferenceLevel,
)
from tradepivot.matchmaking.phrases import Phrase, phrase, say
from tradepivot.matchmaking.text import TextSimilarity, TfidfSimilarity, explains_terms

__all__ = [
    "LEVEL_SIMILARITY",
    "SCORE_FORMAT",
    "SECTIONS",
    "Facts",
    "OrganiserWeight",
    "Score",
    "candidate_pairs",
    "explain",
    "hs_similarity",
    "organiser_weights",
    "score_pair",
    "score_pairs",
    "section_of",
]

# The 21 sections of the Harmonized System (WCO), by chapter ranges, with short names.
SECTIONS: tuple[tuple[str, int, int, str], ...] = (
    ("I", 1, 5, "live animals and animal products"),
    ("II", 6, 14, "vegetable products"),
    ("III", 15, 15, "animal and vegetable fats and oils"),
    ("IV", 16, 24, "prepared foodstuffs, beverages and tobacco"),
    ("V", 25, 27, "mineral products"),
    ("VI", 28, 38, "chemical and allied products"),
    ("VII", 39, 40, "plastics and rubber"),
    ("VIII", 41, 43, "hides, skins, leather, furskins and their articles"),
    ("IX", 44, 46, "wood, cork and plaiting materials"),
    ("X", 47, 49, "pulp, paper and printed matter"),
    ("XI", 50, 63, "textiles and textile articles"),
    ("XII", 64, 67, "footwear, headgear and umbrellas"),
    ("XIII", 68, 70, "stone, ceramic and glass articles"),
    ("XIV", 71, 71, "pearls, precious stones and metals, jewellery"),
    ("XV", 72, 83, "base metals and their articles"),
    ("XVI", 84, 85, "machinery and electrical equipment"),
    ("XVII", 86, 89, "vehicles, aircraft, vessels"),
    ("XVIII", 90, 92, "optical, medical and precision instruments, clocks, musical instruments"),
    ("XIX", 93, 93, "arms and ammunition"),
    ("XX", 94, 96, "miscellaneous manufactured articles"),
    ("XXI", 97, 97, "works of art and antiques"),
)
_SECTION_OF_CHAPTER = {
    f"{chapter:02d}": numeral
    for numeral, first, last, _ in SECTIONS
    for chapter in range(first, last + 1)
}
_SECTION_NAME = {numeral: name for numeral, _, _, name in SECTIONS}

# Match level -> similarity: HS6, heading, chapter, section (1), none (0).
LEVEL_SIMILARITY: Mapping[int, float] = {6: 1.0, 4: 0.75, 2: 0.5, 1: 0.25, 0: 0.0}
# The product sentence per match level: with the code's description, and without one.
_PRODUCT_MESSAGES: Mapping[int, tuple[str, str]] = {
    6: (N_("both trade HS %(code)s (%(description)s)"), N_("both trade HS %(code)s")),
    4: (
        N_("both trade within HS heading %(code)s (%(description)s)"),
        N_("both trade within HS heading %(code)s"),
    ),
    2: (
        N_("both trade within HS chapter %(code)s (%(description)s)"),
        N_("both trade within HS chapter %(code)s"),
    ),
    1: (
        N_("both trade within HS section %(code)s (%(description)s)"),
        N_("both trade within HS section %(code)s"),
    ),
}
NO_PRODUCT: Phrase = phrase(N_("no product in common"))
# How kept scores are written (the score key includes it, so scores kept by an older layout
# are scored again rather than misread): 2 = reasons as phrases (message and values).
SCORE_FORMAT = 2


# cooperation -> (what a seeker seeks, what an offerer does: third person, plural/"you")
# Market evidence scales (log10): imports 0 at USD 100 k, 1 at USD 1 bn; untapped 0 at
# USD 10 k, 1 at USD 100 m.
_IMPORTS_FLOOR, _UNTAPPED_FLOOR, _DECADES = 1e5, 1e4, 4.0
# Text similarity from which descriptions are mentioned as similar.
_TEXT_MENTION = 0.15
_PREFERENCE_RANK: Mapping[str, int] = {"meet": 1, "must": 2, "no": 3}


# ---------------------------------------------------------------------------- HS hierarchy
def section_of(code: str) -> str | None:
    """The HS section (Roman numeral) of a code of 2 or more digits; None outside 01-97."""
    return _SECTION_OF_CHAPTER.get(code[:2])


def hs_similarity(a: str, b: str) -> float:
    """HS hierarchy similarity of two codes of 2-6 digits (1, 0.75, 0.5, 0.25 or 0).

    Same HS6 1.0, same heading 0.75, same chapter 0.5, same section 0.25; a level counts
    only when both codes are at least that long (``"42"`` and ``"420221"`` share a chapter).
    """
    for level in (6, 4, 2):
        if len(a) >= level and len(b) >= level and a[:level] == b[:level]:
            return LEVEL_SIMILARITY[level]
    section = section_of(a)
    return LEVEL_SIMILARITY[1] if section is not None and section == section_of(b) else 0.0


def _levels(codes: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    """Codes at HS6, heading, chapter and section level (a code counts where it is long enough)."""
    return (
        frozenset(c for c in codes if len(c) == 6),
        frozenset(c[:4] for c in codes if len(c) >= 4),
        frozenset(c[:2] for c in codes),
        frozenset(s for c in codes if (s := section_of(c)) is not None),
    )


@dataclass(frozen=True)
class _Profile:
    """What scoring needs of one participant, computed once."""

    p: Participant
    offers: tuple[str, ...]
    seeks: tuple[str, ...]
    offer_levels: tuple[frozenset[str], ...]
    seek_levels: tuple[frozenset[str], ...]
    offer_prefixes: frozenset[str]  # every chapter/heading/HS6 prefix of an offered code
    seek_chapters: frozenset[str]  # sought codes of 2 digits
    seek_headings: frozenset[str]  # sought codes of 4 digits
    seek6_by_heading: dict[str, int]  # heading -> how many sought HS6 codes lie in it
    seek6_headings: frozenset[str]
    languages: frozenset[str]
    coop_offered: frozenset[str]
    coop_sought: frozenset[str]

    @classmethod
    def of(cls, p: Participant) -> _Profile:
        offers, seeks = clean_codes(p.offers), clean_codes(p.seeks)
        by_heading: dict[str, int] = {}
        for c in seeks:
            if len(c) == 6:
                by_heading[c[:4]] = by_heading.get(c[:4], 0) + 1
        return cls(
            p,
            offers,
            seeks,
            _levels(offers),
            _levels(seeks),
            frozenset(c[:n] for c in offers for n in (2, 4, 6) if len(c) >= n),
            frozenset(c for c in seeks if len(c) == 2),
            frozenset(c for c in seeks if len(c) == 4),
            by_heading,
            frozenset(by_heading),
            frozenset(lang.strip().lower() for lang in p.languages if lang.strip()),
            frozenset(p.cooperation_offered),
            frozenset(p.cooperation_sought),
        )


_LEVEL_ORDER = (6, 4, 2, 1)


def _other_match(a: Participant, b: Participant) -> Match | None:
    """The best services (EBOPS 2010) or skills (ISCO-08) match of the pair, either way."""
    found = (
        best_match("EBOPS", a.services_offered, b.services_sought),
        best_match("EBOPS", b.services_offered, a.services_sought),
        best_match("ISCO", a.skills_offered, b.skills_sought),
        best_match("ISCO", b.skills_offered, a.skills_sought),
    )
    matches = [m for m in found if m is not None]
    return max(matches, key=lambda m: m.similarity) if matches else None


def _best_level(offerer: _Profile, seeker: _Profile) -> tuple[int, frozenset[str]]:
    """The deepest level at which an offer of one meets a need of the other, and the codes."""
    for level, offered, sought in zip(
        _LEVEL_ORDER, offerer.offer_levels, seeker.seek_levels, strict=True
    ):
        shared = offered & sought
        if shared:
            return level, shared
    return 0, frozenset()


def _coverage(offerer: _Profile, seeker: _Profile) -> int:
    """How many of the seeker's codes the offerer covers at heading level or better.

    A sought chapter is covered by any offer inside it, a sought heading by an offer in the
    same heading, a sought HS6 by an offer in its heading.
    """
    headings = offerer.offer_levels[1]
    covered = len(seeker.seek_chapters & offerer.offer_prefixes) + len(
        seeker.seek_headings & headings
    )
    if seeker.seek6_by_heading:
        for heading in seeker.seek6_headings & headings:
            covered += seeker.seek6_by_heading[heading]
    return covered


# ---------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Facts:
    """What a score's sentences are made of, so :func:`explain` can speak to either side.

    Perspective-free sentences are kept as phrases (message and values, translated where
    shown); the rest as (participant id, ...) records.
    """

    product: Phrase = NO_PRODUCT
    coverage: tuple[tuple[str, int, int], ...] = ()  # (seeker id, covered, sought)
    cooperation: tuple[tuple[str, str], ...] = ()  # (seeker id, cooperation); mutual JV twice
    market: Phrase | None = None
    preferences: tuple[tuple[str, PreferenceLevel], ...] = ()  # (source id, level)
    language: Phrase | None = None
    interpreter: tuple[str, str] | None = None  # language pair when no language is shared
    text: Phrase | None = None
    market_code: str | None = None  # the HS code the market figures are about
    organiser: Phrase | None = None  # the organiser's own score for the pair (scores.csv)


@dataclass(frozen=True)
class Score:
    """The score of one candidate pair (``a < b``)."""

    a: str
    b: str
    total: float  # 0-100; 0 when vetoed
    parts: dict[str, float]  # points per component (they add up to the total unless vetoed)
    reasons: tuple[str, ...]  # plain-language sentences, naming both sides
    veto: bool = False
    must: bool = False
    interpreter_needed: bool = False
    facts: Facts = field(default_factory=Facts, compare=False, repr=False)

    @property
    def pair(self) -> tuple[str, str]:
        return (self.a, self.b)


# ---------------------------------------------------------------------------- candidates
def _preferences(event: Event) -> dict[tuple[str, str], PreferenceLevel]:
    """(source, target) -> level; when one source says several things, no > must > meet."""
    found: dict[tuple[str, str], PreferenceLevel] = {}
    for pref in event.preferences:
        key = (pref.source, pref.target)
        old = found.get(key)
        if old is None or _PREFERENCE_RANK[pref.level] > _PREFERENCE_RANK[old]:
            found[key] = pref.level
    return found


def candidate_pairs(event: Event) -> set[tuple[str, str]]:
    """Pairs ``(a, b)``, ``a < b``, worth scoring: see the module docstring."""
    people = event.participants
    exporters = [pid for pid, p in people.items() if p.side == "exporter"]
    partners = [pid for pid, p in people.items() if p.side in ("buyer", "official")]
    pairs = {(e, o) if e < o else (o, e) for e in exporters for o in partners}
    for pref in event.preferences:
        s, t = pref.source, pref.target
        if pref.level != "no" and s != t and s in people and t in people:
            pairs.add((s, t) if s < t else (t, s))
    # The organiser's own scores: a weighted pair is a candidate whatever its sides are, and
    # a pair whose score is replaced by 0 is none.
    for pair, own in organiser_weights(event).items():
        if own.replace == 0.0 and not own.add:
            pairs.discard(pair)
        elif all(pid in people for pid in pair):
            pairs.add(pair)
    return pairs


@dataclass(frozen=True)
class OrganiserWeight:
    """What scores.csv says of one pair: the score that replaces the built-in one (the
    file's last ``replace`` row, None without one), the points its ``add`` rows add, and
    their reasons."""

    replace: float | None
    add: float
    reasons: tuple[str, ...]


def organiser_weights(event: Event) -> dict[tuple[str, str], OrganiserWeight]:
    """The event's pair weights (``scores.csv``) per unordered pair ``(a, b)``, ``a < b``."""
    found: dict[tuple[str, str], OrganiserWeight] = {}
    for weight in event.pair_weights:
        a, b = sorted((weight.source, weight.target))
        old = found.get((a, b), OrganiserWeight(None, 0.0, ()))
        reasons = old.reasons + ((weight.reason,) if weight.reason else ())
        if weight.mode == "replace":
            found[(a, b)] = OrganiserWeight(weight.weight, old.add, reasons)
        else:
            found[(a, b)] = OrganiserWeight(old.replace, old.add + weight.weight, reasons)
    return found


# ---------------------------------------------------------------------------- scoring
def _short(text: str | None, limit: int = 90) -> str:
    """A description without parentheses, cut at a word boundary."""
    if not text:
        return ""
    text = re.sub(r"\s*\([^()]*\)", "", text)
    text = re.sub(r"\s+([,;.])", r"\1", " ".join(text.split()))
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;") + "…"


def _percent(share: float) -> str:
    if 0 < share < 0.001:
        return "<0.1%"
    return f"{share * 100:.1f}%"


# The market sentence by (the exporter supplied some, untapped potential is known).
_MARKET_MESSAGES: Mapping[tuple[bool, bool], str] = {
    (True, True): N_(
        "%(market)s imported %(imports)s of HS %(code)s in %(year)s, %(share)s of it from "
        "%(exporter)s, untapped potential %(untapped)s (world matrix)"
    ),
    (True, False): N_(
        "%(market)s imported %(imports)s of HS %(code)s in %(year)s, %(share)s of it from "
        "%(exporter)s (world matrix)"
    ),
    (False, True): N_(
        "%(market)s imported %(imports)s of HS %(code)s in %(year)s, none of it from "
        "%(exporter)s, untapped potential %(untapped)s (world matrix)"
    ),
    (False, False): N_(
        "%(market)s imported %(imports)s of HS %(code)s in %(year)s, none of it from "
        "%(exporter)s (world matrix)"
    ),
}


def _log_scale(value: float | None, floor: float) -> float:
    if not value or value <= floor:
        return 0.0
    return min(1.0, math.log10(value / floor) / _DECADES)


class _Scorer:
    """Everything computed once per event; :meth:`score` is called for every pair."""

    def __init__(
        self,
        event: Event,
        evidence: MarketEvidence,
        text: TextSimilarity | None,
        weights: ComponentWeights,
        reference: Reference | None,
    ) -> None:
        self.event = event
        self.evidence = evidence
        self.reference = reference or evidence.reference or Reference()
        self.profiles = {pid: _Profile.of(p) for pid, p in event.participants.items()}
        self.text = text or TfidfSimilarity(
            p.description for p in event.participants.values() if p.description
        )
        self.terms = explains_terms(self.text)
        values = weights.as_dict()
        scale = 100.0 / sum(values.values())
        self.points = {k: v * scale for k, v in values.items()}
        self.prefs = _preferences(event)
        self.organiser = organiser_weights(event)
        self._labels: dict[str, Phrase] = {}
        self._market_cache: dict[tuple[str, str, str], tuple[float, float | None]] = {}
        self._names: dict[str, str] = {}
        self._languages: dict[
            tuple[frozenset[str], frozenset[str]], tuple[bool, Phrase, tuple[str, str] | None]
        ] = {}
        self._market_sentences: dict[tuple[str, str, str], Phrase] = {}

    # ------------------------------------------------------------------ helpers
    def product_phrase(self, level: int, code: str) -> Phrase:
        """ "both trade (within) HS ... code (description)" for a match at ``level``."""
        key = f"{level}:{code}"
        found = self._labels.get(key)
        if found is None:
            if level == 1:
                description: str | None = _SECTION_NAME[code]
            else:
                description = _short(self.reference.describe(code, EDITION))
            with_description, bare = _PRODUCT_MESSAGES[level]
            found = (
                phrase(with_description, code=code, description=description)
                if description
                else phrase(bare, code=code)
            )
            self._labels[key] = found
        return found

    def country(self, iso3: str) -> str:
        found = self._names.get(iso3)
        if found is None:
            found = self._names[iso3] = self.reference.name(iso3)
        return found

    def market_value(self, exporter: str, importer: str, code: str) -> tuple[float, float | None]:
        """(evidence value 0-1, imports or None) for one code, cached."""
        key = (exporter, importer, code)
        found = self._market_cache.get(key)
        if found is None:
            ev = self.evidence
            imports = ev.imports(importer, code)
            untapped = ev.untapped(exporter, importer, code)
            value = 0.5 * _log_scale(imports, _IMPORTS_FLOOR) + 0.5 * _log_scale(
                untapped, _UNTAPPED_FLOOR
            )
            found = self._market_cache[key] = (value, imports)
        return found

    # ------------------------------------------------------------------ one pair
    def score(self, x: str, y: str) -> Score:
        a, b = (x, y) if x < y else (y, x)
        pa, pb = self.profiles[a], self.profiles[b]

        # product: both directions, the deeper wins
        level_ab, shared_ab = _best_level(pa, pb)
        level_ba, shared_ba = _best_level(pb, pa)
        level = max(level_ab, level_ba)

        # coverage (needs a chapter in common at least): the better direction
        coverage: list[tuple[str, int, int]] = []
        best_cover = 0.0
        if level >= 2:
            for offerer, seeker, lvl in ((pa, pb, level_ab), (pb, pa, level_ba)):
                if lvl >= 2:
                    covered = _coverage(offerer, seeker)
                    if covered:
                        coverage.append((seeker.p.id, covered, len(seeker.seeks)))
                        best_cover = max(best_cover, covered / len(seeker.seeks))

        # cooperation
        cooperation: list[tuple[str, str]] = []
        directions = 0
        if pa.coop_sought or pb.coop_sought:
            for offerer, seeker in ((pa, pb), (pb, pa)):
                kinds = seeker.coop_sought & offerer.coop_offered
                if "joint_venture" in seeker.coop_sought and "joint_venture" in offerer.coop_sought:
                    kinds = kinds | {"joint_venture"}
                if kinds:
                    directions += 1
                    cooperation.extend((seeker.p.id, k) for k in sorted(kinds))

        # market evidence
        market_value, market_sentence, market_code = self._market(
            pa, pb, (level_ab, shared_ab), (level_ba, shared_ba)
        )

        # preferences
        prefs: list[tuple[str, PreferenceLevel]] = []
        veto = must = meet = False
        if self.prefs:
            for source, target in ((a, b), (b, a)):
                pref = self.prefs.get((source, target))
                if pref is not None:
                    prefs.append((source, pref))
                    veto |= pref == "no"
                    must |= pref == "must"
                    meet |= pref == "meet"

        # language
        shared_language, language, interpreter = self._language(pa.languages, pb.languages)

        # text
        da, db = pa.p.description, pb.p.description
        similarity = max(0.0, min(1.0, float(self.text.similarity(da, db)))) if da and db else 0.0
        text: Phrase | None = None
        if similarity >= _TEXT_MENTION:
            words = self.terms.shared_terms(da, db) if self.terms is not None else []
            text = (
                phrase(N_("similar descriptions (shared words: %(words)s)"), words=", ".join(words))
                if words
                else phrase(
                    N_("similar descriptions (text similarity %(similarity)s)"),
                    similarity=f"{similarity:.2f}",
                )
            )

        # services (EBOPS) and skills (ISCO): the deepest match of either direction
        other = _other_match(pa.p, pb.p)
        similarity_product = LEVEL_SIMILARITY[level]

        # product sentence: the code of the market evidence when it is at the best level
        if other is not None and other.similarity > similarity_product:
            product, similarity_product = other.sentence, other.similarity
        elif level == 0:
            product = NO_PRODUCT
        else:
            shared = (shared_ab if level_ab == level else frozenset()) | (
                shared_ba if level_ba == level else frozenset()
            )
            shown = min(shared)
            if market_code is not None and level > 1 and market_code[:level] in shared:
                shown = market_code[:level]
            product = self.product_phrase(level, shown)

        points = self.points
        parts = {
            "product": points["product"] * similarity_product,
            "coverage": points["coverage"] * best_cover,
            "cooperation": points["cooperation"] * (0.0, 0.75, 1.0)[directions],
            "market": points["market"] * market_value,
            "preference": points["preference"] * (1.0 if must else 0.5 if meet else 0.0),
            "language": points["language"] * (1.0 if shared_language else 0.0),
            "text": points["text"] * similarity,
        }
        built = max(0.0, min(100.0, round(sum(parts.values()), 6)))
        total, organiser = built, None
        own = self.organiser.get((a, b))
        if own is not None:  # the organiser's own score replaces or adds to the built-in one
            base = built if own.replace is None else own.replace
            total = max(0.0, round(base + own.add, 6))
            parts["organiser"] = round(total - sum(parts.values()), 6)
            organiser = _organiser_sentence(own, built, total)
        if veto:
            total = 0.0
        facts = Facts(
            product,
            tuple(coverage),
            tuple(cooperation),
            market_sentence,
            tuple(prefs),
            language,
            interpreter,
            text,
            market_code,
            organiser,
        )
        return Score(
            a,
            b,
            total,
            parts,
            _sentences(facts, a, b, self.event, None),
            veto,
            must,
            not shared_language,
            facts,
        )

    def _language(
        self, la: frozenset[str], lb: frozenset[str]
    ) -> tuple[bool, Phrase, tuple[str, str] | None]:
        """(shared?, sentence, interpreter pair), cached per pair of language sets."""
        key = (la, lb)
        found = self._languages.get(key)
        if found is None:
            shared = la & lb
            if shared:
                message = (
                    N_("shared languages: %(languages)s")
                    if len(shared) > 1
                    else N_("shared language: %(languages)s")
                )
                found = (True, phrase(message, languages=",".join(sorted(shared))), None)
            else:
                pair = self._interpreter_pair(la, lb)
                found = (False, self._interpreter_sentence(pair), pair)
            self._languages[key] = found
        return found

    def _market(
        self,
        pa: _Profile,
        pb: _Profile,
        match_ab: tuple[int, frozenset[str]],
        match_ba: tuple[int, frozenset[str]],
    ) -> tuple[float, Phrase | None, str | None]:
        """(value 0-1, sentence, code) of the market evidence for an exporter's pair."""
        if pa.p.side == "exporter" and pb.p.side != "exporter":
            exp, other, match = pa, pb, match_ab
        elif pb.p.side == "exporter" and pa.p.side != "exporter":
            exp, other, match = pb, pa, match_ba
        else:
            return 0.0, None, None
        home, market = exp.p.country, other.p.country
        if home == market or (home, market) not in self.evidence.pairs:
            return 0.0, None, None
        candidates = self._market_codes(exp, other, *match)
        if not candidates:
            return 0.0, None, None
        no_data = phrase(
            N_("no %(year)s import data for %(market)s"), year=YEAR, market=self.country(market)
        )
        if not self.evidence.has_market(market):
            return 0.0, no_data, None
        best: tuple[float, float, str] | None = None
        for code in candidates:
            value, imports = self.market_value(home, market, code)
            if imports is None:
                continue
            if best is None or (value, imports) > best[:2]:  # candidates come sorted
                best = (value, imports, code)
        if best is None:
            return 0.0, no_data, None
        value, imports, code = best
        return value, self.market_sentence(home, market, code, imports), code

    def market_sentence(self, home: str, market: str, code: str, imports: float) -> Phrase:
        """What the world matrix says of ``market``'s imports of ``code`` and ``home``'s part
        in them (mirror data: the market's own record, so the share is like for like)."""
        key = (home, market, code)
        found = self._market_sentences.get(key)
        if found is None:
            values: dict[str, object] = {
                "market": self.country(market),
                "exporter": self.country(home),
                "code": code,
                "year": YEAR,
            }
            if imports <= 0:
                found = phrase(
                    N_("%(market)s recorded no %(year)s imports of HS %(code)s"), **values
                )
            else:
                share = self.evidence.share(home, market, code) or 0.0
                untapped = self.evidence.untapped(home, market, code) or 0.0
                values["imports"] = money_text(imports)
                message = _MARKET_MESSAGES[(share > 0, untapped > 0)]
                if share > 0:
                    values["share"] = _percent(share)
                if untapped > 0:
                    values["untapped"] = money_text(untapped)
                found = phrase(message, **values)
            self._market_sentences[key] = found
        return found

    @staticmethod
    def _market_codes(
        exp: _Profile, other: _Profile, level: int, shared: frozenset[str]
    ) -> list[str]:
        """The exporter's products the other side's market figures are about (sorted).

        The offers that meet the other's needs at the deepest level (chapter or better): the
        more specific of two nested codes, else the exporter's offer. An official without
        stated needs stands for its whole market: every offer.
        """
        if not other.seeks:
            return sorted(exp.offers) if other.p.side == "official" else []
        if level < 2:
            return []
        codes: set[str] = set()
        for o in exp.offers:
            if len(o) < level or o[:level] not in shared:
                continue
            for s in other.seeks:
                if len(s) >= level and s[:level] == o[:level]:
                    codes.add(s if s.startswith(o) else o)
        return sorted(codes)

    def _interpreter_pair(self, la: frozenset[str], lb: frozenset[str]) -> tuple[str, str]:
        """A language pair to bridge: one an event interpreter covers when there is one.

        Otherwise English when one side speaks it, else each side's first language
        alphabetically (the model keeps no order of preference between languages).
        """
        xs, ys = sorted(la), sorted(lb)
        for x in xs:
            for y in ys:
                if any(frozenset({x, y}) in i.pairs for i in self.event.interpreters):
                    return (x, y) if x < y else (y, x)
        x = "en" if "en" in la else xs[0] if xs else "?"
        y = "en" if "en" in lb else ys[0] if ys else "?"
        return (x, y) if x < y else (y, x)

    def _interpreter_sentence(self, pair: tuple[str, str]) -> Phrase:
        if self.event.interpreters and not any(
            frozenset(pair) in i.pairs for i in self.event.interpreters
        ):
            message = N_(
                "no shared language: an %(pair)s interpreter is needed "
                "(no interpreter of the event covers it)"
            )
        else:
            message = N_("no shared language: an %(pair)s interpreter is needed")
        return phrase(message, pair=f"{pair[0]}-{pair[1]}")


def _name(pid: str, people: Mapping[str, Participant]) -> str:
    p = people.get(pid)
    return p.organisation if p is not None and p.organisation else pid


# Perspectives of a sentence about two sides: both named (the organiser's view), or the
# reader is the first side ("you ... they") or the second ("they ... you").
Perspective = Literal["named", "you", "they"]

# (covered all or some, perspective of the offerer) -> message; "one" when one product is sought.
_COVERAGE: Mapping[tuple[str, Perspective], str] = {
    ("one", "named"): N_("%(offerer)s covers the product %(seeker)s seeks"),
    ("one", "you"): N_("you cover the product they seek"),
    ("one", "they"): N_("they cover the product you seek"),
    ("both", "named"): N_("%(offerer)s covers both products %(seeker)s seeks"),
    ("both", "you"): N_("you cover both products they seek"),
    ("both", "they"): N_("they cover both products you seek"),
    ("all", "named"): N_("%(offerer)s covers all %(sought)s products %(seeker)s seeks"),
    ("all", "you"): N_("you cover all %(sought)s products they seek"),
    ("all", "they"): N_("they cover all %(sought)s products you seek"),
    ("some", "named"): N_(
        "%(offerer)s covers %(covered)s of the %(sought)s products %(seeker)s seeks"
    ),
    ("some", "you"): N_("you cover %(covered)s of the %(sought)s products they seek"),
    ("some", "they"): N_("they cover %(covered)s of the %(sought)s products you seek"),
}

# (cooperation sought, perspective of the seeker) -> message.
_COOPERATION: Mapping[tuple[str, Perspective], str] = {
    ("distribution", "named"): N_("%(seeker)s seeks a distributor, %(offerer)s distributes"),
    ("distribution", "you"): N_("you seek a distributor, they distribute"),
    ("distribution", "they"): N_("they seek a distributor, you distribute"),
    ("supply", "named"): N_("%(seeker)s seeks a supplier, %(offerer)s supplies"),
    ("supply", "you"): N_("you seek a supplier, they supply"),
    ("supply", "they"): N_("they seek a supplier, you supply"),
    ("joint_venture", "named"): N_(
        "%(seeker)s seeks a joint-venture partner, %(offerer)s is open to a joint venture"
    ),
    ("joint_venture", "you"): N_(
        "you seek a joint-venture partner, they are open to a joint venture"
    ),
    ("joint_venture", "they"): N_(
        "they seek a joint-venture partner, you are open to a joint venture"
    ),
    ("licensing", "named"): N_("%(seeker)s seeks a licensing partner, %(offerer)s licenses"),
    ("licensing", "you"): N_("you seek a licensing partner, they license"),
    ("licensing", "they"): N_("they seek a licensing partner, you license"),
    ("subcontracting", "named"): N_(
        "%(seeker)s seeks a subcontractor, %(offerer)s takes subcontracts"
    ),
    ("subcontracting", "you"): N_("you seek a subcontractor, they take subcontracts"),
    ("subcontracting", "they"): N_("they seek a subcontractor, you take subcontracts"),
    ("investment", "named"): N_("%(seeker)s seeks investment, %(offerer)s invests"),
    ("investment", "you"): N_("you seek investment, they invest"),
    ("investment", "they"): N_("they seek investment, you invest"),
}

# (must or meet, perspective of who asked) -> message.
_REQUESTED: Mapping[tuple[str, Perspective], str] = {
    ("must", "named"): N_("requested as a must-meet by %(source)s"),
    ("must", "you"): N_("you requested this as a must-meet"),
    ("must", "they"): N_("they requested this as a must-meet"),
    ("meet", "named"): N_("requested as a meeting by %(source)s"),
    ("meet", "you"): N_("you requested this as a meeting"),
    ("meet", "they"): N_("they requested this as a meeting"),
}


def _phrases(facts: Facts, a: str, b: str, event: Event, viewer: str | None) -> list[Phrase]:
    """The reasons of a score, naming both sides (viewer None) or as seen by ``viewer``."""
    people = event.participants

    def seen(pid: str) -> Perspective:
        return "named" if viewer is None else "you" if pid == viewer else "they"

    def other(pid: str) -> str:
        return b if pid == a else a

    out: list[Phrase] = []
    for source, level in facts.preferences:
        if level != "no":
            continue
        if viewer is None:
            out.append(
                phrase(
                    N_("excluded: %(source)s asked not to meet %(target)s"),
                    source=_name(source, people),
                    target=_name(other(source), people),
                )
            )
        elif viewer == source:
            out.append(phrase(N_("excluded: you asked not to meet them")))
        else:
            out.append(phrase(N_("excluded from the schedule at one side's request")))
    out.append(facts.product)
    for seeker, covered, sought in facts.coverage:
        offerer = other(seeker)
        how = (
            "one"
            if sought == 1
            else ("both" if sought == 2 else "all")
            if covered == sought
            else "some"
        )
        out.append(
            phrase(
                _COVERAGE[(how, seen(offerer))],
                offerer=_name(offerer, people),
                seeker=_name(seeker, people),
                covered=covered,
                sought=sought,
            )
        )
    if facts.cooperation:
        mutual = sum(1 for _, kind in facts.cooperation if kind == "joint_venture") == 2
        if mutual:
            out.append(phrase(N_("both seek a joint venture")))
        for seeker, kind in facts.cooperation:
            if mutual and kind == "joint_venture":
                continue
            out.append(
                phrase(
                    _COOPERATION[(kind, seen(seeker))],
                    seeker=_name(seeker, people),
                    offerer=_name(other(seeker), people),
                )
            )
    if facts.market is not None:
        out.append(facts.market)
    for source, level in facts.preferences:
        if level != "no":
            out.append(phrase(_REQUESTED[(level, seen(source))], source=_name(source, people)))
    for found in (facts.language, facts.text, facts.organiser):
        if found is not None:
            out.append(found)
    return out


def _sentences(
    facts: Facts, a: str, b: str, event: Event, viewer: str | None, language: str = "en"
) -> tuple[str, ...]:
    """The reasons of a score as sentences in ``language``."""
    return tuple(say(p, language) for p in _phrases(facts, a, b, event, viewer))


def _organiser_sentence(own: OrganiserWeight, built: float, total: float) -> Phrase:
    """How the organiser's score changed the pair's: '... (92.5 points instead of 40.2)'."""
    if own.reasons:
        return phrase(
            N_("the organiser's own score: %(why)s (%(total)s points instead of %(built)s)"),
            why="; ".join(own.reasons),
            total=f"{total:g}",
            built=f"{built:g}",
        )
    return phrase(
        N_("the organiser's own score (%(total)s points instead of %(built)s)"),
        total=f"{total:g}",
        built=f"{built:g}",
    )


# ---------------------------------------------------------------------------- public API
def score_pairs(
    event: Event,
    evidence: MarketEvidence,
    *,
    text: TextSimilarity | None = None,
    weights: ComponentWeights | None = None,
    reference: Reference | None = None,
    pairs: Iterable[tuple[str, str]] | None = None,
) -> dict[tuple[str, str], Score]:
    """Score every candidate pair of ``event`` (:func:`candidate_pairs`, or ``pairs``).

    ``evidence`` gives the market figures (:meth:`MarketEvidence.for_event`, or
    :meth:`MarketEvidence.empty` without a warehouse); ``text`` the description similarity
    (default: TF-IDF over the event's descriptions); ``reference`` the HS descriptions and
    country names (default: the evidence's, else the embedded tables). Keys are ``(a, b)``
    with ``a < b``.
    """
    scorer = _Scorer(event, evidence, text, weights or event.weights, reference)
    wanted = candidate_pairs(event) if pairs is None else pairs
    scores: dict[tuple[str, str], Score] = {}
    for x, y in sorted(wanted):
        if x == y:
            continue
        for pid in (x, y):
            if pid not in event.participants:
                raise InputError(f"Unknown participant {pid!r} in the pairs to score.")
        score = scorer.score(x, y)
        scores[score.pair] = score
    return scores


def score_pair(
    event: Event,
    a: str,
    b: str,
    evidence: MarketEvidence,
    *,
    text: TextSimilarity | None = None,
    weights: ComponentWeights | None = None,
    reference: Reference | None = None,
) -> Score:
    """The score of one pair (in either order), whether or not it is a candidate."""
    scores = score_pairs(
        event, evidence, text=text, weights=weights, reference=reference, pairs=[(a, b)]
    )
    return next(iter(scores.values()))


def explain(score: Score, viewer_id: str, event: Event, language: str = "en") -> str:
    """The score's reasons in one sentence, as ``viewer_id`` (one of the pair) reads them,
    in ``language`` (en, ru, hi: the shipped catalogs; names, HS descriptions and figures
    stay as the data has them).

    "you" is the viewer, "they" the other side; who declined a vetoed meeting is said only
    to the one who did.
    """
    if viewer_id not in (score.a, score.b):
        raise InputError(f"{viewer_id!r} is not part of the pair {score.a} / {score.b}.")
    sentences = _sentences(score.facts, score.a, score.b, event, viewer_id, language)
    text = "; ".join(sentences)
    return text[:1].upper() + text[1:]

"""Services (EBOPS 2010) and skills (ISCO-08) matched by hierarchy, as HS codes are.

A forum like the India–Russia roadshow asks for IT and digital services, pharmaceuticals'
contract services, skills and human resources: participants offer and seek them as codes of
the two international classifications, and a pair scores by the deepest level at which an
offer of one meets a need of the other.

- EBOPS 2010 (UN *Manual on Statistics of International Trade in Services 2010*, annex I):
  dotted codes, ``9`` (telecommunications, computer and information services) > ``9.2``
  (computer services) > ``9.2.1`` (computer software).
- ISCO-08 (ILO, *International Standard Classification of Occupations 2008*): 1 to 4 digits,
  ``2`` (professionals) > ``25`` > ``251`` > ``2512`` (software developers).

The same code on both sides is a full match (1.0); otherwise each level of the shared
prefix counts a quarter (one level 0.25, two 0.5, three 0.75), as HS sections, chapters and
headings do in :data:`tradepivot.matchmaking.scoring.LEVEL_SIMILARITY`. Only the top
levels are named here (the main components and major groups, from the two manuals); deeper
codes are shown as codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from tradepivot.i18n import N_
from tradepivot.matchmaking.phrases import Phrase, phrase

__all__ = ["EBOPS_COMPONENTS", "ISCO_MAJOR_GROUPS", "Match", "best_match"]

Scheme = Literal["EBOPS", "ISCO"]

#: EBOPS 2010 main components (MSITS 2010, annex I).
EBOPS_COMPONENTS: Mapping[str, str] = {
    "1": "manufacturing services on inputs owned by others",
    "2": "maintenance and repair services",
    "3": "transport",
    "4": "travel",
    "5": "construction",
    "6": "insurance and pension services",
    "7": "financial services",
    "8": "charges for the use of intellectual property",
    "9": "telecommunications, computer and information services",
    "10": "other business services",
    "11": "personal, cultural and recreational services",
    "12": "government goods and services",
}
#: ISCO-08 major groups (ILO 2012, volume 1).
ISCO_MAJOR_GROUPS: Mapping[str, str] = {
    "0": "armed forces occupations",
    "1": "managers",
    "2": "professionals",
    "3": "technicians and associate professionals",
    "4": "clerical support workers",
    "5": "service and sales workers",
    "6": "skilled agricultural, forestry and fishery workers",
    "7": "craft and related trades workers",
    "8": "plant and machine operators and assemblers",
    "9": "elementary occupations",
}


@dataclass(frozen=True)
class Match:
    """The best meeting of an offer and a need: its similarity (0-1) and a sentence."""

    similarity: float
    sentence: Phrase


def _parts(scheme: Scheme, code: str) -> tuple[str, ...]:
    return tuple(code.split(".")) if scheme == "EBOPS" else tuple(code)


def _join(scheme: Scheme, parts: tuple[str, ...]) -> str:
    return ".".join(parts) if scheme == "EBOPS" else "".join(parts)


def _label(scheme: Scheme, code: str) -> str:
    top = _parts(scheme, code)[0]
    if scheme == "EBOPS":
        name = EBOPS_COMPONENTS.get(top)
        return f"EBOPS {code}" + (f" ({name})" if name else "")
    name = ISCO_MAJOR_GROUPS.get(top)
    return f"ISCO-08 {code}" + (f" ({name})" if name else "")


def _similarity(scheme: Scheme, offered: str, sought: str) -> tuple[float, str]:
    a, b = _parts(scheme, offered), _parts(scheme, sought)
    if a == b:
        return 1.0, offered
    depth = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        depth += 1
    return min(0.75, 0.25 * depth), _join(scheme, a[:depth])


def best_match(scheme: Scheme, offers: Iterable[str], seeks: Iterable[str]) -> Match | None:
    """The deepest match of any offered code with any sought one (None: nothing shared)."""
    best: tuple[float, str] | None = None
    sought = tuple(seeks)
    for offer in offers:
        for need in sought:
            found = _similarity(scheme, offer, need)
            if found[0] > 0 and (best is None or found[0] > best[0]):
                best = found
    if best is None:
        return None
    value, code = best
    label = _label(scheme, code)
    if value == 1.0:
        message = (
            N_("services sought and offered: %(label)s")
            if scheme == "EBOPS"
            else N_("skills sought and offered: %(label)s")
        )
    else:
        message = (
            N_("services in common within %(label)s")
            if scheme == "EBOPS"
            else N_("skills in common within %(label)s")
        )
    return Match(value, phrase(message, label=label))

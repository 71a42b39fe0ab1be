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
headings do in :data:`tradepivot.matchmaking.scoring.LEVEL_SIMILARITY`. The groups are
read from the shipped tables (tradepivot/data/reference/ebops2010.csv and isco08.csv: EBOPS
components and their subdivisions, ISCO-08 major and sub-major groups); a deeper code is named
after its deepest listed group.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from tradepivot.i18n import N_
from tradepivot.matchmaking.phrases import Phrase, phrase

__all__ = [
    "Match",
    "Scheme",
    "best_match",
    "reference_names",
    "unknown_code",
]

Scheme = Literal["EBOPS", "ISCO"]


def _parts(scheme: Scheme, code: str) -> tuple[str, ...]:
    return tuple(code.split(".")) if scheme == "EBOPS" else tuple(code)


def _join(scheme: Scheme, parts: tuple[str, ...]) -> str:
    return ".".join(parts) if scheme == "EBOPS" else "".join(parts)


# The shipped reference tables (tradepivot/data/reference, cited in its SOURCES.md):
# EBOPS 2010 components and their subdivisions (MSITS 2010, annex I), ISCO-08 major and
# sub-major groups (ILO 2012, volume 1). Deeper codes are valid below a listed group
# that the table does not subdivide further.
_TABLES: Mapping[str, str] = {"EBOPS": "ebops2010.csv", "ISCO": "isco08.csv"}
_NAMES: Mapping[str, str] = {"EBOPS": "EBOPS 2010", "ISCO": "ISCO-08"}


@functools.cache
def reference_names(scheme: Scheme) -> Mapping[str, str]:
    """Code -> name of every group the shipped table of ``scheme`` lists."""
    path = resources.files("tradepivot.data").joinpath("reference").joinpath(_TABLES[scheme])
    rows = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    return {row["code"]: row["name"] for row in rows}


def _tops(scheme: Scheme) -> Mapping[str, str]:
    return {c: n for c, n in reference_names(scheme).items() if len(_parts(scheme, c)) == 1}


def _children(scheme: Scheme, code: str) -> list[str]:
    depth = len(_parts(scheme, code)) + 1
    return [
        c
        for c in reference_names(scheme)
        if len(_parts(scheme, c)) == depth
        and _parts(scheme, c)[: depth - 1] == _parts(scheme, code)
    ]


def unknown_code(scheme: Scheme, code: str) -> str | None:
    """Why ``code`` is not a group of ``scheme`` (None when it is): a level the shipped table
    subdivides must be one of its listed subdivisions ("19" is no ISCO-08 group: 1 has 11-14)."""
    parts = _parts(scheme, code)
    names = reference_names(scheme)
    for depth in range(1, len(parts) + 1):
        prefix = _join(scheme, parts[:depth])
        if prefix in names:
            continue
        parent = _join(scheme, parts[: depth - 1]) if depth > 1 else ""
        siblings = _children(scheme, parent) if parent else list(_tops(scheme))
        if siblings:
            where = f"the groups of {parent}" if parent else "the top-level groups"
            return f"{prefix} is not an {_NAMES[scheme]} group; {where} are {', '.join(siblings)}"
        return None  # below a group the table does not subdivide: accepted
    return None


@dataclass(frozen=True)
class Match:
    """The best meeting of an offer and a need: its similarity (0-1) and a sentence."""

    similarity: float
    sentence: Phrase


def _label(scheme: Scheme, code: str) -> str:
    """``EBOPS 9.2.1 (computer software)``: the code with the name of its deepest listed group."""
    parts, names = _parts(scheme, code), reference_names(scheme)
    name = next(
        (
            names[_join(scheme, parts[:depth])]
            for depth in range(len(parts), 0, -1)
            if _join(scheme, parts[:depth]) in names
        ),
        None,
    )
    short = "EBOPS" if scheme == "EBOPS" else "ISCO-08"
    return f"{short} {code}" + (f" ({name})" if name else "")


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

"""Products found by plain words: a BM25 index over HS descriptions, in English and Russian.

One document per HS6 subheading of an edition. Its words come from three sources, each indexed
on its own (scores add up with the weights of ``WEIGHTS``) and kept so a hit can say why it
matched:

- ``hs``: the subheading's own description (counted twice) and its heading's;
- ``eidb``: India's national HS8 descriptions under it (EIDB), whose abbreviations
  (``LTHR``, ``FTWR``) are spelled out from the curated list;
- ``synonym``: the plain words of the curated list (``reference/product_synonyms.yaml``) whose
  codes cover it, in English and Russian.

Words are lower-cased, ``ё`` read as ``е``, and stemmed with Snowball (PyStemmer): Cyrillic words
with the Russian stemmer, others with the English one. A Russian query word also searches the
English words the curated list gives for it (HS descriptions are English only). A query word
the index does not know is read as the closest known word when one is close enough, with a note.
Ranking is BM25 per source (``bm25s``, Lucene's variant); hits under a quarter of the best score are
dropped as noise. Nothing is downloaded: the index is built from the shipped tables on first
use and kept for the process.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import pyarrow.parquet as pq
import Stemmer

from tradepivot.data.embedded import default_dir, hand_kept_dir
from tradepivot.inputs import read_yaml

__all__ = [
    "PHRASE_WEIGHT",
    "SOURCES",
    "WEIGHTS",
    "Glossary",
    "HsSearchIndex",
    "SearchHit",
    "SearchResult",
    "load_glossary",
    "phrase_key",
    "search_index",
    "tokenize",
    "vowelless_spellings",
]

SOURCES = ("hs", "eidb", "synonym")
# Each source is its own BM25 index; a subheading's score is their weighted sum (BM25F-like):
# a curated synonym is the strongest sign of what a user means, India's abbreviated national
# lines the weakest.
WEIGHTS = {"hs": 1.0, "eidb": 0.6, "synonym": 1.5}
PHRASE_WEIGHT = 2.0  # a curated phrase found whole ("safety shoes") outweighs its words
RELATIVE_CUTOFF = 0.25  # hits scoring below this share of the best one are noise
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-я]")
# Words that say nothing about a product: grammar, and the nomenclature's own boilerplate.
_STOP_EN = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "its",
        "no",
        "not",
        "of",
        "on",
        "or",
        "other",
        "others",
        "than",
        "the",
        "their",
        "this",
        "to",
        "whether",
        "with",
        "without",
        "n",
        "e",
        "c",
        "nec",
        "nes",
        "incl",
        "including",
        "excl",
        "excluding",
        "heading",
        "headings",
        "subheading",
        "chapter",
        "kind",
        "kinds",
        "similar",
        "such",
        "etc",
    ]
)
_STOP_RU = frozenset(
    [
        "и",
        "в",
        "во",
        "на",
        "с",
        "со",
        "из",
        "для",
        "по",
        "или",
        "не",
        "без",
        "от",
        "до",
        "к",
        "о",
        "об",
        "а",
        "но",
        "как",
        "что",
        "это",
        "их",
        "его",
        "ее",
    ]
)
# bm25s sets its own logger to DEBUG when imported, so every index build would be logged
# through the application's handlers; undo that library default (not a logging set-up).
logging.getLogger("bm25s").setLevel(logging.WARNING)
_EN = Stemmer.Stemmer("english")
_RU = Stemmer.Stemmer("russian")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    if _CYRILLIC.search(word):
        return str(_RU.stemWord(word))
    return str(_EN.stemWord(word))


def _words(text: str) -> list[str]:
    found = _WORD.findall(text.lower().replace("ё", "е"))
    return [w for w in found if len(w) > 1 and w not in _STOP_EN and w not in _STOP_RU]


def tokenize(text: str, spelled: Mapping[str, str] | None = None) -> list[str]:
    """Stems of the content words of ``text`` (``spelled``: abbreviation -> full words).

    >>> tokenize("Handbags, of leather")
    ['handbag', 'leather']
    >>> tokenize("сумки кожаные")
    ['сумк', 'кожан']
    """
    out: list[str] = []
    for word in _words(text):
        full = spelled.get(word) if spelled else None
        out.extend(_stem(w) for w in (_words(full) if full else [word]))
    return out


def _skeleton(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word[0] + re.sub(r"[aeiouy]", "", word[1:]))


def vowelless_spellings(known: Iterable[str], words: Iterable[str]) -> dict[str, str]:
    """Vowel-less ``words`` (``lthr``, ``ftwr``) -> the most frequent ``known`` word they spell.

    Only words with no vowel after the first letter are read this way, so a real word is
    never replaced.

    >>> vowelless_spellings(["leather", "footwear", "leather"], ["lthr", "ftwr", "lot"])
    {'ftwr': 'footwear', 'lthr': 'leather'}
    """
    counts: dict[str, int] = {}
    for word in known:
        counts[word] = counts.get(word, 0) + 1
    best: dict[str, str] = {}
    for word in sorted(counts, key=lambda w: (-counts[w], w)):
        if len(word) >= 4:
            best.setdefault(_skeleton(word), word)
    out = {}
    for word in sorted(set(words)):
        if len(word) >= 3 and word not in counts and not re.search(r"[aeiouy]", word[1:]):
            found = best.get(_skeleton(word))
            if found:
                out[word] = found
    return out


@dataclass(frozen=True)
class Glossary:
    """The curated word lists: synonyms to codes, Russian words to English, abbreviations."""

    synonyms: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # (words, HS prefixes)
    russian: Mapping[str, tuple[str, ...]]  # Russian stem -> English words
    abbreviations: Mapping[str, str]  # EIDB spelling (lower case) -> full words

    def words_for(self, code: str) -> list[str]:
        """The synonym phrases whose HS prefixes cover ``code``."""
        return [w for words, codes in self.synonyms if code.startswith(codes) for w in words]


def phrase_key(stems: Sequence[str]) -> str:
    """One token for a phrase, whatever its word order: ``safeti+shoe``."""
    return "+".join(sorted(set(stems)))


def load_glossary(path: Path | None = None) -> Glossary:
    """Read the curated list (``reference/product_synonyms.yaml`` unless ``path``)."""
    doc: Any = read_yaml(path or hand_kept_dir() / "product_synonyms.yaml", "synonym list").data
    synonyms = tuple(
        (tuple(str(w) for w in entry["words"]), tuple(str(c) for c in entry["hs"]))
        for entry in doc["synonyms"]
    )
    russian: dict[str, tuple[str, ...]] = {}
    for entry in doc["russian"]:
        english = tuple(str(w) for w in entry["en"])
        for word in entry["ru"]:
            for stem in tokenize(str(word)):
                russian[stem] = tuple(dict.fromkeys((*russian.get(stem, ()), *english)))
    abbreviations = {
        str(k).lower(): str(v) for entry in doc["abbreviations"] for k, v in entry["map"].items()
    }
    return Glossary(synonyms, russian, abbreviations)


@dataclass(frozen=True)
class SearchHit:
    """One subheading found, with its heading and which sources held the query's words."""

    code: str
    description: str
    heading: str
    heading_description: str
    score: float
    matched: tuple[str, ...]  # the query stems this subheading holds
    sources: tuple[str, ...]  # subset of SOURCES, in that order


@dataclass(frozen=True)
class SearchResult:
    """Hits, best first, and notes on how the query was read."""

    query: str
    edition: str
    hits: tuple[SearchHit, ...]
    terms: tuple[str, ...]  # the stems searched for
    notes: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()  # query words the index does not know
    suggestions: tuple[str, ...] = field(default=())  # known words close to the unknown ones


@dataclass(frozen=True)
class _Doc:
    code: str
    description: str
    heading: str
    heading_description: str
    fields: Mapping[str, frozenset[str]]


class HsSearchIndex:
    """A BM25 index of one HS edition's subheadings (see the module docstring)."""

    def __init__(
        self,
        edition: str,
        codes: Sequence[tuple[str, str]],
        headings: Mapping[str, str],
        national: Iterable[tuple[str, str]],
        glossary: Glossary,
    ) -> None:
        self.edition = edition
        self.glossary = glossary
        by_code: dict[str, list[str]] = {}
        for line, text in national:
            by_code.setdefault(line[:6], []).append(text)
        hs_words = [w for _, d in codes for w in _words(d)] + [
            w for d in headings.values() for w in _words(d)
        ]
        spelled = vowelless_spellings(
            hs_words, {w for texts in by_code.values() for t in texts for w in _words(t)}
        )
        spelled.update(glossary.abbreviations)
        docs: list[_Doc] = []
        corpora: dict[str, list[list[str]]] = {source: [] for source in SOURCES}
        for code, description in codes:
            heading = code[:4]
            fields = {
                "hs": tokenize(f"{description} {description} {headings.get(heading, '')}"),
                "eidb": tokenize(" ".join(dict.fromkeys(by_code.get(code, []))), spelled),
                "synonym": [phrase_key(tokenize(w)) for w in glossary.words_for(code)],
            }
            docs.append(
                _Doc(
                    code,
                    description,
                    heading,
                    headings.get(heading, ""),
                    {k: frozenset(v) for k, v in fields.items()},
                )
            )
            for source in SOURCES:
                corpora[source].append(fields[source])
        self._docs = docs
        self._exported = np.array([bool(by_code.get(d.code)) for d in docs], dtype=float)
        self._fields: dict[str, bm25s.BM25] = {}
        for source in SOURCES:
            # Synonyms are keywords: a subheading named by many entries is not "longer" text.
            # Descriptions get a mild length penalty (b=0.3): the HS spells out sizes and
            # fibre counts, which makes a subheading longer but not less about its product.
            index = bm25s.BM25(b=0.0) if source == "synonym" else bm25s.BM25(b=0.3)
            index.index(corpora[source], show_progress=False)
            self._fields[source] = index
        self._vocab = {t for index in self._fields.values() for t in index.vocab_dict if t}
        self._known = sorted(t for t in self._vocab if "+" not in t)
        self._phrase_words = {w for t in self._vocab if "+" in t for w in t.split("+")}

    def __len__(self) -> int:
        return len(self._docs)

    def _read(self, text: str) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
        """(stems, phrase keys, notes, unknown words, suggestions) for a query."""
        terms: list[str] = []
        notes: list[str] = []
        unknown: list[str] = []
        suggestions: list[str] = []
        said: list[str] = []  # the stems of the words as typed (corrected), for phrases
        for word in _words(text):
            stem = _stem(word)
            english = self.glossary.russian.get(stem, ())
            found = [stem] if stem in self._vocab else []
            found += [t for w in english for t in tokenize(w) if t in self._vocab]
            if not found and stem not in self._phrase_words:
                close = difflib.get_close_matches(stem, self._known, n=3, cutoff=0.8)
                if len(stem) >= 4 and close:
                    found, stem = [close[0]], close[0]
                    notes.append(f"{word!r} is not in the descriptions: read as {close[0]!r}.")
                else:
                    unknown.append(word)
                    suggestions += difflib.get_close_matches(stem, self._known, n=3, cutoff=0.6)
            elif english:
                notes.append(f"{word!r} searched as {' / '.join(english)!r}.")
            said.append(stem)
            terms += [t for t in found if t not in terms]
        phrases: list[str] = []
        for size in (2, 3):  # phrases of the curated list: "safety shoes", "защитная обувь"
            for start in range(len(said) - size + 1):
                key = phrase_key(said[start : start + size])
                if key in self._vocab and key not in phrases:
                    phrases.append(key)
        return terms, phrases, notes, unknown, list(dict.fromkeys(suggestions))

    def search(self, text: str, limit: int = 25) -> SearchResult:
        """The subheadings best matching ``text``, at most ``limit``, best first."""
        words, phrases, notes, unknown, suggestions = self._read(text)
        terms = words + phrases
        hits: list[SearchHit] = []
        if terms:
            scores = np.zeros(len(self._docs))
            for source, index in self._fields.items():
                for group, weight in ((words, 1.0), (phrases, PHRASE_WEIGHT)):
                    known = [t for t in group if t in index.vocab_dict]
                    if known:
                        found = np.asarray(index.get_scores(known), dtype=float)
                        scores += WEIGHTS[source] * weight * found
            best = float(scores.max()) if scores.size else 0.0
            if best > 0:
                # Ties go to subheadings India reports exports of, then to the lower code.
                order = np.lexsort((np.arange(scores.size), -self._exported, -scores.round(6)))
                for i in order[:limit]:
                    score = float(scores[i])
                    if score < best * RELATIVE_CUTOFF:
                        break
                    doc = self._docs[int(i)]
                    hits.append(
                        SearchHit(
                            code=doc.code,
                            description=doc.description,
                            heading=doc.heading,
                            heading_description=doc.heading_description,
                            score=round(score, 4),
                            matched=tuple(
                                t for t in terms if any(t in f for f in doc.fields.values())
                            ),
                            sources=tuple(
                                s for s in SOURCES if any(t in doc.fields[s] for t in terms)
                            ),
                        )
                    )
        return SearchResult(
            query=text,
            edition=self.edition,
            hits=tuple(hits),
            terms=tuple(terms),
            notes=tuple(notes),
            unknown=tuple(unknown),
            suggestions=tuple(suggestions[:5]),
        )


@cache
def search_index(edition: str, data_dir: Path | None = None) -> HsSearchIndex:
    """The index of ``edition`` over the embedded tables, built once per process."""
    folder = data_dir or default_dir()
    rows = [
        r
        for r in pq.read_table(
            folder / "reference" / "hs_nomenclature.parquet",
            columns=["edition", "code", "level", "description"],
        ).to_pylist()
        if r["edition"] == edition
    ]
    codes = sorted((r["code"], r["description"]) for r in rows if r["level"] == 6)
    headings = {r["code"]: r["description"] for r in rows if r["level"] == 4}
    eidb = pq.read_table(
        folder / "india_eidb" / "products_hs8.parquet", columns=["hs8", "description"]
    ).to_pylist()
    national = [(r["hs8"], r["description"]) for r in eidb if r["description"]]
    return HsSearchIndex(edition, codes, headings, national, load_glossary())

"""Text similarity between participants' descriptions: a secondary signal of matchmaking.

Scoring asks one thing of a text model: :class:`TextSimilarity`, ``similarity(a, b)`` in
``[0, 1]``. Anything with that method plugs in (an embedding model loaded by the caller, a
service client ...); tradepivot itself never downloads a model or touches the network.

The default, :class:`TfidfSimilarity`, is pure Python and deterministic: TF-IDF cosine over
word tokens (any script: Latin, Cyrillic, Devanagari), English stop words dropped, a naive
plural cut (``handbags`` -> ``handbag``). Without a corpus every word weighs the same (plain
cosine over word counts). :class:`JaccardSimilarity` is the simplest alternative: shared
words over all words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

__all__ = [
    "STOP_WORDS",
    "JaccardSimilarity",
    "TermExplainer",
    "TextSimilarity",
    "TfidfSimilarity",
    "explains_terms",
    "tokens",
]

_WORD = re.compile(r"[^\W_]+")
# Words that say nothing about what a company trades (checked before and after the plural
# cut): English function words, legal forms, trade boilerplate.
_STOP_TEXT = """
a about all also an and any are as at be by can co company for from has have in inc into is
it its ltd llc of on or our pvt private limited such that the their these this to we with
were will your you ooo zao oao pao ao
good goods product products item items range quality high wide various other etc
manufacturer manufacturers manufacture manufacturing export exports exporter exporters
import imports importer importers trade trading
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


def tokens(text: str) -> list[str]:
    """Lower-case word tokens without stop words, one-letter words and naive plurals."""
    found: list[str] = []
    for word in _WORD.findall(text.lower()):
        if len(word) < 2 or word in STOP_WORDS:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
            if word in STOP_WORDS:
                continue
        found.append(word)
    return found


@runtime_checkable
class TextSimilarity(Protocol):
    """How alike two free texts are: 0 (nothing in common) to 1 (the same)."""

    def similarity(self, a: str, b: str) -> float: ...


@runtime_checkable
class TermExplainer(Protocol):
    """A similarity that can also name the words two texts share (for explanations)."""

    def shared_terms(self, a: str, b: str, limit: int = 3) -> list[str]: ...


def explains_terms(model: object) -> TermExplainer | None:
    """``model`` as a :class:`TermExplainer` when it is one, else ``None``."""
    return model if isinstance(model, TermExplainer) else None


class TfidfSimilarity:
    """TF-IDF cosine similarity; IDF from ``corpus`` (e.g. every description at the event).

    Smoothed IDF, ``ln((1 + n) / (1 + df)) + 1``, so a word outside the corpus still counts.
    Vectors are cached per text: scoring 60,000 pairs of 500 descriptions builds 500 vectors.
    """

    def __init__(self, corpus: Iterable[str] = ()) -> None:
        documents = [set(tokens(text)) for text in corpus]
        self._n = len(documents)
        self._df: Counter[str] = Counter()
        for words in documents:
            self._df.update(words)
        self._vectors: dict[str, dict[str, float]] = {}

    def idf(self, word: str) -> float:
        return math.log((1 + self._n) / (1 + self._df.get(word, 0))) + 1.0

    def _vector(self, text: str) -> dict[str, float]:
        """Unit-length TF-IDF weights of a text (empty when it has no words)."""
        cached = self._vectors.get(text)
        if cached is None:
            counts = Counter(tokens(text))
            weights = {w: c * self.idf(w) for w, c in counts.items()}
            norm = math.sqrt(sum(v * v for v in weights.values()))
            cached = self._vectors[text] = {w: v / norm for w, v in weights.items()} if norm else {}
        return cached

    def similarity(self, a: str, b: str) -> float:
        va, vb = self._vector(a), self._vector(b)
        common = va.keys() & vb.keys()
        if not common:
            return 0.0
        # Summed in sorted order: the same float whichever text comes first.
        return max(0.0, min(1.0, math.fsum(va[t] * vb[t] for t in sorted(common))))

    def shared_terms(self, a: str, b: str, limit: int = 3) -> list[str]:
        """The shared words that weigh most in the cosine (ties alphabetically)."""
        va, vb = self._vector(a), self._vector(b)
        common = [(va[t] * vb[t], t) for t in va.keys() & vb.keys()]
        return [t for _, t in sorted(common, key=lambda x: (-x[0], x[1]))[:limit]]


class JaccardSimilarity:
    """Shared words over all words of the two texts (token sets)."""

    def similarity(self, a: str, b: str) -> float:
        sa, sb = set(tokens(a)), set(tokens(b))
        if not sa or not sb:
            return 0.0
        return len(sa & sb) / len(sa | sb)

    def shared_terms(self, a: str, b: str, limit: int = 3) -> list[str]:
        return sorted(set(tokens(a)) & set(tokens(b)))[:limit]

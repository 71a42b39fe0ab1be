"""Sentences kept as a message and its values, spoken in a shipped language where shown.

A score's reasons and a reschedule's "why" are built once, in English, as messages with
``%(name)s`` placeholders (marked for the catalogs with ``N_``) and the values that fill them.
They are stored that way (the event store keeps scores as JSON) and translated only where a
person reads them: an agenda in Russian, a portal page in Hindi. Templated sentences, so a
translation is written by a person once per message, never machine-made per sentence.
"""

from __future__ import annotations

from collections.abc import Iterable

from tradepivot.i18n import translator

__all__ = ["Phrase", "phrase", "say", "say_all"]

# An English message with %(name)s placeholders and its values, as sorted (name, value) pairs.
Phrase = tuple[str, tuple[tuple[str, str], ...]]

# A value under this name is a comma-separated list of language codes: it is shown as the
# languages' names in the reader's language ("English, Russian" / "английский и русский").
LANGUAGES = "languages"


def phrase(message: str, /, **params: object) -> Phrase:
    """A message and its values (each kept as text, so a phrase survives JSON unchanged)."""
    return (message, tuple((name, str(value)) for name, value in sorted(params.items())))


def say(found: Phrase, language: str = "en") -> str:
    """``found`` in ``language`` (en, ru, hi)."""
    t = translator(language)
    message, params = found
    values = dict(params)
    if LANGUAGES in values:
        codes = [c for c in values[LANGUAGES].split(",") if c]
        values[LANGUAGES] = t.list(t.language_name(c) for c in codes)
    return t.gettext(message, **values)


def say_all(phrases: Iterable[Phrase], language: str = "en") -> str:
    """The phrases as one sentence, joined by "; "."""
    return "; ".join(say(p, language) for p in phrases)

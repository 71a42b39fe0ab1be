"""Which language to show someone: supported languages, tags, negotiation."""

from __future__ import annotations

import re
from collections.abc import Iterable

from tradepivot.errors import InputError

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "accept_language",
    "language_tag",
    "negotiate",
    "require_language",
]

LANGUAGES: tuple[str, ...] = ("en", "ru", "hi")  # ISO 639-1; English is the source language
DEFAULT_LANGUAGE = "en"
_NAMES = {"en": "English", "ru": "Russian (русский)", "hi": "Hindi (हिन्दी)"}
_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")


def language_tag(text: str) -> str | None:
    """The primary language of a tag, lower-cased: ``ru-RU`` -> ``ru``, ``hi_IN`` -> ``hi``;
    None when ``text`` is not a language tag."""
    match = _TAG.match(text.strip())
    return match.group(1).lower() if match else None


def negotiate(preferred: Iterable[str], default: str = DEFAULT_LANGUAGE) -> str:
    """The first of ``preferred`` (language tags, most wanted first) that tradepivot speaks.

    A participant's languages in the order they listed them give their agenda's language
    (their first language when it is supported); an ``Accept-Language`` header parsed by
    :func:`accept_language` gives a web page's. ``default`` when none is supported.

    >>> negotiate(["kk", "ru", "en"])
    'ru'
    >>> negotiate(["ta"])
    'en'
    """
    for text in preferred:
        tag = language_tag(text)
        if tag in LANGUAGES:
            return tag
    return default


def require_language(value: str) -> str:
    """A language the user asked for (``--lang ru``): a supported one, or an InputError that
    lists them."""
    tag = language_tag(value)
    if tag not in LANGUAGES:
        supported = ", ".join(f"{code} ({_NAMES[code]})" for code in LANGUAGES)
        raise InputError(
            f"Language {value!r} is not available.", hint=f"Choose one of: {supported}."
        )
    return tag


def accept_language(header: str) -> list[str]:
    """Language tags of an HTTP ``Accept-Language`` header, most wanted first (RFC 9110
    q-values; ``q=0`` means not wanted; malformed items are skipped)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = -1.0
        if not tag.strip() or not 0 < quality <= 1 or language_tag(tag) is None:
            continue
        ranked.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(ranked)]

"""Translators: the shipped catalogs read with Babel, and locale-aware formatting."""

from __future__ import annotations

import datetime as dt
import functools
import gettext as _gettext
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from tradepivot.i18n._negotiate import DEFAULT_LANGUAGE, require_language

__all__ = ["DOMAIN", "LOCALES", "Translator", "catalog_path", "translator"]

DOMAIN = "tradepivot"
# The CLDR locale behind each language: British English (day before month, 24-hour clock),
# Russian, and Hindi as written in India (lakh/crore digit grouping).
LOCALES = {"en": "en_GB", "ru": "ru_RU", "hi": "hi_IN"}


def catalog_path(language: str) -> Traversable:
    """Where the shipped catalog of ``language`` is (``locale/<lang>/LC_MESSAGES/tradepivot.po``)."""
    return (
        resources.files("tradepivot.i18n")
        .joinpath("locale")
        .joinpath(language)
        .joinpath("LC_MESSAGES")
        .joinpath(f"{DOMAIN}.po")
    )


@functools.cache
def _translations(language: str) -> _gettext.NullTranslations:
    """The catalog of ``language`` compiled in memory (no .mo files in the package)."""
    if language == DEFAULT_LANGUAGE:  # the source language: messages are their own translation
        return _gettext.NullTranslations()
    with catalog_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def _format(message: str, params: dict[str, Any]) -> str:
    return message % params if params else message


@dataclass(frozen=True)
class Translator:
    """Messages and numbers, dates and lists in one language.

    Messages use ``%(name)s`` placeholders (as Jinja2's ``{% trans %}`` blocks do), filled
    from keyword arguments after translation: ``t.gettext("Table %(table)s", table="T07")``.
    A message the catalog lacks comes back in English (``scripts/i18n.py check`` keeps that
    from shipping).
    """

    language: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(LOCALES[self.language])

    @property
    def _catalog(self) -> _gettext.NullTranslations:
        return _translations(self.language)

    # -- messages ---------------------------------------------------------------------------
    def gettext(self, message: str, /, **params: Any) -> str:
        """``message`` translated, then its ``%(name)s`` placeholders filled from ``params``."""
        return _format(self._catalog.gettext(message), params)

    def ngettext(self, singular: str, plural: str, num: int, /, **params: Any) -> str:
        """The form for ``num`` (Russian has three, Hindi two); ``%(num)d`` is ``num``."""
        return _format(self._catalog.ngettext(singular, plural, num), {"num": num, **params})

    def pgettext(self, context: str, message: str, /, **params: Any) -> str:
        """``message`` in ``context``, for one English word that other languages split
        (``pgettext("slot", "Free")``)."""
        return _format(self._catalog.pgettext(context, message), params)

    def jinja_callables(self) -> dict[str, Callable[..., str]]:
        """Callables for ``jinja2.Environment.install_gettext_callables(..., newstyle=True)``:
        they translate only; Jinja fills the placeholders."""
        catalog = self._catalog
        return {
            "gettext": catalog.gettext,
            "ngettext": catalog.ngettext,
            "pgettext": catalog.pgettext,
            "npgettext": catalog.npgettext,
        }

    # -- formatting -------------------------------------------------------------------------
    def decimal(self, value: float, digits: int = 0) -> str:
        """``1234567.5`` -> ``1,234,567.5`` (en), ``1 234 567,5`` (ru), ``12,34,567.5`` (hi)."""
        grouping = self.locale.decimal_formats[None].pattern.split(".")[0]  # "#,##,##0" in hi
        pattern = grouping + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: float, digits: int = 1) -> str:
        """``0.123`` -> ``12.3%`` (en), ``12,3 %`` (ru)."""
        pattern = self.locale.percent_formats[None].pattern  # "#,##0%", "#,##0\xa0%"
        if digits:
            head, zero, tail = pattern.rpartition("0")
            pattern = f"{head}{zero}.{'0' * digits}{tail}"
        return format_percent(value, format=pattern, locale=self.locale)

    def date(self, day: dt.date, style: str = "full") -> str:
        """``Thursday, 4 December 2025`` / ``четверг, 4 декабря 2025 г.`` / ``गुरुवार, 4 दिसंबर 2025``."""
        return format_date(day, style, locale=self.locale)

    def short_date(self, day: dt.date) -> str:
        """``Thu 4 Dec`` / ``чт, 4 дек.`` / ``गुरु, 4 दिस॰``."""
        return format_skeleton("MMMEd", day, locale=self.locale)

    def list(self, items: Iterable[str]) -> str:
        """``a, b and c`` / ``a, b и c`` / ``a, b और c``."""
        values = list(items)
        return format_list(values, locale=self.locale) if values else ""

    def language_name(self, code: str) -> str:
        """A language's name in this language: ``ru`` -> ``Russian`` / ``русский`` / ``रूसी``
        (the code itself when CLDR has no name)."""
        return str(self.locale.languages.get(code, code))


@functools.cache
def translator(language: str = DEFAULT_LANGUAGE) -> Translator:
    """The translator of a supported language (``en``, ``ru``, ``hi``); anything else is an
    :class:`~tradepivot.errors.InputError` naming the supported ones."""
    return Translator(require_language(language))

"""Languages for people: message catalogs (English, Russian, Hindi), negotiation, formatting.

English is the source language: messages are written in English in the code and templates,
marked with ``gettext``/``ngettext``/``pgettext``, and translated in the catalogs shipped in
``tradepivot/i18n/locale/<lang>/LC_MESSAGES/tradepivot.po`` (Babel's layout, so ``pybabel``
works on them). One set of catalogs serves agendas, the web pages and the portal.
``scripts/i18n.py extract`` brings the catalogs up to date with the code;
``scripts/i18n.py check`` (run in CI and by the tests) fails when a message lacks a Russian
or Hindi translation. Translations are written by people as templated sentences; nothing is
machine-translated at run time.

>>> negotiate(["ta", "hi", "en"])  # a participant's languages, first one first
'hi'
>>> t = translator("ru")
>>> t.decimal(1234567.5, digits=1)
'1\\xa0234\\xa0567,5'

In Python: ``t.gettext("Table %(table)s", table=table.id)`` (translated, then the
placeholders filled) and ``t.ngettext("%(num)d meeting", "%(num)d meetings", n)``.
In Jinja2 templates: ``env = jinja2.Environment(extensions=["jinja2.ext.i18n"])``, then
``env.install_gettext_callables(**translator(lang).jinja_callables(), newstyle=True)`` (one
environment per language) and ``{% trans %}…{% endtrans %}`` or ``{{ _("…") }}``.
"""

from __future__ import annotations

from tradepivot.i18n._negotiate import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    accept_language,
    language_tag,
    negotiate,
    require_language,
)
from tradepivot.i18n._translate import DOMAIN, Translator, catalog_path, translator

__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGES",
    "N_",
    "Translator",
    "accept_language",
    "catalog_path",
    "language_tag",
    "negotiate",
    "require_language",
    "translator",
]


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs without translating it where it is written (a menu
    entry, a column label): it is translated where it is shown, with ``t.gettext(message)``."""
    return message

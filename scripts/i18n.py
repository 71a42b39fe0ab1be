"""Keep the message catalogs in step with the code: extract, and check every translation.

    python scripts/i18n.py extract   # add new messages to the ru/hi catalogs, drop unused ones
    python scripts/i18n.py check     # exit 1 when a message lacks a Russian or Hindi translation

Messages are found the way ``pybabel extract`` finds them: ``gettext``/``ngettext``/
``pgettext``/``npgettext`` (and ``_``) calls with literal strings in the package's Python files,
``{% trans %}`` blocks and ``_()`` calls in its Jinja2 templates (any ``templates`` folder).
``# TRANSLATORS:`` comments just above a message travel into the catalogs. After ``extract``,
translate the empty ``msgstr`` entries in src/tradepivot/i18n/locale/{ru,hi}/LC_MESSAGES/
tradepivot.po (by hand, as full sentences: no machine translation), then run ``check``.

``check`` fails when a message of the code is missing from a catalog, untranslated (any plural
form empty), marked fuzzy, or translated with other ``%(name)s`` placeholders than the English;
and when a catalog keeps messages the code no longer has. The test suite runs it too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "tradepivot"
LOCALE = PACKAGE / "i18n" / "locale"
DOMAIN = "tradepivot"
TRANSLATED = ("ru", "hi")  # English is the source language
METHOD_MAP = [
    ("**/templates/**.j2", "jinja2"),
    ("**/templates/**.html", "jinja2"),
    ("**.py", "python"),
]
OPTIONS = {
    "**/templates/**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "true"},
    "**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"},
}
LANGUAGE_NAMES = {"ru": "Russian", "hi": "Hindi"}
HEADER = """\
# {language} messages of tradepivot: agendas, web pages, the event portal.
# Written by people as templated sentences (no machine translation). Update with
# `python scripts/i18n.py extract`, translate the empty msgstr entries, then run
# `python scripts/i18n.py check`. Same licence as tradepivot (Apache-2.0).
#"""
# Fixed header dates: the catalogs change only when their messages do (no churn, no conflicts).
FIXED_DATE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def extract(package: Path = PACKAGE) -> Catalog:
    """Every translatable message of the package, as a template catalog."""
    template = Catalog(
        project="tradepivot",
        domain=DOMAIN,
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        charset="utf-8",
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        package, METHOD_MAP, OPTIONS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        template.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def _path(language: str, locale: Path = LOCALE) -> Path:
    return locale / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read(language: str, locale: Path = LOCALE) -> Catalog:
    path = _path(language, locale)
    if not path.is_file():
        return Catalog(
            locale=language,
            domain=DOMAIN,
            project="tradepivot",
            creation_date=FIXED_DATE,
            revision_date=FIXED_DATE,
        )
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def _write(language: str, catalog: Catalog) -> bytes:
    catalog.revision_date = FIXED_DATE
    catalog.creation_date = FIXED_DATE
    catalog.fuzzy = False
    catalog.project, catalog.version = "tradepivot", "1"
    catalog.header_comment = HEADER.format(language=LANGUAGE_NAMES[language])
    catalog.msgid_bugs_address = "tradepivot contributors"
    catalog.last_translator = "tradepivot contributors"
    catalog.language_team = f"{language} <tradepivot contributors>"
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=100,
        no_location=True,
        omit_header=False,
        sort_output=True,
        ignore_obsolete=True,
        include_previous=False,
    )
    return buffer.getvalue()


def update(package: Path = PACKAGE, locale: Path = LOCALE) -> list[Path]:
    """Bring every catalog up to date with the code; returns the files that changed."""
    template = extract(package)
    changed = []
    for language in TRANSLATED:
        catalog = _read(language, locale)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        text = _write(language, catalog)
        path = _path(language, locale)
        if not path.is_file() or path.read_bytes() != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text)
            changed.append(path)
    return changed


def _placeholders(text: str) -> list[str]:
    return sorted(
        m.group(0) if m.group(1) is None else m.group(1) for m in PLACEHOLDER.finditer(text)
    )


def _named(message: Message) -> str:
    ident = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}|{ident!r}" if message.context else repr(ident)


def problems(package: Path = PACKAGE, locale: Path = LOCALE) -> list[str]:
    """What is wrong with the catalogs, one line each (empty when all is well)."""
    template = extract(package)
    found: list[str] = []
    for language in TRANSLATED:
        path = _path(language, locale)
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        if not path.is_file():
            found.append(f"{shown}: missing (run: python scripts/i18n.py extract)")
            continue
        catalog = _read(language, locale)
        for message in template:
            if not message.id:
                continue
            entry = catalog.get(message.id, message.context)
            where = f"{shown}: {_named(message)}"
            if entry is None:
                found.append(f"{where} is missing (run: python scripts/i18n.py extract)")
                continue
            if entry.fuzzy:
                found.append(f"{where} is marked fuzzy: check the translation, remove the flag")
            strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            if not all(strings):
                found.append(f"{where} has no {language} translation")
                continue
            sources = message.id if isinstance(message.id, tuple) else (message.id,)
            wanted = set(_placeholders(sources[-1]))
            for text in strings:
                have = set(_placeholders(text))
                if have - wanted or (len(strings) == 1 and have != wanted):
                    found.append(
                        f"{where}: the translation {text!r} uses placeholders "
                        f"{sorted(have)}, the English {sorted(wanted)}"
                    )
        known = {(m.id, m.context) for m in template if m.id}
        for entry in catalog:
            if entry.id and (entry.id, entry.context) not in known:
                found.append(
                    f"{shown}: {_named(entry)} is no longer in the code "
                    "(run: python scripts/i18n.py extract)"
                )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("extract", "check"))
    args = parser.parse_args(argv)
    if args.command == "extract":
        for path in update():
            print(f"updated {path.relative_to(ROOT)}")
        missing = problems()
        if missing:
            print(f"{len(missing)} message(s) to translate, e.g. {missing[0]}")
        return 0
    found = problems()
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"{len(found)} catalog problem(s): translate them, then run the check again.")
        return 1
    print("catalogs complete: every message has its Russian and Hindi translation")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Languages: negotiation, the shipped catalogs, locale-aware formatting, the catalog check."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from tradepivot.errors import InputError
from tradepivot.i18n import (
    LANGUAGES,
    accept_language,
    catalog_path,
    language_tag,
    negotiate,
    require_language,
    translator,
)

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "tradepivot_i18n_script", ROOT / "scripts/i18n.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


@pytest.mark.parametrize(
    ("preferred", "expected"),
    [
        (["ru", "en"], "ru"),
        (["hi", "en"], "hi"),
        (["ta", "hi"], "hi"),  # Tamil first: not supported, Hindi next
        (["kk"], "en"),
        ([], "en"),
        (["ru-RU"], "ru"),
        (["HI_in"], "hi"),
        (["", "not a tag!", "ru"], "ru"),
    ],
)
def test_negotiate_takes_the_first_supported_language(preferred: list[str], expected: str) -> None:
    assert negotiate(preferred) == expected


def test_accept_language_orders_by_quality_and_drops_unwanted() -> None:
    header = "en;q=0.5, ru-RU, hi;q=0.9, fr;q=0, de;q=abc, *;q=0.1, ;q=1, es;q=nan"
    assert accept_language(header) == ["ru-RU", "hi", "en"]
    assert negotiate(accept_language("fr-CH, fr;q=0.9, hi;q=0.8")) == "hi"
    assert accept_language("") == []


def test_require_language_names_the_supported_ones() -> None:
    assert require_language("RU") == "ru"
    with pytest.raises(InputError) as caught:
        require_language("de")
    assert "en (English)" in str(caught.value) and "ru (Russian" in str(caught.value)
    with pytest.raises(InputError):
        translator("../../etc")
    assert language_tag("../../etc") is None


def test_every_language_has_a_catalog_shipped_in_the_package() -> None:
    for language in LANGUAGES[1:]:
        assert catalog_path(language).is_file(), language
        assert translator(language).language == language


@pytest.mark.parametrize(
    ("language", "decimal", "whole", "percent", "day", "short", "listed", "russian"),
    [
        ("en", "1,234,567.5", "1,234,567", "12.3%", "Thursday, 4 December 2025", "Thu 4 Dec",
         "a, b and c", "Russian"),
        ("ru", "1\u00a0234\u00a0567,5", "1\u00a0234\u00a0567", "12,3\u00a0%",
         "четверг, 4 декабря 2025\u00a0г.", "чт, 4 дек.", "a, b и c", "русский"),
        ("hi", "12,34,567.5", "12,34,567", "12.3%", "गुरुवार, 4 दिसंबर 2025", "गुरु, 4 दिस॰",
         "a, b और c", "रूसी"),
    ],
)  # fmt: skip
def test_formatting_follows_the_language(
    language: str,
    decimal: str,
    whole: str,
    percent: str,
    day: str,
    short: str,
    listed: str,
    russian: str,
) -> None:
    t = translator(language)
    assert t.decimal(1234567.5, digits=1) == decimal
    assert t.decimal(1234567.4) == whole
    assert t.percent(0.1234) == percent
    # CLDR releases move between no-break and narrow no-break spaces: compare words
    assert t.date(dt.date(2025, 12, 4)).replace("\u202f", "\u00a0") == day
    assert t.short_date(dt.date(2025, 12, 4)) == short
    assert t.list(["a", "b", "c"]) == listed
    assert t.list([]) == ""
    assert t.language_name("ru") == russian
    assert t.language_name("xx") == "xx"


def test_a_message_missing_from_the_catalog_comes_back_in_english() -> None:
    t = translator("ru")
    assert t.gettext("No such message %(x)s", x=1) == "No such message 1"
    assert t.ngettext("%(num)d thing", "%(num)d things", 1) == "1 thing"
    assert t.ngettext("%(num)d thing", "%(num)d things", 5) == "5 things"


def test_the_shipped_catalogs_are_complete() -> None:
    """Every message of the code has a Russian and a Hindi translation (scripts/i18n.py check)."""
    assert SCRIPT.problems() == []


def _package(root: Path, source: str) -> tuple[Path, Path]:
    package = root / "pkg"
    (package / "templates").mkdir(parents=True)
    (package / "mod.py").write_text(textwrap.dedent(source), encoding="utf-8")
    (package / "templates" / "page.html.j2").write_text(
        "<p>{% trans %}Hello from a template{% endtrans %}</p>", encoding="utf-8"
    )
    return package, root / "locale"


def _write_catalog(locale: Path, language: str, entries: dict[object, object]) -> Path:
    catalog = Catalog(locale=language, domain="tradepivot")
    for msgid, msgstr in entries.items():
        flags = ["fuzzy"] if isinstance(msgstr, str) and msgstr.startswith("FUZZY ") else []
        catalog.add(msgid, msgstr, flags=flags)  # type: ignore[arg-type]
    path = locale / language / "LC_MESSAGES" / "tradepivot.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def test_the_check_finds_every_kind_of_gap(tmp_path: Path) -> None:
    package, locale = _package(
        tmp_path,
        """
        def page(t):
            # TRANSLATORS: a greeting on the first page
            t.gettext("Hello %(name)s", name="x")
            t.ngettext("%(num)d meeting", "%(num)d meetings", 2)
            t.pgettext("slot", "Free")
        """,
    )
    template = SCRIPT.extract(package)
    assert {m.id for m in template if m.id} == {
        "Hello %(name)s",
        ("%(num)d meeting", "%(num)d meetings"),
        "Free",
        "Hello from a template",
    }
    assert [m.auto_comments for m in template if m.id == "Hello %(name)s"] == [
        ["a greeting on the first page"]
    ]
    assert SCRIPT.update(package, locale)  # creates both catalogs, all untranslated
    found = SCRIPT.problems(package, locale)
    assert len(found) == 8 and all("has no" in line for line in found)

    complete = {
        "Hello %(name)s": "Привет, %(name)s",
        ("%(num)d meeting", "%(num)d meetings"): ("%(num)d встреча", "%(num)d встречи", "%(num)d встреч"),
        "Hello from a template": "Привет из шаблона",
    }  # fmt: skip
    path = _write_catalog(locale, "ru", complete)
    with path.open("ab") as handle:  # the context entry, written by hand as a translator would
        handle.write('\nmsgctxt "slot"\nmsgid "Free"\nmsgstr "Свободно"\n'.encode())
    hindi = {
        "Hello %(name)s": "नमस्ते, %(name)s",
        ("%(num)d meeting", "%(num)d meetings"): ("%(num)d बैठक", "%(num)d बैठकें"),
        "Hello from a template": "FUZZY टेम्पलेट से नमस्ते",
        "Gone from the code": "कोड से हटाया गया",
    }
    path = _write_catalog(locale, "hi", hindi)
    with path.open("ab") as handle:
        handle.write('\nmsgctxt "slot"\nmsgid "Free"\nmsgstr "खाली %(x)s"\n'.encode())
    found = SCRIPT.problems(package, locale)
    assert len(found) == 3, found
    assert any("'Hello from a template' is marked fuzzy" in line for line in found)
    assert any("slot|'Free'" in line and "placeholders ['x']" in line for line in found)
    assert any("'Gone from the code' is no longer in the code" in line for line in found)
    assert not any("/ru/" in line for line in found)
    SCRIPT.update(package, locale)  # drops what the code no longer has, keeps translations
    assert "Gone from the code" not in path.read_text(encoding="utf-8")
    assert "नमस्ते, %(name)s" in path.read_text(encoding="utf-8")


def test_money_text_scales_and_groups() -> None:
    """One sentence form of money for every layer: scaled USD, INR in crore with 1,23,456 grouping."""
    from tradepivot.i18n.numbers import in_unit, money, money_text

    assert money_text(4_810_846_383) == "USD 4.8 bn"
    assert money_text(13_180_619.57) == "USD 13.2 m"
    assert money_text(45_400) == "USD 45 k"
    assert money_text(450) == "USD 450"
    assert money_text(4_810_846_383, scale="m") == "USD 4,810.8 m"
    assert money_text(-2_500_000) == "USD -2.5 m"
    assert money_text(5.25e10, "INR") == "INR 5,250 crore"
    assert money_text(1_234_567_890_123, "INR") == "INR 1,23,456.79 crore"
    assert money_text(1_234_567, "INR") == "INR 12,34,567"
    assert money_text(float("nan")) == "USD –"
    assert money_text(4_810_846_383, locale="ru_RU") == "USD 4,8 bn"
    inr = {"code": "INR", "rate_per_usd": 84.0}
    assert in_unit(1e9, inr) == 8_400.0
    assert in_unit(1e9, None) == 1_000.0
    assert in_unit(float("inf"), None) is None
    assert money(1e9, inr) == "8,400.0"
    assert money(1e11, inr) == "8,40,000.0"

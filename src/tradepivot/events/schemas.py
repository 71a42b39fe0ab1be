"""What one record of an event may hold: pydantic row schemas shared by every event store.

A folder of CSV/XLSX/JSON files, a web form and the SQL store all validate a participant, a
slot or a meeting with the same model (:class:`ParticipantIn`, :class:`SlotIn`, ...), so a
value refused in one is refused in all, with the same words. Each model checks its own
fields (an identifier, a side, a country, HS codes, a time zone, a whole number); checks that
need other records (a slot id that exists, a unique id, a table in the slot's venue) belong
to the event assembly (:mod:`tradepivot.events.assemble`).

Values arrive as text (a table cell; empty means absent) or as JSON values from an API (a
list of codes, a number, a boolean). Validation context: ``reference`` (a
:class:`~tradepivot.data.reference.Reference`, for countries and HS codes) and ``notes`` (a
list that receives ``(field, note)`` for values the schema changed on the way, such as an
8-digit national line cut to HS6).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from tradepivot.data.reference import Reference
from tradepivot.errors import UnknownCountryError, UnknownProductError
from tradepivot.events.tabular import TableSpec, did_you_mean
from tradepivot.inputs import HsCodeError, normalise_hs
from tradepivot.matchmaking.classifications import Scheme, unknown_code
from tradepivot.matchmaking.model import (
    COOPERATION,
    SIDES,
    ComponentWeights,
    Cooperation,
    PairWeightMode,
    PreferenceLevel,
    SessionKind,
    Side,
)

__all__ = [
    "FIRST_YEAR",
    "HS_EDITIONS",
    "LAST_YEAR",
    "LEVELS",
    "MAX_COUNT",
    "MAX_ID_LENGTH",
    "NO_SLOT",
    "OPTIONAL_TABLES",
    "SCHEMAS",
    "TABLES",
    "EventMetaIn",
    "InterpreterIn",
    "MeetingIn",
    "PairWeightIn",
    "ParticipantIn",
    "PreferenceIn",
    "Problem",
    "RowModel",
    "SessionIn",
    "SlotIn",
    "TableIn",
    "TravelIn",
    "VenueIn",
    "first_problem",
    "is_identifier",
    "language_code",
    "validate_row",
    "zone_name",
]

HS_EDITIONS = ("HS2022", "HS2017")  # a code is accepted when either edition has it
LEVELS: tuple[PreferenceLevel, ...] = ("must", "meet", "no")
NO_SLOT = "none"  # in an ``available`` column: available in no slot at all (empty = every slot)
MAX_ID_LENGTH = 64
MAX_COUNT = 10_000  # caps, minutes: far above any real event, far below an overflow
FIRST_YEAR, LAST_YEAR = 1970, 2199  # slot dates: plausible, and safe for every time zone
_ID = re.compile(r"^\w[\w.:@#+\-]*$")
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT = re.compile(r"^[+-]?\d+$")

# ISO 639-1, all 183 codes.
_ISO639_CODES = (
    "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv"
    " cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho"
    " hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku"
    " kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn"
    " no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm"
    " sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi"
    " vo wa wo xh yi yo za zh zu"
)
_ISO639_1 = frozenset(_ISO639_CODES.split())
# English names (and a few Russian/Hindi ones) of the languages met at trade forums.
_LANGUAGE_NAMES = {
    "english": "en", "russian": "ru", "hindi": "hi", "bengali": "bn", "bangla": "bn",
    "tamil": "ta", "telugu": "te", "marathi": "mr", "gujarati": "gu", "punjabi": "pa",
    "kannada": "kn", "malayalam": "ml", "urdu": "ur", "odia": "or", "oriya": "or",
    "assamese": "as", "nepali": "ne", "kazakh": "kk", "uzbek": "uz", "kyrgyz": "ky",
    "tajik": "tg", "turkmen": "tk", "tatar": "tt", "belarusian": "be", "ukrainian": "uk",
    "armenian": "hy", "georgian": "ka", "azerbaijani": "az", "mongolian": "mn",
    "chinese": "zh", "mandarin": "zh", "japanese": "ja", "korean": "ko", "arabic": "ar",
    "persian": "fa", "farsi": "fa", "turkish": "tr", "french": "fr", "german": "de",
    "spanish": "es", "portuguese": "pt", "italian": "it", "dutch": "nl", "polish": "pl",
    "czech": "cs", "serbian": "sr", "vietnamese": "vi", "thai": "th", "indonesian": "id",
    "malay": "ms", "sinhala": "si", "swahili": "sw", "hebrew": "he", "greek": "el",
    "русский": "ru", "английский": "en", "хинди": "hi", "हिन्दी": "hi", "हिंदी": "hi",
}  # fmt: skip
# What a column holds, for "x is empty (expected ...)".
EXPECTED = {
    "id": "an identifier",
    "organisation": "the organisation's name",
    "name": "a name",
    "country": "a country (RUS, RU, Russia)",
    "side": " | ".join(SIDES),
    "level": " | ".join(LEVELS),
    "pairs": "language pairs such as en-ru;en-hi",
    "date": "YYYY-MM-DD",
    "start": "HH:MM",
    "end": "HH:MM",
    "minutes": "an integer >= 0",
}


# ---------------------------------------------------------------------------------- problems
@dataclass(frozen=True)
class Problem:
    """The first thing wrong with a record: which field, what, what was expected, a hint."""

    field: str | None
    problem: str
    expected: str | None = None
    hint: str | None = None


def _fail(
    problem: str, expected: str | None = None, hint: str | None = None
) -> PydanticCustomError:
    return PydanticCustomError(
        "tradepivot", "{problem}", {"problem": problem, "expected": expected, "hint": hint}
    )


def first_problem(error: ValidationError) -> Problem:
    """A pydantic error as a :class:`Problem` (the first one: an organiser fixes one at a time)."""
    detail = error.errors(include_url=False)[0]
    loc = [str(part) for part in detail["loc"] if not isinstance(part, int)]
    field = loc[0] if loc else None
    if field == "from_":
        field = "from"
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    if kind == "tradepivot":
        return Problem(field, str(ctx["problem"]), ctx.get("expected"), ctx.get("hint"))
    if kind == "missing":
        return Problem(field, f"{field} is empty", EXPECTED.get(field or ""))
    if kind == "extra_forbidden":
        return Problem(field, f"unknown field {field!r}")
    return Problem(field, str(detail["msg"]).removeprefix("Value error, "))


# ---------------------------------------------------------------------------------- cells
def _context(info: ValidationInfo) -> Mapping[str, Any]:
    return info.context if isinstance(info.context, Mapping) else {}


def _note(info: ValidationInfo, text: str) -> None:
    notes = _context(info).get("notes")
    if isinstance(notes, list):
        notes.append((info.field_name, text))


def _reference(info: ValidationInfo) -> Reference:
    ref = _context(info).get("reference")
    return ref if isinstance(ref, Reference) else _default_reference()


@functools.cache
def _default_reference() -> Reference:
    return Reference()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        raise _fail(f"{type(value).__name__} where text belongs", "text")
    if "\x00" in value:
        raise _fail("contains a NUL character", "text")
    return value.strip()


def _parts(value: object, split: str = r"[;,]") -> list[str]:
    """A list from ``"a; b"`` or ``["a", "b"]``; empty parts dropped."""
    if isinstance(value, list | tuple | set | frozenset):
        items = [_text(v) for v in value]
    else:
        items = re.split(split, _text(value))
    return [p.strip() for p in items if p.strip()]


def is_identifier(value: str) -> bool:
    """Whether ``value`` is an id tradepivot accepts: 1-64 letters, digits and ``_ . : @ # +
    -``, starting with a letter or digit (so it is safe inside a file name, a URL and a list)."""
    return len(value) <= MAX_ID_LENGTH and bool(_ID.match(value))


def _identifier(value: object) -> str:
    text = _text(value)
    if not text:
        raise _fail("the identifier is empty", "an identifier")
    if ";" in text or "," in text:
        raise _fail(
            f"identifier {text!r} contains ';' or ','",
            "an identifier without ';' or ',' (they separate lists)",
        )
    if not is_identifier(text):
        raise _fail(
            f"identifier {text!r} has characters ids cannot have"
            if len(text) <= MAX_ID_LENGTH
            else f"identifier {text[:20]!r}... is longer than {MAX_ID_LENGTH} characters",
            f"up to {MAX_ID_LENGTH} letters, digits and _ . : @ # + -, starting with a letter "
            "or digit (no spaces, slashes or quotes)",
            hint="Ids name files and links: use e.g. RU_0012 instead of 'RU 0012' or RU/0012.",
        )
    return text


def _optional_identifier(value: object) -> str | None:
    return _identifier(value) if _text(value) else None


def _required_text(value: object) -> str:
    text = _text(value)
    if not text:
        raise _fail("the value is empty", "text")
    return text


def _optional_text(value: object) -> str | None:
    return _text(value) or None


_T = TypeVar("_T", bound=str)


def _choice(allowed: Sequence[_T], what: str) -> Callable[[object], _T]:
    def check(value: object) -> _T:
        text = _text(value)
        key = re.sub(r"[\s\-]+", "_", text.lower())
        for option in allowed:
            if option == key:
                return option
        raise _fail(
            f"{what} {text!r} is not allowed", " | ".join(allowed), did_you_mean(key, allowed)
        )

    return check


@functools.cache
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def zone_name(name: str) -> str | None:
    """``name`` as the IANA database spells it (case is forgiven), or None when unknown."""
    if not name or len(name) > 64:
        return None
    found = _zone_names().get(name.lower())
    if found is not None:
        return found
    try:  # a name the OS database has beyond the listed ones
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return name


def _zone(value: object) -> str | None:
    text = _text(value)
    if not text:
        return None
    zone = zone_name(text)
    if zone is None:
        raise _fail(
            f"time zone {text!r} is not an IANA time zone",
            "an IANA name such as Asia/Kolkata or Europe/Moscow",
            did_you_mean(text, _zone_names().values()),
        )
    return zone


def _count(value: object) -> int | None:
    if isinstance(value, bool):
        raise _fail(f"{value!r} is not a whole number", "an integer >= 0")
    if isinstance(value, float) and value.is_integer() and abs(value) <= MAX_COUNT:
        value = int(value)
    text = _text(value)
    if not text:
        return None
    if not _INT.match(text):
        raise _fail(f"{text!r} is not a whole number", "an integer >= 0")
    digits = text.lstrip("+-")
    if text.startswith("-") and digits.strip("0"):
        raise _fail(f"the value is negative ({text[:20]})", "an integer >= 0")
    if len(digits) > 9:
        raise _fail(f"{text[:20]} is implausibly large", f"an integer from 0 to {MAX_COUNT}")
    number = int(text)
    if number > MAX_COUNT:
        raise _fail(f"{number} is implausibly large", f"an integer from 0 to {MAX_COUNT}")
    return number


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE or not text:
        return False
    raise _fail(f"{_text(value)!r} is not true or false", "true or false")


def _number(value: object) -> float:
    if isinstance(value, bool):
        raise _fail(f"{value!r} is not a number", "a number")
    text = _text(value)
    if not text:
        return 0.0
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > 1e9:
        raise _fail(f"{text!r} is not a number", "a finite number")
    return number


def language_code(text: str) -> str | None:
    """``"Russian"``, ``"ru"``, ``"RU"``, ``"русский"`` -> ``"ru"``; None when unknown."""
    key = text.strip().lower()
    if key in _ISO639_1:
        return key
    return _LANGUAGE_NAMES.get(key)


def _language(text: str) -> str:
    code = language_code(text)
    if code is None:
        raise _fail(
            f"unknown language {text.strip()!r}",
            "ISO 639-1 codes (en, ru, hi) or English names (English, Russian, Hindi)",
            did_you_mean(text.strip().lower(), [*_LANGUAGE_NAMES, *_ISO639_1]),
        )
    return code


def _languages(value: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_language(part) for part in _parts(value)))


def _pairs(value: object) -> frozenset[frozenset[str]]:
    pairs: set[frozenset[str]] = set()
    for part in _parts(value):
        ends = [p for p in re.split(r"\s*(?:<->|<>|-|/)\s*", part) if p]
        langs = [_language(p) for p in ends]
        if len(langs) != 2 or langs[0] == langs[1]:
            raise _fail(f"{part!r} is not a pair of two languages", "pairs such as en-ru;en-hi")
        pairs.add(frozenset(langs))
    if not pairs:
        raise _fail("pairs is empty", EXPECTED["pairs"])
    return frozenset(pairs)


def _cooperation(value: object) -> tuple[Cooperation, ...]:
    out: list[Cooperation] = []
    for part in _parts(value):
        key = re.sub(r"[\s\-]+", "_", part.lower())
        match = next((c for c in COOPERATION if c == key), None)
        if match is None:
            raise _fail(
                f"unknown kind of cooperation {part!r}",
                " | ".join(COOPERATION) + " (separated by ';')",
                did_you_mean(key, COOPERATION),
            )
        if match not in out:
            out.append(match)
    return tuple(out)


def _slot_list(value: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_identifier(part) for part in _parts(value)))


def _availability(value: object) -> frozenset[str] | None:
    if isinstance(value, str) and value.strip().lower() == NO_SLOT:
        return frozenset()
    if not _parts(value):
        return None
    return frozenset(_slot_list(value))


def _hs_codes(value: object, info: ValidationInfo) -> tuple[str, ...]:
    """HS codes of 2-6 digits; 8/10-digit national lines cut to HS6, a lost leading zero
    restored (each with a note); every code must exist in HS2022 or HS2017."""
    out: list[str] = []
    ref = _reference(info)
    for raw in _parts(value, r"[;,\s]+"):
        try:
            normal = normalise_hs(raw)
        except HsCodeError:
            raise _fail(
                f"{raw!r} is not an HS code",
                "HS codes of 2 to 10 digits (dots allowed), separated by ';' or spaces",
            ) from None
        code = normal.code
        if normal.note:
            _note(info, normal.note)
        problem = _hs_problem(ref, code)
        if problem is not None:
            raise _fail(
                f"HS code {raw!r} does not exist" + (f" (as {code})" if code != raw else ""),
                "a code of the HS2022 or HS2017 nomenclature",
                problem.hint,
            )
        if code not in out:
            out.append(code)
    return tuple(out)


@functools.lru_cache(maxsize=65536)
def _hs_problem(ref: Reference, code: str) -> UnknownProductError | None:
    first: UnknownProductError | None = None
    for edition in HS_EDITIONS:
        try:
            ref.hs(code, edition)
        except UnknownProductError as exc:
            first = first or exc
        else:
            return None
    return first


def _country(value: object, info: ValidationInfo) -> str:
    text = _text(value)
    if not text:
        raise _fail("country is empty", EXPECTED["country"])
    try:
        return _reference(info).iso3(text)
    except UnknownCountryError as exc:
        raise _fail(
            f"unknown country {text!r}",
            "an ISO3/ISO2 code or an English name (RUS, RU, Russia)",
            exc.hint,
        ) from None


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        text = _text(value)
        try:
            if not _DATE.match(text):
                raise ValueError(text)
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise _fail(f"{text!r} is not a date", "YYYY-MM-DD, e.g. 2025-12-04") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _fail(
            f"{day.isoformat()} is outside the years tradepivot schedules",
            f"a date from {FIRST_YEAR} to {LAST_YEAR}",
        )
    return day


def _clock(value: object) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(tzinfo=None, microsecond=0)
    text = _text(value)
    match = _CLOCK.match(text)
    hour, minute, second = (int(g or 0) for g in match.groups()) if match else (99, 0, 0)
    if hour > 23 or minute > 59 or second > 59:
        raise _fail(f"{text!r} is not a time of day", "HH:MM (24-hour), e.g. 10:20")
    return dt.time(hour, minute, second)


_EBOPS = re.compile(r"^(?:[1-9]|1[0-2])(?:\.[1-9]\d?){0,3}$")
_ISCO = re.compile(r"^\d{1,4}$")


def _coded(
    pattern: re.Pattern[str], what: str, expected: str, scheme: Scheme
) -> Callable[[object], tuple[str, ...]]:
    def check(value: object) -> tuple[str, ...]:
        out: list[str] = []
        for part in _parts(value, r"[;,\s]+"):
            if not pattern.match(part):
                raise _fail(f"{part!r} is not {what}", expected)
            why = unknown_code(scheme, part)
            if why is not None:
                raise _fail(why, expected)
            if part not in out:
                out.append(part)
        return tuple(out)

    return check


_ebops = _coded(
    _EBOPS,
    "an EBOPS 2010 code",
    "EBOPS 2010 codes (UN MSITS 2010) such as 9.2 (computer services) or 10.1, separated by ';'",
    "EBOPS",
)
_isco = _coded(
    _ISCO,
    "an ISCO-08 code",
    "ISCO-08 occupation groups of 1-4 digits (ILO) such as 2512 (software developers), "
    "separated by ';'",
    "ISCO",
)


def _strings(value: object) -> tuple[str, ...]:
    return tuple(_parts(value, r";"))


Identifier = Annotated[str, BeforeValidator(_identifier)]
OptionalIdentifier = Annotated[str | None, BeforeValidator(_optional_identifier)]
Text = Annotated[str, BeforeValidator(_text)]
RequiredText = Annotated[str, BeforeValidator(_required_text)]
OptionalText = Annotated[str | None, BeforeValidator(_optional_text)]
Zone = Annotated[str | None, BeforeValidator(_zone)]
Count = Annotated[int | None, BeforeValidator(_count)]
Flag = Annotated[bool, BeforeValidator(_flag)]
SlotList = Annotated[tuple[str, ...], BeforeValidator(_slot_list)]
Availability = Annotated[frozenset[str] | None, BeforeValidator(_availability)]
Languages = Annotated[tuple[str, ...], BeforeValidator(_languages)]
CooperationList = Annotated[tuple[Cooperation, ...], BeforeValidator(_cooperation)]
HSCodes = Annotated[tuple[str, ...], BeforeValidator(_hs_codes)]
Country = Annotated[str, BeforeValidator(_country)]
Strings = Annotated[tuple[str, ...], BeforeValidator(_strings)]


class RowModel(BaseModel):
    """A validated record: frozen, unknown fields refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# ---------------------------------------------------------------------------------- rows
class VenueIn(RowModel):
    """A hall or building. ``timezone`` None: the event's."""

    id: Identifier
    name: RequiredText
    city: Text = ""
    timezone: Zone = None


def _slot_id(value: object) -> str:
    text = _identifier(value)
    if text.lower() == NO_SLOT:
        raise _fail(
            f"{text!r} is reserved",
            "another slot id",
            f"'{NO_SLOT}' in an available column means no slot at all.",
        )
    return text


def _other_than(field: str, problem: str, expected: str) -> Callable[[str, ValidationInfo], str]:
    """A check that a field differs from an earlier one (``{value}`` names it)."""

    def check(value: str, info: ValidationInfo) -> str:
        if info.data.get(field) == value:
            raise _fail(problem.format(value=value), expected)
        return value

    return check


def _after_start(value: dt.time, info: ValidationInfo) -> dt.time:
    start = info.data.get("start")
    if isinstance(start, dt.time) and value <= start:
        raise _fail(
            f"slot ends at {value:%H:%M}, not after its start {start:%H:%M}",
            "an end time after the start on the same day",
        )
    return value


class SlotIn(RowModel):
    """A meeting time, local to its venue; ``venue`` None when the event has one venue."""

    id: Annotated[str, BeforeValidator(_slot_id)]
    date: Annotated[dt.date, BeforeValidator(_date)]
    start: Annotated[dt.time, BeforeValidator(_clock)]
    end: Annotated[dt.time, BeforeValidator(_clock), AfterValidator(_after_start)]
    venue: OptionalIdentifier = None
    session: Text = ""


class TableIn(RowModel):
    """A meeting table; ``unavailable``: slot ids it cannot be used in."""

    id: Identifier
    venue: OptionalIdentifier = None
    unavailable: SlotList = ()


class InterpreterIn(RowModel):
    """An interpreter and the language pairs they bridge; ``venue`` None: any venue;
    ``available`` None: every slot."""

    id: Identifier
    name: Text = ""
    pairs: Annotated[frozenset[frozenset[str]], BeforeValidator(_pairs)]
    venue: OptionalIdentifier = None
    available: Availability = None


class ParticipantIn(RowModel):
    """One company or institution (one seat at a table)."""

    id: Identifier
    organisation: RequiredText
    side: Annotated[Side, BeforeValidator(_choice(SIDES, "side"))]
    country: Country
    city: Text = ""
    contact: Text = ""
    email: Text = ""
    delegation: OptionalText = None
    offers: HSCodes = ()
    seeks: HSCodes = ()
    cooperation_offered: CooperationList = ()
    cooperation_sought: CooperationList = ()
    languages: Languages = ()  # empty: English, said once for the table
    certifications: Strings = ()
    description: Text = ""
    timezone: Zone = None
    available: Availability = None
    max_meetings: Count = None
    services_offered: Annotated[tuple[str, ...], BeforeValidator(_ebops)] = ()
    services_sought: Annotated[tuple[str, ...], BeforeValidator(_ebops)] = ()
    skills_offered: Annotated[tuple[str, ...], BeforeValidator(_isco)] = ()
    skills_sought: Annotated[tuple[str, ...], BeforeValidator(_isco)] = ()


class TravelIn(RowModel):
    """Minutes between two venues (one direction; the other is the same unless given)."""

    from_: Identifier = Field(alias="from")
    to: Annotated[
        Identifier,
        AfterValidator(
            _other_than("from_", "travel from {value!r} to itself", "two different venues")
        ),
    ]
    minutes: Annotated[int, BeforeValidator(_count)]


class PreferenceIn(RowModel):
    """``source`` must, would like to, or must never meet ``target``."""

    source: Identifier
    target: Annotated[
        Identifier,
        AfterValidator(
            _other_than(
                "source", "{value!r} states a preference about itself", "another participant"
            )
        ),
    ]
    level: Annotated[PreferenceLevel, BeforeValidator(_choice(LEVELS, "level"))]


class MeetingIn(RowModel):
    """A meeting of an existing schedule: two participants at a table in a slot."""

    a: Identifier
    b: Annotated[
        Identifier, AfterValidator(_other_than("a", "{value!r} meets itself", "two participants"))
    ]
    slot: Identifier
    table: Identifier
    interpreter: OptionalIdentifier = None
    score: Annotated[float, BeforeValidator(_number)] = 0.0
    locked: Flag = False
    published: Flag = False


def _event_name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail("the event has no name", "name: the event's title as text")
    return _text(value)


def _event_zone(value: object) -> str:
    zone = zone_name(value) if isinstance(value, str) else None
    if zone is None:
        raise _fail(
            f"time zone {value!r} is not an IANA time zone",
            "an IANA name such as Asia/Kolkata or Europe/Moscow",
            did_you_mean(str(value), _zone_names().values()),
        )
    return zone


def _strict_flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise _fail(f"synthetic is {value!r}", "true or false")
    return value


def _description(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise _fail("description is not text", "text")
    return value


_COMPONENTS = tuple(f.name for f in dataclasses.fields(ComponentWeights))


def _component_weights(value: object) -> ComponentWeights:
    """``weights:`` of event.yaml: points per score component (the others keep theirs)."""
    if isinstance(value, ComponentWeights):
        return value
    if not isinstance(value, Mapping):
        raise _fail("weights is not a mapping", f"component: points, for {', '.join(_COMPONENTS)}")
    points: dict[str, float] = {}
    for key, number in value.items():
        name = str(key)
        if name not in _COMPONENTS:
            raise _fail(
                f"unknown score component {name!r}",
                ", ".join(_COMPONENTS),
                did_you_mean(name, _COMPONENTS),
            )
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise _fail(f"the weight of {name} is not a number ({number!r})", "a number >= 0")
        if not math.isfinite(number) or not 0 <= number <= 1000:
            raise _fail(f"the weight of {name} is {number!r}", "a number from 0 to 1000")
        points[name] = float(number)
    merged = {**ComponentWeights().as_dict(), **points}
    if sum(merged.values()) <= 0:
        raise _fail("every score component weighs 0", "at least one weight above 0")
    return ComponentWeights(**merged)


class EventMetaIn(RowModel):
    """``event.yaml``: the event's name and IANA time zone; ``synthetic`` marks invented data;
    ``weights`` the points of each score component (scoring's defaults for the others)."""

    name: Annotated[str, BeforeValidator(_event_name)]
    timezone: Annotated[str, BeforeValidator(_event_zone)]
    synthetic: Annotated[bool, BeforeValidator(_strict_flag)] = False
    description: Annotated[str | None, BeforeValidator(_description)] = None
    weights: Annotated[ComponentWeights, BeforeValidator(_component_weights)] = Field(
        default_factory=ComponentWeights
    )


def _weight(value: object) -> float:
    if isinstance(value, bool):
        raise _fail(f"{value!r} is not a number", "a number")
    text = _text(value)
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > 1000:
        raise _fail(f"{text!r} is not a weight", "a number from -1000 to 1000 (score points)")
    return number


def _mode_fits_weight(value: PairWeightMode, info: ValidationInfo) -> PairWeightMode:
    weight = info.data.get("weight")
    if value == "replace" and isinstance(weight, float) and weight < 0:
        raise _fail(
            f"a weight that replaces the score cannot be negative ({weight:g})",
            "replace with a weight >= 0, or add (which may lower a score)",
        )
    return value


class PairWeightIn(RowModel):
    """``scores``: the organiser's own score for a pair (a CRM's lead score, a council's
    priority): ``replace`` the built-in score, or ``add`` to it (may be negative)."""

    source: Identifier
    target: Annotated[
        Identifier,
        AfterValidator(
            _other_than("source", "{value!r} is scored against itself", "another participant")
        ),
    ]
    weight: Annotated[float, BeforeValidator(_weight)]
    reason: Text = ""
    mode: Annotated[
        PairWeightMode,
        BeforeValidator(_choice(("replace", "add"), "mode")),
        AfterValidator(_mode_fits_weight),
    ] = "replace"


def _ids(value: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_identifier(part) for part in _parts(value)))


class SessionIn(RowModel):
    """``sessions``: a roadshow or B2G briefing (one presents to many) in the timetable."""

    id: Identifier
    title: RequiredText
    date: Annotated[dt.date, BeforeValidator(_date)]
    start: Annotated[dt.time, BeforeValidator(_clock)]
    end: Annotated[dt.time, BeforeValidator(_clock), AfterValidator(_after_start)]
    venue: OptionalIdentifier = None
    capacity: Annotated[int, BeforeValidator(_count)]
    kind: Annotated[SessionKind, BeforeValidator(_choice(("roadshow", "b2g", "other"), "kind"))] = (
        "roadshow"
    )
    hosts: Annotated[tuple[str, ...], BeforeValidator(_ids)] = ()
    attendees: Annotated[tuple[str, ...], BeforeValidator(_ids)] = ()
    description: Text = ""


_M = TypeVar("_M", bound=RowModel)


def validate_row(
    model: type[_M],
    cells: Mapping[str, object],
    *,
    reference: Reference | None = None,
    notes: list[tuple[str, str]] | None = None,
) -> _M | Problem:
    """``cells`` (a table row's text, or JSON values) as a ``model``, or the first
    :class:`Problem`. Empty text counts as absent."""
    data = {k: v for k, v in cells.items() if not (isinstance(v, str) and not v.strip())}
    try:
        return model.model_validate(data, context={"reference": reference, "notes": notes})
    except ValidationError as exc:
        return first_problem(exc)


# ---------------------------------------------------------------------------------- tables
def _spec(name: str, model: type[RowModel], *, required_file: bool = True) -> TableSpec:
    """A table's columns and required ones, read off its row schema (one truth for both)."""
    columns = tuple(f.alias or key for key, f in model.model_fields.items())
    required = frozenset(f.alias or key for key, f in model.model_fields.items() if f.is_required())
    return TableSpec(name, columns, required, required_file)


SCHEMAS: dict[str, type[RowModel]] = {
    "venues": VenueIn,
    "slots": SlotIn,
    "tables": TableIn,
    "interpreters": InterpreterIn,
    "participants": ParticipantIn,
    "travel": TravelIn,
    "preferences": PreferenceIn,
    "meetings": MeetingIn,
    "scores": PairWeightIn,
    "sessions": SessionIn,
}
OPTIONAL_TABLES = frozenset({"travel", "preferences", "meetings", "scores", "sessions"})
TABLES: dict[str, TableSpec] = {
    name: _spec(name, model, required_file=name not in OPTIONAL_TABLES)
    for name, model in SCHEMAS.items()
}

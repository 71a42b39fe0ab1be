"""Event folders: the files an organiser keeps for one matchmaking event, read and written.

An *event folder* holds ``event.yaml`` and one table per kind of record: participants, venues,
slots, tables, interpreters, and optionally travel, preferences and meetings. Each table is a
CSV, an XLSX workbook (first sheet) or a JSON list of objects, whichever the organiser has.
:func:`load_event` checks everything and stops at the first problem with a
:class:`~tradepivot.errors.SourceFileError` naming the file, the line (sheet row, JSON record)
and the field, because an organiser fixes files by hand and needs to know exactly where.
:func:`write_event` writes an event back as CSV. The format is described in docs/events.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import importlib
import io
import json
import math
import re
import warnings
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from tradepivot.data.reference import Reference
from tradepivot.errors import (
    InputError,
    SourceFileError,
    UnknownCountryError,
    UnknownProductError,
)
from tradepivot.matchmaking.model import (
    COOPERATION,
    SIDES,
    Cooperation,
    Event,
    Interpreter,
    Meeting,
    Participant,
    Preference,
    PreferenceLevel,
    Side,
    Slot,
    Table,
    Venue,
)

__all__ = [
    "EVENT_FILE",
    "FORMATS",
    "TABLES",
    "TableSpec",
    "load_event",
    "write_event",
    "write_meetings",
]

EVENT_FILE = "event.yaml"
FORMATS = (".csv", ".xlsx", ".json")
HS_EDITIONS = ("HS2022", "HS2017")  # a code is accepted when either edition has it
LEVELS: tuple[PreferenceLevel, ...] = ("must", "meet", "no")
NO_SLOT = "none"  # in an ``available`` column: available in no slot at all (empty = every slot)

_T = TypeVar("_T", bound=str)


@dataclass(frozen=True)
class TableSpec:
    """One table of the folder: its columns (in written order), the required ones, whether the
    file itself is required."""

    name: str
    columns: tuple[str, ...]
    required: frozenset[str]
    required_file: bool = True


def _spec(name: str, columns: str, required: str, *, required_file: bool = True) -> TableSpec:
    return TableSpec(name, tuple(columns.split()), frozenset(required.split()), required_file)


TABLES: dict[str, TableSpec] = {
    s.name: s
    for s in (
        _spec("venues", "id name city timezone", "id name"),
        _spec("slots", "id date start end venue session", "id date start end"),
        _spec("tables", "id venue unavailable", "id"),
        _spec("interpreters", "id name pairs venue available", "id pairs"),
        _spec(
            "participants",
            "id organisation side country city contact email delegation offers seeks"
            " cooperation_offered cooperation_sought languages certifications description"
            " timezone available max_meetings",
            "id organisation side country",
        ),
        _spec("travel", "from to minutes", "from to minutes", required_file=False),
        _spec("preferences", "source target level", "source target level", required_file=False),
        _spec(
            "meetings",
            "a b slot table interpreter score locked published",
            "a b slot table",
            required_file=False,
        ),
    )
}

_EVENT_KEYS = ("name", "timezone", "synthetic", "description")
_COLUMN_ALIASES = {"organization": "organisation"}
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0", ""})

# ISO 639-1, all 183 codes.
_ISO639_1_CODES = (
    "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy"
    " da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht"
    " hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky"
    " la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny"
    " oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss"
    " st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo"
    " za zh zu"
)
_ISO639_1 = frozenset(_ISO639_1_CODES.split())
# English names (and a few Russian/Hindi ones) of the languages met at trade forums.
_LANGUAGE_NAMES = {
    "english": "en",
    "russian": "ru",
    "hindi": "hi",
    "bengali": "bn",
    "bangla": "bn",
    "tamil": "ta",
    "telugu": "te",
    "marathi": "mr",
    "gujarati": "gu",
    "punjabi": "pa",
    "kannada": "kn",
    "malayalam": "ml",
    "urdu": "ur",
    "odia": "or",
    "oriya": "or",
    "assamese": "as",
    "nepali": "ne",
    "kazakh": "kk",
    "uzbek": "uz",
    "kyrgyz": "ky",
    "tajik": "tg",
    "turkmen": "tk",
    "tatar": "tt",
    "belarusian": "be",
    "ukrainian": "uk",
    "armenian": "hy",
    "georgian": "ka",
    "azerbaijani": "az",
    "mongolian": "mn",
    "chinese": "zh",
    "mandarin": "zh",
    "japanese": "ja",
    "korean": "ko",
    "arabic": "ar",
    "persian": "fa",
    "farsi": "fa",
    "turkish": "tr",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "portuguese": "pt",
    "italian": "it",
    "dutch": "nl",
    "polish": "pl",
    "czech": "cs",
    "serbian": "sr",
    "vietnamese": "vi",
    "thai": "th",
    "indonesian": "id",
    "malay": "ms",
    "sinhala": "si",
    "swahili": "sw",
    "hebrew": "he",
    "greek": "el",
    "русский": "ru",
    "английский": "en",
    "хинди": "hi",
    "हिन्दी": "hi",
    "हिंदी": "hi",
}


# ---------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Row:
    """One record: its physical line (CSV), sheet row (XLSX) or None (JSON), its 0-based index
    among the records, and its cells as stripped text keyed by column."""

    line: int | None
    index: int
    cells: Mapping[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class _Table:
    """A table file read into rows of text, able to say where a problem is."""

    spec: TableSpec
    path: Path
    sheet: str | None  # XLSX only
    header_line: int | None
    rows: tuple[_Row, ...]

    @property
    def is_json(self) -> bool:
        return self.path.suffix.lower() == ".json"

    def _field(self, row: _Row | None, column: str | None) -> str | None:
        if self.is_json and row is not None:
            return f"{self.spec.name}[{row.index}]" + (f".{column}" if column else "")
        return column

    def error(
        self,
        row: _Row | None,
        column: str | None,
        problem: str,
        *,
        expected: str | None = None,
        hint: str | None = None,
    ) -> SourceFileError:
        line = row.line if row is not None else self.header_line
        if self.sheet is not None:
            problem += f" [sheet {self.sheet!r}" + (f", row {line}]" if line else "]")
        return SourceFileError(
            str(self.path),
            problem,
            line=line,
            field=self._field(row, column),
            expected=expected,
            hint=hint,
        )

    def where(self, row: _Row, column: str) -> str:
        """Short location for notes: ``participants.csv line 7, offers``."""
        if self.is_json:
            return f"{self.path.name} {self._field(row, column)}"
        unit = "row" if self.sheet is not None else "line"
        return f"{self.path.name} {unit} {row.line}, {column}"


def _did_you_mean(value: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(value, list(candidates), n=3, cutoff=0.6)
    if not close:
        return None
    return "Did you mean " + " or ".join(repr(c) for c in close) + "?"


def _column_key(name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())
    return _COLUMN_ALIASES.get(key, key)


def _cell_text(value: object) -> str:
    """A CSV/XLSX/JSON cell as text: numbers without a spurious ``.0``, dates as ISO, times as
    ``HH:MM``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    return str(value).strip()


def _find_file(folder: Path, name: str) -> Path | None:
    """The one ``name.csv|xlsx|json`` in ``folder`` (None when there is none)."""
    found = [
        p
        for p in sorted(folder.iterdir())
        if p.is_file() and p.stem.lower() == name and p.suffix.lower() in FORMATS
    ]
    if len(found) > 1:
        raise SourceFileError(
            str(folder),
            f"{' and '.join(p.name for p in found)} both define {name}",
            expected=f"exactly one {name} file (.csv, .xlsx or .json)",
            hint="Remove or rename the ones that are not current.",
        )
    return found[0] if found else None


def _csv_records(path: Path) -> list[tuple[int, list[str]]]:
    """The text's records with the physical line each starts on, blank lines skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceFileError(
            str(path),
            f"is not UTF-8 text (byte {exc.start})",
            hint="Save it as 'CSV UTF-8' or use XLSX.",
        ) from None
    except OSError as exc:
        raise SourceFileError(str(path), f"cannot be read: {exc}") from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    # The header names the delimiter: Excel writes ';' in locales with a decimal comma.
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    last = 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if any(c.strip() for c in cells):
                records.append((start, cells))
    except csv.Error as exc:
        raise SourceFileError(
            str(path), f"cannot be parsed as CSV: {exc}", line=reader.line_num
        ) from None
    return records


def _xlsx_records(path: Path) -> tuple[str, list[tuple[int, list[object]]]]:
    """The first sheet's name and its non-empty rows with their row numbers."""
    openpyxl: Any = importlib.import_module("openpyxl")  # imported on demand: slow to import
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # style and extension warnings say nothing about data
            book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise SourceFileError(str(path), f"cannot be read as XLSX: {exc}") from None
    try:
        sheet = book.worksheets[0]
        rows = [
            (number, list(values))
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1)
            if any(_cell_text(v) for v in values)
        ]
        return str(sheet.title), rows
    finally:
        book.close()


def _read_table(path: Path, spec: TableSpec) -> _Table:
    """Read one table file into text rows, checking its columns."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _read_json(path, spec)
    sheet: str | None = None
    records: list[tuple[int, list[object]]]
    if suffix == ".xlsx":
        sheet, records = _xlsx_records(path)
    else:
        records = [(line, list[object](cells)) for line, cells in _csv_records(path)]
    if not records:
        empty = _Table(spec, path, sheet, None, ())
        raise empty.error(None, None, "is empty", expected=f"a header line with {_cols(spec)}")
    header_line, raw_names = records[0]
    table = _Table(spec, path, sheet, header_line, ())
    names = [_cell_text(n) for n in raw_names]
    keys: list[str | None] = []
    for name in names:
        key = _column_key(name) if name else None
        if key is not None and key not in spec.columns:
            raise table.error(
                None,
                name,
                f"unknown column {name!r}",
                expected=f"columns among {', '.join(spec.columns)}",
                hint=_did_you_mean(key, spec.columns),
            )
        if key is not None and key in keys:
            raise table.error(None, name, f"column {name!r} appears twice")
        keys.append(key)
    missing = sorted(spec.required - {k for k in keys if k})
    if missing:
        raise table.error(
            None,
            missing[0],
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            expected=f"a header with {_cols(spec)}",
        )
    rows_out: list[_Row] = []
    for index, (line, raw) in enumerate(records[1:]):
        values = [_cell_text(v) for v in raw]
        cells: dict[str, str] = {}
        for position, value in enumerate(values):
            key = keys[position] if position < len(keys) else None
            if key is not None:
                cells[key] = value
            elif value:
                row = _Row(line, index, cells)
                where = "beyond the last column" if position >= len(keys) else "without a header"
                raise table.error(
                    row,
                    None,
                    f"value {value!r} in column {position + 1}, {where}",
                    expected=f"{len([k for k in keys if k])} columns as in the header",
                    hint="Quote values that contain the delimiter.",
                )
        rows_out.append(_Row(line, index, cells))
    return _Table(spec, path, sheet, header_line, tuple(rows_out))


def _read_json(path: Path, spec: TableSpec) -> _Table:
    table = _Table(spec, path, None, None, ())
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise SourceFileError(str(path), f"is not valid JSON: {exc.msg}", line=exc.lineno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceFileError(str(path), f"cannot be read: {exc}") from None
    if not isinstance(data, list):
        raise table.error(None, None, "is not a list", expected="a JSON list of objects")
    rows: list[_Row] = []
    for index, item in enumerate(data):
        row = _Row(None, index, {})
        if not isinstance(item, dict):
            raise table.error(row, None, "is not an object", expected="a JSON object per record")
        cells: dict[str, str] = {}
        for name, value in item.items():
            key = _column_key(str(name))
            if key not in spec.columns:
                raise table.error(
                    row,
                    str(name),
                    f"unknown key {name!r}",
                    expected=f"keys among {', '.join(spec.columns)}",
                    hint=_did_you_mean(key, spec.columns),
                )
            if isinstance(value, list):
                parts = [_json_scalar(table, row, key, v) for v in value]
                cells[key] = "; ".join(p for p in parts if p)
            else:
                cells[key] = _json_scalar(table, row, key, value)
        missing = sorted(spec.required - set(cells))
        if missing:
            raise table.error(
                row, missing[0], f"missing key {missing[0]!r}", expected=f"keys {_cols(spec)}"
            )
        rows.append(_Row(None, index, cells))
    return _Table(spec, path, None, None, tuple(rows))


def _json_scalar(table: _Table, row: _Row, key: str, value: object) -> str:
    if isinstance(value, dict | list):
        raise table.error(
            row, key, "is a nested object or list", expected="text, a number or true/false"
        )
    return _cell_text(value)


def _cols(spec: TableSpec) -> str:
    return ", ".join(c for c in spec.columns if c in spec.required)


@functools.cache
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def _zone(name: str) -> str | None:
    """``name`` as the IANA database spells it (case is forgiven), or None when unknown."""
    if not name:
        return None
    found = _zone_names().get(name.lower())
    if found is not None:
        return found
    try:  # a name the OS database has beyond the listed ones
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return name


_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT = re.compile(r"^[+-]?\d+$")


class _Reader:
    """Turns text rows into model objects, collecting notes; every check raises with a place."""

    def __init__(self, folder: Path, ref: Reference) -> None:
        self.folder = folder
        self.ref = ref
        self.notes: list[str] = []
        self._hs_cache: dict[str, UnknownProductError | None] = {}
        self.event_timezone = "UTC"
        self.venues: dict[str, Venue] = {}
        self.slots: dict[str, Slot] = {}
        self.tables: dict[str, Table] = {}
        self.interpreters: dict[str, Interpreter] = {}
        self.participants: dict[str, Participant] = {}

    # -- files -------------------------------------------------------------------------
    def table(self, name: str) -> _Table | None:
        spec = TABLES[name]
        path = _find_file(self.folder, name)
        if path is None:
            if spec.required_file:
                raise SourceFileError(
                    str(self.folder / f"{name}.csv"),
                    f"the event folder has no {name} file",
                    expected=f"{name}.csv, {name}.xlsx or {name}.json with {_cols(spec)}",
                    hint="See docs/events.md for the event folder format.",
                )
            return None
        return _read_table(path, spec)

    def event_yaml(self) -> tuple[str, str, bool]:
        """``name``, ``timezone`` and ``synthetic`` from event.yaml."""
        candidates = [self.folder / EVENT_FILE, self.folder / "event.yml"]
        existing = [p for p in candidates if p.is_file()]
        if not existing:
            raise SourceFileError(
                str(candidates[0]),
                "the event folder has no event.yaml",
                expected="event.yaml with name and timezone",
                hint="See docs/events.md for the event folder format.",
            )
        if len(existing) > 1:
            raise SourceFileError(
                str(self.folder), "event.yaml and event.yml both exist", expected="one of them"
            )
        path = existing[0]
        try:
            text = path.read_text(encoding="utf-8-sig")
            data = yaml.safe_load(text)
            lines = _yaml_key_lines(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise SourceFileError(
                str(path),
                f"is not valid YAML: {getattr(exc, 'problem', None) or exc}",
                line=mark.line + 1 if mark is not None else None,
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SourceFileError(str(path), f"cannot be read: {exc}") from None
        if not isinstance(data, dict):
            raise SourceFileError(
                str(path),
                "is not a mapping",
                expected="keys name, timezone (synthetic, description)",
            )

        def fail(key: str, problem: str, expected: str, hint: str | None = None) -> SourceFileError:
            return SourceFileError(
                str(path), problem, line=lines.get(key), field=key, expected=expected, hint=hint
            )

        for key in data:
            if key not in _EVENT_KEYS:
                raise fail(
                    str(key),
                    f"unknown key {key!r}",
                    f"keys among {', '.join(_EVENT_KEYS)}",
                    _did_you_mean(str(key), _EVENT_KEYS),
                )
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail("name", "the event has no name", "name: the event's title as text")
        zone_text = data.get("timezone")
        zone = _zone(zone_text) if isinstance(zone_text, str) else None
        if zone is None:
            raise fail(
                "timezone",
                f"time zone {zone_text!r} is not an IANA time zone",
                "an IANA name such as Asia/Kolkata or Europe/Moscow",
                _did_you_mean(str(zone_text), _zone_names().values()),
            )
        synthetic = data.get("synthetic", False)
        if not isinstance(synthetic, bool):
            raise fail("synthetic", f"synthetic is {synthetic!r}", "true or false")
        description = data.get("description")
        if description is not None and not isinstance(description, str):
            raise fail("description", "description is not text", "text")
        self.event_timezone = zone
        return name.strip(), zone, synthetic

    # -- cells -------------------------------------------------------------------------
    def text(self, table: _Table, row: _Row, column: str, *, required: bool = False) -> str:
        value = row[column]
        if required and not value:
            raise table.error(row, column, f"{column} is empty", expected=_EXPECTED.get(column))
        return value

    def ident(self, table: _Table, row: _Row, column: str = "id") -> str:
        value = self.text(table, row, column, required=True)
        if ";" in value or "," in value:
            raise table.error(
                row,
                column,
                f"identifier {value!r} contains ';' or ','",
                expected="an identifier without ';' or ',' (they separate lists)",
            )
        if column == "id" and table.spec.name == "slots" and value.lower() == NO_SLOT:
            raise table.error(
                row,
                column,
                f"{value!r} is reserved",
                expected="another slot id",
                hint=f"'{NO_SLOT}' in an available column means no slot at all.",
            )
        return value

    def unique(self, table: _Table, row: _Row, value: str, seen: dict[str, _Row]) -> None:
        if value in seen:
            first = seen[value]
            at = f"line {first.line}" if first.line is not None else f"record {first.index}"
            if table.sheet is not None:
                at = f"row {first.line}"
            raise table.error(
                row, "id", f"duplicate id {value!r} (first at {at})", expected="unique ids"
            )
        seen[value] = row

    def choice(self, table: _Table, row: _Row, column: str, allowed: Sequence[_T]) -> _T:
        value = self.text(table, row, column, required=True)
        key = value.lower()
        for option in allowed:
            if option == key:
                return option
        raise table.error(
            row,
            column,
            f"{column} {value!r} is not allowed",
            expected=" | ".join(allowed),
            hint=_did_you_mean(key, allowed),
        )

    def zone(self, table: _Table, row: _Row, column: str, default: str) -> str:
        value = row[column]
        if not value:
            return default
        zone = _zone(value)
        if zone is None:
            raise table.error(
                row,
                column,
                f"time zone {value!r} is not an IANA time zone",
                expected="an IANA name such as Asia/Kolkata or Europe/Moscow",
                hint=_did_you_mean(value, _zone_names().values()),
            )
        return zone

    def count(self, table: _Table, row: _Row, column: str, *, required: bool = False) -> int | None:
        value = self.text(table, row, column, required=required)
        if not value:
            return None
        if not _INT.match(value):
            raise table.error(
                row, column, f"{value!r} is not a whole number", expected="an integer >= 0"
            )
        number = int(value)
        if number < 0:
            raise table.error(
                row, column, f"{column} is negative ({number})", expected="an integer >= 0"
            )
        return number

    def flag(self, table: _Table, row: _Row, column: str) -> bool:
        value = row[column].lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise table.error(
            row, column, f"{row[column]!r} is not true or false", expected="true or false"
        )

    def reference(
        self, table: _Table, row: _Row, column: str, known: Mapping[str, object], what: str
    ) -> str:
        value = self.ident(table, row, column)
        if value not in known:
            raise table.error(
                row,
                column,
                f"unknown {what} {value!r}",
                expected=f"an id from the {what}s file",
                hint=_did_you_mean(value, known),
            )
        return value

    def venue_of(self, table: _Table, row: _Row, column: str = "venue") -> str:
        """A venue id; may be left empty when the event has exactly one venue."""
        if not row[column] and len(self.venues) == 1:
            return next(iter(self.venues))
        if not row[column]:
            raise table.error(
                row, column, "venue is empty", expected=f"one of {', '.join(self.venues)}"
            )
        return self.reference(table, row, column, self.venues, "venue")

    def slot_ids(self, table: _Table, row: _Row, column: str) -> list[str]:
        out: list[str] = []
        for part in re.split(r"[;,]", row[column]):
            slot = part.strip()
            if not slot:
                continue
            if slot not in self.slots:
                raise table.error(
                    row,
                    column,
                    f"unknown slot {slot!r}",
                    expected="slot ids from the slots file, separated by ';'",
                    hint=_did_you_mean(slot, self.slots),
                )
            if slot not in out:
                out.append(slot)
        return out

    def availability(self, table: _Table, row: _Row, column: str) -> frozenset[str] | None:
        if not row[column]:
            return None
        if row[column].lower() == NO_SLOT:
            return frozenset()
        return frozenset(self.slot_ids(table, row, column))

    def language(self, table: _Table, row: _Row, column: str, text: str) -> str:
        key = text.strip().lower()
        if key in _ISO639_1:
            return key
        if key in _LANGUAGE_NAMES:
            return _LANGUAGE_NAMES[key]
        raise table.error(
            row,
            column,
            f"unknown language {text.strip()!r}",
            expected="ISO 639-1 codes (en, ru, hi) or English names (English, Russian, Hindi)",
            hint=_did_you_mean(key, [*_LANGUAGE_NAMES, *_ISO639_1]),
        )

    def languages(self, table: _Table, row: _Row) -> tuple[str, ...]:
        out: list[str] = []
        for part in re.split(r"[;,]", row["languages"]):
            if part.strip():
                code = self.language(table, row, "languages", part)
                if code not in out:
                    out.append(code)
        return tuple(out)

    def cooperation(self, table: _Table, row: _Row, column: str) -> tuple[Cooperation, ...]:
        out: list[Cooperation] = []
        for part in re.split(r"[;,]", row[column]):
            key = re.sub(r"[\s\-]+", "_", part.strip().lower())
            if not key:
                continue
            match = next((c for c in COOPERATION if c == key), None)
            if match is None:
                raise table.error(
                    row,
                    column,
                    f"unknown kind of cooperation {part.strip()!r}",
                    expected=" | ".join(COOPERATION) + " (separated by ';')",
                    hint=_did_you_mean(key, COOPERATION),
                )
            if match not in out:
                out.append(match)
        return tuple(out)

    def hs_codes(self, table: _Table, row: _Row, column: str) -> tuple[str, ...]:
        """HS codes of 2-6 digits; 8/10-digit national lines cut to HS6 with a note."""
        out: list[str] = []
        for raw in re.split(r"[;,\s]+", row[column]):
            if not raw:
                continue
            code = raw.replace(".", "")
            if not code.isdigit() or not 2 <= len(code) <= 10:
                raise table.error(
                    row,
                    column,
                    f"{raw!r} is not an HS code",
                    expected="HS codes of 2 to 10 digits (dots allowed), separated by ';' or spaces",
                )
            if len(code) % 2:
                self.notes.append(
                    f"{table.where(row, column)}: {raw} read as 0{code} (leading zero restored)."
                )
                code = "0" + code
            if len(code) > 6:
                self.notes.append(
                    f"{table.where(row, column)}: {raw} is a national {len(code)}-digit line; "
                    f"using HS6 {code[:6]}."
                )
                code = code[:6]
            problem = self._hs_problem(code)
            if problem is not None:
                raise table.error(
                    row,
                    column,
                    f"HS code {raw!r} does not exist" + (f" (as {code})" if code != raw else ""),
                    expected="a code of the HS2022 or HS2017 nomenclature",
                    hint=problem.hint,
                )
            if code not in out:
                out.append(code)
        return tuple(out)

    def _hs_problem(self, code: str) -> UnknownProductError | None:
        if code not in self._hs_cache:
            first: UnknownProductError | None = None
            for edition in HS_EDITIONS:
                try:
                    self.ref.hs(code, edition)
                except UnknownProductError as exc:
                    first = first or exc
                else:
                    first = None
                    break
            self._hs_cache[code] = first
        return self._hs_cache[code]

    def country(self, table: _Table, row: _Row) -> str:
        value = self.text(table, row, "country", required=True)
        try:
            return self.ref.iso3(value)
        except UnknownCountryError as exc:
            raise table.error(
                row,
                "country",
                f"unknown country {value!r}",
                expected="an ISO3/ISO2 code or an English name (RUS, RU, Russia)",
                hint=exc.hint,
            ) from None

    # -- tables ------------------------------------------------------------------------
    def read_venues(self, table: _Table) -> None:
        seen: dict[str, _Row] = {}
        for row in table.rows:
            vid = self.ident(table, row)
            self.unique(table, row, vid, seen)
            self.venues[vid] = Venue(
                id=vid,
                name=self.text(table, row, "name", required=True),
                city=row["city"],
                timezone=self.zone(table, row, "timezone", self.event_timezone),
            )
        if not self.venues:
            raise table.error(None, None, "lists no venue", expected="at least one venue")

    def read_slots(self, table: _Table) -> None:
        seen: dict[str, _Row] = {}
        slots: list[Slot] = []
        for row in table.rows:
            sid = self.ident(table, row)
            self.unique(table, row, sid, seen)
            venue = self.venue_of(table, row)
            zone = zoneinfo.ZoneInfo(self.venues[venue].timezone)
            day = self.date(table, row, "date")
            start = self.moment(table, row, "start", day, zone)
            end = self.moment(table, row, "end", day, zone)
            if end <= start:
                raise table.error(
                    row,
                    "end",
                    f"slot ends at {row['end']}, not after its start {row['start']}",
                    expected="an end time after the start on the same day",
                )
            slots.append(Slot(sid, start, end, venue, row["session"]))
        slots.sort(key=lambda s: s.start)  # stable: ties keep the file's order
        self.slots = {s.id: s for s in slots}

    def date(self, table: _Table, row: _Row, column: str) -> dt.date:
        value = self.text(table, row, column, required=True)
        try:
            if not _DATE.match(value):
                raise ValueError(value)
            return dt.date.fromisoformat(value)
        except ValueError:
            raise table.error(
                row, column, f"{value!r} is not a date", expected="YYYY-MM-DD, e.g. 2025-12-04"
            ) from None

    def moment(
        self, table: _Table, row: _Row, column: str, day: dt.date, zone: zoneinfo.ZoneInfo
    ) -> dt.datetime:
        value = self.text(table, row, column, required=True)
        match = _CLOCK.match(value)
        hour, minute, second = (int(g or 0) for g in match.groups()) if match else (99, 0, 0)
        if hour > 23 or minute > 59 or second > 59:
            raise table.error(
                row,
                column,
                f"{value!r} is not a time of day",
                expected="HH:MM (24-hour), e.g. 10:20",
            )
        local = dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=zone)
        if local.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != local.replace(
            tzinfo=None
        ):
            raise table.error(
                row,
                column,
                f"{day} {value} does not exist in {zone.key} (clocks change)",
                expected="a local time that exists on that date",
            )
        return local

    def read_tables(self, table: _Table) -> list[Table]:
        seen: dict[str, _Row] = {}
        out: list[Table] = []
        for row in table.rows:
            tid = self.ident(table, row)
            self.unique(table, row, tid, seen)
            out.append(
                Table(
                    tid,
                    self.venue_of(table, row),
                    frozenset(self.slot_ids(table, row, "unavailable")),
                )
            )
        self.tables = {t.id: t for t in out}
        return out

    def read_interpreters(self, table: _Table) -> list[Interpreter]:
        seen: dict[str, _Row] = {}
        out: list[Interpreter] = []
        for row in table.rows:
            iid = self.ident(table, row)
            self.unique(table, row, iid, seen)
            pairs: set[frozenset[str]] = set()
            for part in re.split(r"[;,]", self.text(table, row, "pairs", required=True)):
                if not part.strip():
                    continue
                ends = [p for p in re.split(r"\s*(?:<->|<>|-|/)\s*", part.strip()) if p]
                langs = [self.language(table, row, "pairs", p) for p in ends]
                if len(langs) != 2 or langs[0] == langs[1]:
                    raise table.error(
                        row,
                        "pairs",
                        f"{part.strip()!r} is not a pair of two languages",
                        expected="pairs such as en-ru;en-hi",
                    )
                pairs.add(frozenset(langs))
            venue = self.venue_of(table, row) if row["venue"] else None
            out.append(
                Interpreter(
                    id=iid,
                    name=row["name"] or iid,
                    pairs=frozenset(pairs),
                    venue=venue,
                    available=self.availability(table, row, "available"),
                )
            )
        self.interpreters = {i.id: i for i in out}
        return out

    def read_participants(self, table: _Table) -> None:
        seen: dict[str, _Row] = {}
        no_language = 0
        for row in table.rows:
            pid = self.ident(table, row)
            self.unique(table, row, pid, seen)
            side: Side = self.choice(table, row, "side", SIDES)
            languages = self.languages(table, row)
            if not languages:
                no_language += 1
                languages = ("en",)
            self.participants[pid] = Participant(
                id=pid,
                organisation=self.text(table, row, "organisation", required=True),
                side=side,
                country=self.country(table, row),
                city=row["city"],
                contact=row["contact"],
                email=row["email"],
                delegation=row["delegation"] or None,
                offers=self.hs_codes(table, row, "offers"),
                seeks=self.hs_codes(table, row, "seeks"),
                cooperation_offered=self.cooperation(table, row, "cooperation_offered"),
                cooperation_sought=self.cooperation(table, row, "cooperation_sought"),
                languages=languages,
                certifications=tuple(
                    c.strip() for c in row["certifications"].split(";") if c.strip()
                ),
                description=row["description"],
                timezone=self.zone(table, row, "timezone", self.event_timezone),
                available=self.availability(table, row, "available"),
                max_meetings=self.count(table, row, "max_meetings"),
            )
        if no_language:
            self.notes.append(
                f"{table.path.name}: {no_language} participant{'s' if no_language > 1 else ''} "
                "list no language; English (en) assumed."
            )

    def read_travel(self, table: _Table | None) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        if table is None:
            return out
        for row in table.rows:
            a = self.reference(table, row, "from", self.venues, "venue")
            b = self.reference(table, row, "to", self.venues, "venue")
            if a == b:
                raise table.error(
                    row, "to", f"travel from {a!r} to itself", expected="two different venues"
                )
            if (a, b) in out:
                raise table.error(
                    row, "to", f"travel {a} -> {b} given twice", expected="one row per direction"
                )
            out[(a, b)] = self.count(table, row, "minutes", required=True) or 0
        return out

    def read_preferences(self, table: _Table | None) -> list[Preference]:
        out: list[Preference] = []
        seen: set[tuple[str, str]] = set()
        if table is None:
            return out
        for row in table.rows:
            source = self.reference(table, row, "source", self.participants, "participant")
            target = self.reference(table, row, "target", self.participants, "participant")
            if source == target:
                raise table.error(
                    row,
                    "target",
                    f"{source!r} states a preference about itself",
                    expected="another participant",
                )
            if (source, target) in seen:
                raise table.error(
                    row,
                    "target",
                    f"a second preference of {source!r} about {target!r}",
                    expected="one preference per source and target",
                )
            seen.add((source, target))
            level: PreferenceLevel = self.choice(table, row, "level", LEVELS)
            out.append(Preference(source, target, level))
        return out

    def read_meetings(self, table: _Table | None) -> list[Meeting]:
        out: list[Meeting] = []
        busy: dict[tuple[str, str], _Row] = {}  # (slot, who) -> row
        if table is None:
            return out
        for row in table.rows:
            a = self.reference(table, row, "a", self.participants, "participant")
            b = self.reference(table, row, "b", self.participants, "participant")
            if a == b:
                raise table.error(row, "b", f"{a!r} meets itself", expected="two participants")
            slot = self.reference(table, row, "slot", self.slots, "slot")
            table_id = self.reference(table, row, "table", self.tables, "table")
            if self.tables[table_id].venue != self.slots[slot].venue:
                raise table.error(
                    row,
                    "table",
                    f"table {table_id!r} is in venue {self.tables[table_id].venue!r}, "
                    f"slot {slot!r} in {self.slots[slot].venue!r}",
                    expected="a table in the slot's venue",
                )
            interpreter = None
            if row["interpreter"]:
                interpreter = self.reference(
                    table, row, "interpreter", self.interpreters, "interpreter"
                )
            for column, who in (("table", f"table {table_id}"), ("a", a), ("b", b)) + (
                (("interpreter", f"interpreter {interpreter}"),) if interpreter else ()
            ):
                if (slot, who) in busy:
                    first = busy[(slot, who)]
                    at = f"line {first.line}" if first.line is not None else f"record {first.index}"
                    raise table.error(
                        row,
                        column,
                        f"{who} is already in a meeting in slot {slot!r} ({at})",
                        expected="one meeting per participant, table and interpreter per slot",
                    )
                busy[(slot, who)] = row
            score = 0.0
            if row["score"]:
                try:
                    score = float(row["score"])
                except ValueError:
                    score = math.nan
                if not math.isfinite(score):
                    raise table.error(
                        row, "score", f"{row['score']!r} is not a number", expected="a number"
                    )
            out.append(
                Meeting(
                    a=min(a, b),
                    b=max(a, b),
                    slot=slot,
                    table=table_id,
                    interpreter=interpreter,
                    score=score,
                    locked=self.flag(table, row, "locked"),
                    published=self.flag(table, row, "published"),
                )
            )
        return out

    def unknown_files(self) -> None:
        """Note table-like files the loader ignores (a misspelt name would otherwise vanish)."""
        for path in sorted(self.folder.iterdir()):
            if not path.is_file() or path.name.startswith(("~$", ".")):
                continue
            if path.suffix.lower() in FORMATS and path.stem.lower() not in TABLES:
                hint = _did_you_mean(path.stem.lower(), TABLES)
                self.notes.append(
                    f"{path.name} is not an event file and was ignored."
                    + (f" {hint}" if hint else "")
                )


_EXPECTED = {
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


def _yaml_key_lines(text: str) -> dict[str, int]:
    """Top-level key -> 1-based line in a YAML mapping (for error messages)."""
    node = yaml.compose(text)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        str(key.value): key.start_mark.line + 1
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    }


def load_event(
    folder: Path, ref: Reference, *, meetings: Path | None = None
) -> tuple[Event, list[str]]:
    """Read and check an event folder; returns the event and notes (codes cut to HS6, ...).

    ``meetings`` reads the schedule from that file (same columns as the folder's
    ``meetings`` table) instead of the folder's own. Raises :class:`SourceFileError` at the
    first problem, naming file, line and field.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SourceFileError(
            str(folder),
            "no such folder" if not folder.exists() else "is not a folder",
            expected="an event folder with event.yaml, participants, venues, slots, tables, "
            "interpreters",
        )
    reader = _Reader(folder, ref)
    name, zone, synthetic = reader.event_yaml()

    def required(table_name: str) -> _Table:
        table = reader.table(table_name)
        assert table is not None  # required files raise when missing
        return table

    reader.read_venues(required("venues"))
    reader.read_slots(required("slots"))
    tables = reader.read_tables(required("tables"))
    interpreters = reader.read_interpreters(required("interpreters"))
    reader.read_participants(required("participants"))
    travel = reader.read_travel(reader.table("travel"))
    preferences = reader.read_preferences(reader.table("preferences"))
    schedule: _Table | None
    if meetings is not None:
        if not Path(meetings).is_file():
            raise SourceFileError(str(meetings), "no such file", hint="Check the path.")
        schedule = _read_table(Path(meetings), TABLES["meetings"])
    else:
        schedule = reader.table("meetings")
    found = reader.read_meetings(schedule)
    reader.unknown_files()
    event = Event(
        name=name,
        timezone=zone,
        participants=reader.participants,
        venues=reader.venues,
        slots=tuple(reader.slots.values()),
        tables=tuple(tables),
        interpreters=tuple(interpreters),
        preferences=tuple(preferences),
        travel_minutes=travel,
        meetings=tuple(found),
        synthetic=synthetic,
    )
    return event, reader.notes


# ---------------------------------------------------------------------------------- writing

_Cell = str | int | float | None


def _write_csv(path: Path, spec: TableSpec, rows: Iterable[Sequence[_Cell]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(spec.columns)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])


def _join(values: Iterable[str]) -> str:
    return ";".join(values)


def _meeting_rows(meetings: Iterable[Meeting]) -> Iterator[list[_Cell]]:
    for m in meetings:
        a, b = sorted((m.a, m.b))
        yield [
            a,
            b,
            m.slot,
            m.table,
            m.interpreter,
            repr(m.score) if m.score else None,
            "true" if m.locked else "false",
            "true" if m.published else "false",
        ]


def write_meetings(meetings: Iterable[Meeting], path: Path) -> None:
    """Write meetings as CSV with the columns :func:`load_event` reads (a < b in each row)."""
    _write_csv(Path(path), TABLES["meetings"], _meeting_rows(meetings))


def write_event(event: Event, folder: Path, *, description: str = "") -> None:
    """Write ``event`` as an event folder of CSV files (every table, header-only when empty).

    Refuses to write next to XLSX/JSON tables of the same name, which would make the folder
    ambiguous.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        for suffix in FORMATS:
            other = folder / f"{name}{suffix}"
            if suffix != ".csv" and other.exists():
                raise InputError(
                    f"{other} exists: writing {name}.csv next to it would define {name} twice.",
                    hint="Write to an empty folder or remove the old file.",
                )
    if (folder / "event.yml").exists():
        raise InputError(
            f"{folder / 'event.yml'} exists next to the event.yaml to be written.",
            hint="Write to an empty folder or remove the old file.",
        )
    meta: dict[str, object] = {"name": event.name, "timezone": event.timezone}
    if event.synthetic:
        meta["synthetic"] = True
    if description:
        meta["description"] = description
    (folder / EVENT_FILE).write_text(
        yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
    )
    order = {s.id: i for i, s in enumerate(event.slots)}

    def slot_list(ids: frozenset[str] | None, *, empty: str = NO_SLOT) -> str:
        if ids is None:
            return ""
        if not ids:
            return empty
        return _join(sorted(ids, key=lambda s: (order.get(s, len(order)), s)))

    _write_csv(
        folder / "venues.csv",
        TABLES["venues"],
        ([v.id, v.name, v.city, v.timezone] for v in event.venues.values()),
    )

    def slot_row(s: Slot) -> list[_Cell]:
        venue = event.venues.get(s.venue)
        zone = zoneinfo.ZoneInfo(venue.timezone if venue else event.timezone)
        start, end = s.start.astimezone(zone), s.end.astimezone(zone)
        fmt = "%H:%M" if start.second == 0 and end.second == 0 else "%H:%M:%S"
        return [
            s.id,
            start.date().isoformat(),
            start.strftime(fmt),
            end.strftime(fmt),
            s.venue,
            s.session,
        ]

    _write_csv(folder / "slots.csv", TABLES["slots"], (slot_row(s) for s in event.slots))
    _write_csv(
        folder / "tables.csv",
        TABLES["tables"],
        ([t.id, t.venue, slot_list(t.unavailable, empty="")] for t in event.tables),
    )
    _write_csv(
        folder / "interpreters.csv",
        TABLES["interpreters"],
        (
            [
                i.id,
                i.name,
                _join(sorted("-".join(sorted(p)) for p in i.pairs if len(p) == 2)),
                i.venue,
                slot_list(i.available),
            ]
            for i in event.interpreters
        ),
    )
    _write_csv(
        folder / "participants.csv",
        TABLES["participants"],
        (
            [
                p.id,
                p.organisation,
                p.side,
                p.country,
                p.city,
                p.contact,
                p.email,
                p.delegation,
                _join(p.offers),
                _join(p.seeks),
                _join(p.cooperation_offered),
                _join(p.cooperation_sought),
                _join(p.languages),
                _join(p.certifications),
                p.description,
                p.timezone,
                slot_list(p.available),
                p.max_meetings,
            ]
            for p in event.participants.values()
        ),
    )
    _write_csv(
        folder / "travel.csv",
        TABLES["travel"],
        ([a, b, minutes] for (a, b), minutes in event.travel_minutes.items()),
    )
    _write_csv(
        folder / "preferences.csv",
        TABLES["preferences"],
        ([p.source, p.target, p.level] for p in event.preferences),
    )
    write_meetings(event.meetings, folder / "meetings.csv")

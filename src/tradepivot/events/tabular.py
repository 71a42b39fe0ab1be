"""Tables as organisers keep them: CSV, XLSX or JSON, read into text cells that know their line.

One reader for every table of an event (and for any other table-shaped input): it finds the
header, maps the organiser's column names onto ours (case, spaces, hyphens, aliases and an
explicit :class:`ColumnMap`), refuses unknown columns unless told to ignore them, and keeps each
record's place — the physical CSV line, the XLSX sheet row, the JSON record index — so that
every later check can say exactly where a problem is.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import importlib
import io
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradepivot.errors import SourceFileError
from tradepivot.inputs import load_json, read_bytes, read_text, read_yaml

__all__ = [
    "FORMATS",
    "ColumnMap",
    "Row",
    "TableFile",
    "TableSpec",
    "cell_text",
    "column_key",
    "did_you_mean",
    "find_table_file",
    "header_names",
    "read_column_map",
    "read_table",
    "suggest_column",
]

FORMATS = (".csv", ".xlsx", ".json")
_ALIASES = {"organization": "organisation"}


@dataclass(frozen=True)
class TableSpec:
    """One kind of table: its columns (in written order), the required ones, whether the file
    itself is required, and what each column holds (for templates and error messages)."""

    name: str
    columns: tuple[str, ...]
    required: frozenset[str]
    required_file: bool = True
    help: Mapping[str, str] = field(default_factory=dict)

    @property
    def required_columns(self) -> str:
        return ", ".join(c for c in self.columns if c in self.required)


@dataclass(frozen=True)
class ColumnMap:
    """The organiser's column names -> ours, per table (``--map FILE``); a column mapped to
    ``None`` is ignored. Keys are compared case-insensitively, spaces and hyphens as ``_``."""

    tables: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    source: str = ""  # the map file, for messages

    def lookup(self, table: str, name: str) -> tuple[bool, str | None]:
        """(whether the map names this column, our column or None to ignore it)."""
        wanted = column_key(name, aliases=False)
        for theirs, ours in self.tables.get(table, {}).items():
            if column_key(theirs, aliases=False) == wanted:
                return True, ours
        return False, None


@dataclass(frozen=True)
class Row:
    """One record: its physical line (CSV), sheet row (XLSX) or None (JSON), its 0-based index
    among the records, and its cells as stripped text keyed by column."""

    line: int | None
    index: int
    cells: Mapping[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class TableFile:
    """A table read into rows of text, able to say where a problem is."""

    spec: TableSpec
    path: Path
    sheet: str | None  # XLSX only
    header_line: int | None
    rows: tuple[Row, ...]
    columns: frozenset[str] = frozenset()  # our columns present in the header (JSON: keys seen)

    @property
    def is_json(self) -> bool:
        return self.path.suffix.lower() == ".json"

    def field_name(self, row: Row | None, column: str | None) -> str | None:
        if self.is_json and row is not None:
            return f"{self.spec.name}[{row.index}]" + (f".{column}" if column else "")
        return column

    def error(
        self,
        row: Row | None,
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
            field=self.field_name(row, column),
            expected=expected,
            hint=hint,
        )

    def where(self, row: Row, column: str | None = None) -> str:
        """Short location for notes and messages: ``participants.csv line 7, offers``."""
        if self.is_json:
            return f"{self.path.name} {self.field_name(row, column)}"
        unit = "row" if self.sheet is not None else "line"
        return f"{self.path.name} {unit} {row.line}" + (f", {column}" if column else "")


def did_you_mean(value: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(value, list(candidates), n=3, cutoff=0.6)
    if not close:
        return None
    return "Did you mean " + " or ".join(repr(c) for c in close) + "?"


def column_key(name: str, *, aliases: bool = True) -> str:
    """``"Max meetings"`` -> ``"max_meetings"``; ``organization`` -> ``organisation``."""
    key = re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())
    return _ALIASES.get(key, key) if aliases else key


# What registration exports (b2match, Grip, a hand-made sheet) tend to call our columns:
# only ever a suggestion on a mapping screen, which the organiser confirms.
_SYNONYMS = {
    "organisation": ("company", "company_name", "organisation_name", "organization_name", "firm"),
    "contact": ("contact_person", "contact_name", "full_name", "name", "representative"),
    "email": ("e_mail", "email_address", "mail", "e_mail_address"),
    "offers": ("products", "products_offered", "hs_codes", "offer", "we_offer"),
    "seeks": ("looking_for", "products_sought", "seeking", "we_seek", "interests"),
    "description": ("about", "profile", "company_profile", "company_description"),
    "languages": ("language", "spoken_languages"),
    "country": ("country_code",),
    "timezone": ("time_zone", "tz"),
    "delegation": ("group",),
}


def suggest_column(name: str, spec: TableSpec) -> str | None:
    """Our column a header most likely means: itself once normalised (``Max meetings``,
    ``Organization``), a usual name for it in registration exports (``Company``), else the
    one closest in spelling; None when nothing is close."""
    key = column_key(name)
    if key in spec.columns:
        return key
    for ours, names in _SYNONYMS.items():
        if key in names and ours in spec.columns:
            return ours
    close = difflib.get_close_matches(key, spec.columns, n=1, cutoff=0.75)
    return close[0] if close else None


def header_names(path: Path) -> list[str]:
    """A table file's column names as written: the header row of a CSV or XLSX file, the
    keys of a JSON list's objects in the order first seen (for a column-mapping step)."""
    if path.suffix.lower() == ".json":
        data = load_json(_text(path), str(path))
        names: dict[str, None] = {}
        for item in data if isinstance(data, list) else []:
            if isinstance(item, dict):
                names.update(dict.fromkeys(str(k) for k in item))
        return list(names)
    if path.suffix.lower() == ".xlsx":
        _, records = _xlsx_records(path)
    else:
        records = [(line, list[object](cells)) for line, cells in _csv_records(path)]
    if not records:
        return []
    found = [cell_text(n) for n in records[0][1]]
    while found and not found[-1]:
        found.pop()
    return found


def cell_text(value: object) -> str:
    """A CSV/XLSX/JSON cell as text: numbers without a spurious ``.0``, dates as ISO, times as
    ``HH:MM``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return repr(value)  # later checks reject it as "not a number"
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    return str(value).strip()


def find_table_file(folder: Path, name: str) -> Path | None:
    """The one ``name.csv|xlsx|json`` in ``folder`` (None when there is none)."""
    found = [
        p
        for p in sorted(folder.iterdir())
        if p.stem.lower() == name and p.suffix.lower() in FORMATS and not p.name.startswith(".")
    ]
    if len(found) > 1:
        raise SourceFileError(
            str(folder),
            f"{' and '.join(p.name for p in found)} both define {name}",
            expected=f"exactly one {name} file (.csv, .xlsx or .json)",
            hint="Remove or rename the ones that are not current.",
        )
    if found and not found[0].is_file():
        raise SourceFileError(str(found[0]), "is not a regular file", expected=f"a {name} table")
    return found[0] if found else None


def _text(path: Path) -> str:
    return read_text(path, "table")


def _csv_records(path: Path) -> list[tuple[int, list[str]]]:
    """The text's records with the physical line each starts on, blank lines skipped."""
    text = _text(path)
    first = next((line for line in text.splitlines() if line.strip()), "")
    # The header names the delimiter: Excel writes ';' in locales with a decimal comma.
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
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
    read_bytes(path, "table")  # the size limit, and a clear message when unreadable
    openpyxl: Any = importlib.import_module("openpyxl")  # imported on demand: slow to import
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # style and extension warnings say nothing about data
            book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise SourceFileError(str(path), f"cannot be read as XLSX: {exc}") from None
    try:
        if not book.worksheets:
            raise SourceFileError(str(path), "has no sheet", expected="a workbook with one sheet")
        sheet = book.worksheets[0]
        rows = [
            (number, list(values))
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1)
            if any(cell_text(v) for v in values)
        ]
        return str(sheet.title), rows
    except SourceFileError:
        raise
    except Exception as exc:  # a damaged sheet inside a readable archive
        raise SourceFileError(str(path), f"cannot be read as XLSX: {exc}") from None
    finally:
        book.close()


_IGNORE_HINT = "Rename them, map them to fields (--map FILE) or skip them (--ignore-extra)."


def _header_keys(
    table: TableFile,
    names: Sequence[str],
    column_map: ColumnMap | None,
    ignore_extra: bool,
) -> list[str | None]:
    """Our column for each header cell (None: ignored or blank); every unknown name at once."""
    spec = table.spec
    keys: list[str | None] = []
    unknown: list[str] = []
    for name in names:
        if not name:
            keys.append(None)
            continue
        mapped, ours = column_map.lookup(spec.name, name) if column_map else (False, None)
        key = (column_key(ours) if ours else None) if mapped else column_key(name)
        if mapped and ours and key not in spec.columns:
            raise SourceFileError(
                column_map.source if column_map else "",
                f"maps {name!r} to {ours!r}, which {spec.name} does not have",
                field=f"{spec.name}.{name}",
                expected=f"one of {', '.join(spec.columns)}",
                hint=did_you_mean(column_key(ours), spec.columns),
            )
        if key is not None and key not in spec.columns:
            if not ignore_extra:
                unknown.append(name)
            key = None
        if key is not None and key in keys:
            raise table.error(
                None, name, f"column {name!r} appears twice (as {key})", expected="one each"
            )
        keys.append(key)
    if unknown:
        hints = [f"{n!r}: {h}" for n in unknown if (h := did_you_mean(column_key(n), spec.columns))]
        listed = ", ".join(repr(n) for n in unknown)
        raise table.error(
            None,
            unknown[0],
            f"unknown column{'s' if len(unknown) > 1 else ''} {listed}",
            expected=f"columns among {', '.join(spec.columns)}",
            hint=" ".join([*hints, _IGNORE_HINT]),
        )
    return keys


def read_table(
    path: Path,
    spec: TableSpec,
    *,
    column_map: ColumnMap | None = None,
    ignore_extra: bool = False,
) -> TableFile:
    """Read one table file into text rows, checking its columns.

    Raises :class:`SourceFileError` for an unreadable or oversized file, an empty one, unknown
    columns (all of them named; ``ignore_extra`` skips them instead), missing required
    columns, and a CSV record with fewer or more cells than the header (a cut or misquoted
    line would otherwise read as empty values).
    """
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _read_json(path, spec, column_map, ignore_extra)
    sheet: str | None = None
    records: list[tuple[int, list[object]]]
    if suffix == ".xlsx":
        sheet, records = _xlsx_records(path)
    else:
        records = [(line, list[object](cells)) for line, cells in _csv_records(path)]
    if not records:
        empty = TableFile(spec, path, sheet, None, ())
        raise empty.error(None, None, "is empty", expected=f"a header line with {_cols(spec)}")
    header_line, raw_names = records[0]
    table = TableFile(spec, path, sheet, header_line, ())
    names = [cell_text(n) for n in raw_names]
    while names and not names[-1]:  # trailing empty header cells (XLSX formatting, ",,")
        names.pop()
    keys = _header_keys(table, names, column_map, ignore_extra)
    present = frozenset(k for k in keys if k)
    missing = sorted(spec.required - present)
    if missing:
        raise table.error(
            None,
            missing[0],
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            expected=f"a header with {_cols(spec)}",
        )
    rows_out: list[Row] = []
    for index, (line, raw) in enumerate(records[1:]):
        values = [cell_text(v) for v in raw]
        if sheet is None and len(values) < len(names):
            raise table.error(
                Row(line, index, {}),
                keys[len(values)] or names[len(values)],
                f"the line has {len(values)} of the {len(names)} fields of the header",
                expected=f"{len(names)} fields as in the header (empty ones too)",
                hint="Was the line cut short? Quote values that contain line breaks.",
            )
        cells: dict[str, str] = {}
        for position, value in enumerate(values):
            key = keys[position] if position < len(keys) else None
            if key is not None:
                cells[key] = value
            elif value and position >= len(names):
                raise table.error(
                    Row(line, index, cells),
                    None,
                    f"value {value!r} in column {position + 1}, beyond the last column",
                    expected=f"{len(names)} fields as in the header",
                    hint="Quote values that contain the delimiter.",
                )
            elif value and position < len(names) and not names[position]:
                raise table.error(
                    Row(line, index, cells),
                    None,
                    f"value {value!r} in column {position + 1}, which has no header",
                    expected="a name for every column with values",
                )
        rows_out.append(Row(line, index, cells))
    return TableFile(spec, path, sheet, header_line, tuple(rows_out), present)


def _read_json(
    path: Path, spec: TableSpec, column_map: ColumnMap | None, ignore_extra: bool
) -> TableFile:
    table = TableFile(spec, path, None, None, ())
    data = load_json(_text(path), str(path))
    if not isinstance(data, list):
        raise table.error(None, None, "is not a list", expected="a JSON list of objects")
    rows: list[Row] = []
    seen: set[str] = set()
    for index, item in enumerate(data):
        row = Row(None, index, {})
        if not isinstance(item, dict):
            raise table.error(row, None, "is not an object", expected="a JSON object per record")
        names = [str(name) for name in item]
        try:
            keys = _header_keys(table, names, column_map, ignore_extra)
        except SourceFileError as exc:
            if exc.path != str(path):
                raise
            listed = exc.problem.replace("column", "key")
            raise table.error(
                row, exc.field, listed, expected=f"keys among {', '.join(spec.columns)}",
                hint=exc.hint,
            ) from None  # fmt: skip
        cells: dict[str, str] = {}
        for key, value in zip(keys, item.values(), strict=True):
            if key is None:
                continue
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
        seen.update(cells)
        rows.append(Row(None, index, cells))
    return TableFile(spec, path, None, None, tuple(rows), frozenset(seen))


def _json_scalar(table: TableFile, row: Row, key: str, value: object) -> str:
    if isinstance(value, dict | list):
        raise table.error(
            row, key, "is a nested object or list", expected="text, a number or true/false"
        )
    return cell_text(value)


def _cols(spec: TableSpec) -> str:
    return spec.required_columns


def read_column_map(path: Path, specs: Mapping[str, TableSpec]) -> ColumnMap:
    """A ``--map`` file: per table, the organiser's column name -> our column (or null to
    ignore it). YAML::

        participants:
          Company name: organisation
          Registration no: id
          Notes: null
    """
    doc = read_yaml(path, "column map")
    data = doc.data
    expected = "table names (participants, slots, ...) each mapping 'their column: our column'"
    if not isinstance(data, dict):
        raise SourceFileError(str(path), "is not a mapping", expected=expected)
    tables: dict[str, dict[str, str | None]] = {}
    for table, columns in data.items():
        name = str(table)
        if name not in specs:
            raise SourceFileError(
                str(path),
                f"{name!r} is not a table of an event",
                line=doc.line((name,)),
                field=name,
                expected=", ".join(specs),
                hint=did_you_mean(name, specs),
            )
        if not isinstance(columns, dict):
            raise SourceFileError(
                str(path), f"{name} is not a mapping", line=doc.line((name,)), expected=expected
            )
        spec, mapping = specs[name], {}
        for theirs, ours in columns.items():
            line = doc.line((name, str(theirs)))
            if ours is not None and (
                not isinstance(ours, str) or column_key(ours) not in spec.columns
            ):
                raise SourceFileError(
                    str(path),
                    f"maps {theirs!r} to {ours!r}, which {name} does not have",
                    line=line,
                    field=f"{name}.{theirs}",
                    expected=f"one of {', '.join(spec.columns)}, or null to ignore the column",
                    hint=did_you_mean(column_key(str(ours)), spec.columns),
                )
            mapping[str(theirs)] = column_key(ours) if ours is not None else None
        tables[name] = mapping
    return ColumnMap(tables, str(path))

"""Registrations into an event store: create an event, import its tables, a template.

The event portal (and any interface) hands over files as bytes: one or more tables
(``participants.xlsx``, ``preferences.csv``, ...), ``event.yaml``, or a ``.zip`` of a whole
event folder. They are checked exactly as ``tradepivot match`` checks a folder: the event
is written out as a folder, the uploaded tables replace their namesakes, and the folder is
read back by :func:`~tradepivot.events.load_event` (the same row schemas, the same located
messages: file, line, field). Only a folder that reads back whole is saved to the store.
A schedule is never imported this way: schedules are made and published in the store.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tradepivot.data.reference import Reference
from tradepivot.errors import InputError, SourceFileError
from tradepivot.events import FolderStore, write_event
from tradepivot.events.schemas import TABLES, is_identifier
from tradepivot.events.store import EventStore
from tradepivot.events.tabular import (
    FORMATS,
    ColumnMap,
    TableSpec,
    column_key,
    header_names,
    suggest_column,
)
from tradepivot.events.template import write_templates
from tradepivot.events.writer import EVENT_FILE, csv_bytes
from tradepivot.matchmaking.model import Event, Participant

__all__ = [
    "EventFacets",
    "EventSetup",
    "EventSummary",
    "ImportResult",
    "ParticipantFilter",
    "TableColumns",
    "column_map_yaml",
    "create_event",
    "event_facets",
    "event_summary",
    "find_participants",
    "import_registrations",
    "table_template",
    "upload_columns",
]

#: A zip may expand to at most this much (a zip bomb is refused, not unpacked).
MAX_UNPACKED = 50_000_000
MAX_FILES = 40
SKIPPED = ("meetings",)  # schedules are made in the store, never uploaded


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the event as saved, the tables replaced, notes on the way."""

    event: Event
    tables: tuple[str, ...]
    notes: tuple[str, ...]


def _unzip(name: str, data: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise InputError(
            f"{name} is not a readable zip file.", hint="Zip the folder again."
        ) from exc
    entries = [i for i in archive.infolist() if not i.is_dir()]
    if len(entries) > MAX_FILES or sum(i.file_size for i in entries) > MAX_UNPACKED:
        raise InputError(
            f"{name} holds too much ({len(entries)} files, "
            f"{sum(i.file_size for i in entries):,} bytes unpacked).",
            hint=f"An event folder has at most {MAX_FILES} files and "
            f"{MAX_UNPACKED // 1_000_000} MB of tables.",
        )
    out: dict[str, bytes] = {}
    for info in entries:
        base = PurePosixPath(info.filename.replace("\\", "/")).name
        if base.startswith(".") or info.filename.startswith("__MACOSX"):
            continue
        out[base] = archive.read(info)
    return out


def _table_name(file_name: str) -> str | None:
    """``participants`` for ``participants.xlsx``; ``event.yaml`` for itself; None else."""
    path = PurePosixPath(file_name)
    if path.name in (EVENT_FILE, "event.yml"):
        return EVENT_FILE
    if path.suffix.lower() in FORMATS and path.stem.lower() in TABLES:
        return path.stem.lower()
    return None


def _uploads(files: Mapping[str, bytes]) -> tuple[dict[str, tuple[str, bytes]], list[str]]:
    """Table name -> (file name, bytes), zips expanded; unknown names refused (other files
    in a zip, a README say, are skipped with a note)."""
    flat: dict[str, tuple[bytes, bool]] = {}
    for name, data in files.items():
        base = PurePosixPath(name.replace("\\", "/")).name
        if base.lower().endswith(".zip"):
            flat.update({k: (v, True) for k, v in _unzip(base, data).items()})
        else:
            flat[base] = (data, False)
    out: dict[str, tuple[str, bytes]] = {}
    unknown: list[str] = []
    skipped: list[str] = []
    for base, (data, zipped) in flat.items():
        table = _table_name(base)
        if table is None:
            (skipped if zipped else unknown).append(base)
        elif table in out:
            raise InputError(
                f"Two files for the {table} table: {out[table][0]} and {base}.",
                hint="Upload one file per table.",
            )
        else:
            out[table] = (base, data)
    if unknown:
        raise InputError(
            f"Not an event table: {', '.join(sorted(unknown))}.",
            hint="Name files after their table: "
            + ", ".join(f"{t}.csv" for t in TABLES)
            + f" (or .xlsx, .json), and {EVENT_FILE}.",
        )
    if not out:
        raise InputError("No event table was uploaded.", hint="Choose one or more event tables.")
    notes = [f"Skipped {', '.join(sorted(skipped))}: not an event table."] if skipped else []
    return out, notes


def _as_uploaded(
    exc: SourceFileError, folder: Path, uploads: Mapping[str, tuple[str, bytes]]
) -> SourceFileError:
    """The error naming the file as the organiser uploaded it (never a temporary path);
    a table not uploaded is the event's own, kept from before."""
    path = Path(exc.path)
    name = path.name
    if path.parent == folder:
        table = _table_name(name)
        uploaded = uploads.get(table) if table else None
        name = uploaded[0] if uploaded else f"{name} (the event's current table)"
    return SourceFileError(
        name,
        exc.problem,
        line=exc.line,
        field=exc.field,
        expected=exc.expected,
        hint=exc.hint,
    )


def import_registrations(
    store: EventStore,
    event_id: str,
    files: Mapping[str, bytes],
    *,
    reference: Reference | None = None,
    column_map: ColumnMap | None = None,
) -> ImportResult:
    """Replace the tables of ``event_id`` that ``files`` hold (creating the event when the
    store has none and ``files`` are a whole folder), checked as ``match`` checks a folder.

    ``column_map`` renames (or ignores) the uploaded tables' columns exactly as the CLI's
    ``--map FILE`` does; it applies to uploaded tables only (the event's current tables,
    written by tradepivot, already carry our headers)."""
    if not is_identifier(event_id):
        raise InputError(f"{event_id!r} is not an event id.", hint="Letters, digits, _ . -")
    uploads, notes = _uploads(files)
    for name in SKIPPED:
        if uploads.pop(name, None) is not None:
            notes.append(
                f"{name} was not imported: schedules are made and published in the portal."
            )
    if not uploads:
        raise InputError("Nothing to import besides a schedule.", hint="Upload participants.")
    existing = event_id in store.event_ids()
    with tempfile.TemporaryDirectory(prefix="tradepivot-import-") as tmp:
        folder = Path(tmp) / event_id
        if existing:
            current = store.load(event_id)
            write_event(current.event, folder, description=current.description, meetings=False)
        else:
            folder.mkdir()
        for table, (file_name, data) in uploads.items():
            if table != EVENT_FILE:
                for fmt in FORMATS:
                    (folder / f"{table}{fmt}").unlink(missing_ok=True)
                (folder / f"{table}{PurePosixPath(file_name).suffix.lower()}").write_bytes(data)
            else:
                (folder / EVENT_FILE).write_bytes(data)
        if column_map is not None:
            column_map = ColumnMap(
                {t: m for t, m in column_map.tables.items() if t in uploads}, column_map.source
            )
        try:
            loaded = FolderStore(Path(tmp), reference=reference, column_map=column_map).load(
                event_id
            )
        except SourceFileError as exc:
            raise _as_uploaded(exc, folder, uploads) from None
    store.save(event_id, loaded.event, description=loaded.description)
    return ImportResult(loaded.event, tuple(sorted(uploads)), (*notes, *loaded.notes))


@dataclass(frozen=True)
class TableColumns:
    """One uploaded table's columns for a mapping step: each of theirs with our column it
    most likely means (None: not one of ours), our columns and the required ones."""

    table: str
    file_name: str
    columns: tuple[tuple[str, str | None], ...]
    ours: tuple[str, ...]
    required: frozenset[str]

    @property
    def unknown(self) -> tuple[str, ...]:
        """Their columns that are not ours as written (they need a decision)."""
        return tuple(
            name for name in (c for c, _ in self.columns) if column_key(name) not in self.ours
        )

    @property
    def missing(self) -> tuple[str, ...]:
        """Our required columns that no column of theirs is taken for."""
        taken = {ours for _, ours in self.columns if ours}
        return tuple(c for c in self.ours if c in self.required and c not in taken)

    @property
    def needs_mapping(self) -> bool:
        return bool(self.unknown or self.missing)


def upload_columns(files: Mapping[str, bytes]) -> tuple[TableColumns, ...]:
    """The columns of each uploaded table (zips expanded; event.yaml and schedules left
    out), with the column of ours each most likely means: what a column-mapping screen
    shows before :func:`import_registrations` is given the organiser's ``column_map``."""
    uploads, _ = _uploads(files)
    out: list[TableColumns] = []
    with tempfile.TemporaryDirectory(prefix="tradepivot-columns-") as tmp:
        for table, (file_name, data) in sorted(uploads.items()):
            if table == EVENT_FILE or table in SKIPPED:
                continue
            spec = TABLES[table]
            # a name of our own making: the organiser's file name never becomes a path
            path = Path(tmp) / f"{table}{PurePosixPath(file_name).suffix.lower()}"
            path.write_bytes(data)
            try:
                names = header_names(path)
            except SourceFileError as exc:
                raise SourceFileError(file_name, exc.problem, expected=exc.expected) from None
            columns = _one_each([n for n in names if n], spec)
            out.append(TableColumns(table, file_name, columns, spec.columns, spec.required))
    return tuple(out)


def _one_each(names: Sequence[str], spec: TableSpec) -> tuple[tuple[str, str | None], ...]:
    """Each name with its suggested column, no column suggested twice: a name that is one
    of ours as written keeps it; otherwise the first name suggesting a column takes it."""
    exact = {column_key(n) for n in names if column_key(n) in spec.columns}
    taken: set[str] = set()
    out: list[tuple[str, str | None]] = []
    for name in names:
        ours = suggest_column(name, spec)
        if ours is not None and ((ours in exact and column_key(name) != ours) or ours in taken):
            ours = None
        if ours is not None:
            taken.add(ours)
        out.append((name, ours))
    return tuple(out)


def column_map_yaml(tables: Mapping[str, Mapping[str, str | None]]) -> str:
    """``tables`` (per table, their column -> our column, None to ignore it) as the YAML
    the CLI's ``--map FILE`` reads, so a mapping made on one interface serves the other."""
    import yaml

    doc = {table: dict(columns) for table, columns in tables.items() if columns}
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=False)


@dataclass(frozen=True)
class EventSetup:
    """A new event as an organiser describes it on one form: one venue, a day of equal
    meeting slots, numbered tables, interpreters (name and pairs such as ``en-ru``)."""

    event_id: str
    name: str
    timezone: str
    venue_name: str
    city: str
    day: dt.date
    start: dt.time
    end: dt.time
    minutes: int
    tables: int
    interpreters: Sequence[tuple[str, str]] = ()
    description: str = ""


def _setup_tables(setup: EventSetup) -> dict[str, bytes]:
    if not 5 <= setup.minutes <= 240:
        raise InputError(f"A meeting of {setup.minutes} minutes? Give 5 to 240 minutes.")
    if not 1 <= setup.tables <= 2000:
        raise InputError(f"{setup.tables} tables? Give 1 to 2000.")
    first = dt.datetime.combine(setup.day, setup.start)
    last = dt.datetime.combine(setup.day, setup.end)
    step = dt.timedelta(minutes=setup.minutes)
    slots: list[list[str]] = []
    while first + step <= last:
        slots.append([f"s{len(slots) + 1:02d}", setup.day.isoformat(), first.strftime("%H:%M"),
                      (first + step).strftime("%H:%M"), "hall", ""])  # fmt: skip
        first += step
    if not slots:
        raise InputError(
            f"No {setup.minutes}-minute meeting fits between {setup.start:%H:%M} and "
            f"{setup.end:%H:%M}.",
            hint="End the day later or shorten the meetings.",
        )
    width = max(2, len(str(setup.tables)))
    return {
        "venues": csv_bytes(
            TABLES["venues"], [["hall", setup.venue_name, setup.city, setup.timezone]]
        ),
        "slots": csv_bytes(TABLES["slots"], slots),
        "tables": csv_bytes(
            TABLES["tables"], [[f"T{n:0{width}d}", "hall", ""] for n in range(1, setup.tables + 1)]
        ),
        "interpreters": csv_bytes(
            TABLES["interpreters"],
            [
                [f"I{n:02d}", name, pairs, "", ""]
                for n, (name, pairs) in enumerate(setup.interpreters, 1)
            ],
        ),
        "participants": csv_bytes(TABLES["participants"], []),
    }


def create_event(
    store: EventStore, setup: EventSetup, *, reference: Reference | None = None
) -> ImportResult:
    """Create the event ``setup`` describes (refused when the id is taken)."""
    if not is_identifier(setup.event_id):
        raise InputError(
            f"{setup.event_id!r} cannot be an event id.",
            hint="Letters, digits, _ . - and no spaces, e.g. india-russia-2026.",
        )
    if setup.event_id in store.event_ids():
        raise InputError(
            f"There is already an event {setup.event_id!r}.", hint="Choose another id."
        )
    import yaml

    meta = {"name": setup.name, "timezone": setup.timezone}
    if setup.description:
        meta["description"] = setup.description
    files = {f"{name}.csv": data for name, data in _setup_tables(setup).items()}
    files[EVENT_FILE] = yaml.safe_dump(meta, allow_unicode=True).encode("utf-8")
    return import_registrations(store, setup.event_id, files, reference=reference)


def table_template(name: str, fmt: str) -> bytes:
    """An empty ``name`` table to fill in: CSV with the header, or XLSX whose ``About``
    sheet says what every column holds (the same as ``match template``)."""
    if name not in TABLES:
        raise InputError(f"No event table {name!r}.", hint="Tables: " + ", ".join(TABLES))
    if fmt == "csv":
        return csv_bytes(TABLES[name], [])
    if fmt == "xlsx":
        with tempfile.TemporaryDirectory(prefix="tradepivot-template-") as tmp:
            write_templates(Path(tmp), fmt="xlsx")
            return (Path(tmp) / f"{name}.xlsx").read_bytes()
    raise InputError(f"No template format {fmt!r}.", hint="csv or xlsx")


@dataclass(frozen=True)
class ParticipantFilter:
    """The participants list's filters: free text (id, organisation, city, contact, HS code),
    side, delegation ("-" for none) and country (ISO3)."""

    text: str = ""
    side: str = ""
    delegation: str = ""
    country: str = ""


def find_participants(event: Event, where: ParticipantFilter) -> list[Participant]:
    """The participants ``where`` selects, in id order."""
    words = where.text.lower().split()
    found = []
    for p in sorted(event.participants.values(), key=lambda p: p.id):
        if where.side and p.side != where.side:
            continue
        if where.delegation and (p.delegation or "-") != where.delegation:
            continue
        if where.country and p.country != where.country.upper():
            continue
        if words:
            haystack = " ".join(
                [p.id, p.organisation, p.city, p.contact, p.description, *p.offers, *p.seeks]
            ).lower()
            if not all(w in haystack for w in words):
                continue
        found.append(p)
    return found


@dataclass(frozen=True)
class EventFacets:
    """What the participants of an event can be filtered by, with counts."""

    sides: dict[str, int]
    delegations: dict[str, int]
    countries: dict[str, int]


def event_facets(event: Event) -> EventFacets:
    """Sides, delegations and countries of the participants, each with its count."""
    sides: dict[str, int] = {}
    delegations: dict[str, int] = {}
    countries: dict[str, int] = {}
    for p in event.participants.values():
        sides[p.side] = sides.get(p.side, 0) + 1
        delegations[p.delegation or "-"] = delegations.get(p.delegation or "-", 0) + 1
        countries[p.country] = countries.get(p.country, 0) + 1
    return EventFacets(
        dict(sorted(sides.items())),
        dict(sorted(delegations.items())),
        dict(sorted(countries.items())),
    )


@dataclass(frozen=True)
class EventSummary:
    """An event at a glance: its size, where its schedule stands."""

    id: str
    name: str
    timezone: str
    description: str
    participants: int
    slots: int
    tables: int
    interpreters: int
    venues: tuple[str, ...]
    first_day: dt.date | None
    version: int  # the published schedule's version (0: none yet)
    meetings: int  # in the published schedule
    draft: bool
    synthetic: bool


def event_summary(store: EventStore, event_id: str) -> EventSummary:
    """The summary of ``event_id`` (its registrations and schedule as the store has them)."""
    loaded = store.load(event_id)
    event = loaded.event
    return EventSummary(
        id=event_id,
        name=event.name,
        timezone=event.timezone,
        description=loaded.description,
        participants=len(event.participants),
        slots=len(event.slots),
        tables=len(event.tables),
        interpreters=len(event.interpreters),
        venues=tuple(v.name for v in event.venues.values()),
        first_day=event.slots[0].start.date() if event.slots else None,
        version=loaded.version,
        meetings=len(event.meetings),
        draft=store.draft(event_id) is not None,
        synthetic=event.synthetic,
    )

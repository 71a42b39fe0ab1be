"""The folder store: events as folders of CSV/XLSX/JSON files an organiser keeps by hand.

``ROOT/EVENT_ID/`` is one event (docs/events.md). Besides the organiser's tables it holds:

- ``meetings.csv``: the current published schedule (replaced atomically; the organiser may
  edit it by hand, to lock meetings for instance);
- ``published/v0001.csv``, ``v0002.csv``, ...: every published version, never changed, each
  with a ``.json`` beside it (when, why); the version a ``meetings.csv`` is, is the version
  file with the same bytes;
- ``draft/meetings.csv`` (+ ``draft.json``): the latest schedule computed, not published;
- ``.tradepivot/``: the publish lock and the candidate scores (``scores.parquet``).

Publishing takes the lock (``flock``: it dies with a crashed process), checks that the
version the caller started from is still current, writes the new version file (temp file,
fsync, rename), then ``meetings.csv`` the same way, then the version's ``.json``. A reader
sees the old or the new schedule; a kill at any moment leaves one of them, and a version
file whose publish was interrupted is never counted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import ValidationError

from tradepivot.data.reference import Reference
from tradepivot.errors import InputError, ScheduleConflictError, SourceFileError
from tradepivot.events._files import exclusive_lock
from tradepivot.events.assemble import Record, assemble
from tradepivot.events.schemas import (
    SCHEMAS,
    TABLES,
    EventMetaIn,
    MeetingIn,
    Problem,
    first_problem,
    is_identifier,
    validate_row,
)
from tradepivot.events.store import (
    Draft,
    LoadedEvent,
    ScheduleVersion,
    ScoreSet,
    score_from_json,
    score_json,
)
from tradepivot.events.tabular import (
    FORMATS,
    ColumnMap,
    Row,
    TableFile,
    did_you_mean,
    find_table_file,
    read_table,
)
from tradepivot.events.writer import (
    EVENT_FILE,
    check_unambiguous,
    event_tables,
    event_yaml,
    meetings_csv,
)
from tradepivot.inputs import read_yaml
from tradepivot.matchmaking.model import Event, Meeting
from tradepivot.matchmaking.scoring import Score
from tradepivot.outputs import write_bytes

__all__ = ["FolderStore", "load_event"]

_EVENT_KEYS = ("name", "timezone", "synthetic", "description", "weights")
_VERSION = re.compile(r"^v(\d{4,9})\.csv$")
PUBLISHED, DRAFT, STATE = "published", "draft", ".tradepivot"
LOCK_TIMEOUT = 30.0  # seconds a publisher waits for another


# ---------------------------------------------------------------------------------- places
@dataclass(frozen=True)
class _RowPlace:
    table: TableFile
    row: Row

    def error(
        self,
        field: str | None,
        problem: str,
        *,
        expected: str | None = None,
        hint: str | None = None,
    ) -> SourceFileError:
        return self.table.error(self.row, field, problem, expected=expected, hint=hint)

    def where(self, field: str | None = None) -> str:
        return self.table.where(self.row, field)

    def same_as(self) -> str:
        if self.row.line is None:
            return f"record {self.row.index}"
        return f"{'row' if self.table.sheet is not None else 'line'} {self.row.line}"


@dataclass(frozen=True)
class _TablePlace:
    table: TableFile

    def error(
        self,
        field: str | None,
        problem: str,
        *,
        expected: str | None = None,
        hint: str | None = None,
    ) -> SourceFileError:
        return self.table.error(None, field, problem, expected=expected, hint=hint)

    def where(self, field: str | None = None) -> str:
        return self.table.path.name

    def same_as(self) -> str:
        return self.table.path.name


def _records(table: TableFile | None) -> list[Record]:
    if table is None:
        return []
    return [Record(_RowPlace(table, row), row.cells) for row in table.rows]


# ---------------------------------------------------------------------------------- event.yaml
def _read_meta(folder: Path) -> EventMetaIn:
    candidates = [folder / EVENT_FILE, folder / "event.yml"]
    existing = [p for p in candidates if p.exists()]
    if not existing:
        raise SourceFileError(
            str(candidates[0]),
            "the event folder has no event.yaml",
            expected="event.yaml with name and timezone",
            hint="See docs/events.md for the event folder format.",
        )
    if len(existing) > 1:
        raise SourceFileError(
            str(folder), "event.yaml and event.yml both exist", expected="one of them"
        )
    path = existing[0]
    doc = read_yaml(path, "event file")
    data = doc.data

    def line(key: str) -> int | None:
        return doc.lines.get((key,))

    if not isinstance(data, dict):
        raise SourceFileError(
            str(path), "is not a mapping", expected="keys name, timezone (synthetic, description)"
        )
    for key in data:
        if key not in _EVENT_KEYS:
            raise SourceFileError(
                str(path),
                f"unknown key {key!r}",
                line=line(str(key)),
                field=str(key),
                expected=f"keys among {', '.join(_EVENT_KEYS)}",
                hint=did_you_mean(str(key), _EVENT_KEYS),
            )
    try:
        return EventMetaIn.model_validate({str(k): v for k, v in data.items()})
    except ValidationError as exc:
        problem = first_problem(exc)
        raise SourceFileError(
            str(path),
            problem.problem,
            line=line(problem.field or ""),
            field=problem.field,
            expected=problem.expected,
            hint=problem.hint,
        ) from None


# ---------------------------------------------------------------------------------- the store
class FolderStore:
    """Events as folders under ``root`` (an event id is a folder name, never a path).

    ``column_map`` and ``ignore_extra`` apply when reading tables (registration exports with
    their own headers); ``schedule_file`` reads the schedule from that file instead of the
    event's ``meetings`` table; ``lock_timeout`` is how long a publisher waits for another.
    """

    def __init__(
        self,
        root: Path,
        *,
        reference: Reference | None = None,
        column_map: ColumnMap | None = None,
        ignore_extra: bool = False,
        schedule_file: Path | None = None,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        self.root = Path(root)
        self.reference = reference or Reference()
        self.column_map = column_map
        self.ignore_extra = ignore_extra
        self.schedule_file = schedule_file
        self.lock_timeout = lock_timeout

    @classmethod
    def at(cls, folder: Path, **options: object) -> tuple[FolderStore, str]:
        """The store holding the event folder ``folder``, and the event's id (its name)."""
        path = Path(folder).expanduser().absolute()
        if path.name in ("", ".", ".."):
            path = path.resolve()
        if not path.exists():
            raise SourceFileError(
                str(folder),
                "no such folder",
                expected="an event folder with event.yaml, participants, venues, slots, tables, "
                "interpreters",
            )
        if not path.is_dir():
            raise SourceFileError(str(folder), "is not a folder", expected="an event folder")
        if not is_identifier(path.name):
            raise InputError(
                f"The event folder's name {path.name!r} cannot serve as an event id.",
                hint="Rename the folder with letters, digits, _ or - (e.g. india-russia-forum).",
            )
        return cls(path.parent, **options), path.name  # type: ignore[arg-type]

    # -- paths -------------------------------------------------------------------------------
    def folder(self, event_id: str, *, exists: bool = True) -> Path:
        if not is_identifier(event_id):
            raise InputError(
                f"{event_id!r} is not an event id.",
                hint="Event ids are letters, digits and _ . - (no slashes).",
            )
        path = self.root / event_id
        if exists and not path.is_dir():
            raise SourceFileError(
                str(path),
                "no such folder" if not path.exists() else "is not a folder",
                expected="an event folder with event.yaml, participants, venues, slots, tables, "
                "interpreters",
            )
        return path

    def event_ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(
            p.name
            for p in self.root.iterdir()
            if p.is_dir() and is_identifier(p.name) and (p / EVENT_FILE).is_file()
        )

    # -- reading -----------------------------------------------------------------------------
    def _table(self, folder: Path, name: str) -> TableFile | None:
        spec = TABLES[name]
        path = find_table_file(folder, name)
        if path is None:
            if spec.required_file:
                raise SourceFileError(
                    str(folder / f"{name}.csv"),
                    f"the event folder has no {name} file",
                    expected=f"{name}.csv, {name}.xlsx or {name}.json with {spec.required_columns}",
                    hint="See docs/events.md for the event folder format.",
                )
            return None
        return read_table(path, spec, column_map=self.column_map, ignore_extra=self.ignore_extra)

    def load(self, event_id: str) -> LoadedEvent:
        folder = self.folder(event_id)
        meta = _read_meta(folder)
        files = {name: self._table(folder, name) for name in SCHEMAS}
        if self.schedule_file is not None:
            if not self.schedule_file.is_file():
                raise SourceFileError(
                    str(self.schedule_file), "no such file", hint="Check the path."
                )
            files["meetings"] = read_table(self.schedule_file, TABLES["meetings"])
        places = {name: _TablePlace(table) for name, table in files.items() if table is not None}
        event, notes = assemble(
            meta,
            {name: _records(table) for name, table in files.items()},
            self.reference,
            places=places,
        )
        notes.extend(self._unknown_files(folder))
        version, edited = self._current(folder)
        return LoadedEvent(
            event_id,
            event,
            tuple(notes),
            version=version,
            edited=edited,
            description=meta.description or "",
        )

    @staticmethod
    def _unknown_files(folder: Path) -> list[str]:
        """Notes on table-like files the loader ignores (a misspelt name would vanish)."""
        notes = []
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.name.startswith(("~$", ".")):
                continue
            if path.suffix.lower() in FORMATS and path.stem.lower() not in TABLES:
                hint = did_you_mean(path.stem.lower(), TABLES)
                notes.append(
                    f"{path.name} is not an event file and was ignored."
                    + (f" {hint}" if hint else "")
                )
        return notes

    # -- versions ----------------------------------------------------------------------------
    @staticmethod
    def _versions(folder: Path) -> dict[int, Path]:
        published = folder / PUBLISHED
        if not published.is_dir():
            return {}
        found = {}
        for path in published.iterdir():
            match = _VERSION.match(path.name)
            if match and path.is_file():
                found[int(match.group(1))] = path
        return dict(sorted(found.items()))

    def _current(self, folder: Path) -> tuple[int, bool]:
        """(the published version ``meetings.csv`` is, whether it was edited since)."""
        versions = self._versions(folder)
        current = folder / "meetings.csv"
        data = current.read_bytes() if current.is_file() else None
        for number in reversed(versions):
            if data is not None and versions[number].read_bytes() == data:
                return number, False
        completed = [n for n, path in versions.items() if path.with_suffix(".json").is_file()]
        if completed:
            return completed[-1], True
        return 0, False

    def _meta(self, path: Path) -> dict[str, object]:
        side = path.with_suffix(".json")
        try:
            data = json.loads(side.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _read_meetings(self, path: Path) -> tuple[Meeting, ...]:
        """A schedule file's meetings, each row validated (not against today's event: a
        version may name participants who have since left)."""
        table = read_table(path, TABLES["meetings"])
        out = []
        for row in table.rows:
            meeting = validate_row(MeetingIn, row.cells)
            if isinstance(meeting, Problem):
                raise table.error(
                    row,
                    meeting.field,
                    meeting.problem,
                    expected=meeting.expected,
                    hint=meeting.hint,
                )
            a, b = sorted((meeting.a, meeting.b))
            out.append(
                Meeting(
                    a, b, meeting.slot, meeting.table, meeting.interpreter, meeting.score,
                    meeting.locked, meeting.published,
                )
            )  # fmt: skip
        return tuple(out)

    def _version(self, number: int, path: Path) -> ScheduleVersion:
        meta = self._meta(path)
        stamp = meta.get("published_at")
        try:
            when = dt.datetime.fromisoformat(str(stamp)) if stamp else None
        except ValueError:
            when = None
        if when is None:
            when = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        return ScheduleVersion(number, self._read_meetings(path), when, str(meta.get("note", "")))

    def history(self, event_id: str) -> list[ScheduleVersion]:
        folder = self.folder(event_id)
        current, _ = self._current(folder)
        return [
            self._version(number, path)
            for number, path in self._versions(folder).items()
            if path.with_suffix(".json").is_file() or number == current
        ]

    def published(self, event_id: str, version: int | None = None) -> ScheduleVersion | None:
        folder = self.folder(event_id)
        versions = self._versions(folder)
        if version is None:
            version, _ = self._current(folder)
            if version == 0:
                return self._unversioned(folder)
        if version not in versions:
            if version == 0:
                return self._unversioned(folder)
            known = ", ".join(str(n) for n in versions) or "none"
            raise InputError(
                f"Event {event_id!r} has no published version {version}.",
                hint=f"Versions: {known}.",
            )
        return self._version(version, versions[version])

    def _unversioned(self, folder: Path) -> ScheduleVersion | None:
        """Published meetings of a meetings file written before tradepivot published any."""
        path = find_table_file(folder, "meetings")
        if path is None:
            return None
        meetings = tuple(m for m in self._read_meetings(path) if m.published)
        if not meetings:
            return None
        when = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        return ScheduleVersion(0, meetings, when, f"{path.name} (not published by tradepivot)")

    # -- writing -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self, event_id: str, folder: Path) -> Iterator[None]:
        with exclusive_lock(
            folder / STATE / "lock", f"event {event_id!r}", timeout=self.lock_timeout
        ):
            yield

    def save(self, event_id: str, event: Event, *, description: str = "") -> None:
        folder = self.folder(event_id, exists=False)
        folder.mkdir(parents=True, exist_ok=True)
        tables = event_tables(event)
        check_unambiguous(folder, tables)
        with self._locked(event_id, folder):
            write_bytes(folder / EVENT_FILE, event_yaml(event, description))
            for name, data in tables.items():
                write_bytes(folder / f"{name}.csv", data)

    def publish(
        self, event_id: str, meetings: Sequence[Meeting], *, base_version: int, note: str = ""
    ) -> ScheduleVersion:
        folder = self.folder(event_id)
        others = [p for p in folder.glob("meetings.*") if p.suffix.lower() in (".xlsx", ".json")]
        if others:
            raise InputError(
                f"{others[0]} holds the event's meetings: publishing would leave two "
                "meetings files.",
                hint="Convert it to meetings.csv or publish by hand.",
            )
        with self._locked(event_id, folder):
            current, _ = self._current(folder)
            if current != base_version:
                raise ScheduleConflictError(
                    f"Event {event_id!r} was published as version {current} while this schedule "
                    f"was computed from version {base_version}: publishing it would lose that "
                    "version's changes.",
                    hint="Run the schedule again from the current version, then publish.",
                )
            number = max(self._versions(folder), default=0) + 1
            final = tuple(replace(m, published=True) for m in meetings)
            data = meetings_csv(final)
            version = folder / PUBLISHED / f"v{number:04d}.csv"
            when = dt.datetime.now(dt.UTC).replace(microsecond=0)
            write_bytes(version, data)
            write_bytes(folder / "meetings.csv", data)
            meta = {
                "version": number,
                "published_at": when.isoformat(),
                "note": note,
                "base_version": base_version,
                "meetings": len(final),
            }
            write_bytes(version.with_suffix(".json"), json.dumps(meta, indent=1).encode())
        return ScheduleVersion(number, final, when, note)

    def save_draft(
        self, event_id: str, meetings: Sequence[Meeting], *, base_version: int, note: str = ""
    ) -> Draft:
        folder = self.folder(event_id)
        when = dt.datetime.now(dt.UTC).replace(microsecond=0)
        draft = Draft(tuple(meetings), when, base_version, note)
        meta = {"created_at": when.isoformat(), "base_version": base_version, "note": note}
        with self._locked(event_id, folder):
            write_bytes(folder / DRAFT / "meetings.csv", meetings_csv(draft.meetings))
            write_bytes(folder / DRAFT / "draft.json", json.dumps(meta, indent=1).encode())
        return draft

    def draft(self, event_id: str) -> Draft | None:
        folder = self.folder(event_id)
        path = folder / DRAFT / "meetings.csv"
        if not path.is_file():
            return None
        meta = self._meta(folder / DRAFT / "draft.json")
        try:
            when = dt.datetime.fromisoformat(str(meta["created_at"]))
            base = int(str(meta["base_version"]))
        except (KeyError, ValueError):
            when, base = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC), 0
        return Draft(self._read_meetings(path), when, base, str(meta.get("note", "")))

    # -- scores ------------------------------------------------------------------------------
    def save_scores(self, event_id: str, scores: ScoreSet) -> None:
        folder = self.folder(event_id)
        pairs = sorted(scores.scores)
        table = pa.table(
            {
                "a": pa.array([a for a, _ in pairs], pa.string()),
                "b": pa.array([b for _, b in pairs], pa.string()),
                "score": pa.array([score_json(scores.scores[p]) for p in pairs], pa.string()),
            }
        ).replace_schema_metadata({"tradepivot.key": scores.key})
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd")
        write_bytes(folder / STATE / "scores.parquet", sink.getvalue().to_pybytes())

    def update_scores(
        self,
        event_id: str,
        *,
        base_key: str,
        key: str,
        participants: frozenset[str],
        scores: Mapping[tuple[str, str], Score],
    ) -> bool:
        folder = self.folder(event_id)
        with self._locked(event_id, folder):
            kept = self.load_scores(event_id, base_key)
            if kept is None:
                return False
            merged = {
                pair: s
                for pair, s in kept.scores.items()
                if pair[0] not in participants and pair[1] not in participants
            }
            merged.update(scores)
            self.save_scores(event_id, ScoreSet(key, merged))
        return True

    def load_scores(
        self, event_id: str, key: str, *, participant: str | None = None
    ) -> ScoreSet | None:
        path = self.folder(event_id) / STATE / "scores.parquet"
        try:
            schema = pq.read_schema(path)
            if (schema.metadata or {}).get(b"tradepivot.key", b"").decode() != key:
                return None
            filters = None
            if participant is not None:
                filters = [[("a", "=", participant)], [("b", "=", participant)]]
            table = pq.read_table(path, filters=filters)
        except (OSError, pa.ArrowException, ValueError):
            return None  # missing or damaged: the caller scores again
        found: Mapping[tuple[str, str], object] = {}
        found = {
            (a, b): score_from_json(text)
            for a, b, text in zip(
                table["a"].to_pylist(),
                table["b"].to_pylist(),
                table["score"].to_pylist(),
                strict=True,
            )
        }
        return ScoreSet(key, found)  # type: ignore[arg-type]


def load_event(
    folder: Path, reference: Reference | None = None, *, meetings: Path | None = None
) -> tuple[Event, list[str]]:
    """Read and check an event folder; returns the event and notes (codes cut to HS6, ...).

    ``meetings`` reads the schedule from that file (same columns as the folder's
    ``meetings`` table) instead of the folder's own. Raises
    :class:`~tradepivot.errors.SourceFileError` at the first problem, naming file, line and
    field. A shortcut for ``FolderStore.at(folder).load(...)``.
    """
    store, event_id = FolderStore.at(folder, reference=reference, schedule_file=meetings)
    loaded = store.load(event_id)
    return loaded.event, list(loaded.notes)

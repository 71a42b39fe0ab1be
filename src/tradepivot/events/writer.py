"""An event written back as files: CSV tables and event.yaml, readable by the folder store."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import yaml

from tradepivot.errors import InputError
from tradepivot.events.schemas import NO_SLOT, TABLES
from tradepivot.events.tabular import FORMATS, TableSpec
from tradepivot.matchmaking.model import ComponentWeights, Event, Meeting, Slot
from tradepivot.outputs import write_bytes

__all__ = [
    "EVENT_FILE",
    "check_unambiguous",
    "csv_bytes",
    "event_tables",
    "event_yaml",
    "meetings_csv",
    "write_event",
    "write_meetings",
]

EVENT_FILE = "event.yaml"
_Cell = str | int | float | None


def csv_bytes(spec: TableSpec, rows: Iterable[Sequence[_Cell]]) -> bytes:
    """A table as UTF-8 CSV text with its header (``\\n`` line ends)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spec.columns)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode("utf-8")


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


def meetings_csv(meetings: Iterable[Meeting]) -> bytes:
    """Meetings as the ``meetings`` table (a < b in each row)."""
    return csv_bytes(TABLES["meetings"], _meeting_rows(meetings))


def write_meetings(meetings: Iterable[Meeting], path: Path) -> None:
    """Write meetings as CSV with the columns the folder store reads (atomically)."""
    write_bytes(Path(path), meetings_csv(meetings))


def event_tables(event: Event) -> dict[str, bytes]:
    """Every registration table of ``event`` as CSV bytes (header-only when empty), by name;
    the meetings are not among them."""
    order = {s.id: i for i, s in enumerate(event.slots)}

    def slot_list(ids: frozenset[str] | None, *, empty: str = NO_SLOT) -> str:
        if ids is None:
            return ""
        if not ids:
            return empty
        return _join(sorted(ids, key=lambda s: (order.get(s, len(order)), s)))

    def local(venue_id: str, start: dt.datetime, end: dt.datetime) -> list[_Cell]:
        """date, start, end in the venue's own time (how the tables are written)."""
        venue = event.venues.get(venue_id)
        zone = zoneinfo.ZoneInfo(venue.timezone if venue else event.timezone)
        start, end = start.astimezone(zone), end.astimezone(zone)
        fmt = "%H:%M" if start.second == 0 and end.second == 0 else "%H:%M:%S"
        return [start.date().isoformat(), start.strftime(fmt), end.strftime(fmt)]

    def slot_row(s: Slot) -> list[_Cell]:
        return [s.id, *local(s.venue, s.start, s.end), s.venue, s.session]

    rows: dict[str, Iterable[Sequence[_Cell]]] = {
        "venues": ([v.id, v.name, v.city, v.timezone] for v in event.venues.values()),
        "slots": (slot_row(s) for s in event.slots),
        "tables": ([t.id, t.venue, slot_list(t.unavailable, empty="")] for t in event.tables),
        "interpreters": (
            [
                i.id,
                i.name,
                _join(sorted("-".join(sorted(p)) for p in i.pairs if len(p) == 2)),
                i.venue,
                slot_list(i.available),
            ]
            for i in event.interpreters
        ),
        "participants": (
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
                _join(p.services_offered),
                _join(p.services_sought),
                _join(p.skills_offered),
                _join(p.skills_sought),
            ]
            for p in event.participants.values()
        ),
        "travel": ([a, b, minutes] for (a, b), minutes in event.travel_minutes.items()),
        "preferences": ([p.source, p.target, p.level] for p in event.preferences),
        "scores": (
            [w.source, w.target, repr(w.weight), w.reason, w.mode] for w in event.pair_weights
        ),
        "sessions": (
            [
                g.id,
                g.title,
                *local(g.venue, g.start, g.end),
                g.venue,
                g.capacity,
                g.kind,
                _join(g.hosts),
                _join(g.attendees),
                g.description,
            ]
            for g in event.sessions
        ),
    }
    return {name: csv_bytes(TABLES[name], table) for name, table in rows.items()}


def event_yaml(event: Event, description: str = "") -> bytes:
    meta: dict[str, object] = {"name": event.name, "timezone": event.timezone}
    if event.synthetic:
        meta["synthetic"] = True
    if description:
        meta["description"] = description
    default = ComponentWeights().as_dict()
    changed = {k: v for k, v in event.weights.as_dict().items() if v != default[k]}
    if changed:
        meta["weights"] = changed
    text = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    return text.encode("utf-8")


def check_unambiguous(folder: Path, names: Iterable[str]) -> None:
    """Refuse to write ``name.csv`` beside a ``name.xlsx``/``.json`` (two files, one table)."""
    for name in names:
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


def write_event(
    event: Event, folder: Path, *, description: str = "", meetings: bool = True
) -> None:
    """Write ``event`` as an event folder of CSV files (every table, header-only when empty;
    the meetings too unless ``meetings`` is false) plus ``event.yaml``.

    Refuses to write next to XLSX/JSON tables of the same name, which would make the folder
    ambiguous. Each file is replaced atomically.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = event_tables(event)
    if meetings:
        tables["meetings"] = meetings_csv(event.meetings)
    check_unambiguous(folder, tables)
    write_bytes(folder / EVENT_FILE, event_yaml(event, description))
    for name, data in tables.items():
        write_bytes(folder / f"{name}.csv", data)

"""A schedule's files for people: the event-format CSV, a readable CSV, the organiser's grid
(HTML and XLSX) and the statistics (JSON), written into one output folder."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tradepivot.events.writer import meetings_csv
from tradepivot.matchmaking import agenda as agendas
from tradepivot.matchmaking.model import Event, Meeting
from tradepivot.outputs import write_bytes
from tradepivot.reports import grid as grids

__all__ = ["write_changes", "write_schedule_files"]

CHANGE_COLUMNS = (
    "change",
    "a",
    "b",
    "old_slot",
    "new_slot",
    "old_table",
    "new_table",
    "old_interpreter",
    "new_interpreter",
    "locked",
    "why",
)


def write_schedule_files(
    event: Event, meetings: Sequence[Meeting], statistics: Mapping[str, Any], out: Path
) -> list[Path]:
    """Write ``meetings.csv`` (readable back as an event's meetings), ``meetings-readable.csv``,
    ``grid.html``, ``grid.xlsx`` and ``statistics.json`` into ``out``; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    path = out / "meetings.csv"
    write_bytes(path, meetings_csv(meetings))
    written.append(path)
    readable = out / "meetings-readable.csv"
    grids.meetings_csv(event, meetings, readable)
    written.append(readable)
    grid = agendas.organiser_grid(event, meetings)
    html = out / "grid.html"
    write_bytes(html, grids.grid_html(grid).encode("utf-8"))
    written.append(html)
    xlsx = out / "grid.xlsx"
    grids.grid_xlsx(grid, xlsx)
    written.append(xlsx)
    summary = out / "statistics.json"
    text = json.dumps(statistics, indent=1, default=str) + "\n"
    write_bytes(summary, text.encode("utf-8"))
    written.append(summary)
    return written


def write_changes(rows: Sequence[Mapping[str, Any]], out: Path) -> list[Path]:
    """A reschedule's change report as ``changes.csv`` and ``changes.json`` (one row per
    published or new meeting: kept, reseated, moved, cancelled or added, with why)."""
    out.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CHANGE_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in CHANGE_COLUMNS})
    table = out / "changes.csv"
    write_bytes(table, buffer.getvalue().encode("utf-8"))
    data = out / "changes.json"
    text = json.dumps([dict(r) for r in rows], indent=1, ensure_ascii=False) + "\n"
    write_bytes(data, text.encode("utf-8"))
    return [table, data]

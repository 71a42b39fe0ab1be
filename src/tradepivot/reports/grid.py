"""The organiser's grid and the readable meetings list as files: HTML, XLSX, CSV.

The grid's data is the domain's (:func:`tradepivot.matchmaking.agenda.organiser_grid`); how
it is printed, laid out in a workbook or written as CSV is here, with the templates, so the
domain never renders (issue 10: templates owned by reports/).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import jinja2

from tradepivot.matchmaking.agenda import (
    EPOCH,
    TOOL,
    GridCell,
    GridData,
    check_meetings,
    venue_of,
    zone_of,
)
from tradepivot.matchmaking.model import Event, Meeting
from tradepivot.reports.agenda import zone_label

__all__ = ["CSV_COLUMNS", "grid_html", "grid_xlsx", "meetings_csv"]

CSV_COLUMNS = (
    "slot",
    "date",
    "start",
    "end",
    "timezone",
    "venue",
    "table",
    "a",
    "a_organisation",
    "a_country",
    "b",
    "b_organisation",
    "b_country",
    "interpreter",
    "interpreter_name",
    "score",
    "locked",
    "published",
)


def grid_html(grid: GridData) -> str:
    """The grid as one self-contained, printable HTML page (A4 landscape)."""
    return (
        _environment()
        .get_template("grid.html.j2")
        .render(grid=grid, tool=TOOL, zone=zone_label(grid.timezone, _grid_reference(grid)))
    )


def grid_xlsx(grid: GridData, path: Path | str) -> None:
    """The grid as an XLSX workbook: one sheet per venue, slots by tables plus use columns."""
    import xlsxwriter

    output = Path(path)

    def write(tmp: Path) -> None:
        book = xlsxwriter.Workbook(str(tmp))
        try:
            book.set_properties({"title": f"{grid.event_name}: meeting grid", "comments": TOOL})
            head = book.add_format({"bold": True, "bg_color": "#E6ECF3", "border": 1})
            wrap = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
            grey = book.add_format({"bg_color": "#EEEEEE", "font_color": "#777777", "border": 1})
            names: set[str] = set()
            for venue_grid in grid.venues:
                sheet = book.add_worksheet(_sheet_name(venue_grid.venue.name, names))
                titles = [
                    "Slot",
                    f"Time ({grid.timezone})",
                    *(f"Table {t.id}" for t in venue_grid.tables),
                    "Tables used",
                    "Tables available",
                    "Interpreters busy",
                    "Interpreters free",
                ]
                sheet.write_row(0, 0, titles, head)
                sheet.freeze_panes(1, 2)
                sheet.set_column(0, 0, 10)
                sheet.set_column(1, 1, 24)
                sheet.set_column(2, 1 + len(venue_grid.tables), 28)
                sheet.set_column(2 + len(venue_grid.tables), len(titles) - 1, 18)
                for r, row in enumerate(venue_grid.rows, start=1):
                    sheet.write_string(r, 0, row.slot.id, wrap)
                    sheet.write_string(r, 1, row.label, wrap)
                    for c, (table, cell) in enumerate(
                        zip(venue_grid.tables, row.cells, strict=True), start=2
                    ):
                        if cell is not None:
                            sheet.write_string(r, c, _cell_text(cell, full=True), wrap)
                        elif table.id in row.closed:
                            sheet.write_string(r, c, "closed", grey)
                        else:
                            sheet.write_blank(r, c, None, wrap)
                    c = 2 + len(venue_grid.tables)
                    sheet.write_number(r, c, row.tables_used, wrap)
                    sheet.write_number(r, c + 1, row.tables_available, wrap)
                    sheet.write_string(r, c + 2, ", ".join(row.interpreters_busy), wrap)
                    sheet.write_string(r, c + 3, ", ".join(row.interpreters_free), wrap)
        finally:
            book.close()

    _atomic(output, write)


def meetings_csv(event: Event, meetings: Sequence[Meeting], path: Path | str) -> None:
    """All meetings as CSV (UTF-8), by slot then table; times in the event's time zone."""
    check_meetings(event, meetings)
    home = zone_of(event.timezone, f"time zone of event {event.name!r}")
    slots = {s.id: s for s in event.slots}
    interpreters = {i.id: i for i in event.interpreters}
    ordered = sorted(meetings, key=lambda m: (slots[m.slot].start, m.slot, m.table, m.pair))

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(CSV_COLUMNS)
            for m in ordered:
                slot = slots[m.slot]
                start, end = slot.start.astimezone(home), slot.end.astimezone(home)
                a, b = event.participants[m.a], event.participants[m.b]
                interpreter = interpreters[m.interpreter] if m.interpreter else None
                writer.writerow(
                    [
                        slot.id,
                        start.date().isoformat(),
                        f"{start:%H:%M}",
                        f"{end:%H:%M}",
                        event.timezone,
                        venue_of(event, slot.venue).name,
                        m.table,
                        a.id,
                        a.organisation,
                        a.country,
                        b.id,
                        b.organisation,
                        b.country,
                        m.interpreter or "",
                        interpreter.name if interpreter else "",
                        f"{m.score:.6g}",
                        "true" if m.locked else "false",
                        "true" if m.published else "false",
                    ]
                )

    _atomic(Path(path), write)


def _grid_reference(grid: GridData) -> dt.datetime:
    starts = [row.start for v in grid.venues for row in v.rows]
    return min(starts) if starts else EPOCH


def _cell_text(cell: GridCell, *, full: bool = False) -> str:
    a, b = (cell.a_full, cell.b_full) if full else (cell.a, cell.b)
    text = f"{a}\n{b}"
    return text + (f"\nInterpreter: {cell.interpreter}" if cell.interpreter else "")


def _sheet_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", name).strip("'") or "venue"
    candidate, n = base[:31], 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{base[: 31 - len(str(n)) - 1]} {n}"
    taken.add(candidate.casefold())
    return candidate


def _atomic(output: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary file beside ``output``, then rename: never half a file."""
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp")
    try:
        write(tmp)
        tmp.replace(output)
    finally:
        tmp.unlink(missing_ok=True)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("tradepivot.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

"""Sheets for the hall staff: one page per table with its meetings slot by slot.

On the day, the people at the tables need the grid the other way round from the organiser:
not "who sits where in slot 5" but "who comes to my table, when, and with which
interpreter", with boxes to tick who turned up (the no-shows the organiser reschedules
from). Built from the organiser's grid (:func:`tradepivot.matchmaking.agenda.organiser_grid`),
so the sheets and the grid cannot disagree; HTML to print from a browser, PDF to hand out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from tradepivot.i18n import translator
from tradepivot.matchmaking.agenda import GridCell, GridData, VenueGrid
from tradepivot.reports.agenda import (
    EPOCH,
    FONT_FAMILY,
    TOOL,
    set_up_pdf,
    template_environment,
)

__all__ = ["SheetRow", "TableSheet", "hall_sheets_html", "hall_sheets_pdf", "table_sheets"]


@dataclass(frozen=True)
class SheetRow:
    """One slot at the table: its time, the meeting held there (None: free) or closed."""

    slot: str
    label: str  # "Mon 2 Mar 10:00–10:30 IST" (the event's zone)
    start: dt.datetime
    cell: GridCell | None
    closed: bool


@dataclass(frozen=True)
class TableSheet:
    """A table's day: its venue and every slot of the venue at that table."""

    venue: str
    table: str
    rows: tuple[SheetRow, ...]

    @property
    def meetings(self) -> int:
        return sum(1 for r in self.rows if r.cell is not None)


def table_sheets(grid: GridData) -> Iterator[TableSheet]:
    """The grid turned round: per venue, per table, its slots in time order."""
    for venue_grid in grid.venues:
        yield from _venue_sheets(venue_grid)


def _venue_sheets(venue_grid: VenueGrid) -> Iterator[TableSheet]:
    for index, table in enumerate(venue_grid.tables):
        rows = tuple(
            SheetRow(
                slot=row.slot.id,
                label=row.label,
                start=row.start,
                cell=row.cells[index],
                closed=table.id in row.closed,
            )
            for row in sorted(venue_grid.rows, key=lambda r: (r.start, r.slot.id))
        )
        yield TableSheet(venue_grid.venue.name, table.id, rows)


def hall_sheets_html(grid: GridData, language: str = "en") -> str:
    """Every table's sheet in one printable page (a sheet per printed page), self-contained."""
    return (
        template_environment(language)
        .get_template("hall.html.j2")
        .render(grid=grid, sheets=list(table_sheets(grid)), lang=language, tool=TOOL)
    )


def hall_sheets_pdf(grid: GridData, language: str = "en") -> bytes:
    """Every table's sheet as one A4 PDF, a page per table (DejaVu Sans embedded, so
    Cyrillic and Devanagari names print: :func:`add_fonts`). Same input, same bytes."""
    from fpdf import FPDF, FontFace
    from fpdf.enums import Align, XPos, YPos

    t = translator(language)
    sheets = list(table_sheets(grid))
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    starts = [r.start for s in sheets for r in s.rows]
    set_up_pdf(
        pdf,
        title=f"{t.gettext('Table sheets')} — {grid.event_name}",
        author=grid.event_name,
        created=min(starts) if starts else EPOCH,
        language=t.language,
        content=(grid, t.gettext("Table sheets")),
        bottom=15,
    )

    def para(height: float, text: str) -> None:
        pdf.multi_cell(0, height, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    if not sheets:
        pdf.add_page()
        pdf.set_font(FONT_FAMILY, size=11)
        para(6, t.gettext("The event has no tables."))
    for sheet in sheets:
        pdf.add_page()
        pdf.set_font(FONT_FAMILY, "B", 16)
        para(8, t.gettext("Table %(table)s", table=sheet.table))
        pdf.set_font(FONT_FAMILY, size=10)
        para(5, f"{grid.event_name} — {sheet.venue}")
        para(
            5,
            t.gettext(
                "%(meetings)s meetings; tick who arrived, and tell the organisers at once "
                "about anyone who did not.",
                meetings=str(sheet.meetings),
            ),
        )
        pdf.ln(3)
        pdf.set_font(FONT_FAMILY, size=9)
        with pdf.table(
            col_widths=(30, 60, 60, 30),
            text_align="LEFT",
            v_align="TOP",
            line_height=4.5,
            padding=1.5,
            repeat_headings=1,
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 243)),
        ) as table:
            heading = table.row()
            for label in (t.gettext("Time"), t.gettext("Side A"), t.gettext("Side B"),
                          t.gettext("Interpreter")):  # fmt: skip
                heading.cell(label)
            for row in sheet.rows:
                cells = table.row()
                cells.cell(row.label)
                if row.cell is None:
                    free = t.gettext("closed") if row.closed else t.gettext("free")
                    cells.cell(free)
                    cells.cell("")
                    cells.cell("")
                    continue
                cells.cell(f"[ ] {row.cell.a_full}\n{row.cell.meeting.a}")
                cells.cell(f"[ ] {row.cell.b_full}\n{row.cell.meeting.b}")
                cells.cell(row.cell.interpreter or "—")
    return bytes(pdf.output())

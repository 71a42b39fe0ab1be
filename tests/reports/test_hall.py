"""The hall staff's sheets: every meeting once, on its own table's page, in slot order."""

from __future__ import annotations

import io
import re

import pypdf

from tests.matchmaking.test_agenda import sample_event, sample_meetings
from tradepivot.matchmaking.agenda import organiser_grid
from tradepivot.reports.hall import hall_sheets_html, hall_sheets_pdf, table_sheets


def test_each_table_lists_its_own_meetings_once_in_time_order() -> None:
    event, meetings = sample_event(), sample_meetings()
    sheets = list(table_sheets(organiser_grid(event, meetings)))
    assert sorted(s.table for s in sheets) == sorted(t.id for t in event.tables)
    seen = []
    for sheet in sheets:
        starts = [r.start for r in sheet.rows]
        assert starts == sorted(starts)
        venue = next(v for v in event.venues.values() if v.name == sheet.venue)
        assert [r.slot for r in sheet.rows] == [
            s.id for s in sorted(event.slots, key=lambda s: s.start) if s.venue == venue.id
        ]
        for row in sheet.rows:
            if row.cell is not None:
                m = row.cell.meeting
                assert (m.table, m.slot) == (sheet.table, row.slot)
                seen.append(m)
    assert sorted(seen, key=lambda m: (m.slot, m.table)) == sorted(
        meetings, key=lambda m: (m.slot, m.table)
    )


def test_the_pdf_has_a_page_per_table_with_its_people() -> None:
    event, meetings = sample_event(), sample_meetings()
    grid = organiser_grid(event, meetings)
    reader = pypdf.PdfReader(io.BytesIO(hall_sheets_pdf(grid, "ru")))
    sheets = list(table_sheets(grid))
    assert len(reader.pages) == len(sheets)
    for page, sheet in zip(reader.pages, sheets, strict=True):
        text = page.extract_text()
        assert f"Стол {sheet.table}" in text or f"Table {sheet.table}" in text
        for row in sheet.rows:
            if row.cell is not None:
                assert row.cell.meeting.a in text and row.cell.meeting.b in text
    assert "Ромашка" in reader.pages[0].extract_text() or "Ромашка" in "".join(
        p.extract_text() for p in reader.pages
    )
    assert hall_sheets_pdf(grid) == hall_sheets_pdf(grid)  # same input, same bytes


def test_the_html_escapes_names_and_breaks_a_page_per_table() -> None:
    event, meetings = sample_event(), sample_meetings()
    html = hall_sheets_html(organiser_grid(event, meetings), "hi")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert html.count('<section class="sheet">') == len(event.tables)
    assert 'lang="hi"' in html and "break-after: page" in html
    assert re.search(r"पक्ष A", html)

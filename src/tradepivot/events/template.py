"""Empty, documented event tables to fill in: ``tradepivot match template DIR``.

One file per table (CSV with the header line, or an XLSX workbook whose first sheet has the
header and a second sheet, ``About``, says what every column holds), plus an ``event.yaml``
to complete. The columns come from the row schemas, so a template always loads.
"""

from __future__ import annotations

import io
from pathlib import Path

from tradepivot.errors import OutputPathError
from tradepivot.events.schemas import TABLES
from tradepivot.events.writer import EVENT_FILE, csv_bytes
from tradepivot.outputs import write_bytes

__all__ = ["COLUMN_HELP", "EVENT_YAML_TEMPLATE", "TABLE_HELP", "write_templates"]

TABLE_HELP = {
    "venues": "Halls or buildings. One row each.",
    "slots": "Meeting times, each in one venue (local time of the venue).",
    "tables": "Meeting tables, each in one venue.",
    "interpreters": "Interpreters and the language pairs they bridge (header only if none).",
    "participants": "One row per company or institution (one seat at a table).",
    "travel": "Optional: minutes between two venues.",
    "preferences": "Optional: who must, may or must never meet whom.",
    "meetings": "Optional: a schedule already announced (locked meetings never move).",
    "scores": "Optional: your own score for a pair (a CRM's lead score), 0-100 points.",
    "sessions": "Optional: roadshows and B2G briefings (one presents to many).",
}
COLUMN_HELP = {
    "id": "identifier: letters, digits and _ . : @ # + - (no spaces or slashes), e.g. RU0012",
    "name": "text",
    "city": "text",
    "timezone": "IANA time zone, e.g. Asia/Kolkata or Europe/Moscow; empty = the event's",
    "date": "YYYY-MM-DD",
    "start": "HH:MM, 24-hour",
    "end": "HH:MM, 24-hour, after start",
    "venue": "venue id; may be empty when there is one venue",
    "session": "text, e.g. morning",
    "unavailable": "slot ids the table cannot be used in, separated by ;",
    "pairs": "language pairs separated by ;, e.g. en-ru;hi-ru",
    "available": "slot ids separated by ;  (empty = every slot, none = no slot)",
    "organisation": "the organisation's name",
    "side": "exporter, buyer, official or other",
    "country": "country name or code: India, IN, IND",
    "contact": "contact person",
    "email": "e-mail address",
    "delegation": "delegation name; empty = none",
    "offers": "HS codes offered, 2-10 digits, separated by ; (8/10-digit lines are cut to HS6)",
    "seeks": "HS codes sought, as in offers",
    "cooperation_offered": "distribution; supply; joint_venture; licensing; subcontracting; "
    "investment",
    "cooperation_sought": "as in cooperation_offered",
    "languages": "ISO 639-1 codes or names separated by ;, first language first: ru;en",
    "certifications": "text separated by ;, e.g. ISO 9001;WHO-GMP",
    "description": "text",
    "max_meetings": "whole number >= 0; empty = no cap",
    "services_offered": "EBOPS 2010 codes separated by ;, e.g. 9.2 (computer services)",
    "services_sought": "as in services_offered",
    "skills_offered": "ISCO-08 groups of 1-4 digits separated by ;, e.g. 2512",
    "skills_sought": "as in skills_offered",
    "from": "venue id",
    "to": "venue id",
    "minutes": "whole number >= 0",
    "source": "participant id",
    "target": "participant id",
    "level": "must, meet or no",
    "a": "participant id",
    "b": "participant id",
    "slot": "slot id",
    "table": "table id",
    "interpreter": "interpreter id; empty = none",
    "score": "number (written by tradepivot)",
    "locked": "true or false: never moved",
    "published": "true or false: announced",
    "weight": "score points, -1000 to 1000",
    "reason": "text shown with the pair's reasons",
    "mode": "replace (default) or add",
    "title": "text",
    "capacity": "seats, whole number >= 0",
    "kind": "roadshow, b2g or other",
    "hosts": "participant ids who present, separated by ;",
    "attendees": "participant ids who joined, separated by ;",
}
EVENT_YAML_TEMPLATE = """\
# The event (docs/events.md). Fill in the name and the organiser's IANA time zone.
name: My B2B forum
timezone: Asia/Kolkata
# description: One day, one hall.
# weights:          # optional: points of each score component (docs/matchmaking.md)
#   market: 15
"""


def _xlsx(name: str) -> bytes:
    import xlsxwriter

    spec = TABLES[name]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    try:
        head = book.add_format({"bold": True, "bg_color": "#E6ECF3", "border": 1})
        sheet = book.add_worksheet(name)
        for column, title in enumerate(spec.columns):
            sheet.write_string(0, column, title, head)
            sheet.write_comment(0, column, COLUMN_HELP.get(title, ""))
            sheet.set_column(column, column, max(12, len(title) + 2))
        sheet.freeze_panes(1, 0)
        about = book.add_worksheet("About")
        about.write_row(0, 0, ["column", "required", "what"], head)
        for row, title in enumerate(spec.columns, start=1):
            required = "yes" if title in spec.required else "no"
            about.write_row(row, 0, [title, required, COLUMN_HELP.get(title, "")])
        about.write_string(len(spec.columns) + 2, 0, TABLE_HELP[name])
        about.set_column(0, 0, 22)
        about.set_column(2, 2, 90)
    finally:
        book.close()
    return buffer.getvalue()


def write_templates(folder: Path, *, fmt: str = "csv", force: bool = False) -> list[Path]:
    """Write an empty ``name.csv`` (or ``.xlsx``) for every table and ``event.yaml``; refuses
    to replace existing files unless ``force``. Returns the paths written."""
    if fmt not in ("csv", "xlsx"):
        raise OutputPathError(str(folder), f"unknown template format {fmt!r}", hint="csv or xlsx")
    folder = Path(folder)
    targets = {name: folder / f"{name}.{fmt}" for name in TABLES}
    targets[EVENT_FILE] = folder / EVENT_FILE
    existing = [p for p in targets.values() if p.exists()]
    if existing and not force:
        raise OutputPathError(
            str(existing[0]),
            "exists: a template would replace it",
            hint="Choose an empty folder, or pass --force to replace the files.",
        )
    written = []
    for name, path in targets.items():
        if name == EVENT_FILE:
            data = EVENT_YAML_TEMPLATE.encode("utf-8")
        elif fmt == "csv":
            data = csv_bytes(TABLES[name], [])
        else:
            data = _xlsx(name)
        write_bytes(path, data, force=force)
        written.append(path)
    return written

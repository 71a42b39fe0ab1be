"""A participant's agenda for people: HTML (a phone or a printer), PDF and iCalendar, in
English, Russian or Hindi.

The data (:class:`~tradepivot.matchmaking.agenda.AgendaData`: meetings and free slots in the
participant's time zone and the event's) comes from the domain; here it gets its words, from
the shipped catalogs (:mod:`tradepivot.i18n`), and its dates, written the language's way.

Calendars update rather than pile up: each meeting's UID is the event and the pair (a meeting
moved to another slot is the same calendar entry), ``SEQUENCE`` is how many times the
published meeting changed, and a meeting that was published and is no longer comes as
``STATUS:CANCELLED`` (in the agenda's calendar) and in a separate ``METHOD:CANCEL`` calendar
(:func:`agenda_cancellations_ics`), which removes it from a calendar that imported it.
Every output is deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
import signal
import unicodedata
from collections.abc import Generator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import jinja2

from tradepivot import __version__
from tradepivot.i18n import Translator, translator
from tradepivot.matchmaking.agenda import (
    AgendaData,
    AgendaRow,
    CancelledMeeting,
    FreeSlot,
    SessionBlock,
)
from tradepivot.matchmaking.model import Meeting, Participant

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = [
    "add_fonts",
    "agenda_calendars",
    "agenda_cancellations_ics",
    "agenda_html",
    "agenda_ics",
    "agenda_pdf",
    "agenda_pdfs",
    "meeting_uid",
    "set_up_pdf",
    "template_environment",
    "zone_label",
    "zone_note",
]

TOOL = f"tradepivot {__version__}"
FONT_FAMILY = "DejaVuSans"
# Bold is the Latin, Greek and Cyrillic part of DejaVu Sans Bold (scripts/build_fonts.py):
# fpdf2 parses and subsets each font in every PDF, and the whole bold font cost a quarter of
# an agenda's time. Other bold characters print from the full regular font, the fallback.
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold-LGC.ttf"}
FALLBACK_FAMILY = "DejaVuSansFallback"
DEVANAGARI_FAMILY = "NotoSansDevanagari"
DEVANAGARI_FILES = {"": "NotoSansDevanagari-Regular.ttf", "B": "NotoSansDevanagari-Bold.ttf"}
_DEVANAGARI = re.compile("[\u0900-\u097f]")
# The characters of the reduced bold (scripts/build_fonts.py builds it from these): Latin
# (Basic, Latin-1, Extended-A/B, Additional), Greek, Cyrillic (with Supplement), general
# punctuation, currency, letterlike symbols, arrows, minus, geometric shapes.
BOLD_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x024F),
    (0x0370, 0x03FF),
    (0x0400, 0x052F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
    (0x2190, 0x21FF),
    (0x2212, 0x2212),
    (0x25A0, 0x25FF),
)
_IN_BOLD = frozenset(chr(c) for low, high in BOLD_RANGES for c in range(low, high + 1))
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


# --- words -----------------------------------------------------------------------------------
def _clock(moment: dt.datetime) -> str:
    name = moment.strftime("%Z")
    return f"{moment:%H:%M} {f'UTC{name}' if name[:1] in '+-' else name}"


def _span(start: dt.datetime, end: dt.datetime) -> str:
    label = _clock(start)
    return f"{start:%H:%M}–{end:%H:%M} {label.split(' ', 1)[1]}"


def _spans(t: Translator, row: AgendaRow | FreeSlot | SessionBlock, two: bool) -> list[str]:
    """``["07:30–08:00 MSK", "10:00–10:30 IST"]`` (the event's with its day when it differs)."""
    spans = [_span(row.start, row.end)]
    if two:
        event = _span(row.event_start, row.event_end)
        if row.event_start.date() != row.start.date():
            event += f" ({t.short_date(row.event_start)})"
        spans.append(event)
    return spans


def zone_label(name: str, moment: dt.datetime) -> str:
    try:
        zone = ZoneInfo(name)
    except (KeyError, ValueError):
        return name
    return f"{_clock(moment.astimezone(zone)).split(' ', 1)[1]} ({name})"


def _first(data: AgendaData) -> dt.datetime:
    starts = [r.start for r in data.rows] + [f.start for f in data.free]
    return min(starts) if starts else EPOCH


def zone_note(t: Translator, data: AgendaData) -> str:
    """``Times in MSK (Europe/Moscow), then in the event's time zone IST (Asia/Kolkata).``"""
    local = zone_label(data.timezone, _first(data))
    if not data.two_zones:
        return t.gettext("Times in %(zone)s.", zone=local)
    event = zone_label(data.event_timezone, _first(data))
    return t.gettext(
        "Times in %(zone)s, then in the event's time zone %(event_zone)s.",
        zone=local,
        event_zone=event,
    )


def _languages(t: Translator, codes: Sequence[str]) -> str:
    return t.list(t.language_name(code) for code in codes) or "—"


def _participant_lines(p: Participant) -> list[str]:
    place = ", ".join(x for x in (p.city, p.country) if x)
    lines = [f"{p.id} · {place}" if place else p.id]
    if p.contact or p.email:
        lines.append(" · ".join(x for x in (p.contact, p.email) if x))
    return lines


def _short_reasons(explanation: str, keep: int = 2) -> tuple[str, str]:
    """The two strongest reasons (they come strongest first) and the rest, for a footnote."""
    parts = [p.strip() for p in explanation.split("; ") if p.strip()]
    head = "; ".join(parts[:keep])
    rest = "; ".join(parts[keep:])
    return head, rest


# --- HTML ------------------------------------------------------------------------------------
@cache
def template_environment(language: str) -> jinja2.Environment:
    """The reports' Jinja templates with the catalogs of ``language`` (escaping on, strict)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tradepivot.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        **translator(language).jinja_callables(), newstyle=True
    )
    return env


def agenda_html(data: AgendaData, language: str = "en") -> str:
    """The agenda as one self-contained HTML page (no script, no request) that reads on a
    390-pixel phone screen (each meeting a card) and prints on A4 (a table)."""
    t = translator(language)
    entries: list[tuple[str, AgendaRow | FreeSlot]] = [
        *(("meeting", row) for row in data.rows),
        *(("free", free) for free in data.free),
    ]
    entries.sort(key=lambda e: (e[1].start, e[0] == "free"))
    days: dict[str, list[tuple[str, AgendaRow | FreeSlot]]] = {}
    for kind, entry in entries:
        days.setdefault(t.date(entry.start.date()), []).append((kind, entry))
    return (
        template_environment(t.language)
        .get_template("agenda.html.j2")
        .render(
            data=data,
            lang=t.language,
            days=list(days.items()),
            interpreted=sum(1 for r in data.rows if r.interpreter),
            zone_note=zone_note(t, data),
            tool=TOOL,
            languages=lambda codes: _languages(t, codes),
            reasons=_short_reasons,
        )
    )


# --- PDF -------------------------------------------------------------------------------------
def add_fonts(pdf: FPDF, content: object) -> None:
    """Embed the fonts ``content`` needs in ``pdf``: DejaVu Sans (Latin, Cyrillic), and where
    any text is Devanagari (a Hindi agenda, a Hindi name) Noto Sans Devanagari as its
    fallback, with HarfBuzz text shaping so conjuncts and vowel signs are set correctly
    (DejaVu has no Devanagari: a Hindi PDF printed empty boxes)."""
    fonts = resources.files("tradepivot.reports").joinpath("fonts")
    for style, name in FONT_FILES.items():
        with resources.as_file(fonts.joinpath(name)) as path:
            pdf.add_font(FONT_FAMILY, style, str(path))
    text = repr(content)
    fallbacks = []
    if any(c not in _IN_BOLD and c.isprintable() and not c.isspace() for c in set(text)):
        # a character the reduced bold lacks may be in a heading: the full regular prints it
        with resources.as_file(fonts.joinpath(FONT_FILES[""])) as path:
            pdf.add_font(FALLBACK_FAMILY, "", str(path))
        fallbacks.append(FALLBACK_FAMILY)
    if _DEVANAGARI.search(text):
        for style, name in DEVANAGARI_FILES.items():
            with resources.as_file(fonts.joinpath(name)) as path:
                pdf.add_font(DEVANAGARI_FAMILY, style, str(path))
        fallbacks.append(DEVANAGARI_FAMILY)
        pdf.set_text_shaping(True)
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks, exact_match=False)


def set_up_pdf(
    pdf: FPDF,
    *,
    title: str,
    author: str,
    created: dt.datetime,
    language: str,
    content: object,
    bottom: float,
) -> None:
    """The document setup every report PDF shares: metadata (the same input gives the same
    bytes: the creation date comes from the data), A4 margins, and the fonts ``content``
    needs (:func:`add_fonts`)."""
    pdf.set_creation_date(created)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator(TOOL)
    pdf.set_lang(language)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=bottom)
    add_fonts(pdf, content)


def agenda_pdf(
    data: AgendaData, language: str = "en", *, created: dt.datetime | None = None
) -> bytes:
    """The agenda as an A4 PDF (the fonts of :func:`add_fonts`: Latin, Cyrillic, Devanagari):
    one header, left-aligned text, the two strongest reasons per meeting and the rest as a
    numbered footnote. Same input, same bytes."""
    from fpdf import FPDF, FontFace
    from fpdf.enums import Align, XPos, YPos

    t = translator(language)
    footer = f"{data.event_name} — {data.participant.organisation} — {TOOL}"

    class _Agenda(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT_FAMILY, size=7.5)
            self.set_text_color(110)
            page = t.gettext("page %(page)s of %(pages)s", page=str(self.page_no()), pages="{nb}")
            self.cell(0, 5, f"{footer} — {page}", align="C")

    pdf = _Agenda(orientation="portrait", unit="mm", format="A4")
    title = t.gettext("Agenda for %(organisation)s", organisation=data.participant.organisation)
    set_up_pdf(
        pdf,
        title=f"{title} — {data.event_name}",
        author=data.event_name,
        created=created or _first(data),
        language=t.language,
        content=(data, title),
        bottom=18,
    )
    pdf.add_page()

    def para(height: float, text: str) -> None:
        pdf.multi_cell(0, height, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_font(FONT_FAMILY, "B", 15)
    para(7, data.event_name)
    pdf.set_font(FONT_FAMILY, "B", 12)
    para(6.5, title)
    pdf.set_font(FONT_FAMILY, size=9)
    pdf.set_text_color(70)
    for line in _participant_lines(data.participant):
        para(4.8, line)
    para(4.8, zone_note(t, data))
    pdf.set_text_color(0)
    pdf.ln(3)

    notes: list[str] = []
    if data.rows:
        pdf.set_font(FONT_FAMILY, size=8)
        with pdf.table(
            col_widths=(30, 28, 50, 24, 48),
            text_align="LEFT",
            v_align="TOP",
            line_height=4,
            padding=1.2,
            repeat_headings=1,
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 243)),
        ) as table:
            heading = table.row()
            for label in (
                t.gettext("Time"),
                t.gettext("Where"),
                t.gettext("Counterpart"),
                t.gettext("Interpreter"),
                t.gettext("Why we matched"),
            ):
                heading.cell(label)
            for row in data.rows:
                cells = table.row()
                cells.cell("\n".join([t.short_date(row.start), *_spans(t, row, data.two_zones)]))
                cells.cell(f"{row.venue}\n{t.gettext('Table %(table)s', table=row.table)}")
                p = row.counterpart
                lines = [p.organisation, " · ".join(x for x in (p.country, p.city) if x)]
                if p.contact:
                    lines.append(p.contact)
                lines.append(
                    t.gettext("Languages: %(languages)s", languages=_languages(t, p.languages))
                )
                cells.cell("\n".join(line for line in lines if line))
                cells.cell(row.interpreter or "—")
                head, rest = _short_reasons(row.explanation)
                if rest:
                    notes.append(rest)
                    head += f" [{len(notes)}]"
                cells.cell(head or "—")
    else:
        pdf.set_font(FONT_FAMILY, size=10)
        para(5, t.gettext("No meetings scheduled."))

    if data.sessions:
        pdf.ln(4)
        pdf.set_font(FONT_FAMILY, "B", 10)
        para(5.5, t.gettext("Your sessions"))
        pdf.set_font(FONT_FAMILY, size=8.5)
        for block in data.sessions:
            spans = " / ".join(_spans(t, block, data.two_zones))
            role = f" — {t.gettext('you present')}" if block.hosting else ""
            para(4.5, f"{t.short_date(block.start)}  {spans}  {block.title} ({block.venue}){role}")
    pdf.ln(4)
    pdf.set_font(FONT_FAMILY, "B", 10)
    para(5.5, t.gettext("Free slots"))
    pdf.set_font(FONT_FAMILY, size=8.5)
    if data.free:
        for free in data.free:
            spans = " / ".join(_spans(t, free, data.two_zones))
            para(4.5, f"{t.short_date(free.start)}  {spans}  ({', '.join(free.venues)})")
    else:
        para(4.5, t.gettext("None."))
    if notes:
        pdf.ln(3)
        pdf.set_font(FONT_FAMILY, "B", 8.5)
        para(4.5, t.gettext("More reasons"))
        pdf.set_font(FONT_FAMILY, size=7.5)
        for number, note in enumerate(notes, start=1):
            para(3.8, f"[{number}] {note}")
    return bytes(pdf.output())


def _ignore_interrupts() -> None:
    """A PDF worker leaves Ctrl-C to the command, which stops the pool and says so."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pdf_job(job: tuple[AgendaData, str]) -> bytes:
    return agenda_pdf(*job)


def agenda_pdfs(
    jobs: Sequence[tuple[AgendaData, str]], *, workers: int | None = None
) -> Generator[bytes, None, None]:
    """:func:`agenda_pdf` of each (agenda, language), in order, on worker processes.

    fpdf2 is pure Python (font parsing and subsetting, line breaking: about 0.2 s an
    agenda), so a forum's 500 agendas take half the time on two cores. ``workers``
    defaults to the cores there are (at most 4); with one, or few agendas, no pool starts.
    The bytes are the same either way.
    """
    count = workers if workers is not None else min(4, os.cpu_count() or 1)
    if count <= 1 or len(jobs) < 2 * count:
        for data, language in jobs:
            yield agenda_pdf(data, language)
        return
    context = multiprocessing.get_context("spawn")  # never fork a process holding DuckDB
    pool = ProcessPoolExecutor(count, mp_context=context, initializer=_ignore_interrupts)
    try:
        yield from pool.map(_pdf_job, jobs, chunksize=max(1, len(jobs) // (8 * count)))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# --- iCalendar -------------------------------------------------------------------------------
def _slug(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-") or "event"


def meeting_uid(event_name: str, meeting: Meeting) -> str:
    """The calendar UID of a pair's meeting: stable when it moves to another slot or table."""
    a, b = sorted(meeting.pair)
    return f"{_slug(event_name)}-{a}-{b}@tradepivot"


def _calendar(data: AgendaData, t: Translator, method: str) -> object:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", f"-//tradepivot//agenda {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    title = t.gettext("Agenda for %(organisation)s", organisation=data.participant.organisation)
    calendar.add("x-wr-calname", f"{data.event_name}: {title}")
    return calendar


def _finish(calendar: object, starts: Sequence[dt.datetime]) -> bytes:
    from icalendar import Calendar

    assert isinstance(calendar, Calendar)
    if starts:
        first, last = min(starts).date(), max(starts).date()
        calendar.add_missing_timezones(
            first_date=dt.date(first.year, 1, 1), last_date=dt.date(last.year + 2, 1, 1)
        )
        zones = sorted(
            (c for c in calendar.subcomponents if c.name == "VTIMEZONE"),
            key=lambda c: str(c["TZID"]),
        )
        others = [c for c in calendar.subcomponents if c.name != "VTIMEZONE"]
        calendar.subcomponents[:] = [*zones, *others]
    return bytes(calendar.to_ical())


def _cancelled_event(
    data: AgendaData, t: Translator, gone: CancelledMeeting, stamp: dt.datetime | None
) -> object:
    from icalendar import Event as VEvent

    zone = ZoneInfo(gone.venue_timezone)
    vevent = VEvent()
    vevent.add("uid", meeting_uid(data.event_name, gone.meeting))
    vevent.add("dtstamp", (stamp or gone.start).astimezone(dt.UTC))
    vevent.add("dtstart", gone.start.astimezone(zone))
    vevent.add("dtend", gone.end.astimezone(zone))
    vevent.add("sequence", gone.sequence)
    vevent.add("summary", t.gettext("Cancelled: %(organisation)s", organisation=gone.counterpart))
    vevent.add("location", gone.venue)
    vevent.add("status", "CANCELLED")
    return vevent


def agenda_ics(
    data: AgendaData,
    language: str = "en",
    *,
    sequences: Mapping[tuple[str, str], int] | None = None,
    cancelled: Sequence[CancelledMeeting] = (),
    stamp: dt.datetime | None = None,
) -> bytes:
    """The meetings as an iCalendar file (``METHOD:PUBLISH``), one VEVENT each in the venue's
    time zone, with the UID of :func:`meeting_uid`, ``SEQUENCE`` from ``sequences`` (pair ->
    changes since first published; 0 when absent) and the ``cancelled`` meetings as
    ``STATUS:CANCELLED``. DTSTAMP is ``stamp`` (UTC), or the meeting's start."""
    from icalendar import Event as VEvent

    t = translator(language)
    calendar = _calendar(data, t, "PUBLISH")
    counts = sequences or {}
    for row in data.rows:
        zone = ZoneInfo(row.venue_timezone)
        meeting = row.meeting
        vevent = VEvent()
        vevent.add("uid", meeting_uid(data.event_name, meeting))
        vevent.add("dtstamp", (stamp or row.start).astimezone(dt.UTC))
        vevent.add("dtstart", row.start.astimezone(zone))
        vevent.add("dtend", row.end.astimezone(zone))
        vevent.add("sequence", counts.get(tuple(sorted(meeting.pair)), 0))  # type: ignore[arg-type]
        p = row.counterpart
        when = f"{t.short_date(row.start)} {' / '.join(_spans(t, row, data.two_zones))}"
        vevent.add("summary", t.gettext("Meeting: %(organisation)s", organisation=p.organisation))
        vevent.add(
            "location", t.gettext("%(venue)s, table %(table)s", venue=row.venue, table=row.table)
        )
        lines = [
            t.gettext(
                "Counterpart: %(organisation)s (%(country)s)",
                organisation=p.organisation,
                country=p.country,
            ),
            *([t.gettext("Contact: %(contact)s", contact=p.contact)] if p.contact else []),
            t.gettext("Languages: %(languages)s", languages=_languages(t, p.languages)),
            t.gettext("Interpreter: %(name)s", name=row.interpreter)
            if row.interpreter
            else t.gettext("No interpreter needed."),
            t.gettext("Venue: %(venue)s, table %(table)s", venue=row.venue, table=row.table),
            t.gettext("Time: %(time)s", time=when),
        ]
        if row.explanation:
            lines.append(t.gettext("Why we matched: %(reasons)s", reasons=row.explanation))
        vevent.add("description", "\n".join(lines))
        vevent.add("status", "CONFIRMED" if meeting.published or meeting.locked else "TENTATIVE")
        vevent.add("transp", "OPAQUE")
        calendar.add_component(vevent)  # type: ignore[attr-defined]
    for block in data.sessions:
        zone = ZoneInfo(block.venue_timezone)
        vevent = VEvent()
        vevent.add("uid", f"{_slug(data.event_name)}-session-{block.id}@tradepivot")
        vevent.add("dtstamp", (stamp or block.start).astimezone(dt.UTC))
        vevent.add("dtstart", block.start.astimezone(zone))
        vevent.add("dtend", block.end.astimezone(zone))
        vevent.add("summary", block.title)
        vevent.add("location", block.venue)
        vevent.add("status", "CONFIRMED")
        vevent.add("transp", "OPAQUE")
        calendar.add_component(vevent)  # type: ignore[attr-defined]
    for gone in cancelled:
        calendar.add_component(_cancelled_event(data, t, gone, stamp))  # type: ignore[attr-defined]
    starts = [r.start for r in data.rows] + [c.start for c in cancelled]
    return _finish(calendar, starts + [b.start for b in data.sessions])


def agenda_cancellations_ics(
    data: AgendaData,
    cancelled: Sequence[CancelledMeeting],
    language: str = "en",
    *,
    stamp: dt.datetime | None = None,
) -> bytes | None:
    """The cancelled meetings as a ``METHOD:CANCEL`` calendar (None when there are none):
    opened in a calendar application, it removes them."""
    if not cancelled:
        return None
    t = translator(language)
    calendar = _calendar(data, t, "CANCEL")
    for gone in cancelled:
        calendar.add_component(_cancelled_event(data, t, gone, stamp))  # type: ignore[attr-defined]
    return _finish(calendar, [c.start for c in cancelled])


def agenda_calendars(
    data: AgendaData,
    language: str = "en",
    *,
    sequences: Mapping[tuple[str, str], int] | None = None,
    cancelled: Sequence[CancelledMeeting] = (),
    stamp: dt.datetime | None = None,
) -> tuple[bytes, bytes | None]:
    """Both calendar files of a participant: :func:`agenda_ics` and
    :func:`agenda_cancellations_ics` (what a schedule-change e-mail attaches)."""
    return (
        agenda_ics(data, language, sequences=sequences, cancelled=cancelled, stamp=stamp),
        agenda_cancellations_ics(data, cancelled, language, stamp=stamp),
    )

"""Agendas for people: EN/RU/HI words, a phone layout, PDF footnotes, calendars that update."""

from __future__ import annotations

import io

import pypdf
import pytest
from icalendar import Calendar

from tests.matchmaking.test_agenda import WHY, sample_event, sample_meetings
from tradepivot.matchmaking.agenda import calendar_changes, participant_agenda
from tradepivot.matchmaking.model import Event, Meeting
from tradepivot.reports.agenda import (
    agenda_cancellations_ics,
    agenda_html,
    agenda_ics,
    agenda_pdf,
    meeting_uid,
)


@pytest.fixture
def event() -> Event:
    return sample_event()


@pytest.fixture
def meetings() -> tuple[Meeting, ...]:
    return sample_meetings()


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_a_russian_agenda_pdf_has_cyrillic_labels(
    event: Event, meetings: tuple[Meeting, ...]
) -> None:
    data = participant_agenda(event, meetings, "RU1", {("IN1", "RU1"): WHY})
    text = _text(agenda_pdf(data, "ru"))
    for label in ("Программа встреч", "Время", "Партнёр", "Переводчик", "Свободные слоты"):
        assert label in text, label
    assert "Ромашка" in text and "Time" not in text.split("\n")[3:6]
    english = _text(agenda_pdf(data, "en"))
    assert "Agenda for" in english and "Программа" not in english


def test_hindi_and_russian_html(event: Event, meetings: tuple[Meeting, ...]) -> None:
    data = participant_agenda(event, meetings, "RU1", {("IN1", "RU1"): WHY})
    russian = agenda_html(data, "ru")
    assert '<html lang="ru">' in russian
    assert "понедельник, 2 марта 2026" in russian  # the day in Russian
    assert "2 встречи" in russian and "стол" in russian.lower()
    hindi = agenda_html(participant_agenda(event, meetings, "IN1"), "hi")
    assert "बैठक" in hindi and "सोमवार" in hindi and '<html lang="hi">' in hindi


def test_html_reads_on_a_phone(event: Event, meetings: tuple[Meeting, ...]) -> None:
    html = agenda_html(participant_agenda(event, meetings, "RU1"))
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "@media (max-width: 40rem)" in html  # 390 px: cards instead of a table
    assert 'data-label="Interpreter"' in html


def test_pdf_keeps_two_reasons_and_footnotes_the_rest(
    event: Event, meetings: tuple[Meeting, ...]
) -> None:
    why = "first reason; second reason; third reason; fourth reason"
    data = participant_agenda(event, meetings, "RU1", {("IN1", "RU1"): why})
    text = _text(agenda_pdf(data))
    assert "More reasons" in text and "[1] third reason; fourth reason" in text
    assert len(pypdf.PdfReader(io.BytesIO(agenda_pdf(data))).pages) == 1


def test_calendars_update_and_cancel(event: Event) -> None:
    v1 = (Meeting("IN1", "RU1", "S1", "T1", "I1", published=True),)
    v2 = (
        Meeting("IN1", "RU1", "S2", "T1", "I1", published=True),  # moved
        Meeting("IN2", "RU1", "S1", "T1", "I2", published=True),  # added
    )
    v3 = (Meeting("IN2", "RU1", "S1", "T2", "I2", published=True),)  # IN1 cancelled, reseated
    seq2, gone2 = calendar_changes(event, [v1, v2], "RU1", v2)
    assert seq2 == {("IN1", "RU1"): 1, ("IN2", "RU1"): 0} and gone2 == ()
    seq3, gone3 = calendar_changes(event, [v1, v2, v3], "RU1", v3)
    assert seq3 == {("IN1", "RU1"): 2, ("IN2", "RU1"): 1}
    (cancelled,) = gone3
    assert cancelled.meeting.slot == "S2" and cancelled.sequence == 2

    def events(ics: bytes) -> dict[str, object]:
        return {str(e["UID"]): e for e in Calendar.from_ical(ics).events}

    at2 = events(agenda_ics(participant_agenda(event, v2, "RU1"), sequences=seq2))
    data3 = participant_agenda(event, v3, "RU1")
    at3 = events(agenda_ics(data3, sequences=seq3, cancelled=gone3))
    uid = meeting_uid(event.name, v1[0])
    assert uid in at2 and uid in at3  # the same calendar entry, moved then cancelled
    assert int(at2[uid]["SEQUENCE"]) < int(at3[uid]["SEQUENCE"])  # type: ignore[index]
    assert str(at3[uid]["STATUS"]) == "CANCELLED"  # type: ignore[index]
    cancel = agenda_cancellations_ics(data3, gone3, "ru")
    assert cancel is not None
    calendar = Calendar.from_ical(cancel)
    assert str(calendar["METHOD"]) == "CANCEL"
    (only,) = calendar.events
    assert str(only["UID"]) == uid and str(only["STATUS"]) == "CANCELLED"
    assert int(only["SEQUENCE"]) == 2 and str(only["SUMMARY"]).startswith("Отменено")
    assert agenda_cancellations_ics(data3, ()) is None


@pytest.mark.parametrize("language", ["en", "ru", "hi"])
def test_every_language_renders_every_format(
    event: Event, meetings: tuple[Meeting, ...], language: str
) -> None:
    data = participant_agenda(event, meetings, "RU1", {("IN1", "RU1"): WHY})
    assert agenda_html(data, language).startswith("<!DOCTYPE html>")
    assert agenda_pdf(data, language).startswith(b"%PDF-")
    assert Calendar.from_ical(agenda_ics(data, language)).events


def test_many_pdfs_on_worker_processes_are_the_same_bytes_in_order(
    event: Event, meetings: tuple[Meeting, ...]
) -> None:
    """match agendas renders PDFs on worker processes: each file must be exactly what one
    process writes, in the order asked, whatever the language."""
    from tradepivot.reports.agenda import agenda_pdfs

    jobs = [
        (participant_agenda(event, meetings, pid, {("IN1", "RU1"): WHY}), language)
        for pid in event.participants
        for language in ("en", "ru", "hi")
    ]
    assert len(jobs) >= 4
    alone = [agenda_pdf(data, language) for data, language in jobs]
    assert list(agenda_pdfs(jobs, workers=2)) == alone
    assert list(agenda_pdfs(jobs, workers=1)) == alone


def _fonts(pdf: bytes) -> set[str]:
    found = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            found.add(str(ref.get_object()["/BaseFont"]).split("+")[-1])
    return found


def test_a_hindi_agenda_pdf_prints_devanagari(event: Event, meetings: tuple[Meeting, ...]) -> None:
    """DejaVu Sans has no Devanagari: a Hindi PDF printed empty boxes. Noto Sans Devanagari
    is its fallback, shaped by HarfBuzz, and embedded only where Devanagari is written."""
    data = participant_agenda(event, meetings, "IN1", {("IN1", "RU1"): WHY})
    hindi = agenda_pdf(data, "hi")
    text = _text(hindi)
    # "Time", "Where", "Partner", "Languages: Russian" (words whose shaped glyphs extract
    # back to their letters; pre-base vowel signs and conjuncts come out reordered)
    assert all(word in text for word in ("समय", "कहाँ", "साझेदार", "भाषाएँ: रूसी")), text
    assert "Ромашка" in text  # Cyrillic names still from DejaVu in the same document
    assert {"NotoSansDevanagari", "DejaVuSansBook"} <= _fonts(hindi)
    assert not any(f.startswith("NotoSans") for f in _fonts(agenda_pdf(data, "ru")))


def test_a_heading_outside_the_reduced_bold_still_prints(
    event: Event, meetings: tuple[Meeting, ...]
) -> None:
    """Bold is the Latin, Greek and Cyrillic part of DejaVu Sans Bold (scripts/
    build_fonts.py); an Armenian organisation in the title prints from the full regular
    font, the fallback, instead of empty boxes."""
    import dataclasses

    armenian = "Երևան Լեդեր ՍՊԸ"
    people = dict(event.participants)
    people["RU1"] = dataclasses.replace(people["RU1"], organisation=armenian)
    data = participant_agenda(
        dataclasses.replace(event, participants=people), meetings, "RU1", {("IN1", "RU1"): WHY}
    )
    pdf = agenda_pdf(data, "ru")
    assert armenian in _text(pdf)

    def embedded(pdf: bytes) -> int:
        page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
        return len(page["/Resources"]["/Font"])

    assert embedded(pdf) == 3  # regular, reduced bold, and the full regular as fallback
    plain = agenda_pdf(participant_agenda(event, meetings, "RU1", {("IN1", "RU1"): WHY}), "ru")
    assert embedded(plain) == 2  # Latin and Cyrillic: the two fonts, no fallback

"""Organiser screens for the schedule: run the optimiser in the background, review the
draft, lock, publish, export; on the day, no-shows and a reschedule from the current slot."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tradepivot.errors import InputError
from tradepivot.reports.agenda import agenda_calendars, agenda_pdf
from tradepivot.reports.export import MEDIA_TYPES
from tradepivot.services.event_review import (
    ReviewFilter,
    agendas_zip,
    lock,
    meetings_csv,
    meetings_table,
    publish_draft,
    review,
)
from tradepivot.services.matchmaking import Changes, match_agenda, match_reschedule, match_schedule
from tradepivot.services.participation import apply_accepted_requests
from tradepivot.services.registrations import event_facets
from tradepivot.web.portal.auth import OrganiserOf
from tradepivot.web.portal.state import Portal, portal

__all__ = [
    "day",
    "export",
    "job_status",
    "lock_meetings",
    "publish",
    "record_attendance",
    "reschedule",
    "router",
    "run",
    "schedule_page",
]

router = APIRouter()
App = Annotated[Portal, Depends(portal)]
EventId = Annotated[str, Path(max_length=64)]


def _totals(run_report: Any) -> dict[str, Any]:
    return dict(run_report.totals)


@router.get("/portal/events/{event_id}/schedule")
def schedule_page(
    request: Request,
    app: App,
    access: OrganiserOf,
    event_id: EventId,
    view: Annotated[str, Query(pattern=r"^(draft|published)$")] = "draft",
    venue: Annotated[str, Query(max_length=64)] = "",
    delegation: Annotated[str, Query(max_length=100)] = "",
    side: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The optimiser's job, and the draft (or the published schedule) to review."""
    store = app.backend.store
    summary = app.summary(event_id)
    where = ReviewFilter(venue, delegation, side)
    shown = None
    if (view == "draft" and summary.draft) or (view == "published" and summary.version):
        shown = review(store, event_id, "draft" if view == "draft" else "published", where)
    event = app.event(event_id)
    return app.render(
        request,
        "portal/schedule.html",
        {
            "event": summary,
            "job": app.jobs.get(event_id),
            "review": shown,
            "view": view,
            "where": where,
            "facets": event_facets(event),
            "venues": {v.id: v.name for v in event.venues.values()},
        },
    )


@router.get("/portal/events/{event_id}/schedule/job")
def job_status(request: Request, app: App, access: OrganiserOf, event_id: EventId) -> Response:
    """The job's progress as a fragment (htmx polls it while the job runs)."""
    return app.render(
        request, "portal/_job.html", {"job": app.jobs.get(event_id), "event_id": event_id}
    )


@router.post("/portal/events/{event_id}/schedule/run")
def run(
    request: Request,
    app: App,
    access: OrganiserOf,
    event_id: EventId,
    seconds: Annotated[int, Form(ge=5, le=600)] = 30,
) -> Response:
    """Start the optimiser: accepted requests become must-meets, locked meetings stay; the
    result is kept as the draft."""
    store = app.backend.store
    accepted = [
        (r.requester, r.recipient)
        for r in app.backend.event_requests(event_id)
        if r.status == "accepted"
    ]

    def work() -> dict[str, Any]:
        added = apply_accepted_requests(store, event_id, accepted)
        with app.solver_turn, app.web.cursor() as wh:
            done = match_schedule(wh, store, event_id, time_limit=float(seconds))
        return {**_totals(done.report), "requests_added": added}

    app.jobs.start(event_id, "schedule", float(seconds), work)
    return RedirectResponse(f"/portal/events/{event_id}/schedule", status_code=303)


@router.post("/portal/events/{event_id}/schedule/lock")
def lock_meetings(
    request: Request,
    app: App,
    access: OrganiserOf,
    event_id: EventId,
    pairs: Annotated[list[str] | None, Form()] = None,
    everything: Annotated[str, Form()] = "",
) -> Response:
    """Lock the chosen meetings of the draft (``A-B`` pairs), or all of them."""
    chosen = None if everything else [tuple(p.split("|", 1)) for p in pairs or [] if "|" in p]
    lock(app.backend.store, event_id, chosen)  # type: ignore[arg-type]
    app.flash(request, "locked")
    return RedirectResponse(f"/portal/events/{event_id}/schedule", status_code=303)


@router.post("/portal/events/{event_id}/schedule/publish")
def publish(request: Request, app: App, access: OrganiserOf, event_id: EventId) -> Response:
    """Publish the draft: participants' agendas and calendar feeds show it from now on, and
    each participant whose meetings changed is e-mailed the calendar files."""
    publish_draft(app.backend.store, event_id)
    # every participant whose meetings changed gets an e-mail with calendar files that
    # update their calendar (cancelled meetings leave it)
    app.backend.notify_published(event_id, agenda_calendars)
    app.flash(request, "published")
    return RedirectResponse(f"/portal/events/{event_id}/schedule?view=published", status_code=303)


@router.get("/portal/events/{event_id}/export/{name}.{fmt}")
def export(
    app: App,
    access: OrganiserOf,
    event_id: EventId,
    name: Annotated[str, Path(pattern=r"^(meetings|agendas)$")],
    fmt: Annotated[str, Path(pattern=r"^(csv|xlsx|zip)$")],
) -> Response:
    """The published schedule: meetings as CSV or XLSX, or every agenda as a PDF in a zip."""
    store = app.backend.store
    published = store.published(event_id)
    if published is None:
        raise InputError("Nothing is published yet.", hint="Publish a draft first.")
    event = app.event(event_id)
    if name == "agendas" and fmt == "zip":
        people = sorted({p for m in published.meetings for p in m.pair})
        with app.web.cursor() as wh:

            def render(pid: str) -> bytes:
                found = match_agenda(wh, store, event_id, pid)
                return agenda_pdf(found.agenda, found.language)

            content = agendas_zip(people, render)
        media = "application/zip"
    elif name == "meetings" and fmt in ("csv", "xlsx"):
        rows = meetings_table(event, published.meetings)
        if fmt == "csv":
            content, media = meetings_csv(rows), "text/csv; charset=utf-8"
        else:
            content, media = _xlsx(rows), MEDIA_TYPES["xlsx"]
    else:
        raise InputError(
            f"No export {name}.{fmt}.", hint="meetings.csv, meetings.xlsx, agendas.zip"
        )
    filename = f"{event_id}-{name}-v{published.number}.{fmt}"
    return Response(
        content, media_type=media,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )  # fmt: skip


def _xlsx(rows: list[dict[str, object]]) -> bytes:
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("meetings")
    head = book.add_format({"bold": True})
    columns = list(rows[0]) if rows else ["slot"]
    sheet.write_row(0, 0, columns, head)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, [row[c] for c in columns])
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


# ------------------------------------------------------------------------ on the day
@router.get("/portal/events/{event_id}/day")
def day(
    request: Request,
    app: App,
    access: OrganiserOf,
    event_id: EventId,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """From a phone: find a participant, check them in or mark them a no-show; then
    reschedule from a slot around the no-shows (the form starts with those recorded)."""
    event = app.event(event_id)
    found = []
    if q.strip():
        words = q.lower().split()
        found = [
            p
            for p in sorted(event.participants.values(), key=lambda p: p.id)
            if all(w in f"{p.id} {p.organisation}".lower() for w in words)
        ][:20]
    return app.render(request, "portal/day.html", {
        "event": app.summary(event_id), "slots": event.slots, "found": found, "q": q,
        "changes": None, "job": app.jobs.get(event_id), **_attendance(app, event_id),
    })  # fmt: skip


def _attendance(app: Portal, event_id: str) -> dict[str, Any]:
    """Who is checked in and who is a no-show at the event (the desk's records)."""
    status = {a.participant: a.status for a in app.backend.attendance(event_id) if a.slot is None}
    no_shows = sorted(p for p, s in status.items() if s == "no_show")
    present = sum(1 for s in status.values() if s == "present")
    return {"status": status, "no_shows": no_shows, "present": present}


@router.post("/portal/events/{event_id}/day/attendance")
def record_attendance(
    request: Request,
    app: App,
    access: OrganiserOf,
    event_id: EventId,
    participant_id: Annotated[str, Form(max_length=64)],
    status: Annotated[str, Form(pattern=r"^(present|no_show)$")],
    q: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Check a participant in at the desk, or mark them a no-show (again replaces it)."""
    try:
        app.backend.record_attendance(event_id, participant_id, status, access.account.id)
    except InputError as exc:
        raise HTTPException(404, exc.message) from exc
    app.flash(request, "attendance")
    target = f"/portal/events/{event_id}/day" + (f"?{urlencode({'q': q})}" if q else "")
    return RedirectResponse(target, status_code=303)


@router.post("/portal/events/{event_id}/day/reschedule")
def reschedule(
    request: Request,
    app: App,
    access: OrganiserOf,
    event_id: EventId,
    from_slot: Annotated[str, Form(max_length=64)],
    no_shows: Annotated[str, Form(max_length=2000)] = "",
    seconds: Annotated[int, Form(ge=5, le=300)] = 20,
) -> Response:
    """Re-optimise from ``from_slot`` without the no-shows (ids separated by spaces or
    commas); the new schedule is the draft, with every change listed, until published."""
    store = app.backend.store
    absent = tuple(dict.fromkeys(no_shows.replace(",", " ").split()))
    with app.solver_turn, app.web.cursor() as wh:
        done = match_reschedule(
            wh, store, event_id, Changes(no_shows=absent, from_slot=from_slot, force=absent),
            time_limit=float(seconds),
        )  # fmt: skip
    changes = done.report.tables.get("changes")
    rows = changes.to_pylist() if changes is not None else []
    event = app.event(event_id)
    return app.render(
        request,
        "portal/day.html",
        {"event": app.summary(event_id), "slots": event.slots, "found": [], "q": "",
         "changes": [r for r in rows if r.get("change") != "kept"],
         "names": {pid: p.organisation for pid, p in event.participants.items()},
         "job": None, **_attendance(app, event_id)},
    )  # fmt: skip

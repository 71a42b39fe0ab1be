"""Organiser screens: events, creating one, importing a whole event folder, the participants,
the meeting requests (importing tables into an event: :mod:`.importing`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tradepivot.errors import InputError
from tradepivot.matchmaking.phrases import say
from tradepivot.reports.agenda import agenda_calendars
from tradepivot.services.portal.seating import accepted_meetings
from tradepivot.services.registrations import (
    EventSetup,
    ParticipantFilter,
    create_event,
    event_facets,
    find_participants,
    import_registrations,
)
from tradepivot.web.language import page_language
from tradepivot.web.portal.auth import OrganiserOf, SignedInOrganiser
from tradepivot.web.portal.backend import Seating
from tradepivot.web.portal.state import Portal, portal

__all__ = [
    "create",
    "dashboard",
    "events",
    "import_event",
    "new_event",
    "participants",
    "requests_overview",
    "router",
    "seat_requests",
]

router = APIRouter()
App = Annotated[Portal, Depends(portal)]


@router.get("/portal/events")
def events(request: Request, app: App, account: SignedInOrganiser) -> Response:
    """The events the organiser runs."""
    rows = [app.summary(event_id) for event_id in app.backend.organised_events(account.id)]
    return app.render(
        request,
        "portal/events.html",
        {"events": rows, "account": account, "error": None, "event_id": ""},
    )


@router.get("/portal/events/new")
def new_event(request: Request, app: App, account: SignedInOrganiser) -> Response:
    return app.render(request, "portal/event_new.html", {"form": {}, "error": None})


@router.post("/portal/events/new")
def create(
    request: Request,
    app: App,
    account: SignedInOrganiser,
    event_id: Annotated[str, Form(max_length=64)],
    name: Annotated[str, Form(max_length=200)],
    timezone: Annotated[str, Form(max_length=64)],
    venue_name: Annotated[str, Form(max_length=200)],
    city: Annotated[str, Form(max_length=100)],
    day: Annotated[dt.date, Form()],
    start: Annotated[dt.time, Form()],
    end: Annotated[dt.time, Form()],
    minutes: Annotated[int, Form(ge=5, le=240)],
    tables: Annotated[int, Form(ge=1, le=2000)],
    interpreters: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Create an event (slots of ``minutes`` from ``start`` to ``end``, numbered tables,
    one interpreter per line as ``Name: en-ru;hi-ru``), then import its participants."""
    pairs = []
    for line in interpreters.splitlines():
        if line.strip():
            who, _, languages = line.partition(":")
            pairs.append((who.strip(), languages.strip()))
    setup = EventSetup(
        event_id.strip(), name.strip(), timezone.strip(), venue_name.strip(), city.strip(),
        day, start, end, minutes, tables, tuple(pairs),
    )  # fmt: skip
    try:
        create_event(app.backend.store, setup)
    except InputError as exc:
        form = {
            "event_id": event_id, "name": name, "timezone": timezone, "venue_name": venue_name,
            "city": city, "day": day.isoformat(), "start": start.strftime("%H:%M"),
            "end": end.strftime("%H:%M"), "minutes": minutes, "tables": tables,
            "interpreters": interpreters,
        }  # fmt: skip
        return app.render(
            request, "portal/event_new.html", {"form": form, "error": exc}, status_code=422
        )
    app.backend.grant_event(account.id, setup.event_id)
    app.flash(request, "created")
    return RedirectResponse(f"/portal/events/{setup.event_id}/import", status_code=303)


@router.post("/portal/events/import")
def import_event(
    request: Request,
    app: App,
    account: SignedInOrganiser,
    event_id: Annotated[str, Form(max_length=64)],
    files: Annotated[list[UploadFile], File()],
) -> Response:
    """A new event from a whole event folder's files (or its zip), checked as `match` does."""
    contents = {f.filename or "upload": f.file.read() for f in files}
    event_id = event_id.strip()
    try:
        if event_id in app.backend.store.event_ids():
            raise InputError(
                f"There is already an event {event_id!r}.",
                hint="Choose another id, or import tables into that event from its page.",
            )
        import_registrations(app.backend.store, event_id, contents)
    except InputError as exc:
        rows = [app.summary(e) for e in app.backend.organised_events(account.id)]
        return app.render(
            request,
            "portal/events.html",
            {"events": rows, "account": account, "error": exc, "event_id": event_id},
            status_code=422,
        )
    app.backend.grant_event(account.id, event_id)
    return RedirectResponse(f"/portal/events/{event_id}", status_code=303)


EventId = Annotated[str, Path(max_length=64)]


@router.get("/portal/events/{event_id}")
def dashboard(request: Request, app: App, access: OrganiserOf, event_id: EventId) -> Response:
    """One event at a glance, with the next steps."""
    return app.render(request, "portal/event.html", {"event": app.summary(event_id)})


@router.get("/portal/events/{event_id}/participants")
def participants(
    request: Request,
    app: App,
    access: OrganiserOf,
    event_id: EventId,
    q: Annotated[str, Query(max_length=100)] = "",
    side: Annotated[str, Query(max_length=20)] = "",
    delegation: Annotated[str, Query(max_length=100)] = "",
    country: Annotated[str, Query(max_length=3)] = "",
) -> Response:
    """Everyone registered, searchable and filtered by side, delegation and country."""
    event = app.event(event_id)
    where = ParticipantFilter(q.strip(), side, delegation, country)
    return app.render(
        request,
        "portal/participants.html",
        {
            "event": app.summary(event_id),
            "rows": find_participants(event, where),
            "facets": event_facets(event),
            "where": where,
        },
    )


@router.get("/portal/events/{event_id}/requests")
def requests_overview(
    request: Request, app: App, access: OrganiserOf, event_id: EventId
) -> Response:
    """Every meeting request of the event, with counts by status and, for accepted ones,
    their meeting in the published schedule."""
    return app.render(request, "portal/event_requests.html", _requests(app, event_id, None))


@router.post("/portal/events/{event_id}/requests/seat")
def seat_requests(request: Request, app: App, access: OrganiserOf, event_id: EventId) -> Response:
    """Seat every accepted request that has no meeting yet in the earliest free slot still
    ahead (locked, published as a new version; those affected are e-mailed), and show what
    could not be seated and why."""
    seating = app.backend.seat_accepted_requests(event_id)
    if seating.version is not None:
        app.backend.notify_published(event_id, agenda_calendars)
    context = _requests(app, event_id, seating, page_language(request))
    return app.render(request, "portal/event_requests.html", context)


def _requests(
    app: Portal, event_id: str, seating: Seating | None, language: str = "en"
) -> dict[str, Any]:
    rows = app.backend.event_requests(event_id)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    event = app.event(event_id)
    names = {pid: p.organisation for pid, p in event.participants.items()}
    current = app.backend.store.published(event_id)
    meetings = accepted_meetings(rows, current.meetings if current else ())
    slots = {s.id: s for s in event.slots}
    return {
        "event": app.summary(event_id), "rows": rows, "counts": counts, "names": names,
        "meetings": meetings, "slots": slots, "published": current is not None,
        "unseated": sum(1 for m in meetings.values() if m is None),
        "seating": seating,
        "unplaced": [(rid, say(why, language)) for rid, why in seating.unplaced] if seating else [],
    }  # fmt: skip

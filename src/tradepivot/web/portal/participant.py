"""Participant screens: sign in from a link, the agenda, profile, suggestions, requests.

A participant has no password: the organiser (or the participant, by e-mail address) has a
personal link put in the outbox; the link's token works once and expires. Signed in, they
see and change only their own registration; of the others they see what
:class:`~tradepivot.services.participation.PublicProfile` holds (never contact details),
and of requests only those they sent or received.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tradepivot.errors import InputError, TradepivotError
from tradepivot.events.store import LoadedEvent
from tradepivot.i18n import negotiate
from tradepivot.matchmaking.model import COOPERATION
from tradepivot.reports.agenda import agenda_calendars, agenda_ics, agenda_pdf
from tradepivot.services.matchmaking import match_agenda, match_suggest
from tradepivot.services.participation import (
    ProfileEdit,
    public_profile,
    set_preference,
    update_profile,
    without_contacts,
)
from tradepivot.services.portal.seating import NOT_PUBLISHED
from tradepivot.services.rescoring import rescore_after_edit
from tradepivot.services.search import search_products
from tradepivot.web.language import page_language
from tradepivot.web.portal.auth import OrganiserOf, ParticipantOf
from tradepivot.web.portal.csrf import csrf_token
from tradepivot.web.portal.state import Portal, portal

__all__ = [
    "agenda",
    "agenda_file",
    "calendar_feed",
    "decide",
    "person",
    "preference",
    "product_search",
    "profile_page",
    "request_link",
    "request_meeting",
    "requests_page",
    "router",
    "save_profile",
    "send_link",
    "sign_in_confirm",
    "sign_in_page",
    "sign_in_with_token",
    "suggestions",
]

router = APIRouter()
App = Annotated[Portal, Depends(portal)]
Token = Annotated[str, Path(min_length=16, max_length=200, pattern=r"^[A-Za-z0-9_.\-]+$")]
PersonId = Annotated[str, Path(max_length=64)]


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


# ------------------------------------------------------------------------ signing in
@router.post("/portal/events/{event_id}/participants/{participant_id}/link")
def send_link(
    request: Request, app: App, access: OrganiserOf, event_id: str, participant_id: PersonId
) -> Response:
    """The organiser sends a participant their personal sign-in link."""
    if participant_id not in app.event(event_id).participants:
        raise HTTPException(404, f"No participant {participant_id!r} in this event.")
    app.backend.send_sign_in_link(event_id, participant_id, _base(request))
    app.flash(request, "link_sent")
    return RedirectResponse(
        f"/portal/events/{event_id}/participants?q={participant_id}", status_code=303
    )


@router.get("/portal/signin")
def sign_in_page(request: Request, app: App) -> Response:
    return app.render(request, "portal/signin.html", {"sent": False})


@router.post("/portal/signin")
def request_link(
    request: Request, app: App, email: Annotated[str, Form(max_length=320)]
) -> Response:
    """A participant asks for their link by e-mail address; the answer is the same whether
    or not the address is registered (it tells nobody who is)."""
    address = request.client.host if request.client else "unknown"
    keys = [f"ip:{address}", f"link:{email.strip().lower()}"]
    app.limiter.check(keys)
    app.limiter.failed(keys)  # every request counts: links are not to be sent in bulk
    app.backend.request_sign_in_link(email.strip(), _base(request))
    return app.render(request, "portal/signin.html", {"sent": True})


@router.get("/portal/signin/{token}")
def sign_in_confirm(request: Request, app: App, token: Token) -> Response:
    """The link's page: one button signs in (a mail scanner following the link uses
    nothing, since the token is spent only by the POST)."""
    return app.render(request, "portal/signin_confirm.html", {"token": token})


@router.post("/portal/signin/{token}")
def sign_in_with_token(request: Request, app: App, token: Token) -> Response:
    found = app.backend.redeem_sign_in(token)
    if found is None:
        return app.render(
            request, "portal/signin.html", {"sent": False, "expired": True}, status_code=400
        )
    event_id, participant_id = found
    session_id = app.backend.start_session(participant=(event_id, participant_id))
    request.session.clear()
    request.session.update(
        {"who": "participant", "event": event_id, "pid": participant_id, "sid": session_id}
    )
    csrf_token(request)
    person = app.event(event_id).participants.get(participant_id)
    language = negotiate(person.languages) if person else "en"
    return RedirectResponse(f"/portal/me?lang={language}", status_code=303)


# ------------------------------------------------------------------------ the agenda
@router.get("/portal/me")
def agenda(request: Request, app: App, me: ParticipantOf) -> Response:
    """The participant's agenda (the published schedule), mobile first."""
    store = app.backend.store
    language = page_language(request)
    published = store.published(me.event_id)
    data = None
    if published is not None:
        with app.web.cursor() as wh:
            found = match_agenda(wh, store, me.event_id, me.participant_id, language=language)
        data = without_contacts(found.agenda)
    event = app.event(me.event_id)
    pending = [
        r
        for r in app.backend.requests_of(me.event_id, me.participant_id)
        if r.status == "pending" and r.recipient == me.participant_id
    ]
    return app.render(
        request,
        "portal/me.html",
        {
            "data": data,
            "schedule_version": published.number if published else None,
            "event": event,
            "me": event.participants[me.participant_id],
            "pending": len(pending),
            "calendar": f"{_base(request)}/portal/calendar/"
            f"{app.calendar_token(me.event_id, me.participant_id)}.ics",
        },
    )


@router.get("/portal/me/agenda.pdf")
def agenda_file(request: Request, app: App, me: ParticipantOf) -> Response:
    """The agenda as a PDF to print (in the page's language)."""
    with app.web.cursor() as wh:
        found = match_agenda(
            wh, app.backend.store, me.event_id, me.participant_id, language=page_language(request)
        )
    content = agenda_pdf(without_contacts(found.agenda), found.language)
    return Response(
        content,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="agenda-{me.participant_id}.pdf"'},
    )


@router.get("/portal/calendar/{token}.ics")
def calendar_feed(app: App, token: Token) -> Response:
    """The participant's calendar subscription: the published schedule, updated and
    cancelled meetings included (SEQUENCE, STATUS:CANCELLED), readable with the token alone."""
    owner = app.calendar_owner(token)
    if owner is None:
        raise HTTPException(404, "No calendar at this address.")
    event_id, participant_id = owner
    store = app.backend.store
    if event_id not in store.event_ids() or store.published(event_id) is None:
        raise HTTPException(404, "No published schedule for this calendar yet.")
    with app.web.cursor() as wh:
        found = match_agenda(wh, store, event_id, participant_id)
    content = agenda_ics(
        without_contacts(found.agenda),
        found.language,
        sequences=found.sequences,
        cancelled=found.cancelled,
    )
    return Response(content, media_type="text/calendar; charset=utf-8")


# ------------------------------------------------------------------------ the profile
@router.get("/portal/me/profile")
def profile_page(request: Request, app: App, me: ParticipantOf) -> Response:
    event = app.event(me.event_id)
    return app.render(
        request,
        "portal/profile.html",
        {"event": event, "me": event.participants[me.participant_id], "error": None,
         "cooperation": COOPERATION},
    )  # fmt: skip


@router.post("/portal/me/profile")
def save_profile(
    request: Request,
    app: App,
    me: ParticipantOf,
    organisation: Annotated[str, Form(max_length=200)],
    description: Annotated[str, Form(max_length=2000)] = "",
    offers: Annotated[str, Form(max_length=500)] = "",
    seeks: Annotated[str, Form(max_length=500)] = "",
    languages: Annotated[str, Form(max_length=100)] = "",
    timezone: Annotated[str, Form(max_length=64)] = "",
    cooperation_sought: Annotated[list[str] | None, Form()] = None,
    available: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Save the participant's own registration (validated as an imported row is)."""
    edit = ProfileEdit(
        organisation, description, offers, seeks, tuple(cooperation_sought or ()),
        languages, timezone, frozenset(available or ()),
    )  # fmt: skip
    before = app.backend.store.load(me.event_id)
    try:
        update_profile(app.backend.store, me.event_id, me.participant_id, edit)
    except InputError as exc:
        event = app.event(me.event_id)
        return app.render(
            request,
            "portal/profile.html",
            {"event": event, "me": event.participants[me.participant_id], "error": exc,
             "cooperation": COOPERATION},
            status_code=422,
        )  # fmt: skip
    _rescore(app, before)
    app.flash(request, "saved")
    return RedirectResponse("/portal/me/profile", status_code=303)


def _rescore(app: Portal, before: LoadedEvent) -> None:
    """Re-score the pairs the edit changed (the others' kept scores stay), so suggestions
    and agendas need no full re-score of the event."""
    after = app.backend.store.load(before.id)
    with app.web.cursor() as wh:
        rescore_after_edit(wh, app.backend.store, before, after)


@router.get("/portal/me/products")
def product_search(
    request: Request, app: App, me: ParticipantOf, q: Annotated[str, Query(max_length=120)] = ""
) -> Response:
    """HS codes for plain words (or a code), as a fragment htmx puts under the field."""
    hits: list[dict[str, object]] = []
    error = None
    if q.strip():
        try:
            hits = app.web.run_on_reference(search_products, q, limit=8).rows.to_pylist()
        except InputError as exc:
            error = exc.message
    return app.render(request, "portal/_products.html", {"hits": hits, "q": q, "error": error})


# ------------------------------------------------------------------------ suggestions
@router.get("/portal/me/suggestions")
def suggestions(request: Request, app: App, me: ParticipantOf) -> Response:
    """The best counterparts, each with why, and what the participant already asked."""
    store = app.backend.store
    with app.web.cursor() as wh:
        report = match_suggest(
            wh, store, me.event_id, me.participant_id, top=15, language=page_language(request)
        )
    event = app.event(me.event_id)
    mine = {(p.target): p.level for p in event.preferences if p.source == me.participant_id}
    asked = {
        r.recipient if r.requester == me.participant_id else r.requester: r.status
        for r in app.backend.requests_of(me.event_id, me.participant_id)
    }
    return app.render(
        request,
        "portal/suggestions.html",
        {"rows": report.rows.to_pylist() if report.rows.num_rows and "id" in report.rows.column_names else [],
         "preferences": mine, "asked": asked},
    )  # fmt: skip


@router.get("/portal/me/people/{participant_id}")
def person(request: Request, app: App, me: ParticipantOf, participant_id: PersonId) -> Response:
    """Another participant of the same event, as any participant may see them."""
    event = app.event(me.event_id)
    other = event.participants.get(participant_id)
    if other is None:
        raise HTTPException(404, f"No participant {participant_id!r} in this event.")
    return app.render(request, "portal/person.html", {"p": public_profile(other)})


@router.post("/portal/me/preferences")
def preference(
    request: Request,
    app: App,
    me: ParticipantOf,
    target: Annotated[str, Form(max_length=64)],
    level: Annotated[str, Form(pattern=r"^(must|no|clear)$")],
) -> Response:
    """Must meet, never meet, or no preference for ``target`` (never shown to them)."""
    before = app.backend.store.load(me.event_id)
    set_preference(
        app.backend.store, me.event_id, me.participant_id, target,
        None if level == "clear" else level,
    )  # fmt: skip
    _rescore(app, before)
    app.flash(request, "preference")
    return RedirectResponse("/portal/me/suggestions", status_code=303)


# ------------------------------------------------------------------------ requests
@router.get("/portal/me/requests")
def requests_page(request: Request, app: App, me: ParticipantOf) -> Response:
    """Requests received (to accept or decline) and sent (their status)."""
    event = app.event(me.event_id)
    mine = app.backend.requests_of(me.event_id, me.participant_id)
    names = {pid: p.organisation for pid, p in event.participants.items()}
    return app.render(
        request,
        "portal/requests.html",
        {
            "received": [r for r in mine if r.recipient == me.participant_id],
            "sent": [r for r in mine if r.requester == me.participant_id],
            "names": names,
        },
    )


@router.post("/portal/me/requests")
def request_meeting(
    request: Request,
    app: App,
    me: ParticipantOf,
    recipient: Annotated[str, Form(max_length=64)],
    message: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    if recipient not in app.event(me.event_id).participants:
        raise HTTPException(404, f"No participant {recipient!r} in this event.")
    app.backend.create_request(me.event_id, me.participant_id, recipient, message.strip())
    app.flash(request, "requested")
    return RedirectResponse("/portal/me/requests", status_code=303)


@router.post("/portal/me/requests/{request_id}/{decision}")
def decide(
    request: Request,
    app: App,
    me: ParticipantOf,
    request_id: int,
    decision: Annotated[str, Path(pattern=r"^(accept|decline)$")],
) -> Response:
    answer = app.backend.decide_request(
        me.event_id, me.participant_id, request_id, decision == "accept"
    )
    if answer.status != "accepted":
        app.flash(request, "declined" if answer.status == "declined" else answer.status)
        return RedirectResponse("/portal/me/requests", status_code=303)
    # with a schedule published, the meeting goes straight into the earliest free slot
    try:
        seating = app.backend.seat_accepted_requests(me.event_id, [request_id])
    except TradepivotError:  # the schedule kept changing, say: the organiser can seat it
        app.flash(request, "accepted_unseated")
        return RedirectResponse("/portal/me/requests", status_code=303)
    if seating.version is not None:
        app.backend.notify_published(me.event_id, agenda_calendars)
        app.flash(request, "accepted_seated")
    elif seating.unplaced and seating.unplaced[0][1] == NOT_PUBLISHED:
        app.flash(request, "accepted")
    else:
        app.flash(request, "accepted_unseated")
    return RedirectResponse("/portal/me/requests", status_code=303)

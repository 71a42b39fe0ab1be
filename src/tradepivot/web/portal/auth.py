"""Who is asking: the session's visitor, and the dependencies that let a route in or not.

A session is anonymous, an organiser (``who=organiser``, ``uid``) or a participant
(``who=participant``, ``event``, ``pid``). Routes state what they need as a dependency:

- :func:`organiser_of` (``OrganiserOf``): an organiser of the event in the path;
- :func:`participant_of` (``ParticipantOf``): a signed-in participant, of one event only.

Anonymous visitors of a page are sent to the sign-in page (303, the page they wanted kept
in ``next``); a signed-in visitor without the right gets 403, and an organiser gets 404 for
an event they do not run (its existence is not theirs to learn).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import Depends
from starlette.exceptions import HTTPException
from starlette.requests import Request

from tradepivot.web.portal.backend import Account
from tradepivot.web.portal.state import Portal, portal

__all__ = [
    "Denied",
    "EventAccess",
    "OrganiserOf",
    "ParticipantAccess",
    "ParticipantOf",
    "SignInRequired",
    "SignedInOrganiser",
    "Visitor",
    "organiser",
    "organiser_of",
    "participant_of",
    "visitor",
]

Kind = Literal["anonymous", "organiser", "participant"]


@dataclass(frozen=True)
class Visitor:
    """The session's holder as the pages see it."""

    kind: Kind
    user_id: int | None = None
    event_id: str | None = None
    participant_id: str | None = None


class SignInRequired(HTTPException):
    """401: the page needs a signed-in visitor (a browser is redirected to ``login``)."""

    def __init__(self, login: str, next_path: str) -> None:
        super().__init__(401, "Sign in to see this page.")
        self.location = f"{login}?{urlencode({'next': next_path})}"


class Denied(HTTPException):
    """403: signed in, but this is not theirs to see or do."""

    def __init__(self, detail: str = "This page belongs to someone else.") -> None:
        super().__init__(403, detail)


def visitor(request: Request) -> Visitor:
    """The visitor of the request's session (anonymous when there is none)."""
    session = request.session
    who = session.get("who")
    if who == "organiser" and isinstance(session.get("uid"), int):
        return Visitor("organiser", user_id=session["uid"])
    if (
        who == "participant"
        and isinstance(session.get("event"), str)
        and isinstance(session.get("pid"), str)
    ):
        return Visitor("participant", event_id=session["event"], participant_id=session["pid"])
    return Visitor("anonymous")


def _next_path(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def organiser(request: Request, app: Annotated[Portal, Depends(portal)]) -> Account:
    """The signed-in organiser's account (401 when anonymous, 403 for a participant)."""
    who = visitor(request)
    if who.kind == "anonymous":
        raise SignInRequired("/portal/login", _next_path(request))
    if who.kind != "organiser" or who.user_id is None:
        raise Denied("This page is for the event's organisers.")
    account = app.backend.account(who.user_id)
    if account is None or not app.backend.session_valid(request.session.get("sid")):
        # deleted since, or signed out (here or everywhere): the session is void
        request.session.clear()
        raise SignInRequired("/portal/login", _next_path(request))
    return account


SignedInOrganiser = Annotated[Account, Depends(organiser)]


@dataclass(frozen=True)
class EventAccess:
    """An organiser at one of their events."""

    account: Account
    event_id: str


def organiser_of(
    event_id: str, account: SignedInOrganiser, app: Annotated[Portal, Depends(portal)]
) -> EventAccess:
    """The organiser, when they run ``event_id`` (404 otherwise: not theirs to learn of)."""
    if not app.backend.organises(account.id, event_id):
        raise HTTPException(404, f"No event {event_id!r} among the events you organise.")
    return EventAccess(account, event_id)


OrganiserOf = Annotated[EventAccess, Depends(organiser_of)]


@dataclass(frozen=True)
class ParticipantAccess:
    """A signed-in participant: their event and their id."""

    event_id: str
    participant_id: str


def participant_of(request: Request, app: Annotated[Portal, Depends(portal)]) -> ParticipantAccess:
    """The signed-in participant (401 when anonymous or signed out, 403 for an organiser's
    session)."""
    who = visitor(request)
    if who.kind == "anonymous":
        raise SignInRequired("/portal/signin", _next_path(request))
    if who.kind != "participant" or who.event_id is None or who.participant_id is None:
        raise Denied("This page is for participants, signed in from their link.")
    if not app.backend.session_valid(request.session.get("sid")):
        request.session.clear()
        raise SignInRequired("/portal/signin", _next_path(request))
    return ParticipantAccess(who.event_id, who.participant_id)


ParticipantOf = Annotated[ParticipantAccess, Depends(participant_of)]

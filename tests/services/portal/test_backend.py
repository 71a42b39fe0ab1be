"""PortalDatabase answers the page layer's PortalBackend protocol: the same methods with the
same parameters, and records with the same fields, so the web app can run on the database
instead of its in-memory stand-in; and one walk through it as the pages would."""

from __future__ import annotations

import dataclasses
import inspect

from tradepivot.services.portal import PortalDatabase
from tradepivot.services.portal.accounts import Account, add_organiser
from tradepivot.services.portal.outbox import outbox
from tradepivot.services.portal.requests import MeetingRequest
from tradepivot.web.portal import backend as pages


def _members(protocol: type) -> list[str]:
    return [
        name
        for name, value in vars(protocol).items()
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    ]


def test_every_method_of_the_protocol_is_there_with_its_parameters() -> None:
    names = _members(pages.PortalBackend)
    assert names, "the protocol lists its methods"
    for name in names:
        ours, theirs = getattr(PortalDatabase, name), getattr(pages.PortalBackend, name)
        if isinstance(theirs, property):
            assert isinstance(ours, property), name
            continue
        assert list(inspect.signature(ours).parameters) == list(
            inspect.signature(theirs).parameters
        ), name


def test_the_records_carry_the_same_fields() -> None:
    for ours, theirs in ((Account, pages.Account), (MeetingRequest, pages.MeetingRequest)):
        assert [f.name for f in dataclasses.fields(ours)] == [
            f.name for f in dataclasses.fields(theirs)
        ]


def test_a_walk_through_as_the_pages_do_it(portal: PortalDatabase) -> None:
    organiser = add_organiser(portal.engine, "org@forum.example", "correct horse battery")
    signed_in = portal.authenticate("org@forum.example", "correct horse battery")
    assert signed_in == organiser
    portal.grant_event(organiser.id, "forum")
    assert portal.organised_events(organiser.id) == ["forum"]
    portal.send_sign_in_link("forum", "ex2", "http://127.0.0.1:8000")
    link = outbox(portal.engine)[-1].body_text.split("/portal/signin/")[1].split()[0]
    assert portal.redeem_sign_in(link) == ("forum", "ex2")
    asked = portal.create_request("forum", "ex2", "bu2", "Generic medicines?")
    assert portal.decide_request("forum", "bu2", asked.id, True).status == "accepted"
    assert [r.status for r in portal.event_requests("forum")] == ["accepted"]
    assert portal.store.load("forum").event.participants["ex2"].email

"""A participant's own part of an event: their profile, their must-meet / no choices, what
they may see of the others, and accepted meeting requests as must-meets for the scheduler.

Edits are validated by the same row schema (``ParticipantIn``) an imported participants
table is, field by field, and saved through the event store. What one participant sees of
another is :class:`PublicProfile`: organisation, country, products, languages, never the
contact person or the e-mail (those reach a counterpart through the agenda, once a meeting
is published).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from tradepivot.data.reference import Reference
from tradepivot.errors import InputError
from tradepivot.events.schemas import ParticipantIn, Problem, validate_row
from tradepivot.events.store import EventStore
from tradepivot.matchmaking.agenda import AgendaData
from tradepivot.matchmaking.model import COOPERATION, Event, Participant, Preference

__all__ = [
    "LEVELS",
    "ProfileEdit",
    "PublicProfile",
    "apply_accepted_requests",
    "public_profile",
    "set_preference",
    "update_profile",
    "with_accepted_requests",
    "without_contacts",
]

LEVELS = ("must", "no")


@dataclass(frozen=True)
class ProfileEdit:
    """What a participant may change of their own registration, as typed in the form
    (codes and languages separated by ``;`` or spaces; ``available`` slot ids, None =
    every slot)."""

    organisation: str
    description: str
    offers: str
    seeks: str
    cooperation_sought: tuple[str, ...]
    languages: str
    timezone: str
    available: frozenset[str] | None


def _cells(edit: ProfileEdit, me: Participant) -> dict[str, object]:
    def codes(text: str) -> str:
        return ";".join(text.replace(",", " ").replace(";", " ").split())

    return {
        "id": me.id,
        "organisation": edit.organisation,
        "side": me.side,
        "country": me.country,
        "description": edit.description,
        "offers": codes(edit.offers),
        "seeks": codes(edit.seeks),
        "cooperation_sought": ";".join(edit.cooperation_sought),
        "languages": codes(edit.languages),
        "timezone": edit.timezone,
    }


def update_profile(
    store: EventStore,
    event_id: str,
    participant_id: str,
    edit: ProfileEdit,
    *,
    reference: Reference | None = None,
) -> Participant:
    """Save ``edit`` to the participant's registration; raises :class:`InputError` naming
    the field at fault (an unknown HS code, language or time zone, a slot of no event)."""
    loaded = store.load(event_id)
    event = loaded.event
    me = event.participants.get(participant_id)
    if me is None:
        raise InputError(f"No participant {participant_id!r} in {event.name}.")
    unknown = [c for c in edit.cooperation_sought if c not in COOPERATION]
    if unknown:
        raise InputError(f"Unknown kind of cooperation: {', '.join(unknown)}.")
    row = validate_row(ParticipantIn, _cells(edit, me), reference=reference or Reference())
    if isinstance(row, Problem):
        expected = f" (expected {row.expected})" if row.expected else ""
        raise InputError(f"{row.field}: {row.problem}{expected}", hint=row.hint, param=row.field)
    slots = {s.id for s in event.slots}
    if edit.available is not None and not edit.available <= slots:
        raise InputError(f"Unknown slots: {', '.join(sorted(edit.available - slots))}.")
    updated = replace(
        me,
        organisation=row.organisation,
        description=row.description,
        offers=row.offers,
        seeks=row.seeks,
        cooperation_sought=row.cooperation_sought,
        languages=row.languages or me.languages,
        timezone=row.timezone or me.timezone,
        available=None if edit.available is None or edit.available == slots else edit.available,
    )
    participants = {**event.participants, participant_id: updated}
    store.save(event_id, replace(event, participants=participants), description=loaded.description)
    return updated


def set_preference(
    store: EventStore, event_id: str, source: str, target: str, level: str | None
) -> None:
    """``source`` must meet (``must``) or never meet (``no``) ``target``; None clears it.
    A "no" is never shown to ``target``."""
    if level is not None and level not in LEVELS:
        raise InputError(f"Unknown preference {level!r}.", hint="must or no")
    loaded = store.load(event_id)
    event = loaded.event
    for pid in (source, target):
        if pid not in event.participants:
            raise InputError(f"No participant {pid!r} in {event.name}.")
    if source == target:
        raise InputError("A participant cannot set a preference for themselves.")
    kept = [p for p in event.preferences if (p.source, p.target) != (source, target)]
    if level is not None:
        kept.append(Preference(source, target, level))  # type: ignore[arg-type]
    store.save(event_id, replace(event, preferences=tuple(kept)), description=loaded.description)


def with_accepted_requests(event: Event, pairs: Iterable[tuple[str, str]]) -> Event:
    """The event with a ``must`` preference for every accepted request (requester ->
    recipient) that has none yet, so the scheduler seats them (a "no" still wins)."""
    have = {(p.source, p.target) for p in event.preferences}
    added = [
        Preference(a, b, "must")
        for a, b in pairs
        if (a, b) not in have and a in event.participants and b in event.participants
    ]
    return replace(event, preferences=(*event.preferences, *added)) if added else event


@dataclass(frozen=True)
class PublicProfile:
    """What any participant of the event may see of another (no contact, no e-mail)."""

    id: str
    organisation: str
    side: str
    country: str
    city: str
    delegation: str | None
    offers: tuple[str, ...]
    seeks: tuple[str, ...]
    languages: tuple[str, ...]
    description: str


def public_profile(p: Participant) -> PublicProfile:
    return PublicProfile(
        p.id, p.organisation, p.side, p.country, p.city, p.delegation,
        p.offers, p.seeks, p.languages, p.description,
    )  # fmt: skip


def without_contacts(data: AgendaData) -> AgendaData:
    """The agenda with the counterparts' contact persons and e-mails left out (what a
    participant's own agenda shows in the portal; the organiser's agendas keep them)."""
    rows = tuple(
        replace(row, counterpart=replace(row.counterpart, contact="", email=""))
        for row in data.rows
    )
    return replace(data, rows=rows)


def apply_accepted_requests(
    store: EventStore, event_id: str, pairs: Iterable[tuple[str, str]]
) -> int:
    """Save the accepted requests as must-meets (:func:`with_accepted_requests`) before a
    schedule is made; returns how many were new."""
    loaded = store.load(event_id)
    updated = with_accepted_requests(loaded.event, pairs)
    added = len(updated.preferences) - len(loaded.event.preferences)
    if added:
        store.save(event_id, updated, description=loaded.description)
    return added

"""Participants join or leave the event's group sessions (roadshows, B2G briefings).

Joining is refused when the session is full (counted under the session row's lock, so
concurrent joins never exceed its seats), when the participant hosts it, and when it would
rule out a slot where the published schedule seats them (the meeting is named: the
organiser moves it first). The scheduler then treats the session as their busy time.
"""

from __future__ import annotations

from tradepivot.db.store import SqlStore
from tradepivot.errors import InputError
from tradepivot.matchmaking.group_places import SessionPlace, session_places

__all__ = ["places_of", "set_session_seat"]


def places_of(store: SqlStore, event_id: str, participant_id: str) -> tuple[SessionPlace, ...]:
    """The event's group sessions as ``participant_id`` sees them."""
    loaded = store.load(event_id)
    return session_places(loaded.event, participant_id, loaded.event.meetings)


def set_session_seat(
    store: SqlStore, event_id: str, session_id: str, participant_id: str, *, join: bool
) -> None:
    """Join (or leave) a group session; InputError says why not."""
    loaded = store.load(event_id)
    event = loaded.event
    place = next(
        (p for p in places_of(store, event_id, participant_id) if p.session.id == session_id),
        None,
    )
    if place is None:
        raise InputError(f"Event {event_id!r} has no session {session_id!r}.")
    if join and place.clash:
        first = place.clash[0]
        other = event.participants[first.b if first.a == participant_id else first.a]
        raise InputError(
            f"{place.session.title} would clash with your meeting with {other.organisation} "
            f"(slot {first.slot}).",
            hint="Ask the organiser to move that meeting first.",
        )
    store.set_session_seat(event_id, session_id, participant_id, join=join)

"""A participant's place in the event's group sessions (roadshows, B2G briefings): which
they host or joined, the seats left, and why joining one would clash with their meetings.

A session is busy time for everyone in it (:attr:`Event.session_busy`): joining one that
rules out a slot where the participant already meets someone would break the schedule, so
that is said before, with the meeting named, rather than found by the organiser later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from tradepivot.matchmaking.agenda import time_labels, venue_of
from tradepivot.matchmaking.model import Event, GroupSession, Meeting

__all__ = ["SessionPlace", "session_places"]


@dataclass(frozen=True)
class SessionPlace:
    """One group session as a participant sees it."""

    session: GroupSession
    venue: str  # the venue's name
    start_label: str  # in the participant's zone (and the event's when they differ)
    end_label: str
    seats_left: int
    hosting: bool
    joined: bool
    clash: tuple[Meeting, ...] = ()  # their meetings that joining would rule out


def session_places(
    event: Event, participant_id: str, meetings: Sequence[Meeting]
) -> tuple[SessionPlace, ...]:
    """Every group session of ``event`` for ``participant_id``, by start time, with the
    meetings of theirs (``meetings``: the published schedule) each one would clash with."""
    participant = event.participants[participant_id]
    mine = [m for m in meetings if participant_id in m.pair]
    places = []
    for session in sorted(event.sessions, key=lambda s: (s.start, s.id)):
        hosting = participant_id in session.hosts
        joined = participant_id in session.attendees
        clash: tuple[Meeting, ...] = ()
        if not (hosting or joined) and mine:
            alone = replace(session, hosts=(participant_id,), attendees=())
            busy = replace(event, sessions=(alone,)).session_busy.get(participant_id, ())
            clash = tuple(m for m in mine if m.slot in busy)
        start, end = time_labels(event, participant, session.start, session.end)
        places.append(
            SessionPlace(
                session,
                venue_of(event, session.venue).name,
                start,
                end,
                max(0, session.capacity - len(session.attendees)),
                hosting,
                joined,
                clash,
            )
        )
    return tuple(places)

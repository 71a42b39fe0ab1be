"""Accepted requests seated in the published schedule, without moving anyone else.

Before a schedule is published, an accepted request becomes a must-meet for the optimiser
(:func:`~tradepivot.services.participation.apply_accepted_requests`). Once one is, waiting
for the organiser's next run would leave the two without their meeting: here each accepted
request whose pair has no meeting yet is placed in the earliest slot still ahead where both
are free, at a free table, with an interpreter when they need one
(:func:`~tradepivot.matchmaking.placement.place_pair`), as a *locked* meeting, so later
runs and reschedules keep it. A request booked into a slot (:func:`~.requests.book_request`)
keeps its slot and table when they still work.

The seated meetings are published as the next version, so agendas, calendar feeds and the
e-mails (:mod:`~.notify`) follow the one schedule. When someone publishes meanwhile, the
store refuses the stale version and the seating starts again from the new one: no write is
lost and nobody is double-booked (the database's unique seats decide in the end).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Engine

from tradepivot.db.store import SqlStore
from tradepivot.errors import ScheduleConflictError
from tradepivot.i18n import N_
from tradepivot.matchmaking.model import Meeting
from tradepivot.matchmaking.phrases import Phrase, phrase
from tradepivot.matchmaking.placement import place_pair
from tradepivot.services.portal.requests import MeetingRequest, bookings, event_requests

__all__ = ["NOT_PUBLISHED", "Seating", "accepted_meetings", "seat_accepted_requests"]

NOT_PUBLISHED = phrase(
    N_("no schedule is published yet: accepted requests become must-meets when the optimiser runs")
)

NOT_PLACED = phrase(N_("no slot works for both"))


@dataclass(frozen=True)
class Seating:
    """What a seating did: the version it published (None: nothing new to publish), the
    meetings it added by request id, and the requests it could not seat, with why."""

    version: int | None
    seated: tuple[tuple[int, Meeting], ...] = ()
    unplaced: tuple[tuple[int, Phrase], ...] = ()


def seat_accepted_requests(
    engine: Engine,
    store: SqlStore,
    event_id: str,
    *,
    request_ids: Collection[int] | None = None,
    now: dt.datetime | None = None,
    attempts: int = 5,
) -> Seating:
    """Seat the event's accepted requests (or those of ``request_ids``) that have no meeting
    in the published schedule, in slots starting after ``now``; publish them as a new
    version. Retries from the new version when another publish wins the race."""
    when = now or dt.datetime.now(dt.UTC)
    for _ in range(attempts):
        try:
            return _seat_once(engine, store, event_id, request_ids, when)
        except ScheduleConflictError:
            continue  # published meanwhile: seat again from the version that won
    raise ScheduleConflictError(
        f"The schedule of event {event_id!r} kept changing while the accepted requests were "
        f"being seated ({attempts} tries).",
        hint="Try again in a moment.",
    )


def _seat_once(
    engine: Engine,
    store: SqlStore,
    event_id: str,
    request_ids: Collection[int] | None,
    now: dt.datetime,
) -> Seating:
    accepted = [
        r
        for r in event_requests(engine, event_id)
        if r.status == "accepted" and (request_ids is None or r.id in request_ids)
    ]
    loaded = store.load(event_id)
    if loaded.version == 0:
        return Seating(None, (), tuple((r.id, NOT_PUBLISHED) for r in accepted))
    event = loaded.event
    meetings = list(event.meetings)
    met = {m.pair for m in meetings}
    booked = {b.request_id: Meeting(b.a, b.b, b.slot, b.table) for b in bookings(engine, event_id)}
    # a booking not yet in the schedule holds its people and its table in its slot
    holding = [m for rid, m in booked.items() if m.pair not in met]
    open_slots = {s.id for s in event.slots if s.start > now}
    seated: list[tuple[int, Meeting]] = []
    unplaced: list[tuple[int, Phrase]] = []
    for request in sorted(accepted, key=lambda r: (r.id not in booked, r.id)):
        pair = _pair(request)
        if pair in met:
            continue
        mine = booked.get(request.id)
        others = [m for m in holding if m is not mine]
        placement = None
        if mine is not None and mine.slot in open_slots:
            placement = place_pair(
                event, [*meetings, *others], *pair, open_slots={mine.slot}, tables={mine.table}
            )
        if placement is None or placement.meeting is None:
            placement = place_pair(event, [*meetings, *others], *pair, open_slots=open_slots)
        if placement.meeting is None:
            unplaced.append((request.id, placement.reason or NOT_PLACED))
            continue
        meetings.append(placement.meeting)
        met.add(pair)
        if mine is not None:
            holding.remove(mine)
        seated.append((request.id, placement.meeting))
    if not seated:
        return Seating(None, (), tuple(unplaced))
    note = f"{len(seated)} accepted request(s) seated"
    version = store.publish(event_id, meetings, base_version=loaded.version, note=note)
    published = tuple((rid, replace(m, published=True)) for rid, m in seated)
    return Seating(version.number, published, tuple(unplaced))


def accepted_meetings(
    requests: Sequence[MeetingRequest], meetings: Sequence[Meeting]
) -> dict[int, Meeting | None]:
    """Each accepted request's meeting in ``meetings`` (a published version), by request id;
    None for one not seated yet."""
    by_pair = {m.pair: m for m in meetings}
    return {r.id: by_pair.get(_pair(r)) for r in requests if r.status == "accepted"}


def _pair(request: MeetingRequest) -> tuple[str, str]:
    a, b = request.requester, request.recipient
    return (a, b) if a < b else (b, a)

"""An :class:`~tradepivot.matchmaking.model.Event` to table rows and back.

Rows are written from the event's values, local times in each venue's zone (as an event
folder writes them); reading turns rows back into records for
:func:`~tradepivot.events.assemble.assemble`, so an event from the database passes exactly
the checks an event folder passes, and a problem names the event, table and record.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tradepivot.db.models import (
    EventRow,
    InterpreterRow,
    MeetingRow,
    MeetingSeatRow,
    OrganisationRow,
    PairWeightRow,
    ParticipantRow,
    PreferenceRow,
    ProductRow,
    SessionRow,
    SlotRow,
    TableRow,
    TravelRow,
    VenueRow,
)
from tradepivot.errors import InputError
from tradepivot.events.assemble import Record
from tradepivot.events.schemas import NO_SLOT, EventMetaIn
from tradepivot.matchmaking.model import ComponentWeights, Event, Meeting, Participant

__all__ = [
    "RowPlace",
    "event_records",
    "meeting_record",
    "meeting_rows",
    "meetings_of",
    "participant_record",
    "participant_row",
    "product_rows",
    "write_event_rows",
    "write_participant",
]


@dataclass(frozen=True)
class RowPlace:
    """A record of an event in the database, for located messages:
    ``event 'forum', participants 'bu1', field 'country': ...``."""

    event_id: str
    table: str
    key: str = ""

    def error(
        self,
        field: str | None,
        problem: str,
        *,
        expected: str | None = None,
        hint: str | None = None,
    ) -> InputError:
        text = f"{self.where(field)}: {problem}"
        if expected:
            text += f" (expected {expected})"
        return InputError(text, hint=hint, param=field)

    def where(self, field: str | None = None) -> str:
        where = f"event {self.event_id!r}, {self.table}"
        if self.key:
            where += f" {self.key!r}"
        return where + (f", field {field!r}" if field else "")

    def same_as(self) -> str:
        return f"{self.table} {self.key!r}" if self.key else self.table


# ---------------------------------------------------------------------------------- writing
def _local(zone: str, moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(zone))


def _slots(ids: frozenset[str] | None, order: Mapping[str, int]) -> list[str] | None:
    if ids is None:
        return None
    return sorted(ids, key=lambda s: (order.get(s, len(order)), s))


def write_event_rows(session: Session, event_id: str, event: Event, description: str) -> None:
    """Replace the registration rows of ``event_id`` with ``event``'s (the event row is
    created or updated; schedules are not touched).

    Rows other tables point at (venues, slots, tables, interpreters, participants) are
    updated in place and only the ones gone from ``event`` are deleted, so a participant
    still seated in a published version cannot vanish (the foreign key refuses it).
    """
    default = ComponentWeights().as_dict()
    weights = {k: v for k, v in event.weights.as_dict().items() if v != default[k]}
    row = session.get(EventRow, event_id, with_for_update=True)
    if row is None:
        row = EventRow(id=event_id, name=event.name, timezone=event.timezone, current_version=0)
        session.add(row)
    row.name, row.timezone, row.synthetic = event.name, event.timezone, event.synthetic
    row.description, row.weights = description, weights
    session.flush()
    children: tuple[type[Any], ...] = (
        ProductRow,
        PreferenceRow,
        TravelRow,
        PairWeightRow,
        SessionRow,
    )
    for child in children:
        session.execute(delete(child).where(child.event_id == event_id))
    order = {s.id: i for i, s in enumerate(event.slots)}
    venues = [
        VenueRow(
            event_id=event_id, id=v.id, name=v.name, city=v.city, timezone=v.timezone, position=i
        )
        for i, v in enumerate(event.venues.values())
    ]
    slots = []
    for i, s in enumerate(event.slots):
        zone = event.venues[s.venue].timezone if s.venue in event.venues else event.timezone
        start, end = _local(zone, s.start), _local(zone, s.end)
        slots.append(
            SlotRow(
                event_id=event_id,
                id=s.id,
                venue_id=s.venue,
                date=start.date(),
                start_time=start.time().replace(tzinfo=None),
                end_time=end.time().replace(tzinfo=None),
                session=s.session,
                position=i,
            )
        )
    tables = [
        TableRow(
            event_id=event_id,
            id=t.id,
            venue_id=t.venue,
            unavailable=_slots(t.unavailable, order) or [],
            position=i,
        )
        for i, t in enumerate(event.tables)
    ]
    interpreters = [
        InterpreterRow(
            event_id=event_id,
            id=x.id,
            name=x.name,
            pairs=sorted("-".join(sorted(p)) for p in x.pairs if len(p) == 2),
            venue_id=x.venue,
            available=_slots(x.available, order),
            position=i,
        )
        for i, x in enumerate(event.interpreters)
    ]
    organisations = _organisations(
        session, event_id, {p.organisation for p in event.participants.values()}
    )
    participants = [
        participant_row(event_id, p, organisations[p.organisation], order, i)
        for i, p in enumerate(event.participants.values())
    ]
    kept: list[tuple[type[Any], set[str]]] = []
    for model, rows in (
        (VenueRow, venues),
        (SlotRow, slots),
        (TableRow, tables),
        (InterpreterRow, interpreters),
        (ParticipantRow, participants),
    ):
        _upsert(session, event_id, model, rows)
        kept.append((model, {r.id for r in rows}))
    session.add_all(row for p in event.participants.values() for row in product_rows(event_id, p))
    session.add_all(
        PreferenceRow(
            event_id=event_id, source=x.source, target=x.target, level=x.level, position=i
        )
        for i, x in enumerate(event.preferences)
    )
    session.add_all(
        TravelRow(event_id=event_id, from_venue=a, to_venue=b, minutes=m)
        for (a, b), m in event.travel_minutes.items()
    )
    session.add_all(
        PairWeightRow(
            event_id=event_id,
            position=i,
            source=w.source,
            target=w.target,
            weight=w.weight,
            reason=w.reason,
            mode=w.mode,
        )
        for i, w in enumerate(event.pair_weights)
    )
    for i, g in enumerate(event.sessions):
        zone = event.venues[g.venue].timezone if g.venue in event.venues else event.timezone
        start, end = _local(zone, g.start), _local(zone, g.end)
        session.add(
            SessionRow(
                event_id=event_id,
                id=g.id,
                title=g.title,
                date=start.date(),
                start_time=start.time().replace(tzinfo=None),
                end_time=end.time().replace(tzinfo=None),
                venue_id=g.venue,
                capacity=g.capacity,
                kind=g.kind,
                hosts=list(g.hosts),
                attendees=list(g.attendees),
                description=g.description,
                position=i,
            )
        )
    session.flush()
    for model, ids in reversed(kept):
        session.execute(delete(model).where(model.event_id == event_id, model.id.not_in(ids)))
    used = select(ParticipantRow.organisation_id).where(ParticipantRow.event_id == event_id)
    session.execute(
        delete(OrganisationRow).where(
            OrganisationRow.event_id == event_id, OrganisationRow.id.not_in(used)
        )
    )
    session.flush()


def participant_row(
    event_id: str, p: Participant, organisation_id: int, order: Mapping[str, int], position: int
) -> ParticipantRow:
    """The row of participant ``p`` (its products are :func:`product_rows`)."""
    return ParticipantRow(
        event_id=event_id,
        id=p.id,
        organisation_id=organisation_id,
        side=p.side,
        country=p.country,
        city=p.city,
        contact=p.contact,
        email=p.email,
        delegation=p.delegation,
        cooperation_offered=list(p.cooperation_offered),
        cooperation_sought=list(p.cooperation_sought),
        languages=list(p.languages),
        certifications=list(p.certifications),
        description=p.description,
        timezone=p.timezone,
        available=_slots(p.available, order),
        max_meetings=p.max_meetings,
        services_offered=list(p.services_offered),
        services_sought=list(p.services_sought),
        skills_offered=list(p.skills_offered),
        skills_sought=list(p.skills_sought),
        position=position,
    )


def product_rows(event_id: str, p: Participant) -> list[ProductRow]:
    """One row per HS code the participant offers or seeks, in order."""
    return [
        ProductRow(event_id=event_id, participant_id=p.id, direction=d, position=i, hs=code)
        for d, codes in (("offers", p.offers), ("seeks", p.seeks))
        for i, code in enumerate(codes)
    ]


def write_participant(session: Session, event_id: str, p: Participant) -> None:
    """Insert or update one participant and its products, touching no other row (a
    participant's own edit never overwrites anyone else's)."""
    order = {
        s: i
        for i, s in enumerate(
            session.scalars(
                select(SlotRow.id).where(SlotRow.event_id == event_id).order_by(SlotRow.position)
            )
        )
    }
    organisation = _organisations(session, event_id, [p.organisation])[p.organisation]
    existing = session.get(ParticipantRow, (event_id, p.id), with_for_update=True)
    position = (
        existing.position
        if existing is not None
        else (
            session.scalar(
                select(func.max(ParticipantRow.position)).where(ParticipantRow.event_id == event_id)
            )
            or 0
        )
        + 1
    )
    row = participant_row(event_id, p, organisation, order, position)
    if existing is None:
        session.add(row)
    else:
        for column in ParticipantRow.__table__.columns:
            if column.key not in ("event_id", "id"):
                setattr(existing, column.key, getattr(row, column.key))
    session.flush()
    session.execute(
        delete(ProductRow).where(ProductRow.event_id == event_id, ProductRow.participant_id == p.id)
    )
    session.add_all(product_rows(event_id, p))
    session.flush()


def _organisations(session: Session, event_id: str, names: Iterable[str]) -> dict[str, int]:
    known = {
        o.name: o.id
        for o in session.scalars(
            select(OrganisationRow).where(OrganisationRow.event_id == event_id)
        )
    }
    for name in sorted(set(names) - set(known)):
        row = OrganisationRow(event_id=event_id, name=name)
        session.add(row)
        session.flush()
        known[name] = row.id
    return known


def _upsert(session: Session, event_id: str, model: type[Any], rows: Sequence[Any]) -> None:
    """Insert new rows, update existing ones in place (one SELECT for all of them)."""
    existing = {r.id: r for r in session.scalars(select(model).where(model.event_id == event_id))}
    columns = [c.key for c in model.__table__.columns if c.key not in ("event_id", "id")]
    for row in rows:
        old = existing.get(row.id)
        if old is None:
            session.add(row)
        else:
            for column in columns:
                setattr(old, column, getattr(row, column))
    session.flush()


def meeting_rows(
    session: Session, schedule_id: int, event_id: str, meetings: Sequence[Meeting]
) -> None:
    """Insert ``meetings`` into a schedule, with a seat per participant (the database
    refuses a participant or a table twice in a slot)."""
    rows = []
    for i, m in enumerate(meetings):
        a, b = sorted((m.a, m.b))
        rows.append(
            MeetingRow(
                schedule_id=schedule_id,
                event_id=event_id,
                position=i,
                a=a,
                b=b,
                slot_id=m.slot,
                table_id=m.table,
                interpreter_id=m.interpreter,
                score=m.score,
                locked=m.locked,
                published=m.published,
            )
        )
    session.add_all(rows)
    session.flush()
    session.add_all(
        MeetingSeatRow(
            schedule_id=schedule_id,
            slot_id=r.slot_id,
            participant_id=who,
            event_id=event_id,
            meeting_id=r.id,
        )
        for r in rows
        for who in (r.a, r.b)
    )
    session.flush()


def meetings_of(session: Session, schedule_id: int) -> tuple[Meeting, ...]:
    """A schedule's meetings in their order."""
    rows = session.scalars(
        select(MeetingRow)
        .where(MeetingRow.schedule_id == schedule_id)
        .order_by(MeetingRow.position)
    )
    return tuple(
        Meeting(r.a, r.b, r.slot_id, r.table_id, r.interpreter_id, r.score, r.locked, r.published)
        for r in rows
    )


def meeting_record(event_id: str, m: Meeting) -> Record:
    return Record(
        RowPlace(event_id, "meetings", f"{m.a}-{m.b}@{m.slot}"),
        {
            "a": m.a,
            "b": m.b,
            "slot": m.slot,
            "table": m.table,
            "interpreter": m.interpreter,
            "score": m.score,
            "locked": m.locked,
            "published": m.published,
        },
    )


# ---------------------------------------------------------------------------------- reading
def _available(ids: list[str] | None) -> object:
    if ids is None:
        return None
    return ids if ids else NO_SLOT


def _ordered(session: Session, model: type[Any], event_id: str) -> list[Any]:
    query = select(model).where(model.event_id == event_id)
    if hasattr(model, "position"):
        query = query.order_by(model.position)
    return list(session.scalars(query))


def participant_record(event_id: str, p: Participant) -> Record:
    """A participant as a record for ``assemble`` (to check it with the event's rules)."""
    available = None if p.available is None else (sorted(p.available) or NO_SLOT)
    cells: dict[str, object] = {
        "id": p.id, "organisation": p.organisation, "side": p.side, "country": p.country,
        "city": p.city, "contact": p.contact, "email": p.email, "delegation": p.delegation,
        "offers": list(p.offers), "seeks": list(p.seeks),
        "cooperation_offered": list(p.cooperation_offered),
        "cooperation_sought": list(p.cooperation_sought), "languages": list(p.languages),
        "certifications": list(p.certifications), "description": p.description,
        "timezone": p.timezone, "available": available, "max_meetings": p.max_meetings,
        "services_offered": list(p.services_offered), "services_sought": list(p.services_sought),
        "skills_offered": list(p.skills_offered), "skills_sought": list(p.skills_sought),
    }  # fmt: skip
    return Record(RowPlace(event_id, "participants", p.id), cells)


def event_records(session: Session, row: EventRow) -> tuple[EventMetaIn, dict[str, list[Record]]]:
    """The event's meta and its registration tables as records for ``assemble``."""
    event_id = row.id
    meta = EventMetaIn.model_validate(
        {
            "name": row.name,
            "timezone": row.timezone,
            "synthetic": row.synthetic,
            "description": row.description or None,
            "weights": row.weights or {},
        }
    )

    def records(table: str, items: Iterable[tuple[str, Mapping[str, object]]]) -> list[Record]:
        return [Record(RowPlace(event_id, table, key), cells) for key, cells in items]

    products: dict[tuple[str, str], list[str]] = {}
    for product in _ordered(session, ProductRow, event_id):
        products.setdefault((product.participant_id, product.direction), []).append(product.hs)
    names = {
        o.id: o.name
        for o in session.scalars(
            select(OrganisationRow).where(OrganisationRow.event_id == event_id)
        )
    }
    tables: dict[str, list[Record]] = {
        "venues": records(
            "venues",
            ((v.id, {"id": v.id, "name": v.name, "city": v.city, "timezone": v.timezone})
             for v in _ordered(session, VenueRow, event_id)),
        ),
        "slots": records(
            "slots",
            ((s.id, {"id": s.id, "date": s.date, "start": s.start_time, "end": s.end_time,
                     "venue": s.venue_id, "session": s.session})
             for s in _ordered(session, SlotRow, event_id)),
        ),
        "tables": records(
            "tables",
            ((t.id, {"id": t.id, "venue": t.venue_id, "unavailable": t.unavailable})
             for t in _ordered(session, TableRow, event_id)),
        ),
        "interpreters": records(
            "interpreters",
            ((x.id, {"id": x.id, "name": x.name, "pairs": x.pairs, "venue": x.venue_id,
                     "available": _available(x.available)})
             for x in _ordered(session, InterpreterRow, event_id)),
        ),
        "participants": records(
            "participants",
            ((p.id, {
                "id": p.id, "organisation": names[p.organisation_id], "side": p.side,
                "country": p.country, "city": p.city, "contact": p.contact, "email": p.email,
                "delegation": p.delegation, "offers": products.get((p.id, "offers"), []),
                "seeks": products.get((p.id, "seeks"), []),
                "cooperation_offered": p.cooperation_offered,
                "cooperation_sought": p.cooperation_sought, "languages": p.languages,
                "certifications": p.certifications, "description": p.description,
                "timezone": p.timezone, "available": _available(p.available),
                "max_meetings": p.max_meetings, "services_offered": p.services_offered,
                "services_sought": p.services_sought, "skills_offered": p.skills_offered,
                "skills_sought": p.skills_sought,
            }) for p in _ordered(session, ParticipantRow, event_id)),
        ),
        "travel": records(
            "travel",
            ((f"{t.from_venue}-{t.to_venue}",
              {"from": t.from_venue, "to": t.to_venue, "minutes": t.minutes})
             for t in _ordered(session, TravelRow, event_id)),
        ),
        "preferences": records(
            "preferences",
            ((f"{x.source}-{x.target}", {"source": x.source, "target": x.target, "level": x.level})
             for x in _ordered(session, PreferenceRow, event_id)),
        ),
        "scores": records(
            "pair weights",
            ((f"{w.source}-{w.target}", {"source": w.source, "target": w.target,
                                         "weight": w.weight, "reason": w.reason, "mode": w.mode})
             for w in _ordered(session, PairWeightRow, event_id)),
        ),
        "sessions": records(
            "sessions",
            ((g.id, {"id": g.id, "title": g.title, "date": g.date, "start": g.start_time,
                     "end": g.end_time, "venue": g.venue_id, "capacity": g.capacity,
                     "kind": g.kind, "hosts": g.hosts, "attendees": g.attendees,
                     "description": g.description})
             for g in _ordered(session, SessionRow, event_id)),
        ),
    }  # fmt: skip
    return meta, tables

"""The SQL event store: :class:`SqlStore`, the :class:`~tradepivot.events.store.EventStore`
of the portal, on SQLite or PostgreSQL.

It keeps the protocol's contract (``tests/events/test_contract.py`` runs the same tests on
the folder store and on this one, on both databases):

- ``load`` reads the event in one snapshot (REPEATABLE READ on PostgreSQL, one read
  transaction on SQLite in WAL mode) and validates it with the same assembly as a folder;
- ``publish`` is one transaction that locks the event (``SELECT ... FOR UPDATE`` on
  PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), checks ``base_version`` against the event's
  ``current_version``, writes the new version's meetings and seats and moves
  ``current_version``; a reader sees the old version or the new one, never a mix, and a
  process killed mid-publish leaves the old one (the transaction never committed);
- a second publisher waits for the first (up to ``lock_timeout`` seconds), then gets
  :class:`~tradepivot.errors.ScheduleConflictError` when its base version is stale;
- published versions are 1, 2, ... without gaps; version 0 is a schedule imported with the
  event before anything was published (:meth:`SqlStore.import_schedule`).

Example::

    store = SqlStore(make_engine(settings))
    loaded = store.load("forum")
    store.publish("forum", meetings, base_version=loaded.version, note="day 1")
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tradepivot.data.reference import Reference
from tradepivot.db.engine import (
    BUSY_TIMEOUT_SECONDS,
    is_lock_timeout,
    read_session,
    redacted,
    write_session,
)
from tradepivot.db.models import CandidateScoreRow, EventRow, ScheduleRow, SessionRow
from tradepivot.db.rows import (
    RowPlace,
    event_records,
    meeting_record,
    meeting_rows,
    meetings_of,
    participant_record,
    write_event_rows,
    write_participant,
)
from tradepivot.errors import DataSourceError, InputError, ScheduleConflictError
from tradepivot.events.assemble import assemble
from tradepivot.events.schemas import is_identifier
from tradepivot.events.store import (
    Draft,
    LoadedEvent,
    ScheduleVersion,
    ScoreSet,
    score_from_json,
    score_json,
)
from tradepivot.matchmaking.model import Event, Meeting, Participant
from tradepivot.matchmaking.scoring import Score

__all__ = ["SqlStore"]


CACHED_EVENTS = 16  # assembled events a store keeps (the most recently read)
CACHED_VERSIONS = 256  # published versions' meetings a store keeps


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class SqlStore:
    """Events in the portal database (see the module docstring for the contract).

    ``lock_timeout``: seconds a publisher waits for another before giving up with
    :class:`~tradepivot.errors.ScheduleConflictError`.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        reference: Reference | None = None,
        lock_timeout: float = BUSY_TIMEOUT_SECONDS,
    ) -> None:
        self.engine = engine
        self.reference = reference or Reference()
        self.lock_timeout = lock_timeout
        # Assembled events by id with the (created_at, revision) they were read at, and
        # published versions' meetings by schedule row (a published version never changes):
        # a page asks for the event many times a second on the day, and assembling 500
        # participants through their row schemas takes a tenth of a second. Each read still
        # compares the event row's revision in its own transaction, so every process (and
        # every worker) sees each change at once.
        self._cache_lock = threading.Lock()
        self._events: OrderedDict[str, tuple[tuple[object, int], LoadedEvent]] = OrderedDict()
        self._meetings: OrderedDict[tuple[int, object], tuple[Meeting, ...]] = OrderedDict()

    # -- helpers -----------------------------------------------------------------------------
    def _where(self) -> str:
        return redacted(self.engine.url.render_as_string(hide_password=False))

    @staticmethod
    def _check_id(event_id: str) -> None:
        if not is_identifier(event_id):
            raise InputError(
                f"{event_id!r} is not an event id.",
                hint="Event ids are letters, digits and _ . - (no slashes).",
            )

    def _event(self, session: Session, event_id: str, *, lock: bool = False) -> EventRow:
        self._check_id(event_id)
        row = session.get(EventRow, event_id, with_for_update=lock or None)
        if row is None:
            known = ", ".join(self._ids(session)[:10]) or "none"
            raise InputError(
                f"No event {event_id!r} in the database {self._where()}.",
                hint=f"Events: {known}. Import one with: tradepivot event import FOLDER",
            )
        return row

    @staticmethod
    def _ids(session: Session) -> list[str]:
        return list(session.scalars(select(EventRow.id).order_by(EventRow.id)))

    @staticmethod
    def _changed(session: Session, event_id: str) -> None:
        """Count a change of what :meth:`load` returns (see ``EventRow.revision``)."""
        session.execute(
            update(EventRow).where(EventRow.id == event_id).values(revision=EventRow.revision + 1)
        )

    def _schedule_meetings(self, session: Session, schedule: ScheduleRow) -> tuple[Meeting, ...]:
        """A schedule's meetings; a published version's are read once per process."""
        if schedule.kind != "published":
            return meetings_of(session, schedule.id)
        key = (schedule.id, schedule.created_at)
        with self._cache_lock:
            found = self._meetings.get(key)
            if found is not None:
                self._meetings.move_to_end(key)
                return found
        meetings = meetings_of(session, schedule.id)
        with self._cache_lock:
            self._meetings[key] = meetings
            while len(self._meetings) > CACHED_VERSIONS:
                self._meetings.popitem(last=False)
        return meetings

    @contextmanager
    def _writing(self, event_id: str) -> Iterator[Session]:
        """A write transaction that waits at most ``lock_timeout`` for another writer."""
        try:
            with write_session(self.engine, lock_timeout=self.lock_timeout) as session:
                yield session
        except DataSourceError as exc:
            if is_lock_timeout(exc):
                raise self._busy(event_id) from exc
            raise

    def _busy(self, event_id: str) -> ScheduleConflictError:
        return ScheduleConflictError(
            f"Another process is publishing event {event_id!r} and held it for more than "
            f"{self.lock_timeout:g} s.",
            hint="Try again when it has finished.",
        )

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with read_session(self.engine) as session:
            if self.engine.dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield session

    # -- the protocol ------------------------------------------------------------------------
    def event_ids(self) -> list[str]:
        with self._reading() as session:
            return self._ids(session)

    def load(self, event_id: str) -> LoadedEvent:
        with self._reading() as session:
            row = self._event(session, event_id)
            stamp = (row.created_at, row.revision)
            with self._cache_lock:
                hit = self._events.get(event_id)
            if hit is not None and hit[0] == stamp:
                return hit[1]
            meta, tables = event_records(session, row)
            current = self._current(session, event_id)
            meetings = self._schedule_meetings(session, current) if current is not None else ()
            version = row.current_version
            description = row.description
        event, notes = assemble(
            meta,
            tables,
            self.reference,
            places={name: RowPlace(event_id, name) for name in (*tables, "meetings")},
            meetings=[meeting_record(event_id, m) for m in meetings],
        )
        loaded = LoadedEvent(
            event_id, event, tuple(notes), version=version, description=description
        )
        with self._cache_lock:
            self._events[event_id] = (stamp, loaded)
            self._events.move_to_end(event_id)
            while len(self._events) > CACHED_EVENTS:
                self._events.popitem(last=False)
        return loaded

    @staticmethod
    def _current(session: Session, event_id: str) -> ScheduleRow | None:
        return session.scalars(
            select(ScheduleRow)
            .join(EventRow, EventRow.id == ScheduleRow.event_id)
            .where(
                ScheduleRow.event_id == event_id,
                ScheduleRow.kind == "published",
                ScheduleRow.number == EventRow.current_version,
            )
        ).one_or_none()

    def save(self, event_id: str, event: Event, *, description: str = "") -> None:
        self._check_id(event_id)
        try:
            with self._writing(event_id) as session:
                write_event_rows(session, event_id, event, description)
                self._changed(session, event_id)
        except IntegrityError as exc:
            raise InputError(
                f"Event {event_id!r} cannot be saved: a venue, slot, table, interpreter or "
                "participant it drops is still used by a published schedule, a request or a "
                "user.",
                hint="Keep it and mark it unavailable instead (available: none).",
            ) from exc

    def publish(
        self, event_id: str, meetings: Sequence[Meeting], *, base_version: int, note: str = ""
    ) -> ScheduleVersion:
        final = tuple(dataclasses.replace(m, published=True) for m in meetings)
        when = _now()
        with self._writing(event_id) as session:
            row = self._event(session, event_id, lock=True)
            if row.current_version != base_version:
                raise ScheduleConflictError(
                    f"Event {event_id!r} was published as version {row.current_version} while "
                    f"this schedule was computed from version {base_version}: publishing it "
                    "would lose that version's changes.",
                    hint="Run the schedule again from the current version, then publish.",
                )
            last = session.scalar(
                select(func.max(ScheduleRow.number)).where(
                    ScheduleRow.event_id == event_id, ScheduleRow.kind == "published"
                )
            )
            number = (last or 0) + 1
            schedule = ScheduleRow(
                event_id=event_id,
                kind="published",
                number=number,
                base_version=base_version,
                created_at=when,
                note=note,
            )
            session.add(schedule)
            session.flush()
            self._insert(session, schedule.id, event_id, final)
            session.execute(
                update(EventRow)
                .where(EventRow.id == event_id)
                .values(current_version=number, revision=EventRow.revision + 1)
            )
        return ScheduleVersion(number, final, when, note)

    def _insert(
        self, session: Session, schedule_id: int, event_id: str, meetings: Sequence[Meeting]
    ) -> None:
        seen: dict[tuple[str, str], Meeting] = {}
        for m in meetings:
            for who in (m.a, m.b, f"table {m.table}"):
                first = seen.setdefault((m.slot, who), m)
                if first is not m:
                    raise InputError(
                        f"The schedule puts {who} in two meetings in slot {m.slot!r} "
                        f"({first.a}-{first.b} and {m.a}-{m.b}).",
                        hint="One meeting per participant and table per slot.",
                    )
        try:
            meeting_rows(session, schedule_id, event_id, meetings)
        except IntegrityError as exc:
            raise InputError(
                f"The schedule names a participant, slot, table or interpreter event "
                f"{event_id!r} does not have ({_first_line(exc)}).",
                hint="Load the event again and schedule from it.",
            ) from exc

    def published(self, event_id: str, version: int | None = None) -> ScheduleVersion | None:
        with self._reading() as session:
            row = self._event(session, event_id)
            number = row.current_version if version is None else version
            schedule = session.scalars(
                select(ScheduleRow).where(
                    ScheduleRow.event_id == event_id,
                    ScheduleRow.kind == "published",
                    ScheduleRow.number == number,
                )
            ).one_or_none()
            if schedule is None:
                if number == 0:
                    return None
                known = self._numbers(session, event_id)
                raise InputError(
                    f"Event {event_id!r} has no published version {number}.",
                    hint=f"Versions: {', '.join(map(str, known)) or 'none'}.",
                )
            meetings = self._schedule_meetings(session, schedule)
        if number == 0:  # imported: only what was published before
            meetings = tuple(m for m in meetings if m.published)
            if not meetings:
                return None
        return ScheduleVersion(number, meetings, schedule.created_at, schedule.note)

    @staticmethod
    def _numbers(session: Session, event_id: str) -> list[int]:
        return [
            n
            for n in session.scalars(
                select(ScheduleRow.number)
                .where(ScheduleRow.event_id == event_id, ScheduleRow.kind == "published")
                .order_by(ScheduleRow.number)
            )
            if n
        ]

    def history(self, event_id: str) -> list[ScheduleVersion]:
        with self._reading() as session:
            self._event(session, event_id)
            schedules = session.scalars(
                select(ScheduleRow)
                .where(
                    ScheduleRow.event_id == event_id,
                    ScheduleRow.kind == "published",
                    ScheduleRow.number > 0,
                )
                .order_by(ScheduleRow.number)
            ).all()
            return [
                ScheduleVersion(
                    s.number or 0, self._schedule_meetings(session, s), s.created_at, s.note
                )
                for s in schedules
            ]

    def save_draft(
        self, event_id: str, meetings: Sequence[Meeting], *, base_version: int, note: str = ""
    ) -> Draft:
        draft = Draft(tuple(meetings), _now(), base_version, note)
        with self._writing(event_id) as session:
            self._event(session, event_id, lock=True)
            session.execute(
                delete(ScheduleRow).where(
                    ScheduleRow.event_id == event_id, ScheduleRow.kind == "draft"
                )
            )
            schedule = ScheduleRow(
                event_id=event_id,
                kind="draft",
                number=None,
                base_version=base_version,
                created_at=draft.created_at,
                note=note,
            )
            session.add(schedule)
            session.flush()
            self._insert(session, schedule.id, event_id, draft.meetings)
        return draft

    def draft(self, event_id: str) -> Draft | None:
        with self._reading() as session:
            self._event(session, event_id)
            schedule = session.scalars(
                select(ScheduleRow).where(
                    ScheduleRow.event_id == event_id, ScheduleRow.kind == "draft"
                )
            ).one_or_none()
            if schedule is None:
                return None
            meetings = meetings_of(session, schedule.id)
        return Draft(meetings, schedule.created_at, schedule.base_version, schedule.note)

    def save_scores(self, event_id: str, scores: ScoreSet) -> None:
        with self._writing(event_id) as session:
            row = self._event(session, event_id, lock=True)
            session.execute(delete(CandidateScoreRow).where(CandidateScoreRow.event_id == event_id))
            pairs = sorted(scores.scores)
            if pairs:
                session.execute(
                    insert(CandidateScoreRow),
                    [
                        {
                            "event_id": event_id,
                            "a": a,
                            "b": b,
                            "score": score_json(scores.scores[(a, b)]),
                        }
                        for a, b in pairs
                    ],
                )
            row.scores_key = scores.key

    def update_scores(
        self,
        event_id: str,
        *,
        base_key: str,
        key: str,
        participants: frozenset[str],
        scores: Mapping[tuple[str, str], Score],
    ) -> bool:
        with self._writing(event_id) as session:
            row = self._event(session, event_id, lock=True)
            if row.scores_key != base_key:
                return False
            touched = sorted(participants)
            session.execute(
                delete(CandidateScoreRow).where(
                    CandidateScoreRow.event_id == event_id,
                    CandidateScoreRow.a.in_(touched) | CandidateScoreRow.b.in_(touched),
                )
            )
            if scores:
                session.execute(
                    insert(CandidateScoreRow),
                    [
                        {"event_id": event_id, "a": a, "b": b, "score": score_json(scores[(a, b)])}
                        for a, b in sorted(scores)
                    ],
                )
            row.scores_key = key
        return True

    def load_scores(
        self, event_id: str, key: str, *, participant: str | None = None
    ) -> ScoreSet | None:
        with self._reading() as session:
            row = self._event(session, event_id)
            if row.scores_key != key:
                return None
            query = select(CandidateScoreRow).where(CandidateScoreRow.event_id == event_id)
            if participant is not None:
                query = query.where(
                    (CandidateScoreRow.a == participant) | (CandidateScoreRow.b == participant)
                )
            found = {(r.a, r.b): score_from_json(r.score) for r in session.scalars(query)}
        return ScoreSet(key, found)

    # -- beyond the protocol -------------------------------------------------------------------
    def save_participant(self, event_id: str, participant: Participant) -> None:
        """Store one participant's registration (a portal profile edit), touching no other
        participant's rows (and counting the change on the event's revision): concurrent
        edits of different participants, and a publish, all keep theirs.
        The participant is checked with the event's own rules first (InputError)."""
        with self._reading() as session:
            row = self._event(session, event_id)
            meta, tables = event_records(session, row)
        others = [r for r in tables["participants"] if r.cells.get("id") != participant.id]
        mine = participant_record(event_id, participant)
        assemble(
            meta,
            {**tables, "participants": [*others, mine]},
            self.reference,
            places={name: RowPlace(event_id, name) for name in (*tables, "meetings")},
            meetings=[],
        )
        with self._writing(event_id) as session:
            self._event(session, event_id)
            # the event row first, as a publish takes it (PostgreSQL): the other order lets
            # an edit and a publish wait for each other
            self._changed(session, event_id)
            write_participant(session, event_id, participant)

    def set_session_seat(
        self, event_id: str, session_id: str, participant_id: str, *, join: bool
    ) -> None:
        """Add ``participant_id`` to a group session's attendees (``join``) or take them
        off, under the session row's lock, so concurrent joins never exceed its seats and
        no other participant's seat is lost. InputError: no such session, a host, full."""
        with self._writing(event_id) as session:
            self._event(session, event_id)
            self._changed(session, event_id)  # the event row first, as a publish locks it
            row = session.get(SessionRow, (event_id, session_id), with_for_update=True)
            if row is None:
                raise InputError(f"Event {event_id!r} has no session {session_id!r}.")
            if participant_id in row.hosts:
                raise InputError("You host this session: hosts keep their place.")
            attendees = [a for a in row.attendees if a != participant_id]
            if join:
                if len(attendees) >= row.capacity:
                    raise InputError(
                        f"{row.title} is full ({row.capacity} seats).",
                        hint="Ask the organiser for a seat, or choose another session.",
                    )
                attendees.append(participant_id)
            row.attendees = attendees

    def delete(self, event_id: str) -> None:
        """Remove the event and everything of it (schedules, requests, users, tokens)."""
        with self._writing(event_id) as session:
            self._event(session, event_id, lock=True)
            session.execute(delete(EventRow).where(EventRow.id == event_id))

    def import_schedule(
        self, event_id: str, meetings: Sequence[Meeting], *, note: str = ""
    ) -> None:
        """Keep ``meetings`` as version 0: a schedule that came with the event (an event
        folder's hand-written meetings file), flags as they are. Only before any publish."""
        with self._writing(event_id) as session:
            row = self._event(session, event_id, lock=True)
            if self._numbers(session, event_id) or row.current_version:
                raise ScheduleConflictError(
                    f"Event {event_id!r} has published versions: an imported schedule would "
                    "replace them.",
                    hint="Publish it as a new version instead.",
                )
            session.execute(
                delete(ScheduleRow).where(ScheduleRow.event_id == event_id, ScheduleRow.number == 0)
            )
            schedule = ScheduleRow(event_id=event_id, kind="published", number=0, note=note)
            session.add(schedule)
            session.flush()
            self._insert(session, schedule.id, event_id, tuple(meetings))
            self._changed(session, event_id)


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__

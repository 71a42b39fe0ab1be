"""The event store: one interface behind the CLI (a folder of files) and the portal (SQL).

An :class:`EventStore` keeps, per event id:

- the event's registration data (event, venues, slots, tables, interpreters, participants,
  travel, preferences): :meth:`EventStore.load` / :meth:`EventStore.save`;
- the published schedule as numbered versions: :meth:`EventStore.publish` adds version
  ``n + 1`` atomically and only when the caller's ``base_version`` is still the current one
  (so two organisers publishing at once cannot lose each other's schedule, or its locked
  meetings); every earlier version is kept (:meth:`EventStore.history`), which is what lets
  calendars receive updates and cancellations;
- the latest draft (a schedule computed but not published);
- the candidate scores computed for the event, under a key that changes whenever anything
  the scores depend on changes, so an agenda request reads scores instead of re-scoring.

Contract every implementation keeps (the SQL store included; ``tests/events`` runs the same
tests on each):

- ``load`` returns the event with ``meetings`` = the current published schedule (or, for a
  folder, a ``meetings`` file written by hand before anything was published: version 0);
- ``publish`` is atomic and serialised: readers see the previous or the new version, never a
  mix; a second publisher waits for the first, then fails with
  :class:`~tradepivot.errors.ScheduleConflictError` if the version it started from is no
  longer current; versions are 1, 2, 3, ... without gaps in ``history``;
- a published meeting has ``published=True``; locked meetings keep ``locked=True``;
- ``save`` never touches schedules; an event id is an identifier
  (:func:`~tradepivot.events.schemas.is_identifier`), never a path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from pydantic import TypeAdapter

from tradepivot.matchmaking.model import Event, Meeting
from tradepivot.matchmaking.scoring import Score

__all__ = [
    "Draft",
    "EventStore",
    "LoadedEvent",
    "ScheduleVersion",
    "ScoreSet",
    "score_from_json",
    "score_json",
]


@dataclass(frozen=True)
class ScheduleVersion:
    """One published schedule: version ``number`` (1, 2, ...), its meetings, when and why."""

    number: int
    meetings: tuple[Meeting, ...]
    published_at: dt.datetime  # UTC
    note: str = ""


@dataclass(frozen=True)
class Draft:
    """A schedule computed but not published, and the published version it started from."""

    meetings: tuple[Meeting, ...]
    created_at: dt.datetime  # UTC
    base_version: int
    note: str = ""


@dataclass(frozen=True)
class LoadedEvent:
    """An event as a store holds it.

    ``version`` is the published version ``event.meetings`` is (0: nothing published yet);
    ``edited`` is true when a folder's meetings file was changed by hand after that version
    was published (locks added, say): the next publish starts from it.
    """

    id: str
    event: Event
    notes: tuple[str, ...] = ()
    version: int = 0
    edited: bool = False
    description: str = ""


@dataclass(frozen=True)
class ScoreSet:
    """Candidate scores of an event, valid for the inputs ``key`` was computed from."""

    key: str
    scores: Mapping[tuple[str, str], Score] = field(default_factory=dict)


@runtime_checkable
class EventStore(Protocol):
    """Where events live: a folder of files (:class:`~tradepivot.events.folder.FolderStore`)
    or a database. See the module docstring for the contract."""

    def event_ids(self) -> list[str]:
        """The events the store holds, sorted."""
        ...

    def load(self, event_id: str) -> LoadedEvent:
        """The event with its current published schedule; raises
        :class:`~tradepivot.errors.InputError` (a located ``SourceFileError`` for files)
        when it is missing or invalid."""
        ...

    def save(self, event_id: str, event: Event, *, description: str = "") -> None:
        """Store the event's registration data (creating the event), not its schedule."""
        ...

    def publish(
        self, event_id: str, meetings: Sequence[Meeting], *, base_version: int, note: str = ""
    ) -> ScheduleVersion:
        """Make ``meetings`` version ``base_version + 1`` (every meeting published=True).

        Raises :class:`~tradepivot.errors.ScheduleConflictError` when ``base_version`` is no
        longer the current version (someone published meanwhile) or another publish holds
        the event for longer than the store waits.
        """
        ...

    def published(self, event_id: str, version: int | None = None) -> ScheduleVersion | None:
        """A published version (default the current one); None when nothing is published."""
        ...

    def history(self, event_id: str) -> list[ScheduleVersion]:
        """Every published version, oldest first."""
        ...

    def save_draft(
        self, event_id: str, meetings: Sequence[Meeting], *, base_version: int, note: str = ""
    ) -> Draft:
        """Keep ``meetings`` as the event's draft (replacing the previous draft)."""
        ...

    def draft(self, event_id: str) -> Draft | None:
        """The latest draft, or None."""
        ...

    def save_scores(self, event_id: str, scores: ScoreSet) -> None:
        """Keep the candidate scores (replacing any kept before)."""
        ...

    def load_scores(
        self, event_id: str, key: str, *, participant: str | None = None
    ) -> ScoreSet | None:
        """The kept scores if they were computed under ``key`` (None otherwise); only the
        pairs of ``participant`` when given."""
        ...

    def update_scores(
        self,
        event_id: str,
        *,
        base_key: str,
        key: str,
        participants: frozenset[str],
        scores: Mapping[tuple[str, str], Score],
    ) -> bool:
        """Replace the kept pairs that touch ``participants`` with ``scores`` and keep the
        whole set under ``key``, atomically and only when the kept scores are still under
        ``base_key`` (an incremental re-score after an edit); False, changing nothing,
        otherwise."""
        ...


_SCORE = TypeAdapter(Score)


def score_json(score: Score) -> str:
    """A score as JSON text (every store keeps scores this way, facts included)."""
    return _SCORE.dump_json(score).decode("utf-8")


def score_from_json(text: str | bytes) -> Score:
    """The score :func:`score_json` wrote."""
    return _SCORE.validate_json(text)

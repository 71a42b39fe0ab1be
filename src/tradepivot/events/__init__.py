"""Events as data: reading, validating and storing a B2B forum's registrations and schedules.

- :mod:`~tradepivot.events.tabular`: CSV/XLSX/JSON tables read with their line numbers;
- :mod:`~tradepivot.events.schemas`: pydantic row schemas (``ParticipantIn``, ``SlotIn``, ...)
  every store validates with;
- :mod:`~tradepivot.events.assemble`: validated records -> one ``Event``;
- :mod:`~tradepivot.events.store`: the ``EventStore`` protocol (load, save, publish versions,
  drafts, scores);
- :mod:`~tradepivot.events.folder`: the folder store (docs/events.md).
"""

from __future__ import annotations

from tradepivot.events.folder import FolderStore, load_event
from tradepivot.events.store import Draft, EventStore, LoadedEvent, ScheduleVersion, ScoreSet
from tradepivot.events.writer import write_event, write_meetings

__all__ = [
    "Draft",
    "EventStore",
    "FolderStore",
    "LoadedEvent",
    "ScheduleVersion",
    "ScoreSet",
    "load_event",
    "write_event",
    "write_meetings",
]

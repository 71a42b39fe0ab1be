"""Events between a folder and the portal database: import, export, and the store an
event argument names.

- :func:`import_event`: an event folder (registrations, every published version, a
  hand-written meetings file, the draft) into the database, all or nothing;
- :func:`export_event`: back to a folder the CLI works on (same tables; published versions
  re-numbered 1, 2, ... as in the database, dated at export);
- :func:`event_store`: ``db:ID`` means the event ``ID`` in the portal database, anything else
  is an event folder (how the ``match`` commands address either).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tradepivot.config import Settings
from tradepivot.data.reference import Reference
from tradepivot.db.store import SqlStore
from tradepivot.errors import InputError, OutputPathError
from tradepivot.events.folder import FolderStore
from tradepivot.events.schemas import is_identifier
from tradepivot.events.store import EventStore
from tradepivot.events.writer import write_meetings
from tradepivot.services.portal.database import open_database

__all__ = ["DB_PREFIX", "Transfer", "event_store", "export_event", "import_event", "sql_store"]

DB_PREFIX = "db:"


@dataclass(frozen=True)
class Transfer:
    """What an import or export moved."""

    event_id: str
    participants: int
    versions: int  # published versions (1, 2, ...)
    meetings: int  # in the current schedule
    draft: bool
    notes: tuple[str, ...] = ()


def sql_store(
    settings: Settings, reference: Reference | None = None, *, pooled: bool = True
) -> SqlStore:
    """The portal database's store (its schema must be current); ``pooled=False`` for a
    one-shot command (connections close after each use)."""
    return SqlStore(open_database(settings, pooled=pooled), reference=reference)


def event_store(
    settings: Settings,
    event: str | Path,
    reference: Reference | None = None,
    **folder_options: object,
) -> tuple[EventStore, str]:
    """The store and event id an event argument names: ``db:ID`` or an event folder."""
    text = str(event)
    if text.startswith(DB_PREFIX):
        event_id = text[len(DB_PREFIX) :]
        if not is_identifier(event_id):
            raise InputError(
                f"{event_id!r} is not an event id.", hint="Write db:ID, e.g. db:india-russia-forum."
            )
        return sql_store(settings, reference, pooled=False), event_id
    return FolderStore.at(Path(event), reference=reference, **folder_options)


def import_event(
    settings: Settings,
    folder: Path,
    *,
    event_id: str | None = None,
    reference: Reference | None = None,
) -> Transfer:
    """Copy an event folder into the portal database as ``event_id`` (default: the folder's
    name). Refuses an id the database already holds; on any failure nothing is kept."""
    source, folder_id = FolderStore.at(folder, reference=reference)
    loaded = source.load(folder_id)
    target_id = event_id or folder_id
    if not is_identifier(target_id):
        raise InputError(
            f"{target_id!r} is not an event id.",
            hint="Use letters, digits and _ . - (e.g. $id india-russia-forum).",
            param="id",
        )
    store = SqlStore(open_database(settings), reference=source.reference)
    try:
        if target_id in store.event_ids():
            raise InputError(
                f"The database already holds an event {target_id!r}.",
                hint="Import under another id ($id NEW) or export it first.",
                param="id",
            )
        history = source.history(folder_id)
        notes = list(loaded.notes)
        store.save(target_id, loaded.event, description=loaded.description)
        try:
            base = 0  # versions are numbered 1, 2, ... again in the database
            for version in history:
                base = store.publish(
                    target_id, version.meetings, base_version=base, note=version.note
                ).number
            if not history and loaded.event.meetings:
                store.import_schedule(target_id, loaded.event.meetings, note="meetings file")
            draft = source.draft(folder_id)
            if loaded.edited:
                notes.append(
                    f"The meetings file was edited after version {loaded.version}: kept as "
                    "the draft."
                )
                store.save_draft(
                    target_id, loaded.event.meetings, base_version=base, note="edited meetings file"
                )
            elif draft is not None:
                store.save_draft(
                    target_id, draft.meetings, base_version=draft.base_version, note=draft.note
                )
        except BaseException:
            store.delete(target_id)
            raise
        return Transfer(
            target_id,
            len(loaded.event.participants),
            len(history),
            len(loaded.event.meetings),
            draft is not None or loaded.edited,
            tuple(notes),
        )
    finally:
        store.engine.dispose()


def export_event(
    settings: Settings, event_id: str, folder: Path, *, reference: Reference | None = None
) -> Transfer:
    """Write event ``event_id`` of the database as an event folder ``folder`` (which must
    not exist or be empty; its name need not be the id)."""
    folder = Path(folder).expanduser().absolute()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputPathError(
            str(folder), "it exists and is not an empty folder", hint="Export into a new folder."
        )
    if not is_identifier(folder.name):
        raise InputError(
            f"The folder's name {folder.name!r} cannot serve as an event id.",
            hint="Name it with letters, digits, _ or - (e.g. india-russia-forum).",
        )
    store = sql_store(settings, reference)
    try:
        loaded = store.load(event_id)
        history = store.history(event_id)
        draft = store.draft(event_id)
    finally:
        store.engine.dispose()
    target = FolderStore(folder.parent, reference=store.reference)
    target.save(folder.name, loaded.event, description=loaded.description)
    for version in history:
        target.publish(
            folder.name, version.meetings, base_version=version.number - 1, note=version.note
        )
    if not history and loaded.event.meetings:
        write_meetings(loaded.event.meetings, folder / "meetings.csv")
    if draft is not None:
        target.save_draft(
            folder.name, draft.meetings, base_version=draft.base_version, note=draft.note
        )
    return Transfer(
        event_id,
        len(loaded.event.participants),
        len(history),
        len(loaded.event.meetings),
        draft is not None,
    )

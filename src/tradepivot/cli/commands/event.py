"""`event import FOLDER`, `event export ID DIR`: events between folders and the portal database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradepivot.cli.commands.db import UrlOpt
from tradepivot.cli.core import app, state

event_app = typer.Typer(
    help="Events in the portal database: import an event folder, export one back.",
    no_args_is_help=True,
)
app.add_typer(event_app, name="event", rich_help_panel="Matchmaking")


def _describe(verb: str, moved: object) -> str:
    from tradepivot.services.portal import Transfer

    assert isinstance(moved, Transfer)
    parts = [
        f"{moved.participants} participants",
        f"{moved.versions} published versions",
        f"{moved.meetings} meetings in the current schedule",
    ]
    if moved.draft:
        parts.append("a draft")
    return f"{verb} event {moved.event_id!r}: {', '.join(parts)}."


@event_app.command("import")
def import_(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="Event folder (docs/events.md).")],
    event_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="Event id in the database (default: the folder's name).",
            show_default=False,
        ),
    ] = None,
    url: UrlOpt = None,
) -> None:
    """Copy an event folder into the portal database (registrations, published versions,
    meetings file, draft); all or nothing. Run `tradepivot db upgrade` first.

    Example: tradepivot event import examples/india-russia-forum --id forum-2025
    """
    from tradepivot.services.portal import import_event

    app_state = state(ctx)
    if url is not None:
        app_state.overrides["database_url"] = url
    moved = import_event(
        app_state.settings, folder, event_id=event_id, reference=app_state.warehouse.reference
    )
    for note in moved.notes:
        app_state.err.print(f"Note: {note}")
    app_state.console.print(_describe("Imported", moved))
    app_state.console.print(f"The match commands reach it as db:{moved.event_id}.")


@event_app.command("export")
def export(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(help="Event id in the database.")],
    folder: Annotated[Path, typer.Argument(help="New (or empty) folder to write the event to.")],
    url: UrlOpt = None,
) -> None:
    """Write an event of the portal database as an event folder (the CLI's format).

    Example: tradepivot event export forum-2025 ./forum-2025
    """
    from tradepivot.services.portal import export_event

    app_state = state(ctx)
    if url is not None:
        app_state.overrides["database_url"] = url
    moved = export_event(
        app_state.settings, event_id, folder, reference=app_state.warehouse.reference
    )
    app_state.console.print(_describe("Exported", moved) + f" Folder: {folder}")


@event_app.command("list")
def list_(ctx: typer.Context, url: UrlOpt = None) -> None:
    """List the events in the portal database."""
    from tradepivot.services.portal import sql_store

    app_state = state(ctx)
    if url is not None:
        app_state.overrides["database_url"] = url
    store = sql_store(app_state.settings, app_state.warehouse.reference)
    try:
        ids = store.event_ids()
    finally:
        store.engine.dispose()
    for event_id in ids:
        app_state.console.print(event_id)
    if not ids:
        app_state.err.print("No events yet: tradepivot event import FOLDER")

"""`db upgrade`, `db status`: the event portal's database (SQLite or PostgreSQL)."""

from __future__ import annotations

from typing import Annotated

import typer

from tradepivot.cli.core import app, state

db_app = typer.Typer(
    help="The event portal's database: create or migrate it, see its schema version.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db", rich_help_panel="Interfaces")

UrlOpt = Annotated[
    str | None,
    typer.Option(
        "--url",
        help="Database URL (sqlite:///FILE or postgresql+psycopg://USER@HOST/DB) "
        "\\[env: TRADEPIVOT_DATABASE_URL; default: portal.sqlite3 in the user data folder].",
        show_default=False,
    ),
]


@db_app.command("upgrade")
def upgrade(ctx: typer.Context, url: UrlOpt = None) -> None:
    """Create the database or migrate it to the newest schema (safe to run again).

    Example: tradepivot db upgrade --url postgresql+psycopg://postgres@127.0.0.1/tradepivot
    """
    from tradepivot.services.portal import upgrade_database

    app_state = state(ctx)
    if url is not None:
        app_state.overrides["database_url"] = url
    before = _status(ctx)
    after = upgrade_database(app_state.settings)
    if before == after.current:
        app_state.console.print(f"{after.url}: already at schema {after.head}.")
    else:
        app_state.console.print(
            f"{after.url}: migrated from {before or 'an empty database'} to {after.head}."
        )


def _status(ctx: typer.Context) -> str | None:
    from tradepivot.services.portal import database_status

    return database_status(state(ctx).settings).current


@db_app.command("status")
def status(ctx: typer.Context, url: UrlOpt = None) -> None:
    """Show the database, its schema version and the migrations still to apply.

    Exits 1 when migrations are pending (usable in scripts before starting the portal).
    """
    from tradepivot.services.portal import database_status

    app_state = state(ctx)
    if url is not None:
        app_state.overrides["database_url"] = url
    found = database_status(app_state.settings)
    console = app_state.console
    console.print(f"database: {found.url} ({found.dialect})")
    console.print(f"schema:   {found.current or 'none (never migrated)'}")
    console.print(f"newest:   {found.head}")
    if found.pending:
        console.print(f"pending:  {', '.join(found.pending)}  (run: tradepivot db upgrade)")
        raise typer.Exit(1)
    console.print("up to date")

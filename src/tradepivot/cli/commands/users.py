"""`users add --organiser EMAIL`, `users list`, `users sign-out EMAIL`: accounts of the event
portal."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tradepivot.cli.commands.db import UrlOpt
from tradepivot.cli.core import app, state

users_app = typer.Typer(
    help="Accounts of the event portal: organisers (passwords) and participants (links).",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users", rich_help_panel="Interfaces")


@users_app.command("add")
def add(
    ctx: typer.Context,
    organiser: Annotated[
        str, typer.Option("--organiser", help="E-mail address of the new organiser.")
    ],
    name: Annotated[str, typer.Option("--name", help="The organiser's name.")] = "",
    event: Annotated[
        list[str] | None,
        typer.Option(
            "--event", help="An event id the organiser runs (repeatable).", show_default=False
        ),
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from standard input (scripts)."),
    ] = False,
    url: UrlOpt = None,
) -> None:
    """Create an organiser account (the password is asked twice, or read from stdin).

    Example: tradepivot users add --organiser org@forum.example --event forum-2025
    """
    from tradepivot.services.portal import accounts, open_database

    app_state = state(ctx)
    if url is not None:
        app_state.overrides["database_url"] = url
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    engine = open_database(app_state.settings, pooled=False)
    made = accounts.add_organiser(engine, organiser, password, name=name)
    for event_id in event or []:
        accounts.grant_event(engine, made.id, event_id)
    app_state.console.print(f"Organiser {made.email} created (account {made.id}).")


@users_app.command("list")
def list_(ctx: typer.Context, url: UrlOpt = None) -> None:
    """List the accounts: role, e-mail, events, last sign-in (never a password)."""
    from rich.table import Table

    from tradepivot.services.portal import accounts, open_database

    app_state = state(ctx)
    if url is not None:
        app_state.overrides["database_url"] = url
    rows = accounts.list_users(open_database(app_state.settings, pooled=False))
    table = Table("id", "role", "e-mail", "name", "events", "last sign-in")
    for user in rows:
        events = ", ".join(user.events) or (
            f"{user.event_id}/{user.participant_id}" if user.event_id else ""
        )
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if user.last_login_at else ""
        table.add_row(str(user.id), user.role, user.email, user.name, events, last)
    app_state.console.print(table)


@users_app.command("sign-out")
def sign_out(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="E-mail address of the account(s).")],
    url: UrlOpt = None,
) -> None:
    """Sign every browser of an account out (a lost phone, a shared computer): the
    organiser with this address and the participant registrations that use it.

    Example: tradepivot users sign-out org@forum.example
    """
    from tradepivot.services.portal import open_database
    from tradepivot.services.portal.browser_sessions import sign_out_everywhere

    app_state = state(ctx)
    if url is not None:
        app_state.overrides["database_url"] = url
    ended = sign_out_everywhere(open_database(app_state.settings, pooled=False), email)
    app_state.console.print(f"{ended} signed-in browser(s) of {email} signed out.")

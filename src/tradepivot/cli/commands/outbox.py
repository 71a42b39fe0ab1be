"""`outbox send`, `outbox list`: the portal's e-mail, delivered and on record."""

from __future__ import annotations

from typing import Annotated

import typer

from tradepivot.cli.commands.db import UrlOpt
from tradepivot.cli.core import app, state

outbox_app = typer.Typer(
    help="The portal's e-mail: send what is due (SMTP or console), list what was sent.",
    no_args_is_help=True,
)
app.add_typer(outbox_app, name="outbox", rich_help_panel="Interfaces")


@outbox_app.command("send")
def send(ctx: typer.Context, url: UrlOpt = None) -> None:
    """Send the messages that are due (mail_mode smtp), or print them with their links
    (console); failures are retried later with backoff.

    Example: TRADEPIVOT_MAIL_MODE=console tradepivot outbox send
    """
    from tradepivot.services.portal import open_database
    from tradepivot.services.portal.sender import send_due

    app_state = state(ctx)
    if url is not None:
        app_state.overrides["database_url"] = url
    settings = app_state.settings
    report = send_due(open_database(settings, pooled=False), settings, echo=app_state.console.print)
    app_state.console.print(
        f"sent {report.sent}, to retry {report.retrying}, given up {report.failed}"
    )


@outbox_app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option("--status", help="Only pending, sent or failed messages.", show_default=False),
    ] = None,
    url: UrlOpt = None,
) -> None:
    """List queued and sent messages: when, to whom, what, how many tries, the last error."""
    from rich.table import Table

    from tradepivot.services.portal import open_database
    from tradepivot.services.portal.outbox import outbox

    app_state = state(ctx)
    if url is not None:
        app_state.overrides["database_url"] = url
    table = Table("id", "status", "kind", "to", "subject", "tries", "sent", "last error")
    for mail in outbox(open_database(app_state.settings, pooled=False), status=status):
        sent = mail.sent_at.strftime("%Y-%m-%d %H:%M") if mail.sent_at else ""
        table.add_row(
            str(mail.id), mail.status, mail.kind, mail.recipient, mail.subject,
            str(mail.attempts), sent, mail.last_error or "",
        )  # fmt: skip
    app_state.console.print(table)

"""`serve`: the web app (JSON API and pages) on this machine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradepivot.cli.core import app, state


@app.command(rich_help_panel="Interfaces")
def serve(
    ctx: typer.Context,
    host: Annotated[
        str,
        typer.Option(
            "--host", help="Address to listen on; 0.0.0.0 makes it reachable from the network."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    warehouse: Annotated[
        Path | None,
        typer.Option(
            "--warehouse",
            help="DuckDB file of ingested datasets to serve (opened read-only).",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", min=1, max=64, help="Worker processes (each with its own cache)."
        ),
    ] = 1,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Start the event portal on a fresh database with the example forum loaded "
            "(examples/india-russia-forum) and print an organiser's login.",
        ),
    ] = False,
) -> None:
    """Serve the web app: pages, charts and the JSON API, offline, until Ctrl-C.

    Example: tradepivot serve   (then open http://127.0.0.1:8000)

    Example: tradepivot serve --demo   (the event portal at /portal, with the example forum)
    """
    from tradepivot.web.server import run_server

    app_state = state(ctx)
    if warehouse is not None:
        app_state.overrides["warehouse"] = warehouse
    settings = app_state.settings
    if demo:
        from tradepivot.web.portal.demo import prepare_demo, watch_outbox
        from tradepivot.web.server import server_url

        ready = prepare_demo(settings)
        settings = ready.settings
        app_state.err.print(
            f"Demo: event {ready.event_id!r} ({ready.participants} participants) loaded. "
            f"Organiser sign-in at {server_url(host, port)}/portal/login\n"
            f"  e-mail:   {ready.email}\n  password: {ready.password}\n"
            "Participants' sign-in links are printed here as the outbox receives them.",
            markup=False,
            highlight=False,
        )
        watch_outbox(settings, lambda text: app_state.err.print(text, markup=False))
    run_server(settings, host=host, port=port, workers=workers, echo=app_state.err.print)

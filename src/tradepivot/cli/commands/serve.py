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
) -> None:
    """Serve the web app: pages, charts and the JSON API, offline, until Ctrl-C.

    Example: tradepivot serve   (then open http://127.0.0.1:8000)
    """
    from tradepivot.web.server import run_server

    app_state = state(ctx)
    if warehouse is not None:
        app_state.overrides["warehouse"] = warehouse
    run_server(app_state.settings, host=host, port=port, workers=workers, echo=app_state.err.print)

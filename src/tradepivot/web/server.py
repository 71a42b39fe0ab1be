"""Run the app with uvicorn: check the address first, say where it is, stop cleanly."""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Callable
from typing import Any

from tradepivot.config import Settings
from tradepivot.errors import InputError, TradepivotError

__all__ = ["run_server", "server_url"]


def server_url(host: str, port: int) -> str:
    """The URL to open: ``http://127.0.0.1:8000``, IPv6 hosts in brackets."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    shown = "[::1]" if shown == "::" else shown
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _check_address(host: str, port: int) -> None:
    """Fail with a message (not uvicorn's log line) when the address cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise TradepivotError(
                f"Port {port} on {host} is already in use.",
                hint=f"Stop the other server, or pick another port: --port {port + 1}.",
            ) from None
        raise InputError(
            f"Cannot listen on {host}:{port}: {exc.strerror or exc}.",
            hint="Use an address of this machine, e.g. --host 127.0.0.1.",
        ) from None


def run_server(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    echo: Callable[..., Any] = print,
) -> None:
    """Serve until interrupted; with ``workers`` > 1, worker processes share the socket."""
    import uvicorn

    from tradepivot.web.app import SETTINGS_ENV, create_app

    _check_address(host, port)
    url = server_url(host, port)
    echo(f"tradepivot is serving on {url}  (API docs: {url}/api/docs). Press Ctrl-C to stop.")
    if host not in ("127.0.0.1", "localhost", "::1"):
        echo(
            "Listening beyond this machine: anyone who can reach it sees the analytics "
            "(there is no sign-in for them)."
        )
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "access_log": False,
        "server_header": False,
        "proxy_headers": False,
    }
    if workers > 1:
        os.environ[SETTINGS_ENV] = settings.model_dump_json()
        uvicorn.run(
            "tradepivot.web.app:app_from_environment", factory=True, workers=workers, **options
        )
    else:
        uvicorn.run(create_app(settings), **options)

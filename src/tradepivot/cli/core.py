"""The ``tradepivot`` command: global options, settings, and the one error boundary."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from tradepivot import __version__
from tradepivot.errors import TradepivotError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tradepivot.config import Settings
    from tradepivot.data.warehouse import Warehouse

__all__ = ["AppState", "app", "main", "state"]

app = typer.Typer(
    name="tradepivot",
    help=(
        "When a market closes, where do we sell instead, and whom should we meet there?\n\n"
        "Query real trade data offline: bilateral flows, a market's imports and suppliers, "
        "and the datasets behind every figure."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class AppState:
    """Settings for this invocation and the warehouse, opened on first use."""

    overrides: dict[str, Any] = field(default_factory=dict)
    config_file: Path | None = None
    console: Console = field(default_factory=lambda: _console())
    err: Console = field(default_factory=lambda: Console(stderr=True, highlight=False))
    _settings: Settings | None = None
    _warehouse: Warehouse | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from tradepivot.config import load_settings  # pydantic-settings: ~0.1 s, on use

            self._settings = load_settings(self.config_file, self.overrides)
        return self._settings

    @property
    def warehouse(self) -> Warehouse:
        if self._warehouse is None:
            from tradepivot.data.engines import open_warehouse

            self._warehouse = open_warehouse(self.settings)
        return self._warehouse

    def close(self) -> None:
        if self._warehouse is not None:
            self._warehouse.close()
            self._warehouse = None


def _console() -> Console:
    """Standard output; piped output gets a wide page instead of Rich's 80 columns."""
    probe = Console()
    return Console(highlight=False, width=None if probe.is_terminal else 180)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tradepivot {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    warehouse: Annotated[
        Path | None,
        typer.Option(
            help="DuckDB file for ingested datasets \\[env: TRADEPIVOT_WAREHOUSE].",
            show_default=False,
        ),
    ] = None,
    sectors: Annotated[
        Path | None,
        typer.Option(
            "--sectors", help="YAML file of extra sectors (named HS scopes).", show_default=False
        ),
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            help="Analytics engine: duckdb (default) or spark \\[env: TRADEPIVOT_ENGINE].",
            show_default=False,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(help="Settings file (TOML) \\[env: TRADEPIVOT_CONFIG].", show_default=False),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log progress to stderr.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    app_state = ctx.obj if isinstance(ctx.obj, AppState) else AppState()
    app_state.overrides = {"warehouse": warehouse, "sectors_file": sectors, "engine": engine}
    app_state.config_file = config
    ctx.obj = app_state


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    assert isinstance(obj, AppState)
    return obj


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turn every TradepivotError into a message and an exit code.

    Ctrl-C and SIGTERM end the command with ``Interrupted: …`` (what was kept, if anything)
    and exit 130, whatever the command was doing; a foreign exception that escaped the
    data and output edges is still translated (:func:`tradepivot.boundary.translate`) before
    anything is called an internal error.
    """
    from tradepivot.boundary import journal, translate
    from tradepivot.cli.commands import load
    from tradepivot.cli.interrupts import Interrupts
    from tradepivot.errors import Interrupted

    args = sys.argv[1:] if argv is None else list(argv)
    load(args)  # the invoked command's module only (all of them for --help)
    command = typer.main.get_command(app)
    err = Console(stderr=True, highlight=False)
    app_state = AppState()
    with Interrupts() as signals, journal() as changes:
        try:
            try:
                # make_context + invoke rather than command.main(): Typer's main turns Ctrl-C
                # into a bare exit code and loses what the command had already completed.
                with command.make_context("tradepivot", args, obj=app_state) as ctx:
                    command.invoke(ctx)
            finally:
                with signals.deferred():
                    app_state.close()  # releases the warehouse for the next command
        except BaseException as exc:
            signals.acknowledge()  # reporting must not be interrupted in its turn
            mapped = exc if isinstance(exc, TradepivotError) else translate(exc)
            if isinstance(exc, KeyboardInterrupt | Interrupted) or signals.received:
                mapped = Interrupted(changes.kept, signal_name=signals.received or "SIGINT")
            if mapped is not None:
                _report(mapped, err, command, args)
                return mapped.exit_code
            return _other(exc, err)
        signals.acknowledge()
        if signals.received:  # the work finished although a signal arrived: say so
            _report(Interrupted(changes.kept, signal_name=signals.received), err)
            return 130
    return 0


def _report(
    error: TradepivotError,
    err: Console,
    command: Any = None,
    args: Sequence[str] = (),
) -> None:
    """``Error: <message>`` and the hint, the parameters they name spelled as this
    command's options (``$level`` -> ``--level``)."""
    from rich.markup import escape

    from tradepivot.errors import Interrupted

    message, hint = error.message, error.hint
    if error.mentions and command is not None:
        from tradepivot.cli.params import param_namer

        message, hint = error.render(param_namer(command, args))
    label = "" if isinstance(error, Interrupted) else "[bold red]Error:[/bold red] "
    err.print(label + escape(message), soft_wrap=True)
    if hint:
        err.print(escape(hint), soft_wrap=True)


def _other(exc: BaseException, err: Console) -> int:
    """Exits, usage errors, a closed pipe, and finally bugs."""
    if isinstance(exc, typer.Exit):
        return int(exc.exit_code or 0)
    if isinstance(exc, typer.Abort):
        err.print("Aborted.")
        return 130
    if isinstance(exc, typer.TyperException):  # usage errors: bad option, missing argument
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err.print(f"Error: {exc.format_message()}")
        return int(exc.exit_code)
    if isinstance(exc, BrokenPipeError):
        # The reader stopped reading (`| head`): quiet, and no second error when Python
        # flushes stdout at exit.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if isinstance(exc, SystemExit):
        return int(exc.code) if isinstance(exc.code, int) else 1
    if os.environ.get("TRADEPIVOT_DEBUG"):
        raise exc
    err.print(
        f"[bold red]Internal error:[/bold red] {type(exc).__name__}: {exc}\n"
        "This is a bug in tradepivot; rerun with TRADEPIVOT_DEBUG=1 for the traceback and report it."
    )
    return 1

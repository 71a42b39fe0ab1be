"""Error messages name parameters, never CLI flags; each interface spells them its own way.

The services (and the data layer under them) write ``$level`` and raise with
``param="level"``; the CLI shows ``--level``, the web API the query field ``level``. These tests
read every error the services can raise from the source (so a new one is checked the day it
is written) and check that both interfaces know every parameter named.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer

import tradepivot
from tradepivot.cli import app as cli_app
from tradepivot.cli.commands import load as load_commands
from tradepivot.cli.params import ALIASES, cli_names, command_chain, param_namer
from tradepivot.config import Settings
from tradepivot.errors import PARAM_MARK, InputError
from tradepivot.web import create_app
from tradepivot.web.errors import API_ALIASES, route_fields

PACKAGE = Path(tradepivot.__file__).parent
#: Where the errors a service raises are written: the services and the layers under them.
#: (matchmaking/reschedule.py still names the CLI's --cancel, --no-show and --force-locked
#: in its hints: to convert with the engine's next change there.)
LAYERS = ("services", "data", "analytics", "tariffs", "events", "inputs")


#: Modules whose errors are about settings (engine, warehouse), shown as flag and variable.
SETTINGS_ERRORS = ("data/engines.py", "data/store.py", "data/spark.py")


#: Modules whose errors are about settings (engine, warehouse), shown as flag and variable.
SETTINGS_ERRORS = ("data/engines.py", "data/store.py", "data/spark.py")


@dataclass(frozen=True)
class Raised:
    """One ``raise SomeError(...)`` in the source: where, its text, the parameters it names."""

    where: str
    error: str
    texts: tuple[str, ...]
    params: tuple[str, ...]

    @property
    def about_a_request(self) -> bool:
        """Raised by a service, or a bad value a caller passed down to the layers below.

        Errors about the installation (``--engine``, ``--warehouse``: settings with a flag and
        an environment variable, met when the program starts) and the CLI's own output files
        are not about a request.
        """
        if self.where.startswith(SETTINGS_ERRORS):
            return False
        return self.where.startswith("services/") or self.error == "InputError" or bool(self.params)


def _strings(node: ast.AST) -> Iterator[str]:
    """The literal text of a message argument (f-string parts included)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            yield sub.value


def raised_errors() -> list[Raised]:
    found: list[Raised] = []
    for layer in LAYERS:
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                if not node.func.id.endswith("Error"):
                    continue
                texts = [t for arg in node.args for t in _strings(arg)]
                params: list[str] = []
                for kw in node.keywords:
                    if kw.arg in ("param", "mentions"):
                        params.extend(_strings(kw.value))
                    elif kw.arg in ("hint", "message", "detail"):
                        texts.extend(_strings(kw.value))
                where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
                found.append(Raised(where, node.func.id, tuple(texts), tuple(params)))
    return found


RAISED = raised_errors()
NAMED = sorted({p for r in RAISED for p in r.params})
#: The event portal's services name the fields of its own web forms (email, recipient, ...):
#: those are checked against the portal's routes (its web side) or the CLI (``event import
#: --id``); the other services' parameters against both the CLI and /api/v1.
PORTAL = "services/portal/"
CORE = sorted({p for r in RAISED if not r.where.startswith(PORTAL) for p in r.params})


def test_the_scan_sees_the_services_errors() -> None:
    """Guards the scan itself: it finds the raises this module is about."""
    assert len(RAISED) > 100
    assert {"level", "year", "dataset", "hs", "sector", "portfolio"} <= set(NAMED)


def test_no_error_message_names_a_cli_flag() -> None:
    flagged = [(r.where, t) for r in RAISED if r.about_a_request for t in r.texts if "--" in t]
    assert flagged == []


def test_every_placeholder_is_a_declared_parameter() -> None:
    """``$hs`` in a message without ``mentions=("hs",)`` would reach the user as ``$hs``."""
    undeclared = [
        (r.where, name)
        for r in RAISED
        for text in r.texts
        for name in PARAM_MARK.findall(text)
        if name not in r.params
    ]
    assert undeclared == []


def _cli_known() -> set[str]:
    load_commands()
    root = typer.main.get_command(cli_app)
    known: set[str] = set()
    stack = [root]
    while stack:
        command = stack.pop()
        known |= set(cli_names([command]))
        stack.extend(getattr(command, "commands", {}).values())
    return known


def _api_known(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    root = tmp_path_factory.mktemp("messages")
    app = create_app(Settings(warehouse=root / "w.duckdb", cache_dir=root / "cache"))
    try:
        known: set[str] = set()
        stack = list(app.routes)
        while stack:
            route = stack.pop()
            included = getattr(route, "original_router", None)  # an included router
            stack.extend(getattr(included, "routes", ()))
            known |= set(route_fields(route))
        return known
    finally:
        app.state.tradepivot.close()


# The matchmaking, ingest and event-import parameters belong to commands the web API does
# not offer (the event portal has its own forms); they are checked on the CLI only.
CLI_ONLY = {"time_limit", "publish", "draft", "name", "sectors", "hs_edition", "id"}


@pytest.mark.parametrize("param", CORE)
def test_the_cli_knows_every_parameter_named(param: str) -> None:
    assert ALIASES.get(param, param) in _cli_known(), param


def test_the_api_knows_every_parameter_named(tmp_path_factory: pytest.TempPathFactory) -> None:
    known = _api_known(tmp_path_factory)
    unknown = [p for p in CORE if p not in CLI_ONLY and not ({p, *API_ALIASES.get(p, ())} & known)]
    assert unknown == []


def test_the_cli_spells_the_parameter_of_the_command_that_ran() -> None:
    load_commands()
    root = typer.main.get_command(cli_app)
    chain = command_chain(root, ["products", "IND", "--top", "5"])
    assert [c.name for c in chain][1:] == ["products"]
    name = param_namer(root, ["products", "IND", "--top", "5"])
    assert (name("year"), name("exporter"), name("top")) == ("--year", "EXPORTER", "--top")
    nested = param_namer(root, ["match", "schedule", "EV"])
    assert nested("time_limit") == "--time-limit"


def test_a_message_reads_with_plain_names_and_renders_per_interface() -> None:
    error = InputError(
        "$level must be 2, 4 or 6, not 3; a price of $5 stays.",
        hint="Widen $hs.",
        param="level",
        mentions=("hs",),
    )
    assert error.message == "level must be 2, 4 or 6, not 3; a price of $5 stays."
    assert error.hint == "Widen hs."
    assert error.render(lambda p: f"--{p}") == (
        "--level must be 2, 4 or 6, not 3; a price of $5 stays.",
        "Widen --hs.",
    )
    # A value the user typed is never taken for a parameter.
    typed = InputError("Unknown scope '$sector'.", param="hs")
    assert typed.render(lambda p: "--" + p)[0] == "Unknown scope '$sector'."


PORTAL_NAMED = sorted({p for r in RAISED if r.where.startswith(PORTAL) for p in r.params})
#: Named by a portal service whose form does not exist yet (bookings are placed through the
#: database API and its benchmark only); a form that books must take a ``slot`` field.
PORTAL_PENDING = {"slot"}


def test_the_portal_or_the_cli_knows_every_parameter_its_services_name() -> None:
    from tradepivot.web.portal import AREAS

    forms: set[str] = set()
    for area in AREAS:
        for route in area.router.routes:
            forms |= set(route_fields(route))
    cli = _cli_known()
    unknown = [
        p
        for p in PORTAL_NAMED
        if p not in PORTAL_PENDING
        and not ({p, *API_ALIASES.get(p, ())} & forms)
        and ALIASES.get(p, p) not in cli
    ]
    assert unknown == []
    assert {"email", "recipient"} <= set(PORTAL_NAMED)  # the scan sees the portal's errors

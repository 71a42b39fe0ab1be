"""The layers the package layout promises, checked on every import in the source.

data -> domain (analytics, tariffs, matchmaking) -> event stores (events, db) -> services ->
interfaces (cli, web, reports): a module imports only from its own layer or the ones below
it, so the domain never imports a service and a service never imports an interface. The
foundation (errors, inputs, outputs, config, i18n, boundary) is below everything. Imports
inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import tradepivot

PACKAGE = Path(tradepivot.__file__).parent

# Each top-level module or package of tradepivot and its layer (higher may import lower).
LAYERS = {
    "errors": 0,
    "boundary": 0,
    "inputs": 0,
    "outputs": 0,
    "config": 0,
    "i18n": 0,
    "data": 1,
    "analytics": 2,
    "tariffs": 2,
    "matchmaking": 2,
    "events": 3,
    "db": 3,
    "services": 4,
    "reports": 5,
    "web": 5,
    "cli": 5,
}
NAMES = {0: "foundation", 1: "data", 2: "domain", 3: "event stores", 4: "services", 5: "interfaces"}
# Within the interfaces: the CLI may start the web app; reports serve both and import neither.
FORBIDDEN_SIDEWAYS = {("reports", "cli"), ("reports", "web"), ("web", "cli")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported tradepivot module) for every import in the file, at any depth."""
    found: list[tuple[int, str]] = []
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing package
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            if base == "tradepivot":  # from tradepivot import x: x is the module
                found += [(node.lineno, f"tradepivot.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, base))
    return [(line, name) for line, name in found if name.startswith("tradepivot.")]


def _top(module: str) -> str:
    return module.split(".")[1]


def _violations() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        if module.count(".") == 0 or _top(module) == "__main__":
            continue  # the package root re-exports and __main__ starts the CLI
        source = _top(module)
        for line, target in _imports(path):
            to = _top(target)
            if to == source or to not in LAYERS:
                continue  # itself, or tradepivot.__version__ and the like
            upward = LAYERS[to] > LAYERS[source]
            if upward or (source, to) in FORBIDDEN_SIDEWAYS:
                problems.append(
                    f"{path.relative_to(PACKAGE.parent)}:{line}: {module} imports {target} "
                    f"({NAMES[LAYERS[source]]} -> {NAMES[LAYERS[to]]})"
                )
    return problems


def test_every_top_level_module_has_a_layer() -> None:
    tops = {p.stem for p in PACKAGE.glob("*.py")} | {
        p.parent.name for p in PACKAGE.glob("*/__init__.py")
    }
    tops = {t for t in tops if not t.startswith("_")}
    assert tops <= set(LAYERS), f"give these modules a layer: {sorted(tops - set(LAYERS))}"


def test_no_module_imports_a_layer_above_its_own() -> None:
    problems = _violations()
    assert not problems, "imports against the layering:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "code", "expected"),
    [
        ("matchmaking/x.py", "from tradepivot.services.opportunity import f\n", 1),
        ("services/x.py", "def f():\n    from tradepivot.reports import agenda\n", 1),
        ("reports/x.py", "from tradepivot import web\n", 1),
        ("services/x.py", "from tradepivot.analytics import sales\n", 0),
        ("analytics/x.py", "from ..services import report\n", 1),
    ],
)
def test_the_check_sees_each_kind_of_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, code: str, expected: int
) -> None:
    """The check itself could fail: a planted module of each kind is caught (or not)."""
    fake = tmp_path / "tradepivot"
    for name in LAYERS:
        (fake / name).mkdir(parents=True)
        (fake / name / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / source).write_text(code)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert len(_violations()) == expected, _violations()

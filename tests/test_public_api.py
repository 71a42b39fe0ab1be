"""The public surface: every module's ``__all__`` is exactly what it defines for others.

No hand-written lists: for each module of the package, every name in ``__all__`` exists,
and every public class or function the module defines itself is listed (a new public
helper must be exported or made private, a decision rather than an accident). Packages
re-export their modules' names; the error tree drawn in errors.py is the tree that exists.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from types import ModuleType

import pytest

import tradepivot
import tradepivot.errors

# Command modules register Typer commands (their surface is docs/cli.md, checked in CI).
SKIP = ("tradepivot.cli.commands.",)


def _modules() -> list[str]:
    names = ["tradepivot"]
    for info in pkgutil.walk_packages(tradepivot.__path__, "tradepivot."):
        if info.name.startswith(SKIP) or info.name.endswith("__main__"):
            continue
        if info.name == "tradepivot.data.spark":
            continue  # needs the spark extra; its exports are checked by the spark tests
        names.append(info.name)
    return names


def _defined(module: ModuleType) -> set[str]:
    return {
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and getattr(obj, "__module__", None) == module.__name__
    }


@pytest.mark.parametrize("name", _modules())
def test_all_is_what_the_module_defines(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    if exported is None:
        assert not _defined(module), f"{name} defines public names but has no __all__"
        return
    assert len(exported) == len(set(exported)), f"{name}.__all__ lists a name twice"
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ lists names it lacks: {missing}"
    unlisted = sorted(_defined(module) - set(exported))
    assert not unlisted, f"{name} defines public names missing from __all__: {unlisted}"


def test_the_root_stays_small_and_lazy() -> None:
    assert tradepivot.__all__ == ["__version__", "open"]


def test_the_drawn_error_tree_is_the_real_one() -> None:
    doc = tradepivot.errors.__doc__ or ""
    drawn: dict[str, int] = {}
    parents: dict[str, str | None] = {}
    stack: list[tuple[int, str]] = []
    for line in doc.splitlines():
        found = re.match(
            r"^(\s*)(?:[│ ]*[├└]── )?([A-Z]\w+Error|TradepivotError|Interrupted)\b", line
        )
        if not found or ("──" not in line and found.group(2) != "TradepivotError"):
            continue
        depth = line.index(found.group(2))
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parents[found.group(2)] = stack[-1][1] if stack else None
        drawn[found.group(2)] = depth
        stack.append((depth, found.group(2)))
    classes = {
        n: c
        for n, c in vars(tradepivot.errors).items()
        if inspect.isclass(c) and issubclass(c, tradepivot.errors.TradepivotError)
    }
    assert set(drawn) == set(classes) == set(tradepivot.errors.__all__)
    for name, parent in parents.items():
        if parent is not None:
            assert classes[name].__bases__[0] is classes[parent], name


def test_every_user_error_descends_from_the_root_with_its_exit_code() -> None:
    for name in tradepivot.errors.__all__:
        cls = getattr(tradepivot.errors, name)
        assert issubclass(cls, tradepivot.errors.TradepivotError)
        if cls is not tradepivot.errors.TradepivotError:
            assert cls.__doc__ and cls.__doc__.startswith("Raised when"), name
        user_mistake = issubclass(
            cls, tradepivot.errors.InputError | tradepivot.errors.DataGapError
        )
        expected = 130 if cls is tradepivot.errors.Interrupted else 2 if user_mistake else 1
        assert cls.exit_code == expected, name


def test_open_works_on_the_embedded_data(tmp_path: Path) -> None:
    wh = tradepivot.open(warehouse=str(tmp_path) + "/w.duckdb")
    assert wh.dataset().id == "world-2024"
    wh.close()

"""What the conformance tests share: the engine under test, per-engine gaps, row comparison.

A test takes the ``engine`` fixture (tests/conformance/conftest.py), which runs it once per
engine in :data:`tradepivot.data.engines.ENGINES`. A known difference of one engine is declared
on the test with :func:`on_engines`, as a strict xfail: the run fails when the gap closes, so
the declaration cannot outlive it (Ibis' backend conformance suite does the same).
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import ibis.expr.types as ir
import pyarrow as pa
import pytest

from tradepivot.data.engines import ENGINES
from tradepivot.data.warehouse import Warehouse

__all__ = [
    "ENGINE_NAMES",
    "REL_TOL",
    "EngineUnderTest",
    "assert_rows_close",
    "engine_params",
    "on_engines",
    "require_spark",
    "spark_unavailable",
]

ENGINE_NAMES = tuple(ENGINES)
REL_TOL = 1e-9
Row = dict[str, Any]
T = TypeVar("T")


def spark_unavailable() -> str | None:
    """Why the spark engine cannot run here, or ``None`` when it can."""
    try:
        found = importlib.util.find_spec("pyspark") is not None
    except (ImportError, ValueError):  # a broken or blocked installation
        found = False
    if not found:
        return "PySpark is not installed: pip install 'tradepivot[spark]'"
    java_home = os.environ.get("JAVA_HOME")
    java = Path(java_home, "bin", "java") if java_home else shutil.which("java")
    if java is None or not Path(java).exists():
        return "Java not found (Spark needs Java 17): apt-get install openjdk-17-jre-headless"
    return None


def require_spark() -> None:
    """Skip the test when Spark cannot run here; fail instead under ``REQUIRE_SPARK=1`` (CI)."""
    reason = spark_unavailable()
    if reason is None:
        return
    if os.environ.get("REQUIRE_SPARK") == "1":
        pytest.fail(f"REQUIRE_SPARK=1 but {reason}")
    pytest.skip(reason)


def engine_params(gaps: Mapping[str, str] | None = None) -> list[Any]:
    """One pytest param per engine; engines named in ``gaps`` are strict xfails with the reason."""
    params = []
    for name in ENGINE_NAMES:
        marks: list[pytest.MarkDecorator] = []
        if name == "spark":
            marks.append(pytest.mark.spark)
        if gaps and name in gaps:
            marks.append(pytest.mark.xfail(strict=True, reason=f"{name} gap: {gaps[name]}"))
        params.append(pytest.param(name, marks=marks, id=name))
    return params


def on_engines(**gaps: str) -> pytest.MarkDecorator:
    """Run the test on every engine, declaring ``engine=reason`` gaps as strict xfails.

    >>> @on_engines(duckdb="computes cagr_8y / 100 in float32")  # doctest: +SKIP
    ... def test_growth(engine): ...
    """
    unknown = set(gaps) - set(ENGINE_NAMES)
    if unknown:
        raise ValueError(f"gaps declared for unknown engines: {sorted(unknown)}")
    return pytest.mark.parametrize("engine", engine_params(gaps), indirect=True)


@dataclass
class EngineUnderTest:
    """One engine's warehouse with the fixture tables loaded into it as Ibis tables."""

    name: str
    warehouse: Warehouse
    load: Callable[[str, pa.Table], ir.Table]
    tables: dict[str, ir.Table] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict)

    def run(self, expr: ir.Table) -> pa.Table:
        """Execute ``expr`` on this engine and return the rows as Arrow."""
        result: pa.Table = expr.to_pyarrow()
        return result

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """``build()``, computed once per engine and key (for tests that share a query)."""
        if key not in self._memo:
            self._memo[key] = build()
        value: T = self._memo[key]
        return value

    def once(self, key: str, build: Callable[[], ir.Table]) -> pa.Table:
        """The rows of ``build()``, run once per engine and key."""
        return self.memo(key, lambda: self.run(build()))


def _scale(values: Sequence[Any]) -> float:
    numbers = [abs(v) for v in values if isinstance(v, float)]
    return max(numbers, default=1.0) or 1.0


def assert_rows_close(
    actual: pa.Table,
    expected: list[Row],
    key: Sequence[str],
    *,
    columns: Sequence[str] | None = None,
    ordered: bool = False,
) -> None:
    """``actual`` holds the ``expected`` rows: same keys, floats within REL_TOL.

    Floats compare with relative tolerance REL_TOL and an absolute one of REL_TOL times the
    column's largest magnitude (a difference of two equal sums is 0 in one engine and 1e-12 in
    another). ``columns`` limits the comparison (the key is always compared); the result's
    column names must equal the reference's, in order, unless ``columns`` is given. With
    ``ordered`` the row order must match too.
    """
    names = list(expected[0]) if expected else list(actual.column_names)
    if columns is None:
        assert actual.column_names == names, (actual.column_names, names)
        compared = names
    else:
        compared = list(dict.fromkeys([*key, *columns]))
    got = actual.to_pylist()
    if not ordered:
        got = sorted(got, key=lambda r: tuple(str(r[k]) for k in key))
        expected = sorted(expected, key=lambda r: tuple(str(r[k]) for k in key))
    assert [tuple(r[k] for k in key) for r in got] == [
        tuple(r[k] for k in key) for r in expected
    ], "different rows"
    scales = {c: _scale([r[c] for r in expected]) for c in compared}
    problems = []
    for g, e in zip(got, expected, strict=True):
        for c in compared:
            a, b = g[c], e[c]
            if isinstance(b, float) and isinstance(a, float):
                ok = math.isclose(a, b, rel_tol=REL_TOL, abs_tol=REL_TOL * scales[c])
            else:
                ok = a == b and type(a) is type(b)
            if not ok:
                problems.append(f"{tuple(g[k] for k in key)} {c}: got {a!r}, expected {b!r}")
    assert not problems, f"{len(problems)} mismatches:\n" + "\n".join(problems[:20])

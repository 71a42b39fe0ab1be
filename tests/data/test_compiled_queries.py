"""Warehouse.fetch: an Ibis expression compiled to SQL once, then run for other values.

The cached SQL must give exactly what Ibis gives for the same expression and values, for
values other than those it was first run with, and a command that finds it must not import
Ibis at all (not timed: the modules a fresh interpreter loaded are listed).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import ibis.expr.types as ir
import pyarrow as pa
import pytest

from tradepivot.analytics import markets
from tradepivot.config import Settings
from tradepivot.data.flows import flow_source
from tradepivot.data.warehouse import Warehouse


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Warehouse]:
    """A warehouse with its own (empty) cache folder."""
    wh = Warehouse(Settings(warehouse=tmp_path / "w.duckdb", cache_dir=tmp_path / "cache"))
    yield wh
    wh.close()


def _by_product(
    wh: Warehouse, sector: str | None, level: int
) -> tuple[Callable[[Mapping[str, str]], ir.Table], list[object]]:
    source = flow_source(wh)
    scope = wh.reference.product_scope(sector=sector, edition=source.edition)

    def build(p: Mapping[str, str]) -> ir.Table:
        world = markets.product_world(source.table)
        return markets.by_product(
            source.table,
            importer=p["importer"],
            exporter=p["exporter"],
            scope=scope,
            level=level,
            world=world,
        )

    return build, [source.shape, scope.prefixes, scope.exclude, level]


def _same(a: pa.Table, b: pa.Table) -> bool:
    """Equal tables, one row per code; floats to 1e-9 relative (DuckDB's parallel sums
    differ in the last bits from one run to the next)."""
    if a.schema != b.schema or a.num_rows != b.num_rows:
        return False
    rows_a, rows_b = (t.sort_by("code").to_pylist() for t in (a, b))
    for x, y in zip(rows_a, rows_b, strict=True):
        for key, value in x.items():
            other = y[key]
            if isinstance(value, float) and isinstance(other, float):
                if not math.isclose(value, other, rel_tol=1e-9, abs_tol=1e-9):
                    return False
            elif value != other:
                return False
    return True


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ({"exporter": "IND", "importer": "RUS"}, {"exporter": "DEU", "importer": "JPN"}),
        ({"exporter": "CHN", "importer": "BRA"}, {"exporter": "O'X", "importer": "RUS"}),
        # a value that looks like another placeholder is not replaced in its turn
        (
            {"exporter": "IND", "importer": "RUS"},
            {"exporter": "'__tp_param_importer__'", "importer": "CHN"},
        ),
        # hostile values are data: named parameters, never spliced into the SQL text
        ({"exporter": "IND", "importer": "RUS"}, {"exporter": "x' OR 1=1 --", "importer": "RUS"}),
        (
            {"exporter": "IND", "importer": "RUS"},
            {"exporter": "IND'; DROP TABLE t; --", "importer": "$tp_importer"},
        ),
    ],
)
def test_cached_sql_gives_what_ibis_gives_for_other_values(
    fresh: Warehouse, first: dict[str, str], then: dict[str, str]
) -> None:
    build, shape = _by_product(fresh, "leather", 4)
    compiled = fresh.fetch("test-by-product", build, shape=shape, params=first)
    assert compiled.num_rows > 0
    cached = list((fresh.settings.cache_dir / "sql").glob("test-by-product-*.json"))
    assert len(cached) == 1  # kept for the next run
    assert _same(compiled, build(first).to_pyarrow())
    again = fresh.fetch("test-by-product", build, shape=shape, params=then)
    assert again.schema == build(then).schema().to_pyarrow()
    assert _same(again, build(then).to_pyarrow())
    if then["exporter"] == "DEU":
        assert again.num_rows > 0 and not _same(again, compiled)


def test_a_broken_cache_entry_is_compiled_again(fresh: Warehouse) -> None:
    build, shape = _by_product(fresh, "leather", 2)
    params = {"exporter": "IND", "importer": "RUS"}
    expected = fresh.fetch("test-broken", build, shape=shape, params=params)
    (entry,) = (fresh.settings.cache_dir / "sql").glob("test-broken-*.json")
    broken = json.loads(entry.read_text())
    broken["sql"] = "SELECT * FROM no_such_table"
    entry.write_text(json.dumps(broken))
    assert _same(fresh.fetch("test-broken", build, shape=shape, params=params), expected)
    assert "no_such_table" not in entry.read_text()


def test_a_query_on_a_temporary_table_runs_but_is_not_kept(fresh: Warehouse) -> None:
    source = flow_source(fresh)
    kept = fresh.materialise(source.table.filter(source.table.importer == "RUS"))

    def build(p: Mapping[str, str]) -> ir.Table:
        return kept.filter(kept.exporter == p["exporter"]).select("hs6", "value_usd")

    result = fresh.fetch("test-temp", build, shape=[], params={"exporter": "IND"})
    assert result.num_rows > 0
    assert not list((fresh.settings.cache_dir / "sql").glob("test-temp-*.json"))


def _modules_after(args: list[str], cache: Path, tmp_path: Path) -> tuple[set[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADEPIVOT_")}
    env.update({"TRADEPIVOT_CACHE_DIR": str(cache), "XDG_CONFIG_HOME": str(tmp_path)})
    code = (
        "import contextlib, io, json, sys\n"
        "from tradepivot.cli.core import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    assert main({args!r}) == 0\n"
        "print(json.dumps([sorted({m.split('.')[0] for m in sys.modules}), out.getvalue()]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    names, output = json.loads(done.stdout.strip().splitlines()[-1])
    return set(names), output


@pytest.mark.parametrize(
    "args",
    [
        ["flows", "--exporter", "IND", "--importer", "RUS", "--format", "json"],
        ["market", "RUS", "--sector", "leather", "--format", "json"],
    ],
)
def test_a_command_whose_sql_is_kept_does_not_import_ibis(args: list[str], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first, out_first = _modules_after(args, cache, tmp_path)
    assert "ibis" in first  # the first run compiles
    second, out_second = _modules_after(args, cache, tmp_path)
    assert "duckdb" in second and "ibis" not in second and "sqlglot" not in second

    def rows(text: str) -> object:
        payload = json.loads(text)
        return payload["rows"], payload["meta"]["totals"]

    assert _close(rows(out_second), rows(out_first))


def _close(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return a == b

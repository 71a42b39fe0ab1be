"""What a terminal or a page shows of a result is chosen by the interfaces, by its kind.

Services return typed results (``Report.kind`` says what it is) and never choose columns
for display; ``reports.columns.SHOWN`` does, once for the CLI and the web pages. Files and JSON
keep every column.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import tradepivot
from tradepivot.cli import main
from tradepivot.reports import columns

SERVICES = Path(tradepivot.__file__).parent / "services"


def _kinds() -> set[str]:
    """Every ``Report(kind="...")`` (or ``report.kind = "..."``) of a service, from the source."""
    found: set[str] = set()
    for path in SERVICES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Report":
                values = [k.value for k in node.keywords if k.arg == "kind"]
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr == "kind" for t in node.targets
            ):
                values = [node.value]
            else:
                continue
            for sub in (s for value in values for s in ast.walk(value)):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                    found.add(sub.value)
    return found


def test_services_choose_no_display_columns() -> None:
    for path in SERVICES.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "display=" not in text and "table_display" not in text, path


def test_every_kind_a_service_returns_has_its_shown_columns() -> None:
    kinds = _kinds()
    assert {"rank-markets", "rank-products", "simulation", "tariff-stack"} <= kinds
    assert kinds <= {kind for kind, _ in columns.SHOWN}
    assert {kind for kind, _ in columns.SHOWN} <= kinds  # no entry for a kind nobody returns


def test_the_terminal_shows_the_chosen_columns_and_json_keeps_all(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["rank", "IND", "--hs", "4202", "--top", "3"]
    assert main([*args, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    shown = columns.shown("rank-markets")
    assert shown is not None
    assert set(shown) & set(rows[0]) < set(rows[0])  # JSON carries more than is shown
    assert main([*args, "--format", "csv"]) == 0
    header = capsys.readouterr().out.splitlines()[0].split(",")
    assert set(header) == set(rows[0])
    assert main(args) == 0
    table = capsys.readouterr().out
    # The importer's ISO3 column is in the JSON but not among the shown columns of the rows
    # (the named table of markets not assessed, shown whole, comes after).
    ranked = table.split("└")[0]  # up to the end of the first table
    assert "Untapped" in ranked and "ISO3" not in ranked

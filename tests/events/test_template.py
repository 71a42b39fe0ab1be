"""`match template`: empty, documented tables that load once filled in."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import FIXTURES
from tradepivot.cli import main
from tradepivot.data.reference import Reference
from tradepivot.errors import OutputPathError, SourceFileError
from tradepivot.events import load_event
from tradepivot.events.schemas import TABLES
from tradepivot.events.template import COLUMN_HELP, write_templates


def test_every_column_is_described() -> None:
    assert {c for spec in TABLES.values() for c in spec.columns} <= set(COLUMN_HELP)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_have_every_column_and_load_once_filled(
    tmp_path: Path, reference: Reference, fmt: str
) -> None:
    folder = tmp_path / "forum"
    written = write_templates(folder, fmt=fmt)
    assert {p.name for p in written} == {f"{n}.{fmt}" for n in TABLES} | {"event.yaml"}
    with pytest.raises(SourceFileError, match="lists no venue"):
        load_event(folder, reference)  # empty: a clear error, not a crash
    if fmt == "xlsx":
        book = openpyxl.load_workbook(folder / "participants.xlsx")
        assert book.sheetnames == ["participants", "About"]
        header = [c.value for c in book["participants"][1]]
        assert header == list(TABLES["participants"].columns)
        assert book["participants"]["C1"].comment is not None
        book.close()
        for name in TABLES:
            (folder / f"{name}.xlsx").unlink()
    tiny = FIXTURES / "events" / "tiny"
    for name in TABLES:  # fill the templates in with the tiny event's rows
        if (tiny / f"{name}.csv").exists():
            shutil.copy(tiny / f"{name}.csv", folder)
    event, _ = load_event(folder, reference)
    assert event.name == "My B2B forum" and len(event.participants) == 6


def test_template_refuses_to_replace_files_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "participants.csv").write_text("mine\n")
    with pytest.raises(OutputPathError, match="exists"):
        write_templates(tmp_path)
    assert (tmp_path / "participants.csv").read_text() == "mine\n"
    assert main(["match", "template", str(tmp_path)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["match", "template", str(tmp_path), "--force"]) == 0
    assert (tmp_path / "participants.csv").read_text().startswith("id,organisation")

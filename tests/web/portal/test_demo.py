"""`serve --demo` finds the example forum wherever it is run from."""

from __future__ import annotations

from pathlib import Path

from tradepivot.web.portal.demo import DEMO_EVENT, example_folder


def test_the_example_event_is_found_outside_a_checkout(tmp_path: Path) -> None:
    found = example_folder(start=tmp_path)  # nothing there: the installed or checkout copy
    assert found.name == DEMO_EVENT
    assert (found / "event.yaml").is_file()
    assert (found / "participants.csv").is_file()

"""Fuzzing what users write by hand: scenarios, portfolios, sector files and event folders.

Each generated document is read the way the CLI, the web app and the services read it; the
reader either returns the parsed object or raises an error of tradepivot's tree (which every
interface turns into a message and an exit code or a problem+json answer). Anything else,
a pydantic ValidationError, a KeyError, a RecursionError, is what a user would meet as an
internal error, and fails the test. Bounded and derandomized like test_ingest.py.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from tests.fuzz.strategies import mutated_csv, mutated_yaml
from tradepivot.data.reference import Reference
from tradepivot.errors import TradepivotError
from tradepivot.events.folder import load_event
from tradepivot.services.tariffs import load_scenario
from tradepivot.tariffs.portfolio import load_portfolio

ROOT = Path(__file__).parents[2]
EXAMPLES = int(os.environ.get("TP_FUZZ_EXAMPLES", "40"))
pytestmark = pytest.mark.slow  # about a minute: bounded, derandomized examples

FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=not os.environ.get("TP_FUZZ_RANDOM"),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def ref() -> Reference:
    return Reference()


def _read_cleanly(read: Callable[[], object]) -> None:
    try:
        read()
    except TradepivotError as exc:
        assert exc.message, "an error without a message"


def _sectors_sample() -> str:
    shipped = yaml.safe_load((ROOT / "src/tradepivot/data/reference/sectors.yaml").read_text())
    first = dict(list(shipped["sectors"].items())[:3])
    renamed = {f"my-{key}": value for key, value in first.items()}
    return yaml.safe_dump({"sectors": renamed}, sort_keys=False, allow_unicode=True)


DOCUMENTS = {
    "scenario": (ROOT / "examples/scenarios/us-india-50.yaml").read_text(),
    "scenario-products": (ROOT / "examples/scenarios/us-india-leather-18.yaml").read_text(),
    "portfolio-yaml": (ROOT / "examples/kanpur-leather.yaml").read_text(),
    "sectors": _sectors_sample(),
}


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_malformed_yaml_documents_parse_or_fail_cleanly(ref: Reference, kind: str) -> None:
    @FUZZ
    @given(data=mutated_yaml(DOCUMENTS[kind]))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory(prefix="tp-fuzz-") as name:
            path = Path(name) / ("sectors.yaml" if kind == "sectors" else "doc.yaml")
            path.write_bytes(data)
            if kind.startswith("scenario"):
                _read_cleanly(lambda: load_scenario(path, ref))
            elif kind == "portfolio-yaml":
                _read_cleanly(lambda: load_portfolio(path, ref))
            else:
                _read_cleanly(lambda: Reference(sectors_file=path).sectors())

    check()


def test_malformed_portfolio_csv_parses_or_fails_cleanly(ref: Reference) -> None:
    base = (ROOT / "examples/portfolios/handbag-maker.csv").read_text()

    @FUZZ
    @given(data=mutated_csv(base))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory(prefix="tp-fuzz-") as name:
            path = Path(name) / "portfolio.csv"
            path.write_bytes(data)
            _read_cleanly(lambda: load_portfolio(path, ref))

    check()


EVENT = FIXTURES / "events" / "tiny"
EVENT_FILES = sorted(p.name for p in EVENT.iterdir())


@st.composite
def _event_edit(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(EVENT_FILES))
    text = (EVENT / name).read_text(encoding="utf-8")
    strategy = mutated_yaml(text) if name.endswith(".yaml") else mutated_csv(text)
    return name, draw(strategy)


def test_malformed_event_folders_load_or_fail_cleanly(ref: Reference) -> None:
    @settings(FUZZ, max_examples=EXAMPLES * 3)
    @given(edits=st.lists(_event_edit(), min_size=1, max_size=2))
    def check(edits: list[tuple[str, bytes]]) -> None:
        with tempfile.TemporaryDirectory(prefix="tp-fuzz-") as name:
            folder = Path(name) / "event"
            shutil.copytree(EVENT, folder)
            for file, data in edits:
                (folder / file).write_bytes(data)
            _read_cleanly(lambda: load_event(folder, ref))

    check()

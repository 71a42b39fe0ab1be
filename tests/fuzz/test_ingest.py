"""Fuzzing the four loaders: malformed BACI, Comtrade, EIDB and Census files.

For each generated file, ``tradepivot data ingest`` either loads it (and every stored
figure is then finite and plausible, its manifest counting its rows) or refuses it with a
clean message; never an internal error, and a refused file leaves the warehouse's logical
content exactly as it was (the warehouse already holds a BACI dataset of the same name, so
a broken BACI file is a failed *replacement*).

Bounded for CI: a fixed number of examples per source, derandomized (the same inputs on
every run), no deadline (the machine may be busy); about a minute in all.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SOURCES
from tests.fuzz.harness import assert_clean, assert_loaded_sanely, logical_content, run_cli
from tests.fuzz.strategies import mutated_csv, mutated_json
from tradepivot.config import Settings
from tradepivot.services.ingest import ingest_file

BACI = "BACI_HS17_Y2024_V202501.csv"
COUNTRIES = "country_codes_V202501.csv"
PRODUCTS = "product_codes_HS17_V202501.csv"
EXAMPLES = int(os.environ.get("TP_FUZZ_EXAMPLES", "12"))

pytestmark = pytest.mark.slow  # about a minute: bounded, derandomized examples

FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=not os.environ.get("TP_FUZZ_RANDOM"),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Source:
    """One real-format file to mutate: its format, the name it gets, the command's extras."""

    fmt: str
    fixture: Path
    name: str
    kind: str
    json: bool = False
    args: tuple[str, ...] = ()

    def text(self) -> str:
        return self.fixture.read_bytes().decode("utf-8")


SOURCES_FUZZED = [
    Source("baci", SOURCES / "baci" / "small" / BACI, BACI, "bilateral"),
    Source("baci", SOURCES / "baci" / "good" / COUNTRIES, COUNTRIES, "bilateral"),
    Source(
        "comtrade",
        SOURCES / "comtrade" / "small" / "TradeData_IND_2024_H5_M-X_RUS-W00.csv",
        "TradeData_IND_2024_H5_M-X_RUS-W00.csv",
        "bilateral",
    ),
    Source(
        "eidb",
        SOURCES / "india_eidb" / "small" / "india_eidb_exports_small.csv",
        "india_eidb_exports_small.csv",
        "national_exports",
    ),
    Source(
        "eidb",
        SOURCES / "india_eidb" / "raw" / "64039990_export.json",
        "64039990_export.json",
        "national_exports",
        json=True,
    ),
    Source(
        "census",
        SOURCES / "us_census" / "small" / "us_imports_2024_hts10_small.csv",
        "us_imports_2024_hts10_small.csv",
        "us_imports",
        args=("--year", "2024"),
    ),
    Source(
        "census",
        SOURCES / "us_census" / "small" / "imports_hs_small.json",
        "imports_hs_small.json",
        "us_imports",
        json=True,
    ),
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse holding the small BACI file as baci-hs17-2024-v202501."""
    path = tmp_path_factory.mktemp("seed") / "w.duckdb"
    ingest_file(
        Settings(warehouse=path),
        "baci",
        SOURCES / "baci" / "small" / BACI,
        countries=SOURCES / "baci" / "good" / COUNTRIES,
        products=SOURCES / "baci" / "good" / PRODUCTS,
    )
    return path


@pytest.fixture
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="tp-fuzz-") as name:
        yield Path(name)


def _ingest_once(
    capsys: pytest.CaptureFixture[str], seeded: Path, source: Source, data: bytes
) -> None:
    with tempfile.TemporaryDirectory(prefix="tp-fuzz-") as name:
        folder = Path(name)
        warehouse = folder / "w.duckdb"
        shutil.copy(seeded, warehouse)
        if source.fmt == "baci":  # the data file and its code files side by side
            for other in (BACI, COUNTRIES, PRODUCTS):
                kind = "small" if other == BACI else "good"
                shutil.copy(SOURCES / "baci" / kind / other, folder / other)
        target = folder / source.name
        target.write_bytes(data)
        data_file = folder / BACI if source.fmt == "baci" else target
        before = logical_content(warehouse)
        code, out, err = run_cli(
            capsys,
            "--warehouse",
            str(warehouse),
            "data",
            "ingest",
            source.fmt,
            str(data_file),
            *source.args,
        )
        assert_clean(code, out, err, f"{source.fmt} {source.name}")
        if code == 0:
            assert_loaded_sanely(warehouse, source.kind)
        else:
            assert logical_content(warehouse) == before, (
                f"a failed load changed the warehouse: {err}"
            )


@pytest.mark.parametrize("source", SOURCES_FUZZED, ids=lambda s: f"{s.fmt}-{s.name}")
def test_malformed_files_load_correctly_or_fail_cleanly(
    capsys: pytest.CaptureFixture[str], seeded: Path, source: Source
) -> None:
    strategy = mutated_json(source.text()) if source.json else mutated_csv(source.text())

    @FUZZ
    @given(data=strategy)
    def check(data: bytes) -> None:
        _ingest_once(capsys, seeded, source, data)

    check()


@FUZZ
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes_as_a_baci_file(
    capsys: pytest.CaptureFixture[str], seeded: Path, data: bytes
) -> None:
    _ingest_once(capsys, seeded, SOURCES_FUZZED[0], data)

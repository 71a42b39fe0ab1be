"""The warehouse on a full disk, a read-only disk and under a file-size limit, for real.

As root the tests mount a small tmpfs (a real ENOSPC, a real EROFS); otherwise the disk-full
case uses RLIMIT_FSIZE (a real EFBIG from the kernel) and the read-only case file modes.
Each failure must name its cause (never DuckDB's "cannot rollback" or an internal error)
and leave the warehouse's logical content exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SOURCES
from tests.fuzz.harness import logical_content
from tradepivot.config import Settings
from tradepivot.errors import StorageError, TradepivotError
from tradepivot.services.ingest import ingest_file, remove_dataset

BACI = SOURCES / "baci"
NAME = "BACI_HS17_Y2024_V202501.csv"
CODES = {
    "countries": BACI / "good" / "country_codes_V202501.csv",
    "products": BACI / "good" / "product_codes_HS17_V202501.csv",
}


@contextlib.contextmanager
def _tmpfs(folder: Path, options: str, *, wanted: bool = True) -> Iterator[bool]:
    """A tmpfs at ``folder`` when wanted and this process may mount one (root)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not wanted or os.geteuid() != 0 or shutil.which("mount") is None:
        yield False
        return
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
    )
    if done.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@contextlib.contextmanager
def _file_size_limit(limit: int) -> Iterator[None]:
    """RLIMIT_FSIZE for this process (Python ignores SIGXFSZ, so writes fail with EFBIG)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def _seed(path: Path) -> None:
    ingest_file(Settings(warehouse=path), "baci", BACI / "small" / NAME, **CODES)


def _fill(folder: Path) -> None:
    with contextlib.suppress(OSError), (folder / "filler").open("wb") as handle:
        while True:
            handle.write(b"\0" * 65536)
            handle.flush()


@pytest.mark.parametrize("limit", ["tmpfs", "rlimit"])
def test_a_full_disk_names_the_cause_and_keeps_the_old_data(tmp_path: Path, limit: str) -> None:
    folder = tmp_path / "disk"
    with _tmpfs(folder, "size=8m", wanted=limit == "tmpfs") as mounted:
        warehouse = folder / "w.duckdb"
        _seed(warehouse)
        before = logical_content(warehouse)
        settings = Settings(warehouse=warehouse)
        replace = {"name": "baci-hs17-2024-v202501", **CODES}
        if mounted:
            _fill(folder)
            with pytest.raises(StorageError) as caught:
                ingest_file(settings, "baci", BACI / "good" / NAME, **replace)
            assert "disk is full" in caught.value.message
        else:
            with _file_size_limit(65536), pytest.raises(StorageError) as caught:
                ingest_file(settings, "baci", BACI / "good" / NAME, **replace)
            assert "ulimit -f" in caught.value.message
        assert "rollback" not in caught.value.message.lower()
        if mounted:
            (folder / "filler").unlink()
        assert logical_content(warehouse) == before


def test_a_read_only_disk_is_named_and_reading_still_works(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    with _tmpfs(folder, "size=8m") as mounted:
        warehouse = folder / "w.duckdb"
        _seed(warehouse)
        before = logical_content(warehouse)
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        else:
            warehouse.chmod(0o444)
            folder.chmod(0o555)
        settings = Settings(warehouse=warehouse)
        try:
            if mounted or os.geteuid() != 0:  # root ignores file modes
                with pytest.raises(TradepivotError) as caught:
                    remove_dataset(settings, "baci-hs17-2024-v202501")
                assert "read-only" in caught.value.message or "permission" in caught.value.message
            assert logical_content(warehouse) == before  # and reading works
        finally:
            if not mounted:
                folder.chmod(0o755)

"""Load a downloaded file into the user's warehouse: validated, atomic, idempotent."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from tradepivot.boundary import edge
from tradepivot.config import Settings
from tradepivot.data.reference import Reference
from tradepivot.data.sources.base import SourceReader
from tradepivot.data.store import Store
from tradepivot.data.warehouse import EMBEDDED_VIEWS
from tradepivot.errors import InputError, SourceFileError
from tradepivot.inputs import check_input_file

__all__ = [
    "READERS",
    "IngestResult",
    "file_checksum",
    "ingest_file",
    "reader_for",
    "remove_dataset",
]

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def _readers() -> dict[str, type[SourceReader]]:
    import importlib

    found: dict[str, type[SourceReader]] = {}
    for fmt, cls in (
        ("baci", "BaciReader"),
        ("comtrade", "ComtradeReader"),
        ("eidb", "EidbReader"),
        ("census", "CensusReader"),
    ):
        module = importlib.import_module(f"tradepivot.data.sources.{fmt}")
        if hasattr(module, cls):
            found[fmt] = getattr(module, cls)
    return found


READERS: tuple[str, ...] = ("baci", "comtrade", "eidb", "census")


@dataclass(frozen=True)
class IngestResult:
    dataset_id: str
    status: Literal["loaded", "replaced", "unchanged"]
    rows: int
    seconds: float
    edition: str
    years: list[Any]

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def file_checksum(path: Path, *extra: Path) -> str:
    """SHA-256 over a file (or a folder's files) and the ``extra`` files that shape its load
    (BACI's country and product code files): editing any of them means a new load."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in [*files, *extra]:
        check_input_file(file, "file")  # never hash /dev/zero or a FIFO forever
        digest.update(file.name.encode())
        with edge("read the file", file, "input"), file.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def reader_for(fmt: str, path: Path, reference: Reference, **options: Any) -> SourceReader:
    readers = _readers()
    if fmt not in readers:
        raise InputError(f"Unknown source format {fmt!r}: use one of {', '.join(READERS)}.")
    return readers[fmt](path, reference, **{k: v for k, v in options.items() if v is not None})


def ingest_file(
    settings: Settings,
    fmt: str,
    path: Path,
    *,
    progress: Progress | None = None,
    **options: Any,
) -> IngestResult:
    """Validate ``path`` as ``fmt`` and load it as one dataset.

    The same file twice changes nothing; a changed file replaces the dataset; any failure
    leaves the warehouse exactly as it was.
    """
    started = time.perf_counter()
    reader = reader_for(fmt, path, Reference(settings.sectors_file), **options)
    dataset_id = reader.dataset_id
    if dataset_id in EMBEDDED_VIEWS:
        raise InputError(
            f"{dataset_id!r} is the name of an embedded dataset: pick another with $name.",
            param="name",
        )
    # The load is identified by the file's bytes and by the options that shape what is read
    # from it (edition, year, code files): the same file with another --hs-edition reloads.
    shaping = {k: str(v) for k, v in sorted(options.items()) if v is not None and k != "name"}
    checksum = file_checksum(path, *reader.extra_files()) + (
        "+" + hashlib.sha256(repr(shaping).encode()).hexdigest()[:16] if shaping else ""
    )
    with Store(settings.warehouse) as store:
        previous = store.manifest(dataset_id)
        if previous is not None and store.checksum(dataset_id) == checksum:
            return IngestResult(
                dataset_id,
                "unchanged",
                previous.rows,
                time.perf_counter() - started,
                previous.edition,
                previous.years,
            )
        with store.replacing(dataset_id, reader.kind) as loader:

            def batches() -> Iterator[pa.RecordBatch]:
                for batch in reader.batches():
                    yield batch
                    log.info("%s: %d rows loaded", dataset_id, reader.rows)
                    if progress is not None:
                        progress(reader.bytes_read, reader.bytes_total)

            with edge(f"read the {fmt} file", path, "input"):
                loader.load(batches())
            manifest = reader.manifest(checksum)  # a reader says why it found nothing
            if reader.rows == 0:
                # Never a valid replacement: a header-only file would empty a loaded dataset.
                raise SourceFileError(
                    str(path),
                    "has no data rows",
                    expected="rows below the header",
                    hint="Check that the download finished.",
                )
            loader.finish(manifest, checksum, str(path.resolve()))
    return IngestResult(
        dataset_id,
        "replaced" if previous is not None else "loaded",
        reader.rows,
        time.perf_counter() - started,
        manifest.edition,
        manifest.years,
    )


def remove_dataset(settings: Settings, dataset_id: str) -> bool:
    if not settings.warehouse.exists():
        return False
    with Store(settings.warehouse) as store:
        return store.remove(dataset_id)

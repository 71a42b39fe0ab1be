"""What every source reader provides, and the helpers they share.

A reader turns one downloaded file into validated Arrow batches in the column layout of its
dataset kind (``FACT_SCHEMAS``) and, once read, a manifest describing it. Readers never
write: the ingest service streams their batches into the store inside one transaction.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import ClassVar

import pyarrow as pa

from tradepivot.data.catalog import DatasetKind, DatasetManifest, Gap
from tradepivot.data.reference import EDITIONS, Reference
from tradepivot.data.store import FACT_SCHEMAS
from tradepivot.errors import InputError, SourceFileError

__all__ = ["EDITION_ALIASES", "SourceReader", "normalise_edition", "slug"]

# Spellings of HS editions in file names and source columns -> canonical names.
EDITION_ALIASES = {
    "HS92": "HS1992",
    "H0": "HS1992",
    "HS1992": "HS1992",
    "HS96": "HS1996",
    "H1": "HS1996",
    "HS1996": "HS1996",
    "HS02": "HS2002",
    "H2": "HS2002",
    "HS2002": "HS2002",
    "HS07": "HS2007",
    "H3": "HS2007",
    "HS2007": "HS2007",
    "HS12": "HS2012",
    "H4": "HS2012",
    "HS2012": "HS2012",
    "HS17": "HS2017",
    "H5": "HS2017",
    "HS2017": "HS2017",
    "HS22": "HS2022",
    "H6": "HS2022",
    "HS2022": "HS2022",
}


def normalise_edition(text: str) -> str:
    key = text.strip().upper().replace(" ", "")
    if key not in EDITION_ALIASES:
        raise InputError(
            f"Unknown HS edition {text!r}.",
            hint="Use HS1992, HS1996, HS2002, HS2007, HS2012, HS2017 or HS2022 (HS17, H5 ... also work).",
        )
    return EDITION_ALIASES[key]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class SourceReader(ABC):
    """One file of one source format.

    Subclasses set ``format``, ``kind`` and implement :meth:`_batches`, :meth:`default_id`
    and :meth:`manifest`. ``progress`` reports (bytes read, total bytes).
    """

    format: ClassVar[str]
    kind: ClassVar[DatasetKind]

    def __init__(
        self,
        path: Path,
        reference: Reference,
        *,
        name: str | None = None,
        edition: str | None = None,
    ) -> None:
        if not path.exists():
            raise InputError(f"{path} does not exist.")
        if path.is_dir() and not self.accepts_directory():
            raise InputError(f"{path} is a folder; give the {self.format} data file itself.")
        self.path = path
        self.ref = reference
        self.declared_edition = normalise_edition(edition) if edition else None
        self._name = slug(name) if name else None
        if name is not None and not self._name:
            raise InputError(f"Dataset name {name!r} has no letters or digits.")
        self.rows = 0

    @classmethod
    def accepts_directory(cls) -> bool:
        return False

    @property
    def dataset_id(self) -> str:
        return self._name or self.default_id()

    @abstractmethod
    def default_id(self) -> str:
        """Dataset id derived from the file (overridden by --name)."""

    @abstractmethod
    def _batches(self) -> Iterator[pa.RecordBatch]:
        """Validated batches in ``FACT_SCHEMAS[kind]``."""

    @abstractmethod
    def manifest(self, checksum: str) -> DatasetManifest:
        """The dataset's manifest, valid after the batches were consumed."""

    def extra_files(self) -> list[Path]:
        """Other files whose content shapes the load (code lists beside the data); their
        bytes are part of the load's checksum, so editing them reloads."""
        return []

    @property
    def bytes_total(self) -> int:
        return self.path.stat().st_size if self.path.is_file() else 0

    @property
    @abstractmethod
    def bytes_read(self) -> int:
        """How far the reader has got, for progress bars."""

    def batches(self) -> Iterator[pa.RecordBatch]:
        schema = FACT_SCHEMAS[self.kind]
        for batch in self._batches():
            if batch.num_rows == 0:
                continue
            self.rows += batch.num_rows
            yield batch.cast(schema) if batch.schema != schema else batch

    # ------------------------------------------------------------------ shared helpers
    @cached_property
    def numeric_countries(self) -> dict[str, str]:
        """Numeric code (M49, ISO numeric, BACI/Comtrade) as text -> ISO3."""
        codes: dict[str, str] = {}
        for country in self.ref.countries():
            for number in (country.m49, country.baci_code):
                if number is not None:
                    codes.setdefault(str(number), country.iso3)
        for alias, iso3 in self.ref.aliases("baci").items():
            codes.setdefault(alias, iso3)
        return codes

    def known_hs6(self, edition: str) -> pa.Array | None:
        """HS6 codes of ``edition`` for validation, or None when tradepivot lacks that edition."""
        if edition not in EDITIONS:
            return None
        return pa.array(sorted(c.code for c in self.ref.hs_codes(edition, 6)))

    def detect_edition(self, codes: list[str]) -> str:
        """The edition whose nomenclature holds (nearly) all ``codes``; fails when unclear."""
        sample = {c for c in codes if c}
        if not sample:
            raise SourceFileError(
                str(self.path), "has no product codes to detect the HS edition from"
            )
        scores = {
            edition: len(sample & {c.code for c in self.ref.hs_codes(edition, 6)}) / len(sample)
            for edition in EDITIONS
        }
        best = max(scores.values())
        winners = [e for e, s in scores.items() if s == best]
        if best < 0.995 or len(winners) > 1:
            shown = ", ".join(f"{e} {s:.1%}" for e, s in sorted(scores.items()))
            raise InputError(
                f"Cannot tell the HS edition of {self.path.name} from its codes ({shown} known).",
                hint="Declare it with $hs_edition (e.g. $hs_edition HS2017).",
                param="hs_edition",
            )
        return winners[0]

    def gap(self, gap_id: str, text: str) -> Gap:
        return Gap(id=gap_id, text=text)

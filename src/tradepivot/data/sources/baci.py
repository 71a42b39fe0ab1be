"""CEPII BACI: reconciled bilateral trade by HS6, the standard research dataset.

File layout (CEPII documentation): ``BACI_HS17_Y2022_V202501.csv`` with columns
``t`` (year), ``i`` (exporter code), ``j`` (importer code), ``k`` (HS6, sometimes written
without its leading zero), ``v`` (value in thousand USD), ``q`` (quantity in tonnes, may be
empty or NA), plus ``country_codes_V*.csv`` and ``product_codes_HSxx_V*.csv`` in the same zip.
Country codes are numeric (mostly UN M49; 251 France, 699 India, 757 Switzerland, 842 USA,
490 Other Asia nes = Taiwan).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from tradepivot.data.catalog import DatasetManifest
from tradepivot.data.reference import Reference
from tradepivot.data.sources._csv import CsvBatches, check_codes, hs_codes, numbers, years
from tradepivot.data.sources.base import EDITION_ALIASES, SourceReader, slug
from tradepivot.errors import InputError, SourceFileError, UnknownCountryError
from tradepivot.inputs import MAX_QUANTITY, read_text

__all__ = ["BaciReader"]

_NAME = re.compile(r"BACI_(HS\d\d)_Y(\d{4})_V(\w+)", re.IGNORECASE)


def _code_file(path: Path, what: str) -> csv.DictReader[str]:
    """A BACI code file (small): read whole, as UTF-8, with its problems named."""
    text = read_text(path, what)
    return csv.DictReader(io.StringIO(text, newline=""))


class BaciReader(SourceReader):
    """Reads one BACI yearly file (or any file with the t,i,j,k,v,q layout)."""

    format = "baci"
    kind = "bilateral"

    def __init__(
        self,
        path: Path,
        reference: Reference,
        *,
        name: str | None = None,
        edition: str | None = None,
        countries: Path | None = None,
        products: Path | None = None,
    ) -> None:
        super().__init__(path, reference, name=name, edition=edition)
        self.countries_file = countries or self._sibling("country_codes_V*.csv")
        self.products_file = products or self._sibling("product_codes_*.csv")
        self.csv = CsvBatches(path, required=("t", "i", "j", "k", "v"), optional=("q",))
        self.years: set[int] = set()
        self.value_usd = 0.0
        self.edition: str | None = self.declared_edition or self._edition_from_names()

    def _sibling(self, pattern: str) -> Path | None:
        found = sorted(self.path.parent.glob(pattern))
        version = _NAME.search(self.path.name)
        if version:
            same = [p for p in found if version.group(3).lower() in p.name.lower()]
            found = same or found
        return found[-1] if found else None

    def _edition_from_names(self) -> str | None:
        for candidate in (self.path.name, self.products_file.name if self.products_file else ""):
            match = re.search(r"(HS\d\d)", candidate, re.IGNORECASE)
            if match and match.group(1).upper() in EDITION_ALIASES:
                return EDITION_ALIASES[match.group(1).upper()]
        return None

    def default_id(self) -> str:
        match = _NAME.search(self.path.name)
        if match:
            return f"baci-{match.group(1).lower()}-{match.group(2)}-v{match.group(3).lower()}"
        return slug(self.path.name.split(".")[0])

    @property
    def bytes_read(self) -> int:
        return self.csv.bytes_read

    @cached_property
    def code_map(self) -> dict[str, str]:
        """BACI numeric country code -> ISO3, from the release's country file when there is one."""
        if self.countries_file is None:
            return self.numeric_countries
        mapping: dict[str, str] = {}
        path = self.countries_file
        reader = _code_file(path, "BACI country file")
        fields = reader.fieldnames or []
        code_col = "country_code"
        iso_col = next((c for c in ("country_iso3", "iso_3digit_alpha") if c in fields), None)
        if code_col not in fields or iso_col is None:
            raise SourceFileError(
                str(path),
                "is not a BACI country file",
                line=1,
                expected="columns country_code and country_iso3",
            )
        for row in reader:
            iso = (row[iso_col] or "").strip()
            try:
                mapping[str(int(row[code_col]))] = self.ref.iso3(iso)
            except (UnknownCountryError, ValueError, TypeError):
                continue  # historical entities with no current code: rows using them fail
        if not mapping:
            raise SourceFileError(
                str(path),
                "has no country that tradepivot knows",
                line=2,
                expected="rows such as 699,India,IN,IND",
            )
        return mapping

    @cached_property
    def known_products(self) -> pa.Array | None:
        if self.products_file is not None:
            reader = _code_file(self.products_file, "BACI product file")
            if "code" not in (reader.fieldnames or []):
                raise SourceFileError(
                    str(self.products_file),
                    "is not a BACI product file",
                    line=1,
                    expected="columns code and description",
                )
            codes = {str(row["code"]).strip().zfill(6) for row in reader if row.get("code")}
            if not codes:
                raise SourceFileError(
                    str(self.products_file),
                    "lists no product codes",
                    line=2,
                    expected="rows such as 420221,Handbags ...",
                )
            return pa.array(sorted(codes))
        return self.known_hs6(self.edition) if self.edition else None

    def extra_files(self) -> list[Path]:
        """The code files beside the data: their content shapes the load (checksum)."""
        return [p for p in (self.countries_file, self.products_file) if p is not None]

    def _batches(self) -> Iterator[pa.RecordBatch]:
        known_countries = pa.array(sorted(self.code_map))
        map_keys = pa.array(list(self.code_map))
        map_values = pa.array(list(self.code_map.values()))
        for line, batch in self.csv:
            if self.edition is None:
                sample = pc.utf8_lpad(
                    pc.utf8_trim_whitespace(batch.column("k")), 6, "0"
                ).to_pylist()
                self.edition = self.detect_edition(sample)
            year = years(self.csv, batch, line, "t", low=1988)
            codes = {}
            for column in ("i", "j"):
                text = pc.utf8_ltrim(pc.utf8_trim_whitespace(batch.column(column)), "0")
                check_codes(
                    self.csv,
                    text,
                    line,
                    column,
                    known_countries,
                    "country code",
                    "a code of the BACI country file (country_codes_V*.csv)",
                )
                codes[column] = pc.take(map_values, pc.index_in(text, value_set=map_keys))
            hs6 = hs_codes(
                self.csv,
                batch,
                line,
                "k",
                digits=6,
                known=self.known_products,
                edition=self.edition or "HS",
            )
            value = numbers(self.csv, batch, line, "v", non_negative=True, scale=1000.0)
            quantity = (
                numbers(
                    self.csv, batch, line, "q", nullable=True, non_negative=True, high=MAX_QUANTITY
                )
                if "q" in self.csv.present
                else pa.nulls(batch.num_rows, pa.float64())
            )
            self.years.update(int(y) for y in pc.unique(year).to_pylist())
            self.value_usd += pc.sum(value).as_py() or 0.0
            yield pa.RecordBatch.from_arrays(
                [
                    year,
                    codes["i"],
                    codes["j"],
                    hs6,
                    value,
                    quantity,
                    pa.nulls(batch.num_rows, pa.string()),
                ],
                names=[
                    "year",
                    "exporter",
                    "importer",
                    "hs6",
                    "value_usd",
                    "quantity",
                    "reported_by",
                ],
            )

    def manifest(self, checksum: str) -> DatasetManifest:
        if self.edition is None:
            raise InputError(f"{self.path} holds no rows.")
        notes = []
        if self.known_products is None:
            notes.append(
                self.gap(
                    "codes-unchecked",
                    f"tradepivot has no {self.edition} nomenclature and no product_codes file was "
                    "given: product codes were checked for form only, and have no descriptions.",
                )
            )
        return DatasetManifest(
            id=self.dataset_id,
            title=f"BACI {self.edition} bilateral trade, {', '.join(map(str, sorted(self.years)))}",
            kind="bilateral",
            source=f"CEPII BACI, file {self.path.name}",
            terms="CEPII BACI, Etalab Open Licence 2.0",
            edition=self.edition,
            years=sorted(self.years),
            unit="USD (BACI thousand USD x 1000); quantity in tonnes",
            rows=self.rows,
            coverage={"total_value_usd": self.value_usd},
            gaps=notes,
            checksum_sha256=checksum,
            embedded=False,
            source_file=str(self.path),
        )

"""US Census Bureau imports by HTS code and partner, with the duty collected.

Two shapes are read. The CSV layout ``cty_code,iso3,cty_name,hts10,hs6,value_usd,duty_usd,
description`` (or its HS6 sum without ``hts10`` and ``description``) is streamed; it has no
year, so the year comes from a ``time`` column, the file name (``..._2024_...``) or the
``year`` option. The Census API answer (``.../timeseries/intltrade/imports/hs``) is a JSON
array whose first row names the variables: CTY_CODE, I_COMMODITY, CON_VAL_YR (imports for
consumption; GEN_VAL_YR only when CON_VAL_YR is absent, and the manifest says so),
CAL_DUT_YR (calculated duty) and ``time`` (``2024-12`` = year to December). Country codes are
Census Schedule C codes mapped to ISO3; ``0003`` is the EU as one bloc (``EU27``) and Taiwan
is ``S19`` as in BACI.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tradepivot.data.catalog import DatasetManifest, Gap
from tradepivot.data.reference import Reference
from tradepivot.data.sources._csv import CsvBatches, Locator, first_true, hs_codes, numbers
from tradepivot.data.sources.base import SourceReader, slug
from tradepivot.data.store import FACT_SCHEMAS
from tradepivot.errors import InputError, SourceFileError
from tradepivot.inputs import JSON_LIMITS, decode_text, finite_decoder, read_bytes

__all__ = ["CensusReader"]

_YEAR_IN_NAME = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
# Census totals and continent groups ("-" = all countries, "5XXX" = Asia): not partners.
AGGREGATE_CODES = r"^(-|\dXXX)$"
EU_BLOC = "EU27"
SUFFIXES = (".gz", ".csv", ".txt", ".json")
# Roles of the columns in each input shape.
CSV_COLUMNS = {"cty": "cty_code", "hts10": "hts10", "hs6": "hs6", "value": "value_usd"}
CSV_COLUMNS |= {"duty": "duty_usd", "time": "time"}


def _hts_edition(year: int) -> str:
    """The HS edition the HTS of a year is based on."""
    for since, edition in ((2022, "HS2022"), (2017, "HS2017"), (2012, "HS2012"), (2007, "HS2007")):
        if year >= since:
            return edition
    return "HS2002" if year >= 2002 else "HS1996" if year >= 1996 else "HS1992"


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _text(value: Any) -> str:
    """A JSON value as text (the API sends strings; null -> empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _ApiRows:
    """Data rows of a Census API answer, presented to the shared CSV validators.

    The shared validators only need ``fail()`` (the ``Locator`` protocol); here the "line" they pass is the data
    row's index, translated to the physical line the row starts on.
    """

    def __init__(self, path: Path, columns: Sequence[str], lines: list[int]) -> None:
        self.path = path
        self.columns = list(columns)
        self.lines = lines

    def fail(self, line: int, field: str, problem: str, expected: str) -> SourceFileError:
        return SourceFileError(
            str(self.path),
            f"data row {line + 1}: {problem}",
            line=self.lines[line],
            field=field,
            expected=expected,
        )


class CensusReader(SourceReader):
    """Reads a US Census imports CSV (HTS10 or HS6 layout) or a Census API JSON answer."""

    format = "census"
    kind = "us_imports"

    def __init__(
        self,
        path: Path,
        reference: Reference,
        *,
        name: str | None = None,
        edition: str | None = None,
        year: int | None = None,
    ) -> None:
        super().__init__(path, reference, name=name, edition=edition)
        if year is not None and not 1989 <= year <= 2100:
            raise InputError(f"Year {year} is out of range.", hint="Give a year such as 2024.")
        self.declared_year = year
        found = _YEAR_IN_NAME.search(path.name)
        self.name_year = int(found.group(1)) if found else None
        self.is_json = self._looks_like_json()
        self.csv: CsvBatches | None = None
        self.layout = "HTS10"
        self.value_column = "value_usd"
        self.has_duty = True
        if not self.is_json:
            self.csv = CsvBatches(
                path,
                required=("cty_code", "hs6", "value_usd", "duty_usd"),
                optional=("hts10", "description", "iso3", "cty_name", "importer", "time"),
            )
            present = set(self.csv.present)
            if "hts10" not in present and "description" in present:
                raise SourceFileError(
                    str(path),
                    "missing column hts10",
                    line=1,
                    field="hts10",
                    expected="hts10 with description (HTS10 layout), or neither (HS6 layout); "
                    f"found: {', '.join(self.csv.columns)}",
                )
            self.layout = "HTS10" if "hts10" in present else "HS6"
            if "time" not in present:
                self._fixed_year()  # fail now, before anything is read
        self.years: set[int] = set()
        self.periods: dict[int, str] = {}  # year -> the one time value seen for it
        self.partners: set[str] = set()
        self.hs6_seen: set[str] = set()
        self.value_usd = 0.0
        self.us_only_usd = 0.0
        self.aggregate_rows = 0
        self.edition_basis = ""
        self._done = False

    def _looks_like_json(self) -> bool:
        opener = gzip.open if self.path.suffix == ".gz" else Path.open
        try:
            with opener(self.path, "rb") as fh:
                head = fh.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
        except (OSError, EOFError) as exc:
            raise SourceFileError(str(self.path), f"cannot be read: {exc}") from exc
        return head[:1] == b"["

    def _fixed_year(self) -> int:
        """The year of a file without a time column: the year option, else the file name."""
        year = self.declared_year or self.name_year
        if year is None:
            raise InputError(
                f"{self.path.name} says nothing about its year (no time column, no year in "
                "the file name).",
                hint="Put the year in the file name (us_imports_2024.csv) or give it as the year option.",
            )
        return year

    def default_id(self) -> str:
        name = self.path.name
        for _ in range(2):  # x.csv.gz -> x
            cut = next((x for x in SUFFIXES if name.lower().endswith(x)), "")
            name = name[: len(name) - len(cut)] if len(name) > len(cut) else name
        return "census-" + (slug(name) or "data")

    @property
    def bytes_read(self) -> int:
        if self.csv is not None:
            return self.csv.bytes_read
        return self.bytes_total if self._done else 0

    @cached_property
    def codes(self) -> dict[str, str]:
        """Census Schedule C country code (4 digits) -> ISO3 (0003 -> EU27, 5830 -> S19)."""
        return {k: v for k, v in self.ref.aliases("census").items() if k.isdigit() and len(k) == 4}

    # ------------------------------------------------------------------ reading
    def _batches(self) -> Iterator[pa.RecordBatch]:
        if self.csv is not None:
            roles = {r: c for r, c in CSV_COLUMNS.items() if c in self.csv.present}
            for line, batch in self.csv:
                converted = self._convert(self.csv, batch, line, roles)
                if converted is not None:
                    yield converted
            return
        header, rows, lines = self._api_rows()
        roles = self._api_roles(header)
        columns = sorted(set(roles.values()))
        index = {name: header.index(name) for name in columns}
        arrays = [pa.array([_text(r[index[c]]) for r in rows], pa.string()) for c in columns]
        where = _ApiRows(self.path, columns, lines)
        converted = self._convert(
            where, pa.RecordBatch.from_arrays(arrays, names=columns), 0, roles
        )
        self._done = True
        if converted is not None:
            yield converted

    def _api_rows(self) -> tuple[list[str], list[list[Any]], list[int]]:
        """(header, data rows, physical line of each data row) of an API answer."""
        text = decode_text(read_bytes(self.path, "Census file", JSON_LIMITS), str(self.path))
        decoder = finite_decoder()
        rows: list[Any] = []
        lines: list[int] = []
        line, counted = 1, 0
        try:
            pos = _skip_space(text, 0)
            if not text.startswith("[", pos):
                raise json.JSONDecodeError("Expecting '[' (an array of rows)", text, pos)
            pos = _skip_space(text, pos + 1)
            while pos < len(text) and text[pos] != "]":
                line += text.count("\n", counted, pos)
                counted = pos
                value, pos = decoder.raw_decode(text, pos)
                rows.append(value)
                lines.append(line)
                pos = _skip_space(text, pos)
                if text.startswith(",", pos):
                    pos = _skip_space(text, pos + 1)
                elif pos < len(text) and text[pos] != "]":
                    raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
            if pos >= len(text):
                raise json.JSONDecodeError("Unexpected end of data (truncated?)", text, pos)
            if text[pos + 1 :].strip():
                raise json.JSONDecodeError("Extra data", text, pos + 1)
        except json.JSONDecodeError as exc:
            raise SourceFileError(
                str(self.path), f"not valid JSON: {exc}", line=exc.lineno
            ) from exc
        except ValueError as exc:  # NaN, Infinity, 1e400, an integer of 5,000 digits
            raise SourceFileError(
                str(self.path), f"has a number that is not finite: {str(exc)[:40]}", line=line
            ) from exc
        if not rows or not isinstance(rows[0], list):
            raise SourceFileError(
                str(self.path),
                "is not a Census API answer: the first row must list the variable names",
                line=1,
                expected='[["CTY_CODE", "I_COMMODITY", "CON_VAL_YR", ...], [...], ...]',
            )
        header = [str(h) for h in rows[0]]
        for number, (row, at) in enumerate(zip(rows[1:], lines[1:], strict=True), start=1):
            if not isinstance(row, list) or len(row) != len(header):
                found = len(row) if isinstance(row, list) else "no list of"
                raise SourceFileError(
                    str(self.path),
                    f"data row {number}: {found} values for {len(header)} columns",
                    line=at,
                    expected=f"one value per column ({', '.join(header)})",
                )
        if len(rows) == 1:
            raise SourceFileError(str(self.path), "the API answer holds no data rows", line=1)
        return header, rows[1:], lines[1:]

    def _api_roles(self, header: list[str]) -> dict[str, str]:
        """Which API variable plays which part; the value is CON_VAL_YR, else GEN_VAL_YR."""
        for needed, what in (("CTY_CODE", "country code"), ("I_COMMODITY", "commodity code")):
            if needed not in header:
                raise SourceFileError(
                    str(self.path),
                    f"Census API answer has no {needed} column ({what})",
                    line=1,
                    field=needed,
                    expected=f"a header with CTY_CODE, I_COMMODITY, CON_VAL_YR (found: "
                    f"{', '.join(header)})",
                )
        value = next((v for v in ("CON_VAL_YR", "GEN_VAL_YR") if v in header), None)
        if value is None:
            raise SourceFileError(
                str(self.path),
                "Census API answer has no CON_VAL_YR (or GEN_VAL_YR) column (import value)",
                line=1,
                field="CON_VAL_YR",
                expected=f"a header with CON_VAL_YR (found: {', '.join(header)})",
            )
        self.value_column = value
        roles = {"cty": "CTY_CODE", "code": "I_COMMODITY", "value": value}
        if "CAL_DUT_YR" in header:
            roles["duty"] = "CAL_DUT_YR"
        else:
            self.has_duty = False
        if "time" in header:
            roles["time"] = "time"
        else:
            self._fixed_year()
        return roles

    def _convert(
        self, where: Locator, batch: pa.RecordBatch, first: int, roles: dict[str, str]
    ) -> pa.RecordBatch | None:
        """Validate one batch of text columns and convert it to the us_imports layout."""
        n = batch.num_rows
        if "importer" in batch.schema.names:
            importer = pc.utf8_upper(pc.utf8_trim_whitespace(batch.column("importer")))
            bad = first_true(pc.not_equal(importer, "USA"))
            if bad is not None:
                raise where.fail(
                    first + bad, "importer", f"importer {importer[bad].as_py()!r}", "USA"
                )
        cty_column = roles["cty"]
        cty = pc.utf8_trim_whitespace(batch.column(cty_column))
        aggregate = pc.match_substring_regex(cty, AGGREGATE_CODES)
        bad = first_true(
            pc.and_(pc.invert(aggregate), pc.invert(pc.match_substring_regex(cty, r"^\d{1,4}$")))
        )
        if bad is not None:
            raise where.fail(
                first + bad,
                cty_column,
                f"{cty[bad].as_py()!r} is not a Census country code",
                "a 4-digit Census code, e.g. 5330 India",
            )
        cty = pc.utf8_lpad(cty, 4, "0")
        known = pc.is_in(cty, value_set=self._code_keys)
        bad = first_true(pc.and_(pc.invert(aggregate), pc.invert(known)))
        if bad is not None:
            raise where.fail(
                first + bad,
                cty_column,
                f"unknown Census country code {cty[bad].as_py()!r}",
                "a Census Schedule C country code, e.g. 5330 India, 0003 European Union",
            )
        partner = pc.take(self._code_values, pc.index_in(cty, value_set=self._code_keys))
        code, hs6 = self._products(where, batch, first, roles)
        value = numbers(where, batch, first, roles["value"], non_negative=True)
        duty = (
            numbers(where, batch, first, roles["duty"], nullable=True, non_negative=True)
            if "duty" in roles
            else pa.nulls(n, pa.float64())
        )
        years = self._years(where, batch, first, roles)
        keep = pc.invert(aggregate)
        self.aggregate_rows += n - int(pc.sum(pc.cast(keep, pa.int64())).as_py() or 0)
        out = pa.RecordBatch.from_arrays(
            [pc.cast(years, pa.int16()), partner, cty, code, hs6, value, duty],
            schema=FACT_SCHEMAS["us_imports"],
        ).filter(keep)
        if out.num_rows == 0:
            return None
        self._tally(out)
        return out

    def _products(
        self, where: Locator, batch: pa.RecordBatch, first: int, roles: dict[str, str]
    ) -> tuple[pa.Array, pa.Array]:
        """(national code, HS6): HTS10 lines roll up to HS6 by their first six digits."""
        if "code" in roles:  # API: I_COMMODITY holds HTS10 or HS6 codes, all of one length
            code = pc.utf8_trim_whitespace(batch.column("I_COMMODITY"))
            length = len(str(code[0].as_py()))
            well_formed = pc.match_substring_regex(code, r"^(\d{6}|\d{10})$")
            same = pc.equal(pc.utf8_length(code), length)
            bad = first_true(pc.invert(pc.and_(well_formed, same)))
            if bad is not None:
                raise where.fail(
                    first + bad,
                    "I_COMMODITY",
                    f"{code[bad].as_py()!r} is not an HTS10 or HS6 code of the same length "
                    "as the first row's",
                    "COMM_LVL HS10 (10 digits) or HS6 (6 digits) for every row",
                )
            self.layout = "HTS10" if length == 10 else "HS6"
            return code, pc.utf8_slice_codeunits(code, 0, 6)
        hs6 = hs_codes(where, batch, first, "hs6", digits=6, known=None, edition="HS")
        if "hts10" not in roles:
            return hs6, hs6
        hts10 = hs_codes(where, batch, first, "hts10", digits=10, known=None, edition="HTS")
        bad = first_true(pc.not_equal(pc.utf8_slice_codeunits(hts10, 0, 6), hs6))
        if bad is not None:
            raise where.fail(
                first + bad,
                "hs6",
                f"hs6 {hs6[bad].as_py()} is not the first six digits of hts10 {hts10[bad].as_py()}",
                "hs6 = the first six digits of hts10",
            )
        return hts10, hs6

    def _years(
        self, where: Locator, batch: pa.RecordBatch, first: int, roles: dict[str, str]
    ) -> pa.Array:
        """Year per row from ``time`` (2024-12 -> 2024), else the file's one year.

        Year-to-date figures of two months of the same year would count twice: refused.
        """
        if "time" not in roles:
            year = self._fixed_year()
            self.years.add(year)
            return pa.array([year] * batch.num_rows, pa.int16())
        time = pc.utf8_trim_whitespace(batch.column("time"))
        bad = first_true(
            pc.invert(pc.match_substring_regex(time, r"^(19|20)\d\d(-(0[1-9]|1[0-2]))?$"))
        )
        if bad is not None:
            raise where.fail(
                first + bad,
                "time",
                f"time {time[bad].as_py()!r} is not a period",
                "YYYY-MM, e.g. 2024-12",
            )
        years = pc.cast(pc.utf8_slice_codeunits(time, 0, 4), pa.int16())
        if self.declared_year is not None:
            bad = first_true(pc.not_equal(years, self.declared_year))
            if bad is not None:
                raise where.fail(
                    first + bad,
                    "time",
                    f"time {time[bad].as_py()!r} is not in {self.declared_year}, the year given",
                    f"periods of {self.declared_year}",
                )
        for year in pc.unique(years).to_pylist():  # a few distinct years, not rows
            this_year = pc.equal(years, year)
            seen = self.periods.setdefault(year, time[first_true(this_year) or 0].as_py())
            bad = first_true(pc.and_(this_year, pc.not_equal(time, seen)))
            if bad is not None:
                raise where.fail(
                    first + bad,
                    "time",
                    f"time {time[bad].as_py()!r} and {seen!r} are both year-to-date figures of "
                    f"{year}: they would be counted twice",
                    "one period per year (2024-12 = the whole of 2024)",
                )
        self.years.update(self.periods)
        return years

    @cached_property
    def _code_keys(self) -> pa.Array:
        return pa.array(list(self.codes))

    @cached_property
    def _code_values(self) -> pa.Array:
        return pa.array(list(self.codes.values()), pa.string())

    def _tally(self, out: pa.RecordBatch) -> None:
        self.partners.update(pc.unique(out.column("partner")).to_pylist())
        self.hs6_seen.update(pc.unique(out.column("hs6")).to_pylist())
        self.value_usd += pc.sum(out.column("value_usd")).as_py() or 0.0
        us_only = pc.match_substring_regex(out.column("hs6"), r"^(98|99)")
        self.us_only_usd += pc.sum(pc.filter(out.column("value_usd"), us_only)).as_py() or 0.0

    # ------------------------------------------------------------------ manifest
    def _edition(self) -> str:
        """Declared, else detected from the HS6 codes, else the HS basis of the year's HTS."""
        if self.declared_edition:
            self.edition_basis = "declared"
            return self.declared_edition
        sample = [c for c in self.hs6_seen if not c.startswith(("98", "99"))]
        try:
            edition = self.detect_edition(sample)
            self.edition_basis = "detected from the HS6 codes"
            return edition
        except InputError:
            if not self.years:
                raise
            latest = max(self.years)
            edition = _hts_edition(latest)
            self.edition_basis = f"HTS {latest} is {edition}-based (codes alone were ambiguous)"
            return edition

    def manifest(self, checksum: str) -> DatasetManifest:
        if not self.years:
            raise InputError(f"{self.path} holds no import rows.")
        edition = self._edition()
        years = sorted(self.years)
        partners = sorted(self.partners)
        gaps: list[Gap] = []
        if EU_BLOC in partners:
            gaps.append(
                Gap(
                    id="eu-bloc",
                    partners=[EU_BLOC],
                    text="EU members are reported as one bloc (EU27, Census code 0003); do not "
                    "add the bloc to member countries.",
                )
            )
        if len(partners) <= 60:
            gaps.append(
                Gap(
                    id="top50-partners",
                    text=f"The file covers {len(partners)} partners only: US imports from every "
                    "other partner are absent, so totals over all suppliers are partial.",
                )
            )
        if self.us_only_usd:
            gaps.append(
                Gap(
                    id="us-only-chapters",
                    hs_prefixes=["98", "99"],
                    text="Chapters 98 and 99 are US-only codes with no HS equivalent.",
                )
            )
        if self.value_column == "GEN_VAL_YR":
            gaps.append(
                Gap(
                    id="general-imports",
                    text="Values are general imports (GEN_VAL_YR): the answer has no CON_VAL_YR "
                    "(imports for consumption). General imports also count goods entering "
                    "bonded warehouses and foreign-trade zones.",
                )
            )
        if not self.has_duty:
            gaps.append(Gap(id="no-duty", text="The answer has no CAL_DUT_YR: duty is empty."))
        partial = {y: p for y, p in self.periods.items() if len(p) == 7 and not p.endswith("-12")}
        if partial:
            gaps.append(
                Gap(
                    id="partial-year",
                    text="Year-to-date figures, not whole years: "
                    + ", ".join(f"{y} up to {p}" for y, p in sorted(partial.items())),
                )
            )
        coverage: dict[str, Any] = {
            "total_value_usd": self.value_usd,
            "partners": len(partners),
            "layout": self.layout,
            "value_variable": self.value_column,
            "edition_basis": self.edition_basis,
            "us_only_chapters_98_99_value_usd": self.us_only_usd,
        }
        if len(partners) <= 60:
            coverage["partner_list"] = partners
        if self.aggregate_rows:
            coverage["aggregate_rows_skipped"] = self.aggregate_rows
        if self.periods:
            coverage["periods"] = {str(y): p for y, p in sorted(self.periods.items())}
        shape = "API JSON" if self.is_json else "CSV"
        return DatasetManifest(
            id=self.dataset_id,
            title=f"US imports by {self.layout} code and partner, {', '.join(map(str, years))}",
            kind="us_imports",
            source=f"US Census Bureau international trade, imports ({shape}), file {self.path.name}",
            terms="US Government work (public domain)",
            edition=edition,
            years=years,
            unit="USD, customs value (roughly FOB); duty_usd = calculated duty collected",
            rows=self.rows,
            coverage=coverage,
            gaps=gaps,
            checksum_sha256=checksum,
            embedded=False,
            source_file=str(self.path),
        )

"""Streaming, validating CSV reading shared by the source readers.

Files are read in blocks with pyarrow's streaming CSV reader (constant memory, any file size),
every column as text, then checked and converted with vectorised Arrow compute functions so a
bad value is found with its physical line number without slowing the good path. Line numbers
assume one record per line, which holds for BACI, Comtrade, EIDB and Census downloads.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, cast

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tradepivot.errors import SourceFileError
from tradepivot.inputs import LAST_YEAR, MAX_USD

__all__ = [
    "CsvBatches",
    "Locator",
    "check_codes",
    "first_true",
    "hs_codes",
    "numbers",
    "years",
]

NUMBER = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"
NULL_TOKENS = ("", "NA", "N/A", "null", "NULL", "None", "nan", "NaN")


def _open_binary(path: Path) -> tuple[IO[bytes], IO[bytes]]:
    """(stream to parse, underlying file whose position measures progress)."""
    raw = path.open("rb")
    if path.suffix == ".gz":
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw)), raw
    return raw, raw


class Locator(Protocol):
    """Turns a row index into an error naming where the bad value is (line, record ...)."""

    def fail(self, line: int, field: str, problem: str, expected: str) -> SourceFileError: ...


def first_true(mask: pa.Array | pa.ChunkedArray) -> int | None:
    """Index of the first true value, or None."""
    index = pc.index(pc.fill_null(mask, False), True).as_py()
    return None if index is None or index < 0 else int(index)


@dataclass
class CsvBatches:
    """A CSV file read as batches of text columns, with line numbers and progress.

    ``required`` columns must all be present (else a line-1 error listing what was found);
    ``optional`` ones are read when present. The delimiter is sniffed from the header.
    """

    path: Path
    required: Sequence[str]
    optional: Sequence[str] = ()
    block_size: int = 8 << 20

    def __post_init__(self) -> None:
        self.size = self.path.stat().st_size
        self._raw: IO[bytes] | None = None
        header = self._header_line()
        self.delimiter = max((",", "\t", ";", "|"), key=header.count)
        # Names as a person reads them: spaces after commas, quotes (even doubled) and
        # byte-order marks (even two) do not change a column's name.
        names = [
            h.strip().strip('"').strip().lstrip("\ufeff") for h in header.split(self.delimiter)
        ]
        self.columns = names
        wanted = (*self.required, *self.optional)
        doubled = sorted({n for n in names if n in wanted and names.count(n) > 1})
        if doubled:
            raise SourceFileError(
                str(self.path),
                f"column {doubled[0]!r} appears twice in the header",
                line=1,
                field=doubled[0],
            )
        missing = [c for c in self.required if c not in names]
        if missing:
            raise SourceFileError(
                str(self.path),
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                line=1,
                expected=f"a header with {', '.join(self.required)} (found: {', '.join(names)})",
            )
        self.present = [c for c in (*self.required, *self.optional) if c in names]

    def _header_line(self) -> str:
        stream, raw = _open_binary(self.path)
        try:
            try:
                first = stream.readline(1 << 16)
            except (OSError, EOFError) as exc:
                raise SourceFileError(str(self.path), f"cannot be read: {exc}") from exc
            if len(first) >= 1 << 16 and not first.endswith(b"\n"):
                raise SourceFileError(
                    str(self.path),
                    "has no header line (the first 64 KiB hold no line break)",
                    line=1,
                    expected="a CSV header line",
                )
        finally:
            stream.close()
            raw.close()
        if not first.strip():
            raise SourceFileError(str(self.path), "is empty", line=1, expected="a header line")
        if first.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise SourceFileError(
                str(self.path), "is UTF-16 text", line=1, hint="Save it as UTF-8 (CSV UTF-8)."
            )
        if b"\x00" in first:
            raise SourceFileError(
                str(self.path), "is not a text file (NUL bytes in its first line)", line=1
            )
        return first.decode("utf-8-sig", errors="replace").rstrip("\r\n")

    @property
    def bytes_read(self) -> int:
        return self._raw.tell() if self._raw is not None and not self._raw.closed else self.size

    def __iter__(self) -> Iterator[tuple[int, pa.RecordBatch]]:
        """Yield (physical line of the batch's first row, batch of string columns)."""
        bad_rows: list[str] = []

        def on_invalid(row: Any) -> str:
            bad_rows.append(str(row.text))
            return "error"

        stream, self._raw = _open_binary(self.path)
        try:
            reader = pacsv.open_csv(
                stream,
                # Our cleaned names, the header row skipped: its spelling never reaches Arrow.
                read_options=pacsv.ReadOptions(
                    block_size=self.block_size,
                    encoding="utf8",
                    column_names=self.columns,
                    skip_rows=1,
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.delimiter, invalid_row_handler=on_invalid
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={c: pa.string() for c in self.columns},
                    include_columns=self.present,
                    strings_can_be_null=False,
                ),
            )
            line = 2
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                except (pa.ArrowInvalid, UnicodeDecodeError, OSError, EOFError) as exc:
                    raise self._parse_error(exc, bad_rows) from exc
                if batch.num_rows:
                    self._check_text(batch, line)
                    yield line, batch
                    line += batch.num_rows
        except (pa.ArrowInvalid, UnicodeDecodeError, OSError, EOFError) as exc:
            raise self._parse_error(exc, bad_rows) from exc
        finally:
            stream.close()
            self._raw.close()

    def _check_text(self, batch: pa.RecordBatch, first_line: int) -> None:
        """No NUL characters in any field: they are never data, and would be stored."""
        for name in batch.schema.names:
            bad = first_true(pc.match_substring(batch.column(name), "\x00"))
            if bad is not None:
                raise self.fail(
                    first_line + bad, name, "contains a NUL character", "text without NUL bytes"
                )

    def _parse_error(self, exc: Exception, bad_rows: list[str]) -> SourceFileError:
        if bad_rows:
            text = bad_rows[0]
            fields = len(text.split(self.delimiter))
            return SourceFileError(
                str(self.path),
                f"malformed row with {fields} field{'s' if fields != 1 else ''}: {text[:120]!r}",
                line=self._find_line(text),
                expected=f"{len(self.columns)} fields ({self.delimiter!r}-separated)",
            )
        message = str(exc).splitlines()[0]
        if isinstance(exc, UnicodeDecodeError):
            message = "is not UTF-8 text"
        return SourceFileError(str(self.path), f"cannot be parsed as CSV: {message}")

    def _find_line(self, text: str) -> int | None:
        stream, raw = _open_binary(self.path)
        try:
            wrapper = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")
            for number, line in enumerate(wrapper, start=1):
                if line.rstrip("\r\n") == text.rstrip("\r\n"):
                    return number
        finally:
            stream.close()
            raw.close()
        return None

    def fail(self, line: int, field: str, problem: str, expected: str) -> SourceFileError:
        return SourceFileError(str(self.path), problem, line=line, field=field, expected=expected)


def numbers(
    batches: Locator,
    batch: pa.RecordBatch,
    first_line: int,
    column: str,
    *,
    nullable: bool = False,
    non_negative: bool = False,
    scale: float = 1.0,
    high: float | None = MAX_USD,
) -> pa.Array:
    """A text column as float64 (times ``scale``); a non-number, a number that is not finite
    (``1e400``, 400 nines), one above ``high`` once scaled or, with ``non_negative``, a
    negative one names its line, field and the value as written."""
    text = pc.utf8_trim_whitespace(batch.column(column))
    is_null = pc.is_in(text, value_set=pa.array(NULL_TOKENS))
    if not nullable:
        bad = first_true(is_null)
        if bad is not None:
            raise batches.fail(first_line + bad, column, "value is missing", "a number")
    is_number = pc.match_substring_regex(text, NUMBER)
    bad = first_true(pc.and_(pc.invert(is_number), pc.invert(is_null)))
    if bad is not None:
        raise batches.fail(
            first_line + bad,
            column,
            f"{text[bad].as_py()!r} is not a number",
            "a number like 1234.5",
        )
    values = pc.cast(pc.if_else(is_null, pa.scalar(None, pa.string()), text), pa.float64())
    scaled = pc.multiply(values, scale) if scale != 1.0 else values
    bad = first_true(pc.invert(pc.is_finite(scaled)))
    if bad is not None:
        raise batches.fail(
            first_line + bad,
            column,
            f"{text[bad].as_py()[:40]!r} is not a finite number",
            "a number like 1234.5",
        )
    if high is not None:
        bad = first_true(pc.greater(pc.abs(scaled), high))
        if bad is not None:
            raise batches.fail(
                first_line + bad,
                column,
                f"{text[bad].as_py()[:40]} is implausibly large",
                f"at most {high / scale:g}" + (f" (x {scale:g})" if scale != 1.0 else ""),
            )
    if non_negative:
        bad = first_true(pc.less(values, 0))
        if bad is not None:
            raise batches.fail(
                first_line + bad,
                column,
                f"negative value {text[bad].as_py()}",
                "a value of zero or more",
            )
    return scaled


def years(
    batches: Locator,
    batch: pa.RecordBatch,
    first_line: int,
    column: str,
    *,
    low: int,
    high: int = LAST_YEAR,
) -> pa.Array:
    """A text column of years as int16: whole numbers (``2024.5`` is not a year) in
    ``low``..``high``; the first bad one names its line and field."""
    values = numbers(batches, batch, first_line, column, high=None)
    bad = first_true(pc.not_equal(pc.floor(values), values))
    if bad is not None:
        raise batches.fail(
            first_line + bad,
            column,
            f"year {batch.column(column)[bad].as_py().strip()!r} is not a whole number",
            "a year such as 2024",
        )
    bad = first_true(pc.or_(pc.less(values, low), pc.greater(values, high)))
    if bad is not None:
        raise batches.fail(
            first_line + bad,
            column,
            f"year {values[bad].as_py():g} is out of range",
            f"a year from {low} to {high}",
        )
    return pc.cast(values, pa.int16())


def check_codes(
    batches: Locator,
    codes: pa.Array,
    first_line: int,
    column: str,
    known: pa.Array,
    what: str,
    hint: str = "",
) -> None:
    """Every code must be in ``known``."""
    bad = first_true(pc.invert(pc.is_in(codes, value_set=known)))
    if bad is not None:
        raise batches.fail(
            first_line + bad,
            column,
            f"unknown {what} {codes[bad].as_py()!r}",
            hint or f"a known {what}",
        )


def hs_codes(
    batches: Locator,
    batch: pa.RecordBatch,
    first_line: int,
    column: str,
    *,
    digits: int,
    known: pa.Array | None,
    edition: str,
) -> pa.Array:
    """Product codes as zero-padded strings of ``digits``; leading zeros lost by numeric
    writers (BACI writes 10121 for 010121) are restored. Unknown codes fail when ``known``
    is given."""
    text = pc.utf8_trim_whitespace(batch.column(column))
    well_formed = pc.match_substring_regex(text, rf"^\d{{{digits - 1},{digits}}}$")
    bad = first_true(pc.invert(well_formed))
    if bad is not None:
        raise batches.fail(
            first_line + bad,
            column,
            f"{text[bad].as_py()!r} is not a {digits}-digit product code",
            f"{digits} digits",
        )
    padded = pc.utf8_lpad(text, digits, "0")
    if known is not None:
        check_codes(
            batches,
            padded,
            first_line,
            column,
            known,
            f"{edition} code",
            f"an HS code of {edition} (declare another edition with --hs-edition)",
        )
    return padded

"""Write a :class:`Report` as CSV, JSON, Parquet or XLSX, with its provenance alongside.

JSON carries everything in one object (``{"meta": ..., "rows": [...]}``). CSV and Parquet
hold the primary table; written to a file, they get a ``<file>.meta.json`` sidecar (Parquet
also embeds the meta in its schema), so no figure leaves without its source. XLSX has one
sheet per table and a ``meta`` sheet.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import IO, Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from tradepivot.errors import InputError
from tradepivot.outputs import atomic_output, write_text
from tradepivot.services.report import Report

__all__ = ["FORMATS", "Format", "with_currency", "write_report"]

Format = Literal["table", "csv", "json", "parquet", "xlsx"]
FORMATS: tuple[Format, ...] = ("table", "csv", "json", "parquet", "xlsx")
BINARY: frozenset[str] = frozenset({"parquet", "xlsx"})


def with_currency(table: pa.Table, currency: dict[str, Any] | None) -> pa.Table:
    """Add ``<name>_<code>`` beside every ``*_usd`` column (e.g. ``value_inr``)."""
    if not currency:
        return table
    rate = float(currency["rate_per_usd"])
    suffix = currency["code"].lower()
    for name in list(table.column_names):
        if name.endswith("_usd"):
            values = [None if v is None else v * rate for v in table.column(name).to_pylist()]
            index = table.schema.get_field_index(name) + 1
            table = table.add_column(index, f"{name[:-4]}_{suffix}", pa.array(values, pa.float64()))
    return table


def _json_text(report: Report) -> str:
    payload = report.to_dict()
    if report.currency:
        payload["rows"] = [
            _json_row(r) for r in with_currency(report.rows, report.currency).to_pylist()
        ]
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n"


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}


def _csv_text(table: pa.Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.column_names)
    for row in table.to_pylist():
        writer.writerow(["" if v is None else v for v in row.values()])
    return buffer.getvalue()


def write_report(
    report: Report,
    fmt: Format,
    output: Path | None,
    stdout: IO[str] | None = None,
    *,
    force: bool = False,
) -> Path | None:
    """Write ``report`` in ``fmt`` to ``output`` (or ``stdout`` for text formats).

    Files follow :mod:`tradepivot.outputs` (atomic; ``force`` replaces a read-only file).
    Returns the sidecar meta path when one was written.
    """
    stream = stdout or sys.stdout
    if fmt in BINARY and output is None:
        raise InputError(
            f"--format {fmt} writes a binary file: give it a name with --output FILE.{fmt}."
        )
    table = with_currency(report.rows, report.currency)
    meta_text = json.dumps(report.meta(), indent=2, ensure_ascii=False, default=str) + "\n"
    if fmt not in ("json", "csv", "parquet", "xlsx"):
        raise InputError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    sidecar = None if output is None else output.with_name(output.name + ".meta.json")
    if fmt == "json":
        _emit(_json_text(report), output, stream, force)
        return None
    if fmt == "csv":
        _emit(_csv_text(table), output, stream, force)
    elif fmt == "parquet":
        assert output is not None
        schema = table.schema.with_metadata({b"tradepivot": meta_text.encode()})
        with atomic_output(output, force=force) as tmp:
            pq.write_table(table.cast(schema), tmp)
    else:
        assert output is not None
        with atomic_output(output, force=force) as tmp:
            _write_xlsx(report, table, meta_text, tmp)
        return None
    if sidecar is None:
        return None
    write_text(sidecar, meta_text, force=force)
    return sidecar


def _emit(text: str, output: Path | None, stream: IO[str], force: bool) -> None:
    if output is None:
        stream.write(text)
        return
    write_text(output, text, force=force)


def _write_xlsx(report: Report, table: pa.Table, meta_text: str, path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True})
    try:
        sheets = {"rows": table} | {
            name: with_currency(t, report.currency) for name, t in report.tables.items()
        }
        for name, sheet_table in sheets.items():
            sheet = book.add_worksheet(name[:31])
            sheet.write_row(0, 0, sheet_table.column_names)
            for r, row in enumerate(sheet_table.to_pylist(), start=1):
                sheet.write_row(r, 0, ["" if v is None else v for v in row.values()])
        meta_sheet = book.add_worksheet("meta")
        for r, line in enumerate(meta_text.splitlines()):
            meta_sheet.write_string(r, 0, line)
    finally:
        book.close()

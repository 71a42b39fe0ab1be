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
import math
import sys
from pathlib import Path
from typing import IO, Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from tradepivot.errors import InputError
from tradepivot.outputs import write_bytes, write_text
from tradepivot.services.report import Report

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "Format",
    "json_payload",
    "report_bytes",
    "with_currency",
    "write_report",
]

Format = Literal["table", "csv", "json", "parquet", "xlsx"]
FORMATS: tuple[Format, ...] = ("table", "csv", "json", "parquet", "xlsx")
BINARY: frozenset[str] = frozenset({"parquet", "xlsx"})
#: The media type of each file format, for downloads.
MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


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


def json_payload(report: Report) -> dict[str, Any]:
    """The JSON object of ``--format json`` and of the web API: ``{"meta", "rows"[, "tables"]}``,
    rows with ``<name>_<currency>`` columns beside ``*_usd`` when a currency is chosen.
    Values that JSON lacks (dates) are strings, as ``json.dumps(..., default=str)`` makes them."""
    loaded: dict[str, Any] = json.loads(
        json.dumps(_payload(report), ensure_ascii=False, default=str)
    )
    return loaded


def _payload(report: Report) -> dict[str, Any]:
    payload = report.to_dict()
    if report.currency:
        payload["rows"] = [
            _json_row(r) for r in with_currency(report.rows, report.currency).to_pylist()
        ]
    return payload


def _json_text(report: Report) -> str:
    # The text of json_payload(report) with an indent, without its round trip through a
    # string (~25 ms of a 2,700-row `flows`): ``default=str`` does what the round trip does.
    return json.dumps(_payload(report), indent=2, ensure_ascii=False, default=str) + "\n"


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in row.items()
    }


def _meta_text(report: Report) -> str:
    return json.dumps(report.meta(), indent=2, ensure_ascii=False, default=str) + "\n"


def report_bytes(report: Report, fmt: Format, table: str | None = None) -> bytes:
    """``report`` as the content of a file in ``fmt`` (json, csv, parquet or xlsx).

    ``table`` picks one of the report's named tables instead of its rows for csv and parquet
    (json and xlsx always carry every table). Parquet embeds the meta in its schema, XLSX has a
    ``meta`` sheet; a CSV's meta travels beside it (a ``.meta.json`` file, or the web API's
    ``format=meta``).
    """
    if fmt == "json":
        return _json_text(report).encode("utf-8")
    if table is None:
        chosen = report.rows
    elif table in report.tables:
        chosen = report.tables[table]
    else:
        known = ", ".join(["rows", *report.tables]) or "rows"
        raise InputError(f"This result has no table {table!r}. Its tables: {known}.")
    chosen = with_currency(chosen, report.currency)
    if fmt == "csv":
        return _csv_text(chosen).encode("utf-8")
    if fmt == "parquet":
        schema = chosen.schema.with_metadata({b"tradepivot": _meta_text(report).encode()})
        sink = io.BytesIO()
        pq.write_table(chosen.cast(schema), sink)
        return sink.getvalue()
    if fmt == "xlsx":
        sink = io.BytesIO()
        _write_xlsx(report, with_currency(report.rows, report.currency), _meta_text(report), sink)
        return sink.getvalue()
    raise InputError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS[1:])}.")


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
    if fmt not in FORMATS[1:]:
        raise InputError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    if output is None:  # a text format to the terminal
        stream.write(report_bytes(report, fmt).decode("utf-8"))
        return None
    write_bytes(output, report_bytes(report, fmt), force=force)
    if fmt in ("json", "xlsx"):  # both carry their meta inside
        return None
    sidecar = output.with_name(output.name + ".meta.json")
    write_text(sidecar, _meta_text(report), force=force)
    return sidecar


def _write_xlsx(report: Report, table: pa.Table, meta_text: str, sink: IO[bytes]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(sink, {"nan_inf_to_errors": True, "in_memory": True})
    try:
        sheets = {"rows": table} | {
            name: with_currency(t, report.currency) for name, t in report.tables.items()
        }
        header = book.add_format({"bold": True, "bottom": 1})
        formats = {kind: book.add_format({"num_format": f}) for kind, f in XLSX_FORMATS.items()}
        for name, sheet_table in sheets.items():
            sheet = book.add_worksheet(name[:31])
            sheet.write_row(0, 0, sheet_table.column_names, header)
            sheet.freeze_panes(1, 0)
            kinds = [_xlsx_kind(sheet_table.schema.field(c)) for c in sheet_table.column_names]
            for c, kind in enumerate(kinds):
                if kind is not None:
                    sheet.set_column(c, c, 14, formats[kind])
            for r, row in enumerate(sheet_table.to_pylist(), start=1):
                sheet.write_row(
                    r,
                    0,
                    [_xlsx_value(v, kind) for v, kind in zip(row.values(), kinds, strict=True)],
                )
        meta_sheet = book.add_worksheet("meta")
        for r, line in enumerate(meta_text.splitlines()):
            meta_sheet.write_string(r, 0, line)
    finally:
        book.close()


# Number formats of an XLSX sheet: money in whole units with thousands separators (the cell
# keeps cents), percentages to one decimal, other measures to three.
XLSX_FORMATS = {"money": "#,##0", "pct": "0.0", "number": "#,##0.000"}


def _xlsx_kind(field: pa.Field) -> str | None:
    if not (pa.types.is_floating(field.type) or pa.types.is_integer(field.type)):
        return None
    name = field.name
    if name.endswith("_pct"):
        return "pct"
    if name.endswith(("_usd", "_inr", "_rub", "_eur")):
        return "money"
    return "number" if pa.types.is_floating(field.type) else None


def _xlsx_value(value: Any, kind: str | None) -> Any:
    """A cell value without float noise: money to the cent (9999999999.999996 is
    10,000,000,000.00), other measures to 12 significant digits."""
    if value is None:
        return ""
    if isinstance(value, list):  # a series (trend_series): one cell, values separated
        return "; ".join("" if v is None else f"{v:.12g}" for v in value)
    if isinstance(value, float) and math.isfinite(value):
        if kind == "money":
            return round(value, 2)
        return float(f"{value:.12g}")
    return value

"""A Report as an HTTP response: the CLI's JSON, or a download in CSV, XLSX or Parquet.

The format comes from ``?format=`` or else the ``Accept`` header. JSON is exactly what
``--format json`` prints. Every download carries its meta: Parquet in its schema, XLSX in a
``meta`` sheet, CSV through a ``Link: <...format=meta>; rel="describedby"`` header that
points at the same query's meta (and ``format=meta`` returns it alone).
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Query
from starlette.requests import Request
from starlette.responses import Response

from tradepivot.reports.export import MEDIA_TYPES, Format, json_payload, report_bytes
from tradepivot.services.report import Report

__all__ = ["DownloadFormat", "FormatParam", "TableParam", "json_response", "link_target", "respond"]


class DownloadFormat(StrEnum):
    """What a query route can answer with."""

    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"
    meta = "meta"


FormatParam = Annotated[
    DownloadFormat | None,
    Query(
        alias="format",
        description="json (default; the CLI's `--format json`), csv, xlsx, parquet, or meta "
        "(provenance only). Without it, the Accept header decides.",
    ),
]
TableParam = Annotated[
    str | None,
    Query(
        pattern=r"^[a-z_]{1,40}$",
        description="For csv/parquet: one of the result's named tables instead of its rows "
        "(their names are the keys of `tables` in the JSON).",
        examples=["suppliers"],
    ),
]

FILE_FORMATS: dict[DownloadFormat, Format] = {
    DownloadFormat.csv: "csv",
    DownloadFormat.xlsx: "xlsx",
    DownloadFormat.parquet: "parquet",
}
_ACCEPTED = {
    "text/csv": DownloadFormat.csv,
    MEDIA_TYPES["xlsx"]: DownloadFormat.xlsx,
    "application/vnd.apache.parquet": DownloadFormat.parquet,
    "application/x-parquet": DownloadFormat.parquet,
}


def _negotiate(request: Request, fmt: DownloadFormat | None) -> DownloadFormat:
    if fmt is not None:
        return fmt
    for item in request.headers.get("accept", "").split(","):
        media = item.split(";")[0].strip().lower()
        if media in _ACCEPTED:
            return _ACCEPTED[media]
        if media in ("application/json", "*/*", ""):
            break
    return DownloadFormat.json


def _file_name(report: Report, table: str | None, suffix: str) -> str:
    words = [str(report.query.get(k) or "") for k in ("exporter", "market", "importer")]
    stem = "-".join(["tradepivot", *[w for w in words if w], *([table] if table else [])])
    return re.sub(r"[^A-Za-z0-9._-]", "_", stem)[:80] + "." + suffix


def respond(
    request: Request,
    report: Report,
    fmt: DownloadFormat | None = None,
    table: str | None = None,
) -> Response:
    """``report`` in the asked format; JSON unless a download is asked for."""
    chosen = _negotiate(request, fmt)
    if chosen is DownloadFormat.json:
        return Response(
            json.dumps(json_payload(report), ensure_ascii=False, allow_nan=False),
            media_type=MEDIA_TYPES["json"],
        )
    if chosen is DownloadFormat.meta:
        return Response(
            json.dumps(report.meta(), ensure_ascii=False, default=str),
            media_type=MEDIA_TYPES["json"],
        )
    content = report_bytes(report, FILE_FORMATS[chosen], table)
    headers = {
        "content-disposition": f'attachment; filename="{_file_name(report, table, chosen.value)}"'
    }
    if chosen is DownloadFormat.csv:
        meta_url = request.url.include_query_params(format="meta").remove_query_params("table")
        headers["link"] = f'<{link_target(meta_url.path, meta_url.query)}>; rel="describedby"'
    return Response(content, media_type=MEDIA_TYPES[chosen.value], headers=headers)


def json_response(payload: Any) -> Response:
    """JSON as the CLI prints it (``json.dumps(..., default=str)``), for non-Report answers."""
    return Response(
        json.dumps(payload, ensure_ascii=False, default=str), media_type=MEDIA_TYPES["json"]
    )


def link_target(path: str, query: str) -> str:
    """A relative URL safe in a header (RFC 8288 wants ASCII): the path percent-encoded."""
    return quote(path, safe="/%:@!$&'()*+,;=-._~") + "?" + quote(query, safe="=&%+-._~")

"""Organiser screens for importing registrations: tables checked as ``match`` checks a
folder, a column-mapping step for another platform's export, templates to fill in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from tradepivot.errors import InputError
from tradepivot.events.tabular import ColumnMap
from tradepivot.services.registrations import (
    ImportResult,
    TableColumns,
    column_map_yaml,
    import_registrations,
    table_template,
    upload_columns,
)
from tradepivot.web.portal.auth import EventAccess, OrganiserOf
from tradepivot.web.portal.state import Portal, portal

__all__ = ["import_mapped", "import_page", "import_tables", "router", "template"]

router = APIRouter()
App = Annotated[Portal, Depends(portal)]
EventId = Annotated[str, Path(max_length=64)]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/portal/events/{event_id}/import")
def import_page(request: Request, app: App, access: OrganiserOf, event_id: EventId) -> Response:
    return app.render(
        request,
        "portal/import.html",
        {"event": app.summary(event_id), "result": None, "error": None},
    )


@router.post("/portal/events/{event_id}/import")
def import_tables(
    request: Request,
    app: App,
    access: OrganiserOf,
    event_id: EventId,
    files: Annotated[list[UploadFile], File()],
) -> Response:
    """Replace the uploaded tables (checked as `match` checks a folder) or say what is wrong.
    A table whose columns are not ours as written (a registration platform's export, say)
    goes to the column-mapping step first, with a suggestion for each column."""
    contents = {f.filename or "upload": f.file.read() for f in files}
    try:
        columns = upload_columns(contents)
    except InputError as exc:
        return _import_page(request, app, event_id, error=exc, status_code=422)
    if any(t.needs_mapping for t in columns):
        token = app.staging.put(_owner(access.account.id, event_id), contents)
        return _mapping_page(request, app, event_id, token, columns)
    return _import(request, app, event_id, contents, None)


@router.post("/portal/events/{event_id}/import/map")
async def import_mapped(
    request: Request, app: App, access: OrganiserOf, event_id: EventId
) -> Response:
    """The upload of the step before, imported with the organiser's column mapping (each of
    their columns -> one of ours, or ignored); the mapping is offered as the YAML the CLI's
    ``--map FILE`` reads."""
    form = await request.form()
    # reading the files and checking every row is work for a thread, not the event loop
    return await run_in_threadpool(_import_mapped, request, app, access, event_id, dict(form))


def _import_mapped(
    request: Request, app: Portal, access: EventAccess, event_id: str, form: Mapping[str, Any]
) -> Response:
    token = str(form.get("upload", ""))
    contents = app.staging.get(_owner(access.account.id, event_id), token)
    if contents is None:
        error = InputError(
            "This upload is no longer here (an hour has passed, or it was imported).",
            hint="Upload the files again.",
        )
        return _import_page(request, app, event_id, error=error, status_code=410)
    try:
        columns = upload_columns(contents)
        mapping = _chosen(columns, form)
    except InputError as exc:
        return _import_page(request, app, event_id, error=exc, status_code=422)
    result = _import(request, app, event_id, contents, mapping, token=token, columns=columns)
    if result.status_code == 200:
        app.staging.drop(token)
    return result


def _owner(user_id: int, event_id: str) -> str:
    return f"{user_id}:{event_id}"


def _chosen(
    columns: Sequence[TableColumns], form: Mapping[str, Any]
) -> dict[str, dict[str, str | None]]:
    """The mapping the form holds: ``map.TABLE.N`` is our column for their N-th column, or
    empty to ignore it. Anything but one of our columns is refused."""
    out: dict[str, dict[str, str | None]] = {}
    for table in columns:
        chosen: dict[str, str | None] = {}
        for index, (theirs, _) in enumerate(table.columns):
            ours = str(form.get(f"map.{table.table}.{index}", ""))
            if ours and ours not in table.ours:
                raise InputError(
                    f"{ours!r} is not a column of {table.table}.",
                    hint=f"Choose one of {', '.join(table.ours)}, or ignore the column.",
                )
            chosen[theirs] = ours or None
        out[table.table] = chosen
    return out


def _import(
    request: Request,
    app: Portal,
    event_id: str,
    contents: Mapping[str, bytes],
    mapping: Mapping[str, Mapping[str, str | None]] | None,
    *,
    token: str = "",
    columns: Sequence[TableColumns] = (),
) -> Response:
    column_map = ColumnMap(mapping, "the column mapping") if mapping is not None else None
    try:
        result = import_registrations(app.backend.store, event_id, contents, column_map=column_map)
    except InputError as exc:
        if mapping is not None:
            return _mapping_page(
                request, app, event_id, token, columns, mapping, error=exc, status_code=422
            )
        return _import_page(request, app, event_id, error=exc, status_code=422)
    yaml_text = column_map_yaml(mapping) if mapping is not None else ""
    return _import_page(request, app, event_id, result=result, mapping_yaml=yaml_text)


def _import_page(
    request: Request,
    app: Portal,
    event_id: str,
    *,
    result: ImportResult | None = None,
    error: InputError | None = None,
    mapping_yaml: str = "",
    status_code: int = 200,
) -> Response:
    return app.render(
        request,
        "portal/import.html",
        {"event": app.summary(event_id), "result": result, "error": error,
         "mapping_yaml": mapping_yaml},
        status_code=status_code,
    )  # fmt: skip


def _mapping_page(
    request: Request,
    app: Portal,
    event_id: str,
    token: str,
    columns: Sequence[TableColumns],
    chosen: Mapping[str, Mapping[str, str | None]] | None = None,
    *,
    error: InputError | None = None,
    status_code: int = 200,
) -> Response:
    """Each uploaded table's columns with a choice of ours (the suggestion, or what the
    organiser chose last time), the required columns nothing is mapped to yet."""
    return app.render(
        request,
        "portal/import_map.html",
        {"event": app.summary(event_id), "token": token, "tables": columns,
         "chosen": chosen or {}, "error": error},
        status_code=status_code,
    )  # fmt: skip


@router.get("/portal/events/{event_id}/template/{table}.{fmt}")
def template(
    access: OrganiserOf,
    event_id: EventId,
    table: Annotated[str, Path(pattern=r"^[a-z]{1,20}$")],
    fmt: Annotated[str, Path(pattern=r"^(csv|xlsx)$")],
) -> Response:
    """An empty table to fill in (XLSX with an About sheet saying what each column holds)."""
    return Response(
        table_template(table, fmt),
        media_type=MEDIA[fmt],
        headers={"content-disposition": f'attachment; filename="{table}.{fmt}"'},
    )

"""`match suggest|schedule|reschedule|agenda`: B2B meetings for a forum or a delegation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradepivot.cli.core import app, state
from tradepivot.cli.options import (
    MAX_TOP,
    ForceOpt,
    FormatOpt,
    OutputFormat,
    OutputOpt,
    check_output,
)
from tradepivot.cli.render import emit

if TYPE_CHECKING:
    from collections.abc import Generator

    from tradepivot.events.store import EventStore
    from tradepivot.services.matchmaking import AgendaRequest, ScheduleRun

match_app = typer.Typer(
    help="B2B matchmaking: suggestions with reasons, optimised schedules, agendas.",
    no_args_is_help=True,
)
app.add_typer(match_app, name="match", rich_help_panel="Matchmaking")

EventArg = Annotated[
    Path,
    typer.Argument(
        help="Event folder (docs/events.md), e.g. examples/india-russia-forum, or db:ID for "
        "an event in the portal database (tradepivot event import)."
    ),
]
ParticipantOpt = Annotated[
    str, typer.Option("--participant", "-p", help="Participant id (or exact organisation name).")
]
NoMarketOpt = Annotated[
    bool,
    typer.Option(
        "--no-market", help="Score without trade-data evidence (faster, no warehouse queries)."
    ),
]
# CP-SAT takes a 32-bit seed; a larger one was an internal error.
SeedOpt = Annotated[
    int,
    typer.Option("--seed", help="Random seed: same seed, same schedule.", min=0, max=2**31 - 1),
]
# A day of solver time: a larger budget (1e308, inf) would never end.
MAX_TIME_LIMIT = 86_400.0
OutDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--output-dir",
        help="Folder for meetings.csv, meetings-readable.csv, grid.html, grid.xlsx, "
        "statistics.json (default EVENT/schedule; ID-schedule for db:ID).",
        show_default=False,
    ),
]


MapOpt = Annotated[
    Path | None,
    typer.Option(
        "--map",
        help="YAML file naming your columns: per table, 'their column: our column' "
        "(null to ignore one); see docs/events.md.",
        show_default=False,
    ),
]
DraftOpt = Annotated[
    bool,
    typer.Option("--draft", help="Read the draft schedule instead of the published one."),
]
AgendaLangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="en, ru or hi (default: each participant's first language among them, else en).",
        show_default=False,
    ),
]
IgnoreExtraOpt = Annotated[
    bool,
    typer.Option(
        "--ignore-extra", help="Skip columns tradepivot does not know instead of failing."
    ),
]


def _store(
    ctx: typer.Context,
    event: Path,
    column_map: Path | None = None,
    ignore_extra: bool = False,
    **options: object,
) -> tuple[EventStore, str]:
    """The store holding ``event`` and the event's id: ``db:ID`` in the portal database,
    else the event folder (the id is its name)."""
    from tradepivot.events.folder import FolderStore

    if str(event).startswith("db:"):  # services.portal.events.DB_PREFIX (SQLAlchemy not loaded)
        from tradepivot.services.portal.events import event_store

        return event_store(state(ctx).settings, str(event), state(ctx).warehouse.reference)
    from tradepivot.events.schemas import TABLES
    from tradepivot.events.tabular import read_column_map

    mapping = read_column_map(column_map, TABLES) if column_map is not None else None
    return FolderStore.at(
        event,
        reference=state(ctx).warehouse.reference,
        column_map=mapping,
        ignore_extra=ignore_extra,
        **options,
    )


def _write_outputs(ctx: typer.Context, run: ScheduleRun, event: Path, out: Path | None) -> None:
    from tradepivot.reports.schedule import write_changes, write_schedule_files

    folder = out or (
        Path(f"{str(event)[3:]}-schedule") if str(event).startswith("db:") else event / "schedule"
    )
    written = write_schedule_files(run.event, run.schedule.meetings, run.statistics, folder)
    if "changes" in run.report.tables:
        written += write_changes(run.report.tables["changes"].to_pylist(), folder)
    run.report.provenance.note(f"Wrote {', '.join(p.name for p in written)} to {folder}.")


@match_app.command("template")
def template(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="Folder to write the empty event tables into.")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="csv, or xlsx (with an About sheet per table).")
    ] = "csv",
    force: ForceOpt = False,
) -> None:
    """Empty, documented event tables to fill in (participants, slots, tables, ...) and an
    event.yaml; every column is described in docs/events.md (and in XLSX, on each About sheet).

    Example: tradepivot match template my-forum --format xlsx
    """
    from tradepivot.events.template import write_templates

    if fmt not in ("csv", "xlsx"):
        raise typer.BadParameter("use csv or xlsx.", param_hint="--format")
    written = write_templates(folder, fmt=fmt, force=force)
    state(ctx).err.print(
        f"Wrote {len(written)} files to {folder}: {', '.join(p.name for p in written)}."
    )


@match_app.command("suggest")
def suggest(
    ctx: typer.Context,
    event: EventArg,
    participant: ParticipantOpt,
    top: Annotated[
        int, typer.Option("--top", "-n", min=1, max=MAX_TOP, help="Suggestions to show.")
    ] = 10,
    no_market: NoMarketOpt = False,
    column_map: MapOpt = None,
    ignore_extra: IgnoreExtraOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Best counterparts for one participant, each with a plain-language reason.

    Example: tradepivot match suggest examples/india-russia-forum --participant IN0001 --top 10
    """
    from tradepivot.services.matchmaking import match_suggest

    app_state = state(ctx)
    store, event_id = _store(ctx, event, column_map, ignore_extra)
    report = match_suggest(
        app_state.warehouse,
        store,
        event_id,
        participant,
        top=top,
        market=not no_market,
        language="en",  # the organiser's console: reasons in English, like the rest of it
    )
    emit(report, fmt.value, output, app_state.console, force=force)


@match_app.command("schedule")
def schedule(
    ctx: typer.Context,
    event: EventArg,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            help="Solver budget in seconds (deterministic time) \\[default: 60; setting "
            "schedule_time_limit].",
            min=0.1,
            max=MAX_TIME_LIMIT,
            show_default=False,
        ),
    ] = None,
    seed: SeedOpt = 1,
    output_dir: OutDirOpt = None,
    publish: Annotated[
        bool,
        typer.Option(
            "--publish",
            help="Make it the event's next published version (EVENT/meetings.csv; every "
            "earlier version is kept in EVENT/published/). Without it, the schedule is kept as "
            "the event's draft.",
        ),
    ] = False,
    lp_bound: Annotated[
        bool,
        typer.Option(
            "--lp-bound",
            help="Also solve the time-indexed LP relaxation (GLOP): a second bound, and what "
            "one more interpreter or table would be worth (minutes on large events).",
        ),
    ] = False,
    no_market: NoMarketOpt = False,
    column_map: MapOpt = None,
    ignore_extra: IgnoreExtraOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Optimise the meeting schedule (CP-SAT) and print its statistics, bound and gap, and
    who is left without a meeting and why.

    Locked meetings in the event's meetings file stay in place. Example:
    tradepivot match schedule examples/india-russia-forum --time-limit 60 --seed 1
    """
    from tradepivot.services.matchmaking import match_schedule

    app_state = state(ctx)
    store, event_id = _store(ctx, event, column_map, ignore_extra)
    run = match_schedule(
        app_state.warehouse,
        store,
        event_id,
        time_limit=time_limit,
        seed=seed,
        market=not no_market,
        publish=publish,
        lp_bound=lp_bound,
    )
    _write_outputs(ctx, run, event, output_dir)
    emit(run.report, fmt.value, output, app_state.console, force=force)


@match_app.command("reschedule")
def reschedule(
    ctx: typer.Context,
    event: EventArg,
    cancel: Annotated[
        list[str] | None,
        typer.Option("--cancel", help="Participant who withdrew (repeat).", show_default=False),
    ] = None,
    no_show: Annotated[
        list[str] | None,
        typer.Option(
            "--no-show", help="Participant absent from --from-slot on (repeat).", show_default=False
        ),
    ] = None,
    lose_table: Annotated[
        list[str] | None,
        typer.Option(
            "--lose-table", help="Table unusable from --from-slot on (repeat).", show_default=False
        ),
    ] = None,
    from_slot: Annotated[
        str | None,
        typer.Option(
            "--from-slot", help="First slot the changes apply to (earlier ones are held)."
        ),
    ] = None,
    move_published: Annotated[
        bool,
        typer.Option(
            "--move-published",
            help="Let published (not locked) meetings move when that gains more than "
            "--change-cost points each.",
        ),
    ] = False,
    change_cost: Annotated[
        float,
        typer.Option(
            "--change-cost",
            min=0.0,
            help="Points a published meeting is worth keeping in place (with --move-published).",
        ),
    ] = 20.0,
    force_locked: Annotated[
        list[str] | None,
        typer.Option(
            "--force-locked",
            help="Let the changes drop or move this locked meeting: a pair A-B, or a "
            "participant id for all its locked meetings (repeat).",
            show_default=False,
        ),
    ] = None,
    schedule_file: Annotated[
        Path | None,
        typer.Option(
            "--schedule",
            help="The published schedule (default: the event folder's meetings file).",
            show_default=False,
        ),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            help="Solver budget in seconds \\[default: 30; setting reschedule_time_limit].",
            min=0.1,
            max=MAX_TIME_LIMIT,
            show_default=False,
        ),
    ] = None,
    seed: SeedOpt = 1,
    output_dir: OutDirOpt = None,
    publish: Annotated[
        bool,
        typer.Option(
            "--publish",
            help="Make the new schedule the event's next published version (else its draft).",
        ),
    ] = False,
    lang: Annotated[
        str,
        typer.Option(
            "--lang", help="Language of the why column of the change report: en, ru or hi."
        ),
    ] = "en",
    no_market: NoMarketOpt = False,
    column_map: MapOpt = None,
    ignore_extra: IgnoreExtraOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Change the published schedule after cancellations, no-shows, late registrations or a
    lost table, never rewriting the past.

    Meetings before --from-slot are history: kept exactly, and nothing is added to them.
    Locked meetings stay unless --force-locked names them (at a lost table they are reseated
    first); published ones stay unless --move-published. Writes changes.csv and changes.json
    (kept, reseated, moved, cancelled, added, each with why) beside the schedule files.
    Late registrations: add them to participants.csv. Example:
    tradepivot match reschedule examples/india-russia-forum --cancel IN0002 --no-show RU0005
    --lose-table T01 --from-slot s05
    """
    from tradepivot.services.matchmaking import Changes, match_reschedule

    app_state = state(ctx)
    store, event_id = _store(ctx, event, column_map, ignore_extra, schedule_file=schedule_file)
    run = match_reschedule(
        app_state.warehouse,
        store,
        event_id,
        Changes(
            cancelled=tuple(cancel or ()),
            no_shows=tuple(no_show or ()),
            tables_lost=tuple(lose_table or ()),
            from_slot=from_slot,
            move_published=move_published,
            force=tuple(force_locked or ()),
            change_cost=change_cost,
        ),
        time_limit=time_limit,
        seed=seed,
        market=not no_market,
        publish=publish,
        language=lang,
    )
    _write_outputs(ctx, run, event, output_dir)
    emit(run.report, fmt.value, output, app_state.console, force=force)


@match_app.command("agendas")
def agendas_command(
    ctx: typer.Context,
    event: EventArg,
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Folder to write agenda-ID.FORMAT into (created if needed)."
        ),
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="html, pdf (printable) or ics (calendar).")
    ] = "pdf",
    force: ForceOpt = False,
    draft: DraftOpt = False,
    lang: AgendaLangOpt = None,
    no_market: NoMarketOpt = False,
    column_map: MapOpt = None,
    ignore_extra: IgnoreExtraOpt = False,
) -> None:
    """Every participant's agenda in one run, one file each (participants without a meeting
    too: their agenda says so), each in the participant's language; with html or pdf also
    tables.html|pdf, the hall staff's sheets (a page per table, boxes to tick arrivals).

    Example: tradepivot match agendas examples/india-russia-forum --format pdf -o agendas
    """
    from tradepivot.outputs import write_bytes
    from tradepivot.reports.agenda import agenda_pdfs
    from tradepivot.reports.hall import hall_sheets_html, hall_sheets_pdf
    from tradepivot.services.matchmaking import match_agendas, match_grid

    if fmt not in ("html", "pdf", "ics"):
        raise typer.BadParameter("use html, pdf or ics.", param_hint="--format")
    app_state = state(ctx)
    store, event_id = _store(ctx, event, column_map, ignore_extra)
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise typer.BadParameter(f"{folder} is not a folder.", param_hint="--output")
    folder.mkdir(parents=True, exist_ok=True)
    requests = list(
        match_agendas(
            app_state.warehouse, store, event_id, draft=draft, market=not no_market, language=lang
        )
    )
    pdfs = agenda_pdfs([(r.agenda, r.language) for r in requests]) if fmt == "pdf" else None
    try:
        written = _write_agendas(requests, pdfs, fmt, folder, force)
    finally:
        if pdfs is not None:
            pdfs.close()  # stops the PDF workers, also when a write fails or Ctrl-C
    app_state.err.print(f"Wrote {written} agendas ({fmt}) to {folder}.")
    if fmt in ("html", "pdf"):
        grid = match_grid(store, event_id, draft=draft)
        sheets = (
            hall_sheets_html(grid, lang or "en").encode("utf-8")
            if fmt == "html"
            else hall_sheets_pdf(grid, lang or "en")
        )
        write_bytes(folder / f"tables.{fmt}", sheets, force=force)
        app_state.err.print(f"Wrote the hall staff's sheets, a page per table, to tables.{fmt}.")


def _write_agendas(
    requests: list[AgendaRequest],
    pdfs: Generator[bytes, None, None] | None,
    fmt: str,
    folder: Path,
    force: bool,
) -> int:
    """Write each participant's agenda (and a calendar's cancellations) into ``folder``."""
    from tradepivot.outputs import write_bytes
    from tradepivot.reports.agenda import agenda_calendars, agenda_html

    written = 0
    for request in requests:
        data, language = request.agenda, request.language
        pid = data.participant.id
        if pdfs is not None:
            content = next(pdfs)
        elif fmt == "html":
            content = agenda_html(data, language).encode("utf-8")
        else:
            content, cancel = agenda_calendars(
                data, language, sequences=request.sequences, cancelled=request.cancelled
            )
            if cancel is not None:
                write_bytes(folder / f"agenda-{pid}.cancel.ics", cancel, force=force)
        write_bytes(folder / f"agenda-{pid}.{fmt}", content, force=force)
        written += 1
    return written


@match_app.command("agenda")
def agenda(
    ctx: typer.Context,
    event: EventArg,
    participant: ParticipantOpt,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="html, pdf (printable) or ics (calendar).")
    ] = "html",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write (default agenda-ID.FORMAT).",
            callback=check_output,
        ),
    ] = None,
    force: ForceOpt = False,
    draft: DraftOpt = False,
    lang: AgendaLangOpt = None,
    no_market: NoMarketOpt = False,
    column_map: MapOpt = None,
    ignore_extra: IgnoreExtraOpt = False,
) -> None:
    """One participant's agenda: times in their zone and the venue's (IST / MSK), tables,
    interpreters and why each meeting was suggested.

    Example: tradepivot match agenda examples/india-russia-forum -p RU0007 --format pdf
    """
    from tradepivot.outputs import write_bytes
    from tradepivot.reports.agenda import (
        agenda_cancellations_ics,
        agenda_html,
        agenda_ics,
        agenda_pdf,
    )
    from tradepivot.services.matchmaking import match_agenda

    if fmt not in ("html", "pdf", "ics"):
        raise typer.BadParameter("use html, pdf or ics.", param_hint="--format")
    app_state = state(ctx)
    store, event_id = _store(ctx, event, column_map, ignore_extra)
    request = match_agenda(
        app_state.warehouse,
        store,
        event_id,
        participant,
        draft=draft,
        market=not no_market,
        language=lang,
    )
    data = request.agenda
    pid = data.participant.id
    lang = request.language
    if fmt == "html":
        content = agenda_html(data, lang).encode("utf-8")
    elif fmt == "pdf":
        content = agenda_pdf(data, lang)
    else:
        content = agenda_ics(data, lang, sequences=request.sequences, cancelled=request.cancelled)
        cancel = agenda_cancellations_ics(data, request.cancelled, lang)
        if cancel is not None:
            extra = (output or Path(f"agenda-{pid}.ics")).with_suffix(".cancel.ics")
            write_bytes(extra, cancel, force=force)
            app_state.err.print(f"Wrote {extra} (cancelled meetings: METHOD:CANCEL).")
    target = output or Path(f"agenda-{pid}.{fmt}")
    write_bytes(target, content, force=force)
    app_state.err.print(f"Wrote {target}.")

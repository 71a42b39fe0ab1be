"""`data status`, `data ingest <format> FILE`, `data remove NAME`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from tradepivot.cli.core import app, state
from tradepivot.cli.options import FormatOpt, OutputFormat

data_app = typer.Typer(
    help="Datasets: what is loaded, and loading your own downloads.", no_args_is_help=True
)
ingest_app = typer.Typer(
    help="Load a downloaded file into your warehouse (validated, atomic, idempotent).",
    no_args_is_help=True,
)
data_app.add_typer(ingest_app, name="ingest")
app.add_typer(data_app, name="data", rich_help_panel="Data")

NameOpt = Annotated[
    str | None,
    typer.Option(
        "--name", help="Dataset name (default: derived from the file name).", show_default=False
    ),
]
EditionOpt = Annotated[
    str | None,
    typer.Option(
        "--hs-edition",
        help="HS edition of the codes (HS2017, HS22, H5 ...); detected when omitted.",
        show_default=False,
    ),
]


@data_app.command("status")
def status(ctx: typer.Context, fmt: FormatOpt = OutputFormat.table) -> None:
    """List datasets: source, edition, years, rows, coverage and known gaps."""
    from tradepivot.cli.render import emit
    from tradepivot.services.datasets import dataset_status, datasets_report

    app_state = state(ctx)
    if fmt is OutputFormat.json:  # the web API's /api/v1/datasets, the same object
        emit(datasets_report(app_state.warehouse), "json", None, app_state.console)
        return
    report = dataset_status(app_state.warehouse)
    if fmt is not OutputFormat.table:
        raise typer.BadParameter("data status prints as table or json.", param_hint="--format")
    console = app_state.console
    table = Table(title="Datasets", title_justify="left", header_style="bold")
    for column in ("Dataset", "Kind", "Edition", "Years", "Rows", "Where"):
        table.add_column(column, justify="right" if column == "Rows" else "left", overflow="fold")
    for d in report["datasets"]:
        years = d["years"]
        shown = f"{years[0]}–{years[-1]}" if len(years) > 2 else ", ".join(map(str, years))
        table.add_row(
            d["id"],
            d["kind"],
            d["edition"].split(" (")[0],
            shown,
            f"{d['rows']:,}",
            "embedded" if d["embedded"] else "your warehouse",
        )
    console.print(table)
    for d in report["datasets"]:
        console.print(
            f"[bold]{d['id']}[/bold]: {d['title']}. Source: {d['source']}. Terms: {d['terms']}."
        )
        for gap in d["gaps"]:
            console.print(f"  [yellow]gap[/yellow] {gap['text']}")
    for t in report["tariff_schedules"]:
        rows = ", ".join(f"{k} {v:,}" for k, v in t["rows"].items())
        console.print(
            f"[bold]{t['id']}[/bold] (tariff schedule, {t['market']}): {t['title']}. "
            f"Source: {t['source']}. Terms: {t['terms']}. Rows: {rows}. "
            f"Dated measures: {t['measures_file']}."
        )
        for gap in t["gaps"]:
            console.print(f"  [yellow]gap[/yellow] {gap}")
    console.print(
        f"[dim]Your warehouse: {report['warehouse']} ({report['warehouse_state']}).[/dim]"
    )


def _run_ingest(ctx: typer.Context, fmt: str, path: Path, **options: object) -> None:
    from tradepivot.services.ingest import ingest_file

    app_state = state(ctx)
    err = app_state.err
    with Progress(
        TextColumn(f"[bold]{fmt}[/bold] {path.name}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("ingest", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        result = ingest_file(app_state.settings, fmt, path, progress=progress, **options)
    verb = {
        "loaded": "Loaded",
        "replaced": "Replaced",
        "unchanged": "Unchanged (same file already loaded):",
    }
    app_state.console.print(
        f"{verb[result.status]} dataset [bold]{result.dataset_id}[/bold]: {result.rows:,} rows, "
        f"{result.edition}, years {', '.join(map(str, result.years))} "
        f"({result.seconds:.1f} s, {result.rows_per_second:,.0f} rows/s) into {app_state.settings.warehouse}."
    )


@ingest_app.command("baci")
def ingest_baci(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="BACI_HSxx_Yyyyy_Vvvvv.csv (t,i,j,k,v,q; v in thousand USD).")
    ],
    countries: Annotated[
        Path | None,
        typer.Option(
            help="country_codes_V*.csv (default: found next to FILE).", show_default=False
        ),
    ] = None,
    products: Annotated[
        Path | None,
        typer.Option(
            help="product_codes_HSxx_V*.csv (default: found next to FILE).", show_default=False
        ),
    ] = None,
    name: NameOpt = None,
    hs_edition: EditionOpt = None,
) -> None:
    """CEPII BACI yearly file (numeric country codes, values in thousand USD)."""
    _run_ingest(
        ctx, "baci", file, name=name, edition=hs_edition, countries=countries, products=products
    )


@ingest_app.command("comtrade")
def ingest_comtrade(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="UN Comtrade CSV/TSV download or API JSON response.")
    ],
    name: NameOpt = None,
    hs_edition: EditionOpt = None,
) -> None:
    """UN Comtrade final data (CSV or tab-separated bulk file, or the API's JSON)."""
    _run_ingest(ctx, "comtrade", file, name=name, edition=hs_edition)


@ingest_app.command("eidb")
def ingest_eidb(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="Raw EIDB JSON file or folder of them, or a tidy CSV.")
    ],
    name: NameOpt = None,
    hs_edition: EditionOpt = None,
) -> None:
    """India's Export Import Data Bank exports (raw JSON pages or tidy CSV)."""
    _run_ingest(ctx, "eidb", path, name=name, edition=hs_edition)


@ingest_app.command("census")
def ingest_census(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="US Census imports CSV (cty_code, hts10/hs6, value, duty) or API JSON."
        ),
    ],
    name: NameOpt = None,
    hs_edition: EditionOpt = None,
    year: Annotated[
        int | None,
        typer.Option(
            min=1990,
            max=2100,
            help="Year of the data when neither the file name nor a time column says.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """US Census Bureau imports by HTS code and partner, with duty collected."""
    _run_ingest(ctx, "census", file, name=name, edition=hs_edition, year=year)


@data_app.command("remove")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Dataset to delete from your warehouse.")],
) -> None:
    """Delete an ingested dataset (embedded datasets cannot be removed)."""
    from tradepivot.errors import UnknownDatasetError
    from tradepivot.services.ingest import remove_dataset

    app_state = state(ctx)
    if not remove_dataset(app_state.settings, name):
        raise UnknownDatasetError(
            name, [m.id for m in app_state.warehouse.datasets() if not m.embedded]
        )
    app_state.console.print(f"Removed dataset {name}.")

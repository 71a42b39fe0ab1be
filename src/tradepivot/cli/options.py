"""Options shared by several commands, declared once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

__all__ = [
    "MAX_TOP",
    "Currency",
    "CurrencyOpt",
    "DatasetOpt",
    "ForceOpt",
    "FormatOpt",
    "HsOpt",
    "LevelOpt",
    "OutputFormat",
    "OutputOpt",
    "SectorOpt",
    "TopOpt",
    "YearOpt",
    "YearsOpt",
    "check_output",
    "year_span",
]


# Larger than any result (the full world is 71 M rows) and than DuckDB's LIMIT can take.
MAX_TOP = 1_000_000_000


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"
    xlsx = "xlsx"


class Currency(StrEnum):
    USD = "USD"
    INR = "INR"
    RUB = "RUB"


FormatOpt = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="table (for reading), csv, json, parquet or xlsx.",
        case_sensitive=False,
    ),
]


def check_output(value: Path | None) -> Path | None:
    """Refuse a folder, link, device or empty name as soon as --output is parsed (before the
    work); whether a read-only file may be replaced is decided with --force at write time."""
    if value is not None:
        from tradepivot.outputs import check_target

        check_target(value, force=True)
    return value


OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file instead of the terminal (atomically; see --force).",
        show_default=False,
        callback=check_output,
    ),
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace the output file even if it is read-only (folders, links and devices "
        "are never replaced).",
    ),
]
HsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--hs",
        help="HS chapter, heading or subheading (repeat or comma-separate: --hs 4202,64). "
        "8/10-digit national lines are cut to HS6.",
        show_default=False,
    ),
]
SectorOpt = Annotated[
    str | None,
    typer.Option(
        "--sector",
        "-s",
        help="Named HS scope, e.g. leather, pharma (see `tradepivot sectors`).",
        show_default=False,
    ),
]
TopOpt = Annotated[
    int | None,
    typer.Option(
        "--top",
        "-n",
        min=1,
        max=MAX_TOP,
        help="Show only the N largest rows (totals still cover all).",
    ),
]
LevelOpt = Annotated[
    int,
    typer.Option(
        "--level", help="Product detail: 2 chapters, 4 headings, 6 subheadings.", min=2, max=6
    ),
]
DatasetOpt = Annotated[
    str | None,
    typer.Option(
        "--dataset",
        "-d",
        help="Dataset to query (default world-2024; see `tradepivot data status`).",
        show_default=False,
    ),
]
YearOpt = Annotated[
    int | None,
    typer.Option(
        "--year",
        help="Year of a multi-year dataset (default: its latest).",
        show_default=False,
    ),
]
YearsOpt = Annotated[
    str | None,
    typer.Option(
        "--years",
        help="Average a range of years of a multi-year dataset, e.g. 2020-2024 (ITC uses 5).",
        show_default=False,
    ),
]


def year_span(year: int | None, years: str | None = None) -> tuple[int, int] | None:
    """The years a command reads: --year Y, or --years FIRST-LAST (not both)."""
    from tradepivot.data.flows import choose_years

    return choose_years(year, years)


CurrencyOpt = Annotated[
    Currency | None,
    typer.Option(
        "--currency",
        help="Show amounts in USD (default), INR (crore) or RUB, at the dated annual rate.",
        case_sensitive=False,
        show_default=False,
    ),
]

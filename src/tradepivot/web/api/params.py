"""Query parameters shared by several routes, declared once (the CLI's options.py for the API).

Each carries its type, limits, a description and an example, so the OpenAPI schema documents
it and FastAPI rejects a bad value with a 422 naming the parameter.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import Path, Query

__all__ = [
    "COUNTRY",
    "Currency",
    "CurrencyParam",
    "DatasetParam",
    "ExcludeParam",
    "HsParam",
    "LevelParam",
    "SectorParam",
    "TopParam",
    "YearParam",
    "YearsParam",
    "country_path",
    "country_query",
    "currency_code",
    "split",
]

#: What a country parameter accepts (path or query).
COUNTRY = "ISO3 (RUS), ISO2 (RU), M49 (643) or a name (Russia, U S A)."
COUNTRY_PATTERN = r"^[^/\x00-\x1f]{1,80}$"


class Currency(StrEnum):
    USD = "USD"
    INR = "INR"
    RUB = "RUB"


def country_path(description: str, example: str) -> object:
    """A path parameter naming a country."""
    return Path(
        description=f"{description} {COUNTRY}",
        min_length=1,
        max_length=80,
        pattern=COUNTRY_PATTERN,
        examples=[example],
    )


def country_query(description: str, example: str) -> object:
    """A query parameter naming a country."""
    return Query(
        description=f"{description} {COUNTRY}",
        min_length=1,
        max_length=80,
        pattern=COUNTRY_PATTERN,
        examples=[example],
    )


HsParam = Annotated[
    list[Annotated[str, Query(max_length=200)]] | None,
    Query(
        description="HS chapters, headings or subheadings (repeat, or comma-separate: "
        "hs=4202,64). 8/10-digit national lines are cut to HS6.",
        max_length=50,
        examples=[["4202"]],
    ),
]
SectorParam = Annotated[
    str | None,
    Query(
        description="A named HS scope, e.g. leather, pharma (see /api/v1/sectors).",
        min_length=1,
        max_length=60,
        examples=["leather"],
    ),
]
TopParam = Annotated[
    int | None,
    Query(ge=1, le=10_000, description="Only the N largest rows (totals still cover all)."),
]
LevelParam = Annotated[
    int,
    Query(description="Product detail: 2 chapters, 4 headings, 6 subheadings.", ge=2, le=6),
]
DatasetParam = Annotated[
    str | None,
    Query(
        description="Dataset to query (default world-2024; see /api/v1/datasets).",
        min_length=1,
        max_length=120,
        examples=["world-2024"],
    ),
]
YearParam = Annotated[
    int | None,
    Query(ge=1988, le=2100, description="Year of a multi-year dataset (default: its latest)."),
]
YearsParam = Annotated[
    str | None,
    Query(
        description="Average a range of years of a multi-year dataset, e.g. 2020-2024.",
        max_length=9,
        examples=["2020-2024"],
    ),
]
CurrencyParam = Annotated[
    Currency | None,
    Query(
        description="Also give amounts in INR or RUB (`*_inr`, `*_rub` columns) at the "
        "dated annual rate named in meta.currency."
    ),
]
ExcludeParam = Annotated[
    list[Annotated[str, Query(max_length=200)]] | None,
    Query(
        description="Markets to leave out (repeat or comma-separate).",
        max_length=50,
        examples=[["USA"]],
    ),
]


def split(values: list[str] | None) -> list[str] | None:
    """``["4202,64", "43"]`` -> ``["4202", "64", "43"]``; None when nothing is left."""
    if not values:
        return None
    parts = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return parts or None


def currency_code(value: Currency | None) -> str | None:
    return value.value if value else None

"""Reference tables: countries, HS nomenclature, sectors, exchange rates, compliance lists.

Everything here resolves what users type at the edges (``"Russia"``, ``"ru"``, ``"643"``,
``"42.02"``, ``"leather"``) into the canonical forms used inside (ISO3, HS codes as
zero-padded strings, named HS scopes), and fails with close-match suggestions otherwise.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from tradepivot.data.embedded import default_dir, hand_kept_dir, read_parquet_file
from tradepivot.errors import (
    InputError,
    SourceFileError,
    UnknownCountryError,
    UnknownProductError,
    UnknownSectorError,
)
from tradepivot.inputs import HsCodeError, Written, normalise_hs, read_yaml

__all__ = [
    "EDITIONS",
    "RESTRICTED_MARKETS",
    "ChplItem",
    "Country",
    "FxRate",
    "HSCode",
    "ProductScope",
    "Reference",
    "Sector",
]

EDITIONS = ("HS1992", "HS2012", "HS2017", "HS2022")
# Markets where products on the Common High Priority List are flagged (DESIGN.md section 5).
RESTRICTED_MARKETS = frozenset({"RUS", "BLR"})


@dataclass(frozen=True)
class Country:
    """A country, territory or reporting bloc, keyed by ISO3 (``S19`` = Taiwan, ``EU27``)."""

    iso3: str
    name: str
    iso2: str | None
    m49: int | None
    region: str | None
    sub_region: str | None
    kind: str
    baci_code: int | None
    census_code: str | None

    def label(self) -> str:
        return f"{self.name} ({self.iso3})"


@dataclass(frozen=True)
class HSCode:
    """One chapter (2 digits), heading (4) or subheading (6) of an HS edition."""

    code: str
    edition: str
    level: int
    description: str
    parent: str | None
    section: str | None


@dataclass(frozen=True)
class Sector:
    """A named HS scope with the source or rationale of its definition."""

    name: str
    label: str
    hs: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class ProductScope:
    """The set of HS6 codes a query covers: prefixes minus exclusions, with a label."""

    prefixes: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    label: str = "all products"
    sector: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def is_everything(self) -> bool:
        return not self.prefixes and not self.exclude

    def contains(self, hs6: str) -> bool:
        inside = not self.prefixes or hs6.startswith(self.prefixes)
        return inside and not (self.exclude and hs6.startswith(self.exclude))

    def describe(self) -> str:
        if self.is_everything:
            return "all products"
        scope = "HS " + ", ".join(self.prefixes) if self.prefixes else "all HS"
        if self.exclude:
            scope += " excluding " + ", ".join(self.exclude)
        return scope


@dataclass(frozen=True)
class FxRate:
    """Units of a currency per US dollar over a period, with where the figure comes from."""

    currency: str
    period: str
    rate_per_usd: float
    kind: str
    source: str
    reference: str


@dataclass(frozen=True)
class ChplItem:
    """An HS6 code on the Common High Priority List (BIS/EU/Japan/UK)."""

    hs6: str
    tier: str
    description: str
    source_date: str


def _normalise_name(text: str) -> str:
    return " ".join(text.upper().replace("_", " ").split())


class Reference:
    """Read-only access to the embedded reference tables, loaded on first use.

    ``sectors_file`` adds user sectors (same YAML shape as the shipped file); a user sector
    with the name of a shipped one replaces it.
    """

    def __init__(self, sectors_file: Path | None = None, data_dir: Path | None = None) -> None:
        self._dir = (data_dir or default_dir()) / "reference"
        self._sectors_file = sectors_file

    # ------------------------------------------------------------------ countries
    @cached_property
    def _countries(self) -> dict[str, Country]:
        rows = read_parquet_file(self._dir / "countries.parquet").to_pylist()
        return {
            r["iso3"]: Country(
                iso3=r["iso3"],
                name=r["name"],
                iso2=r["iso2"],
                m49=r["m49"],
                region=r["region"],
                sub_region=r["sub_region"],
                kind=r["kind"],
                baci_code=r["baci_code"],
                census_code=r["census_code"],
            )
            for r in rows
        }

    @cached_property
    def _aliases(self) -> dict[str, str]:
        table = self._alias_rows
        aliases: dict[str, str] = {}
        # Codes win over names when an alias is ambiguous across sources.
        order = {
            "iso3": 0,
            "iso2": 1,
            "m49": 2,
            "common": 3,
            "name": 4,
            "eidb": 5,
            "census": 6,
            "baci": 7,
        }
        for row in sorted(table, key=lambda r: order.get(r["source"], 9)):
            aliases.setdefault(row["alias"], row["iso3"])
        return aliases

    def aliases(self, source: str) -> dict[str, str]:
        """Spellings of one source (``eidb``, ``census``, ``baci``, ``name`` ...) -> ISO3."""
        return {r["alias"]: r["iso3"] for r in self._alias_rows if r["source"] == source}

    @cached_property
    def _alias_rows(self) -> list[dict[str, str]]:
        rows: list[dict[str, str]] = read_parquet_file(
            self._dir / "country_aliases.parquet"
        ).to_pylist()
        return rows

    def countries(self) -> list[Country]:
        return sorted(self._countries.values(), key=lambda c: c.iso3)

    def country(self, query: str) -> Country:
        """Resolve any accepted spelling to a :class:`Country`.

        >>> Reference().country("russia").iso3
        'RUS'
        """
        key = _normalise_name(str(query))
        iso3 = self._aliases.get(key)
        if iso3 is None and key.isdigit():  # numeric codes written with leading zeros: 004
            iso3 = self._aliases.get(str(int(key)))
        if iso3 is None:
            raise UnknownCountryError(str(query), self._country_suggestions(key))
        return self._countries[iso3]

    def iso3(self, query: str) -> str:
        return self.country(query).iso3

    def name(self, iso3: str) -> str:
        country = self._countries.get(iso3)
        return country.name if country else iso3

    def _country_suggestions(self, key: str) -> list[str]:
        names = {alias: iso3 for alias, iso3 in self._aliases.items() if not alias.isdigit()}
        close = difflib.get_close_matches(key, list(names), n=8, cutoff=0.6)
        prefix = [a for a in names if len(key) >= 3 and a.startswith(key)]
        seen: list[str] = []
        for alias in prefix + close:
            label = self._countries[names[alias]].label()
            if label not in seen:
                seen.append(label)
        return seen[:5]

    # ------------------------------------------------------------------ HS nomenclature
    @cached_property
    def _hs(self) -> dict[str, dict[str, HSCode]]:
        table = read_parquet_file(self._dir / "hs_nomenclature.parquet").to_pylist()
        by_edition: dict[str, dict[str, HSCode]] = {}
        for r in table:
            by_edition.setdefault(r["edition"], {})[r["code"]] = HSCode(
                code=r["code"],
                edition=r["edition"],
                level=r["level"],
                description=r["description"],
                parent=r["parent"],
                section=r["section"],
            )
        return by_edition

    def editions(self) -> list[str]:
        return sorted(self._hs)

    def hs_codes(self, edition: str, level: int = 6) -> list[HSCode]:
        return [c for c in self._nomenclature(edition).values() if c.level == level]

    def _nomenclature(self, edition: str) -> dict[str, HSCode]:
        try:
            return self._hs[edition]
        except KeyError:
            raise InputError(
                f"No nomenclature for HS edition {edition!r}.",
                hint=f"Known editions: {', '.join(self.editions())}.",
            ) from None

    def describe(self, code: str, edition: str) -> str | None:
        descriptions = self._descriptions.get(edition)
        if descriptions is None:
            descriptions = self._descriptions[edition] = self._read_descriptions(edition)
        return descriptions.get(code)

    @cached_property
    def _descriptions(self) -> dict[str, dict[str, str]]:
        return {}

    def _read_descriptions(self, edition: str) -> dict[str, str]:
        # One edition's codes and texts into a plain dict (~8 ms) rather than every HSCode
        # of every edition (~0.15 s): what a result's description column needs. The rows
        # are cut by slices, not a compute filter (which would import pandas, ~0.15 s).
        table = read_parquet_file(
            self._dir / "hs_nomenclature.parquet", columns=("edition", "code", "description")
        )
        found: dict[str, str] = {}
        editions = table.column("edition").to_pylist()
        start = None
        for i, name in enumerate([*editions, None]):
            if name == edition and start is None:
                start = i
            elif name != edition and start is not None:
                part = table.slice(start, i - start)
                codes, texts = (part.column(c).to_pylist() for c in ("code", "description"))
                found.update(zip(codes, texts, strict=True))
                start = None
        return found

    def hs(self, query: str, edition: str = "HS2017") -> HSCode:
        """Validate one HS code (2, 4 or 6 digits; dots and spaces allowed, nothing else).

        National 8- and 10-digit lines are truncated to HS6 by :meth:`parse_hs`; this method
        takes the code as the nomenclature has it.
        """
        codes = self._nomenclature(edition)
        try:
            normalised = normalise_hs(query, national=False)
        except HsCodeError as exc:
            raise UnknownProductError(
                str(query), edition, f"{exc.reason}: use 2, 4 or 6 digits"
            ) from None
        code = normalised.code
        if normalised.note is not None or len(code) not in (2, 4, 6):
            raise UnknownProductError(
                str(query),
                edition,
                "is not an HS chapter, heading or subheading: use 2, 4 or 6 digits",
            )
        found = codes.get(code)
        if found is None:
            raise UnknownProductError(
                str(query), edition, "does not exist", self._hs_suggestions(code, codes)
            )
        return found

    def parse_hs(
        self, queries: Iterable[str], edition: str = "HS2017"
    ) -> tuple[list[str], list[str]]:
        """Validate HS prefixes given by a user; returns (codes, notes).

        Comma-separated lists are split; each code is normalised by
        :func:`tradepivot.inputs.normalise_hs` (8/10-digit national lines cut to HS6, a lost
        leading zero restored, each with a note). A query with no code at all is an error,
        never "all products".
        """
        codes: list[str] = []
        notes: list[str] = []
        for raw in queries:
            parts = [part for part in str(raw).split(",") if part.strip()]
            if not parts:
                raise UnknownProductError(
                    str(raw), edition, "is empty: give an HS chapter, heading or subheading"
                )
            for part in parts:
                try:
                    normalised = normalise_hs(part)
                except HsCodeError as exc:
                    raise UnknownProductError(
                        part.strip(), edition, exc.reason + ": use 2, 4 or 6 digits (dots allowed)"
                    ) from None
                if normalised.note:
                    notes.append(normalised.note)
                code = self.hs(normalised.code, edition).code
                if code not in codes:
                    codes.append(code)
        return codes, notes

    @staticmethod
    def _hs_suggestions(code: str, codes: Mapping[str, HSCode]) -> list[str]:
        same_level = [c for c in codes if len(c) == len(code)] if code.isdigit() else list(codes)
        # Siblings under the longest existing parent, then numerically close codes.
        for cut in (len(code) - 2, len(code) - 4):
            if cut >= 2:
                siblings = [c for c in same_level if c.startswith(code[:cut])]
                if siblings:
                    return [f"{c} {codes[c].description[:50]}" for c in siblings[:5]]
        close = difflib.get_close_matches(code, same_level, n=5, cutoff=0.5)
        return [f"{c} {codes[c].description[:50]}" for c in close]

    def search_hs(self, text: str, edition: str = "HS2017", limit: int = 20) -> list[HSCode]:
        """Subheadings best matching plain words, best first (see :mod:`.hs_search`)."""
        from tradepivot.data.hs_search import search_index  # the index loads on first search

        codes = self._nomenclature(edition)
        return [codes[hit.code] for hit in search_index(edition).search(text, limit).hits]

    # ------------------------------------------------------------------ sectors
    @cached_property
    def _sectors(self) -> dict[str, Sector]:
        sectors = _load_sectors(hand_kept_dir() / "sectors.yaml")
        if self._sectors_file is not None:
            sectors.update(_load_sectors(self._sectors_file))
        return sectors

    def sectors(self) -> list[Sector]:
        return list(self._sectors.values())

    def sector(self, name: str) -> Sector:
        key = name.strip().lower().replace("_", "-").replace(" ", "-")
        found = self._sectors.get(key)
        if found is None:
            close = difflib.get_close_matches(key, list(self._sectors), n=3, cutoff=0.5)
            close += [s for s in self._sectors if key and key in s and s not in close]
            raise UnknownSectorError(name, sorted(self._sectors), close[:4])
        return found

    def product_scope(
        self,
        hs: Sequence[str] | None = None,
        sector: str | None = None,
        edition: str = "HS2017",
        exclude: Sequence[str] | None = None,
    ) -> ProductScope:
        """Combine ``--hs`` codes and a ``--sector`` into one validated scope.

        With both, the scope is their intersection (``--sector leather --hs 4202`` = 4202).
        """
        notes: list[str] = []
        codes, hs_notes = self.parse_hs(hs or [], edition)
        notes.extend(hs_notes)
        excluded, ex_notes = self.parse_hs(exclude or [], edition)
        notes.extend(ex_notes)
        if sector is None:
            if not codes:
                return ProductScope((), tuple(excluded), "all products", None, tuple(notes))
            labels = [f"{c} {self.describe(c, edition) or ''}".strip() for c in codes]
            return ProductScope(
                tuple(codes), tuple(excluded), "; ".join(labels), None, tuple(notes)
            )
        found = self.sector(sector)
        if codes:
            outside = [
                c
                for c in codes
                if not c.startswith(found.hs) and not any(p.startswith(c) for p in found.hs)
            ]
            if outside:
                raise InputError(
                    f"HS {', '.join(outside)} is outside sector {found.name!r} ({', '.join(found.hs)}).",
                    hint="Drop $sector to query these codes, or pick codes inside the sector.",
                    param="hs",
                    mentions=("sector",),
                )
            narrowed = [c for c in codes if c.startswith(found.hs)] + [
                p for p in found.hs if any(p.startswith(c) for c in codes) and p not in codes
            ]
            label = f"{found.label}, HS {', '.join(narrowed)}"
            return ProductScope(
                tuple(narrowed), tuple(excluded) + found.exclude, label, found.name, tuple(notes)
            )
        return ProductScope(
            found.hs, tuple(excluded) + found.exclude, found.label, found.name, tuple(notes)
        )

    # ------------------------------------------------------------------ exchange rates
    @cached_property
    def _fx(self) -> list[FxRate]:
        return [FxRate(**r) for r in read_parquet_file(self._dir / "fx_rates.parquet").to_pylist()]

    def fx_rates(self) -> list[FxRate]:
        return list(self._fx)

    def fx_rate(self, currency: str, period: str) -> FxRate:
        """Rate for a currency and a period (``"2024"`` or ``"FY2024-25"``).

        Published figures win over derived ones; among published ones, World Bank first.
        """
        currency = currency.upper()
        candidates = [r for r in self._fx if r.currency == currency and r.period == period]
        if not candidates:
            known = sorted({f"{r.currency} {r.period}" for r in self._fx})
            raise InputError(
                f"No {currency} exchange rate for {period}.", hint=f"Available: {', '.join(known)}."
            )
        candidates.sort(key=lambda r: (r.kind != "published", "World Bank" not in r.source))
        return candidates[0]

    # ------------------------------------------------------------------ distances
    @cached_property
    def distance_codes(self) -> frozenset[str]:
        """Countries the distance table (CEPII GeoDist, current ISO3 codes) has distances for."""
        table = read_parquet_file(self._dir / "geo_dist.parquet")
        return frozenset(table.column("origin").unique().to_pylist())

    def no_distance_note(self, markets: Iterable[str]) -> str | None:
        """A note naming the markets whose distance factor is neutral (no distance known)."""
        lacking = sorted({m for m in markets if m not in self.distance_codes})
        if not lacking:
            return None
        return (
            f"No distance is known for {', '.join(lacking)} (CEPII GeoDist has none): their "
            "distance factor is neutral (1)."
        )

    # ------------------------------------------------------------------ compliance
    @cached_property
    def chpl(self) -> dict[str, ChplItem]:
        rows = read_parquet_file(self._dir / "chpl.parquet").to_pylist()
        return {
            r["hs6"]: ChplItem(r["hs6"], r["tier"], r["description"], r["source_date"])
            for r in rows
        }


def _sector_code(value: object) -> str:
    """An HS prefix of 2, 4 or 6 digits, as sectors scope them (numbers read as written)."""
    text = value.text if isinstance(value, Written) else value
    code = normalise_hs(text if isinstance(text, str | int) else str(text), national=False)
    if code.note is not None or len(code.code) not in (2, 4, 6):
        raise ValueError(
            f"{text!r} is not an HS code of 2, 4 or 6 digits (quote codes with a leading zero)"
        )
    return code.code


_SectorCode = Annotated[str, BeforeValidator(_sector_code)]


class _SectorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str | None = None
    hs: list[_SectorCode] = Field(min_length=1)
    exclude: list[_SectorCode] | None = None
    source: str = ""


class _SectorsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sectors: dict[str, _SectorIn] = Field(max_length=10_000)


def _load_sectors(path: Path) -> dict[str, Sector]:
    doc = read_yaml(path, "sectors file")
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("sectors"), dict):
        raise SourceFileError(
            str(path),
            "must have a top-level 'sectors:' mapping of name -> definition",
            line=doc.line(("sectors",)),
            hint="See docs/sectors.md for the format.",
        )
    try:
        spec = _SectorsFile.model_validate(doc.data)
    except ValidationError as exc:
        raise doc.validation_error(
            exc,
            _SectorsFile,
            expected={"hs": "a non-empty list of HS chapters, headings or subheadings"},
            hint="See docs/sectors.md for the format.",
        ) from None
    sectors: dict[str, Sector] = {}
    for name, entry in spec.sectors.items():
        key = name.strip().lower()
        if not key:
            raise doc.fail(("sectors", name), "a sector needs a name")
        sectors[key] = Sector(
            name=key,
            label=entry.label or name,
            hs=tuple(entry.hs),
            exclude=tuple(entry.exclude or ()),
            source=" ".join(entry.source.split()),
        )
    return sectors

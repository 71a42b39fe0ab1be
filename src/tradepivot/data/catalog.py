"""Dataset manifests: what each dataset is, where it comes from and what it lacks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DatasetKind", "DatasetManifest", "Gap"]

DatasetKind = Literal["bilateral", "us_imports", "national_exports"]


class Gap(BaseModel):
    """A known hole in a dataset.

    ``importers``/``exporters``/``partners``/``hs_prefixes`` say which queries it touches;
    ``when="growth"`` limits it to results that show growth, ``when="never"`` marks a defect
    that was repaired at build time (listed in ``data status``, not repeated on results); a gap
    with neither is a general caveat every result from the dataset repeats.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    text: str
    importers: list[str] = Field(default_factory=list)
    exporters: list[str] = Field(default_factory=list)
    partners: list[str] = Field(default_factory=list)
    hs_prefixes: list[str] = Field(default_factory=list)
    when: Literal["growth", "never"] | None = None

    def touched_by(
        self,
        *,
        importers: Iterable[str] = (),
        exporters: Iterable[str] = (),
        hs_prefixes: Iterable[str] | None = None,
        all_importers: bool = False,
        growth: bool = False,
    ) -> bool:
        """Whether a query over these countries and HS scope runs into this gap.

        ``hs_prefixes=None`` means every product; ``all_importers`` means the query sums over
        every market (a world total), which any missing importer distorts.
        """
        if self.when == "growth":
            return growth
        if self.when == "never":
            return False
        if self.importers:
            return all_importers or bool(set(self.importers) & set(importers))
        if self.exporters:
            return bool(set(self.exporters) & set(exporters))
        if self.partners:
            return bool(set(self.partners) & (set(importers) | set(exporters)))
        if self.hs_prefixes:
            if hs_prefixes is None:
                return True
            scope = list(hs_prefixes)
            return any(g.startswith(p) or p.startswith(g) for g in self.hs_prefixes for p in scope)
        return True


class DatasetManifest(BaseModel):
    """Provenance and coverage of one dataset, embedded or ingested."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    title: str
    kind: DatasetKind
    source: str
    terms: str = "see source"
    edition: str
    edition_note: str | None = None
    years: list[Any]
    unit: str = "USD"
    rows: int
    coverage: dict[str, Any] = Field(default_factory=dict)
    gaps: list[Gap] = Field(default_factory=list)
    checksum_sha256: str | None = None
    files: list[str] = Field(default_factory=list)
    embedded: bool = True
    ingested_at: str | None = None
    source_file: str | None = None

    @property
    def hs_edition(self) -> str:
        """The HS edition codes are validated against."""
        return self.edition

    def citation(self) -> dict[str, Any]:
        """What a result prints about the dataset it used."""
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "edition": self.edition,
            "years": self.years,
            "rows": self.rows,
            "checksum_sha256": self.checksum_sha256,
        }

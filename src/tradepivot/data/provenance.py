"""Provenance: the datasets a figure came from, the known gaps it ran into, method notes.

A data-layer record (it reads dataset manifests and their gaps) that every layer fills in:
the analytics record the datasets and notes of a computation, the services hand it on in a
:class:`tradepivot.services.report.Report`, and every interface prints it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tradepivot.data.catalog import DatasetManifest
from tradepivot.data.reference import ProductScope

__all__ = ["Provenance"]


@dataclass
class Provenance:
    """Collects the datasets a result used, the known gaps it ran into, and method notes."""

    datasets: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def use(
        self,
        manifest: DatasetManifest,
        *,
        importers: Iterable[str] = (),
        exporters: Iterable[str] = (),
        scope: ProductScope | None = None,
        all_importers: bool = False,
        growth: bool = False,
    ) -> None:
        """Record a dataset and every known gap of it that this query touches."""
        if all(d["id"] != manifest.id for d in self.datasets):
            self.datasets.append(manifest.citation())
        prefixes = None if scope is None or not scope.prefixes else scope.prefixes
        importers, exporters = list(importers), list(exporters)
        for gap in manifest.gaps:
            touched = gap.touched_by(
                importers=importers,
                exporters=exporters,
                hs_prefixes=prefixes,
                all_importers=all_importers,
            )
            if gap.id == "cagr-indicative":
                touched = growth
            if touched and all(g["id"] != gap.id or g["dataset"] != manifest.id for g in self.gaps):
                self.gaps.append({"dataset": manifest.id, "id": gap.id, "text": gap.text})

    def note(self, *texts: str) -> None:
        for text in texts:
            if text and text not in self.notes:
                self.notes.append(text)

    def merge(self, other: Provenance) -> None:
        """Take in another result's datasets, gaps and notes (each once)."""
        for dataset in other.datasets:
            if all(d["id"] != dataset["id"] for d in self.datasets):
                self.datasets.append(dataset)
        for gap in other.gaps:
            if gap not in self.gaps:
                self.gaps.append(gap)
        self.note(*other.notes)

"""Interfaces that write results: exports (CSV/JSON/Parquet/XLSX), later HTML/PDF briefs."""

from __future__ import annotations

"""Readers for the formats users download: BACI, UN Comtrade, India EIDB, US Census."""

from __future__ import annotations

from tradepivot.data.sources.base import SourceReader

__all__ = ["SourceReader"]

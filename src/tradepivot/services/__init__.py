"""Use cases shared by every interface (CLI, JSON API, web pages, reports)."""

from __future__ import annotations

from tradepivot.services.report import Provenance, Report
from tradepivot.services.trade import bilateral_flows, market_overview

__all__ = ["Provenance", "Report", "bilateral_flows", "market_overview"]

"""The JSON API, ``/api/v1``: one router per area, every route one service call.

Every answer is the CLI's ``{"meta": {...}, "rows": [...]}`` (``--format json``); every table
also downloads as CSV, XLSX or Parquet with its meta (``?format=``); every error is an RFC
9457 problem (:mod:`tradepivot.web.errors`).
"""

from __future__ import annotations

from fastapi import APIRouter

from tradepivot.web.api import lookup, opportunity, shocks, tariffs, trade

__all__ = ["API_PREFIX", "router"]

API_PREFIX = "/api/v1"

router = APIRouter(prefix=API_PREFIX)
for area in (trade, opportunity, tariffs, shocks, lookup):
    router.include_router(area.router)

"""Pages a person clicks through: server-rendered, each a service call and a template.

Every page's URL holds its whole query (and its language), so a shared link shows the same
numbers. Pages are left out of the OpenAPI schema: the API documents the data.
"""

from __future__ import annotations

from fastapi import APIRouter

from tradepivot.web.pages import analysis, briefs, home, shocks

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
for area in (home, analysis, briefs, shocks):
    router.include_router(area.router)

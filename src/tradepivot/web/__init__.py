"""The web interface: a JSON API and server-rendered pages on the same services as the CLI.

``create_app(settings)`` builds the FastAPI app; ``tradepivot serve`` runs it with uvicorn.
Routes parse their parameters, call one service and render its result: no computation here.
"""

from __future__ import annotations

from tradepivot.web.app import create_app
from tradepivot.web.state import WebState
from tradepivot.web.templating import NavItem, Pages

__all__ = ["NavItem", "Pages", "WebState", "create_app"]

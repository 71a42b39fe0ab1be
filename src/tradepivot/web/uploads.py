"""Uploaded files, read with the CLI's own validators: scenarios, portfolios, elasticities.

An upload's name is only a label for messages ("kanpur.yaml, line 7, field 'total'") and
its extension picks the format; nothing is written where the request says, and nothing but
the server's temporary folder (where large multipart parts are spooled) sees the bytes.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from fastapi import UploadFile

from tradepivot.data.reference import Reference
from tradepivot.errors import SourceFileError
from tradepivot.inputs import decode_text
from tradepivot.services.simulation import parse_elasticities
from tradepivot.tariffs.portfolio import Portfolio, parse_portfolio
from tradepivot.tariffs.scenarios import ElasticityOverride, Scenario, parse_scenario

__all__ = [
    "elasticities_upload",
    "portfolio_upload",
    "scenario_text",
    "scenario_upload",
    "upload_name",
]


def upload_name(upload: UploadFile, default: str) -> str:
    """A safe label from the client's file name: its last part, plain characters only."""
    raw = PurePath((upload.filename or "").replace("\\", "/")).name
    name = re.sub(r"[^A-Za-z0-9._ -]", "_", raw).strip(" .")[:80]
    return name or default


def _content(upload: UploadFile, name: str) -> bytes:
    data = upload.file.read()
    if not data:
        raise SourceFileError(name, "is empty", hint="Choose the file again.")
    return data


def scenario_upload(upload: UploadFile, ref: Reference) -> Scenario:
    """A tariff scenario (YAML or JSON) from an upload, validated as `tariff simulate` does."""
    name = upload_name(upload, "scenario.yaml")
    return parse_scenario(decode_text(_content(upload, name), name), name, ref)


def scenario_text(text: str, ref: Reference, name: str = "scenario.yaml") -> Scenario:
    """A scenario typed into a form."""
    if not text.strip():
        raise SourceFileError(name, "is empty", hint="Paste or upload a scenario.")
    return parse_scenario(text, name, ref)


def portfolio_upload(upload: UploadFile, ref: Reference) -> Portfolio:
    """A firm or cluster portfolio (CSV, YAML or JSON, by its extension)."""
    name = upload_name(upload, "portfolio.csv")
    return parse_portfolio(_content(upload, name), name, ref)


def elasticities_upload(upload: UploadFile) -> list[ElasticityOverride]:
    """Elasticity overrides (CSV of hs,import_demand,substitution)."""
    name = upload_name(upload, "elasticities.csv")
    return parse_elasticities(decode_text(_content(upload, name), name), name)

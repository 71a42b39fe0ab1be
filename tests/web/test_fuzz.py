"""Property-based fuzzing of the API against its own OpenAPI schema: no input gives a 500.

Schemathesis generates requests from /api/v1/openapi.json and checks each answer: never a
server error, every error an RFC 9457 problem. Bounded for CI: every operation gets invalid
values of every typed parameter (cheap: refused before any computation); the look-ups, which
answer at once, get valid-looking values too. Valid analytics queries take seconds each and
are asked by the API tests.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from tradepivot.config import Settings
from tradepivot.web import create_app

pytestmark = pytest.mark.slow

APP = create_app(Settings(warehouse="/nonexistent/tradepivot-fuzz.duckdb", result_cache_entries=64))


def _schema(mode: str) -> schemathesis.BaseSchema:
    config = SchemathesisConfig.from_dict(
        {
            "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}},
            "generation": {"mode": mode},
        }
    )
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP, config=config)


invalid = _schema("negative")
lookups = _schema("positive").include(path_regex=r"/api/v1/(countries|hs|sectors|datasets)")
BOUNDED = settings(
    max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


def _check(case: schemathesis.Case) -> None:
    response = case.call(timeout=120)
    case.validate_response(response, checks=[not_a_server_error])
    if response.status_code >= 400:
        media = response.headers.get("content-type") or [""]
        assert media[0].startswith("application/problem+json"), (case, response.status_code)


@invalid.parametrize()
@BOUNDED
def test_invalid_requests_are_refused_with_a_problem(case: schemathesis.Case) -> None:
    _check(case)


@lookups.parametrize()
@BOUNDED
def test_lookups_answer_any_query_without_failing(case: schemathesis.Case) -> None:
    _check(case)

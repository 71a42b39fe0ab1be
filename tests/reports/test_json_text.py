"""`--format json` writes the text of the API's JSON payload, indented.

The text is made without the payload's round trip through a string (a shortcut for long
results), so it is checked against that round trip on real reports: USD and INR amounts,
several tables, a scenario of years, rows with nulls.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tradepivot.data.warehouse import Warehouse
from tradepivot.reports.export import json_payload, report_bytes
from tradepivot.services import bilateral_flows, market_overview
from tradepivot.services.report import Report


@pytest.mark.parametrize(
    "make",
    [
        lambda wh: bilateral_flows(wh, "IND", "RUS", sector="leather"),
        lambda wh: bilateral_flows(wh, "IND", "USA", currency="INR", top=50),
        lambda wh: market_overview(wh, "RUS", sector="pharma", currency="RUB"),
        lambda wh: market_overview(wh, "BRA", focus=None, by="supplier"),
    ],
)
def test_the_json_text_is_the_payload_indented(
    wh: Warehouse, make: Callable[[Warehouse], Report]
) -> None:
    report = make(wh)
    assert report.rows.num_rows > 0
    text = report_bytes(report, "json").decode("utf-8")
    assert text == json.dumps(json_payload(report), indent=2, ensure_ascii=False) + "\n"

"""Uploads: scenarios and portfolios go through the CLI's validators and give its answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import Client
from tests.web.test_api import assert_same, cli_json

ROOT = Path(__file__).parents[2]
SCENARIO = ROOT / "examples" / "scenarios" / "us-india-50.yaml"
KANPUR = ROOT / "examples" / "kanpur-leather.yaml"
MEASURE = (
    b"name: x\nmarket: USA\ndate: 2025-01-01\nmeasures:\n"
    b'  - {exporters: [IND], products: ["42"], add: 5, start: 2025-01-01}\n'
)


def _file(path: Path, name: str | None = None) -> tuple[str, bytes, str]:
    return (name or path.name, path.read_bytes(), "application/yaml")


@pytest.mark.slow
def test_a_posted_scenario_gives_the_cli_answer(
    client: Client, capsys: pytest.CaptureFixture[str], warehouse_env: Path
) -> None:
    response = client.post(
        "/api/v1/tariffs/simulate?exporter=IND&sector=leather&top=5",
        files={"scenario": _file(SCENARIO)},
    )
    assert response.status_code == 200, response.text
    cli = cli_json(
        capsys,
        ["tariff", "simulate", str(SCENARIO), "-e", "IND", "--sector", "leather", "--top", "5"],
    )
    api = response.json()
    # The CLI names the file it read, the API the upload's name: the rest is the same.
    assert api["meta"]["query"].pop("scenario") == "us-india-50.yaml"
    assert cli["meta"]["query"].pop("scenario") == str(SCENARIO)
    for doc in (api, cli):
        doc["meta"].pop("generated_at")
        doc["meta"]["datasets"] = sorted(d["id"] for d in doc["meta"]["datasets"])
    assert_same(api, cli)
    assert api["meta"]["totals"]["change_low_usd"] > api["meta"]["totals"]["change_high_usd"]


@pytest.mark.slow
def test_a_posted_portfolio_and_scenario_give_the_exposure(
    client: Client, capsys: pytest.CaptureFixture[str], warehouse_env: Path
) -> None:
    response = client.post(
        "/api/v1/exposure?currency=INR",
        files={"portfolio": _file(KANPUR), "scenario": _file(SCENARIO)},
    )
    assert response.status_code == 200, response.text
    cli = cli_json(
        capsys,
        ["exposure", "--portfolio", str(KANPUR), "--scenario", str(SCENARIO), "--currency", "INR"],
    )
    api = response.json()
    assert api["meta"]["query"].pop("scenario") == "us-india-50.yaml"
    cli["meta"]["query"].pop("scenario")
    api["meta"].pop("generated_at"), cli["meta"].pop("generated_at")
    assert_same(api, cli)
    assert api["meta"]["totals"]["at_risk_central_usd"] > 0


@pytest.mark.parametrize(
    ("content", "line", "field"),
    [
        (b"name: x\nmarket: USA\ndate: 2025-01-01\nmeasures: []\n", 4, "measures"),
        (MEASURE.replace(b"USA", b"Narnia"), 2, "market"),
        (MEASURE.replace(b"2025-01-01", b"2025-13-01", 1), 3, "date"),
        (b"name: [unclosed\n", None, None),
        (b"\xff\xfe n\x00a", 1, None),
        (b"", None, None),
    ],
)
def test_a_bad_scenario_is_422_naming_its_line_and_field(
    client: Client, content: bytes, line: int | None, field: str | None
) -> None:
    response = client.post(
        "/api/v1/tariffs/simulate", files={"scenario": ("../../etc/bad.yaml", content, "text/yaml")}
    )
    assert response.status_code in (404, 422), response.text
    body = response.json()
    assert body["file"]["name"] == "bad.yaml"  # the client's path is not kept
    if line is not None:
        assert body["file"]["line"] == line
    if field is not None:
        assert field in (body["file"]["field"] or "") or field in body["detail"]
    assert "Traceback" not in response.text


def test_a_portfolio_with_an_unknown_extension_is_refused(client: Client) -> None:
    response = client.post(
        "/api/v1/exposure", files={"portfolio": ("holdings.xls", b"PK\x03\x04", "application/x")}
    )
    assert response.status_code == 422
    assert ".csv, .yaml" in response.json()["detail"]

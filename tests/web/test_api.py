"""The JSON API: the CLI's answers, the same numbers, every download format with its meta."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pytest

from tests.web.conftest import Client
from tradepivot.cli import main

# (CLI arguments, API URL): the same question asked both ways.
SAME_QUESTION = [
    pytest.param(
        ["flows", "-e", "IND", "-i", "RUS", "--sector", "pharma", "--top", "5"],
        "/api/v1/flows?exporter=IND&importer=RUS&sector=pharma&top=5",
        id="flows",
    ),
    pytest.param(
        ["flows", "-e", "India", "-i", "RU", "--level", "2", "--currency", "INR"],
        "/api/v1/flows?exporter=India&importer=RU&level=2&currency=INR",
        id="flows-inr",
    ),
    pytest.param(
        ["market", "RUS", "--hs", "4202", "--by", "supplier", "--top", "5"],
        "/api/v1/market/RUS?hs=4202&by=supplier&top=5",
        id="market",
    ),
    pytest.param(
        ["rank", "IND", "--sector", "leather", "--exclude", "USA", "--top", "10"],
        "/api/v1/rank/IND?sector=leather&exclude=USA&top=10",
        id="rank",
    ),
    pytest.param(
        ["rank", "IND", "--hs", "4202", "--by", "product", "--top", "3", "--currency", "RUB"],
        "/api/v1/rank/IND?hs=4202&by=product&top=3&currency=RUB",
        id="rank-products",
    ),
    pytest.param(
        ["potential", "-e", "IND", "-m", "RUS", "--hs", "42", "--top", "7"],
        "/api/v1/potential?exporter=IND&market=RUS&hs=42&limit=7",
        id="potential",
    ),
    pytest.param(
        ["products", "IND", "--sector", "leather", "--top", "5"],
        "/api/v1/products/IND?sector=leather&top=5",
        id="products",
    ),
    pytest.param(
        ["balance", "IND", "RUS", "--top", "5"],
        "/api/v1/balance/IND/RUS?top=5",
        id="balance",
    ),
    pytest.param(
        ["pivot", "IND", "--sector", "leather", "--top", "5", "--format", "json"],
        "/api/v1/pivot/IND?sector=leather&top=5",
        id="pivot",
    ),
    pytest.param(
        ["tariff", "show", "USA", "IND", "--hs", "4202", "--date", "2025-09-01"],
        "/api/v1/tariffs/USA/IND?hs=4202&date=2025-09-01",
        id="tariff-show",
    ),
    pytest.param(
        ["tariff", "show", "USA", "IND", "--hs", "6403", "--timeline"],
        "/api/v1/tariffs/USA/IND/timeline?hs=6403",
        id="tariff-timeline",
    ),
    pytest.param(["country", "u arab emts"], "/api/v1/countries/u%20arab%20emts", id="country"),
    pytest.param(["hs", "handbags leather"], "/api/v1/hs/handbags%20leather", id="hs-search"),
    pytest.param(["hs", "42"], "/api/v1/hs/42", id="hs-code"),
    pytest.param(["sectors"], "/api/v1/sectors", id="sectors"),
    pytest.param(["data", "status"], "/api/v1/datasets", id="datasets"),
]


def _without_time(doc: dict[str, Any]) -> dict[str, Any]:
    doc["meta"].pop("generated_at", None)
    return doc


def assert_same(api: Any, cli: Any, where: str = "") -> None:
    """Equal, floats to 1e-12 relative: DuckDB sums in parallel, so the last bit of a sum may
    differ between two runs of the same query (the CLI's two runs differ the same way)."""
    if isinstance(cli, float) and isinstance(api, float):
        assert math.isclose(api, cli, rel_tol=1e-12, abs_tol=1e-9), where
    elif isinstance(cli, dict):
        assert isinstance(api, dict) and api.keys() == cli.keys(), where
        for key in cli:
            assert_same(api[key], cli[key], f"{where}.{key}")
    elif isinstance(cli, list):
        assert isinstance(api, list) and len(api) == len(cli), where
        for n, (a, c) in enumerate(zip(api, cli, strict=True)):
            assert_same(a, c, f"{where}[{n}]")
    else:
        assert api == cli, where


def cli_json(capsys: pytest.CaptureFixture[str], args: list[str]) -> dict[str, Any]:
    if "--format" not in args:
        args = [*args, "--format", "json"]
    capsys.readouterr()
    code = main(args)
    out = capsys.readouterr().out
    assert code == 0, out
    doc: dict[str, Any] = json.loads(out)
    return doc


@pytest.mark.parametrize(("args", "url"), SAME_QUESTION)
def test_the_cli_and_the_api_give_the_same_json(
    client: Client,
    capsys: pytest.CaptureFixture[str],
    warehouse_env: Path,
    args: list[str],
    url: str,
) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    api = response.json()
    cli = cli_json(capsys, args)
    assert_same(_without_time(api), _without_time(cli))
    assert api["meta"]["title"]  # a real answer, not an empty shell
    assert "rows" in api or "sections" in api


def test_every_query_of_the_cli_has_an_api_route(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/flows",
        "/api/v1/market/{country}",
        "/api/v1/rank/{exporter}",
        "/api/v1/potential",
        "/api/v1/products/{exporter}",
        "/api/v1/balance/{country}/{partner}",
        "/api/v1/pivot/{exporter}",
        "/api/v1/tariffs/{market}/{exporter}",
        "/api/v1/tariffs/{market}/{exporter}/timeline",
        "/api/v1/countries/{query}",
        "/api/v1/hs/{query}",
        "/api/v1/sectors",
        "/api/v1/datasets",
    ):
        assert path in paths, path


def test_downloads_carry_their_meta(client: Client) -> None:
    url = "/api/v1/market/RUS?hs=4202&top=5"
    as_json = client.get(url).json()

    csv = client.get(url + "&format=csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    lines = csv.text.splitlines()
    assert lines[0].split(",")[0] == "code" and len(lines) == len(as_json["rows"]) + 1
    meta_link = csv.headers["link"].split(";")[0].strip("<>")
    meta = client.get(meta_link).json()
    assert meta["query"] == as_json["meta"]["query"] and "rows" not in meta

    suppliers = client.get(url + "&format=csv&table=suppliers")
    assert suppliers.text.splitlines()[0].startswith("rank,exporter")

    parquet = client.get(url + "&format=parquet")
    table = pq.read_table(io.BytesIO(parquet.content))
    embedded = json.loads(table.schema.metadata[b"tradepivot"])
    assert embedded["datasets"][0]["id"] == "world-2024"
    assert table.column("code").to_pylist() == [r["code"] for r in as_json["rows"]]

    xlsx = client.get(
        url, headers={"accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    )
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert book.sheetnames == ["rows", "suppliers", "meta"]
    book.close()

    unknown = client.get(url + "&format=csv&table=nope")
    assert unknown.status_code == 422 and "suppliers" in unknown.json()["detail"]


def test_potential_pages_follow_each_other(client: Client) -> None:
    first = client.get("/api/v1/potential?exporter=IND&market=RUS&hs=42&limit=4")
    second = client.get(first.headers["link"].split(";")[0].strip("<>"))
    both = client.get("/api/v1/potential?exporter=IND&market=RUS&hs=42&limit=8")
    rows = first.json()["rows"] + second.json()["rows"]
    assert_same(rows, both.json()["rows"])
    untapped = [r["untapped_usd"] for r in rows]
    assert untapped == sorted(untapped, reverse=True)


def test_the_openapi_schema_documents_typed_parameters(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    rank = schema["paths"]["/api/v1/rank/{exporter}"]["get"]
    params = {p["name"]: p for p in rank["parameters"]}
    assert params["top"]["schema"]["anyOf"][0]["maximum"] == 10_000
    assert params["exporter"]["in"] == "path"
    assert params["exporter"]["schema"]["examples"] == ["IND"]
    assert params["currency"]["schema"]["anyOf"][0]["$ref"] == "#/components/schemas/Currency"
    assert set(schema["components"]["schemas"]["Currency"]["enum"]) == {"USD", "INR", "RUB"}
    assert not any(p.startswith(("/static", "/search")) for p in schema["paths"])


def test_the_api_docs_page_works_offline(client: Client) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    for asset in ("vendor/swagger-ui-bundle.js", "vendor/swagger-ui.css", "docs.js"):
        assert f"/static/{asset}?v=" in page.text
        assert client.get(f"/static/{asset}").status_code == 200

"""Portfolios: the two file formats, their errors (with lines), and the cluster distribution."""

from __future__ import annotations

import math
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradepivot.config import Settings
from tradepivot.data.reference import ProductScope, Reference
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import DataGapError, InputError, SourceFileError
from tradepivot.tariffs.portfolio import (
    ClusterSpec,
    Holding,
    Portfolio,
    distribute,
    expand,
    load_portfolio,
)

EXAMPLES = Path(__file__).parents[2] / "examples"
KANPUR = EXAMPLES / "kanpur-leather.yaml"
HANDBAGS = EXAMPLES / "portfolios" / "handbag-maker.csv"
LEATHER = ProductScope(("41", "42", "43", "64"), label="Leather", sector="leather")
CRORE = 10_000_000


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def pattern(rows: list[tuple[str, str, float]]) -> pa.Table:
    """A national pattern from (market, hs6, value_usd) rows."""
    return pa.table(
        {
            "hs6": pa.array([r[1] for r in rows], pa.string()),
            "market": pa.array([r[0] for r in rows], pa.string()),
            "value_usd": pa.array([r[2] for r in rows], pa.float64()),
        }
    )


def by_market(holdings: list[Holding]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for h in holdings:
        totals[h.market] = totals.get(h.market, 0.0) + h.value
    return totals


def cluster(total: float, known: dict[str, float], currency: str = "USD") -> ClusterSpec:
    rate = 84.5555 if currency == "INR" else 1.0
    return ClusterSpec(total, currency, "FY2024-25", LEATHER, known, rate)


# ---------------------------------------------------------------------------- shipped examples
def test_kanpur_example_is_a_cluster_of_published_figures(reference: Reference) -> None:
    kanpur = load_portfolio(KANPUR, reference)
    rate = reference.fx_rate("INR", "FY2024-25").rate_per_usd
    assert kanpur.holdings is None and kanpur.cluster is not None
    assert (kanpur.name, kanpur.exporter, kanpur.currency, kanpur.period) == (
        "Kanpur leather cluster",
        "IND",
        "INR",
        "FY2024-25",
    )
    assert kanpur.cluster.total == 6_250 * CRORE  # midpoint of the published 6,000-6,500 crore
    assert kanpur.cluster.known_markets == {"USA": 1_000 * CRORE}
    assert kanpur.cluster.scope.sector == "leather"
    assert kanpur.cluster.scope.prefixes == ("41", "42", "43", "64")
    assert kanpur.rate_per_usd == rate == kanpur.cluster.rate_per_usd
    assert kanpur.total_usd == pytest.approx(6_250 * CRORE / rate)
    assert any(
        "INR 6,000 crore to INR 6,500 crore" in a and "INR 6,250 crore" in a
        for a in kanpur.assumptions
    )
    assert any("84.5555 INR per USD for FY2024-25" in a for a in kanpur.assumptions)
    assert len(kanpur.sources) == 3


def test_every_kanpur_figure_has_its_source_in_a_comment() -> None:
    lines = KANPUR.read_text(encoding="utf-8").splitlines()
    for key in ("  total:", "    USA:"):
        at = next(i for i, line in enumerate(lines) if line.startswith(key))
        comment = []
        for line in reversed(lines[:at]):
            if not line.strip().startswith("#"):
                break
            comment.append(line)
        assert "design brief" in " ".join(comment) and "DESIGN.md" in " ".join(comment), key


def test_handbag_example_is_a_synthetic_firm_in_rupees(reference: Reference) -> None:
    firm = load_portfolio(HANDBAGS, reference)
    rate = reference.fx_rate("INR", "FY2024-25").rate_per_usd
    assert firm.cluster is None and firm.holdings is not None
    assert len(firm.holdings) == 8
    assert (firm.name, firm.exporter, firm.currency, firm.period) == (
        "handbag-maker",
        "IND",
        "INR",
        "FY2024-25",
    )
    assert {h.market for h in firm.holdings} == {"USA", "DEU", "GBR", "RUS", "ARE"}
    assert all(h.hs.startswith(("4202", "6403")) for h in firm.holdings)
    assert all(h.value_usd == h.value / rate and h.currency == "INR" for h in firm.holdings)
    assert firm.holdings[0] == Holding("420221", "USA", 185e6 / rate, 185e6, "INR", line=4)
    assert "SYNTHETIC" in firm.sources[0]
    assert "Synthetic" in (EXAMPLES / "portfolios" / "README.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- currencies
@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("firm.csv", "hs,market,value,currency,period\n4202,USA,836692.82,INR,2024\n"),
        (
            "firm.yaml",
            "name: firm\ncurrency: INR\nperiod: 2024\n"
            "holdings:\n  - {hs: 4202, market: USA, value: 836692.82}\n",
        ),
    ],
)
def test_inr_converts_to_usd_at_the_table_rate(
    tmp_path: Path, reference: Reference, name: str, text: str
) -> None:
    firm = load_portfolio(write(tmp_path, name, text), reference)
    table = reference.fx_rate("INR", "2024")
    assert firm.rate_per_usd == table.rate_per_usd
    assert firm.fx_source.startswith(table.source)
    assert firm.holdings is not None
    (holding,) = firm.holdings
    assert holding.value == 836692.82
    assert holding.value_usd == 836692.82 / table.rate_per_usd
    assert holding.value_usd == pytest.approx(10_000, rel=1e-6)


def test_usd_is_the_default_and_needs_no_period(tmp_path: Path, reference: Reference) -> None:
    firm = load_portfolio(
        write(tmp_path, "f.csv", "hs,market,value\n6403,Germany,2500\n"), reference
    )
    assert (firm.currency, firm.period, firm.rate_per_usd) == ("USD", "", 1.0)
    assert firm.holdings == (Holding("6403", "DEU", 2500.0, 2500.0, "USD", line=2),)
    assert firm.total_usd == 2500.0


def test_codes_are_read_as_people_write_them(tmp_path: Path, reference: Reference) -> None:
    csv_firm = load_portfolio(
        write(
            tmp_path,
            "f.csv",
            "# a comment\nHS;Market;Value;Note\n42022110;us;1000;ITC-HS line\n401;ARE;5;x\n"
            '4202.21;United Kingdom;"1,00,000";dotted\n',
        ),
        reference,
    )
    assert csv_firm.holdings is not None
    assert [(h.hs, h.market, h.value, h.line) for h in csv_firm.holdings] == [
        ("420221", "USA", 1000.0, 3),
        ("0401", "ARE", 5.0, 4),
        ("420221", "GBR", 100000.0, 5),
    ]
    assert any("HS6" in a and "line 3" in a for a in csv_firm.assumptions)
    assert any("leading zero" in a and "line 4" in a for a in csv_firm.assumptions)
    yaml_firm = load_portfolio(
        write(
            tmp_path,
            "f.yaml",
            "name: f\nperiod: 2024\nholdings:\n  - {hs: 0401, market: NO, value: 1}\n"
            "  - {hs: 4202.21, market: 643, value: 2_000}\n",
        ),
        reference,
    )
    assert yaml_firm.holdings is not None
    assert [(h.hs, h.market, h.value, h.line) for h in yaml_firm.holdings] == [
        ("0401", "NOR", 1.0, 4),
        ("420221", "RUS", 2000.0, 5),
    ]


# ---------------------------------------------------------------------------- errors
GOOD_CSV_HEAD = "# synthetic\nhs,market,value,currency,period\n"
ROW = "4202,USA,100,INR,FY2024-25\n"

CSV_ERRORS = [
    # (file text, line, field, words in the message)
    (GOOD_CSV_HEAD + ROW + "4202,Absurdistan,100,INR,FY2024-25\n", 4, "market", "unknown country"),
    (GOOD_CSV_HEAD + "42O2,USA,100,INR,FY2024-25\n", 3, "hs", "other than digits"),
    (GOOD_CSV_HEAD + ROW + ROW + "4202211,USA,100,INR,FY2024-25\n", 5, "hs", "does not exist"),
    (GOOD_CSV_HEAD + "4299,USA,100,INR,FY2024-25\n", 3, "hs", "does not exist"),
    (GOOD_CSV_HEAD + ROW + "4202,USA,-5,INR,FY2024-25\n", 4, "value", "negative"),
    (GOOD_CSV_HEAD + "4202,USA,lots,INR,FY2024-25\n", 3, "value", "not a number"),
    (GOOD_CSV_HEAD + ROW + "\n4202,USA,100,INR\n", 5, None, "has 4 fields"),
    (GOOD_CSV_HEAD + ROW + '4202,USA,"100,INR,FY2024-25\n', 4, None, "malformed CSV"),
    ("# synthetic\n\nhs,country,value\n4202,USA,1\n", 3, None, "missing column market"),
    (GOOD_CSV_HEAD + "4202,USA,100,EUR,2024\n", 3, "currency", "unknown currency"),
    (GOOD_CSV_HEAD + "4202,USA,100,INR,2019\n", 3, "period", "no INR exchange rate"),
    (GOOD_CSV_HEAD + "4202,USA,100,INR,2024-25\n", 3, "period", "not a calendar year"),
    ("hs,market,value,currency\n4202,USA,1,INR\n", 1, "period", "need a period"),
    (GOOD_CSV_HEAD + ROW + "4202,USA,100,RUB,FY2024-25\n", 4, "currency", "differs"),
    (GOOD_CSV_HEAD, 2, None, "has no holdings"),
    ("# only a comment\n", 1, None, "has no header"),
    (GOOD_CSV_HEAD + "4202,IND,100,INR,FY2024-25\n", 3, "market", "the exporter itself"),
]


@pytest.mark.parametrize(("text", "line", "field", "words"), CSV_ERRORS)
def test_csv_errors_name_the_line_and_field(
    tmp_path: Path, reference: Reference, text: str, line: int, field: str | None, words: str
) -> None:
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(SourceFileError) as caught:
        load_portfolio(path, reference)
    error = caught.value
    assert (error.path, error.line, error.field) == (str(path), line, field), error.message
    assert words in error.problem
    assert error.exit_code == 2


YAML_HOLDINGS = "name: firm\ncurrency: INR\nperiod: FY2024-25\nholdings:\n"
YAML_CLUSTER = "name: cluster\ncurrency: INR\nperiod: FY2024-25\ncluster:\n"
SCOPE = "  scope: {sector: leather}\n"

YAML_ERRORS = [
    (
        YAML_HOLDINGS
        + "  - {hs: 4202, market: USA, value: 1}\n  - {hs: 4202, market: Narnia, value: 1}\n",
        6,
        "market",
        "unknown country",
    ),
    (
        YAML_HOLDINGS + "  - hs: 4202\n    market: USA\n    value: -3\n",
        7,
        "holdings.0.value",
        "negative",
    ),
    (
        YAML_HOLDINGS + "  - hs: handbag\n    market: USA\n    value: 3\n",
        5,
        "hs",
        "other than digits",
    ),
    (YAML_HOLDINGS + "  - {hs: 42022, market: USA, value: 3}\n", 5, "hs", "does not exist"),
    (YAML_HOLDINGS + "  - {hs: 4202211, market: USA, value: 3}\n", 5, "hs", "does not exist"),
    (YAML_HOLDINGS + "  - {hs: 4202, market: USA}\n", 5, "holdings.0.value", "'value' is missing"),
    (
        YAML_HOLDINGS + "  - {hs: 4202, market: USA, value: 1, vlaue: 2}\n",
        5,
        "holdings.0.vlaue",
        "unknown key",
    ),
    (
        YAML_HOLDINGS + "  - {hs: 4202, market: USA, value: 1}\n    - bad\n",
        6,
        None,
        "not valid YAML",
    ),
    (
        YAML_HOLDINGS + "  - {hs: 4202, market: USA, value: [1, 2]}\n",
        5,
        "holdings.0.value",
        "one number",
    ),
    ("name: f\ncurrency: EUR\nperiod: 2024\nholdings: []\n", 2, "currency", "unknown currency"),
    (
        "name: f\ncurrency: RUB\nperiod: FY2024-25\nholdings: []\n",
        3,
        "period",
        "no RUB exchange rate",
    ),
    ("name: f\nperiod: FY2024-26\nholdings: []\n", 2, "period", "not a calendar year"),
    ("name: f\nholdings: []\n", 1, "period", "'period' is missing"),
    ("name: f\nperiod: 2024\nholdings: []\n", 3, "holdings", "holdings is empty"),
    ("name: f\nperiod: 2024\n", 1, None, "neither holdings nor cluster"),
    ("name: f\nperiod: 2024\nname: g\n", 3, None, "appears twice"),
    ("- just\n- a list\n", 1, None, "not a portfolio"),
    ("name: f\nexporter: Atlantis\nperiod: 2024\nholdings: []\n", 2, "exporter", "unknown country"),
    (
        YAML_CLUSTER
        + "  total: 100\n"
        + SCOPE
        + "holdings:\n  - {hs: 4202, market: USA, value: 1}\n",
        4,
        None,
        "both holdings and cluster",
    ),
    (YAML_CLUSTER + "  totl: 100\n" + SCOPE, 5, "cluster.totl", "unknown key"),
    (YAML_CLUSTER + "  total: -100\n" + SCOPE, 5, "cluster.total", "negative"),
    (YAML_CLUSTER + "  total: 0\n" + SCOPE, 5, "cluster.total", "total is zero"),
    (YAML_CLUSTER + "  total: [200, 100]\n" + SCOPE, 5, "cluster.total", "low above high"),
    (YAML_CLUSTER + "  total: [100]\n" + SCOPE, 5, "cluster.total", "two numbers"),
    (YAML_CLUSTER + "  total: a lot\n" + SCOPE, 5, "cluster.total", "not a number"),
    (
        YAML_CLUSTER
        + "  total: 100\n"
        + SCOPE
        + "  known_markets:\n    USA: 60\n    DEU: [50, 70]\n",
        7,
        "cluster.known_markets",
        "more than the total",
    ),
    (
        YAML_CLUSTER + "  total: 100\n" + SCOPE + "  known_markets:\n    USA: 10\n    Mordor: 5\n",
        9,
        "cluster.known_markets",
        "unknown country",
    ),
    (
        YAML_CLUSTER
        + "  total: 100\n"
        + SCOPE
        + "  known_markets:\n    USA: 10\n    United States: 5\n",
        9,
        "cluster.known_markets",
        "already given on line 8",
    ),
    (
        YAML_CLUSTER + "  total: 100\n" + SCOPE + "  known_markets:\n    India: 10\n",
        8,
        "cluster.known_markets",
        "the exporter itself",
    ),
    (
        YAML_CLUSTER + "  total: 100\n  scope:\n    sector: lether\n",
        7,
        "cluster.scope.sector",
        "Unknown sector",
    ),
    (
        YAML_CLUSTER + "  total: 100\n  scope:\n    hs:\n      - 4202\n      - 4299\n",
        9,
        "cluster.scope.hs",
        "does not exist",
    ),
    (
        YAML_CLUSTER + "  total: 100\n  scope: {sector: leather, hs: [8471]}\n",
        6,
        "cluster.scope",
        "outside sector",
    ),
    (YAML_CLUSTER + "  total: 100\n  scope: {}\n", 6, "cluster.scope", "names no products"),
    (YAML_CLUSTER + "  total: 100\n", 4, "cluster.scope", "'scope' is missing"),
]


@pytest.mark.parametrize(("text", "line", "field", "words"), YAML_ERRORS)
def test_yaml_errors_name_the_line_and_field(
    tmp_path: Path, reference: Reference, text: str, line: int, field: str | None, words: str
) -> None:
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(SourceFileError) as caught:
        load_portfolio(path, reference)
    error = caught.value
    assert (error.line, error.field) == (line, field), error.message
    assert words in error.problem
    assert error.exit_code == 2


def test_errors_carry_a_hint_naming_the_fix(tmp_path: Path, reference: Reference) -> None:
    typo = write(tmp_path, "a.yaml", YAML_CLUSTER + "  totl: 100\n" + SCOPE)
    with pytest.raises(SourceFileError, match="Did you mean 'total'"):
        load_portfolio(typo, reference)
    country = write(tmp_path, "b.csv", "hs,market,value\n4202,Germny,1\n")
    with pytest.raises(SourceFileError, match=r"Did you mean: Germany \(DEU\)"):
        load_portfolio(country, reference)
    units = write(
        tmp_path,
        "c.yaml",
        YAML_CLUSTER + "  total: 6000\n" + SCOPE + "  known_markets: {USA: 1e10}\n",
    )
    with pytest.raises(SourceFileError, match="1 crore = 10,000,000"):
        load_portfolio(units, reference)


def test_file_level_errors(tmp_path: Path, reference: Reference) -> None:
    with pytest.raises(SourceFileError, match="does not exist") as caught:
        load_portfolio(tmp_path / "missing.csv", reference)
    assert caught.value.line is None
    with pytest.raises(SourceFileError, match="unknown extension"):
        load_portfolio(write(tmp_path, "f.xlsx", "x"), reference)
    binary = tmp_path / "latin1.csv"
    binary.write_bytes(b"hs,market,value\n4202,C\xf4te d'Ivoire,1\n")
    with pytest.raises(SourceFileError, match="not UTF-8") as caught:
        load_portfolio(binary, reference)
    assert caught.value.line == 2


# ---------------------------------------------------------------------------- distribution
NATIONAL = pattern(
    [
        ("USA", "420221", 300.0),
        ("USA", "640399", 100.0),
        ("DEU", "420221", 100.0),
        ("GBR", "640399", 300.0),
        ("IND", "420221", 999.0),  # the exporter itself: ignored
        ("FRA", "847130", 999.0),  # outside the scope: ignored
    ]
)


def test_distribute_splits_known_markets_and_the_rest_by_the_pattern(
    reference: Reference,
) -> None:
    holdings, notes = distribute(cluster(1000, {"USA": 400}), NATIONAL, "IND", ref=reference)
    assert [(h.market, h.hs, h.value) for h in holdings] == [
        ("USA", "420221", 300.0),
        ("USA", "640399", 100.0),
        ("GBR", "640399", 450.0),
        ("DEU", "420221", 150.0),
    ]
    assert all(h.line is None and h.value_usd == h.value for h in holdings)
    assert "USD 400 to United States is split across products" in notes[0]
    assert "USD 600 outside United States is assumed to follow India's export pattern" in notes[1]


def test_a_known_market_missing_from_the_pattern_takes_the_national_mix(
    reference: Reference,
) -> None:
    holdings, notes = distribute(cluster(1000, {"ARE": 500}), NATIONAL, "IND", ref=reference)
    are = {h.hs: h.value for h in holdings if h.market == "ARE"}
    assert are == {"420221": 250.0, "640399": 250.0}  # national mix: 400 and 400
    assert "shows no exports" in notes[0] and "United Arab Emirates" in notes[0]
    assert sum(h.value for h in holdings) == 1000


def test_kanpur_sentences_and_conversion(reference: Reference) -> None:
    kanpur = expand(
        load_portfolio(KANPUR, reference), NATIONAL, ref=reference, pattern_source="test pattern"
    )
    assert kanpur.cluster is not None and kanpur.holdings is not None
    assert sum(h.value for h in kanpur.holdings) == 6_250 * CRORE
    assert by_market(list(kanpur.holdings))["USA"] == 1_000 * CRORE
    assert all(h.value_usd == h.value / kanpur.rate_per_usd for h in kanpur.holdings)
    assert (
        "Kanpur leather cluster's INR 5,250 crore outside United States is assumed to follow "
        "India's export pattern of leather and leather products (incl. footwear) to other "
        "markets (test pattern)." in kanpur.assumptions
    )
    assert expand(load_portfolio(HANDBAGS, reference), NATIONAL).holdings is not None


def test_distribute_refuses_what_it_cannot_place() -> None:
    with pytest.raises(InputError, match="more than"):
        distribute(cluster(100, {"USA": 60, "DEU": 50}), NATIONAL, "IND")
    with pytest.raises(DataGapError, match="only to the known markets"):
        distribute(cluster(2000, {"USA": 1, "DEU": 1, "GBR": 1}), NATIONAL, "IND")
    with pytest.raises(DataGapError, match="no exports"):
        distribute(cluster(100, {}), pattern([("USA", "847130", 5.0)]), "IND")
    with pytest.raises(InputError, match="exporter"):
        distribute(cluster(100, {"IND": 5}), NATIONAL, "IND")


def test_awkward_fractions_still_add_up_exactly() -> None:
    total = 0.1 + 0.2  # 0.30000000000000004
    holdings, _ = distribute(cluster(total, {"USA": 0.1, "DEU": 0.2}), NATIONAL, "IND")
    assert sum(h.value for h in holdings) == total
    assert by_market(holdings)["USA"] == pytest.approx(0.1, abs=math.ulp(total))


def test_integer_codes_in_the_pattern_keep_their_leading_zero() -> None:
    dairy = ProductScope(("04",), label="Dairy")
    table = pa.table({"hs6": [40120, 40130], "market": ["ARE", "BGD"], "value_usd": [1.0, 3.0]})
    spec = ClusterSpec(100.0, "USD", "2024", dairy, {}, 1.0)
    holdings, _ = distribute(spec, table, "IND")
    assert [(h.hs, h.market, h.value) for h in holdings] == [
        ("040130", "BGD", 75.0),
        ("040120", "ARE", 25.0),
    ]


MARKETS = ["USA", "DEU", "GBR", "RUS", "ARE", "FRA"]
CODES = ["410712", "420221", "420231", "430310", "640391", "640399"]
rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(MARKETS),
        st.sampled_from(CODES),
        st.one_of(st.integers(1, 10**9).map(float), st.floats(1e-3, 1e9)),
    ),
    min_size=1,
    max_size=25,
)
whole = st.integers(0, 10**12).map(float)
known_strategy = st.dictionaries(st.sampled_from(MARKETS), whole, max_size=4)


def check_distribution(
    rows: list[tuple[str, str, float]], known: dict[str, float], total: float, exact_known: bool
) -> None:
    spec = cluster(total, known, "INR")
    others = {market for market, _, _ in rows} - set(known)
    try:
        holdings, notes = distribute(spec, pattern(rows), "IND")
    except DataGapError:
        assert not others  # only when the rest has no market to go to
        return
    assert sum(h.value for h in holdings) == total  # exactly, in this order ...
    assert sum(sorted(h.value for h in holdings)) == total  # ... and in any other
    assert all(h.value > 0 and h.value_usd == h.value / spec.rate_per_usd for h in holdings)
    assert all(h.market != "IND" and LEATHER.contains(h.hs) for h in holdings)
    totals = by_market(holdings)
    for market, value in known.items():
        if exact_known:
            assert totals.get(market, 0.0) == value
        else:
            assert totals.get(market, 0.0) == pytest.approx(value, rel=1e-12, abs=math.ulp(total))
    assert notes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_strategy, known_strategy, whole)
def test_distribute_conserves_whole_figures_exactly(
    rows: list[tuple[str, str, float]], known: dict[str, float], extra: float
) -> None:
    check_distribution(rows, known, math.fsum(known.values()) + extra + 1, exact_known=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows_strategy,
    st.dictionaries(st.sampled_from(MARKETS), st.floats(0, 1e12), max_size=4),
    st.floats(1e-6, 1e12),
)
def test_distribute_conserves_fractional_totals_exactly(
    rows: list[tuple[str, str, float]], known: dict[str, float], extra: float
) -> None:
    check_distribution(rows, known, math.fsum(known.values()) + extra, exact_known=False)


# ---------------------------------------------------------------------------- real data
@pytest.mark.slow
def test_kanpur_distributes_over_indias_own_leather_exports(
    reference: Reference, tmp_path: Path
) -> None:
    wh = Warehouse(Settings(warehouse=tmp_path / "w.duckdb"))
    try:
        facts, _ = wh.table("india-eidb", kind="national_exports")
        hs6 = facts.code.substr(0, 6)
        expr = (
            facts.filter((facts.fy == "2024-25") & hs6.substr(0, 2).isin(["41", "42", "43", "64"]))
            .group_by(hs6=hs6, market=facts.partner)
            .aggregate(value_usd=facts.value_usd.sum())
        )
        national = expr.to_pyarrow()
    finally:
        wh.close()
    kanpur: Portfolio = expand(
        load_portfolio(KANPUR, reference), national, ref=reference, pattern_source="india-eidb"
    )
    assert kanpur.holdings is not None
    assert sum(h.value for h in kanpur.holdings) == 6_250 * CRORE
    totals = by_market(list(kanpur.holdings))
    assert totals["USA"] == 1_000 * CRORE
    assert len(totals) > 50  # India sells leather to most of the world
    assert all(h.value == round(h.value) for h in kanpur.holdings)  # whole rupees

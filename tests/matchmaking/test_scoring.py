"""Pair scores: hand-computed components, vetoes and flags, explanations, properties."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradepivot.data.reference import Reference
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import InputError
from tradepivot.matchmaking.evidence import MarketEvidence, clean_codes, event_markets
from tradepivot.matchmaking.model import (
    COOPERATION,
    SIDES,
    ComponentWeights,
    Event,
    Interpreter,
    PairWeight,
    Participant,
    Preference,
    PreferenceLevel,
)
from tradepivot.matchmaking.scoring import (
    SECTIONS,
    Score,
    candidate_pairs,
    explain,
    hs_similarity,
    score_pair,
    score_pairs,
    section_of,
)
from tradepivot.matchmaking.text import JaccardSimilarity, TextSimilarity, TfidfSimilarity
from tradepivot.services.opportunity import potential_rows

HANDBAGS = "420221"


def make_event(
    *people: Participant,
    preferences: tuple[Preference, ...] = (),
    interpreters: tuple[Interpreter, ...] = (),
) -> Event:
    return Event(
        name="test forum",
        timezone="Europe/Moscow",
        participants={p.id: p for p in people},
        venues={},
        slots=(),
        tables=(),
        interpreters=interpreters,
        preferences=preferences,
    )


EXPORTER = Participant(
    "e-kanpur",
    "Kanpur Leather Works",
    "exporter",
    "IND",
    offers=(HANDBAGS,),
    cooperation_sought=("distribution",),
    languages=("en", "hi"),
)


def buyer(pid: str, seeks: tuple[str, ...], **kw: object) -> Participant:
    fields = {"languages": ("ru", "en"), **kw}
    return Participant(pid, f"Buyer {pid}", "buyer", "RUS", seeks=seeks, **fields)  # type: ignore[arg-type]


HANDBAG_BUYER = buyer("b-hand", (HANDBAGS,), cooperation_offered=("distribution",))
LUGGAGE_BUYER = buyer("b-luggage", ("420212",))  # same heading 4202
SADDLE_BUYER = buyer("b-saddle", ("420100",))  # same chapter 42
LEATHER_BUYER = buyer("b-leather", ("410711",))  # same section VIII only
SHOE_BUYER = buyer("b-shoes", ("640399",))  # section XII: nothing in common with handbags
PHARMA_BUYER = buyer("b-pharma", ("300490",))
BUYERS = (HANDBAG_BUYER, LUGGAGE_BUYER, SADDLE_BUYER, LEATHER_BUYER, SHOE_BUYER, PHARMA_BUYER)


def log_scale(value: float, floor: float) -> float:
    return 0.0 if value <= floor else min(1.0, math.log10(value / floor) / 4)


@pytest.fixture(scope="module")
def russia(wh: Warehouse) -> dict[str, float]:
    """Russia's 2024 imports of handbags, India's part and untapped potential, independently."""
    row = wh.con.execute(
        """
        SELECT sum(value_usd), sum(value_usd) FILTER (WHERE exporter = ?)
        FROM world_2024 WHERE importer = ? AND hs6 = ?
        """,
        ["IND", "RUS", HANDBAGS],
    ).fetchone()
    assert row is not None
    imports, india = row
    rows = potential_rows(wh, exporter="IND", market="RUS", hs=[HANDBAGS]).rows.to_pylist()
    untapped = sum(r["untapped_usd"] for r in rows if r["code"] == HANDBAGS)
    return {"imports": float(imports), "india": float(india), "untapped": float(untapped)}


@pytest.fixture(scope="module")
def forum() -> Event:
    return make_event(EXPORTER, *BUYERS)


@pytest.fixture(scope="module")
def evidence(wh: Warehouse, forum: Event) -> MarketEvidence:
    return MarketEvidence.for_event(wh, forum)


@pytest.fixture(scope="module")
def scores(forum: Event, evidence: MarketEvidence) -> dict[tuple[str, str], Score]:
    return score_pairs(forum, evidence)


def of(scores: dict[tuple[str, str], Score], other: str) -> Score:
    key = (EXPORTER.id, other) if EXPORTER.id < other else (other, EXPORTER.id)
    return scores[key]


# ---------------------------------------------------------------------------- HS hierarchy
def test_hs_similarity_follows_the_hierarchy() -> None:
    assert hs_similarity("420221", "420221") == 1.0
    assert hs_similarity("420221", "420212") == 0.75
    assert hs_similarity("420221", "420100") == 0.5
    assert hs_similarity("420221", "410711") == 0.25
    assert hs_similarity("420221", "640399") == 0.0
    assert hs_similarity("42", "420221") == 0.5  # a chapter matches at chapter level at most
    assert hs_similarity("4202", "420221") == 0.75
    assert hs_similarity("4202", "4202") == 0.75


def test_sections_cover_chapters_01_to_97_once() -> None:
    chapters = [c for _, first, last, _ in SECTIONS for c in range(first, last + 1)]
    assert chapters == list(range(1, 98))
    assert len(SECTIONS) == 21
    assert section_of("01") == "I" and section_of("050100") == "I" and section_of("06") == "II"
    assert section_of("42") == "VIII" and section_of("6403") == "XII" and section_of("67") == "XII"
    assert section_of("77") == "XV" and section_of("97") == "XXI" and section_of("98") is None


def test_codes_are_cleaned_like_the_other_readers() -> None:
    assert clean_codes(["4202.21", "42 02", "64039910", "123", "42", "42"]) == (
        "420221",
        "4202",
        "640399",
        "42",
    )


# ---------------------------------------------------------------------------- components
def test_handbag_exporter_ranks_buyers_by_hs_hierarchy(
    scores: dict[tuple[str, str], Score],
) -> None:
    totals = [of(scores, b.id).total for b in BUYERS]
    assert totals[0] > totals[1] > totals[2] > totals[3] > totals[4]
    assert totals[4] == totals[5]  # shoes and pharma: no product, same language, no market
    product = [of(scores, b.id).parts["product"] for b in BUYERS]
    assert product == [35.0, 26.25, 17.5, 8.75, 0.0, 0.0]
    coverage = [of(scores, b.id).parts["coverage"] for b in BUYERS]
    assert coverage == [15.0, 15.0, 0.0, 0.0, 0.0, 0.0]  # heading level or better covers
    cooperation = [of(scores, b.id).parts["cooperation"] for b in BUYERS]
    assert cooperation == [11.25, 0.0, 0.0, 0.0, 0.0, 0.0]  # one way: 0.75 x 15
    for b in BUYERS:
        score = of(scores, b.id)
        assert score.parts["language"] == 5.0 and not score.interpreter_needed
        assert score.parts["preference"] == 0.0 and score.parts["text"] == 0.0
        assert score.total == pytest.approx(sum(score.parts.values()))
        assert not score.veto and not score.must


def test_market_component_from_independent_figures(
    scores: dict[tuple[str, str], Score], russia: dict[str, float]
) -> None:
    expected = 15 * (
        0.5 * log_scale(russia["imports"], 1e5) + 0.5 * log_scale(russia["untapped"], 1e4)
    )
    assert expected > 5
    # The heading and chapter matches are about the exporter's own product, 420221.
    for b in (HANDBAG_BUYER, LUGGAGE_BUYER, SADDLE_BUYER):
        assert of(scores, b.id).parts["market"] == pytest.approx(expected)
        assert of(scores, b.id).facts.market_code == HANDBAGS
    for b in (LEATHER_BUYER, SHOE_BUYER, PHARMA_BUYER):  # section level or no match
        assert of(scores, b.id).parts["market"] == 0.0
    hand = of(scores, HANDBAG_BUYER.id)
    total = 35 + 15 + 11.25 + expected + 5
    assert hand.total == pytest.approx(total, abs=1e-5)


def test_evidence_lookups_match_the_warehouse(
    evidence: MarketEvidence, russia: dict[str, float], wh: Warehouse
) -> None:
    assert evidence.imports("RUS", HANDBAGS) == pytest.approx(russia["imports"])
    assert evidence.share("IND", "RUS", HANDBAGS) == pytest.approx(
        russia["india"] / russia["imports"]
    )
    assert evidence.untapped("IND", "RUS", HANDBAGS) == pytest.approx(russia["untapped"])
    assert evidence.imports("USA", HANDBAGS) is None  # not a buyer's country at this event
    assert evidence.untapped("IND", "KAZ", HANDBAGS) is None


def test_evidence_sums_subheadings_for_shorter_codes(wh: Warehouse) -> None:
    ev = MarketEvidence.build(wh, [("IND", "RUS"), ("IND", "USA")], ["42", "4202", "9", "x"])
    row = wh.con.execute(
        "SELECT sum(value_usd) FROM world_2024 WHERE importer = ? AND left(hs6, 2) = ?",
        ["RUS", "42"],
    ).fetchone()
    assert row is not None
    assert ev.imports("RUS", "42") == pytest.approx(row[0])
    assert 0 < ev.imports("RUS", "4202") < ev.imports("RUS", "42")  # type: ignore[operator]
    assert ev.codes == frozenset({"42", "4202"})  # invalid codes are left out
    assert ev.imports("RUS", "9") is None
    assert ev.imports("USA", "42") is None and ev.share("IND", "USA", "42") is None
    assert ev.untapped("IND", "USA", "42") is None
    assert not ev.has_market("USA") and any("United States" in n for n in ev.notes)
    empty = MarketEvidence.empty()
    assert empty.imports("RUS", "42") is None and empty.untapped("IND", "RUS", "42") is None


def test_event_markets_asks_only_for_exporters_products() -> None:
    event = make_event(
        EXPORTER,
        dataclasses.replace(EXPORTER, id="e-2", offers=("4202",), seeks=("4107",)),
        buyer("b-1", ("420221", "640399"), offers=("4107",)),
        Participant("o-1", "Mission", "official", "KAZ"),
        dataclasses.replace(EXPORTER, id="e-ru", country="RUS", offers=("300490",)),
    )
    pairs, codes = event_markets(event)
    assert pairs == {("IND", "RUS"), ("IND", "KAZ"), ("RUS", "KAZ")}
    assert codes == {HANDBAGS, "4202", "300490"}


def test_market_evidence_missing_for_a_market_absent_from_the_matrix(
    wh: Warehouse, reference: Reference
) -> None:
    us = dataclasses.replace(HANDBAG_BUYER, id="b-us", country="USA", languages=("en",))
    event = make_event(EXPORTER, us)
    score = score_pairs(event, MarketEvidence.for_event(wh, event))[("b-us", EXPORTER.id)]
    assert score.parts["market"] == 0.0
    assert "no 2024 import data for United States" in score.reasons
    assert reference.name("USA") == "United States"


def test_scoring_without_a_warehouse(forum: Event) -> None:
    scores = score_pairs(forum, MarketEvidence.empty())
    hand = of(scores, HANDBAG_BUYER.id)
    assert hand.parts["market"] == 0.0
    assert hand.total == pytest.approx(35 + 15 + 11.25 + 5)
    assert not any("import" in r for r in hand.reasons)


def test_cooperation_both_ways_and_joint_ventures() -> None:
    exporter = dataclasses.replace(
        EXPORTER, cooperation_offered=("supply",), cooperation_sought=("distribution",)
    )
    both = buyer(
        "b-1",
        (HANDBAGS,),
        cooperation_offered=("distribution",),
        cooperation_sought=("supply",),
    )
    jv_a = dataclasses.replace(EXPORTER, cooperation_sought=("joint_venture",))
    jv_b = buyer("b-2", (HANDBAGS,), cooperation_sought=("joint_venture",))
    empty = MarketEvidence.empty()
    score = score_pair(make_event(exporter, both), exporter.id, both.id, empty)
    assert score.parts["cooperation"] == 15.0
    assert "Kanpur Leather Works seeks a distributor, Buyer b-1 distributes" in score.reasons
    assert "Buyer b-1 seeks a supplier, Kanpur Leather Works supplies" in score.reasons
    jv = score_pair(make_event(jv_a, jv_b), jv_a.id, jv_b.id, empty)
    assert jv.parts["cooperation"] == 15.0 and "both seek a joint venture" in jv.reasons


def test_text_similarity_is_a_small_secondary_signal() -> None:
    a = dataclasses.replace(EXPORTER, description="Handbags and wallets of genuine leather")
    b = dataclasses.replace(
        PHARMA_BUYER, description="Importer of leather handbags and wallets for retail"
    )
    score = score_pair(make_event(a, b), a.id, b.id, MarketEvidence.empty())
    assert 0 < score.parts["text"] <= 5.0
    assert score.total == pytest.approx(score.parts["text"] + 5.0)  # + shared English
    assert any(r.startswith("similar descriptions (shared words: ") for r in score.reasons)

    class Always:
        def similarity(self, a: str, b: str) -> float:
            return 1.0

    plugged = score_pair(make_event(a, b), a.id, b.id, MarketEvidence.empty(), text=Always())
    assert plugged.parts["text"] == 5.0
    assert "similar descriptions (text similarity 1.00)" in plugged.reasons


def test_weights_are_normalised_to_100() -> None:
    only_product = ComponentWeights(0.35, 0, 0, 0, 0, 0, 0)
    score = score_pair(
        make_event(EXPORTER, LUGGAGE_BUYER),
        EXPORTER.id,
        LUGGAGE_BUYER.id,
        MarketEvidence.empty(),
        weights=only_product,
    )
    assert score.total == pytest.approx(75.0)
    assert sum(ComponentWeights().as_dict().values()) == 100
    with pytest.raises(InputError):
        ComponentWeights(product=-1)
    with pytest.raises(InputError):
        ComponentWeights(0, 0, 0, 0, 0, 0, 0)


# ---------------------------------------------------------------------------- preferences
@pytest.mark.parametrize("source", [EXPORTER.id, HANDBAG_BUYER.id])
def test_a_no_from_either_side_is_a_veto(source: str) -> None:
    target = HANDBAG_BUYER.id if source == EXPORTER.id else EXPORTER.id
    prefs = (Preference(source, target, "no"), Preference(target, source, "must"))
    event = make_event(EXPORTER, HANDBAG_BUYER, preferences=prefs)
    score = score_pairs(event, MarketEvidence.empty())[(HANDBAG_BUYER.id, EXPORTER.id)]
    assert score.veto and score.total == 0.0
    assert score.must  # still recorded
    assert score.parts["product"] == 35.0  # components kept for the record
    decliner = event.participants[source].organisation
    assert score.reasons[0].startswith(f"excluded: {decliner} asked not to meet")
    assert explain(score, source, event).startswith("Excluded: you asked not to meet them")
    assert explain(score, target, event).startswith(
        "Excluded from the schedule at one side's request"
    )
    assert decliner not in explain(score, target, event)


def test_must_and_meet_preferences() -> None:
    event = make_event(
        EXPORTER,
        SHOE_BUYER,
        PHARMA_BUYER,
        preferences=(
            Preference(SHOE_BUYER.id, EXPORTER.id, "must"),
            Preference(EXPORTER.id, PHARMA_BUYER.id, "meet"),
        ),
    )
    scores = score_pairs(event, MarketEvidence.empty())
    must = scores[(SHOE_BUYER.id, EXPORTER.id)]
    meet = scores[(PHARMA_BUYER.id, EXPORTER.id)]
    assert must.must and must.parts["preference"] == 10.0
    assert not meet.must and meet.parts["preference"] == 5.0
    assert "requested as a must-meet by Buyer b-shoes" in must.reasons
    assert "; they requested this as a must-meet" in explain(must, EXPORTER.id, event)
    assert "you requested this as a meeting" in explain(meet, EXPORTER.id, event)


def test_candidate_pairs() -> None:
    official = Participant("o-1", "Trade mission", "official", "RUS")
    other_buyer = buyer("b-2", ("640399",))
    helper = Participant("x-1", "Logistics", "other", "RUS")
    event = make_event(
        EXPORTER,
        HANDBAG_BUYER,
        other_buyer,
        official,
        helper,
        preferences=(
            Preference(HANDBAG_BUYER.id, other_buyer.id, "meet"),
            Preference(helper.id, official.id, "no"),  # a no alone adds nothing
            Preference(helper.id, "nobody", "must"),
        ),
    )
    assert candidate_pairs(event) == {
        (HANDBAG_BUYER.id, EXPORTER.id),
        ("b-2", EXPORTER.id),
        (EXPORTER.id, "o-1"),
        ("b-2", HANDBAG_BUYER.id),
    }


# ---------------------------------------------------------------------------- languages
def test_interpreter_needed_without_a_shared_language() -> None:
    russian = dataclasses.replace(HANDBAG_BUYER, languages=("ru",))
    event = make_event(EXPORTER, russian)
    score = score_pair(event, EXPORTER.id, russian.id, MarketEvidence.empty())
    assert score.interpreter_needed and score.parts["language"] == 0.0
    assert score.facts.interpreter == ("en", "ru")
    assert "no shared language: an en-ru interpreter is needed" in score.reasons
    staffed = make_event(
        EXPORTER,
        russian,
        interpreters=(Interpreter("i-1", "Anna", frozenset({frozenset({"hi", "ru"})})),),
    )
    with_hindi = score_pair(staffed, EXPORTER.id, russian.id, MarketEvidence.empty())
    assert "no shared language: an hi-ru interpreter is needed" in with_hindi.reasons
    nobody = make_event(
        EXPORTER,
        russian,
        interpreters=(Interpreter("i-1", "Anna", frozenset({frozenset({"de", "ru"})})),),
    )
    uncovered = score_pair(nobody, EXPORTER.id, russian.id, MarketEvidence.empty())
    assert any("(no interpreter of the event covers it)" in r for r in uncovered.reasons)
    shared = score_pair(
        make_event(EXPORTER, HANDBAG_BUYER), EXPORTER.id, HANDBAG_BUYER.id, MarketEvidence.empty()
    )
    assert "shared language: English" in shared.reasons and shared.facts.interpreter is None


# ---------------------------------------------------------------------------- explanations
def test_explanation_names_product_description_and_figures(
    scores: dict[tuple[str, str], Score],
    forum: Event,
    russia: dict[str, float],
    reference: Reference,
) -> None:
    hand = of(scores, HANDBAG_BUYER.id)
    assert "handbags" in (reference.describe(HANDBAGS, "HS2017") or "")
    text = explain(hand, EXPORTER.id, forum)
    assert text.startswith(
        f"Both trade HS {HANDBAGS} (Cases and containers; handbags, with outer surface of leather"
    )
    imports = f"USD {russia['imports'] / 1e6:.1f} m"
    share = f"{100 * russia['india'] / russia['imports']:.1f}%"
    assert f"Russia imported {imports} of HS {HANDBAGS} in 2024, {share} of it from India" in text
    assert f"untapped potential USD {russia['untapped'] / 1e6:.1f} m (world matrix)" in text
    assert "you seek a distributor, they distribute" in text
    assert "you cover the product they seek" in text
    assert "they cover the product you seek" in explain(hand, HANDBAG_BUYER.id, forum)
    assert "they seek a distributor, you distribute" in explain(hand, HANDBAG_BUYER.id, forum)
    assert "shared language: English" in text
    assert "Kanpur" not in text  # the viewer reads "you" and "they", not names
    assert "Kanpur Leather Works seeks a distributor, Buyer b-hand distributes" in hand.reasons
    luggage = of(scores, LUGGAGE_BUYER.id)
    assert luggage.reasons[0].startswith("both trade within HS heading 4202 (Trunks;")
    leather = of(scores, LEATHER_BUYER.id)
    assert leather.reasons[0].startswith("both trade within HS section VIII (hides, skins")
    assert of(scores, PHARMA_BUYER.id).reasons[0] == "no product in common"
    with pytest.raises(InputError):
        explain(hand, PHARMA_BUYER.id, forum)


# ---------------------------------------------------------------------------- text
def test_default_text_similarity_is_deterministic_and_bounded() -> None:
    corpus = ["leather handbags", "generic medicines", "leather shoes and handbags"]
    model = TfidfSimilarity(corpus)
    assert isinstance(model, TextSimilarity)
    assert model.similarity("leather handbags", "leather handbags") == pytest.approx(1.0)
    assert model.similarity("", "leather") == 0.0
    assert model.similarity("leather handbags", "generic medicines") == 0.0
    ab = model.similarity("Leather handbags", "handbags of leather and shoes")
    assert ab == model.similarity("handbags of leather and shoes", "Leather handbags")
    assert 0 < ab < 1
    assert model.shared_terms("leather handbags", "leather shoes and handbags") == [
        "handbag",
        "leather",
    ]
    assert TfidfSimilarity().similarity("кожаные сумки", "Кожаные СУМКИ") == pytest.approx(1.0)
    assert JaccardSimilarity().similarity("leather handbags", "leather shoes") == pytest.approx(
        1 / 3
    )


# ---------------------------------------------------------------------------- properties
POOL = (HANDBAGS, "420212", "4202", "42", "420100", "410711", "640399", "6403", "300490", "30")
WORDS = ("leather", "handbags", "shoes", "medicines", "distributor", "wholesale", "bags")
COUNTRIES = ("IND", "RUS", "KAZ", "USA")


@pytest.fixture(scope="module")
def pool_evidence(wh: Warehouse) -> MarketEvidence:
    pairs = [(a, b) for a in COUNTRIES for b in COUNTRIES if a != b]
    return MarketEvidence.build(wh, pairs, POOL)


@st.composite
def participants(draw: st.DrawFn, pid: str) -> Participant:
    def some(values: tuple[str, ...], most: int) -> tuple[str, ...]:
        return tuple(draw(st.lists(st.sampled_from(values), max_size=most, unique=True)))

    return Participant(
        pid,
        draw(st.sampled_from(["Alpha", "Beta", "Gamma"])),
        draw(st.sampled_from(SIDES)),
        draw(st.sampled_from(COUNTRIES)),
        offers=some(POOL, 3),
        seeks=some(POOL, 3),
        cooperation_offered=some(COOPERATION, 2),  # type: ignore[arg-type]
        cooperation_sought=some(COOPERATION, 2),  # type: ignore[arg-type]
        languages=some(("en", "ru", "hi"), 2),
        description=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=5))),
    )


levels = st.sampled_from([None, "must", "meet", "no"])


def pair_event(
    p: Participant, q: Participant, p_to_q: PreferenceLevel | None, q_to_p: PreferenceLevel | None
) -> Event:
    prefs = []
    if p_to_q:
        prefs.append(Preference(p.id, q.id, p_to_q))
    if q_to_p:
        prefs.append(Preference(q.id, p.id, q_to_p))
    return make_event(p, q, preferences=tuple(prefs))


@settings(max_examples=150, deadline=None)
@given(p=participants("p1"), q=participants("p2"), pq=levels, qp=levels)
def test_scores_are_bounded_and_symmetric(
    pool_evidence: MarketEvidence,
    p: Participant,
    q: Participant,
    pq: PreferenceLevel | None,
    qp: PreferenceLevel | None,
) -> None:
    score = score_pair(pair_event(p, q, pq, qp), "p1", "p2", pool_evidence)
    assert 0.0 <= score.total <= 100.0
    assert all(
        0.0 <= v <= w + 1e-9
        for v, w in zip(score.parts.values(), ComponentWeights().as_dict().values(), strict=True)
    )
    if not score.veto:
        assert score.total == pytest.approx(sum(score.parts.values()), abs=1e-5)
    assert score == score_pair(pair_event(p, q, pq, qp), "p2", "p1", pool_evidence)
    # The same two participants with their ids swapped (the other one sorts first now).
    swapped = score_pair(
        pair_event(dataclasses.replace(p, id="p2"), dataclasses.replace(q, id="p1"), pq, qp),
        "p1",
        "p2",
        pool_evidence,
    )
    assert swapped.total == score.total
    assert swapped.parts == score.parts
    assert (swapped.veto, swapped.must, swapped.interpreter_needed) == (
        score.veto,
        score.must,
        score.interpreter_needed,
    )
    assert sorted(swapped.reasons) == sorted(score.reasons)


@settings(max_examples=100, deadline=None)
@given(p=participants("p1"), q=participants("p2"), pq=levels, qp=levels, data=st.data())
def test_a_shared_language_never_lowers_a_score(
    pool_evidence: MarketEvidence,
    p: Participant,
    q: Participant,
    pq: PreferenceLevel | None,
    qp: PreferenceLevel | None,
    data: st.DataObject,
) -> None:
    language = data.draw(st.sampled_from(("en", "ru", "hi", "kk")))
    before = score_pair(pair_event(p, q, pq, qp), "p1", "p2", pool_evidence)
    both = (
        dataclasses.replace(p, languages=(*p.languages, language)),
        dataclasses.replace(q, languages=(*q.languages, language)),
    )
    after = score_pair(pair_event(*both, pq, qp), "p1", "p2", pool_evidence)
    assert after.total >= before.total
    assert not after.interpreter_needed


@settings(max_examples=100, deadline=None)
@given(p=participants("p1"), q=participants("p2"), other=levels, data=st.data())
def test_a_veto_always_gives_zero(
    pool_evidence: MarketEvidence,
    p: Participant,
    q: Participant,
    other: PreferenceLevel | None,
    data: st.DataObject,
) -> None:
    if data.draw(st.booleans()):
        event = pair_event(p, q, "no", other)
    else:
        event = pair_event(p, q, other, "no")
    score = score_pair(event, "p1", "p2", pool_evidence)
    assert score.veto and score.total == 0.0


# ---------------------------------------------------------------------- organiser's scores
def _weighted(*weights: PairWeight, prefs: tuple[Preference, ...] = ()) -> Event:
    return dataclasses.replace(
        make_event(EXPORTER, *BUYERS, preferences=prefs), pair_weights=weights
    )


def test_the_organisers_scores_replace_or_add_and_say_so() -> None:
    """scores.csv changes the pair's score (it was loaded but ignored by the scorer), the
    points still add up to the total, and the reason is one of the pair's sentences."""
    plain = score_pairs(make_event(EXPORTER, *BUYERS), MarketEvidence.empty())
    pair = ("b-shoes", "e-kanpur")
    built = plain[pair].total
    replaced = score_pairs(
        _weighted(PairWeight("e-kanpur", "b-shoes", 92.5, "CRM lead score A")),
        MarketEvidence.empty(),
    )[pair]
    assert built < 50 and replaced.total == 92.5
    assert sum(replaced.parts.values()) == pytest.approx(92.5)
    assert (
        "CRM lead score A" in replaced.reasons[-1]
        and f"instead of {built:g}" in (replaced.reasons[-1])
    )
    lowered = score_pairs(
        _weighted(PairWeight("b-hand", "e-kanpur", -1000.0, "", "add")), MarketEvidence.empty()
    )[("b-hand", "e-kanpur")]
    assert lowered.total == 0.0 and sum(lowered.parts.values()) == pytest.approx(0.0)
    both = score_pairs(
        _weighted(
            PairWeight("b-hand", "e-kanpur", 30.0, "council", "replace"),
            PairWeight("e-kanpur", "b-hand", 5.0, "CRM", "add"),
        ),
        MarketEvidence.empty(),
    )[("b-hand", "e-kanpur")]
    assert both.total == 35.0 and "council; CRM" in both.reasons[-1]


def test_a_weighted_pair_is_a_candidate_and_a_zero_or_a_no_still_rules() -> None:
    two_buyers = _weighted(PairWeight("b-hand", "b-shoes", 60.0))
    assert ("b-hand", "b-shoes") not in candidate_pairs(make_event(EXPORTER, *BUYERS))
    assert ("b-hand", "b-shoes") in candidate_pairs(two_buyers)
    zero = _weighted(PairWeight("b-hand", "e-kanpur", 0.0))
    assert ("b-hand", "e-kanpur") not in candidate_pairs(zero)
    vetoed = _weighted(
        PairWeight("b-hand", "e-kanpur", 99.0),
        prefs=(Preference("b-hand", "e-kanpur", "no"),),
    )
    score = score_pairs(vetoed, MarketEvidence.empty())[("b-hand", "e-kanpur")]
    assert score.veto and score.total == 0.0


def test_reasons_are_spoken_in_the_readers_language(
    scores: dict[tuple[str, str], Score], forum: Event
) -> None:
    """The same reasons in Russian and Hindi, sentence for sentence (templated messages from
    the catalogs: the figures and names stay as the data has them), and they survive the
    JSON the event stores keep scores in."""
    from tradepivot.events.store import score_from_json, score_json

    hand = of(scores, HANDBAG_BUYER.id)
    english = explain(hand, EXPORTER.id, forum)
    russian = explain(hand, EXPORTER.id, forum, "ru")
    hindi = explain(hand, EXPORTER.id, forum, "hi")
    assert russian.count("; ") == english.count("; ") == hindi.count("; ")
    assert "вы ищете дистрибьютора, они занимаются дистрибуцией" in russian
    assert "Россия" not in russian and "Russia импортировала USD" in russian  # names as data
    assert "आपको वितरक चाहिए, वे वितरण करते हैं" in hindi
    assert not any(word in russian for word in ("seek", "imported", "both trade"))
    # language names come from CLDR in the reader's language
    assert "английский" in russian or "русский" in russian or "хинди" in russian
    kept = score_from_json(score_json(hand))
    assert kept.facts == hand.facts
    assert explain(kept, EXPORTER.id, forum, "ru") == russian

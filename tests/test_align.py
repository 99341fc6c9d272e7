"""Claim alignment: the sparse candidate-graph linkage against the exhaustive reference."""

from __future__ import annotations

import dataclasses
import zlib
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest
from scipy import sparse

from corroborator.align import (
    SAME_FIGURE_BONUS,
    SAME_UNIT_BONUS,
    ClaimRef,
    ClaimSpace,
    _agglomerate_dense,
    agglomerate,
    align_claims,
    align_claims_exhaustive,
    candidate_edges,
    event_years,
    masked_text,
)
from corroborator.align_structure import (
    claim_events,
    claim_predicates,
    opposite_events,
    protagonist,
    unit_family,
)
from corroborator.model import (
    Analysis,
    Article,
    Attribution,
    Claim,
    Entity,
    Quantity,
    TextSpan,
)
from corroborator.settings import DEFAULT_SETTINGS
from report_fixtures import sample_report

DIM = 32


class HashingEmbedder:
    """A small deterministic embedder: hashed bag of lowercase words, L2-normalised."""

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().replace(",", " ").replace(".", " ").split():
                vectors[row, zlib.crc32(word.encode()) % 64] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


def random_space(seed: int, n: int, topics: int, articles: int) -> ClaimSpace:
    """Claims drawn around a few topic directions, some sharing a figure, from few articles
    (so the same-article constraint bites)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(topics, DIM))
    topic = rng.integers(0, topics, size=n)
    vectors = centres[topic] + rng.normal(scale=rng.uniform(0.3, 1.2), size=(n, DIM))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    figure_of = topic * 10 + rng.integers(0, 2, size=n)
    figures = sparse.csr_matrix(
        (np.ones(n, dtype=np.float32), (np.arange(n), figure_of)), shape=(n, topics * 10 + 2)
    )
    units = sparse.csr_matrix(
        (np.ones(n, dtype=np.float32), (np.arange(n), topic)), shape=(n, topics)
    )
    article_ids = [f"a{i}" for i in rng.integers(0, articles, size=n)]
    return ClaimSpace(vectors, None, figures, units, article_ids, lexical_weight=0.0)


@pytest.mark.parametrize("seed", range(12))
def test_sparse_linkage_equals_exhaustive_average_linkage(seed):
    space = random_space(seed, n=45, topics=5, articles=12)
    everything = np.arange(len(space))
    reference = _agglomerate_dense(
        space.article_ids, space.block(everything, everything), DEFAULT_SETTINGS
    )
    edges = candidate_edges(space, DEFAULT_SETTINGS.claim_similarity_threshold, len(space))
    sparse_result = agglomerate(space, edges, DEFAULT_SETTINGS)
    assert sorted(sparse_result) == sorted(reference)
    assert any(len(c) > 1 for c in reference), "the case should merge something"


def test_candidate_edges_are_capped_and_above_threshold():
    space = random_space(1, n=60, topics=2, articles=60)
    threshold = DEFAULT_SETTINGS.claim_similarity_threshold
    edges = candidate_edges(space, threshold, neighbours=3)
    assert edges and all(s >= threshold for s in edges.values())
    assert all(i < j for i, j in edges)
    degree = np.bincount(np.array(list(edges)).ravel(), minlength=len(space))
    # each claim proposes at most 3; it may also be proposed by others
    assert len(edges) <= 3 * len(space)
    assert degree.max() >= 3


def test_same_article_claims_stay_apart_unless_nearly_identical():
    # claims 0 and 1 are of article x and cos 0.6: above the threshold, below same-article 0.65
    vectors = np.array([[1.0, 0.0], [0.6, 0.8], [1.0, 0.0]], dtype=np.float32)
    empty = sparse.csr_matrix((3, 1), dtype=np.float32)
    space = ClaimSpace(vectors, None, empty, empty, ["x", "x", "y"], 0.0)
    edges = candidate_edges(space, DEFAULT_SETTINGS.claim_similarity_threshold, 5)
    assert sorted(agglomerate(space, edges, DEFAULT_SETTINGS)) == [[0, 2], [1]]
    loose = dataclasses.replace(DEFAULT_SETTINGS, same_article_similarity=0.55)
    assert agglomerate(space, edges, loose) == [[0, 1, 2]]


def test_single_and_empty_inputs():
    assert align_claims([], HashingEmbedder(), DEFAULT_SETTINGS) == []
    report = sample_report()
    analysis = report.analyses[4]
    refs = [ClaimRef(analysis, c) for c in analysis.claims]
    assert align_claims(refs, HashingEmbedder(), DEFAULT_SETTINGS) == [refs]


def test_align_claims_matches_exhaustive_on_the_sample_story():
    report = sample_report()
    refs = [ClaimRef(a, c) for a in report.analyses for c in a.claims]
    embedder = HashingEmbedder()
    fast = align_claims(refs, embedder, DEFAULT_SETTINGS)
    slow = align_claims_exhaustive(refs, embedder, DEFAULT_SETTINGS)
    ids = [[r.claim.id for r in g] for g in fast]
    assert ids == [[r.claim.id for r in g] for g in slow]
    assert [len(g) for g in fast] == sorted((len(g) for g in fast), reverse=True)
    assert ["a1#c1", "a2#c2", "a3#c2"] in ids  # the evacuation reports, 12 vs 15 villages


def test_masked_text_hides_values_dates_and_polarity():
    report = sample_report()
    claim = report.analyses[0].claims[0]  # "12 villages were evacuated on 4 May"
    assert masked_text(claim) == "several villages were evacuated on that day"


def test_many_identical_copies_do_not_use_up_the_neighbour_budget():
    # 30 copies each of two close wordings (cos 0.9) and one unrelated claim, 3 neighbours each:
    # counting copies as neighbours would leave the two wordings unconnected.
    a, b, c = [1.0, 0.0, 0.0], [0.9, 0.4359, 0.0], [0.0, 0.0, 1.0]
    vectors = np.array([a] * 30 + [b] * 30 + [c], dtype=np.float32)
    n = len(vectors)
    empty = sparse.csr_matrix((n, 1), dtype=np.float32)
    signatures = ["a"] * 30 + ["b"] * 30 + ["c"]
    space = ClaimSpace(vectors, None, empty, empty, [f"x{i}" for i in range(n)], 0.0,
                       signatures=signatures)
    copies = space.identical_groups()
    assert [len(g) for g in copies] == [30, 30, 1]
    edges = candidate_edges(space, 0.53, 3, rows=[g[0] for g in copies])
    assert list(edges) == [(0, 30)]
    groups = agglomerate(space, edges, DEFAULT_SETTINGS, initial=copies)
    assert sorted(groups) == [list(range(60)), [60]]


# --- structure: units, events, predicates (align_structure.py) ------------------------------

def make_ref(article_id: str, text: str, quantities: tuple[tuple[str, float, str], ...] = (),
             source: str | None = None) -> ClaimRef:
    """A one-claim article. ``quantities``: (phrase, value, unit); ``source``: the text is then
    the content of a statement by that source ("<source> said <text>")."""
    prefix = f"{source} said " if source else ""
    body = prefix + text
    claim_span = TextSpan.of(body, len(prefix), len(body))
    attribution = None
    if source:
        attribution = Attribution(TextSpan.of(body, 0, len(source)),
                                  TextSpan.of(body, len(source) + 1, len(source) + 5),
                                  claim_span, "organisation")
    found = tuple(
        Quantity(TextSpan.of(body, body.index(phrase), body.index(phrase) + len(phrase)),
                 value, unit)
        for phrase, value, unit in quantities
    )
    claim = Claim(f"{article_id}#c1", claim_span, TextSpan.of(body, 0, len(body)), attribution,
                  (), found, (), (), (), False, 0.8)
    article = Article(article_id, article_id, body)
    analysis = Analysis(article, (claim.sentence,), (), found, (), (), (), (claim,), ())
    return ClaimRef(analysis, claim)


def grouped_texts(refs: list[ClaimRef]) -> list[set[str]]:
    groups = align_claims(refs, HashingEmbedder(), DEFAULT_SETTINGS)
    return [{r.claim.span.text for r in group} for group in groups]


def test_unit_families_compare_synonymous_units_only():
    assert unit_family("houses") == unit_family("homes") == "dwellings"
    assert unit_family("fighters") == unit_family("terrorists")
    assert unit_family("guards") == unit_family("people") == "people"
    assert unit_family("soldiers") != unit_family("fighters")
    assert unit_family("villages") == "villages"  # not listed: its own family


def test_events_predicates_and_opposites_from_words():
    assert claim_events("Twelve people died in the landslide") == {"death"}
    assert claim_events("The death toll rose to 19") == {"death"}
    assert claim_events("No one was hurt in the attack") == {"injury"}
    assert claim_events("Rescuers searched the rubble") == frozenset()
    assert ("start", "fighting") in claim_predicates("The army started the fighting by shelling")
    assert ("start", "fighting") in claim_predicates("accused the army of starting the fighting")
    # "in" is no object; the passive subject is
    assert claim_predicates("Two men were killed in the fighting") == {("death", "men")}
    assert opposite_events(frozenset({"closure"})) == {"reopening"}
    assert opposite_events(frozenset({"death"})) == frozenset()


def test_masked_text_hides_number_words_datelines_and_source_pronouns():
    claim = make_ref("a", "Thirty-one fighters were killed",
                     (("Thirty-one fighters", 31, "fighters"),))
    assert masked_text(claim.claim) == "several fighters were killed"
    wire = make_ref("b", "OSTREL, Aug 18 (Northern Wire) - Fighting broke out near the town")
    assert masked_text(wire.claim) == "Fighting broke out near the town"
    denial = make_ref("c", "it was behind the bombing", source="The Farmers' Party")
    assert masked_text(denial.claim) == "The Farmers' Party was behind the bombing"
    # "she" in what a lawyer says is the client, not the lawyer; "his lawyer" names nobody
    appeal = make_ref("d", "she would appeal", source="Vogt's lawyer, Marek Haas")
    assert masked_text(appeal.claim) == "Vogt would appeal"
    unnamed = make_ref("e", "he would appeal", source="His lawyer")
    assert masked_text(unnamed.claim) == "His lawyer would appeal"
    # ... unless the article's protagonist is known: the person it names most often
    text = "Lena Vogt was jailed. Marek Haas spoke. Vogt's brother-in-law ran. Vogt wept."
    names = [Entity(TextSpan.of(text, text.index(n), text.index(n) + len(n)), "PERSON")
             for n in ("Lena Vogt", "Marek Haas", "Vogt's", "Vogt wept"[:4])]
    assert protagonist(names) == "Vogt" and protagonist([]) == ""
    assert masked_text(unnamed.claim, "Vogt") == "Vogt would appeal"


def test_a_changing_toll_is_one_claim_whatever_the_figure():
    refs = [
        make_ref("a", "Twelve people died in the landslide", (("Twelve people", 12, "people"),)),
        make_ref("b", "The death toll from the landslide rose to 27 on Saturday evening",
                 (("27", 27, ""),)),
        make_ref("c", "Rescue teams searched the rubble for survivors all day"),
    ]
    space = ClaimSpace.build(refs, HashingEmbedder(), DEFAULT_SETTINGS)
    plain = ClaimSpace(space.vectors, space.tfidf, space.figures, space.units,
                       space.article_ids, space.lexical_weight)
    pair = np.array([0]), np.array([1])
    bonus = space.block(*pair)[0, 0] - plain.block(*pair)[0, 0]
    # both give a figure for one count (people who died), whatever the words; the plain space
    # keeps the same-unit hint: the bare 27 of "the death toll" counts people
    expected = DEFAULT_SETTINGS.claim_same_figure_count_bonus - SAME_UNIT_BONUS
    assert bonus == pytest.approx(expected, abs=1e-6)
    toll = {"Twelve people died in the landslide",
            "The death toll from the landslide rose to 27 on Saturday evening"}
    assert toll in grouped_texts(refs)


def test_count_statements_in_other_words_align_but_not_within_one_article():
    toll = make_ref("a", "At least 12 people were killed", (("At least 12 people", 12, "people"),))
    risen = make_ref("b", "The number of dead has risen to 44", (("44", 44, ""),))
    where = make_ref("c", "Most of the victims lived in Marrow")
    space = ClaimSpace.build([toll, risen, where], HashingEmbedder(), DEFAULT_SETTINGS)
    plain = ClaimSpace(space.vectors, space.tfidf, space.figures, space.units,
                       space.article_ids, space.lexical_weight)

    def bonus(i: int, j: int, of: ClaimSpace = space) -> float:
        pair = np.array([i]), np.array([j])
        return float(of.block(*pair)[0, 0] - plain.block(*pair)[0, 0])

    settings = DEFAULT_SETTINGS
    assert bonus(0, 1) == pytest.approx(settings.claim_same_figure_count_bonus - SAME_UNIT_BONUS,
                                        abs=1e-6)
    # a count statement and a claim that counts nothing are different claims
    assert bonus(0, 2) == pytest.approx(-settings.claim_count_mismatch_penalty, abs=1e-6)
    # the same two statements in ONE article are two figures: only the ordinary count bonus
    same = make_ref("a", "The number of dead has risen to 44", (("44", 44, ""),))
    one_article = ClaimSpace.build([toll, same], HashingEmbedder(), DEFAULT_SETTINGS)
    plain_one = ClaimSpace(one_article.vectors, one_article.tfidf, one_article.figures,
                           one_article.units, one_article.article_ids, one_article.lexical_weight)
    pair = np.array([0]), np.array([1])
    assert float(one_article.block(*pair)[0, 0] - plain_one.block(*pair)[0, 0]) == \
        pytest.approx(settings.claim_same_event_bonus - SAME_UNIT_BONUS, abs=1e-6)


def _published(ref: ClaimRef, when: datetime) -> ClaimRef:
    article = replace(ref.analysis.article, published=when)
    return ClaimRef(replace(ref.analysis, article=article), ref.claim)


def test_another_years_event_named_in_the_past_is_background_not_this_claim():
    now = datetime(2026, 11, 17, tzinfo=UTC)
    toll = _published(make_ref("a", "44 people were killed in the quake",
                               (("44 people", 44, "people"),)), now)
    past = _published(make_ref("b", "In 2009, a quake in the region killed 14 people",
                               (("14 people", 14, "people"),)), now)
    plan = _published(make_ref("c", "The plant will close by the end of 2027"), now)
    assert event_years(toll.claim, now) == (frozenset({2026}), False)
    assert event_years(past.claim, now) == (frozenset({2009}), True)
    assert event_years(plan.claim, now) == (frozenset({2027}), False)  # a plan, not another event
    space = ClaimSpace.build([toll, past], HashingEmbedder(), DEFAULT_SETTINGS)
    plain = ClaimSpace(space.vectors, space.tfidf, space.figures, space.units,
                       space.article_ids, space.lexical_weight)
    pair = np.array([0]), np.array([1])
    # no count bonus (another year's count) and the other-year penalty
    assert float(space.block(*pair)[0, 0] - plain.block(*pair)[0, 0]) == pytest.approx(
        -DEFAULT_SETTINGS.claim_other_year_penalty, abs=1e-6)


def test_opposite_events_and_different_predicates_stay_apart():
    closed = make_ref("a", "Nearly 500 schools closed on Tuesday",
                      (("500 schools", 500, "schools"),))
    reopened = make_ref("b", "Most schools reopened on Wednesday")
    demand = make_ref("c", "The union is demanding a 9 percent pay rise",
                      (("9 percent", 9, "percent"),))
    refusal = make_ref("d", "The government could not afford a 9 percent pay rise",
                       (("9 percent", 9, "percent"),))
    space = ClaimSpace.build([closed, reopened, demand, refusal], HashingEmbedder(),
                             DEFAULT_SETTINGS)
    plain = ClaimSpace(space.vectors, space.tfidf, space.figures, space.units,
                       space.article_ids, space.lexical_weight)
    everything = np.arange(4)
    difference = space.block(everything, everything) - plain.block(everything, everything)
    # closed vs reopened: the penalty instead of the same-unit hint
    assert difference[0, 1] < -0.2
    # a shared figure is only a same-unit hint between a demand and a concession (opposites)
    expected = SAME_UNIT_BONUS - SAME_FIGURE_BONUS - DEFAULT_SETTINGS.claim_opposite_event_penalty
    assert difference[2, 3] == pytest.approx(expected, abs=1e-6)
    assert all(len(g) == 1 for g in grouped_texts([closed, reopened]))
    # the bag-of-words test embedder rates the two pay-rise sentences near-identical (1.0 before
    # structure); with a different subject and more words, structure keeps them apart
    demand = make_ref("c", "The teachers' federation is demanding a 9 percent pay rise and "
                      "smaller classes", (("9 percent", 9, "percent"),))
    assert all(len(g) == 1 for g in grouped_texts([demand, refusal]))


def test_one_side_denies_what_the_other_says_and_they_align():
    refs = [
        make_ref("a", "the Farmers' Party was behind the bombing of the commission",
                 source="The minister"),
        make_ref("b", "it was behind the bombing", source="The Farmers' Party"),
    ]
    assert len(grouped_texts(refs)) == 1

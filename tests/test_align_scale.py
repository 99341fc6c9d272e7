"""Alignment of big stories: copies of one claim collapse wherever their articles put them, so
the candidate-neighbour budget is spent on distinct claims (synthetic 1,000-article story:
recall 0.61 when copies at different offsets counted as distinct claims)."""

from __future__ import annotations

import dataclasses

from corroborator.align import ClaimRef, ClaimSpace, align_claims
from corroborator.model import Analysis, Article, Claim, Quantity, TextSpan
from corroborator.settings import DEFAULT_SETTINGS
from test_align import HashingEmbedder


def placed_ref(article_id: str, lead: str, text: str, figure: str, value: float,
               unit: str) -> ClaimRef:
    """A claim ``text`` (holding ``figure``) after ``lead`` in its article: the claim and its
    quantity then stand at an offset that differs from article to article."""
    body = lead + text
    start = len(lead)
    span = TextSpan.of(body, start, len(body))
    at = body.index(figure, start)
    quantity = Quantity(TextSpan.of(body, at, at + len(figure)), value, unit)
    claim = Claim(f"{article_id}#c1", span, span, None, (), (quantity,), (), (), (), False, 0.8)
    analysis = Analysis(Article(article_id, article_id, body), (span,), (), (quantity,), (), (),
                        (), (claim,), ())
    return ClaimRef(analysis, claim)


def test_copies_at_different_offsets_are_one_identical_group():
    text = "All 18 schools in the district will stay closed until Friday."
    refs = [placed_ref(f"a{i}", "Filler sentence. " * i, text, "18 schools", 18, "schools")
            for i in range(5)]
    refs.append(placed_ref("b", "", text.replace("18", "19"), "19 schools", 19, "schools"))
    space = ClaimSpace.build(refs, HashingEmbedder(), DEFAULT_SETTINGS)
    assert space.identical_groups() == [[0, 1, 2, 3, 4], [5]]


def test_a_small_neighbour_budget_still_joins_paraphrases_behind_many_copies():
    # 30 copies of one wording and 30 of a paraphrase: with 2 neighbours per claim, copies that
    # counted as distinct claims filled the budget and the two wordings never met.
    one = "All 18 schools in the district will stay closed until Friday."
    other = "The 18 schools of the district will stay shut until Friday."
    refs = [placed_ref(f"a{i}", "Lead. " * i, one, "18 schools", 18, "schools")
            for i in range(30)]
    refs += [placed_ref(f"b{i}", "Lead. " * i, other, "18 schools", 18, "schools")
             for i in range(30)]
    settings = dataclasses.replace(DEFAULT_SETTINGS, claim_candidate_neighbours=2)
    groups = align_claims(refs, HashingEmbedder(), settings)
    assert [len(g) for g in groups] == [60]

"""`corroborator eval chains`: the annotation file is well-formed, the metrics count right on
hand-made pairs, and the evaluation runs end to end on examples/annotated."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from corroborator.evaluation.chains import (
    ANNOTATIONS,
    MISSING,
    ChainScores,
    GoldLink,
    GoldSentence,
    PredictedSentence,
    chains_equal,
    count_false_hedges,
    format_scores,
    load_annotations,
    names_match,
    origins_equal,
    score_sentence,
)
from corroborator.model import SOURCE_KINDS, Analysis, Article, ChainLink, Hedge, TextSpan

ANNOTATED = Path(__file__).resolve().parents[1] / "examples" / "annotated"


def _body(article_id: str) -> str:
    """The article text after its front matter (what ingest keeps)."""
    text = (ANNOTATED / f"{article_id}.txt").read_text(encoding="utf-8")
    return text.split("---\n", 2)[2]


def test_annotation_file_is_well_formed():
    articles = load_annotations(ANNOTATED / ANNOTATIONS)
    assert 8 <= len(articles) <= 12
    kinds = {link.kind for a in articles for s in a.sentences for link in s.chain}
    assert kinds == set(SOURCE_KINDS)  # every source kind is exercised
    assert any(len(s.chain) >= 2 for a in articles for s in a.sentences)  # multi-hop chains
    assert sum(s.hedged for a in articles for s in a.sentences) >= 10
    for article in articles:
        body = _body(article.id)
        for sentence in article.sentences:
            assert body.count(sentence.quote) == 1, (article.id, sentence.quote)
        for phrase in article.not_hedge:
            assert phrase in body, (article.id, phrase)


def test_malformed_links_are_refused(tmp_path):
    path = tmp_path / ANNOTATIONS
    path.write_text("articles:\n  - id: a\n    sentences:\n      - quote: q\n"
                    "        hedged: false\n"
                    "        chain: [{name: the mayor, Ilse Varga, kind: official}]\n")
    with pytest.raises(ValueError, match="malformed"):
        load_annotations(path)


def test_annotation_header_says_it_is_a_test_set():
    header = (ANNOTATED / ANNOTATIONS).read_text(encoding="utf-8").split("articles:")[0]
    assert "TEST SET" in header and "before" in header
    assert yaml.safe_load((ANNOTATED / ANNOTATIONS).read_text(encoding="utf-8"))["articles"]


def test_names_match_ignores_case_and_leading_article():
    assert names_match("The Garrow Courier", "garrow courier")
    assert names_match("the mayor, Ilse Varga", "Ilse Varga")
    assert not names_match("Capital Wire", "Meridian Radio")
    assert not names_match("", "Radio Delta")


AGENCY = GoldLink("Meridian Radio", "outlet", "reported")
WORKERS = GoldLink("two unnamed workers", "anonymous", "citing")


def test_chain_and_origin_comparison():
    predicted = (ChainLink("Meridian Radio", "outlet", "reported"),
                 ChainLink("two unnamed workers at the site", "anonymous", "citing"))
    assert chains_equal((AGENCY, WORKERS), predicted)
    assert chains_equal((AGENCY, WORKERS), predicted, with_cue=True)
    wrong_cue = (predicted[0], ChainLink("two unnamed workers", "anonymous", "said"))
    assert chains_equal((AGENCY, WORKERS), wrong_cue)
    assert not chains_equal((AGENCY, WORKERS), wrong_cue, with_cue=True)
    assert not chains_equal((AGENCY, WORKERS), predicted[:1])  # a hop missing
    wrong_kind = (predicted[0], ChainLink("two unnamed workers", "person", "citing"))
    assert not chains_equal((AGENCY, WORKERS), wrong_kind)
    assert origins_equal((AGENCY, WORKERS), wrong_kind)  # the origin is still right by name
    assert origins_equal((), ())  # both: the outlet itself
    assert not origins_equal((), predicted)


def test_scores_count_right_on_hand_made_pairs():
    scores = ChainScores()
    right = (ChainLink("Meridian Radio", "outlet", "reported"),
             ChainLink("two unnamed workers", "anonymous", "citing"))
    # 1: perfect chain, hedge found.
    score_sentence(scores, GoldSentence("q1", (AGENCY, WORKERS), True),
                   PredictedSentence(right, hedged=True, is_claim=True))
    # 2: origin missed and typed wrong on the first hop; a false hedge.
    score_sentence(scores, GoldSentence("q2", (AGENCY, WORKERS), False),
                   PredictedSentence((ChainLink("Meridian Radio", "organisation", "said"),),
                                     hedged=True, is_claim=False))
    # 3: own authority, predicted an attribution; hedge missed.
    score_sentence(scores, GoldSentence("q3", (), True),
                   PredictedSentence(right[:1], hedged=False, is_claim=True))
    assert (scores.sentences, scores.claims) == (3, 2)
    assert scores.chain_exact == 1 and scores.chain_exact_with_cue == 1
    assert scores.origin_correct == 1
    assert scores.kind_confusion == {("outlet", "outlet"): 1, ("anonymous", "anonymous"): 1,
                                     ("outlet", "organisation"): 1, ("anonymous", MISSING): 1}
    assert scores.kind_accuracy() == pytest.approx(0.5)
    assert (scores.hedge_tp, scores.hedge_fp, scores.hedge_fn) == (1, 1, 1)
    assert scores.hedge_prf() == (pytest.approx(0.5), pytest.approx(0.5), pytest.approx(0.5))
    report = format_scores(scores)
    assert "chain exact match          0.333 (1/3)" in report
    assert "outlet       -> organisation 1" in report
    assert len(scores.errors) == 2 and scores.errors[0].startswith("'q2'")


def test_false_hedges_count_only_hedges_on_look_alikes():
    text = "Work stopped on 3 May. Ardo may have known. The claims office opened."
    article = Article(id="x", outlet="X", text=text)

    def hedge(word: str) -> Hedge:
        start = text.index(word)
        return Hedge(TextSpan.of(text, start, start + len(word)), TextSpan.of(text, 0, len(text)))

    analysis = Analysis(article=article, sentences=(), entities=(), quantities=(), dates=(),
                        attributions=(), hedges=(hedge("May"), hedge("may have"), hedge("claims")),
                        claims=(), framing=())
    # "May" (case-sensitive) and "claims office" are look-alikes; "may have" is a real hedge.
    assert count_false_hedges(analysis, ["May", "claims office"]) == (2, 2)
    assert count_false_hedges(analysis, ["could lift"]) == (0, 0)


@pytest.mark.slow
def test_eval_chains_runs_on_the_annotated_articles():
    from click.testing import CliRunner

    from corroborator.cli import main
    from corroborator.evaluation.chains import evaluate

    scores = evaluate(ANNOTATED)
    total = sum(len(a.sentences) for a in load_annotations(ANNOTATED / ANNOTATIONS))
    assert scores.sentences == total
    assert scores.chain_exact_with_cue <= scores.chain_exact <= total
    assert scores.origin_correct <= total and scores.claims <= total
    assert sum(scores.kind_confusion.values()) == sum(
        len(s.chain) for a in load_annotations(ANNOTATED / ANNOTATIONS) for s in a.sentences)
    assert scores.lookalikes >= 15
    result = CliRunner().invoke(main, ["eval", "chains", "--data", str(ANNOTATED), "--errors"])
    assert result.exit_code == 0, result.output
    assert "chain exact match" in result.output and "false hedges" in result.output
    listed = result.output.split("errors:\n", 1)[1].strip().splitlines()
    assert len(listed) == len(scores.errors)

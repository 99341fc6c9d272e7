"""Scoring of attribution and check-worthiness evaluations, on invented sentences.

The runs over the real data sets (PolNeAR, ClaimBuster) skip when ../shared/data is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborator.evaluation.attribution import (
    GoldArticle,
    Scores,
    _score_article,
    baseline_spans,
    evaluate,
    predicted_spans,
)
from corroborator.evaluation.checkworthy import NaiveBayes, prf

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TEXT = "The mayor said that the bridge will reopen on Monday."


def _span(part: str) -> tuple[int, int]:
    start = TEXT.index(part)
    return start, start + len(part)


def test_exact_loose_and_overlap_scores():
    gold = ({"source": _span("The mayor"), "cue": _span("said"),
             "content": _span("that the bridge will reopen on Monday")},)
    predicted = [{"source": _span("The mayor"), "cue": _span("said"),
                  "content": _span("the bridge will reopen on Monday")}]
    scores = Scores()
    _score_article(TEXT, gold, predicted, scores)
    assert scores.roles["source"].exact_prf() == (1.0, 1.0, 1.0)
    assert scores.roles["content"].exact == 0  # PolNeAR keeps "that"; this prediction drops it
    assert scores.roles["content"].loose == 1
    precision, recall, _ = scores.roles["content"].overlap_prf()
    assert precision == 1.0 and recall == pytest.approx(6 / 7)


def test_unpaired_prediction_costs_precision_only():
    gold = ({"source": _span("The mayor"), "cue": _span("said"), "content": _span("Monday")},)
    predicted = [{"source": _span("bridge"), "cue": _span("reopen"), "content": _span("on")}]
    scores = Scores()
    _score_article(TEXT, gold, predicted, scores)
    assert scores.roles["cue"].exact_prf() == (0.0, 0.0, 0.0)
    assert scores.roles["cue"].predicted == 1 and scores.roles["cue"].gold == 1


@pytest.fixture(scope="module")
def nlp():
    from corroborator.analysis.nlp import load_nlp
    return load_nlp()


def test_product_and_baseline_find_the_invented_attribution(nlp):
    gold = GoldArticle("x", TEXT, ({"source": _span("The mayor"), "cue": _span("said"),
                                   "content": _span("that the bridge will reopen on Monday")},))
    for extractor in (predicted_spans, baseline_spans):
        scores = evaluate([gold], nlp, extractor)
        assert scores.roles["cue"].exact == 1
        assert scores.roles["source"].exact == 1
    # The product follows PolNeAR's content convention (the leading "that" included).
    assert evaluate([gold], nlp, predicted_spans).roles["content"].exact == 1


def test_naive_bayes_and_prf():
    model = NaiveBayes([("the rate rose 5 percent in 2010", 1), ("thank you very much", 0),
                        ("unemployment fell 2 percent", 1), ("good evening everyone", 0)])
    assert model.predict("the rate fell 3 percent") == 1
    assert model.predict("thank you everyone") == 0
    assert prf([1, 0, 1, 0], [1, 1, 0, 0]) == (0.5, 0.5, 0.5)


@pytest.mark.skipif(not (DATA / "polnear" / "attributions.jsonl").exists(),
                    reason="PolNeAR data not available")
def test_polnear_dev_runs_and_beats_nothing():
    from corroborator.evaluation.attribution import run
    results = run(DATA / "polnear", "dev", limit=3)
    assert results["product"].articles == 3
    assert results["product"].roles["cue"].exact > 0


def test_a_sourceless_attribution_is_scored_with_no_source(nlp):
    text = "The bill is expected to pass on Friday."
    spans = predicted_spans(nlp(text))
    assert [(s["source"], text[s["cue"][0]:s["cue"][1]]) for s in spans] == [(None, "is expected")]

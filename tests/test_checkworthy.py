"""Learned check-worthiness: the shipped model file, its numpy scorer, the claim decision and the
ClaimBuster evaluation's metrics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from corroborator.analysis.checkworthy import (
    MODEL_FORMAT,
    RULE_FEATURES,
    CheckworthyModel,
    load_model,
    ngrams,
    tokens,
)
from corroborator.analysis.claims import is_claim
from corroborator.evaluation.checkworthy import NaiveBayes, prf
from corroborator.model import Article
from corroborator.settings import Settings

CLAIMBUSTER = Path(__file__).resolve().parents[2] / "shared" / "data" / "claimbuster"
FACTUAL = "The governor said 1,200 residents of 15 villages were evacuated on 5 May."
FACTUAL_FEATURES = {"has_quantity": 1.0, "has_date": 1.0, "has_named_actor_or_place": 0.0,
                    "has_attribution": 1.0}
NO_FEATURES = dict.fromkeys(RULE_FEATURES, 0.0)


def test_tokens_fold_numbers_and_keep_clitics():
    assert tokens("It's 1,200 people, not 15.") == ["it's", "<num>", "people", "not", "<num>"]
    assert ngrams("Troops fired 3 shells") == [
        "troops", "fired", "<num>", "shells", "troops fired", "fired <num>", "<num> shells",
    ]


def test_shipped_model_loads_with_sane_numbers():
    model = load_model()
    assert len(model.vocabulary) > 5_000
    assert model.idf.shape == model.weights.shape == (len(model.vocabulary),)
    assert np.all(model.idf >= 1.0)  # smoothed idf is never below 1
    assert 0.05 < model.threshold < 0.95
    assert set(model.dense_names) <= set(RULE_FEATURES)


def test_model_file_is_plain_json_with_attribution():
    from importlib import resources

    data_dir = resources.files("corroborator").joinpath("data")
    data = json.loads(data_dir.joinpath("checkworthy_model.json").read_text("utf-8"))
    assert data["format"] == MODEL_FORMAT
    assert "ClaimBuster" in data["training"]["data"]
    notice = data_dir.joinpath("CHECKWORTHY_NOTICE.md").read_text("utf-8")
    assert "CC BY 4.0" in notice and "Arslan" in notice and "ICWSM 2020" in notice


def test_scores_are_monotone_on_obvious_pairs():
    model = load_model()
    factual = model.probability(FACTUAL, FACTUAL_FEATURES)
    pleasantry = model.probability("Thank you very much.", NO_FEATURES)
    assert factual >= model.threshold > pleasantry
    assert factual - pleasantry > 0.5
    # The same words score higher with the rule features that make them checkable.
    assert model.probability(FACTUAL, FACTUAL_FEATURES) > model.probability(FACTUAL, NO_FEATURES)
    opinion = model.probability("I think we should all be proud of this great country.",
                                NO_FEATURES)
    assert opinion < factual


def test_unknown_words_score_the_intercept_alone():
    model = load_model()
    expected = 1.0 / (1.0 + np.exp(-model.intercept))
    assert model.probability("zzqx qqzv", NO_FEATURES) == pytest.approx(expected)


def test_json_round_trip_keeps_scores():
    model = load_model()
    again = CheckworthyModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again.probability(FACTUAL, FACTUAL_FEATURES) == model.probability(
        FACTUAL, FACTUAL_FEATURES)
    with pytest.raises(ValueError):
        CheckworthyModel.from_json({"format": "something/else"})


@pytest.mark.parametrize("sublinear", [False, True])
def test_numpy_scorer_matches_scikit_learn(sublinear):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = ["Unemployment fell to 5 percent last year.", "Thank you, it is good to be here.",
             "We cut taxes for 3 million families.", "I love this country and its people.",
             "The deficit doubled in 4 years.", "Let me be clear about that."]
    labels = [1, 0, 1, 0, 1, 0]
    vectorizer = TfidfVectorizer(analyzer=ngrams, sublinear_tf=sublinear)
    x = vectorizer.fit_transform(texts)
    fitted = LogisticRegression(C=10.0, solver="liblinear").fit(x, labels)
    model = CheckworthyModel(
        vocabulary=dict(vectorizer.vocabulary_), idf=vectorizer.idf_, weights=fitted.coef_[0],
        dense_names=(), dense_weights=np.zeros(0), intercept=float(fitted.intercept_[0]),
        threshold=0.5, sublinear_tf=sublinear,
    )
    probe = ["Taxes fell by 5 percent in 4 years.", "It is good to be here, thank you."]
    expected = fitted.predict_proba(vectorizer.transform(probe))[:, 1]
    got = [model.probability(text) for text in probe]
    assert got == pytest.approx(list(expected), abs=1e-9)


def test_is_claim_gates_on_rule_then_needs_evidence_or_probability():
    settings = Settings(min_checkworthiness=0.5, min_claim_probability=0.3)
    with_number = {**NO_FEATURES, "has_quantity": 1.0}
    with_source = {**NO_FEATURES, "has_attribution": 1.0}
    assert not is_claim(0.99, 0.4, with_number, settings)  # the rule gates everything
    assert is_claim(0.01, 0.5, with_number, settings)  # a value keeps it
    assert is_claim(0.01, 0.5, with_source, settings)  # so does a source
    assert is_claim(0.01, 0.5, NO_FEATURES, settings, hedged=True)  # and a hedge
    assert not is_claim(0.29, 0.9, NO_FEATURES, settings)  # plain narration needs the model
    assert is_claim(0.30, 0.5, NO_FEATURES, settings)


@pytest.fixture(scope="module")
def analyze():
    from corroborator.analysis.pipeline import analyze_article

    return lambda text: analyze_article(Article(id="a", outlet="Test Times", text=text))


def test_extract_claims_keeps_facts_and_drops_pleasantries(analyze):
    analysis = analyze(
        "Thank you very much. The governor said 1,200 residents of 15 villages were evacuated on "
        "Monday. The plant makes school uniforms and work clothing for export."
    )
    texts = [claim.sentence.text for claim in analysis.claims]
    assert texts == ["The governor said 1,200 residents of 15 villages were evacuated on Monday."]
    claim = analysis.claims[0]
    assert 0.0 <= claim.checkworthiness <= 1.0
    assert claim.checkworthiness > load_model().threshold


def test_prf_on_a_hand_made_set():
    gold = [1, 1, 0, 0, 1, 0]
    predicted = [1, 0, 1, 0, 1, 0]  # tp 2, fp 1, fn 1
    precision, recall, f1 = prf(gold, predicted)
    assert (precision, recall) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert f1 == pytest.approx(2 / 3)
    assert prf([1, 0], [0, 0]) == (0.0, 0.0, 0.0)
    assert prf([0, 0], [1, 0]) == (0.0, 0.0, 0.0)
    assert prf([1, 1], [1, 1]) == (1.0, 1.0, 1.0)


def test_naive_bayes_baseline_learns_a_toy_split():
    model = NaiveBayes([("prices rose 5 percent", 1), ("taxes rose 3 percent", 1),
                        ("thank you all", 0), ("thank you so much", 0)])
    assert model.predict("rents rose 9 percent") == 1
    assert model.predict("thank you friends") == 0


@pytest.mark.skipif(not (CLAIMBUSTER / "test.jsonl").exists(), reason="no ClaimBuster data")
def test_learned_model_beats_the_rule_on_claimbuster_test():
    from corroborator.evaluation.checkworthy import (
        learned_predictions,
        load_claimbuster,
        parse_items,
        rule_predictions,
    )

    test = load_claimbuster(CLAIMBUSTER, "test")  # 702 sentences, half positive (~5 s)
    items = parse_items([text for text, _ in test])
    gold = [label for _, label in test]
    learned, rule = prf(gold, learned_predictions(items)), prf(gold, rule_predictions(items))
    # Pinned a little under the figures of the shipped model (F1 0.809 learned, 0.714 rule).
    assert learned[2] >= 0.79
    assert learned[0] > rule[0] + 0.2
    assert learned[2] > rule[2] + 0.05

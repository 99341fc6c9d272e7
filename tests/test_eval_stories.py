"""Story-clustering metrics on tiny hand-made clusterings, the TF-IDF baseline, and the ECB+ loader
(skipped when ../shared/data/ecbplus is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborator.evaluation.ecbplus import (
    ecbplus_available,
    load_ecbplus,
    select_topics,
    to_article,
)
from corroborator.evaluation.stories import (
    EcbDoc,
    b_cubed,
    ceaf_e,
    paired_difference,
    score,
    stream_order,
    tfidf_single_pass,
    topic_failures,
    topic_folds,
)

ECBPLUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecbplus"


def test_perfect_clustering_scores_one_everywhere():
    gold = {"a": 1, "b": 1, "c": 2}
    predicted = {"a": "x", "b": "x", "c": "y"}  # label names do not matter
    s = score(gold, predicted)
    assert (s.b3_precision, s.b3_recall, s.b3_f1, s.ceaf_e) == (1.0, 1.0, 1.0, 1.0)
    assert s.v_measure == pytest.approx(1.0) and s.ari == pytest.approx(1.0)


def test_b_cubed_and_ceaf_on_a_moved_item():
    # gold {a,b} {c}; predicted {a} {b,c}.
    # B3: a P=1 R=1/2; b P=1/2 R=1/2; c P=1/2 R=1 -> P = R = F = 2/3.
    # CEAF-e: phi4({a,b},{a}) = 2/3 and phi4({c},{b,c}) = 2/3 -> 4/3 over 2 and 2 -> F = 2/3.
    gold = {"a": 1, "b": 1, "c": 2}
    predicted = {"a": 1, "b": 2, "c": 2}
    assert b_cubed(gold, predicted) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert ceaf_e(gold, predicted) == pytest.approx(2 / 3)


def test_everything_merged():
    # gold {a,b} {c,d}; predicted one cluster. B3 P = 1/2, R = 1 -> F = 2/3.
    # CEAF-e: one response aligned to one key, phi4 = 4/6: P = 2/3, R = 1/3 -> F = 4/9.
    gold = {"a": 1, "b": 1, "c": 2, "d": 2}
    predicted = dict.fromkeys(gold, 0)
    assert b_cubed(gold, predicted) == pytest.approx((0.5, 1.0, 2 / 3))
    assert ceaf_e(gold, predicted) == pytest.approx(4 / 9)
    assert score(gold, predicted).ari == pytest.approx(0.0)


def test_everything_split():
    # gold {a,b}; predicted {a} {b}: B3 P = 1, R = 1/2. CEAF-e: 2/3 over 2 and 1 -> F = 4/9.
    gold = {"a": 1, "b": 1}
    predicted = {"a": 1, "b": 2}
    assert b_cubed(gold, predicted) == pytest.approx((1.0, 0.5, 2 / 3))
    assert ceaf_e(gold, predicted) == pytest.approx(4 / 9)


def test_metrics_refuse_different_items():
    with pytest.raises(ValueError):
        b_cubed({"a": 1}, {"b": 1})


def _doc(doc_id: str, topic: int, subtopic: str, text: str = "x") -> EcbDoc:
    return EcbDoc(doc_id, topic, subtopic, text.split("\n")[0], text)


def test_topic_failures_names_the_main_cause():
    docs = [_doc("1a", 1, "1"), _doc("1b", 1, "1"), _doc("1c", 1, "1plus"),
            _doc("2a", 2, "2"), _doc("2b", 2, "2")]
    predicted = {"1a": 0, "1b": 0, "1c": 0, "2a": 1, "2b": 2}
    rows = {topic: (f1, cause) for topic, f1, cause in topic_failures(docs, predicted)}
    assert rows[1][0] < 1.0 and rows[1][1].startswith("merged")
    assert rows[2][0] == pytest.approx(2 / 3) and rows[2][1].startswith("split")


def test_tfidf_single_pass_groups_similar_texts():
    texts = ["earthquake strikes california coast", "volcano erupts in iceland",
             "california earthquake damages coast towns", "iceland volcano ash grounds flights"]
    labels = tfidf_single_pass(texts, 0.2, texts)
    assert labels[0] == labels[2] and labels[1] == labels[3] and labels[0] != labels[1]


def test_stream_order_is_a_fixed_shuffle():
    docs = [_doc(f"{t}_{i}ecb", t, str(t)) for t in range(1, 4) for i in range(5)]
    assert stream_order(docs, 0) == stream_order(list(reversed(docs)), 0)
    assert stream_order(docs, 0) != stream_order(docs, None)


@pytest.mark.skipif(not ecbplus_available(ECBPLUS), reason="ECB+ data not present")
def test_ecbplus_loader_reads_every_topic():
    docs = load_ecbplus(ECBPLUS)
    assert len(docs) == 772
    assert len({(d.topic, d.subtopic) for d in docs}) == 66
    held_out = select_topics(docs, [2, 5])
    assert {d.topic for d in held_out} == {2, 5}
    article = to_article(docs[0])
    assert article.title and docs[0].text.startswith(article.title)
    assert article.text in docs[0].text


def test_topic_folds_deal_every_training_topic_once():
    folds = topic_folds([9, 1, 3, 4, 6, 7, 8], folds=3)
    assert folds == [[1, 6, 9], [3, 7], [4, 8]]
    assert sorted(t for fold in folds for t in fold) == [1, 3, 4, 6, 7, 8, 9]


def test_paired_difference_compares_stream_by_stream():
    diff = paired_difference([0.9, 0.8, 0.7], [0.85, 0.8, 0.75])
    assert diff.mean == pytest.approx(0.0)
    assert (diff.better, diff.worse) == (1, 1)
    assert diff.standard_error == pytest.approx(0.05 / 3 ** 0.5)
    steady = paired_difference([0.91, 0.81, 0.71], [0.9, 0.8, 0.7])
    assert steady.mean == pytest.approx(0.01) and steady.standard_error == pytest.approx(0.0)
    assert (steady.better, steady.worse) == (3, 0)
    with pytest.raises(ValueError):
        paired_difference([0.9], [0.9, 0.8])

"""Train the shipped check-worthiness model on ClaimBuster train and write its data file.

    .venv/bin/python benchmarks/train_checkworthy.py [--data ../shared/data/claimbuster]

Reproducible (seeded folds, deterministic solver). Model selection uses only the train split:
5-fold stratified cross-validation chooses the feature set (TF-IDF alone or with the pipeline's
rule features), the regularisation C and the decision threshold (best F1 of the positive class
on the out-of-fold probabilities); the model is then refitted on all of train. The test split is
touched once, at the end, to print the figures next to the old rule and the NB baseline.

ClaimBuster: Arslan, Hassan, Li & Tremayne, "A Benchmark Dataset of Check-worthy Factual Claims",
ICWSM 2020, CC BY 4.0 — the shipped file carries this attribution (data/CHECKWORTHY_NOTICE.md).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve
from sklearn.model_selection import StratifiedKFold

from corroborator.analysis.checkworthy import (
    MODEL_FORMAT,
    MODEL_RESOURCE,
    RULE_FEATURES,
    CheckworthyModel,
    ngrams,
)
from corroborator.evaluation import checkworthy as evaluation

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "src" / "corroborator" / "data" / MODEL_RESOURCE
SEED = 0
FOLDS = 5
C_GRID = (0.5, 1.0, 2.0, 4.0, 8.0)
MIN_DF = 2  # n-grams seen in one sentence only are noise and bloat the file
DECIMALS = 5  # precision of the exported numbers (keeps the file small; scores move < 1e-4)


def design(texts, items, dense: bool, sublinear: bool, vectorizer=None):
    if vectorizer is None:
        vectorizer = TfidfVectorizer(analyzer=ngrams, min_df=MIN_DF, sublinear_tf=sublinear)
        vectorizer.fit(texts)
    x = vectorizer.transform(texts)
    if dense:
        rows = [[item.features[name] for name in RULE_FEATURES] for item in items]
        x = hstack([x, csr_matrix(np.asarray(rows))]).tocsr()
    return x, vectorizer


def best_threshold(gold: np.ndarray, probability: np.ndarray) -> tuple[float, float]:
    precision, recall, thresholds = precision_recall_curve(gold, probability)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    best = int(np.argmax(f1[:-1]))
    return float(thresholds[best]), float(f1[best])


def cross_validate(texts, items, gold, dense, sublinear, c) -> tuple[float, float]:
    """Out-of-fold probabilities over train -> (threshold, F1 at that threshold)."""
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    probability = np.zeros(len(texts))
    for fit, held in folds.split(texts, gold):
        x_fit, vec = design([texts[i] for i in fit], [items[i] for i in fit], dense, sublinear)
        x_held, _ = design([texts[i] for i in held], [items[i] for i in held], dense, sublinear,
                           vec)
        model = LogisticRegression(C=c, solver="liblinear", random_state=SEED)
        model.fit(x_fit, gold[fit])
        probability[held] = model.predict_proba(x_held)[:, 1]
    return best_threshold(gold, probability)


def export(vectorizer, model, dense: bool, sublinear: bool, threshold: float) -> CheckworthyModel:
    size = len(vectorizer.vocabulary_)
    coef = model.coef_[0]
    return CheckworthyModel(
        vocabulary=dict(vectorizer.vocabulary_),
        idf=np.round(vectorizer.idf_, DECIMALS),
        weights=np.round(coef[:size], DECIMALS),
        dense_names=RULE_FEATURES if dense else (),
        dense_weights=np.round(coef[size:], DECIMALS),
        intercept=round(float(model.intercept_[0]), DECIMALS),
        threshold=round(threshold, DECIMALS),
        sublinear_tf=sublinear,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/claimbuster")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    train = evaluation.load_claimbuster(args.data, "train")
    texts, gold = [t for t, _ in train], np.array([label for _, label in train])
    started = time.perf_counter()
    items = evaluation.parse_items(texts)
    print(f"parsed {len(texts)} train sentences in {time.perf_counter() - started:.0f} s")

    results = []
    for dense in (False, True):
        for sublinear in (False, True):
            for c in C_GRID:
                threshold, f1 = cross_validate(texts, items, gold, dense, sublinear, c)
                results.append((f1, dense, sublinear, c, threshold))
                print(f"cv dense={dense!s:<5} sublinear={sublinear!s:<5} C={c:<4} "
                      f"F1={f1:.3f} at p>={threshold:.3f}")
    f1, dense, sublinear, c, threshold = max(results, key=lambda r: r[0])
    print(f"chosen: dense={dense} sublinear={sublinear} C={c} threshold={threshold:.3f} "
          f"(cv F1 {f1:.3f})")

    x, vectorizer = design(texts, items, dense, sublinear)
    model = LogisticRegression(C=c, solver="liblinear", random_state=SEED).fit(x, gold)
    shipped = export(vectorizer, model, dense, sublinear, threshold)
    data = shipped.to_json()
    data["training"] = {
        "data": "ClaimBuster two-class train split (7,976 sentences), CC BY 4.0: Arslan, Hassan, "
                "Li & Tremayne, ICWSM 2020",
        "script": "benchmarks/train_checkworthy.py", "seed": SEED, "folds": FOLDS, "C": c,
        "min_df": MIN_DF, "cv_f1_positive": round(f1, 4),
    }
    args.output.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({args.output.stat().st_size / 1024:.0f} KiB, "
          f"{len(vectorizer.vocabulary_)} n-grams, format {MODEL_FORMAT})")

    # The runtime scorer must agree with scikit-learn on the refitted model (before rounding).
    test = evaluation.load_claimbuster(args.data, "test")
    test_items = evaluation.parse_items([t for t, _ in test])
    x_test, _ = design([t for t, _ in test], test_items, dense, sublinear, vectorizer)
    reference = model.predict_proba(x_test)[:, 1]
    runtime = np.array([shipped.probability(i.text, i.features) for i in test_items])
    print(f"runtime vs scikit-learn: max |dp| = {np.max(np.abs(runtime - reference)):.2e}")
    test_gold = [label for _, label in test]
    nb = evaluation.NaiveBayes(train)
    rows = {
        "learned": [int(p >= shipped.threshold) for p in runtime],
        "product rule": evaluation.rule_predictions(test_items),
        "baseline NB": [nb.predict(t) for t, _ in test],
    }
    print(f"{'ClaimBuster test':<16} {'P':>6} {'R':>6} {'F1':>6}")
    for name, predicted in rows.items():
        p, r, f = evaluation.prf(test_gold, predicted)
        print(f"{name:<16} {p:6.3f} {r:6.3f} {f:6.3f}")


if __name__ == "__main__":
    main()

"""Learned check-worthiness: a logistic regression shipped as plain numbers, scored with numpy.

The model (``data/checkworthy_model.json``) is trained by ``benchmarks/train_checkworthy.py`` on
the ClaimBuster train split (Arslan, Hassan, Li & Tremayne, ICWSM 2020; CC BY 4.0, see
``data/CHECKWORTHY_NOTICE.md``): word 1–2-gram TF-IDF (numbers folded into one token) plus a few
of the rule features the pipeline already extracts (has a quantity, a date, a named actor or
place, an attribution). The file holds the vocabulary, idf, coefficients, intercept and the
decision threshold chosen on cross-validated train predictions — never a pickle, and scoring
needs no scikit-learn, so the hot path stays light.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ..model import Attribution, DateMention, Entity, Quantity

MODEL_RESOURCE = "checkworthy_model.json"
MODEL_FORMAT = "corroborator.checkworthy/1"
# Words (with an optional clitic: "didn't", "it's") and numbers with separators ("1,200", "3.5").
_TOKEN = re.compile(r"\d[\d,.:/]*\d|\d|[a-z]+(?:'[a-z]+)?")
# Every number is one token: "12 villages" and "15 villages" should weigh the same, and a debate
# corpus's particular figures should not become features.
NUMBER_TOKEN = "<num>"
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
ACTOR_LABELS = frozenset({"PERSON", "ORG", "NORP"})
# Names of the dense rule features, in the order the model file stores their weights.
RULE_FEATURES = ("has_quantity", "has_date", "has_named_actor_or_place", "has_attribution")


def tokens(text: str) -> list[str]:
    return [NUMBER_TOKEN if t[0].isdigit() else t for t in _TOKEN.findall(text.lower())]


def ngrams(text: str) -> list[str]:
    """Word unigrams and bigrams: the analyzer the model was trained with (keep in step)."""
    words = tokens(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def rule_features(
    quantities: Sequence[Quantity],
    dates: Sequence[DateMention],
    entities: Sequence[Entity],
    attribution: Attribution | None,
) -> dict[str, float]:
    """The dense features, from the extractors' output for one sentence (0.0 or 1.0 each)."""
    return {
        "has_quantity": float(bool(quantities)),
        "has_date": float(bool(dates)),
        "has_named_actor_or_place": float(
            any(e.label in ACTOR_LABELS | PLACE_LABELS for e in entities)
        ),
        "has_attribution": float(attribution is not None),
    }


@dataclass(frozen=True)
class CheckworthyModel:
    vocabulary: Mapping[str, int]
    idf: np.ndarray
    weights: np.ndarray  # one per vocabulary entry
    dense_names: tuple[str, ...]  # subset of RULE_FEATURES the model uses (may be empty)
    dense_weights: np.ndarray
    intercept: float
    threshold: float  # probability at which a sentence counts as check-worthy
    sublinear_tf: bool = False

    def probability(self, text: str, features: Mapping[str, float] | None = None) -> float:
        """P(check-worthy) of one sentence; ``features`` as from ``rule_features``."""
        return 1.0 / (1.0 + math.exp(-self.decision(text, features)))

    def decision(self, text: str, features: Mapping[str, float] | None = None) -> float:
        counts = Counter(i for g in ngrams(text) if (i := self.vocabulary.get(g)) is not None)
        score = self.intercept
        if counts:
            index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if self.sublinear_tf:
                tf = 1.0 + np.log(tf)
            tfidf = tf * self.idf[index]
            # TF-IDF rows are L2-normalised over the known n-grams, as in training.
            score += float(tfidf @ self.weights[index]) / float(np.linalg.norm(tfidf))
        if self.dense_names:
            features = features or {}
            dense = np.array([features.get(name, 0.0) for name in self.dense_names])
            score += float(dense @ self.dense_weights)
        return score

    def to_json(self) -> dict:
        ordered = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {
            "format": MODEL_FORMAT,
            "vocabulary": ordered,
            "idf": self.idf.tolist(),
            "weights": self.weights.tolist(),
            "dense_names": list(self.dense_names),
            "dense_weights": self.dense_weights.tolist(),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "sublinear_tf": self.sublinear_tf,
        }

    @staticmethod
    def from_json(data: Mapping) -> CheckworthyModel:
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a {MODEL_FORMAT} model file: {data.get('format')!r}")
        return CheckworthyModel(
            vocabulary={word: i for i, word in enumerate(data["vocabulary"])},
            idf=np.asarray(data["idf"], dtype=np.float64),
            weights=np.asarray(data["weights"], dtype=np.float64),
            dense_names=tuple(data["dense_names"]),
            dense_weights=np.asarray(data["dense_weights"], dtype=np.float64),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            sublinear_tf=bool(data.get("sublinear_tf", False)),
        )


@lru_cache(maxsize=1)
def load_model() -> CheckworthyModel:
    """The shipped model, read once per process."""
    text = resources.files("corroborator").joinpath("data", MODEL_RESOURCE).read_text("utf-8")
    return CheckworthyModel.from_json(json.loads(text))

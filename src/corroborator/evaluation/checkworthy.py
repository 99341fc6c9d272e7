"""Check-worthiness measured on ClaimBuster (CC BY 4.0; read from ../shared/data/claimbuster).

The product's rule score (``analysis.claims.checkworthiness``, positive at
``Settings.min_checkworthiness``) is run on each test sentence through the same extractors the
pipeline uses, and compared in the same run with a word uni+bigram Naive Bayes trained on the
train split (nothing trained is kept). Figures are precision/recall/F1 of the positive class.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import click

from ..settings import DEFAULT_SETTINGS, Settings

_WORD = re.compile(r"[a-z0-9']+")
Example = tuple[str, int]


def load_claimbuster(folder: Path, split: str) -> list[Example]:
    with open(folder / f"{split}.jsonl", encoding="utf-8") as lines:
        return [(row["text"], int(row["label"])) for row in map(json.loads, lines)]


def rule_predictions(texts: Sequence[str], settings: Settings = DEFAULT_SETTINGS) -> list[int]:
    """1 where the product's rule score reaches ``min_checkworthiness`` (best sentence of the
    text: ClaimBuster items are single sentences, but the parser may split one)."""
    from ..analysis.attribution import extract_attributions
    from ..analysis.claims import checkworthiness
    from ..analysis.dates import extract_dates
    from ..analysis.nlp import load_nlp
    from ..analysis.quantities import extract_quantities
    from ..model import Entity, TextSpan

    nlp = load_nlp(settings.spacy_model)
    predictions = []
    for doc in nlp.pipe(texts, batch_size=settings.spacy_batch_size):
        entities = [Entity(TextSpan.of(doc.text, e.start_char, e.end_char), e.label_)
                    for e in doc.ents]
        quantities, dates = list(extract_quantities(doc)), list(extract_dates(doc, None))
        attributions = extract_attributions(doc)
        best = 0.0
        for sent in doc.sents:
            inside = _inside(sent.start_char, sent.end_char)
            attribution = next((a for a in attributions if inside(a.cue)), None)
            in_quantities = [q for q in quantities if inside(q.span)]
            in_dates = [d for d in dates if inside(d.span)]
            in_entities = [e for e in entities if inside(e.span)]
            score = checkworthiness(sent, in_quantities, in_dates, in_entities, attribution)
            best = max(best, score)
        predictions.append(int(best >= settings.min_checkworthiness))
    return predictions


def _inside(start: int, end: int):
    return lambda span: start <= span.start and span.end <= end


class NaiveBayes:
    """Multinomial NB over word unigrams and bigrams with add-one smoothing."""

    def __init__(self, examples: Iterable[Example]) -> None:
        self.counts = {0: Counter(), 1: Counter()}
        docs = Counter()
        for text, label in examples:
            self.counts[label].update(_features(text))
            docs[label] += 1
        total = sum(docs.values())
        self.prior = {c: math.log(docs[c] / total) for c in (0, 1)}
        self.vocab = len(set(self.counts[0]) | set(self.counts[1]))
        self.size = {c: sum(self.counts[c].values()) for c in (0, 1)}

    def predict(self, text: str) -> int:
        scores = {c: self.prior[c] + sum(
            math.log((self.counts[c][f] + 1) / (self.size[c] + self.vocab)) for f in _features(text)
        ) for c in (0, 1)}
        return int(scores[1] > scores[0])


def _features(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def prf(gold: Sequence[int], predicted: Sequence[int]) -> tuple[float, float, float]:
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    precision = tp / sum(predicted) if sum(predicted) else 0.0
    recall = tp / sum(gold) if sum(gold) else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def run(folder: Path) -> dict[str, tuple[float, float, float]]:
    train, test = load_claimbuster(folder, "train"), load_claimbuster(folder, "test")
    gold = [label for _, label in test]
    texts = [text for text, _ in test]
    model = NaiveBayes(train)
    return {
        "product rule": prf(gold, rule_predictions(texts)),
        "baseline NB": prf(gold, [model.predict(t) for t in texts]),
    }


@click.command("checkworthy")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("../shared/data/claimbuster"), show_default=True,
              help="Folder holding ClaimBuster's train.jsonl and test.jsonl.")
def checkworthy_command(data_dir: Path) -> None:
    """Check-worthiness precision, recall and F1 (positive class) on ClaimBuster test."""
    if not (data_dir / "test.jsonl").exists():
        raise click.UsageError(f"no ClaimBuster data in {data_dir} (expected test.jsonl)")
    click.echo(f"{'system':<14} {'P':>6} {'R':>6} {'F1':>6}")
    for name, (p, r, f) in run(data_dir).items():
        click.echo(f"{name:<14} {p:6.3f} {r:6.3f} {f:6.3f}")

"""Check-worthiness measured on ClaimBuster (CC BY 4.0; read from ../shared/data/claimbuster).

Three systems on the test split, in the same run, precision/recall/F1 of the positive class:
- ``learned``: the shipped logistic regression (``analysis.checkworthy``, trained on the train
  split by ``benchmarks/train_checkworthy.py``) at its own threshold;
- ``product claims``: the decision ``extract_claims`` makes (``analysis.claims.is_claim``: the
  rule gates, then a number, date or attribution, or a learned probability of at least
  ``Settings.min_claim_probability``);
- ``product rule``: the old rule score (``analysis.claims.checkworthiness``) at
  ``Settings.min_checkworthiness``;
- ``baseline NB``: a word uni+bigram Naive Bayes trained on the train split here (nothing kept).
Every sentence goes through the same parser and extractors the pipeline uses.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from ..settings import DEFAULT_SETTINGS, Settings

_WORD = re.compile(r"[a-z0-9']+")
Example = tuple[str, int]


def load_claimbuster(folder: Path, split: str) -> list[Example]:
    with open(folder / f"{split}.jsonl", encoding="utf-8") as lines:
        return [(row["text"], int(row["label"])) for row in map(json.loads, lines)]


@dataclass(frozen=True)
class ParsedItem:
    """What the pipeline's extractors see in one ClaimBuster item (may span several sentences)."""
    text: str
    rule_score: float  # best rule score over the item's sentences
    features: dict[str, float]  # rule features over the whole item (any sentence)


def parse_items(texts: Sequence[str], settings: Settings = DEFAULT_SETTINGS) -> list[ParsedItem]:
    """Run the parser and the pipeline's extractors over single-sentence items."""
    from ..analysis.attribution import extract_attributions
    from ..analysis.checkworthy import rule_features
    from ..analysis.claims import checkworthiness
    from ..analysis.dates import extract_dates
    from ..analysis.nlp import load_nlp
    from ..analysis.quantities import extract_quantities
    from ..model import Entity, TextSpan

    nlp = load_nlp(settings.spacy_model)
    items = []
    for doc in nlp.pipe(texts, batch_size=settings.spacy_batch_size):
        entities = [Entity(TextSpan.of(doc.text, e.start_char, e.end_char), e.label_)
                    for e in doc.ents]
        quantities, dates = list(extract_quantities(doc)), list(extract_dates(doc, None))
        attributions = extract_attributions(doc)
        best = 0.0
        for sent in doc.sents:
            inside = _inside(sent.start_char, sent.end_char)
            attribution = next((a for a in attributions if inside(a.cue)), None)
            score = checkworthiness(
                sent, [q for q in quantities if inside(q.span)],
                [d for d in dates if inside(d.span)], [e for e in entities if inside(e.span)],
                attribution,
            )
            best = max(best, score)
        attribution = attributions[0] if attributions else None
        items.append(ParsedItem(
            text=doc.text, rule_score=best,
            features=rule_features(quantities, dates, entities, attribution),
        ))
    return items


def _inside(start: int, end: int):
    return lambda span: start <= span.start and span.end <= end


def rule_predictions(
    items: Sequence[ParsedItem], settings: Settings = DEFAULT_SETTINGS
) -> list[int]:
    return [int(item.rule_score >= settings.min_checkworthiness) for item in items]


def learned_predictions(items: Sequence[ParsedItem]) -> list[int]:
    from ..analysis.checkworthy import load_model

    model = load_model()
    return [int(model.probability(i.text, i.features) >= model.threshold) for i in items]


def claim_predictions(
    items: Sequence[ParsedItem], settings: Settings = DEFAULT_SETTINGS
) -> list[int]:
    """The decision ``extract_claims`` takes for each item."""
    from ..analysis.checkworthy import load_model
    from ..analysis.claims import is_claim

    model = load_model()
    return [
        int(is_claim(model.probability(i.text, i.features), i.rule_score, i.features, settings))
        for i in items
    ]


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
    """Precision, recall and F1 of the positive class (0.0 where undefined)."""
    tp = sum(bool(g and p) for g, p in zip(gold, predicted, strict=True))
    precision = tp / sum(predicted) if sum(predicted) else 0.0
    recall = tp / sum(gold) if sum(gold) else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def run(folder: Path) -> dict[str, tuple[float, float, float]]:
    train, test = load_claimbuster(folder, "train"), load_claimbuster(folder, "test")
    gold = [label for _, label in test]
    items = parse_items([text for text, _ in test])
    model = NaiveBayes(train)
    return {
        "learned": prf(gold, learned_predictions(items)),
        "product claims": prf(gold, claim_predictions(items)),
        "product rule": prf(gold, rule_predictions(items)),
        "baseline NB": prf(gold, [model.predict(text) for text, _ in test]),
    }


@click.command("checkworthy")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("../shared/data/claimbuster"), show_default=True,
              help="Folder holding ClaimBuster's train.jsonl and test.jsonl.")
def checkworthy_command(data_dir: Path) -> None:
    """Check-worthiness precision, recall and F1 (positive class) on ClaimBuster test."""
    if not (data_dir / "test.jsonl").exists():
        raise click.UsageError(f"no ClaimBuster data in {data_dir} (expected test.jsonl)")
    click.echo(f"{'system':<16} {'P':>6} {'R':>6} {'F1':>6}")
    for name, (p, r, f) in run(data_dir).items():
        click.echo(f"{name:<16} {p:6.3f} {r:6.3f} {f:6.3f}")

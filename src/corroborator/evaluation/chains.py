"""Attribution chains, source kinds and hedges measured on the hand-annotated articles.

No public benchmark annotates multi-hop chains, origins and their kinds, or hedges next to their
look-alikes, so ``examples/annotated/`` holds ten invented wire-style articles annotated by hand
before the pipeline ever ran on them (a test set: do not tune on it). Each annotated sentence is
found in the pipeline's analysis and read the way the report reads it: the claim of that
sentence (or, when the sentence is not check-worthy, the attribution the claim stage would have
linked), its chain as provenance builds it (publishing outlet removed), and its hedges.

Figures:
- chain exact match: same number of links, each name matching (one contains the other, ignoring
  case and a leading article) with the same kind; also with the cue where the gold gives one;
- origin accuracy: the last link's name (or "the outlet itself" on both sides);
- source kinds: each gold link paired with the predicted link of matching name; accuracy and the
  confusion counts (gold kind -> predicted kind, "missing" when no predicted link matches);
- hedges: sentence-level precision/recall of ``hedged``; false hedges = predicted hedge spans
  that overlap an annotated look-alike ("May", "claims office", "could lift", ...).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click
import yaml

from ..model import SOURCE_KINDS, Analysis, ChainLink, Claim, TextSpan

ANNOTATIONS = "annotations.yaml"
MISSING = "missing"


@dataclass(frozen=True)
class GoldLink:
    name: str
    kind: str
    cue: str | None = None


@dataclass(frozen=True)
class GoldSentence:
    quote: str
    chain: tuple[GoldLink, ...]
    hedged: bool


@dataclass(frozen=True)
class GoldArticle:
    id: str
    sentences: tuple[GoldSentence, ...]
    not_hedge: tuple[str, ...] = ()


@dataclass(frozen=True)
class PredictedSentence:
    chain: tuple[ChainLink, ...]  # cited parties only: the publishing outlet is not a link
    hedged: bool
    is_claim: bool  # whether the claim stage kept the sentence


@dataclass
class ChainScores:
    sentences: int = 0
    claims: int = 0  # annotated sentences the claim stage kept
    chain_exact: int = 0
    chain_exact_with_cue: int = 0
    origin_correct: int = 0
    kind_confusion: Counter = field(default_factory=Counter)  # (gold kind, predicted kind)
    hedge_tp: int = 0
    hedge_fp: int = 0
    hedge_fn: int = 0
    lookalikes: int = 0  # occurrences of not_hedge phrases in the texts
    false_hedges: int = 0  # predicted hedges overlapping one of them
    errors: list[str] = field(default_factory=list)  # one line per wrong chain or hedge

    def kind_accuracy(self) -> float:
        total = sum(self.kind_confusion.values())
        right = sum(n for (gold, got), n in self.kind_confusion.items() if gold == got)
        return right / total if total else 0.0

    def hedge_prf(self) -> tuple[float, float, float]:
        tp, fp, fn = self.hedge_tp, self.hedge_fp, self.hedge_fn
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def load_annotations(path: Path) -> list[GoldArticle]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        GoldArticle(
            id=article["id"],
            sentences=tuple(
                GoldSentence(
                    quote=s["quote"],
                    chain=tuple(_gold_link(link) for link in s.get("chain") or ()),
                    hedged=bool(s["hedged"]),
                )
                for s in article["sentences"]
            ),
            not_hedge=tuple(article.get("not_hedge") or ()),
        )
        for article in data["articles"]
    ]


def _gold_link(link: dict) -> GoldLink:
    # An unquoted comma in a YAML flow mapping ({name: the mayor, Ilse Varga, ...}) silently
    # makes a stray key: refuse it rather than score a truncated name.
    if set(link) - {"name", "kind", "cue"} or link.get("kind") not in SOURCE_KINDS:
        raise ValueError(f"malformed chain link (quote names with commas): {link}")
    return GoldLink(str(link["name"]), link["kind"], link.get("cue"))


def names_match(gold: str, predicted: str) -> bool:
    """One name contains the other, ignoring case and a leading article."""
    def norm(name: str) -> str:
        name = name.lower().strip()
        for prefix in ("the ", "a ", "an "):
            if name.startswith(prefix):
                return name[len(prefix):]
        return name

    g, p = norm(gold), norm(predicted)
    return bool(g and p) and (g in p or p in g)


def chains_equal(
    gold: Sequence[GoldLink], predicted: Sequence[ChainLink], with_cue: bool = False
) -> bool:
    if len(gold) != len(predicted):
        return False
    return all(
        names_match(g.name, p.name) and g.kind == p.kind
        and (not with_cue or g.cue is None or g.cue.lower() == p.cue.lower())
        for g, p in zip(gold, predicted, strict=True)
    )


def origins_equal(gold: Sequence[GoldLink], predicted: Sequence[ChainLink]) -> bool:
    if not gold or not predicted:
        return not gold and not predicted  # both: the outlet itself
    return names_match(gold[-1].name, predicted[-1].name)


def score_sentence(scores: ChainScores, gold: GoldSentence, predicted: PredictedSentence) -> None:
    scores.sentences += 1
    scores.claims += predicted.is_claim
    scores.chain_exact += chains_equal(gold.chain, predicted.chain)
    scores.chain_exact_with_cue += chains_equal(gold.chain, predicted.chain, with_cue=True)
    scores.origin_correct += origins_equal(gold.chain, predicted.chain)
    for link in gold.chain:
        match = next((p for p in predicted.chain if names_match(link.name, p.name)), None)
        scores.kind_confusion[(link.kind, match.kind if match else MISSING)] += 1
    if not chains_equal(gold.chain, predicted.chain) or gold.hedged != predicted.hedged:
        scores.errors.append(
            f"{gold.quote[:60]!r}: chain {_show(gold.chain)} got {_show(predicted.chain)}; "
            f"hedged {gold.hedged} got {predicted.hedged}"
        )
    scores.hedge_tp += gold.hedged and predicted.hedged
    scores.hedge_fp += predicted.hedged and not gold.hedged
    scores.hedge_fn += gold.hedged and not predicted.hedged


def _show(chain: Sequence[GoldLink | ChainLink]) -> str:
    return "[" + " > ".join(f"{link.name} ({link.kind})" for link in chain) + "]"


def predict_sentence(analysis: Analysis, quote: str) -> PredictedSentence:
    """How the pipeline reads the one sentence of ``analysis`` that contains ``quote``."""
    from ..align import ClaimRef
    from ..analysis.claims import _attribution_for, _speech_attributions
    from ..provenance import build_mention

    sentence = _sentence_with(analysis, quote)
    claim = next((c for c in analysis.claims
                  if c.sentence.start < sentence.end and sentence.start < c.sentence.end), None)
    is_claim = claim is not None
    if claim is None:  # not check-worthy: read it as the claim stage would have
        attribution = _attribution_for(sentence, _speech_attributions(analysis.attributions))
        claim = _unscored_claim(analysis, sentence, attribution)
    mention = build_mention(ClaimRef(analysis, claim))
    return PredictedSentence(chain=mention.chain[1:], hedged=claim.hedged, is_claim=is_claim)


def _sentence_with(analysis: Analysis, quote: str) -> TextSpan:
    text = analysis.article.text
    start = text.find(quote)
    if start < 0 or text.find(quote, start + 1) >= 0:
        raise ValueError(f"{analysis.article.id}: quote must occur exactly once: {quote!r}")
    end = start + len(quote)
    for sentence in analysis.sentences:
        if sentence.start < end and start < sentence.end:
            return sentence
    raise ValueError(f"{analysis.article.id}: no sentence holds {quote!r}")


def _unscored_claim(analysis: Analysis, sentence: TextSpan, attribution) -> Claim:
    hedges = tuple(h for h in analysis.hedges
                   if h.scope.start < sentence.end and sentence.start < h.scope.end)
    return Claim(id=f"{analysis.article.id}#unscored", span=sentence, sentence=sentence,
                 attribution=attribution, hedges=hedges, quantities=(), dates=(), places=(),
                 actors=(), negated=False, checkworthiness=0.0)


def count_false_hedges(analysis: Analysis, phrases: Sequence[str]) -> tuple[int, int]:
    """(occurrences of the look-alike phrases, predicted hedges overlapping one of them)."""
    text = analysis.article.text
    occurrences = [
        (start, start + len(phrase))
        for phrase in phrases
        for start in _find_all(text, phrase)
    ]
    false = sum(
        any(h.span.start < end and start < h.span.end for start, end in occurrences)
        for h in analysis.hedges
    )
    return len(occurrences), false


def _find_all(text: str, phrase: str) -> list[int]:
    found, start = [], text.find(phrase)
    while start >= 0:
        found.append(start)
        start = text.find(phrase, start + 1)
    return found


def evaluate(folder: Path) -> ChainScores:
    from ..analysis.pipeline import analyze_articles
    from ..ingest import ingest_paths

    gold = load_annotations(folder / ANNOTATIONS)
    wanted = {article.id for article in gold}
    articles = [a for a in ingest_paths(sorted(folder.glob("*.txt"))).articles if a.id in wanted]
    analyses = {analysis.article.id: analysis for analysis in analyze_articles(articles)}
    missing = wanted - analyses.keys()
    if missing:
        raise ValueError(f"annotated articles not found in {folder}: {sorted(missing)}")
    scores = ChainScores()
    for article in gold:
        analysis = analyses[article.id]
        for sentence in article.sentences:
            score_sentence(scores, sentence, predict_sentence(analysis, sentence.quote))
        occurrences, false = count_false_hedges(analysis, article.not_hedge)
        scores.lookalikes += occurrences
        scores.false_hedges += false
    return scores


def format_scores(scores: ChainScores) -> str:
    n = scores.sentences or 1
    links = sum(scores.kind_confusion.values())
    p, r, f = scores.hedge_prf()
    lines = [
        f"annotated sentences        {scores.sentences} ({scores.claims} kept as claims)",
        f"chain exact match          {scores.chain_exact / n:.3f} ({scores.chain_exact}/{n})",
        f"  ... and cues             {scores.chain_exact_with_cue / n:.3f}",
        f"origin accuracy            {scores.origin_correct / n:.3f} ({scores.origin_correct}/{n})",
        f"source-kind accuracy       {scores.kind_accuracy():.3f} over {links} gold links",
        f"hedged sentences           P {p:.3f}  R {r:.3f}  F1 {f:.3f}",
        f"false hedges on look-alikes {scores.false_hedges} (over {scores.lookalikes} occurrences)",
        "source-kind confusion (gold -> predicted: count):",
    ]
    for (gold, got), count in sorted(scores.kind_confusion.items()):
        lines.append(f"  {gold:<12} -> {got:<12} {count}")
    return "\n".join(lines)


@click.command("chains")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("examples/annotated"), show_default=True,
              help="Folder holding the annotated .txt articles and annotations.yaml.")
@click.option("--errors", "show_errors", is_flag=True,
              help="Also list every sentence whose chain or hedge was wrong.")
def command(data_dir: Path, show_errors: bool) -> None:
    """Attribution chains, origins, source kinds and hedges on the hand-annotated articles.

    A test set written before the pipeline ran on it: read the figures, do not tune on it.
    """
    if not (data_dir / ANNOTATIONS).exists():
        raise click.UsageError(f"no {ANNOTATIONS} in {data_dir}")
    scores = evaluate(data_dir)
    click.echo(format_scores(scores))
    if show_errors:
        click.echo("errors:")
        for line in scores.errors:
            click.echo(f"  {line}")

"""Attribution extraction measured on PolNeAR (source, cue, content spans).

PolNeAR (Newell, Margolin & Ruths, LREC 2018) is read from a local folder prepared by
``../shared/data/polnear`` (``articles.jsonl`` + ``attributions.jsonl``); nothing of it is kept in
the repository. Each predicted attribution is paired with at most one gold attribution (the one
whose cue it overlaps most, falling back on content overlap), then every role is scored two ways:

- exact span: the predicted span equals the gold span (after trimming whitespace);
- loose span: equal after both spans lose edge quotes, punctuation and a leading "that"
  (the product follows PolNeAR's content convention since attribution.yaml version 3; loose shows
  how much of the remaining content error is only at the edges);
- token overlap: the words the predicted and gold spans share, summed over paired attributions,
  divided by all predicted words (precision) or all gold words (recall) of that role.

A 30-line baseline (speech verb as cue, its subject subtree as source, its clausal complement as
content, plus "according to") runs in the same command so the figures have a floor.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
from spacy.tokens import Doc

ROLES = ("source", "cue", "content")
_WORD = re.compile(r"\w+|[^\w\s]")
Spans = dict[str, tuple[int, int] | None]  # role -> (start, end) or None


@dataclass(frozen=True)
class GoldArticle:
    doc_id: str
    text: str
    attributions: tuple[Spans, ...]


@dataclass
class RoleScore:
    """Counts for one role; precision/recall/F1 derived on demand."""
    predicted: int = 0
    gold: int = 0
    exact: int = 0
    loose: int = 0
    predicted_words: int = 0
    gold_words: int = 0
    shared_words: int = 0

    def exact_prf(self) -> tuple[float, float, float]:
        return _prf(self.exact, self.predicted, self.exact, self.gold)

    def loose_prf(self) -> tuple[float, float, float]:
        return _prf(self.loose, self.predicted, self.loose, self.gold)

    def overlap_prf(self) -> tuple[float, float, float]:
        return _prf(self.shared_words, self.predicted_words, self.shared_words, self.gold_words)


@dataclass
class Scores:
    roles: dict[str, RoleScore] = field(default_factory=lambda: {r: RoleScore() for r in ROLES})
    articles: int = 0


def load_polnear(folder: Path, split: str) -> list[GoldArticle]:
    """The articles of one split with their gold attributions (offsets into ``text``)."""
    texts = {}
    with open(folder / "articles.jsonl", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row["split"] == split:
                texts[row["doc_id"]] = row["text"]
    gold: dict[str, list[Spans]] = {doc_id: [] for doc_id in texts}
    with open(folder / "attributions.jsonl", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row["doc_id"] in gold:
                gold[row["doc_id"]].append({r: _offsets(row[r]) for r in ROLES})
    return [GoldArticle(d, texts[d], tuple(gold[d])) for d in sorted(texts)]


def predicted_spans(doc: Doc) -> list[Spans]:
    """The product's attributions (every cue_type) as role spans; a discontinuous content is
    scored by the stretch covering its pieces, as PolNeAR's start/end are, and an empty source
    ("The bill is expected to pass") is no source, as PolNeAR's null."""
    from ..analysis.attribution import extract_attributions

    return [
        {"source": (a.source.start, a.source.end) if a.source.text else None,
         "cue": (a.cue.start, a.cue.end), "content": (a.content.start, a.content.end)}
        for a in extract_attributions(doc)
    ]


def baseline_spans(doc: Doc) -> list[Spans]:
    """The 30-line rule: speech verb + subject subtree + clausal complement, and "according to"."""
    verbs = {"say", "tell", "report", "announce", "state", "add", "claim", "write", "note"}
    found = []
    for token in doc:
        if token.lemma_ in verbs and token.pos_ == "VERB":
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
            comp = next((c for c in token.children if c.dep_ == "ccomp"), None)
            if subject is not None and comp is not None:
                found.append({"source": _subtree(subject), "cue": _subtree_of(token, token),
                              "content": _subtree(comp)})
        elif token.lower_ == "according" and token.i + 1 < len(doc):
            to = doc[token.i + 1]
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
            sent = token.sent
            if pobj is not None and to.lower_ == "to":
                rest = doc[pobj.right_edge.i + 1 : sent.end - 1] if token.i == sent.start \
                    else doc[sent.start : token.i - 1]
                content = (rest.start_char, rest.end_char) if len(rest) else None
                found.append({"source": _subtree(pobj), "cue": _subtree_of(token, to),
                              "content": content})
    return found


def evaluate(
    articles: Iterable[GoldArticle], nlp, extractor: Callable[[Doc], list[Spans]]
) -> Scores:
    """Score one extractor over the articles."""
    scores = Scores()
    for article in articles:
        doc = nlp(article.text)
        predicted = extractor(doc)
        _score_article(article.text, article.attributions, predicted, scores)
        scores.articles += 1
    return scores


def _score_article(text: str, gold: tuple[Spans, ...], predicted: list[Spans],
                   scores: Scores) -> None:
    for role in ROLES:
        scores.roles[role].predicted += sum(p[role] is not None for p in predicted)
        scores.roles[role].gold += sum(g[role] is not None for g in gold)
        scores.roles[role].predicted_words += sum(_words(text, p[role]) for p in predicted)
        scores.roles[role].gold_words += sum(_words(text, g[role]) for g in gold)
    for p, g in _pairs(gold, predicted):
        for role in ROLES:
            score = scores.roles[role]
            if p[role] and g[role]:
                score.exact += _trim(text, p[role]) == _trim(text, g[role])
                score.loose += _loose(text, p[role]) == _loose(text, g[role])
                score.shared_words += _shared_words(text, p[role], g[role])


def _pairs(gold: tuple[Spans, ...], predicted: list[Spans]) -> Iterator[tuple[Spans, Spans]]:
    """One-to-one pairs, best first: cue overlap dominates, content overlap breaks ties."""
    candidates = []
    for pi, p in enumerate(predicted):
        for gi, g in enumerate(gold):
            cue, content = _overlap(p["cue"], g["cue"]), _overlap(p["content"], g["content"])
            if cue or content:
                candidates.append(((cue > 0, content, cue), pi, gi))
    used_p, used_g = set(), set()
    for _, pi, gi in sorted(candidates, key=lambda c: c[0], reverse=True):
        if pi not in used_p and gi not in used_g:
            used_p.add(pi)
            used_g.add(gi)
            yield predicted[pi], gold[gi]


# --- helpers -------------------------------------------------------------------------------------

def _offsets(span: dict | None) -> tuple[int, int] | None:
    return None if span is None else (span["start"], span["end"])


def _subtree(token) -> tuple[int, int]:
    return _subtree_of(token.left_edge, token.right_edge)


def _subtree_of(first, last) -> tuple[int, int]:
    return first.idx, last.idx + len(last)


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_LOOSE_EDGE = re.compile(r"^(?:that\b|[\s\"'“”‘’,.:;—–-])+|[\s\"'“”‘’,.:;—–-]+$", re.IGNORECASE)


def _loose(text: str, span: tuple[int, int]) -> str:
    return _LOOSE_EDGE.sub("", text[span[0] : span[1]]).lower()


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> int:
    if a is None or b is None:
        return 0
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _word_offsets(text: str, span: tuple[int, int] | None) -> set[int]:
    if span is None:
        return set()
    return {span[0] + m.start() for m in _WORD.finditer(text[span[0] : span[1]])}


def _words(text: str, span: tuple[int, int] | None) -> int:
    return len(_word_offsets(text, span))


def _shared_words(text: str, a: tuple[int, int], b: tuple[int, int]) -> int:
    return len(_word_offsets(text, a) & _word_offsets(text, b))


def _prf(tp_p: int, n_p: int, tp_r: int, n_r: int) -> tuple[float, float, float]:
    precision = tp_p / n_p if n_p else 0.0
    recall = tp_r / n_r if n_r else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def format_table(named: dict[str, Scores]) -> str:
    """A plain-text table: one row per system and role, exact and token-overlap P/R/F1."""
    head = f"{'system':<10} {'role':<8} {'exact P':>8} {'R':>6} {'F1':>6}  " \
           f"{'loose F1':>8}  {'overlap P':>9} {'R':>6} {'F1':>6}  {'pred':>6} {'gold':>6}"
    rows = [head, "-" * len(head)]
    for name, scores in named.items():
        for role in ROLES:
            s = scores.roles[role]
            ep, er, ef = s.exact_prf()
            op, orr, of = s.overlap_prf()
            lf = s.loose_prf()[2]
            rows.append(f"{name:<10} {role:<8} {ep:8.3f} {er:6.3f} {ef:6.3f}  {lf:8.3f}  "
                        f"{op:9.3f} {orr:6.3f} {of:6.3f}  {s.predicted:6d} {s.gold:6d}")
    return "\n".join(rows)


def run(folder: Path, split: str, limit: int | None = None) -> dict[str, Scores]:
    """Both systems on one split (the product first, then the baseline)."""
    from ..analysis.nlp import load_nlp

    nlp = load_nlp()
    articles = load_polnear(folder, split)[:limit]
    return {
        "product": evaluate(articles, nlp, predicted_spans),
        "baseline": evaluate(articles, nlp, baseline_spans),
    }


@click.command("attribution")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("../shared/data/polnear"), show_default=True,
              help="Folder holding PolNeAR's articles.jsonl and attributions.jsonl.")
@click.option("--split", type=click.Choice(["train", "dev"]), default="dev", show_default=True,
              help="Which split to score (the test split is held out).")
@click.option("--limit", type=int, default=None, help="Score only the first N articles.")
def command(data_dir: Path, split: str, limit: int | None) -> None:
    """Attribution source/cue/content precision, recall and F1 on PolNeAR."""
    if not (data_dir / "attributions.jsonl").exists():
        raise click.UsageError(f"no PolNeAR data in {data_dir} (expected attributions.jsonl)")
    results = run(data_dir, split, limit)
    click.echo(f"PolNeAR {split}: {results['product'].articles} articles")
    click.echo(format_table(results))

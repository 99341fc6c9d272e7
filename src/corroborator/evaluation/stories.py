"""Story clustering measured on ECB+: metrics, a TF-IDF baseline and the pipeline's own stories.

Corpus-wide: all held-out topics' documents are clustered together in one stream (a real stream
mixes topics), then scored against the gold stories (topic, subtopic). ECB+ has no publication
dates, so arrival order is a fixed seeded shuffle; every article gets the same day as its date
(minutes apart), so no method can use time to tell stories apart here.

Run: ``corroborator eval stories`` (or ``python benchmarks/bench_stories.py``).
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import numpy as np

from ..model import Analysis, Article, Story
from ..settings import DEFAULT_SETTINGS, Settings
from .ecbplus import (
    DEFAULT_ECBPLUS_DIR,
    DEFAULT_TEST_TOPICS,
    EcbDoc,
    ecbplus_available,
    gold_stories,
    load_ecbplus,
    select_topics,
    to_article,
)

Labels = Mapping[Hashable, Hashable]  # item -> cluster label
_STREAM_START = datetime(2020, 1, 1, tzinfo=UTC)


# --- metrics ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scores:
    b3_precision: float
    b3_recall: float
    b3_f1: float
    ceaf_e: float
    v_measure: float
    ari: float


def _clusters(labels: Labels) -> list[set]:
    groups: dict[Hashable, set] = defaultdict(set)
    for item, label in labels.items():
        groups[label].add(item)
    return list(groups.values())


def _cluster_of(labels: Labels) -> dict[Hashable, set]:
    return {item: cluster for cluster in _clusters(labels) for item in cluster}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def b_cubed(gold: Labels, predicted: Labels) -> tuple[float, float, float]:
    """B³ (Bagga & Baldwin 1998): per item, the share of its predicted cluster that is in its gold
    cluster (precision) and the share of its gold cluster found in its predicted cluster (recall),
    averaged over items."""
    _same_items(gold, predicted)
    gold_of = _cluster_of(gold)
    pred_of = _cluster_of(predicted)
    precision = recall = 0.0
    for item in gold:
        shared = len(gold_of[item] & pred_of[item])
        precision += shared / len(pred_of[item])
        recall += shared / len(gold_of[item])
    n = len(gold)
    p, r = (precision / n, recall / n) if n else (0.0, 0.0)
    return p, r, _f1(p, r)


def ceaf_e(gold: Labels, predicted: Labels) -> float:
    """Entity-based CEAF (Luo 2005) F1: the best one-to-one alignment of gold and predicted
    clusters under phi4 = 2|K∩R| / (|K|+|R|); precision and recall divide its total by the number
    of predicted and of gold clusters."""
    from scipy.optimize import linear_sum_assignment

    _same_items(gold, predicted)
    keys, responses = _clusters(gold), _clusters(predicted)
    if not keys or not responses:
        return 0.0
    phi = np.array([[2 * len(k & r) / (len(k) + len(r)) for r in responses] for k in keys])
    rows, cols = linear_sum_assignment(phi, maximize=True)
    total = float(phi[rows, cols].sum())
    return _f1(total / len(responses), total / len(keys))


def score(gold: Labels, predicted: Labels) -> Scores:
    from sklearn.metrics import adjusted_rand_score, v_measure_score

    items = sorted(gold, key=str)
    g = [str(gold[i]) for i in items]
    p = [str(predicted[i]) for i in items]
    return Scores(*b_cubed(gold, predicted), ceaf_e(gold, predicted),
                  float(v_measure_score(g, p)), float(adjusted_rand_score(g, p)))


def _same_items(gold: Labels, predicted: Labels) -> None:
    if set(gold) != set(predicted):
        raise ValueError("gold and predicted clusterings must cover the same items")


# --- arrival order ---------------------------------------------------------------------------

def stream_order(docs: Sequence[EcbDoc], seed: int | None) -> list[EcbDoc]:
    """A fixed seeded shuffle (seed None = id order, which groups each topic together)."""
    ordered = sorted(docs, key=lambda d: d.doc_id)
    if seed is not None:
        random.Random(seed).shuffle(ordered)
    return ordered


def stream_articles(docs: Sequence[EcbDoc]) -> list[Article]:
    """Articles dated one minute apart in stream order: the order is explicit and no two dates
    are far enough apart to separate stories."""
    return [replace(to_article(d), published=_STREAM_START + timedelta(minutes=i))
            for i, d in enumerate(docs)]


# --- TF-IDF single-pass baseline -------------------------------------------------------------

def tfidf_single_pass(texts: Sequence[str], threshold: float, fit_on: Sequence[str]) -> list[int]:
    """Each text joins the story whose centroid is most cosine-similar when that reaches
    ``threshold``, else opens a new one. IDF is fitted on ``fit_on`` (the training texts)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1)
    vectorizer.fit(fit_on)
    matrix = vectorizer.transform(texts).toarray()
    sums: list[np.ndarray] = []
    labels: list[int] = []
    for row in matrix:
        best, best_cos = -1, -1.0
        for index, total in enumerate(sums):
            norm = float(np.linalg.norm(total))
            cos = float(row @ total) / norm if norm else 0.0
            if cos > best_cos:
                best, best_cos = index, cos
        if best >= 0 and best_cos >= threshold:
            sums[best] = sums[best] + row
            labels.append(best)
        else:
            sums.append(row.copy())
            labels.append(len(sums) - 1)
    return labels


def tune_tfidf_threshold(train: Sequence[EcbDoc], seed: int | None) -> float:
    """The threshold with the best B³ F1 on the training topics (a coarse grid)."""
    ordered = stream_order(train, seed)
    texts = [d.text for d in ordered]
    gold = gold_stories(ordered)
    best, best_f1 = 0.1, -1.0
    for threshold in np.arange(0.05, 0.51, 0.025):
        labels = tfidf_single_pass(texts, float(threshold), texts)
        f1 = b_cubed(gold, {d.doc_id: lab for d, lab in zip(ordered, labels, strict=True)})[2]
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return best


def tfidf_stories(test: Sequence[EcbDoc], train: Sequence[EcbDoc], threshold: float,
                  seed: int | None) -> dict[str, int]:
    ordered = stream_order(test, seed)
    labels = tfidf_single_pass([d.text for d in ordered], threshold, [d.text for d in train])
    return {d.doc_id: lab for d, lab in zip(ordered, labels, strict=True)}


# --- the pipeline's own stage ----------------------------------------------------------------

def analyse_docs(docs: Sequence[EcbDoc], settings: Settings = DEFAULT_SETTINGS) -> list[Analysis]:
    """The normal per-article analysis (spaCy parse and every extractor) of the docs, in order."""
    from ..analysis.pipeline import analyze_articles

    return list(analyze_articles(stream_articles(docs), settings))


def pipeline_stories(analyses: Sequence[Analysis], settings: Settings = DEFAULT_SETTINGS,
                     embedder=None) -> dict[str, int]:
    """Doc id -> story index as ``cluster_stories`` (the pipeline stage itself) groups them."""
    return _labels(_cluster(analyses, settings, embedder))


def _cluster(analyses: Sequence[Analysis], settings: Settings, embedder=None) -> list[Story]:
    from ..embed import default_embedder
    from ..stories import cluster_stories

    return cluster_stories(analyses, embedder or default_embedder(), settings)


def _labels(stories: Sequence[Story]) -> dict[str, int]:
    return {aid: index for index, story in enumerate(stories) for aid in story.article_ids}


def decision_counts(stories: Sequence[Story]) -> Counter[str]:
    """How many new / join / merge / split / move decisions built the stories (their histories)."""
    return Counter(event.kind for story in stories for event in story.history)


# --- leave-topics-out cross-validation on training topics -----------------------------------

def topic_folds(topics: Sequence[int], folds: int = 5) -> list[list[int]]:
    """Training topics dealt into ``folds`` folds in sorted order (fold i = every folds-th)."""
    ordered = sorted(topics)
    return [ordered[i::folds] for i in range(folds)]


def cross_validate(train: Sequence[EcbDoc], variants: Mapping[str, Settings],
                   seeds: Sequence[int] = (0, 1, 2), folds: int = 5) -> dict[str, float]:
    """Mean B³ F1 per settings variant over every (fold, seed); see ``cross_validate_streams``."""
    return {name: sum(f1s) / len(f1s)
            for name, f1s in cross_validate_streams(train, variants, seeds, folds).items()}


def cross_validate_streams(train: Sequence[EcbDoc], variants: Mapping[str, Settings],
                           seeds: Sequence[int] = (0, 1, 2),
                           folds: int = 5) -> dict[str, list[float]]:
    """B³ F1 per settings variant for every (fold, seed) stream, in the same stream order for
    each variant (so variants can be compared stream by stream, ``paired_difference``): each
    fold's topics are clustered as one stream of their own, in that seed's shuffle order.
    Analyses and vectors are computed once (with the first variant's settings) and fed to
    ``OnlineStories`` directly; how parameters were chosen for docs/stories.md (training topics
    only, never the held-out ones)."""
    from ..embed import default_embedder
    from ..stories import OnlineStories
    from ..story_features import story_text

    first = next(iter(variants.values()))
    ordered = sorted(train, key=lambda d: d.doc_id)
    analyses = analyse_docs(ordered, first)
    vectors = default_embedder().encode([story_text(a, first) for a in analyses])
    by_id = {a.article.id: (a, v) for a, v in zip(analyses, vectors, strict=True)}
    results = {}
    for name, settings in variants.items():
        f1s = []
        for fold in topic_folds(sorted({d.topic for d in train}), folds):
            for seed in seeds:
                stream = stream_order([d for d in train if d.topic in set(fold)], seed)
                online = OnlineStories(settings)
                for doc in stream:
                    online.add(*by_id[doc.doc_id])
                f1s.append(b_cubed(gold_stories(stream), _labels(online.stories()))[2])
        results[name] = f1s
    return results


@dataclass(frozen=True)
class PairedDifference:
    mean: float  # mean of variant - reference over the streams
    standard_error: float  # of that mean (0 with fewer than two streams)
    better: int  # streams where the variant scores higher
    worse: int


def paired_difference(variant: Sequence[float], reference: Sequence[float]) -> PairedDifference:
    """Stream-by-stream difference of two variants' scores. Streams differ far more from each
    other (B³ F1 std ~0.035 over 25 ECB+ training streams) than variants do, so a change is
    only worth shipping when its mean paired difference clears about two standard errors."""
    if len(variant) != len(reference) or not variant:
        raise ValueError("paired scores must cover the same, non-empty list of streams")
    diffs = np.array(variant, dtype=float) - np.array(reference, dtype=float)
    se = float(diffs.std(ddof=1) / np.sqrt(len(diffs))) if len(diffs) > 1 else 0.0
    return PairedDifference(float(diffs.mean()), se, int((diffs > 1e-9).sum()),
                            int((diffs < -1e-9).sum()))


# --- per-topic diagnosis ---------------------------------------------------------------------

def topic_failures(docs: Sequence[EcbDoc], predicted: Labels) -> list[tuple[int, float, str]]:
    """Per topic: B³ F1 of its docs (predicted labels kept global, so a doc merged with another
    topic's cluster still counts as merged) and the most common cause of wrong pairs."""
    by_topic: dict[int, list[EcbDoc]] = defaultdict(list)
    for d in docs:
        by_topic[d.topic].append(d)
    topic_of = {d.doc_id: d.topic for d in docs}
    members: dict[Hashable, list[str]] = defaultdict(list)
    for doc_id, label in predicted.items():
        members[label].append(doc_id)
    rows = []
    for topic, tdocs in sorted(by_topic.items()):
        gold = {d.doc_id: d.subtopic for d in tdocs}
        pred = {d.doc_id: _topic_label(predicted[d.doc_id], members, topic_of, topic)
                for d in tdocs}
        rows.append((topic, b_cubed(gold, pred)[2], _main_cause(tdocs, predicted, members,
                                                                topic_of)))
    return rows


def _topic_label(label: Hashable, members, topic_of, topic: int) -> tuple:
    # A predicted cluster that also holds other topics' docs is marked, so B³ precision drops.
    foreign = sum(topic_of[m] != topic for m in members[label])
    return (label, foreign)


def _main_cause(tdocs: Sequence[EcbDoc], predicted: Labels, members, topic_of) -> str:
    causes: Counter[str] = Counter()
    gold = {d.doc_id: d.subtopic for d in tdocs}
    ids = sorted(gold)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            same_pred = predicted[a] == predicted[b]
            if gold[a] == gold[b] and not same_pred:
                causes["split: one event in several stories"] += 1
            elif gold[a] != gold[b] and same_pred:
                causes["merged: the topic's two events in one story"] += 1
        causes["cross-topic: shares a story with another topic"] += sum(
            topic_of[m] != topic_of[a] for m in members[predicted[a]])
    cause, count = causes.most_common(1)[0] if causes else ("", 0)
    return cause if count else "none"


# --- the report ------------------------------------------------------------------------------

@dataclass
class Evaluation:
    rows: dict[str, Scores]
    per_topic: dict[str, list[tuple[int, float, str]]]
    notes: list[str]


def evaluate(data_dir: Path, test_topics: Sequence[int], train_topics: Sequence[int] | None,
             seed: int | None = 0, settings: Settings = DEFAULT_SETTINGS,
             with_train: bool = False) -> Evaluation:
    """Held-out scores of the pipeline and the baseline; ``with_train`` adds the pipeline on the
    training topics (one stream of its own; slower: every training doc is analysed)."""
    docs = load_ecbplus(data_dir)
    present = sorted({d.topic for d in docs})
    train_topics = train_topics or [t for t in present if t not in set(test_topics)]
    train, test = select_topics(docs, train_topics), stream_order(select_topics(docs, test_topics),
                                                                  seed)
    gold = gold_stories(test)
    notes = [f"{len(test)} held-out docs, topics {sorted(set(test_topics))}, "
             f"{len(set(gold.values()))} gold stories; {len(train)} training docs"]
    threshold = tune_tfidf_threshold(train, seed)
    baseline = tfidf_stories(test, train, threshold, seed)
    notes.append(f"TF-IDF threshold tuned on training topics: {threshold:.3f}")
    start = time.perf_counter()
    analyses = analyse_docs(test, settings)
    middle = time.perf_counter()
    stories = _cluster(analyses, settings)
    predicted = _labels(stories)
    end = time.perf_counter()
    decisions = decision_counts(stories)
    notes.append(f"analysis {middle - start:.1f} s, cluster_stories {end - middle:.1f} s; "
                 f"stories: pipeline {len(stories)}, baseline {len(set(baseline.values()))}; "
                 f"decisions: {decisions['new']} new, {decisions['join']} join, "
                 f"{decisions['merge']} merge, {decisions['split']} split, "
                 f"{decisions['move']} move")
    rows = {"pipeline (cluster_stories)": score(gold, predicted),
            "tfidf single pass": score(gold, baseline)}
    if with_train:
        ordered_train = stream_order(train, seed)
        train_predicted = pipeline_stories(analyse_docs(ordered_train, settings), settings)
        rows["pipeline, training topics"] = score(gold_stories(ordered_train), train_predicted)
    return Evaluation(
        rows=rows,
        per_topic={"pipeline (cluster_stories)": topic_failures(test, predicted),
                   "tfidf single pass": topic_failures(test, baseline)},
        notes=notes,
    )


def format_evaluation(result: Evaluation) -> str:
    lines = [*result.notes, "",
             f"{'method':<28} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} {'CEAF-e':>6} "
             f"{'V':>6} {'ARI':>6}"]
    for name, s in result.rows.items():
        lines.append(f"{name:<28} {s.b3_precision:6.3f} {s.b3_recall:6.3f} {s.b3_f1:6.3f} "
                     f"{s.ceaf_e:6.3f} {s.v_measure:6.3f} {s.ari:6.3f}")
    for name, per_topic in result.per_topic.items():
        lines += ["", f"per-topic B3 F1, {name}:"]
        lines += [f"  topic {t:>2}  {f1:5.3f}  {cause if f1 < 0.999 else ''}"
                  for t, f1, cause in per_topic]
    return "\n".join(lines)


def _topics(value: str | None) -> list[int] | None:
    return [int(t) for t in value.split(",") if t.strip()] if value else None


@click.command("stories")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_ECBPLUS_DIR, show_default=True, help="The ECB+ folder.")
@click.option("--train-topics", default=None,
              help="Comma-separated training topics (default: all present topics not held out).")
@click.option("--test-topics", default=",".join(map(str, DEFAULT_TEST_TOPICS)),
              show_default=True, help="Comma-separated held-out topics that are scored.")
@click.option("--seed", default=0, show_default=True, type=int,
              help="Seed of the arrival-order shuffle (-1 = doc id order).")
@click.option("--with-train", is_flag=True,
              help="Also score the pipeline on the training topics (analyses them: slower).")
def command(data_dir: Path, train_topics: str | None, test_topics: str, seed: int,
            with_train: bool) -> None:
    """Score story clustering on ECB+ held-out topics: the pipeline vs a TF-IDF baseline."""
    if not ecbplus_available(data_dir):
        raise click.ClickException(f"no ECB+ data at {data_dir} (expected docs.jsonl)")
    result = evaluate(data_dir, _topics(test_topics) or [], _topics(train_topics),
                      None if seed < 0 else seed, with_train=with_train)
    click.echo(format_evaluation(result))

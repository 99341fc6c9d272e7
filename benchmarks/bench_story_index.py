"""Placing one new article among N already-indexed ones: the persistent ANN story index (usearch)
against exact scans, on a seeded synthetic corpus (issue 4; figures in docs/story_index.md).

For each N (articles already placed, grouped into stories of ~``--articles-per-story``), a
subprocess builds the corpus, then for each index: builds it from the story centroids, places
``--queries`` new articles (ANN ``nearest(k=8)`` + scoring the candidates like stories.py:
embedding cosine + TF-IDF cosine over term Counters + IDF-weighted entity overlap + year
penalty; then the joined story's centroid is upserted, or a new story inserted) and reports:
median / p95 placement time, the medians of its ``nearest`` and update (centroid upsert)
parts, recall@8 against the exact top 8, how often the true story is among the candidates,
agreement of the join/new decision with the exact scan, build time, and the index's peak
memory (RSS high-water mark over build + placements, minus RSS before: tracemalloc cannot
see usearch's native memory). For usearch it also times save, open (with the CRC check) and
a rebuild from a SQLite store.

Indexes: ``ann`` = story_index.AnnStoryIndex; ``exact`` = a preallocated numpy matrix scan;
``bruteforce`` = stories.BruteForceIndex as shipped (stacks all vectors per query; skipped
above ``--bruteforce-max`` stories because it takes minutes there).

Usage: python benchmarks/bench_story_index.py [--sizes 1000 10000 100000] [--queries 200]
       [--articles-per-story 4] [--seed 7] [--json out.json]
Text analysis (spaCy, MiniLM) is excluded: vectors, terms and entities are synthetic.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corroborator.settings import DEFAULT_SETTINGS, Settings

DIM = 384  # MiniLM
K = 8  # Settings.story_candidates
# Synthetic geometry, chosen so cosines look like MiniLM's on news: articles of one story
# ~0.8 to their story, stories of one topic ~0.5 to each other, unrelated stories ~0.
STORY_SPREAD = 1.0  # story = unit(topic + STORY_SPREAD * random unit)
ARTICLE_SPREAD = 0.75  # article = unit(story + ARTICLE_SPREAD * random unit)
STORIES_PER_TOPIC = 100
VOCABULARY = 50_000
JOIN_SHARE = 0.8  # share of new articles that belong to an existing story
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


# --- synthetic corpus ---

@dataclass
class Corpus:
    sums: np.ndarray  # (stories, DIM) float32: sum of member article vectors
    topics: np.ndarray  # (stories,) topic of each story
    topic_centres: np.ndarray
    story_centres: np.ndarray
    terms: list[Counter]  # per story: summed sublinear term weights
    entities: list[dict[str, set[str]]]
    years: list[set[int]]
    df: Counter
    seen: int  # articles counted in df

    def idf(self, key: str) -> float:
        return math.log((1 + self.seen) / (1 + self.df[key])) + 1.0


@dataclass
class NewArticle:
    vector: np.ndarray
    terms: Counter
    entities: dict[str, set[str]]
    years: set[int]
    story: int  # the true story, -1 for a new one


def _units(rng: np.random.Generator, n: int) -> np.ndarray:
    rows = rng.standard_normal((n, DIM), dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _around(centres: np.ndarray, spread: float, rng: np.random.Generator) -> np.ndarray:
    rows = centres + spread * _units(rng, len(centres))
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _article_words(rng: np.random.Generator, story: int, topic: int) -> tuple[Counter, dict]:
    """~34 distinct terms: 8 of the story's own, 6 of its topic's, 20 Zipf background words."""
    own = rng.integers(0, 12, 8) + 12 * story
    topical = rng.integers(0, 30, 6) + 30 * topic
    background = np.minimum(rng.zipf(1.3, 20), VOCABULARY)
    counts = Counter([f"s{w}" for w in own] + [f"t{w}" for w in topical]
                     + [f"w{w}" for w in background])
    terms = Counter({t: 1.0 + math.log(n) for t, n in counts.items()})
    entities = {"person": {f"p{story}-{rng.integers(3)}"}, "place": {f"g{story % 5000}"},
                "org": {f"o{topic}-{rng.integers(5)}"}}
    return terms, entities


def _entity_keys(entities: dict[str, set[str]]) -> set[str]:
    return {f"{kind}:{name}" for kind, names in entities.items() for name in names}


def make_corpus(articles: int, per_story: float, seed: int) -> Corpus:
    rng = np.random.default_rng(seed)
    stories = max(1, round(articles / per_story))
    topic_centres = _units(rng, max(1, stories // STORIES_PER_TOPIC))
    topics = rng.integers(0, len(topic_centres), stories)
    story_centres = _around(topic_centres[topics], STORY_SPREAD, rng)
    # Every story gets one article, the rest go to random stories (sizes ~ 1 + Poisson).
    owner = np.concatenate([np.arange(stories), rng.integers(0, stories, articles - stories)])
    vectors = _around(story_centres[owner], ARTICLE_SPREAD, rng)
    sums = np.zeros((stories, DIM), dtype=np.float32)
    np.add.at(sums, owner, vectors)
    terms = [Counter() for _ in range(stories)]
    entities: list[dict[str, set[str]]] = [{} for _ in range(stories)]
    years = [{int(y)} for y in rng.integers(2000, 2027, stories)]
    df: Counter = Counter()
    for story in owner.tolist():
        words, names = _article_words(rng, story, int(topics[story]))
        terms[story].update(words)
        for kind, found in names.items():
            entities[story].setdefault(kind, set()).update(found)
        df.update(set(words) | _entity_keys(names))
    return Corpus(sums, topics, topic_centres, story_centres, terms, entities, years, df,
                  articles)


def make_new_articles(corpus: Corpus, count: int, seed: int) -> list[NewArticle]:
    rng = np.random.default_rng(seed + 1)
    stories = len(corpus.sums)
    new = []
    for i in range(count):
        joins = rng.random() < JOIN_SHARE
        if joins:
            story = int(rng.integers(stories))
            topic, centre, year = int(corpus.topics[story]), corpus.story_centres[story], \
                next(iter(corpus.years[story]))
        else:  # a new event within an existing topic: the hard negative
            story, topic = -1, int(rng.integers(len(corpus.topic_centres)))
            centre = _around(corpus.topic_centres[topic:topic + 1], STORY_SPREAD, rng)[0]
            year = int(rng.integers(2000, 2027))
        vector = _around(centre[None, :], ARTICLE_SPREAD, rng)[0]
        words, names = _article_words(rng, story if joins else stories + i, topic)
        new.append(NewArticle(vector, words, names, {year}, story))
    return new


# --- placing one article (mirrors stories.py's whole-story pair score) ---

def _tfidf_cosine(a: Counter, b: Counter, corpus: Corpus) -> float:
    from corroborator.story_features import tfidf_cosine  # the pipeline's own measure

    return tfidf_cosine(a, b, corpus)


def _entity_share(kind: str, mine: set[str], theirs: set[str], corpus: Corpus) -> float:
    if not mine or not theirs:
        return 0.0
    weights = {name: corpus.idf(f"{kind}:{name}") for name in mine}
    return sum(w for name, w in weights.items() if name in theirs) / sum(weights.values())


def join_score(article: NewArticle, story: int, cosine: float, corpus: Corpus,
               s: Settings) -> float:
    score = s.story_embedding_weight * cosine
    score += s.story_tfidf_weight * _tfidf_cosine(article.terms, corpus.terms[story], corpus)
    for kind, weight in (("person", s.story_person_weight), ("place", s.story_place_weight),
                         ("org", s.story_org_weight)):
        score += weight * _entity_share(kind, article.entities.get(kind, set()),
                                        corpus.entities[story].get(kind, set()), corpus)
    if article.years and corpus.years[story] and not article.years & corpus.years[story]:
        score -= s.story_year_conflict_penalty
    return score


def place_all(index, corpus: Corpus, new: list[NewArticle], s: Settings) -> dict:
    """Place every new article; timings exclude only the bookkeeping that undoes the changes
    afterwards (so each index sees the same corpus)."""
    totals, nearest_times, update_times, chosen, undo = [], [], [], [], []
    next_key = len(corpus.sums)
    for article in new:
        t0 = time.perf_counter()
        keys_added = _entity_keys(article.entities) | set(article.terms)
        corpus.df.update(keys_added)
        corpus.seen += 1
        candidates = index.nearest(article.vector, s.story_candidates)
        t1 = time.perf_counter()
        scored = [(join_score(article, key, cos, corpus, s), key) for key, cos in candidates
                  if key < len(corpus.sums)]
        best_score, best = max(scored, default=(float("-inf"), -1))
        t2 = time.perf_counter()
        joins = best_score >= s.story_join_threshold
        if joins:  # untimed: remember what the join changes
            undo.append((best, corpus.sums[best].copy(), corpus.terms[best].copy(),
                         {k: set(v) for k, v in corpus.entities[best].items()}))
        t3 = time.perf_counter()
        if joins:
            corpus.sums[best] += article.vector
            corpus.terms[best].update(article.terms)
            for kind, names in article.entities.items():
                corpus.entities[best].setdefault(kind, set()).update(names)
            centroid = corpus.sums[best]
            index.upsert(best, centroid / np.linalg.norm(centroid))
        else:
            index.upsert(next_key, article.vector)
            next_key += 1
        t4 = time.perf_counter()
        totals.append((t2 - t0) + (t4 - t3))
        nearest_times.append(t1 - t0)
        update_times.append(t4 - t3)
        chosen.append(best if joins else -1)
    for story, vector_sum, terms, entities in reversed(undo):
        corpus.sums[story], corpus.terms[story], corpus.entities[story] = vector_sum, terms, \
            entities
    for article in new:
        corpus.df.subtract(_entity_keys(article.entities) | set(article.terms))
    corpus.seen -= len(new)
    return {"median_ms": 1e3 * float(np.median(totals)),
            "p95_ms": 1e3 * float(np.percentile(totals, 95)),
            "nearest_median_ms": 1e3 * float(np.median(nearest_times)),
            "update_median_ms": 1e3 * float(np.median(update_times)), "chosen": chosen}


# --- indexes ---

class MatrixIndex:
    """Exact cosine by one matrix-vector product over a preallocated matrix (a fair exact
    baseline: no per-query copying)."""

    def __init__(self, vectors: np.ndarray) -> None:
        self.matrix = np.zeros((len(vectors) + 1024, DIM), dtype=np.float32)
        self.matrix[: len(vectors)] = vectors
        self.rows = {k: k for k in range(len(vectors))}
        self.keys = np.arange(len(self.matrix))
        self.used = np.zeros(len(self.matrix), dtype=bool)
        self.used[: len(vectors)] = True
        self.size = len(vectors)

    def upsert(self, key: int, vector: np.ndarray) -> None:
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = self.size
            self.size += 1
            self.keys[row], self.used[row] = key, True
        self.matrix[row] = vector

    def remove(self, key: int) -> None:
        row = self.rows.pop(key, None)
        if row is not None:
            self.used[row] = False

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        cosines = self.matrix[: self.size] @ vector
        cosines[~self.used[: self.size]] = -np.inf
        top = np.argpartition(-cosines, min(k, self.size - 1))[:k]
        top = top[np.argsort(-cosines[top])]
        return [(int(self.keys[i]), float(cosines[i])) for i in top]

    def __len__(self) -> int:
        return len(self.rows)


def _centroids(corpus: Corpus) -> np.ndarray:
    return corpus.sums / np.linalg.norm(corpus.sums, axis=1, keepdims=True)


def build(kind: str, corpus: Corpus):
    centroids = _centroids(corpus)
    if kind == "ann":
        from corroborator.story_index import build_index
        return build_index(enumerate(centroids), DIM)
    if kind == "exact":
        return MatrixIndex(centroids)
    from corroborator.stories import BruteForceIndex
    index = BruteForceIndex()
    for key, vector in enumerate(centroids):
        index.upsert(key, vector)
    return index


# --- memory (native allocations included) ---

def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:  # "5" resets VmHWM (Linux >= 4.0)
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


# --- one size, in a subprocess ---

def measure(articles: int, args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    corpus = make_corpus(articles, args.articles_per_story, args.seed)
    new = make_new_articles(corpus, args.queries, args.seed)
    result = {"articles": articles, "stories": len(corpus.sums),
              "corpus_s": time.perf_counter() - started}
    centroids = _centroids(corpus)
    exact_top = [set(np.argpartition(-(centroids @ a.vector), K)[:K].tolist()) for a in new]
    del centroids
    kinds = ["ann", "exact"] + (["bruteforce"] if len(corpus.sums) <= args.bruteforce_max else [])
    for kind in kinds:
        before = _status_kb("VmRSS")
        peak_ok = _reset_peak()
        t = time.perf_counter()
        index = build(kind, corpus)
        row = {"build_s": time.perf_counter() - t}
        found = [{key for key, _ in index.nearest(a.vector, K)} for a in new]
        row["recall_at_8"] = float(np.mean([len(f & e) / K for f, e in zip(found, exact_top,
                                                                               strict=True)]))
        joins = [(f, a.story) for f, a in zip(found, new, strict=True) if a.story >= 0]
        row["true_story_in_top8"] = float(np.mean([story in f for f, story in joins]))
        row.update(place_all(index, corpus, new, DEFAULT_SETTINGS))
        peak = _status_kb("VmHWM") if peak_ok else _status_kb("VmRSS")
        row["index_mb"] = max(0, peak - before) / 1024
        if kind == "ann":
            row.update(_persistence(index, corpus))
        result[kind] = row
        del index
    chosen = {kind: result[kind].pop("chosen") for kind in kinds}
    for kind in kinds:
        result[kind]["same_decision"] = float(np.mean(
            [a == b for a, b in zip(chosen[kind], chosen["exact"], strict=True)]))
    return result


def _persistence(index, corpus: Corpus) -> dict:
    from corroborator.store import SqliteStore
    from corroborator.story_index import AnnStoryIndex, rebuild_story_index
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stories.usearch"
        t = time.perf_counter()
        meta = index.save(path)
        save_s = time.perf_counter() - t
        t = time.perf_counter()
        AnnStoryIndex.open(path, DIM)
        open_s = time.perf_counter() - t
        with SqliteStore(Path(folder) / "store.db") as store:
            t = time.perf_counter()
            store.save_story_vectors((f"story-{k}", k, v)
                                     for k, v in enumerate(_centroids(corpus)))
            store_s = time.perf_counter() - t
            t = time.perf_counter()
            rebuild_story_index(store, path, DIM)
            rebuild_s = time.perf_counter() - t
    return {"save_s": save_s, "open_s": open_s, "file_mb": meta.file_bytes / 2**20,
            "native_mb": index.memory_bytes / 2**20, "store_write_s": store_s,
            "rebuild_s": rebuild_s}


# --- the parent: one subprocess per size, then the table ---

def run_child(articles: int, args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, "--child", str(articles), "--queries", str(args.queries),
               "--articles-per-story", str(args.articles_per_story), "--seed", str(args.seed),
               "--bruteforce-max", str(args.bruteforce_max)]
    # One BLAS thread: a single matrix-vector product gains nothing from two, and on a busy
    # 2-core machine waking a second thread costs tens of milliseconds at p95 (measured).
    env = {**os.environ, **{name: str(args.blas_threads) for name in BLAS_THREAD_VARIABLES}}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode:
        sys.exit(f"the {articles:,}-article run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def format_table(results: list[dict]) -> str:
    head = (f"{'articles':>9} {'stories':>8} {'index':<10} {'median ms':>9} {'p95 ms':>7} "
            f"{'nearest':>7} {'update':>6} {'recall@8':>8} {'true@8':>6} {'same':>5} "
            f"{'build s':>7} {'mem MB':>7}")
    lines = [head, "-" * len(head)]
    for r in results:
        for kind in ("ann", "exact", "bruteforce"):
            if kind not in r:
                continue
            m = r[kind]
            lines.append(
                f"{r['articles']:>9,} {r['stories']:>8,} {kind:<10} {m['median_ms']:>9.2f} "
                f"{m['p95_ms']:>7.2f} {m['nearest_median_ms']:>7.2f} "
                f"{m['update_median_ms']:>6.2f} {m['recall_at_8']:>8.3f} "
                f"{m['true_story_in_top8']:>6.3f} {m['same_decision']:>5.2f} "
                f"{m['build_s']:>7.1f} {m['index_mb']:>7.0f}")
    lines.append("")
    lines.append(f"{'articles':>9} {'file MB':>8} {'native MB':>9} {'save s':>7} {'open s':>7} "
                 f"{'store write s':>13} {'rebuild s':>9}")
    for r in results:
        a = r["ann"]
        lines.append(f"{r['articles']:>9,} {a['file_mb']:>8.1f} {a['native_mb']:>9.1f} "
                     f"{a['save_s']:>7.2f} {a['open_s']:>7.2f} {a['store_write_s']:>13.2f} "
                     f"{a['rebuild_s']:>9.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--articles-per-story", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bruteforce-max", type=int, default=30_000)
    parser.add_argument("--blas-threads", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(measure(args.child, args)))
        return 0
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}, "
          f"{args.queries} placements per size, ~{args.articles_per_story:g} articles per story, "
          f"BLAS threads: {args.blas_threads}")
    results = []
    for size in args.sizes:
        results.append(run_child(size, args))
        print(f"  {size:,} articles done", file=sys.stderr)
    print(format_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

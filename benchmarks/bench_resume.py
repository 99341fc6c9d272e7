"""Resumed story runs at scale (issue 4): a synthetic store of N stored articles already grouped
into stories, then a resumed run that places 10 new articles, lazily (only the stories that
are candidates for an arrival and within ``story_max_gap_days`` of it are restored) and
eagerly (every stored story restored first), where eager is feasible.

For each N the store is built once (articles + cached analyses, the story catalogue with its
members' vectors, one event per placement, document frequencies and latest publication times,
as resumed runs leave them), then each mode runs on a fresh copy and reports:

- ``restore``: from the call until placing starts (new articles' embedding, index open or
  fill, and, eager, restoring every stored story from the analysis cache);
- ``placement`` median / max: per new article, from the previous commit to its placement's
  commit (lazy: including restoring its candidate stories);
- ``total`` and how many stories were restored; both modes must give the same stories.

Synthetic corpus: topics of ~100 stories, ~5 articles per story, spread over two years;
articles of one story share rare terms, a person and a place; vectors look like MiniLM's on
news (article ~0.8 to its story centre, stories of a topic ~0.5 to each other). Text analysis
(spaCy, MiniLM) is excluded: analyses are built directly, the embedder is synthetic.

Each stored analysis carries one real example article's claims, attributions, hedges and
framing (``--small-analyses``: none), so that loading it from the cache costs what it costs
on news; the story features read only the synthetic title, text, entities and date.

Usage: python benchmarks/bench_resume.py [--sizes 1000 10000] [--eager-max 10000]
       [--new 10] [--seed 3] [--small-analyses] [--keep DIR] [--json out.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from corroborator.analysis.pipeline import ANALYZER_VERSION
from corroborator.model import Analysis, Article, Entity, StoryEvent, TextSpan
from corroborator.resume import ResumeResult, resume_stories, stats_signature, story_index_path
from corroborator.settings import DEFAULT_SETTINGS, Settings
from corroborator.store import SqliteStore, StoredStory, StoryMember
from corroborator.story_features import article_features, entity_keys, story_text

DIM = 384
ARTICLES_PER_STORY = 5
STORIES_PER_TOPIC = 100
SPAN_DAYS = 730  # stored stories are spread over two years
START = datetime(2024, 1, 1, tzinfo=UTC)
VOCABULARY = 20_000
STORY_TERMS, TOPIC_TERMS, FILLER_TERMS = 12, 8, 60


# --- synthetic corpus ---

class SyntheticEmbedder:
    """Vectors from the story tag in a text: unit(story centre + noise seeded by the text).
    Stateless given the seed, so a new run embeds new articles consistently with the store."""

    def __init__(self, seed: int, dim: int = DIM) -> None:
        self.seed, self.dim = seed, dim
        self.model_id = f"synthetic-news@{seed}"

    def centre(self, story: int) -> np.ndarray:
        topic = _unit(np.random.default_rng([self.seed, 1, story // STORIES_PER_TOPIC])
                      .standard_normal(self.dim))
        own = _unit(np.random.default_rng([self.seed, 2, story]).standard_normal(self.dim))
        return _unit(topic + own)

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = []
        for text in texts:
            story = int(text.split("storytag", 1)[1].split()[0])
            digest = int.from_bytes(hashlib.sha1(text.encode()).digest()[:8], "little")
            noise = _unit(np.random.default_rng([self.seed, 3, digest]).standard_normal(self.dim))
            rows.append(_unit(self.centre(story) + 0.75 * noise))
        return np.array(rows, dtype=np.float32).reshape(len(texts), self.dim)


class Corpus:
    """Seeded generator of stories' articles (analyses with entities, dated)."""

    def __init__(self, seed: int, ballast: Analysis | None = None) -> None:
        self.seed = seed
        self.ballast = ballast
        rng = np.random.default_rng([seed, 0])
        letters = np.array(list("bcdfghjklmnpqrstvwxz"))
        vowels = np.array(list("aeiou"))
        self.words = ["".join(rng.choice(letters) + rng.choice(vowels) for _ in range(3))
                      + str(i % 10) for i in range(VOCABULARY)]
        ranks = np.arange(1, VOCABULARY + 1)
        self.zipf = (1.0 / ranks) / np.sum(1.0 / ranks)

    def story_day(self, story: int) -> int:
        return int(np.random.default_rng([self.seed, 4, story]).integers(0, SPAN_DAYS))

    def article(self, story: int, n: int, *, day: int | None = None) -> Analysis:
        rng = np.random.default_rng([self.seed, 5, story, n])
        own = np.random.default_rng([self.seed, 6, story]).choice(VOCABULARY, STORY_TERMS)
        topic = np.random.default_rng([self.seed, 7, story // STORIES_PER_TOPIC]).choice(
            VOCABULARY, TOPIC_TERMS)
        filler = rng.choice(VOCABULARY, FILLER_TERMS, p=self.zipf)
        picked = [*rng.choice(own, 8), *rng.choice(topic, 5), *filler]
        rng.shuffle(picked)
        person = f"{self.words[int(own[0])].title()} {self.words[int(own[1])].title()}"
        place = self.words[int(topic[0])].title()
        lead = f"{person} said in {place} that storytag {story} "
        text = lead + " ".join(self.words[int(i)] for i in picked) + "."
        title = " ".join(self.words[int(i)] for i in own[:4]).capitalize()
        published = START + timedelta(days=self.story_day(story) if day is None else day,
                                      hours=int(rng.integers(0, 72)))
        article = Article(id=f"s{story}-a{n}", outlet=f"outlet-{n % 7}", text=text, title=title,
                          published=published)
        entities = (Entity(TextSpan(0, len(person), person), "PERSON"),
                    Entity(TextSpan(lead.index(place), lead.index(place) + len(place), place),
                           "GPE"))
        if self.ballast is None:
            return Analysis(article, (TextSpan(0, len(text), text),), entities, (), (), (), (),
                            (), ())
        # A real article's claims, attributions, hedges and framing: what the cache holds per
        # article, so loading costs what it costs on news. The story features do not read them.
        b = self.ballast
        return Analysis(article, b.sentences, entities, (), (), b.attributions, b.hedges,
                        b.claims, b.framing)


def real_ballast() -> Analysis:
    """The analysis of one example article (spaCy, once), lent to every synthetic one."""
    from corroborator.analysis.pipeline import analyze_article
    from corroborator.ingest import ingest_paths

    path = Path(__file__).resolve().parents[1] / "examples" / "corpus" / "dam-radio-delta.txt"
    [article] = ingest_paths([str(path)], DEFAULT_SETTINGS).articles
    return analyze_article(article)


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


# --- the stored state a series of resumed runs leaves ---

def build_store(path: Path, corpus: Corpus, embedder: SyntheticEmbedder, articles: int,
                settings: Settings) -> float:
    """A store of ``articles`` placed articles in stories of ``ARTICLES_PER_STORY``; seconds."""
    started = time.perf_counter()
    stories = articles // ARTICLES_PER_STORY
    df: Counter[str] = Counter()
    newest: dict[int, datetime | None] = {}
    with SqliteStore(path) as store:
        for story in range(stories):
            analyses = [corpus.article(story, n) for n in range(ARTICLES_PER_STORY)]
            analyses.sort(key=lambda a: a.article.published)
            vectors = embedder.encode([story_text(a, settings) for a in analyses])
            for analysis in analyses:
                store.save_analysis(analysis, ANALYZER_VERSION)
            features = [article_features(a, v, settings)
                        for a, v in zip(analyses, vectors, strict=True)]
            for f in features:
                df.update(set(f.terms) | entity_keys(f.entities))
            newest[story] = max(f.published for f in features)
            ids = [a.article.id for a in analyses]
            story_id = "story-" + hashlib.sha1("\n".join(sorted(ids)).encode()).hexdigest()[:10]
            members = tuple(StoryMember(a.article.id, _hash(a), v)
                            for a, v in zip(analyses, vectors, strict=True))
            centroid = _unit(np.sum(vectors, axis=0)).astype(np.float32)
            events = [StoryEvent("new" if i == 0 else "join", article_id, story_id, None, 0.9,
                                 "synthetic") for i, article_id in enumerate(ids)]
            store.save_story_changes([StoredStory(story, story_id, centroid, members)], (),
                                     events, embedder=embedder.model_id, next_key=story + 1)
        store.replace_story_stats(df, stories * ARTICLES_PER_STORY, stats_signature(settings),
                                  newest)
    return time.perf_counter() - started


def _hash(analysis: Analysis) -> str:
    return hashlib.sha256(analysis.article.text.encode("utf-8")).hexdigest()


def new_articles(corpus: Corpus, stored_stories: int, count: int) -> list[Analysis]:
    """``count`` arrivals on the last stored day: most join recent stored stories, every
    fifth opens a story of its own."""
    last_day = max(corpus.story_day(s) for s in range(stored_stories))
    recent = [s for s in range(stored_stories) if corpus.story_day(s) >= last_day - 10]
    found = []
    for i in range(count):
        story = stored_stories + i if i % 5 == 4 else recent[i % len(recent)]
        found.append(corpus.article(story, 100 + i, day=last_day))
    return found


def cache_loader(store: SqliteStore):
    def load(pairs):
        found = []
        for article_id, content_hash in pairs:
            analysis = store.cached_analysis(content_hash, ANALYZER_VERSION)
            assert analysis is not None, f"{article_id} is not in the analysis cache"
            found.append(analysis)
        return found
    return load


# --- timing one resumed run ---

def timed_run(source: Path, work: Path, new: list[Analysis], embedder: SyntheticEmbedder,
              settings: Settings, *, lazy: bool) -> tuple[dict, ResumeResult]:
    db = work / ("lazy" if lazy else "eager") / "news.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    index = story_index_path(source)
    for suffix in ("", ".meta.json"):
        if Path(f"{index}{suffix}").exists():
            shutil.copyfile(f"{index}{suffix}", f"{story_index_path(db)}{suffix}")
    marks: list[float] = []

    def on_commit(name: str) -> None:
        if name == "save_story_changes":
            marks.append(time.perf_counter())

    def on_progress(message: str) -> None:
        if message.startswith("restored"):
            marks.append(time.perf_counter())

    with SqliteStore(db, before_commit=on_commit) as store:
        for analysis in new:  # the analysis step stores each article before grouping
            store.save_analysis(analysis, ANALYZER_VERSION)
        started = time.perf_counter()
        result = resume_stories(store, new, embedder, settings, load=cache_loader(store),
                                index_path=story_index_path(db), progress=on_progress, lazy=lazy)
    total = time.perf_counter() - started
    placements = [b - a for a, b in zip(marks, marks[1:], strict=False)]
    figures = {"mode": "lazy" if lazy else "eager", "restore_s": round(marks[0] - started, 3),
               "placement_median_ms": round(1000 * statistics.median(placements), 1),
               "placement_max_ms": round(1000 * max(placements), 1),
               "total_s": round(total, 3), "stories_restored": result.restored,
               "index_rebuilt": result.index_rebuilt is not None}
    return figures, result


def shape(result: ResumeResult) -> list[tuple]:
    return [(s.id, s.article_ids, [(e.kind, e.article_id, e.other_story_id)
                                   for e in s.history]) for s in result.stories]


def bench_size(articles: int, args: argparse.Namespace, settings: Settings) -> dict:
    corpus = Corpus(args.seed, None if args.small_analyses else real_ballast())
    embedder = SyntheticEmbedder(args.seed)
    work = Path(tempfile.mkdtemp(prefix=f"bench-resume-{articles}-", dir=args.keep))
    source = work / "source" / "news.db"
    build_s = build_store(source, corpus, embedder, articles, settings)
    # The persistent index file a previous run would have saved (large stores only).
    if articles >= settings.story_ann_min_articles:
        from corroborator.story_index import rebuild_story_index

        with SqliteStore(source) as store:
            rebuild_story_index(store, story_index_path(source), DIM, embedder=embedder.model_id)
    new = new_articles(corpus, articles // ARTICLES_PER_STORY, args.new)
    row: dict = {"stored_articles": articles, "build_store_s": round(build_s, 1), "runs": []}
    lazy, lazy_result = timed_run(source, work, new, embedder, settings, lazy=True)
    row["runs"].append(lazy)
    print(json.dumps({"stored_articles": articles, **lazy}), flush=True)
    if articles <= args.eager_max:
        eager, eager_result = timed_run(source, work, new, embedder, settings, lazy=False)
        eager["same_stories_as_lazy"] = shape(eager_result) == shape(lazy_result)
        row["runs"].append(eager)
        print(json.dumps({"stored_articles": articles, **eager}), flush=True)
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--eager-max", type=int, default=10000,
                        help="largest store the eager run is timed on (~8 ms per article)")
    parser.add_argument("--new", type=int, default=10)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--small-analyses", action="store_true",
                        help="bare analyses (entities only) instead of a real article's claims")
    parser.add_argument("--keep", default=None, help="build the stores here and keep them")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    rows = [bench_size(n, args, DEFAULT_SETTINGS) for n in args.sizes]
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

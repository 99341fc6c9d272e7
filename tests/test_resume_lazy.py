"""Lazy resumed runs: only the stored stories an arrival could join are restored, and the result
is the eager one (every stored story restored first): same stories, members, decisions, and the
same stored document frequencies and latest publication times afterwards. On a synthetic store
(benchmarks/bench_resume.py's generator: no spaCy) and on the example corpus; plus the
upgrade of a store made before migration 6."""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from corroborator.analysis.pipeline import ANALYZER_VERSION
from corroborator.resume import resume_stories, stats_signature, story_index_path
from corroborator.settings import DEFAULT_SETTINGS
from corroborator.store import SqliteStore
from corroborator.store.schema import MIGRATIONS

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_resume.py"
STORED_ARTICLES = 300  # 60 stories over two years
ANN = dataclasses.replace(DEFAULT_SETTINGS, story_ann_min_articles=1)


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_resume", BENCH)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


def stored_state(db: Path) -> dict:
    """Everything a resumed run writes, minus timestamps."""
    with sqlite3.connect(db) as conn:
        return {
            "vectors": conn.execute(
                "SELECT key, story_id, vector, newest FROM story_vectors ORDER BY key").fetchall(),
            "members": conn.execute(
                "SELECT key, idx, article_id, vector FROM story_members ORDER BY key, idx"
            ).fetchall(),
            "events": conn.execute(
                "SELECT kind, story_id, article_id, other_story_id, confidence, reason "
                "FROM story_events ORDER BY id").fetchall(),
            "df": conn.execute("SELECT term, df FROM story_term_df ORDER BY term").fetchall(),
            "state": conn.execute(
                "SELECT next_key, df_articles, df_signature FROM story_vector_state").fetchall(),
        }


def copy_db(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def resumed(db: Path, new, embedder, settings=DEFAULT_SETTINGS, *, lazy: bool):
    with SqliteStore(db) as store:
        for analysis in new:
            store.save_analysis(analysis, ANALYZER_VERSION)
        return resume_stories(store, new, embedder, settings, load=bench.cache_loader(store),
                              index_path=story_index_path(db), lazy=lazy)


def shape(result) -> list[tuple]:
    return [(s.id, s.title, s.article_ids, s.confidence, s.history) for s in result.stories]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    base = tmp_path_factory.mktemp("lazy")
    corpus, embedder = bench.Corpus(seed=5), bench.SyntheticEmbedder(seed=5)
    source = base / "source.db"
    bench.build_store(source, corpus, embedder, STORED_ARTICLES, DEFAULT_SETTINGS)
    new = bench.new_articles(corpus, STORED_ARTICLES // bench.ARTICLES_PER_STORY, 10)
    return {"base": base, "source": source, "corpus": corpus, "embedder": embedder,
            "new": new}


@pytest.mark.parametrize("settings", [DEFAULT_SETTINGS, ANN], ids=["exact", "ann"])
def test_lazy_places_like_eager_and_restores_only_candidates(synthetic, settings):
    base, name = synthetic["base"], "ann" if settings is ANN else "exact"
    runs = {}
    for lazy in (True, False):
        db = copy_db(synthetic["source"], base / name / f"{lazy}.db")
        runs[lazy] = (resumed(db, synthetic["new"], synthetic["embedder"], settings,
                              lazy=lazy), stored_state(db))
    (lazy_result, lazy_state), (eager_result, eager_state) = runs[True], runs[False]
    assert shape(lazy_result) == shape(eager_result)
    assert lazy_state == eager_state
    assert eager_result.restored == STORED_ARTICLES // bench.ARTICLES_PER_STORY
    assert 0 < lazy_result.restored <= 10
    # The arrivals joined the stored stories they were written for; every fifth is new.
    joined = {e.article_id for s in lazy_result.stories for e in s.history if e.kind == "join"}
    assert joined >= {a.article.id for i, a in enumerate(synthetic["new"]) if i % 5 != 4}
    # The placements were counted into the stored document frequencies.
    articles = lazy_state["state"][0][1]
    assert articles == STORED_ARTICLES + len(synthetic["new"])
    with SqliteStore(base / name / "True.db") as store:
        assert store.story_stats_current(stats_signature(settings))


def test_stories_beyond_the_gap_are_not_restored(synthetic, tmp_path):
    """An arrival a year after every stored story restores none of them (none can be joined)
    and opens a story, as the eager run decides too."""
    corpus, embedder = synthetic["corpus"], synthetic["embedder"]
    late = corpus.article(3, 500, day=bench.SPAN_DAYS + 365)  # story 3's words, a year on
    results = {}
    for lazy in (True, False):
        db = copy_db(synthetic["source"], tmp_path / f"{lazy}.db")
        results[lazy] = resumed(db, [late], embedder, lazy=lazy)
    assert results[True].restored == 0
    assert [e.kind for s in results[True].stories for e in s.history] == ["new"]
    assert shape(results[True]) == shape(results[False])
    # Within the gap the same words join story 3 (its story is restored for it).
    newest = max(corpus.article(3, n).article.published for n in range(5))
    close = dataclasses.replace(late, article=dataclasses.replace(
        late.article, published=newest + timedelta(days=2)))
    db = copy_db(synthetic["source"], tmp_path / "close.db")
    result = resumed(db, [close], embedder, lazy=True)
    assert result.restored >= 1
    [story] = result.stories
    assert {f"s3-a{n}" for n in range(5)} < set(story.article_ids)


def _downgrade_to_v5(db: Path) -> None:
    """Give a store the layout it had before migration 6 (tables and columns dropped)."""
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE story_term_df")
        conn.execute("ALTER TABLE story_vectors DROP COLUMN newest")
        conn.execute("ALTER TABLE story_vector_state DROP COLUMN df_articles")
        conn.execute("ALTER TABLE story_vector_state DROP COLUMN df_signature")
        conn.execute("DELETE FROM schema_migrations WHERE version = 6")


def test_a_store_from_before_migration_6_upgrades_in_place(synthetic, tmp_path):
    assert max(m.version for m in MIGRATIONS) == 6
    old = copy_db(synthetic["source"], tmp_path / "old.db")
    _downgrade_to_v5(old)
    with SqliteStore(old) as store:  # opening applies migration 6, keeping every story
        assert store.story_df_articles() == 0
        assert not store.story_stats_current(stats_signature(DEFAULT_SETTINGS))
        assert len(list(store.stored_stories())) == STORED_ARTICLES // bench.ARTICLES_PER_STORY
    with sqlite3.connect(old) as conn:
        assert [v for (v,) in conn.execute("SELECT version FROM schema_migrations")][-1] == 6
    new = synthetic["new"]
    first, later = new[:5], new[5:]
    # The first resumed run after the upgrade restores everything once and counts the stats.
    upgraded = resumed(old, first, synthetic["embedder"], lazy=True)
    assert upgraded.restored == STORED_ARTICLES // bench.ARTICLES_PER_STORY
    current = copy_db(synthetic["source"], tmp_path / "current.db")
    assert shape(resumed(current, first, synthetic["embedder"], lazy=True)) == shape(upgraded)
    assert stored_state(old) == stored_state(current)
    # From then on runs are lazy.
    again = resumed(old, later, synthetic["embedder"], lazy=True)
    assert again.restored < STORED_ARTICLES // bench.ARTICLES_PER_STORY
    assert shape(again) == shape(resumed(current, later, synthetic["embedder"], lazy=True))
    assert stored_state(old) == stored_state(current)


def test_changed_feature_settings_recount_the_stats(synthetic, tmp_path):
    db = copy_db(synthetic["source"], tmp_path / "news.db")
    shorter = dataclasses.replace(DEFAULT_SETTINGS, story_terms_chars=200)
    result = resumed(db, synthetic["new"][:1], synthetic["embedder"], shorter, lazy=True)
    assert result.restored == STORED_ARTICLES // bench.ARTICLES_PER_STORY  # counted again
    with SqliteStore(db) as store:
        assert store.story_stats_current(stats_signature(shorter))
        assert not store.story_stats_current(stats_signature(DEFAULT_SETTINGS))


# --- the example corpus, with the real pipeline (spaCy, MiniLM) ---

@pytest.mark.slow
@pytest.mark.parametrize("split", ["later-reports", "interleaved"])
def test_example_corpus_lazy_equals_eager(tmp_path, monkeypatch, split):
    import corroborator.pipeline as pipeline
    from test_resume import CORPUS, FIRST, SECOND

    if split == "later-reports":
        stored, new = FIRST, SECOND
    else:  # every third article arrives later: more joins into stored stories
        everything = sorted(CORPUS.iterdir())
        stored, new = everything[::3] + everything[1::3], everything[2::3]
    pristine = tmp_path / "pristine" / "news.db"
    pipeline.run(stored, db=pristine, include_stored=True)
    reports, states = {}, {}
    for lazy in (True, False):
        db = copy_db(pristine, tmp_path / str(lazy) / "news.db")
        with monkeypatch.context() as patch:
            patch.setattr(pipeline, "resume_stories",
                          functools.partial(resume_stories, lazy=lazy))
            reports[lazy] = pipeline.run(new, db=db, include_stored=True)
        states[lazy] = stored_state(db)
    assert states[True] == states[False]
    assert [(s.story.id, s.story.title, s.story.article_ids, s.story.history)
            for s in reports[True].stories] == [
        (s.story.id, s.story.title, s.story.article_ids, s.story.history)
        for s in reports[False].stories]
    joins = [e for e in states[True]["events"] if e[0] == "join"]
    assert any(e[2] in {p.stem for p in new} for e in joins)  # new articles joined stored stories

"""The persistent story index: agreement with brute force, save/open, rebuild from the store when
the file is missing, damaged or stale, and the store's story vectors and events."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from corroborator.errors import StoreError
from corroborator.model import StoryEvent
from corroborator.store import SqliteStore, schema, sqlite
from corroborator.store.schema import MIGRATIONS, apply_migrations
from corroborator.stories import BruteForceIndex
from corroborator.story_index import (
    AnnStoryIndex,
    IndexParams,
    StaleIndexError,
    build_index,
    key_checksum,
    meta_path,
    open_story_index,
    rebuild_story_index,
    save_story_index,
)

DIM = 24
EMBEDDER = "test-embedder@1"


def unit_rows(rng: np.random.Generator, n: int, dim: int = DIM) -> np.ndarray:
    rows = rng.normal(size=(n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def clustered(seed: int = 0, stories: int = 60, per_story: int = 4) -> np.ndarray:
    """Story-like vectors: tight groups around random centres (what MiniLM centroids are like)."""
    rng = np.random.default_rng(seed)
    centres = unit_rows(rng, stories)
    noisy = np.repeat(centres, per_story, axis=0) + 0.15 * rng.normal(
        size=(stories * per_story, DIM)).astype(np.float32)
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


def filled(vectors: np.ndarray, params: IndexParams | None = None) -> AnnStoryIndex:
    index = AnnStoryIndex(DIM, params)
    for key, vector in enumerate(vectors):
        index.upsert(key, vector)
    return index


def keys_of(pairs: list[tuple[int, float]]) -> list[int]:
    return [key for key, _ in pairs]


@pytest.fixture
def store(tmp_path: Path):
    with SqliteStore(tmp_path / "store.db") as s:
        yield s


def stored(store: SqliteStore, vectors: np.ndarray) -> None:
    store.save_story_vectors(((f"story-{k}", k, v) for k, v in enumerate(vectors)),
                             embedder=EMBEDDER)


# --- the index against brute force ---

def test_nearest_agrees_with_brute_force_after_upserts_and_removals():
    vectors = clustered()
    ann, exact = filled(vectors), BruteForceIndex()
    for key, vector in enumerate(vectors):
        exact.upsert(key, vector)
    rng = np.random.default_rng(1)
    replaced = unit_rows(rng, 20)
    for key, vector in zip(range(0, 200, 10), replaced, strict=True):  # move 20 stories
        ann.upsert(key, vector)
        exact.upsert(key, vector)
    for key in range(5, 240, 7):
        ann.remove(key)
        exact.remove(key)
    assert len(ann) == len(exact) == 240 - len(range(5, 240, 7))
    for query in unit_rows(rng, 30):
        got, want = ann.nearest(query, 8), exact.nearest(query, 8)
        assert keys_of(got) == keys_of(want)  # 200 vectors < expansion_search: exact here
        assert np.allclose([c for _, c in got], [c for _, c in want], atol=2e-3)  # f16 storage


def test_upsert_replaces_the_vector_of_an_existing_key():
    vectors = clustered(stories=10)
    index = filled(vectors)
    index.upsert(3, vectors[20])
    assert len(index) == len(vectors)
    best = index.nearest(vectors[20], 2)
    assert {key for key, _ in best} == {3, 20}
    assert all(cos > 0.999 for _, cos in best)


def test_small_edge_cases():
    index = AnnStoryIndex(DIM)
    probe = unit_rows(np.random.default_rng(2), 1)[0]
    assert index.nearest(probe, 8) == []
    index.remove(42)  # absent: no error
    index.upsert(7, probe)
    assert index.nearest(probe, 8) == [(7, pytest.approx(1.0, abs=1e-3))]
    assert 7 in index and 8 not in index
    with pytest.raises(ValueError, match="dimension"):
        index.upsert(1, np.ones(DIM + 1, dtype=np.float32))


def test_key_checksum_ignores_order_and_sees_any_change():
    keys = np.array([3, 1, 2, 10**12], dtype=np.uint64)
    assert key_checksum(keys) == key_checksum(keys[::-1])
    assert key_checksum(keys) != key_checksum(np.array([3, 1, 2, 10**12 + 1], dtype=np.uint64))
    assert key_checksum(keys) != key_checksum(keys[:3])


# --- save and open ---

def test_save_open_round_trip(tmp_path: Path):
    vectors = clustered(seed=3)
    index = filled(vectors)
    path = tmp_path / "idx" / "stories.usearch"
    meta = index.save(path, generation=7, embedder=EMBEDDER)
    assert (meta.count, meta.dim, meta.generation) == (len(vectors), DIM, 7)
    left = {p.name for p in path.parent.iterdir()}
    assert left == {path.name, meta_path(path).name}  # no temp file left behind
    reopened = AnnStoryIndex.open(path, DIM, generation=7, embedder=EMBEDDER)
    assert len(reopened) == len(index)
    for query in vectors[::25]:
        assert reopened.nearest(query, 8) == index.nearest(query, 8)
    reopened.upsert(999, vectors[0])  # a loaded index stays writable
    assert 999 in reopened


@pytest.mark.parametrize("damage", ["missing file", "missing sidecar", "truncated", "flipped byte",
                                    "garbage sidecar", "old sidecar"])
def test_damaged_files_are_refused(tmp_path: Path, damage: str):
    path = tmp_path / "stories.usearch"
    index = filled(clustered(seed=4))
    index.save(path, generation=1)
    data = path.read_bytes()
    if damage == "missing file":
        path.unlink()
    elif damage == "missing sidecar":
        meta_path(path).unlink()
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped byte":
        path.write_bytes(data[:500] + bytes([data[500] ^ 0xFF]) + data[501:])
    elif damage == "garbage sidecar":
        meta_path(path).write_text("{not json", encoding="utf-8")
    else:  # a crash between replacing the file and its sidecar: the sidecar is the old one
        old_sidecar = meta_path(path).read_bytes()
        index.upsert(5000, clustered(seed=5)[0])
        index.save(path, generation=1)
        meta_path(path).write_bytes(old_sidecar)
    with pytest.raises(StaleIndexError):
        AnnStoryIndex.open(path, DIM)


@pytest.mark.parametrize(("field", "value"), [("dim", DIM + 1), ("generation", 2),
                                              ("embedder", "other-model")])
def test_mismatched_expectations_are_refused(tmp_path: Path, field: str, value):
    path = tmp_path / "stories.usearch"
    filled(clustered(seed=6)).save(path, generation=1, embedder=EMBEDDER)
    expected = {"dim": DIM, "generation": 1, "embedder": EMBEDDER, field: value}
    dim = expected.pop("dim")
    with pytest.raises(StaleIndexError, match=field):
        AnnStoryIndex.open(path, dim, **expected)


def test_sidecar_count_mismatch_is_refused(tmp_path: Path):
    path = tmp_path / "stories.usearch"
    filled(clustered(seed=7)).save(path)
    meta = json.loads(meta_path(path).read_text())
    meta["count"] += 1
    meta_path(path).write_text(json.dumps(meta))
    with pytest.raises(StaleIndexError, match="sidecar says"):
        AnnStoryIndex.open(path, DIM)


# --- rebuild from the store ---

def test_open_story_index_builds_then_reuses_then_rebuilds_when_stale(store, tmp_path: Path):
    vectors = clustered(seed=8)
    stored(store, vectors)
    path = tmp_path / "stories.usearch"
    first, reason = open_story_index(store, path, DIM, embedder=EMBEDDER)
    assert reason is not None and "missing" in reason
    assert len(first) == len(vectors) and path.is_file()

    again, reason = open_story_index(store, path, DIM, embedder=EMBEDDER)
    assert reason is None
    assert again.nearest(vectors[9], 8) == first.nearest(vectors[9], 8)

    extra = unit_rows(np.random.default_rng(9), 1)[0]
    store.save_story_vectors([("story-new", 5000, extra)], embedder=EMBEDDER)  # the store moved on
    rebuilt, reason = open_story_index(store, path, DIM, embedder=EMBEDDER)
    assert reason is not None and "generation" in reason
    assert rebuilt.nearest(extra, 1)[0][0] == 5000


@pytest.mark.parametrize("damage", ["delete", "truncate", "stale count"])
def test_missing_corrupt_or_stale_file_is_rebuilt_from_the_store(store, tmp_path: Path, damage):
    vectors = clustered(seed=10)
    stored(store, vectors)
    path = tmp_path / "stories.usearch"
    original = rebuild_story_index(store, path, DIM, embedder=EMBEDDER)
    if damage == "delete":
        path.unlink()
    elif damage == "truncate":
        path.write_bytes(path.read_bytes()[:1000])
    else:  # the index lost a story but was saved as if current: count and keys disagree
        original.remove(0)
        save_story_index(original, store, path, embedder=EMBEDDER)
        original.upsert(0, vectors[0])
    index, reason = open_story_index(store, path, DIM, embedder=EMBEDDER)
    assert reason is not None
    assert len(index) == len(vectors)
    # Two HNSW graphs built apart may order near-ties differently (approximate search, threads):
    # compare the rebuilt index with the exact answer, not with the other graph.
    exact = BruteForceIndex()
    for key, vector in enumerate(vectors):
        exact.upsert(key, vector)
    found = 0
    for query in vectors[::20]:
        truth = keys_of(exact.nearest(query, 8))
        found += len(set(keys_of(index.nearest(query, 8))) & set(truth))
    assert found / (8 * len(vectors[::20])) >= 0.9  # recall@8; the benchmark measures 0.998+
    assert open_story_index(store, path, DIM, embedder=EMBEDDER)[1] is None  # saved again


def test_rebuild_of_an_empty_store_gives_an_empty_index(store, tmp_path: Path):
    index = rebuild_story_index(store, tmp_path / "s.usearch", DIM)
    assert len(index) == 0 and index.nearest(np.ones(DIM, dtype=np.float32), 8) == []


def test_build_index_batches(monkeypatch):
    from corroborator import story_index
    monkeypatch.setattr(story_index, "BUILD_BATCH", 7)  # several batches and a remainder
    vectors = clustered(seed=11, stories=10)
    index = build_index(enumerate(vectors), DIM)
    assert len(index) == len(vectors)
    assert index.nearest(vectors[33], 1)[0][0] == 33


# --- the store: vectors and events ---

def test_story_vectors_round_trip_exactly_in_pages(store, monkeypatch):
    monkeypatch.setattr(sqlite, "VECTOR_PAGE_ROWS", 7)  # force several pages
    vectors = clustered(seed=12, stories=5)
    stored(store, vectors)
    back = list(store.story_vectors())
    assert [key for _, key, _ in back] == list(range(len(vectors)))
    assert all(np.array_equal(v, vectors[k]) and v.dtype == np.float32 for _, k, v in back)
    state = store.story_vector_state()
    assert (state.count, state.dim, state.embedder, state.generation) == (20, DIM, EMBEDDER, 1)
    assert store.next_story_key() == 20
    assert list(store.story_vector_keys()) == list(range(20))


def test_story_vector_upsert_by_key_delete_and_generation(store):
    vectors = clustered(seed=13, stories=2)
    stored(store, vectors)
    store.save_story_vectors([("story-renamed", 3, vectors[0])], embedder=EMBEDDER)
    story_id, vector = store.story_vector(3)
    assert story_id == "story-renamed" and np.array_equal(vector, vectors[0])
    assert store.story_vector_state().count == len(vectors)  # replaced, not added
    assert store.delete_story_vectors([3, 4, 999]) == 2
    assert store.story_vector(3) is None
    assert store.story_vector_state().generation == 3
    assert store.delete_story_vectors([999]) == 0
    assert store.story_vector_state().generation == 3  # nothing changed: index still current


def test_replace_story_vectors_drops_the_previous_set_even_of_another_model(store):
    stored(store, clustered(seed=17, stories=3))
    fresh = unit_rows(np.random.default_rng(18), 2, DIM + 8)
    store.replace_story_vectors([("story-a", 40, fresh[0]), ("story-b", 41, fresh[1])],
                                embedder="another-model")
    state = store.story_vector_state()
    assert (state.count, state.dim, state.embedder, state.generation) == (2, DIM + 8,
                                                                          "another-model", 2)
    assert list(store.story_vector_keys()) == [40, 41]


def test_story_vectors_refuse_another_dimension_or_embedder_or_a_taken_id(store):
    stored(store, clustered(seed=14, stories=2))
    other = unit_rows(np.random.default_rng(0), 1, DIM + 8)[0]
    with pytest.raises(StoreError, match="do not match"):
        store.save_story_vectors([("story-x", 100, other)], embedder=EMBEDDER)
    same_dim = unit_rows(np.random.default_rng(0), 1)[0]
    with pytest.raises(StoreError, match="do not match"):
        store.save_story_vectors([("story-x", 100, same_dim)], embedder="another-model")
    with pytest.raises(StoreError, match="UNIQUE"):  # story-0 is key 0's
        store.save_story_vectors([("story-0", 100, same_dim)], embedder=EMBEDDER)
    assert store.story_vector_state().generation == 1  # refused batches changed nothing


def test_story_events_round_trip_and_filters(store):
    at = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
    events = [
        StoryEvent("new", "a1", "story-1", None, 1.0, "new: no open story"),
        StoryEvent("join", "a2", "story-1", None, 0.81, "joined: score 0.62 >= 0.45"),
        StoryEvent("new", "a3", "story-2", None, 0.7, "new: best story score 0.20 < 0.45"),
        StoryEvent("merge", "a4", "story-1", "story-2", 0.66, "merged: a4 fitted both"),
    ]
    store.record_story_events(events, at=at)
    recorded = store.story_events()
    assert [r.event for r in recorded] == events
    assert all(r.at == at for r in recorded)
    assert [r.id for r in recorded] == sorted(r.id for r in recorded)
    assert [r.event.article_id for r in store.story_events(story_id="story-2")] == ["a3", "a4"]
    assert [r.event.kind for r in store.story_events(article_id="a2")] == ["join"]


def test_bad_event_kind_is_refused_and_placement_is_all_or_nothing(store):
    vector = unit_rows(np.random.default_rng(15), 1)[0]
    bad = StoryEvent("teleport", "a1", "story-1", None, 0.5, "")  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="CHECK"):
        store.save_story_updates([("story-1", 0, vector)], [bad], embedder=EMBEDDER)
    assert store.story_vector_state().count == 0 and store.story_events() == []
    good = StoryEvent("new", "a1", "story-1", None, 1.0, "new: no open story")
    store.save_story_updates([("story-1", 0, vector)], [good], embedder=EMBEDDER)
    assert store.story_vector_state().count == 1 and len(store.story_events()) == 1


def test_a_store_made_before_the_story_index_tables_is_upgraded(tmp_path: Path, monkeypatch):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    with monkeypatch.context() as patch:  # a store as the previous release left it
        patch.setattr(schema, "MIGRATIONS", [m for m in MIGRATIONS if m.version < 3])
        apply_migrations(conn, "2025-01-01T00:00:00+00:00")
    conn.execute("INSERT INTO runs (started, finished, inputs_json, article_count, story_count, "
                 "claim_count, problem_count, version, info_json) "
                 "VALUES ('s', 'f', '[]', 0, 0, 0, 0, 'old', '{}')")
    conn.close()
    with SqliteStore(path) as upgraded:
        assert upgraded.story_vector_state().generation == 0
        assert upgraded._db.execute("SELECT version FROM runs").fetchone() == ("old",)
        stored(upgraded, clustered(seed=16, stories=1))
        assert upgraded.story_vector_state().count == 4


# --- in the pipeline's clustering ---

@pytest.mark.slow
def test_clustering_the_example_corpus_with_the_ann_index_matches_brute_force():
    from corroborator.analysis.pipeline import analyze_articles
    from corroborator.embed import default_embedder
    from corroborator.ingest import ingest_paths
    from corroborator.settings import DEFAULT_SETTINGS
    from corroborator.stories import cluster_stories
    from golden import CORPUS

    articles = ingest_paths([str(CORPUS)], DEFAULT_SETTINGS).articles
    analyses = list(analyze_articles(articles, DEFAULT_SETTINGS))
    embedder = default_embedder()
    exact = cluster_stories(analyses, embedder, DEFAULT_SETTINGS)
    ann = cluster_stories(analyses, embedder, DEFAULT_SETTINGS, index=AnnStoryIndex(384))
    assert len(exact) > 5
    assert [s.article_ids for s in ann] == [s.article_ids for s in exact]
    # Large inputs pick the ANN index by themselves (story_ann_min_articles); same decisions.
    auto = cluster_stories(analyses, embedder,
                           dataclasses.replace(DEFAULT_SETTINGS, story_ann_min_articles=1))
    assert [s.article_ids for s in auto] == [s.article_ids for s in exact]

"""Resumed story grouping across runs (``analyze --db news.db --with-stored``), on the example
corpus with the real pipeline and a temporary SQLite store: stored stories keep their keys and
ids, new articles join them, a re-run changes nothing, a run killed half-way resumes to the
same stories, and a damaged or missing index file is rebuilt."""

from __future__ import annotations

import dataclasses
import functools
import sqlite3
from pathlib import Path

import pytest

import corroborator.pipeline as pipeline
from corroborator.pipeline import run
from corroborator.report.contract import to_contract
from corroborator.report.schema import validate_contract
from corroborator.resume import story_index_path
from corroborator.settings import DEFAULT_SETTINGS
from corroborator.store import SqliteStore
from corroborator.story_index import open_story_index

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
# Run 2: later reports of stories run 1 has seen, and two stories run 1 has not.
SECOND_NAMES = ["dam-valley-times.txt", "fire-valley-times.txt", "strike-valley-times.txt",
                "halvard-valley-times.txt", "protest-daily-ledger.txt",
                "sport-league-final.txt", "culture-museum-reopens.txt"]
SECOND = [CORPUS / name for name in SECOND_NAMES]
FIRST = [p for p in sorted(CORPUS.iterdir()) if p.name not in SECOND_NAMES]
SECOND_IDS = {Path(name).stem for name in SECOND_NAMES}


def catalogue(db: Path) -> dict[int, tuple[str, tuple[str, ...]]]:
    """The stored stories: key -> (id, article ids in placement order)."""
    with SqliteStore(db) as store:
        return {s.key: (s.story_id, tuple(m.article_id for m in s.members))
                for s in store.stored_stories()}


def events(db: Path) -> list[tuple]:
    with SqliteStore(db) as store:
        return [(r.event.kind, r.event.article_id, r.event.story_id, r.event.other_story_id)
                for r in store.story_events()]


def copy_store(source: Path, target: Path) -> Path:
    """A consistent copy of a (closed) store, with its index file and sidecar when present."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    for suffix in ("", ".meta.json"):
        index = Path(f"{story_index_path(source)}{suffix}")
        if index.exists():
            Path(f"{story_index_path(target)}{suffix}").write_bytes(index.read_bytes())
    return target


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Run 1 on most of the corpus, then run 2 on the rest, then run 2 again, same store."""
    base = tmp_path_factory.mktemp("resume")
    db = base / "news.db"
    first = run(FIRST, db=db, include_stored=True)
    after_first = catalogue(db)
    events_first = events(db)
    pristine = copy_store(db, base / "pristine" / "news.db")
    second = run(SECOND, db=db, include_stored=True)
    after_second, events_second = catalogue(db), events(db)
    with SqliteStore(db) as store:
        generation = store.story_vector_state().generation
    said: list[str] = []
    again = run(SECOND, db=db, include_stored=True, progress=said.append)
    return {"db": db, "pristine": pristine, "first": first, "second": second, "again": again,
            "said_again": said, "after_first": after_first, "after_second": after_second,
            "events_first": events_first, "events_second": events_second,
            "generation": generation}


def test_stored_stories_keep_their_keys_ids_and_members(runs):
    before, after = runs["after_first"], runs["after_second"]
    assert len(before) >= 8
    merged_away = {e[3] for e in runs["events_second"][len(runs["events_first"]):]
                   if e[0] == "merge"}
    for key, (story_id, members) in before.items():
        if story_id in merged_away:
            continue
        assert after[key][0] == story_id  # same key, same id
        assert after[key][1][: len(members)] == members  # old members kept, in order
    # The first run's decisions are kept as they were; run 2 only appends.
    assert runs["events_second"][: len(runs["events_first"])] == runs["events_first"]
    # New stories are numbered above every key the store had handed out.
    assert min(set(after) - set(before)) > max(before)


def test_new_articles_of_a_stored_story_join_it_and_history_shows_it(runs):
    before = {members[0]: story_id for story_id, members in runs["after_first"].values()}
    report = {s.story.id: s.story for s in runs["second"].stories}
    for article, first_member in (("dam-valley-times", "dam-radio-delta"),
                                  ("fire-valley-times", "fire-daily-ledger")):
        story_id = next(sid for sid, members in runs["after_first"].values()
                        if first_member in members)
        assert story_id in before.values()
        placed = [e for e in runs["events_second"] if e[1] == article]
        assert [(e[0], e[2]) for e in placed] == [("join", story_id)]
        story = report[story_id]
        assert article in story.article_ids and first_member in story.article_ids
        history = [(e.kind, e.article_id) for e in story.history]
        assert ("join", article) in history and history[0][0] == "new"
        assert all(e.story_id == story_id for e in story.history if e.kind in ("new", "join"))


def test_the_report_holds_the_touched_stories_and_follows_the_contract(runs):
    report = runs["second"]
    validate_contract(to_contract(report))
    in_report = {i for s in report.stories for i in s.story.article_ids}
    assert in_report >= SECOND_IDS
    assert {a.article.id for a in report.analyses} == in_report
    # Every reported story holds one of run 2's articles; stories run 2 did not touch are not
    # reported (but stay in the store).
    assert all(SECOND_IDS & set(s.story.article_ids) for s in report.stories)
    assert len(report.stories) < len(runs["after_second"])
    with SqliteStore(runs["db"]) as store:
        stored_report = {row[0] for row in store._db.execute("SELECT id FROM stories")}
    assert {story_id for story_id, _ in runs["after_second"].values()} <= stored_report


def test_rerunning_the_second_run_changes_nothing(runs):
    db = runs["db"]
    assert catalogue(db) == runs["after_second"]
    assert events(db) == runs["events_second"]
    with SqliteStore(db) as store:
        assert store.story_vector_state().generation == runs["generation"]
    shape = [(s.story.id, s.story.article_ids, s.story.history) for s in runs["second"].stories]
    assert [(s.story.id, s.story.article_ids, s.story.history)
            for s in runs["again"].stories] == shape


def test_a_rerun_restores_only_the_stories_holding_its_inputs(runs):
    """Lazy restore: a re-run places nothing, so it reopens just the stories it reports."""
    holding = {key for key, (_, members) in runs["after_second"].items()
               if SECOND_IDS & set(members)}
    [restored] = [m for m in runs["said_again"] if m.startswith("restored")]
    assert restored.startswith(f"restored {len(holding)} stored stories (the rest as candidates)")
    assert len(holding) < len(runs["after_second"])
    assert len(runs["again"].stories) == len(holding)


def test_reported_histories_are_those_of_the_whole_log(runs):
    """The report reads only the touched stories' part of the log; it must not miss any."""
    from corroborator.resume import StoryLog

    with SqliteStore(runs["db"]) as store:
        log = StoryLog(r.event for r in store.story_events())
    for report in (runs["second"], runs["again"]):
        for story in (s.story for s in report.stories):
            assert story.history == log.history(story.id, story.article_ids)


def test_a_run_killed_half_way_resumes_to_the_same_stories(runs, tmp_path, monkeypatch):
    db = copy_store(runs["pristine"], tmp_path / "news.db")
    commits = []

    def crash_on_third_placement(name: str) -> None:
        if name == "save_story_changes":
            commits.append(name)
            if len(commits) == 3:
                raise KeyboardInterrupt("killed")  # inside the transaction, before COMMIT

    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "SqliteStore", functools.partial(
            SqliteStore, before_commit=crash_on_third_placement))
        with pytest.raises(KeyboardInterrupt):
            run(SECOND, db=db, include_stored=True)
    placed = {a for _, members in catalogue(db).values() for a in members}
    assert len(placed & SECOND_IDS) == 2  # two placements committed, the third rolled back
    run(SECOND, db=db, include_stored=True)
    assert catalogue(db) == runs["after_second"]
    assert events(db) == runs["events_second"]


@pytest.mark.parametrize("damage", ["truncated", "missing"])
def test_a_damaged_or_missing_index_file_is_rebuilt(tmp_path, damage):
    ann = dataclasses.replace(DEFAULT_SETTINGS, story_ann_min_articles=1)
    first = [CORPUS / n for n in ("dam-radio-delta.txt", "dam-coast-herald.txt",
                                  "fire-daily-ledger.html", "fire-metro-bulletin.txt")]
    second = [CORPUS / n for n in ("dam-valley-times.txt", "fire-valley-times.txt")]
    intact = tmp_path / "intact" / "news.db"
    run(first, db=intact, include_stored=True, settings=ann)
    index_file = story_index_path(intact)
    assert index_file.exists()
    broken = copy_store(intact, tmp_path / "broken" / "news.db")
    if damage == "truncated":
        data = story_index_path(broken).read_bytes()
        story_index_path(broken).write_bytes(data[: len(data) // 2])
    else:
        story_index_path(broken).unlink()
    said: dict[str, list[str]] = {"intact": [], "broken": []}
    run(second, db=intact, include_stored=True, settings=ann, progress=said["intact"].append)
    run(second, db=broken, include_stored=True, settings=ann, progress=said["broken"].append)
    assert not any("rebuilt" in m for m in said["intact"])
    assert any("story index rebuilt" in m for m in said["broken"])
    assert catalogue(broken) == catalogue(intact)
    joined = [e for e in events(broken) if e[1] in ("dam-valley-times", "fire-valley-times")]
    assert [e[0] for e in joined] == ["join", "join"]
    # The file saved after the run matches the store: the next run uses it as it is.
    with SqliteStore(broken) as store:
        index, rebuilt = open_story_index(store, story_index_path(broken), 384,
                                          embedder=store.story_vector_state().embedder)
    assert rebuilt is None and len(index) == len(catalogue(broken))


class HashingEmbedder:
    """A small deterministic embedder (letter counts), named so the store can tell models apart."""

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id

    def encode(self, texts: list[str]):
        import numpy as np

        rows = np.array([[t.lower().count(c) + 1.0 for c in "etaoinshrdlu"] for t in texts],
                        dtype=np.float32).reshape(len(texts), 12)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_resuming_with_another_embedder_is_refused(tmp_path):
    from corroborator.errors import StoreError

    db = tmp_path / "news.db"
    paths = [CORPUS / "dam-radio-delta.txt", CORPUS / "dam-coast-herald.txt"]
    run(paths[:1], db=db, include_stored=True, embedder=HashingEmbedder("letters@1"))
    with pytest.raises(StoreError, match="letters@1"):
        run(paths[1:], db=db, include_stored=True, embedder=HashingEmbedder("letters@2"))
    assert [members for _, members in catalogue(db).values()] == [("dam-radio-delta",)]


def test_story_log_hands_a_merged_story_past_to_the_survivor():
    from corroborator.model import StoryEvent
    from corroborator.resume import StoryLog

    log = StoryLog([
        StoryEvent("new", "a1", "story-a", None, 1.0, "new"),
        StoryEvent("new", "b1", "story-b", None, 1.0, "new"),
        StoryEvent("split", "b2", "story-b", "story-c", 0.7, "split"),
        StoryEvent("join", "a2", "story-a", None, 0.8, "joined"),
        StoryEvent("merge", "a2", "story-a", "story-b", 0.6, "merged"),
    ])
    history = log.history("story-a", ["a1", "a2", "b1"])
    assert [(e.kind, e.article_id) for e in history] == [
        ("new", "a1"), ("new", "b1"), ("split", "b2"), ("join", "a2"), ("merge", "a2")]
    # The split event stays with the story split from; b2 has no placement in this log.
    assert [e.kind for e in log.history("story-c", ["b2"])] == []


def test_python_api_resumes_and_refuses_without_a_store(tmp_path):
    import corroborator

    with pytest.raises(ValueError, match="needs a store"):
        corroborator.analyze([CORPUS / "dam-valley-times.txt"], resume=True)
    db = tmp_path / "api.db"
    dam = sorted(p for p in CORPUS.iterdir() if p.name.startswith("dam-"))
    first = corroborator.analyze([p for p in dam if p.name != "dam-valley-times.txt"], db=db)
    [before] = [s.story for s in first.stories if "dam-radio-delta" in s.story.article_ids]
    second = corroborator.analyze([CORPUS / "dam-valley-times.txt"], db=db, resume=True)
    [after] = [s.story for s in second.stories if "dam-valley-times" in s.story.article_ids]
    assert after.id in {story_id for story_id, _ in catalogue(db).values()}
    assert set(before.article_ids) < set(after.article_ids)

"""Resumed story grouping: stored stories stay as they are; new articles join them or open new
ones (``corroborator analyze PATHS --db news.db --with-stored``).

1. *Restore*: every story of the store's catalogue is reopened under its stable key, its
   members' features recomputed from the analysis cache and their stored embeddings (no parse,
   no embedding). New stories are numbered from the store's next key.
2. *Place*: only the articles no stored story holds, in arrival order. Each placement (the
   stories it changed, any merged away, its decisions) is saved in one transaction, so a killed
   run loses at most the article being placed and a re-run places only what is missing.
3. *Report*: the stories *touched* by the run, i.e. those that changed plus those holding an
   input article; a re-run of the same input changes nothing and reports the same stories.

Identity: a story's key is its number in the candidate index; its id is fixed when it is first
stored (the digest of its articles then) and kept as articles join, so links to a story stay
valid across runs. History: the store's ``story_events`` log; a story's history is the
placement of each of its articles plus the merges and splits of it and of the stories merged
into it. With ``settings.story_ann_min_articles`` or more stored articles the candidate index
is the persistent usearch file beside the store (story_index.py), rebuilt when it is missing,
damaged or stale, and saved after the run. See docs/story_index.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path

import numpy as np

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one resumed run at a time is then on the user
    fcntl = None  # type: ignore[assignment]

from .embed import Embedder
from .errors import StoreError
from .model import Analysis, Story, StoryEvent
from .settings import Settings
from .store import SqliteStore, StoredStory, StoryMember
from .store.rows import article_key
from .stories import BruteForceIndex, CandidateIndex, OnlineStories
from .story_features import Features, article_features, story_text

# Loads the analyses of stored articles, given (article id, content hash) pairs, in that order.
AnalysisLoader = Callable[[Sequence[tuple[str, str]]], list[Analysis]]
Progress = Callable[[str], None]
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ResumeResult:
    stories: tuple[Story, ...]  # the touched stories, by key
    content_hashes: dict[str, str]  # article id -> content hash, for the touched stories
    dropped_story_ids: tuple[str, ...]  # stored stories merged away by this run
    restored: int  # stories restored from the store
    placed: int  # articles placed by this run
    index_rebuilt: str | None = None  # why the persistent index file was rebuilt, if it was


def story_index_path(db: str | PathLike[str]) -> Path:
    """The persistent story index beside the store: ``news.db`` -> ``news.db.stories.usearch``."""
    return Path(f"{db}.stories.usearch")


def embedder_id(embedder: Embedder) -> str:
    return getattr(embedder, "model_id", type(embedder).__qualname__)


class RecordingIndex:
    """A ``CandidateIndex`` wrapper that remembers which story keys changed since ``drain``:
    every story whose centroid moved is upserted, every story merged away removed."""

    def __init__(self, inner: CandidateIndex) -> None:
        self.inner = inner
        self.upserted: set[int] = set()
        self.removed: set[int] = set()

    def upsert(self, key: int, vector: np.ndarray) -> None:
        self.inner.upsert(key, vector)
        self.upserted.add(key)
        self.removed.discard(key)

    def remove(self, key: int) -> None:
        self.inner.remove(key)
        self.removed.add(key)
        self.upserted.discard(key)

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        return self.inner.nearest(vector, k)

    def __len__(self) -> int:
        return len(self.inner)

    def drain(self) -> tuple[set[int], set[int]]:
        changed, removed = self.upserted, self.removed
        self.upserted, self.removed = set(), set()
        return changed, removed


class ResumableStories(OnlineStories):
    """``OnlineStories`` with read access to single open stories, which resuming needs to
    save each placement (the base class only finishes all stories at once)."""

    def start_keys_at(self, key: int) -> None:
        self._next_key = max(self._next_key, key)

    @property
    def next_key(self) -> int:
        return self._next_key

    def open_keys(self) -> list[int]:
        return sorted(self._open)

    def members(self, key: int) -> list[Features]:
        return list(self._open[key].members)

    def raw_events(self, key: int) -> list[StoryEvent]:
        return [event for _, event in self._open[key].events]

    def finish(self, key: int) -> Story:
        return self._finish(self._open[key])


@dataclass
class _Catalogue:
    """What this run knows of the stored stories: stable ids and members by key."""
    ids: dict[int, str] = field(default_factory=dict)
    members: dict[int, tuple[str, ...]] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)  # article id -> content hash
    touched: set[int] = field(default_factory=set)
    dropped: list[str] = field(default_factory=list)

    def key_of(self) -> dict[str, int]:
        return {a: key for key, ids in self.members.items() for a in ids}


def resume_stories(
    store: SqliteStore, analyses: Sequence[Analysis], embedder: Embedder, settings: Settings,
    *, load: AnalysisLoader, index_path: str | PathLike[str],
    progress: Progress | None = None,
) -> ResumeResult:
    """Restore the store's stories, place the ``analyses`` no stored story holds, save each
    placement, and return the touched stories (see the module docstring). One resumed run per
    store at a time: a second one waits for the first (``<store>.resume.lock``)."""
    with _exclusive(None if store.path == ":memory:" else Path(f"{store.path}.resume.lock")):
        return _resume(store, analyses, embedder, settings, load, index_path,
                       progress or (lambda _message: None))


@contextmanager
def _exclusive(path: Path | None) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (released by the OS if the process dies): two
    resumed runs restoring the same stories would hand out the same new keys."""
    if path is None:  # an in-memory store has one connection: nobody to wait for
        yield
        return
    with path.open("a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _resume(store: SqliteStore, analyses: Sequence[Analysis], embedder: Embedder,
            settings: Settings, load: AnalysisLoader, index_path: str | PathLike[str],
            say: Progress) -> ResumeResult:
    catalogue = _Catalogue()
    model_id = embedder_id(embedder)
    _check_embedder(store, model_id)
    todo = _unplaced([*analyses, *_stored_unplaced(store, analyses, load)],
                     store.placed_article_ids())
    vectors = embedder.encode([story_text(a, settings) for a in todo]) if todo else None
    index, indexed, rebuilt = _candidate_index(store, settings, vectors, model_id, index_path)
    if rebuilt:
        say(f"story index rebuilt from the store: {rebuilt}")
    recorder = RecordingIndex(index)
    clusterer = ResumableStories(settings, recorder)
    stored = list(store.stored_stories())
    for story in stored:
        _restore(clusterer, story, load, settings, indexed, catalogue)
    clusterer.start_keys_at(store.next_story_key())
    recorder.drain()  # restoring is not a change
    say(f"restored {len(stored)} stored stories; placing {len(todo)} new articles")
    for analysis, vector in zip(todo, vectors if vectors is not None else [], strict=True):
        catalogue.hashes[analysis.article.id] = article_key(analysis.article)
        events = clusterer.add(analysis, vector)
        _save_placement(store, clusterer, recorder, events, catalogue, analysis.article.id,
                        model_id)
    if todo and indexed:
        from .story_index import AnnStoryIndex, save_story_index

        assert isinstance(index, AnnStoryIndex)
        save_story_index(index, store, index_path, embedder=model_id)
    key_of = catalogue.key_of()
    catalogue.touched |= {key_of[a.article.id] for a in analyses if a.article.id in key_of}
    stories = _touched_stories(store, clusterer, catalogue)
    hashes = {i: catalogue.hashes[i] for s in stories for i in s.article_ids}
    return ResumeResult(tuple(stories), hashes, tuple(catalogue.dropped), len(stored),
                        len(todo), rebuilt)


def _check_embedder(store: SqliteStore, model_id: str) -> None:
    """Stored stories compare by embedding cosine: another model's vectors cannot be mixed in."""
    state = store.story_vector_state()
    if state.count and state.embedder != model_id:
        raise StoreError(
            f"the stories in {store.path} were grouped with embeddings from "
            f"{state.embedder!r}, not {model_id!r}",
            fix="resume with the embedder the store was built with, or use a new store")


def _unplaced(analyses: Sequence[Analysis], placed: set[str]) -> list[Analysis]:
    """This run's articles no stored story holds, once each, in arrival order."""
    fresh = {a.article.id: a for a in analyses if a.article.id not in placed}
    return sorted(fresh.values(), key=_arrival_key)


def _stored_unplaced(store: SqliteStore, analyses: Sequence[Analysis],
                     load: AnalysisLoader) -> list[Analysis]:
    """Stored articles no story holds yet (a store filled by runs that did not resume): they
    are placed too, so the first resumed run groups everything the store holds. An id or a
    text given in this run is this run's article."""
    given_ids = {a.article.id for a in analyses}
    given_hashes = {article_key(a.article) for a in analyses}
    waiting = [a for a in store.unplaced_articles()
               if a.id not in given_ids and a.content_hash not in given_hashes]
    return load([(a.id, a.content_hash) for a in waiting]) if waiting else []


def _candidate_index(store: SqliteStore, settings: Settings, vectors: np.ndarray | None,
                     model_id: str, path: str | PathLike[str]
                     ) -> tuple[CandidateIndex, bool, str | None]:
    """(index, whether it already holds the stored stories, why it was rebuilt): the
    persistent file once the store is large, else an exact in-memory scan."""
    if vectors is None or store.article_count() < settings.story_ann_min_articles:
        return BruteForceIndex(), False, None
    from .story_index import open_story_index  # usearch: only needed for large stores

    index, why = open_story_index(store, path, vectors.shape[1], embedder=model_id)
    return index, True, why


def _restore(clusterer: ResumableStories, story: StoredStory, load: AnalysisLoader,
             settings: Settings, indexed: bool, catalogue: _Catalogue) -> None:
    pairs = [(m.article_id, m.content_hash) for m in story.members]
    analyses = load(pairs)
    features = [article_features(a, m.vector, settings)
                for a, m in zip(analyses, story.members, strict=True)]
    titles = [a.article.title or a.article.text[:80] for a in analyses]
    clusterer.restore(story.key, features, titles, indexed=indexed)
    catalogue.ids[story.key] = story.story_id
    catalogue.members[story.key] = tuple(m.article_id for m in story.members)
    catalogue.hashes.update(pairs)


def _save_placement(store: SqliteStore, clusterer: ResumableStories, recorder: RecordingIndex,
                    events: list[StoryEvent], catalogue: _Catalogue, article_id: str,
                    model_id: str) -> None:
    """Store what one ``add`` changed, in one transaction, with the events' story ids made
    stable (a new story's id is the digest of its articles when it is first stored)."""
    changed, removed = recorder.drain()
    # A story merged away (or moved from) is named by the digest of its articles at that
    # moment: before this placement, or with the newcomer when the newcomer had joined it.
    other_ids = {}
    for key in (removed | changed) & catalogue.ids.keys():
        before = catalogue.members[key]
        for ids in (before, (*before, article_id)):
            other_ids[_digest(ids)] = catalogue.ids[key]
    for key in removed:
        if key in catalogue.ids:
            catalogue.dropped.append(catalogue.ids.pop(key))
        catalogue.members.pop(key, None)
        catalogue.touched.discard(key)
    stories = []
    for key in sorted(changed):
        members = clusterer.members(key)
        catalogue.members[key] = tuple(m.article_id for m in members)
        catalogue.ids.setdefault(key, _digest(catalogue.members[key]))
        catalogue.touched.add(key)
        stories.append(StoredStory(key, catalogue.ids[key], _centroid(members), tuple(
            StoryMember(m.article_id, catalogue.hashes[m.article_id], m.vector)
            for m in members)))
    holder = {id(e): key for key in changed for e in clusterer.raw_events(key)}
    if any(id(e) not in holder for e in events):  # not expected: every change is upserted
        holder |= {id(e): key for key in clusterer.open_keys() for e in clusterer.raw_events(key)}
    resolved = [_resolved(e, catalogue.ids[holder[id(e)]], other_ids) for e in events]
    store.save_story_changes(stories, removed, resolved, embedder=model_id,
                             next_key=clusterer.next_key)


def _resolved(event: StoryEvent, story_id: str, other_ids: dict[str, str]) -> StoryEvent:
    other = event.other_story_id
    return StoryEvent(event.kind, event.article_id, story_id, other_ids.get(other, other)
                      if other else other, event.confidence, event.reason)


def _touched_stories(store: SqliteStore, clusterer: ResumableStories,
                     catalogue: _Catalogue) -> list[Story]:
    """The touched stories with their stable ids and their whole stored history."""
    log = StoryLog(r.event for r in store.story_events())
    stories = []
    for key in sorted(catalogue.touched):
        story_id = catalogue.ids[key]
        finished = clusterer.finish(key)
        history = log.history(story_id, finished.article_ids)
        decided = [e.confidence for e in history if e.kind != "new"]
        stories.append(Story(id=story_id, title=finished.title,
                             article_ids=finished.article_ids,
                             confidence=min(decided, default=1.0), history=history))
    return stories


class StoryLog:
    """The recorded decisions (oldest first), read as stories' histories: a story's history is
    how each of its articles was placed (wherever it was placed first), and the merges, splits
    and moves made into it or into any story merged into it (a merge hands the absorbed
    story's past to the survivor)."""

    def __init__(self, events: Iterable[StoryEvent]) -> None:
        self._placements: dict[str, list[tuple[int, StoryEvent]]] = {}
        self._changes: dict[str, list[tuple[int, StoryEvent]]] = {}
        absorbed_by: dict[str, str] = {}
        ordered = list(enumerate(events))
        for _, event in ordered:
            if event.kind == "merge" and event.other_story_id:
                absorbed_by[event.other_story_id] = event.story_id
        for n, event in ordered:
            if event.kind in ("new", "join"):
                self._placements.setdefault(event.article_id or "", []).append((n, event))
            else:
                owner = _owner(event.story_id, absorbed_by)
                self._changes.setdefault(owner, []).append((n, event))

    def history(self, story_id: str, article_ids: Iterable[str]) -> tuple[StoryEvent, ...]:
        found = list(self._changes.get(story_id, []))
        for article_id in article_ids:
            found += self._placements.get(article_id, [])
        return tuple(event for _, event in sorted(found, key=lambda item: item[0]))


def _owner(story_id: str, absorbed_by: dict[str, str]) -> str:
    seen = set()
    while story_id in absorbed_by and story_id not in seen:
        seen.add(story_id)
        story_id = absorbed_by[story_id]
    return story_id


def _centroid(members: list[Features]) -> np.ndarray:
    total = np.sum([m.vector for m in members], axis=0)
    norm = float(np.linalg.norm(total))
    return (total / norm if norm > 0 else total).astype(np.float32)


def _digest(article_ids: Iterable[str]) -> str:
    # The same digest ``stories.py`` gives a story: sorted article ids, sha1, 10 hex digits.
    return "story-" + hashlib.sha1("\n".join(sorted(article_ids)).encode()).hexdigest()[:10]


def _arrival_key(analysis: Analysis) -> tuple[datetime, str]:
    """Publication time, then id: the order ``cluster_stories`` places articles in."""
    published = analysis.article.published
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return (published or _FAR_FUTURE, analysis.article.id)

"""Resumed story grouping: stored stories stay as they are; new articles join them or open new
ones (``corroborator analyze PATHS --db news.db --with-stored``). This module is the run: its
entry ``resume_stories``, placing the new articles, saving each placement and reporting; which
stored stories to reopen, and the state that makes reopening few of them exact, is in
resume_lazy.py.

1. *Restore*, lazily (resume_lazy.py): a stored story is reopened under its stable key (its
   members' features recomputed from the analysis cache and their stored embeddings: no
   parse, no embedding) only when an arrival could join it (among its ``story_candidates``
   nearest and within ``story_max_gap_days``) or it holds one of the run's input articles (to
   be reported). The candidate index holds every stored story and the store keeps the online
   IDF's document frequencies, so a lazy run decides exactly as one that restored every story
   first (``lazy=False``, still used by the first run after an upgrade or a change of the
   story features, which counts the frequencies again).
2. *Place*: only the articles no stored story holds, in arrival order. Each placement (the
   stories it changed, any merged away, its decisions, its terms' frequencies) is saved in one
   transaction, so a killed run loses at most the article being placed and a re-run places
   only what is missing.
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
from collections.abc import Iterable, Iterator, Sequence
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
from .resume_lazy import (
    STATS_FORMAT,
    AnalysisLoader,
    Progress,
    StoredFrequencies,
    StoryRestorer,
    aware,
    stats_signature,
)
from .settings import Settings
from .store import SqliteStore, StoredStory, StoryMember
from .store.rows import article_key
from .stories import OnlineStories
from .story_candidates import BruteForceIndex, CandidateIndex, RecordingIndex, unit
from .story_features import Features, story_text

# The public names; those defined in resume_lazy.py are re-exported, as callers import them here.
__all__ = [
    "STATS_FORMAT", "AnalysisLoader", "Progress", "ResumableStories", "ResumeResult",
    "StoredFrequencies", "StoryLog", "embedder_id", "resume_stories", "stats_signature",
    "story_index_path",
]

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

    def member_ids(self, key: int) -> list[str]:
        return [m.article_id for m in self._open[key].members]

    def is_open(self, key: int) -> bool:
        return key in self._open

    def newest(self, key: int) -> datetime | None:
        return self._open[key].newest


@dataclass
class _Catalogue:
    """What this run knows of the stored stories: stable ids and members by key."""
    ids: dict[int, str] = field(default_factory=dict)
    members: dict[int, tuple[str, ...]] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)  # article id -> content hash
    touched: set[int] = field(default_factory=set)
    dropped: list[str] = field(default_factory=list)

    def remember(self, story: StoredStory) -> None:
        """A stored story reopened by this run: its stable id, members and their hashes."""
        self.ids[story.key] = story.story_id
        self.members[story.key] = tuple(m.article_id for m in story.members)
        self.hashes.update((m.article_id, m.content_hash) for m in story.members)

    def key_of(self) -> dict[str, int]:
        return {a: key for key, ids in self.members.items() for a in ids}


def resume_stories(
    store: SqliteStore, analyses: Sequence[Analysis], embedder: Embedder, settings: Settings,
    *, load: AnalysisLoader, index_path: str | PathLike[str],
    progress: Progress | None = None, lazy: bool = True,
) -> ResumeResult:
    """Restore the store's stories, place the ``analyses`` no stored story holds, save each
    placement, and return the touched stories (see the module docstring). One resumed run per
    store at a time: a second one waits for the first (``<store>.resume.lock``). ``lazy``
    False restores every stored story up front (same placements, slower: for comparison)."""
    with _exclusive(None if store.path == ":memory:" else Path(f"{store.path}.resume.lock")):
        return _resume(store, analyses, embedder, settings, load, index_path,
                       progress or (lambda _message: None), lazy)


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
            say: Progress, lazy: bool) -> ResumeResult:
    catalogue = _Catalogue()
    model_id = embedder_id(embedder)
    _check_embedder(store, model_id)
    arriving = [*analyses, *_stored_unplaced(store, analyses, load)]
    # Which of them a story holds: looked up by id, not by reading every placed id.
    todo = _unplaced(arriving, set(store.story_keys_holding(a.article.id for a in arriving)))
    vectors = embedder.encode([story_text(a, settings) for a in todo]) if todo else None
    index, indexed, rebuilt = _candidate_index(store, settings, vectors, model_id, index_path)
    if rebuilt:
        say(f"story index rebuilt from the store: {rebuilt}")
    recorder = RecordingIndex(index)
    stats_current = store.story_stats_current(stats_signature(settings))
    lazy = lazy and stats_current  # the first run after an upgrade counts them, eagerly
    frequencies = StoredFrequencies(store if lazy else None)
    clusterer = ResumableStories(settings, recorder, frequencies)
    restorer = StoryRestorer(store, clusterer, load, settings, frequencies,
                             indexed=indexed or lazy, on_reopen=catalogue.remember)
    if lazy:
        restorer.lazily([a.article.id for a in analyses],
                        fill=recorder if todo and not indexed else None)
    else:
        restorer.eagerly(say, recount=not stats_current)
    clusterer.start_keys_at(store.next_story_key())
    recorder.drain()  # restoring is not a change
    frequencies.drain()
    say(f"restored {len(restorer.restored)} stored stories"
        f"{' (the rest as candidates)' if lazy else ''}; placing {len(todo)} new articles")
    for analysis, vector in zip(todo, vectors if vectors is not None else [], strict=True):
        catalogue.hashes[analysis.article.id] = article_key(analysis.article)
        if lazy:
            restorer.candidates(unit(vector), analysis)
        events = clusterer.add(analysis, vector)
        _save_placement(store, clusterer, recorder, frequencies, events, catalogue,
                        analysis.article.id, model_id)
    if todo and indexed:
        from .story_index import AnnStoryIndex, save_story_index

        assert isinstance(index, AnnStoryIndex)
        save_story_index(index, store, index_path, embedder=model_id)
    key_of = catalogue.key_of()
    catalogue.touched |= {key_of[a.article.id] for a in analyses if a.article.id in key_of}
    stories = _touched_stories(store, clusterer, catalogue)
    hashes = {i: catalogue.hashes[i] for s in stories for i in s.article_ids}
    return ResumeResult(tuple(stories), hashes, tuple(catalogue.dropped),
                        len(restorer.restored), len(todo), rebuilt)


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


def _save_placement(store: SqliteStore, clusterer: ResumableStories, recorder: RecordingIndex,
                    frequencies: StoredFrequencies, events: list[StoryEvent],
                    catalogue: _Catalogue, article_id: str, model_id: str) -> None:
    """Store what one ``add`` changed, in one transaction, with the events' story ids made
    stable (a new story's id is the digest of its articles when it is first stored), the
    changed stories' latest publication and the placed article's terms."""
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
    df_added, df_articles = frequencies.drain()
    store.save_story_changes(stories, removed, resolved, embedder=model_id,
                             next_key=clusterer.next_key,
                             newest={key: clusterer.newest(key) for key in changed},
                             df_added=df_added, df_articles=df_articles)


def _resolved(event: StoryEvent, story_id: str, other_ids: dict[str, str]) -> StoryEvent:
    other = event.other_story_id
    return StoryEvent(event.kind, event.article_id, story_id, other_ids.get(other, other)
                      if other else other, event.confidence, event.reason)


def _touched_stories(store: SqliteStore, clusterer: ResumableStories,
                     catalogue: _Catalogue) -> list[Story]:
    """The touched stories with their stable ids and their whole stored history."""
    log = _touched_log(store, clusterer, catalogue)
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


def _touched_log(store: SqliteStore, clusterer: ResumableStories,
                 catalogue: _Catalogue) -> StoryLog:
    """The part of the stored log the touched stories' histories read: every merge (who was
    absorbed by whom), the placements of their members, and the other decisions of them and
    of every story merged into them; in log order, so histories are those of the whole log."""
    merges = store.story_merges()
    absorbed_by = {r.event.other_story_id: r.event.story_id for r in merges
                   if r.event.other_story_id}
    owners = {catalogue.ids[key] for key in catalogue.touched}
    story_ids = owners | {s for s in absorbed_by if _owner(s, absorbed_by) in owners}
    members = [a for key in catalogue.touched for a in clusterer.member_ids(key)]
    about = store.story_events_about(members, story_ids)
    records = {r.id: r for r in [*merges, *about]}
    return StoryLog(records[i].event for i in sorted(records))


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
    return (aware(analysis.article.published) or _FAR_FUTURE, analysis.article.id)


"""Lazy restore for resumed story runs (resume.py): which stored stories a run reopens, and the
state that lets it reopen only those yet decide every placement as if all were open.

Why a module of its own: resume.py is the run flow (place the new articles, save each
placement, report what was touched); this is the part that keeps a resumed run's cost from
growing with the store. A placement can only be decided by stories that are among the
arrival's ``story_candidates`` nearest and within ``story_max_gap_days`` of it, so those (and
the stories holding the run's input articles, which are reported) are the only ones restored.
Two things make that exact rather than approximate:

- the candidate index must hold every stored story, restored or not: the persistent usearch
  file does; for small stores ``fill_exact_index`` fills the exact index from the stored
  member vectors, centroids computed bit for bit as a restored story computes them;
- the one global the scores read, the online IDF's document frequencies, must count every
  placed article: ``StoredFrequencies`` reads them from the store (``story_term_df``,
  migration 6), counts this run's placements on top and hands them back to be saved in each
  placement's transaction. ``stats_signature`` names what they were counted with; when it
  differs (first run after an upgrade, changed story settings) the run restores eagerly and
  counts them again (``StoryRestorer.eagerly``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np

from .analysis.pipeline import ANALYZER_VERSION
from .model import Analysis
from .settings import Settings
from .store import SqliteStore, StoredStory
from .stories import beyond_gap
from .story_candidates import CandidateIndex, unit
from .story_features import DocumentFrequencies, article_features, entity_keys

if TYPE_CHECKING:  # resume.py imports this module: the clusterer's type only, no import cycle
    from .resume import ResumableStories

# Loads the analyses of stored articles, given (article id, content hash) pairs, in that order.
AnalysisLoader = Callable[[Sequence[tuple[str, str]]], list[Analysis]]
Progress = Callable[[str], None]
# Bump when what the stored document frequencies count changes: stores then count them again.
STATS_FORMAT = 1


def stats_signature(settings: Settings) -> str:
    """What the stored document frequencies were counted with: the analyzer and the opening
    the story features read (another value would count other terms, so they are rebuilt)."""
    return f"df/{STATS_FORMAT};{ANALYZER_VERSION};terms_chars={settings.story_terms_chars}"


class StoredFrequencies(DocumentFrequencies):
    """The online document frequencies of a resumed run: over every placed article, as the
    eager run counts them. Lazy (``store`` given): a term's stored count is read on its first
    use (``prefetch`` reads many at once) and this run's placements are counted on top; eager:
    counted from the restored stories. Either way ``drain`` hands over the terms of the
    articles placed since the last drain, which the store adds with the placement."""

    def __init__(self, store: SqliteStore | None = None) -> None:
        super().__init__()
        self._store = store
        self._loaded: set[str] = set()
        self._added: Counter[str] = Counter()
        self._added_articles = 0
        if store is not None:
            self.count = store.story_df_articles()

    def add(self, keys: set[str]) -> None:
        self.prefetch(keys)  # the stored count first: the placement is counted on top of it
        super().add(keys)
        self._added.update(keys)
        self._added_articles += 1

    def idf(self, key: str) -> float:
        if self._store is not None and key not in self._loaded:
            self.prefetch((key,))  # not expected: candidates' terms are prefetched
        return super().idf(key)

    def prefetch(self, keys: Iterable[str]) -> None:
        if self._store is None:
            return
        missing = [k for k in keys if k not in self._loaded]
        if missing:
            self.df.update(self._store.document_frequencies(missing))
            self._loaded.update(missing)

    def drain(self) -> tuple[Counter[str], int]:
        added, articles = self._added, self._added_articles
        self._added, self._added_articles = Counter(), 0
        return added, articles


class StoryRestorer:
    """Reopens stored stories in the clusterer under their keys: every one (eager), or each
    only when an arrival could join it (lazy): it is among the arrival's candidates and not
    ``story_max_gap_days`` away from it, or it holds one of the run's input articles.
    ``on_reopen`` is told of each story reopened (the run's catalogue of stable ids)."""

    def __init__(self, store: SqliteStore, clusterer: ResumableStories, load: AnalysisLoader,
                 settings: Settings, frequencies: StoredFrequencies, *, indexed: bool,
                 on_reopen: Callable[[StoredStory], None]) -> None:
        self.store, self.clusterer, self.load = store, clusterer, load
        self.settings, self.frequencies = settings, frequencies
        self.indexed, self.on_reopen = indexed, on_reopen
        self.restored: set[int] = set()
        self._absent: set[int] = set()  # keys no stored story can be restored from

    def eagerly(self, say: Progress, *, recount: bool) -> None:
        """Every stored story; with ``recount`` the stored document frequencies are counted
        again from them (the stored ones were counted with another ``stats_signature``)."""
        for story in self.store.stored_stories():
            self._reopen(story, counted=False)
        if recount:
            say("counting the stored stories' document frequencies (once per store)")
            self.store.replace_story_stats(
                self.frequencies.df, self.frequencies.count, stats_signature(self.settings),
                {key: self.clusterer.newest(key) for key in self.restored})

    def lazily(self, input_ids: Iterable[str], *, fill: CandidateIndex | None) -> None:
        """The start of a lazy run: ``fill`` (an exact index, when there is anything to place)
        gets every stored story's centroid; the stories holding ``input_ids`` are reopened."""
        if fill is not None:
            fill_exact_index(self.store, fill)
        self.holding(input_ids)

    def holding(self, article_ids: Iterable[str]) -> None:
        for key in sorted(set(self.store.story_keys_holding(article_ids).values())):
            self._key(key)

    def candidates(self, vector: np.ndarray, analysis: Analysis) -> None:
        """The stored stories among the arrival's candidates that it could join: the same
        ``nearest`` query ``OnlineStories.add`` makes next, on the same index."""
        keys = [key for key, _ in self.clusterer.index.nearest(
            vector, self.settings.story_candidates)
            if not self.clusterer.is_open(key) and key not in self._absent]
        newest = self.store.story_newest(keys)
        published = aware(analysis.article.published)
        for key in keys:
            if not beyond_gap(newest.get(key), published, self.settings):
                self._key(key)

    def _key(self, key: int) -> None:
        if self.clusterer.is_open(key) or key in self._absent:
            return
        story = self.store.stored_story(key)
        if story is None:
            self._absent.add(key)
        else:
            self._reopen(story, counted=True)

    def _reopen(self, story: StoredStory, *, counted: bool) -> None:
        pairs = [(m.article_id, m.content_hash) for m in story.members]
        analyses = self.load(pairs)
        features = [article_features(a, m.vector, self.settings)
                    for a, m in zip(analyses, story.members, strict=True)]
        if counted:  # the IDF of the story's terms is read when it is scored
            self.frequencies.prefetch(set().union(
                *(set(f.terms) | entity_keys(f.entities) for f in features)))
        titles = [a.article.title or a.article.text[:80] for a in analyses]
        self.clusterer.restore(story.key, features, titles, indexed=self.indexed,
                               counted=counted)
        self.on_reopen(story)
        self.restored.add(story.key)


def fill_exact_index(store: SqliteStore, index: CandidateIndex) -> None:
    """Every stored story's centroid, computed from its members as a restored story computes
    it (bit for bit: an exact index ranks by it), without restoring the stories."""
    for key, vectors in store.story_member_vectors():
        index.upsert(key, unit(np.sum(vectors, axis=0)))


def aware(published: datetime | None) -> datetime | None:
    """A publication time as the story features read it: naive times are UTC."""
    if published is not None and published.tzinfo is None:
        return published.replace(tzinfo=UTC)
    return published

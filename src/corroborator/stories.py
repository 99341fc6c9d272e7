"""Story clustering, online: each arriving article joins a story or opens one; stories that turn
out to be one event are merged later. Every decision is kept in the story's history.

Articles arrive in publication order (then id), so the result is what an online system would have
produced. For each article:

1. *Candidates*: a ``CandidateIndex`` returns the open stories whose centroid (mean MiniLM
   embedding of title + lead) is nearest; the best ``story_candidates`` are scored. The embedding
   finds the right topic well but blurs two similar events (two earthquakes, two arrests).
2. *Join-or-new*: each candidate is scored on the specifics that tell similar events apart, both
   against the story as a whole (its centroid, summed terms, all its names) and against its
   closest member articles, so that a story cannot drift towards a neighbouring event through its
   centroid. A pair score adds embedding cosine, TF-IDF cosine of the opening text (online IDF),
   and the IDF-weighted share of the article's persons, places and organisations found on the
   other side; it subtracts penalties when both sides name years, or persons, and share none.
   The best candidate is joined when its score reaches ``story_join_threshold``.
3. *Merge*: the story the article went to is compared with the other candidates the article
   also scored highly for; when the two stories' members link strongly on average (average
   linkage of pair scores >= ``story_merge_threshold``), they are one event and are merged.
4. *Split*: the story's latest members are cut in two by average linkage of their pair scores;
   when the two parts link weakly (< ``story_split_threshold``) and each is coherent, an early
   wrong join is undone and the later part becomes a story of its own.
5. *Move*: members of the stories the article touched or nearly fitted are re-checked one by
   one (mean pair score to each of those stories, leave-one-out for their own); one that fits
   another clearly better moves there, one that fits none moves out to a story of its own. A
   join that was right when the article arrived (its story did not exist yet) is undone, so the
   result depends less on arrival order.

IDF is online: document frequencies of the articles seen so far. Weights and thresholds were set
on ECB+ training topics only; see docs/stories.md and ``corroborator eval stories``.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from .embed import Embedder
from .model import Analysis, Story, StoryEvent
from .settings import Settings
from .story_candidates import BruteForceIndex, CandidateIndex, unit
from .story_features import (
    DocumentFrequencies,
    Features,
    article_features,
    entity_keys,
    entity_share,
    fact_conflicts,
    story_text,
    tfidf_cosine,
)
from .story_partition import split_margin, two_groups

_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)
# Pair scores kept for the move check: ~100 bytes each, so this bounds the cache near 20 MB.
_PAIR_CACHE_SIZE = 200_000


@dataclass
class _OpenStory:
    key: int
    members: list[Features] = field(default_factory=list)
    terms: Counter[str] = field(default_factory=Counter)
    entities: dict[str, set[str]] = field(default_factory=dict)
    years: set[int] = field(default_factory=set)
    facts: set[str] = field(default_factory=set)
    newest: datetime | None = None
    events: list[tuple[int, StoryEvent]] = field(default_factory=list)  # (sequence, event)
    # Symmetric member-pair scores (sorted id pair -> score) kept for the split check, so that a
    # join scores only the newcomer against the window; pruned to the window at each check.
    pair_scores: dict[tuple[str, str], float] = field(default_factory=dict)

    @property
    def centroid(self) -> np.ndarray:
        return unit(np.sum([m.vector for m in self.members], axis=0))

    @property
    def provisional_id(self) -> str:
        return _story_id(m.article_id for m in self.members)

    def add(self, features: Features) -> None:
        self.members.append(features)
        self.terms.update(features.terms)
        self.years |= features.years
        self.facts |= features.facts
        for kind, names in features.entities.items():
            self.entities.setdefault(kind, set()).update(names)
        if features.published and (self.newest is None or features.published > self.newest):
            self.newest = features.published

    def absorb(self, other: _OpenStory) -> None:
        for member in other.members:
            self.add(member)
        self.events = sorted(self.events + other.events, key=lambda item: item[0])
        self.pair_scores |= other.pair_scores

    def rebuilt(self, key: int, members: list[Features]) -> _OpenStory:
        """A story of the given members (in their order) with their placement events and the
        cached pair scores; the caller adds any split event."""
        story = _OpenStory(key)
        for member in members:
            story.add(member)
        ids = {m.article_id for m in members}
        story.events = [(n, e) for n, e in self.events
                        if e.kind in ("new", "join") and e.article_id in ids
                        or e.kind not in ("new", "join") and key == self.key]
        story.pair_scores = dict(self.pair_scores)
        return story




class OnlineStories:
    """The online clusterer: ``add`` articles in arrival order, read ``stories()`` at any time.

    ``index`` holds each open story's centroid under its story number (0, 1, 2, ... never
    reused, merged-away numbers are removed); default ``BruteForceIndex``. The index must start
    empty: the stories' own state (members, terms, names) lives here, not in the index."""

    def __init__(self, settings: Settings, index: CandidateIndex | None = None,
                 frequencies: DocumentFrequencies | None = None) -> None:
        self.settings = settings
        self.index: CandidateIndex = index if index is not None else BruteForceIndex()
        self._open: dict[int, _OpenStory] = {}
        self._titles: dict[str, str] = {}
        # Injectable: a resumed run passes the store's frequencies (resume.StoredFrequencies).
        self._frequencies = frequencies if frequencies is not None else DocumentFrequencies()
        self._sequence = 0
        self._next_key = 0
        # Symmetric pair scores for the move check (sorted id pair -> score), bounded FIFO.
        self._pair_cache: dict[tuple[str, str], float] = {}

    def add(self, analysis: Analysis, vector: np.ndarray) -> list[StoryEvent]:
        """Place one article; returns the decisions it caused (new or join, then any merges, a
        split, moves)."""
        features = article_features(analysis, unit(vector), self.settings)
        article = analysis.article
        self._titles[article.id] = article.title or article.text[:80]
        self._frequencies.add(set(features.terms) | entity_keys(features.entities))
        scored = self._score_candidates(features)
        s = self.settings
        best_score = scored[0][0] if scored else float("-inf")
        runner_up = scored[1][0] if len(scored) > 1 else None
        if best_score >= s.story_join_threshold:
            story = scored[0][1]
            margin = best_score - max(s.story_join_threshold, runner_up or float("-inf"))
            reason = f"joined: score {best_score:.2f} >= {s.story_join_threshold:.2f}" + (
                f" (next story {runner_up:.2f})" if runner_up is not None else "")
            kind = "join"
        else:
            story = self._open_story()
            margin = s.story_join_threshold - best_score if scored else 1.0
            reason = (f"new: best story score {best_score:.2f} < {s.story_join_threshold:.2f}"
                      if scored else "new: no open story")
            kind = "new"
        story.add(features)
        self.index.upsert(story.key, story.centroid)
        events = [self._record(story, kind, article.id, None, margin, reason)]
        fitted = [other for score, other in scored if score >= s.story_join_threshold]
        story, merged = self._merge_into(story, fitted, article.id)
        next_key = self._next_key
        split = self._split(story, article.id)
        # The stories the newcomer touched or nearly fitted: where a past join may now look wrong.
        contested = [other.key for score, other in scored
                     if score >= s.story_join_threshold - s.story_move_slack]
        touched = [story.key, *range(next_key, self._next_key), *contested]
        return events + merged + split + self._reassign(touched, article.id)

    def stories(self) -> list[Story]:
        return [self._finish(story) for _, story in sorted(self._open.items())]

    def _open_story(self) -> _OpenStory:
        key, self._next_key = self._next_key, self._next_key + 1
        self._open[key] = story = _OpenStory(key)
        return story

    def _score_candidates(self, features: Features) -> list[tuple[float, _OpenStory]]:
        s = self.settings
        scored = []
        for key, cosine in self.index.nearest(features.vector, s.story_candidates):
            story = self._open.get(key)
            if story is None or _too_far_apart(story, features, s):
                continue
            scored.append((self._story_score(story, features, cosine), story))
        return sorted(scored, key=lambda item: (-item[0], item[1].key))

    def _story_score(self, story: _OpenStory, features: Features, cosine: float) -> float:
        """Whole-story score blended with the mean score of the closest members."""
        s, df = self.settings, self._frequencies
        whole = _pair_score(features, cosine, story, df, s)
        members = sorted((_pair_score(features, float(features.vector @ m.vector), m, df, s)
                          for m in story.members), reverse=True)[: s.story_link_members]
        linked = sum(members) / len(members)
        return (1 - s.story_member_weight) * whole + s.story_member_weight * linked

    def _merge_into(self, story: _OpenStory, others: list[_OpenStory],
                    article_id: str) -> tuple[_OpenStory, list[StoryEvent]]:
        """Merge the stories the newcomer also fitted when their members link strongly; returns
        the story that now holds the newcomer and the merge events."""
        s, events = self.settings, []
        for other in others:
            if other.key not in self._open or other is story:
                continue
            linkage = _average_linkage(story, other, self._frequencies, s)
            if linkage < s.story_merge_threshold:
                continue
            keep, gone = sorted((story, other), key=lambda st: (-len(st.members), st.key))
            reason = (f"merged: {article_id} fitted both; average member linkage "
                      f"{linkage:.2f} >= {s.story_merge_threshold:.2f}")
            gone_id = gone.provisional_id
            keep.absorb(gone)
            del self._open[gone.key]
            self.index.remove(gone.key)
            events.append(self._record(keep, "merge", article_id, gone_id,
                                       linkage - s.story_merge_threshold, reason))
            self.index.upsert(keep.key, keep.centroid)
            story = keep
        return story, events

    def _split(self, story: _OpenStory, article_id: str) -> list[StoryEvent]:
        """Split the story in two when its latest members fall into two coherent groups that
        link weakly (the undo of an early wrong join; see ``story_partition.two_groups``)."""
        s = self.settings
        if not s.story_split_min_members or len(story.members) < s.story_split_min_members:
            return []
        window = story.members[-s.story_split_members:]
        partition = two_groups(self._window_scores(story, window), s)
        if partition is None:
            return []
        # The part holding the window's earliest member keeps the story's key (and the older
        # members outside the window): the story it was before the wrong join.
        moving = {window[i].article_id for i in partition.moved}
        kept = story.rebuilt(story.key, [m for m in story.members if m.article_id not in moving])
        new_key, self._next_key = self._next_key, self._next_key + 1
        split_off = story.rebuilt(new_key, [m for m in story.members if m.article_id in moving])
        self._open[kept.key], self._open[new_key] = kept, split_off
        self.index.upsert(kept.key, kept.centroid)
        self.index.upsert(new_key, split_off.centroid)
        margin, why = split_margin(partition, s)
        reason = (f"split: {article_id} made {len(moving)} of the latest {len(window)} members "
                  f"a group of their own; {why}")
        return [self._record(kept, "split", article_id, split_off.provisional_id, margin, reason)]

    def _reassign(self, keys: list[int], article_id: str) -> list[StoryEvent]:
        """Move single articles that fit another touched story clearly better than their own.

        Each member of the touched stories' latest ``story_split_members`` is compared with
        each of those stories by average pair score (leave-one-out for its own story); it moves
        when another story beats its own by ``story_move_margin`` and reaches the join threshold,
        or out to a story of its own when it fits none of them (its own below
        ``story_move_out_threshold``, the others below the join threshold). This undoes a join
        that looked right when the article arrived but not once the right story exists (order
        dependence); at most ``story_move_max`` moves per arrival."""
        s = self.settings
        if s.story_move_margin <= 0:
            return []
        stories = [self._open[k] for k in dict.fromkeys(keys) if k in self._open]
        stories = stories[: s.story_move_stories]
        windows = {st.key: st.members[-s.story_split_members:] for st in stories}
        moves: list[_Move] = []
        for source in stories:
            if len(source.members) < 2:
                continue  # a one-article story that fits elsewhere is a merge
            for member in windows[source.key]:
                fits = {st.key: self._fit(member, windows[st.key]) for st in stories}
                moves += _move_of(member.article_id, source, fits, s)
        events: list[StoryEvent] = []
        moved: set[str] = set()
        for move in sorted(moves, key=lambda m: (-m.margin, m.article_id)):
            if len(events) >= s.story_move_max or move.article_id in moved:
                continue
            if move.source in self._open and (move.target is None or move.target in self._open):
                moved.add(move.article_id)
                events.append(self._move(move, article_id))
        return events

    def _fit(self, member: Features, window: list[Features]) -> float:
        """Mean symmetric pair score of a member to a window's other articles."""
        scores = [self._cached_score(member, other) for other in window
                  if other.article_id != member.article_id]
        return sum(scores) / len(scores) if scores else float("-inf")

    def _cached_score(self, a: Features, b: Features) -> float:
        key = (min(a.article_id, b.article_id), max(a.article_id, b.article_id))
        score = self._pair_cache.get(key)
        if score is None:
            score = self._pair_cache[key] = self._symmetric_score(a, b)
            if len(self._pair_cache) > _PAIR_CACHE_SIZE:  # bounded: drop the oldest entry
                del self._pair_cache[next(iter(self._pair_cache))]
        return score

    def _move(self, move: _Move, article_id: str) -> StoryEvent:
        """Move one article (with its own new/join event) from one open story to another or to
        a new one."""
        source = self._open[move.source]
        target = self._open[move.target] if move.target is not None else self._open_story()
        member = next(m for m in source.members if m.article_id == move.article_id)
        source_id = source.provisional_id
        placement = [(n, e) for n, e in source.events
                     if e.kind in ("new", "join") and e.article_id == move.article_id]
        rest = source.rebuilt(source.key,
                              [m for m in source.members if m.article_id != move.article_id])
        if rest.members:
            self._open[source.key] = rest
            self.index.upsert(source.key, rest.centroid)
        else:  # its last article left (two moves from a two-article story)
            del self._open[source.key]
            self.index.remove(source.key)
        target.add(member)
        target.events = sorted(target.events + placement, key=lambda item: item[0])
        self.index.upsert(target.key, target.centroid)
        return self._record(target, "move", move.article_id, source_id, move.margin,
                            f"moved: after {article_id}, {move.reason}")

    def _window_scores(self, story: _OpenStory, window: list[Features]) -> np.ndarray:
        """Symmetric pair scores of the window's members (mean of both directions); cached
        in the story, so a join adds only the newcomer's row."""
        n, cache = len(window), story.pair_scores
        matrix = np.zeros((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                a, b = window[i], window[j]
                key = (min(a.article_id, b.article_id), max(a.article_id, b.article_id))
                if key not in cache:
                    cache[key] = self._symmetric_score(a, b)
                matrix[i, j] = matrix[j, i] = cache[key]
        ids = {m.article_id for m in window}
        story.pair_scores = {k: v for k, v in cache.items() if k[0] in ids and k[1] in ids}
        return matrix

    def _symmetric_score(self, a: Features, b: Features) -> float:
        cosine = float(a.vector @ b.vector)
        df, s = self._frequencies, self.settings
        return (_pair_score(a, cosine, b, df, s) + _pair_score(b, cosine, a, df, s)) / 2

    def _record(self, story: _OpenStory, kind: str, article_id: str | None,
                other_id: str | None, margin: float, reason: str) -> StoryEvent:
        confidence = 1.0 / (1.0 + math.exp(-margin / self.settings.story_confidence_scale))
        # The surviving story's final id is not known yet: "" is filled in by _finish.
        event = StoryEvent(kind, article_id, "", other_id, round(confidence, 3), reason)  # type: ignore[arg-type]
        self._sequence += 1
        story.events.append((self._sequence, event))
        return event

    def _finish(self, story: _OpenStory) -> Story:
        """Titled by the member closest to the centroid (representative, not merely the first
        to arrive; ties go to the earliest)."""
        centroid = story.centroid
        closeness = [float(m.vector @ centroid) for m in story.members]
        title = self._titles[story.members[int(np.argmax(closeness))].article_id]
        story_id = story.provisional_id
        history = tuple(_with_story_id(e, story_id) for _, e in story.events)
        decided = [e.confidence for e in history if e.kind != "new"]
        return Story(id=story_id, title=title,
                     article_ids=tuple(m.article_id for m in story.members),
                     confidence=min(decided, default=1.0), history=history)

    def restore(self, key: int, members: Sequence[Features], titles: Sequence[str], *,
                indexed: bool = False, counted: bool = False) -> None:
        """Reopen a stored story under its ``key`` (a resumed run, see resume.py): its members'
        features in their stored order and their display titles. The members count towards the
        online IDF; new stories are numbered above every restored key. ``indexed``: the caller's
        index already holds this story's vector (a persistent index file), so it is not upserted
        again (at 100k stories that would rebuild the graph one insertion at a time).
        ``counted``: the frequencies already count these members (a lazy resume restores a
        story only when it is a candidate, against frequencies kept in the store)."""
        story = _OpenStory(key)
        for features, title in zip(members, titles, strict=True):
            story.add(features)
            self._titles[features.article_id] = title
            if not counted:
                self._frequencies.add(set(features.terms) | entity_keys(features.entities))
        self._open[key] = story
        self._next_key = max(self._next_key, key + 1)
        if not indexed:
            self.index.upsert(key, story.centroid)


def cluster_stories(
    analyses: Sequence[Analysis], embedder: Embedder, settings: Settings,
    index: CandidateIndex | None = None,
) -> list[Story]:
    """Group articles into stories online, in arrival order (publication time, then id)."""
    ordered = sorted(analyses, key=_arrival_key)
    vectors = embedder.encode([story_text(a, settings) for a in ordered])
    if index is None and len(ordered) >= settings.story_ann_min_articles:
        # An exact scan over every open story costs O(stories) per article; past a few
        # thousand stories the approximate index is faster at the same decisions
        # (docs/story_index.md). Imported here: usearch is only needed for large inputs.
        from .story_index import AnnStoryIndex

        index = AnnStoryIndex(vectors.shape[1])
    clusterer = OnlineStories(settings, index)
    for analysis, vector in zip(ordered, vectors, strict=True):
        clusterer.add(analysis, vector)
    return clusterer.stories()












def _pair_score(features: Features, cosine: float, other: Features | _OpenStory,
                frequencies: DocumentFrequencies, settings: Settings) -> float:
    """How strongly an article belongs with one other side (a story or a member article)."""
    s, entities = settings, other.entities
    score = s.story_embedding_weight * cosine
    score += s.story_tfidf_weight * tfidf_cosine(features.terms, other.terms, frequencies)
    for kind, weight, penalty in (
            ("person", s.story_person_weight, s.story_person_conflict_penalty),
            ("place", s.story_place_weight, s.story_place_conflict_penalty),
            ("org", s.story_org_weight, 0.0)):
        mine, theirs = features.entities.get(kind, set()), entities.get(kind, set())
        share = entity_share(kind, mine, theirs, frequencies)
        score += weight * share
        if mine and theirs and share == 0.0:
            score -= penalty  # both name people (places), none in common: another event
    if features.years and other.years and not features.years & other.years:
        score -= s.story_year_conflict_penalty  # e.g. a 2008 quake vs a 2013 quake
    score -= s.story_fact_conflict_penalty * fact_conflicts(
        features.facts, other.facts, s.story_fact_tolerance, s.story_fact_weekdays)
    return score


@dataclass(frozen=True)
class _Move:
    article_id: str
    source: int  # story key
    target: int | None  # story key; None = a new story
    margin: float  # how far past its criterion (the event's confidence)
    reason: str


def _move_of(article_id: str, source: _OpenStory, fits: dict[int, float],
             settings: Settings) -> list[_Move]:
    """The move one member of ``source`` should make given its mean pair score to each touched
    story (``fits``, by key), if any."""
    s, own = settings, fits[source.key]
    target = max(fits, key=lambda k: (fits[k], -k))
    gain = fits[target] - own
    if (target != source.key and gain >= s.story_move_margin
            and fits[target] >= s.story_join_threshold):
        return [_Move(article_id, source.key, target, gain - s.story_move_margin,
                      f"{article_id} fits this story better than its own by {gain:.2f} "
                      f"(mean pair score {fits[target]:.2f} vs {own:.2f}) >= "
                      f"{s.story_move_margin:.2f}")]
    others = [f for k, f in fits.items() if k != source.key]
    if (s.story_move_out_threshold > 0 and len(source.members) >= 3
            and own < s.story_move_out_threshold
            and all(f < s.story_join_threshold for f in others)):
        return [_Move(article_id, source.key, None, s.story_move_out_threshold - own,
                      f"{article_id} fits no story: mean pair score in its own {own:.2f} < "
                      f"{s.story_move_out_threshold:.2f}")]
    return []


def _average_linkage(a: _OpenStory, b: _OpenStory, frequencies: DocumentFrequencies,
                     settings: Settings) -> float:
    """Mean pair score over the two stories' (latest, capped) members, both directions."""
    left = a.members[-settings.story_merge_members:]
    right = b.members[-settings.story_merge_members:]
    scores = [_pair_score(x, float(x.vector @ y.vector), y, frequencies, settings)
              for x in left for y in right]
    return sum(scores) / len(scores)


def _too_far_apart(story: _OpenStory, features: Features, settings: Settings) -> bool:
    return beyond_gap(story.newest, features.published, settings)


def beyond_gap(newest: datetime | None, published: datetime | None,
               settings: Settings) -> bool:
    """Whether an article published at ``published`` cannot join a story whose latest article
    is from ``newest``: more than ``story_max_gap_days`` apart (unknown dates never are)."""
    if newest is None or published is None:
        return False
    return abs((published - newest).days) > settings.story_max_gap_days




def _arrival_key(analysis: Analysis) -> tuple[datetime, str]:
    published = analysis.article.published
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return (published or _FAR_FUTURE, analysis.article.id)


def _story_id(article_ids) -> str:
    return "story-" + hashlib.sha1("\n".join(sorted(article_ids)).encode()).hexdigest()[:10]


def _with_story_id(event: StoryEvent, story_id: str) -> StoryEvent:
    return event if event.story_id else StoryEvent(
        event.kind, event.article_id, story_id, event.other_story_id, event.confidence,
        event.reason)

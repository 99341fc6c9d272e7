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

IDF is online: document frequencies of the articles seen so far. Weights and thresholds were set
on ECB+ training topics only; see docs/stories.md and ``corroborator eval stories``.
"""

from __future__ import annotations

import calendar
import hashlib
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import numpy as np

from .embed import Embedder
from .ingest.language import english_stopwords
from .model import Analysis, Story, StoryEvent
from .settings import Settings

# Entity labels that identify an event, grouped by what they tell apart.
ENTITY_TYPES: dict[str, frozenset[str]] = {
    "person": frozenset({"PERSON"}),
    "place": frozenset({"GPE", "LOC", "FAC"}),
    "org": frozenset({"ORG", "EVENT", "NORP"}),
}
STORY_ENTITY_LABELS = frozenset().union(*ENTITY_TYPES.values())
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_TERM = re.compile(r"[^\W_]{2,}")
_WEEKDAY = re.compile(r"\b(" + "|".join(calendar.day_name) + r")\b", re.IGNORECASE)


class CandidateIndex(Protocol):
    """Nearest open stories to an article vector; keys are story numbers (int >= 0)."""

    def upsert(self, key: int, vector: np.ndarray) -> None: ...
    def remove(self, key: int) -> None: ...
    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]: ...
    def __len__(self) -> int: ...


class BruteForceIndex:
    """The default ``CandidateIndex``: exact cosine over all stored vectors, in memory.

    Ties are broken by the smaller key so that results do not depend on insertion order."""

    def __init__(self) -> None:
        self._vectors: dict[int, np.ndarray] = {}

    def upsert(self, key: int, vector: np.ndarray) -> None:
        self._vectors[key] = _unit(np.asarray(vector, dtype=np.float32))

    def remove(self, key: int) -> None:
        self._vectors.pop(key, None)

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        if not self._vectors or k <= 0:
            return []
        keys = sorted(self._vectors)
        cosines = np.stack([self._vectors[key] for key in keys]) @ _unit(vector)
        order = sorted(range(len(keys)), key=lambda i: (-float(cosines[i]), keys[i]))[:k]
        return [(keys[i], float(cosines[i])) for i in order]

    def __len__(self) -> int:
        return len(self._vectors)


@dataclass
class _Features:
    """What the story stage reads of one article."""
    article_id: str
    vector: np.ndarray
    terms: Counter[str]  # sublinear term weights of title + opening text
    entities: dict[str, set[str]]  # entity type -> normalised names
    published: datetime | None
    years: set[int] = field(default_factory=set)  # years the text names explicitly
    facts: set[str] = field(default_factory=set)  # "weekday:friday", "count:people=3"


@dataclass
class _OpenStory:
    key: int
    members: list[_Features] = field(default_factory=list)
    terms: Counter[str] = field(default_factory=Counter)
    entities: dict[str, set[str]] = field(default_factory=dict)
    years: set[int] = field(default_factory=set)
    facts: set[str] = field(default_factory=set)
    newest: datetime | None = None
    events: list[tuple[int, StoryEvent]] = field(default_factory=list)  # (sequence, event)

    @property
    def centroid(self) -> np.ndarray:
        return _unit(np.sum([m.vector for m in self.members], axis=0))

    @property
    def provisional_id(self) -> str:
        return _story_id(m.article_id for m in self.members)

    def add(self, features: _Features) -> None:
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


class _DocumentFrequencies:
    """Online document frequencies of terms and entities (the articles seen so far)."""

    def __init__(self) -> None:
        self.count = 0
        self.df: Counter[str] = Counter()

    def add(self, keys: set[str]) -> None:
        self.count += 1
        self.df.update(keys)

    def idf(self, key: str) -> float:
        return math.log((1 + self.count) / (1 + self.df[key])) + 1.0


class OnlineStories:
    """The online clusterer: ``add`` articles in arrival order, read ``stories()`` at any time.

    ``index`` holds each open story's centroid under its story number (0, 1, 2, ... never
    reused, merged-away numbers are removed); default ``BruteForceIndex``. The index must start
    empty: the stories' own state (members, terms, names) lives here, not in the index."""

    def __init__(self, settings: Settings, index: CandidateIndex | None = None) -> None:
        self.settings = settings
        self.index: CandidateIndex = index if index is not None else BruteForceIndex()
        self._open: dict[int, _OpenStory] = {}
        self._titles: dict[str, str] = {}
        self._frequencies = _DocumentFrequencies()
        self._sequence = 0
        self._next_key = 0

    def add(self, analysis: Analysis, vector: np.ndarray) -> list[StoryEvent]:
        """Place one article; returns the decisions it caused (new or join, then any merges)."""
        features = _features(analysis, _unit(vector), self.settings)
        article = analysis.article
        self._titles[article.id] = article.title or article.text[:80]
        self._frequencies.add(set(features.terms) | _entity_keys(features.entities))
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
        return events + self._merge_into(story, fitted, article.id)

    def stories(self) -> list[Story]:
        return [self._finish(story) for _, story in sorted(self._open.items())]

    def _open_story(self) -> _OpenStory:
        key, self._next_key = self._next_key, self._next_key + 1
        self._open[key] = story = _OpenStory(key)
        return story

    def _score_candidates(self, features: _Features) -> list[tuple[float, _OpenStory]]:
        s = self.settings
        scored = []
        for key, cosine in self.index.nearest(features.vector, s.story_candidates):
            story = self._open.get(key)
            if story is None or _too_far_apart(story, features, s):
                continue
            scored.append((self._story_score(story, features, cosine), story))
        return sorted(scored, key=lambda item: (-item[0], item[1].key))

    def _story_score(self, story: _OpenStory, features: _Features, cosine: float) -> float:
        """Whole-story score blended with the mean score of the closest members."""
        s, df = self.settings, self._frequencies
        whole = _pair_score(features, cosine, story, df, s)
        members = sorted((_pair_score(features, float(features.vector @ m.vector), m, df, s)
                          for m in story.members), reverse=True)[: s.story_link_members]
        linked = sum(members) / len(members)
        return (1 - s.story_member_weight) * whole + s.story_member_weight * linked

    def _merge_into(self, story: _OpenStory, others: list[_OpenStory],
                    article_id: str) -> list[StoryEvent]:
        """Merge the stories the newcomer also fitted when their members link strongly."""
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
        return events

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
        decided = [e.confidence for e in history if e.kind in ("join", "merge")]
        return Story(id=story_id, title=title,
                     article_ids=tuple(m.article_id for m in story.members),
                     confidence=min(decided, default=1.0), history=history)


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


def story_text(analysis: Analysis, settings: Settings) -> str:
    article = analysis.article
    lead = article.text[: settings.story_lead_chars]
    return f"{article.title}. {lead}" if article.title else lead


def story_entities(analysis: Analysis) -> set[str]:
    return {
        _normalise_entity(e.span.text)
        for e in analysis.entities
        if e.label in STORY_ENTITY_LABELS and _normalise_entity(e.span.text)
    }


def _features(analysis: Analysis, vector: np.ndarray, settings: Settings) -> _Features:
    article = analysis.article
    text = f"{article.title or ''}\n{article.text[: settings.story_terms_chars]}"
    stopwords = english_stopwords()
    counts = Counter(t for t in _TERM.findall(text.lower()) if t not in stopwords)
    terms = Counter({t: 1.0 + math.log(n) for t, n in counts.items()})
    entities: dict[str, set[str]] = {kind: set() for kind in ENTITY_TYPES}
    for entity in analysis.entities:
        if entity.span.start >= settings.story_terms_chars:
            continue  # late mentions are background (earlier events, comparisons)
        name = _normalise_entity(entity.span.text)
        for kind, labels in ENTITY_TYPES.items():
            if name and entity.label in labels:
                entities[kind].add(name)
    published = article.published
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    years = {int(y) for y in _YEAR.findall(text)}
    years |= {d.value.year for d in analysis.dates
              if not d.relative and d.span.start < settings.story_terms_chars}
    return _Features(article.id, vector, terms, entities, published, years,
                     _facts(analysis, settings.story_facts_chars))


def _facts(analysis: Analysis, limit: int) -> set[str]:
    """Typed specifics of the opening: weekdays named, and counted quantities (unit=value).
    Two reports of one event rarely disagree on both; two similar events usually differ."""
    article = analysis.article
    opening = f"{article.title or ''}\n{article.text[:limit]}"
    facts = {f"weekday:{day.lower()}" for day in _WEEKDAY.findall(opening)}
    facts |= {f"count:{q.unit}={q.value:g}" for q in analysis.quantities
              if q.span.start < limit and q.unit}
    return facts


def _fact_conflicts(mine: set[str], theirs: set[str]) -> int:
    """How many fact types (weekday; each counted unit) both sides name with no value shared."""
    conflicts = 0
    for kind in {f.split("=")[0] if "=" in f else "weekday" for f in mine}:
        a = {f for f in mine if f.startswith(kind)}
        b = {f for f in theirs if f.startswith(kind)}
        conflicts += bool(a and b and not a & b)
    return conflicts


def _pair_score(features: _Features, cosine: float, other: _Features | _OpenStory,
                frequencies: _DocumentFrequencies, settings: Settings) -> float:
    """How strongly an article belongs with one other side (a story or a member article)."""
    s, entities = settings, other.entities
    score = s.story_embedding_weight * cosine
    score += s.story_tfidf_weight * _tfidf_cosine(features.terms, other.terms, frequencies)
    for kind, weight, penalty in (
            ("person", s.story_person_weight, s.story_person_conflict_penalty),
            ("place", s.story_place_weight, s.story_place_conflict_penalty),
            ("org", s.story_org_weight, 0.0)):
        mine, theirs = features.entities.get(kind, set()), entities.get(kind, set())
        share = _entity_share(kind, mine, theirs, frequencies)
        score += weight * share
        if mine and theirs and share == 0.0:
            score -= penalty  # both name people (places), none in common: another event
    if features.years and other.years and not features.years & other.years:
        score -= s.story_year_conflict_penalty  # e.g. a 2008 quake vs a 2013 quake
    score -= s.story_fact_conflict_penalty * _fact_conflicts(features.facts, other.facts)
    return score


def _average_linkage(a: _OpenStory, b: _OpenStory, frequencies: _DocumentFrequencies,
                     settings: Settings) -> float:
    """Mean pair score over the two stories' (latest, capped) members, both directions."""
    left = a.members[-settings.story_merge_members:]
    right = b.members[-settings.story_merge_members:]
    scores = [_pair_score(x, float(x.vector @ y.vector), y, frequencies, settings)
              for x in left for y in right]
    return sum(scores) / len(scores)


def _entity_keys(entities: dict[str, set[str]]) -> set[str]:
    return {f"{kind}:{name}" for kind, names in entities.items() for name in names}


def _tfidf_cosine(a: Counter[str], b: Counter[str], frequencies: _DocumentFrequencies) -> float:
    if not a or not b:
        return 0.0
    idf = {t: frequencies.idf(t) for t in a.keys() | b.keys()}
    dot = sum(w * b[t] * idf[t] ** 2 for t, w in a.items() if t in b)
    norm_a = math.sqrt(sum((w * idf[t]) ** 2 for t, w in a.items()))
    norm_b = math.sqrt(sum((w * idf[t]) ** 2 for t, w in b.items()))
    return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


def _entity_share(kind: str, mine: set[str], theirs: set[str],
                  frequencies: _DocumentFrequencies) -> float:
    """IDF-weighted share of the article's entities of one type that the other side has:
    a rare shared name ("Tara Reid") counts more than a common one ("U.S.")."""
    if not mine or not theirs:
        return 0.0
    weights = {name: frequencies.idf(f"{kind}:{name}") for name in mine}
    return sum(w for name, w in weights.items() if name in theirs) / sum(weights.values())


def _too_far_apart(story: _OpenStory, features: _Features, settings: Settings) -> bool:
    if story.newest is None or features.published is None:
        return False
    return abs((features.published - story.newest).days) > settings.story_max_gap_days


def _normalise_entity(text: str) -> str:
    text = re.sub(r"^(the|a|an)\s+", "", text.strip().lower())
    return re.sub(r"['’]s$", "", text)


def _arrival_key(analysis: Analysis) -> tuple[datetime, str]:
    published = analysis.article.published
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return (published or _FAR_FUTURE, analysis.article.id)


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm > 0 else vector).astype(np.float32)


def _story_id(article_ids) -> str:
    return "story-" + hashlib.sha1("\n".join(sorted(article_ids)).encode()).hexdigest()[:10]


def _with_story_id(event: StoryEvent, story_id: str) -> StoryEvent:
    return event if event.story_id else StoryEvent(
        event.kind, event.article_id, story_id, event.other_story_id, event.confidence,
        event.reason)

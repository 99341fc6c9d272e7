"""Story clustering, online: each arriving article joins the best story or opens a new one.

Articles arrive in publication order (then id), so the result is what an online system would have
produced. For each article, two steps:

1. *Ranking*: the open stories are ranked by cosine similarity between the article's title + lead
   embedding (MiniLM) and each story's centroid; the best ``story_candidates`` are kept. The
   embedding finds the right topic well but blurs two similar events (two earthquakes, two
   arrests of the same kind).
2. *Join-or-new*: each candidate is scored on the specifics that tell two similar events apart:
   a lexical TF-IDF cosine on the title and opening text (names, places, numbers and years are
   words there), and the IDF-weighted share of the article's persons, places and organisations
   already in the story, per type. The best candidate is joined when the weighted sum reaches
   ``story_join_threshold``; else the article opens a story. Publication dates further apart
   than ``story_max_gap_days`` from the story's newest article rule a candidate out.

IDF is online too: document frequencies of the articles seen so far. Weights and thresholds were
tuned on ECB+ training topics only; see docs/stories.md and ``corroborator eval stories``.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from .embed import Embedder
from .ingest.language import english_stopwords
from .model import Analysis, Story
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


@dataclass
class _Features:
    """What the story stage reads of one article."""
    vector: np.ndarray
    terms: Counter[str]  # sublinear term weights of title + opening text
    entities: dict[str, set[str]]  # entity type -> normalised names
    published: datetime | None
    years: set[int] = field(default_factory=set)  # years the text names explicitly


@dataclass
class _OpenStory:
    article_ids: list[str]
    vector_sum: np.ndarray
    terms: Counter[str] = field(default_factory=Counter)
    entities: dict[str, set[str]] = field(default_factory=dict)
    newest: datetime | None = None
    years: set[int] = field(default_factory=set)
    vectors: list[np.ndarray] = field(default_factory=list)

    def add(self, article_id: str, features: _Features) -> None:
        self.article_ids.append(article_id)
        self.vectors.append(features.vector)
        self.vector_sum = self.vector_sum + features.vector
        self.terms.update(features.terms)
        self.years |= features.years
        for kind, names in features.entities.items():
            self.entities.setdefault(kind, set()).update(names)
        if features.published and (self.newest is None or features.published > self.newest):
            self.newest = features.published


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


def cluster_stories(
    analyses: Sequence[Analysis], embedder: Embedder, settings: Settings
) -> list[Story]:
    ordered = sorted(analyses, key=_arrival_key)
    vectors = embedder.encode([story_text(a, settings) for a in ordered])
    stories: list[_OpenStory] = []
    frequencies = _DocumentFrequencies()
    for analysis, vector in zip(ordered, vectors, strict=True):
        features = _features(analysis, vector, settings)
        frequencies.add(set(features.terms) | _entity_keys(features.entities))
        best = _choose_story(stories, features, frequencies, settings)
        if best is None:
            best = _OpenStory([], np.zeros_like(vector))
            stories.append(best)
        best.add(analysis.article.id, features)
    by_id = {a.article.id: a for a in analyses}
    return [_finish(s, by_id) for s in stories]


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
    return _Features(vector, terms, entities, published, years)


def _entity_keys(entities: dict[str, set[str]]) -> set[str]:
    return {f"{kind}:{name}" for kind, names in entities.items() for name in names}


def _choose_story(
    stories: list[_OpenStory], features: _Features, frequencies: _DocumentFrequencies,
    settings: Settings,
) -> _OpenStory | None:
    """The story to join, or None to open a new one."""
    if not stories:
        return None
    centroids = np.stack([s.vector_sum for s in stories])
    norms = np.linalg.norm(centroids, axis=1)
    cosines = centroids @ features.vector / np.where(norms > 0, norms, 1.0)
    ranked = np.argsort(-cosines)[: settings.story_candidates]
    best, best_score = None, float("-inf")
    for index in ranked:
        story = stories[int(index)]
        if _too_far_apart(story, features, settings):
            continue
        score = _join_score(story, features, float(cosines[index]), frequencies, settings)
        if score > best_score:
            best, best_score = story, score
    return best if best_score >= settings.story_join_threshold else None


def _join_score(
    story: _OpenStory, features: _Features, cosine: float, frequencies: _DocumentFrequencies,
    settings: Settings,
) -> float:
    lexical = _tfidf_cosine(features.terms, story.terms, frequencies)
    score = settings.story_embedding_weight * cosine + settings.story_tfidf_weight * lexical
    for kind, weight in (("person", settings.story_person_weight),
                         ("place", settings.story_place_weight),
                         ("org", settings.story_org_weight)):
        score += weight * _entity_share(kind, features.entities.get(kind, set()),
                                        story.entities.get(kind, set()), frequencies)
    if features.years and story.years and not features.years & story.years:
        score -= settings.story_year_conflict_penalty  # e.g. a 2008 quake vs a 2013 quake
    return score


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
    """IDF-weighted share of the article's entities of one type that the story already has:
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


def _finish(story: _OpenStory, by_id: dict[str, Analysis]) -> Story:
    """Titled by the article closest to the story's centroid: representative, not merely the
    first to arrive (ties go to the earliest)."""
    closeness = [float(np.dot(v, story.vector_sum)) for v in story.vectors]
    central = by_id[story.article_ids[int(np.argmax(closeness))]].article
    title = central.title or central.text[:80]
    digest = hashlib.sha1("\n".join(sorted(story.article_ids)).encode()).hexdigest()[:10]
    return Story(id=f"story-{digest}", title=title, article_ids=tuple(story.article_ids))

"""Story clustering, online: each arriving article joins the best story or opens a new one.

First method (issue 4 measures and replaces it): the score of an article against a story is a
weighted sum of the cosine similarity between the article's title + lead embedding and the story
centroid, and the overlap of their named entities. Articles arrive in publication order, so the
result is what an online system would have produced.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np

from .embed import Embedder
from .model import Analysis, Story
from .settings import Settings

# Entity labels that identify an event: who, where, which organisation or event.
STORY_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP"})
_FAR_FUTURE = datetime.max.replace(tzinfo=timezone.utc)


@dataclass
class _OpenStory:
    article_ids: list[str]
    vector_sum: np.ndarray
    entities: set[str] = field(default_factory=set)

    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.vector_sum))
        return self.vector_sum / norm if norm else self.vector_sum


def cluster_stories(
    analyses: Sequence[Analysis], embedder: Embedder, settings: Settings
) -> list[Story]:
    ordered = sorted(analyses, key=_arrival_key)
    vectors = embedder.encode([story_text(a, settings) for a in ordered])
    open_stories: list[_OpenStory] = []
    for analysis, vector in zip(ordered, vectors, strict=True):
        entities = story_entities(analysis)
        best, best_score = _best_story(open_stories, vector, entities, settings)
        if best is not None and best_score >= settings.story_join_threshold:
            best.article_ids.append(analysis.article.id)
            best.vector_sum = best.vector_sum + vector
            best.entities |= entities
        else:
            open_stories.append(_OpenStory([analysis.article.id], vector.copy(), set(entities)))
    by_id = {a.article.id: a for a in analyses}
    return [_finish(s, by_id) for s in open_stories]


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


def _best_story(
    stories: list[_OpenStory], vector: np.ndarray, entities: set[str], settings: Settings
) -> tuple[_OpenStory | None, float]:
    best, best_score = None, float("-inf")
    for story in stories:
        cosine = float(np.dot(story.centroid(), vector))
        score = (settings.story_embedding_weight * cosine
                 + settings.story_entity_weight * _overlap(entities, story.entities))
        if score > best_score:
            best, best_score = story, score
    return best, best_score


def _overlap(a: set[str], b: set[str]) -> float:
    """Overlap coefficient: shared entities over the smaller set (a short article still scores)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _normalise_entity(text: str) -> str:
    text = re.sub(r"^(the|a|an)\s+", "", text.strip().lower())
    return re.sub(r"['’]s$", "", text)


def _arrival_key(analysis: Analysis) -> tuple[datetime, str]:
    published = analysis.article.published
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=timezone.utc)
    return (published or _FAR_FUTURE, analysis.article.id)


def _finish(story: _OpenStory, by_id: dict[str, Analysis]) -> Story:
    first = by_id[story.article_ids[0]].article
    title = first.title or first.text[:80]
    digest = hashlib.sha1("\n".join(sorted(story.article_ids)).encode()).hexdigest()[:10]
    return Story(id=f"story-{digest}", title=title, article_ids=tuple(story.article_ids))

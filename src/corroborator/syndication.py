"""Syndicated copies: one article republished, near verbatim, by other outlets.

A wire story reprinted by five papers is one report, not six: every copy's claims come from the
source article, so the copy adds a path in the provenance graph, never a new origin. Copies are
found by word 5-shingle Jaccard similarity of the bodies (robust to a changed headline, a byline
or a trimmed last paragraph); of two near-duplicates the earlier published one is the source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from .model import Analysis, Syndication
from .settings import Settings

_WORD = re.compile(r"\w+")


def shingles(text: str, size: int) -> frozenset[tuple[str, ...]]:
    """The set of ``size``-word windows of the lower-cased text (the whole text when shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return frozenset({tuple(words)}) if words else frozenset()
    return frozenset(tuple(words[i:i + size]) for i in range(len(words) - size + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def find_syndicated(analyses: Sequence[Analysis], settings: Settings) -> list[Syndication]:
    """Each syndicated copy with its source article, in publication order of the copies.

    The source is the earliest-published article among the copy's near-duplicates (input order
    breaks ties and stands in for a missing date), so a copy of a copy points at the original.
    Articles of the same outlet are never each other's copies (an outlet updating its own story
    is not syndication).
    """
    ordered = sorted(range(len(analyses)), key=lambda i: (_time_key(analyses[i]), i))
    sets = {i: shingles(analyses[i].article.text, settings.syndication_shingle_words)
            for i in ordered}
    sources: dict[str, Syndication] = {}
    for rank, i in enumerate(ordered):
        copy = analyses[i].article
        for j in ordered[:rank]:
            source = analyses[j].article
            if source.outlet == copy.outlet:
                continue
            similarity = jaccard(sets[i], sets[j])
            if similarity >= settings.syndication_min_jaccard:
                # A copy of a copy points at the original the first copy came from.
                original = sources[source.id].of if source.id in sources else source.id
                sources[copy.id] = Syndication(copy.id, original, round(similarity, 3))
                break
    return list(sources.values())


def _time_key(analysis: Analysis) -> tuple[int, float]:
    published: datetime | None = analysis.article.published
    if published is None:
        return (1, 0.0)  # undated articles come after dated ones; input order among themselves
    return (0, published.timestamp())

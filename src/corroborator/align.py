"""Claim alignment inside one story: which claims of different articles assert the same fact.

Two claims are the same when their wording is close once numbers and dates are masked (so
"12 villages were evacuated on 4 May" and "15 villages were evacuated on 5 May" still align and
can then be checked for a conflict), with a bonus for shared structure (the unit they count,
the actors and places they name). Grouping is average-linkage agglomeration with one constraint:
a group holds at most one claim per article. Alignment is blocked by story, so its cost grows with
story size, not corpus size.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .embed import Embedder
from .model import Analysis, Claim
from .settings import Settings

_DIGITS = re.compile(r"\d[\d,.]*")


@dataclass(frozen=True)
class ClaimRef:
    """A claim together with the analysis of the article it comes from."""
    analysis: Analysis
    claim: Claim

    @property
    def article_id(self) -> str:
        return self.analysis.article.id


def align_claims(
    refs: Sequence[ClaimRef], embedder: Embedder, settings: Settings
) -> list[list[ClaimRef]]:
    """Groups of claims that state the same fact, largest first; singletons included."""
    if not refs:
        return []
    vectors = embedder.encode([masked_text(r.claim) for r in refs])
    similarity = vectors @ vectors.T + _structure_bonus(refs)
    groups = _agglomerate(refs, similarity, settings.claim_similarity_threshold)
    return sorted(groups, key=lambda g: (-len(g), refs.index(g[0])))


def masked_text(claim: Claim) -> str:
    """Claim text with dates and digits neutralised, so value differences do not hide agreement."""
    text = claim.span.text
    base = claim.span.start
    for date in sorted(claim.dates, key=lambda d: d.span.start, reverse=True):
        start, end = date.span.start - base, date.span.end - base
        if 0 <= start and end <= len(text):
            text = text[:start] + "that day" + text[end:]
    return _DIGITS.sub("several", text)


def _structure_bonus(refs: Sequence[ClaimRef]) -> np.ndarray:
    """Extra similarity for claims that count the same unit or name the same actors/places."""
    n = len(refs)
    bonus = np.zeros((n, n), dtype=np.float32)
    units = [{q.unit for q in r.claim.quantities} for r in refs]
    names = [
        {e.span.text.lower() for e in (*r.claim.actors, *r.claim.places)} for r in refs
    ]
    for i in range(n):
        for j in range(i + 1, n):
            value = 0.05 * bool(units[i] & units[j]) + 0.05 * bool(names[i] & names[j])
            bonus[i, j] = bonus[j, i] = value
    return bonus


def _agglomerate(
    refs: Sequence[ClaimRef], similarity: np.ndarray, threshold: float
) -> list[list[ClaimRef]]:
    clusters: list[list[int]] = [[i] for i in range(len(refs))]
    while True:
        best = _best_merge(refs, clusters, similarity, threshold)
        if best is None:
            break
        a, b = best
        clusters[a].extend(clusters[b])
        del clusters[b]
    return [[refs[i] for i in sorted(c)] for c in clusters]


def _best_merge(
    refs: Sequence[ClaimRef], clusters: list[list[int]], similarity: np.ndarray, threshold: float
) -> tuple[int, int] | None:
    best, best_score = None, threshold
    articles = [{refs[i].article_id for i in c} for c in clusters]
    for a in range(len(clusters)):
        for b in range(a + 1, len(clusters)):
            if articles[a] & articles[b]:
                continue  # one article states a claim once; two of its claims are two claims
            score = float(similarity[np.ix_(clusters[a], clusters[b])].mean())
            if score >= best_score:
                best, best_score = (a, b), score
    return best

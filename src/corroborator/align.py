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

# Similarity bonuses for shared structure (added to the cosine of the masked texts). Set on the
# example corpus ground truth (benchmarks/bench_golden.py): the same figure is near-decisive.
SAME_FIGURE_BONUS = 0.25
SAME_UNIT_BONUS = 0.1
SHARED_NAME_BONUS = 0.0
PEOPLE_UNITS = frozenset({"people", "person", "residents", "villagers", "inhabitants",
                          "civilians", "individuals", "persons", "passengers", "victims"})

_DIGITS = re.compile(r"\d[\d,.]*")
# Polarity is compared after alignment (a negation conflict), so it is neutralised before it:
# "No one was injured" must align with "Three people were injured".
_POLARITY = [
    (re.compile(r"\b(no one|nobody|no-one)\b", re.I), "someone"),
    (re.compile(r"\bnothing\b", re.I), "something"),
    (re.compile(r"\b(not|never)\s+", re.I), ""),
    (re.compile(r"n't\b", re.I), ""),
    (re.compile(r"\bdenied that\b", re.I), "said that"),
]


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
    texts = [masked_text(r.claim) for r in refs]
    vectors = embedder.encode(texts)
    weight = settings.claim_lexical_weight
    similarity = (
        (1 - weight) * (vectors @ vectors.T)
        + weight * _lexical_similarity(texts)
        + _structure_bonus(refs)
    )
    groups = _agglomerate(refs, similarity, settings)
    return sorted(groups, key=lambda g: (-len(g), refs.index(g[0])))


def masked_text(claim: Claim) -> str:
    """Claim text with dates and digits neutralised, so value differences do not hide agreement."""
    text = claim.span.text
    base = claim.span.start
    for date in sorted(claim.dates, key=lambda d: d.span.start, reverse=True):
        start, end = date.span.start - base, date.span.end - base
        if start >= 0 and end <= len(text):
            text = text[:start] + "that day" + text[end:]
    for pattern, replacement in _POLARITY:
        text = pattern.sub(replacement, text)
    return _DIGITS.sub("several", text)


def _lexical_similarity(texts: Sequence[str]) -> np.ndarray:
    """TF-IDF cosine with IDF taken from this story's own claims: words every article of the
    story uses ("ferry", "Port Vell") weigh little, the words that make a claim specific weigh
    much. Embeddings alone rate any two sentences about the same ferry as similar."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    except ValueError:  # only stop words: nothing lexical to compare
        return np.zeros((len(texts), len(texts)), dtype=np.float32)
    return (matrix @ matrix.T).toarray().astype(np.float32)


def _structure_bonus(refs: Sequence[ClaimRef]) -> np.ndarray:
    """Extra similarity for claims that count the same thing or name the same actors/places.

    The same figure of the same kind ("212 passengers" / "212 people") is strong evidence of one
    claim worded differently; merely counting the same unit, or sharing a name, is weak evidence.
    """
    n = len(refs)
    bonus = np.zeros((n, n), dtype=np.float32)
    counts = [{(unit_family(q.unit), q.value) for q in r.claim.quantities} for r in refs]
    units = [{unit for unit, _ in c} for c in counts]
    names = [
        {e.span.text.lower() for e in (*r.claim.actors, *r.claim.places)} for r in refs
    ]
    for i in range(n):
        for j in range(i + 1, n):
            if counts[i] & counts[j]:
                value = SAME_FIGURE_BONUS
            else:
                value = SAME_UNIT_BONUS * bool(units[i] & units[j])
            value += SHARED_NAME_BONUS * bool(names[i] & names[j])
            bonus[i, j] = bonus[j, i] = value
    return bonus


def unit_family(unit: str) -> str:
    """Units that count the same kind of thing compare with each other (people ~ passengers)."""
    return "people" if unit in PEOPLE_UNITS else unit


def _agglomerate(
    refs: Sequence[ClaimRef], similarity: np.ndarray, settings: Settings
) -> list[list[ClaimRef]]:
    clusters: list[list[int]] = [[i] for i in range(len(refs))]
    while True:
        best = _best_merge(refs, clusters, similarity, settings)
        if best is None:
            break
        a, b = best
        clusters[a].extend(clusters[b])
        del clusters[b]
    return [[refs[i] for i in sorted(c)] for c in clusters]


def _best_merge(
    refs: Sequence[ClaimRef], clusters: list[list[int]], similarity: np.ndarray, settings: Settings
) -> tuple[int, int] | None:
    best, best_score = None, settings.claim_similarity_threshold
    for a in range(len(clusters)):
        for b in range(a + 1, len(clusters)):
            if not _same_article_ok(refs, clusters[a], clusters[b], similarity, settings):
                continue
            score = float(similarity[np.ix_(clusters[a], clusters[b])].mean())
            if score >= best_score:
                best, best_score = (a, b), score
    return best


def _same_article_ok(
    refs: Sequence[ClaimRef], a: list[int], b: list[int], similarity: np.ndarray,
    settings: Settings,
) -> bool:
    """An article repeats a claim only in near-identical words (e.g. from a second source);
    otherwise two claims of one article are two different claims."""
    return all(
        similarity[i, j] >= settings.same_article_similarity
        for i in a for j in b if refs[i].article_id == refs[j].article_id
    )

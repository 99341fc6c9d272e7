"""Claim alignment inside one story: which claims of different articles assert the same fact.

Two claims are the same when their wording is close once numbers and dates are masked (so
"12 villages were evacuated on 4 May" and "15 villages were evacuated on 5 May" still align and
can then be checked for a conflict), with a bonus for shared structure. Grouping is
average-linkage agglomeration with one constraint: two claims of one article join only when
nearly identical (an article repeating a claim from a second source).

Scaling. Alignment is blocked by story, and inside a story it never holds the n x n similarity
matrix nor scans all cluster pairs (the first version did both: O(n^3) in claims per story):
1. ``ClaimSpace`` computes the blended similarity of any block of claims on demand, from the
   embeddings, the story-local TF-IDF rows and sparse indicator rows of figures and units;
2. ``candidate_edges`` keeps, per claim, its ``claim_candidate_neighbours`` most similar claims
   that reach the threshold (a chunked exact k-nearest-neighbour pass: O(n^2 d) multiply-adds
   in BLAS, O(chunk x n) memory, O(k n) edges);
3. ``agglomerate`` runs average linkage on that sparse graph with a heap and Lance-Williams
   sums. A cluster pair whose average reaches the threshold has at least one member pair that
   does, so as long as no claim has more than k such neighbours the result equals exhaustive
   average linkage (``align_claims_exhaustive``, kept as the reference for tests/benchmarks).
   Copies of one claim (wire copies, templated reports) start as one cluster and take one row
   in step 2, wherever their articles put them, so k counts distinct claims.

Structure used (align_structure.py, lexicon data/alignment.yaml): the same figure of the same
kind of unit is near-decisive, the same unit a weak hint; the same count (unit family and event:
"Twelve people died" / "the death toll rose to 27") is strong whatever the value. A shared
figure counts only when the two claims do not report different events ("demanding a 9 percent
pay rise" / "could not afford a 9 percent pay rise"), and opposite events ("closed" /
"reopened") are a penalty. Claims that say where their event happened ("derailed near Merrow" /
"came off the rails near Tollan") share a predicate whatever the place, like counts whatever the
value: the place is compared after alignment. Shared actor/place names were tried as a bonus
and did not help on the ground truth (names repeat across every claim of a story), so they are
not used. Since session 4 (align_bonus.py): two claims of different articles that each give a
figure for one count of one year's event are one figure whatever their words ("At least 12
people were killed" / "The number of dead has risen to forty-four": cosine ~0.35); a count
statement and a claim that counts nothing are apart; a claim naming a past year ("In 2009, a
quake killed 14 people") is background about another event.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .align_bonus import (
    SAME_FIGURE_BONUS,
    SAME_UNIT_BONUS,
    Structure,
    event_years,
    indicator,
)
from .align_structure import (
    comparable_text,
    mask_number_words,
    protagonist,
    quantity_family,
    unit_family,
)
from .embed import Embedder
from .model import Analysis, Claim
from .settings import Settings

__all__ = ["SAME_FIGURE_BONUS", "SAME_UNIT_BONUS", "ClaimRef", "ClaimSpace", "align_claims",
           "align_claims_exhaustive", "agglomerate", "candidate_edges", "event_years",
           "masked_text", "unit_family"]

# Similarity blocks are computed this many cells at a time (float32: 16 MB).
_BLOCK_CELLS = 4_000_000

_DIGITS = re.compile(r"\d[\d,.]*")
# Polarity is compared after alignment (a negation conflict), so it is neutralised before it:
# "No one was injured" must align with "Three people were injured".
_POLARITY = [
    (re.compile(r"\b(no one|nobody|no-one)\b", re.I), "someone"),
    (re.compile(r"\bnothing\b", re.I), "something"),
    # the determiner: "no second device had been found" ~ "a second device was found"
    (re.compile(r"\bno\b(?=\s+(?!longer\b|more\b)[a-z])", re.I), "a"),
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
    space = ClaimSpace.build(refs, embedder, settings)
    # Identical claims (wire copies, templated reports) are the most similar pairs there are, so
    # exhaustive linkage merges them first: start from them, and look for neighbours among
    # distinct claims only, so k neighbours are not all spent on copies of one text.
    copies = space.identical_groups()
    edges = candidate_edges(
        space, settings.claim_similarity_threshold, settings.claim_candidate_neighbours,
        rows=[group[0] for group in copies],
    )
    return _ordered(refs, agglomerate(space, edges, settings, initial=copies))


def align_claims_exhaustive(
    refs: Sequence[ClaimRef], embedder: Embedder, settings: Settings
) -> list[list[ClaimRef]]:
    """Reference implementation: average linkage over every cluster pair of the full n x n
    matrix, O(n^3). Only for tests and the benchmark's before/after comparison."""
    if not refs:
        return []
    space = ClaimSpace.build(refs, embedder, settings)
    everything = np.arange(len(refs))
    similarity = space.block(everything, everything)
    return _ordered(refs, _agglomerate_dense(space.article_ids, similarity, settings))


def masked_text(claim: Claim, protagonist: str = "") -> str:
    """Claim text with dates and digits neutralised, so value differences do not hide agreement;
    ``protagonist``: see ``align_structure.comparable_text``."""
    text = claim.span.text
    base = claim.span.start
    for date in sorted(claim.dates, key=lambda d: d.span.start, reverse=True):
        start, end = date.span.start - base, date.span.end - base
        if start >= 0 and end <= len(text):
            text = text[:start] + "that day" + text[end:]
    text = comparable_text(claim, text, protagonist)
    for pattern, replacement in _POLARITY:
        text = pattern.sub(replacement, text)
    return mask_number_words(_DIGITS.sub("several", text), "several")


class ClaimSpace:
    """The claims of one story as vectors, so any block of pairwise similarities can be computed
    without the full matrix: (1 - w) * embedding cosine + w * TF-IDF cosine + structure bonus."""

    def __init__(self, vectors: np.ndarray, tfidf: sparse.csr_matrix | None,
                 figures: sparse.csr_matrix, units: sparse.csr_matrix,
                 article_ids: Sequence[str], lexical_weight: float,
                 signatures: Sequence[object] | None = None,
                 structure: Structure | None = None) -> None:
        self.vectors = vectors
        self.tfidf = tfidf
        self.figures = figures
        self.units = units
        self.article_ids = list(article_ids)
        names: dict[str, int] = {}
        self.article_codes = np.array([names.setdefault(a, len(names)) for a in self.article_ids])
        self.lexical_weight = lexical_weight
        # Claims with equal signatures have equal rows everywhere (same similarity to all).
        self.signatures = list(signatures) if signatures is not None else list(range(len(vectors)))
        self.structure = structure

    @classmethod
    def build(cls, refs: Sequence[ClaimRef], embedder: Embedder, settings: Settings) -> ClaimSpace:
        main = {id(r.analysis): protagonist(r.analysis.entities) for r in refs}
        texts = [masked_text(r.claim, main[id(r.analysis)]) for r in refs]
        figures = [frozenset((quantity_family(q, r.claim), q.value) for q in r.claim.quantities)
                   for r in refs]
        years = [event_years(r.claim, r.analysis.article.published) for r in refs]
        structure = Structure.of([r.claim for r in refs], settings, years)
        return cls(
            vectors=_embed_unique(texts, embedder),
            tfidf=_tfidf_rows(texts),
            figures=indicator(figures),
            units=indicator([{f for f, _ in figures_of} for figures_of in figures]),
            article_ids=[r.article_id for r in refs],
            lexical_weight=settings.claim_lexical_weight,
            signatures=[(*_signature(t, f, r.claim), y)
                        for t, f, r, y in zip(texts, figures, refs, years, strict=True)],
            structure=structure,
        )

    def __len__(self) -> int:
        return len(self.article_ids)

    def identical_groups(self) -> list[list[int]]:
        """Indices of claims with identical rows, grouped, in order of first appearance."""
        groups: dict[object, list[int]] = {}
        for index, signature in enumerate(self.signatures):
            groups.setdefault(signature, []).append(index)
        return list(groups.values())

    def block(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Similarities of claims ``rows`` x ``cols`` (float32)."""
        w = self.lexical_weight
        sim = (1 - w) * (self.vectors[rows] @ self.vectors[cols].T)
        if self.tfidf is not None:
            lexical = (self.tfidf[rows] @ self.tfidf[cols].T).toarray().astype(np.float32)
            sim += w * lexical
        same_figure = (self.figures[rows] @ self.figures[cols].T).toarray() > 0
        same_unit = (self.units[rows] @ self.units[cols].T).toarray() > 0
        if self.structure is None:
            bonus = np.where(same_figure, SAME_FIGURE_BONUS, SAME_UNIT_BONUS * same_unit)
        else:
            codes = self.article_codes
            same_article = codes[rows][:, None] == codes[cols][None, :]
            bonus = self.structure.adjust(rows, cols, same_figure, same_unit, same_article)
        return sim + bonus.astype(np.float32)


def _signature(masked: str, figures: frozenset, claim: Claim) -> tuple:
    """What a claim's similarity row depends on, independent of where its article puts it:
    two claims with equal signatures are equally similar to every claim. Units follow from
    figures; events, counts and predicates from the claim's own words; where its event happened
    also from where its dates stand in it. (Quantities are not part of it: their spans carry
    offsets in the article, which made every copy of a wire sentence look distinct.)"""
    base = claim.span.start
    dates = tuple((d.span.start - base, d.span.end - base) for d in claim.dates)
    return masked, figures, claim.span.text, dates


def _embed_unique(texts: Sequence[str], embedder: Embedder) -> np.ndarray:
    """Embed each distinct text once: wire copies and templated reports repeat claims verbatim."""
    unique = list(dict.fromkeys(texts))
    vectors = np.asarray(embedder.encode(unique), dtype=np.float32)
    where = {text: i for i, text in enumerate(unique)}
    return vectors[[where[t] for t in texts]]


def _tfidf_rows(texts: Sequence[str]) -> sparse.csr_matrix | None:
    """TF-IDF rows with IDF taken from this story's own claims: words every article of the story
    uses ("ferry", "Port Vell") weigh little, the words that make a claim specific weigh much.
    Embeddings alone rate any two sentences about the same ferry as similar."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        return TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    except ValueError:  # only stop words: nothing lexical to compare
        return None


def candidate_edges(
    space: ClaimSpace, threshold: float, neighbours: int, rows: Sequence[int] | None = None
) -> dict[tuple[int, int], float]:
    """Pairs (i < j) -> similarity: each claim's ``neighbours`` most similar other claims, kept
    only when they reach ``threshold`` (a pair below it can never start a merge). With ``rows``,
    only among those claims (e.g. one per group of identical claims)."""
    everything = np.arange(len(space)) if rows is None else np.asarray(rows)
    n = len(everything)
    chunk = max(1, _BLOCK_CELLS // max(n, 1))
    k = min(neighbours, n - 1)
    edges: dict[tuple[int, int], float] = {}
    if k <= 0:
        return edges
    for start in range(0, n, chunk):
        chunk_rows = everything[start:start + chunk]
        block = space.block(chunk_rows, everything)
        # a claim is not its own neighbour
        block[np.arange(len(chunk_rows)), np.arange(start, start + len(chunk_rows))] = -np.inf
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        values = np.take_along_axis(block, top, axis=1)
        for r, c in zip(*np.nonzero(values >= threshold), strict=True):
            i, j = int(chunk_rows[r]), int(everything[top[r, c]])
            edges[(min(i, j), max(i, j))] = float(values[r, c])
    return edges


def agglomerate(
    space: ClaimSpace, edges: dict[tuple[int, int], float], settings: Settings,
    initial: list[list[int]] | None = None,
) -> list[list[int]]:
    """Average linkage restricted to the candidate graph; clusters as sorted index lists.

    ``initial``: clusters to start from (default: singletons), each named by its first index;
    edges join those first indices and carry the similarity of identical members."""
    initial = initial if initial is not None else [[i] for i in range(len(space))]
    return _SparseLinkage(space, edges, settings, initial).run()


class _SparseLinkage:
    """Average-linkage state: per cluster its members (by article) and, for every adjacent
    cluster, the exact sum of cross similarities, so averages update without recomputation."""

    def __init__(self, space: ClaimSpace, edges: dict[tuple[int, int], float],
                 settings: Settings, initial: list[list[int]]) -> None:
        self.space = space
        self.threshold = settings.claim_similarity_threshold
        self.same_article = settings.same_article_similarity
        self.members: dict[int, list[int]] = {c[0]: list(c) for c in initial}
        self.by_article: dict[int, dict[str, list[int]]] = {}
        for name, members in self.members.items():
            by_article = self.by_article[name] = {}
            for i in members:
                by_article.setdefault(space.article_ids[i], []).append(i)
        self.sums: dict[int, dict[int, float]] = {name: {} for name in self.members}
        self.version = [0] * len(space)
        self.heap: list[tuple[float, int, int, int, int]] = []
        for (i, j), similarity in edges.items():
            total = similarity * len(self.members[i]) * len(self.members[j])
            self.sums[i][j] = self.sums[j][i] = total
            self.heap.append((-similarity, i, j, 0, 0))
        heapq.heapify(self.heap)

    def run(self) -> list[list[int]]:
        while self.heap:
            _, a, b, version_a, version_b = heapq.heappop(self.heap)
            if a not in self.members or b not in self.members:
                continue
            if (self.version[a], self.version[b]) != (version_a, version_b):
                continue  # a stale entry: one side has grown since
            if self._same_article_ok(a, b):
                self._merge(a, b)
        return [sorted(m) for m in self.members.values()]

    def _same_article_ok(self, a: int, b: int) -> bool:
        """An article repeats a claim only in near-identical words (e.g. from a second source);
        otherwise two claims of one article are two different claims. Growing a cluster never
        makes this hold again, so a refused pair is dropped for good."""
        in_a, in_b = self.by_article[a], self.by_article[b]
        for article in in_a.keys() & in_b.keys():
            pairs = self.space.block(np.array(in_a[article]), np.array(in_b[article]))
            if pairs.min() < self.same_article:
                return False
        return True

    def _merge(self, a: int, b: int) -> None:
        """Fold cluster b into a; Lance-Williams: sum(a+b, c) = sum(a, c) + sum(b, c), where
        a side that was not adjacent to c gets its sum computed once, as one block."""
        near_a, near_b = self.sums[a], self.sums.pop(b)
        near_a.pop(b, None)
        near_b.pop(a, None)
        from_b = self._cluster_sums(self.members[b], [c for c in near_a if c not in near_b])
        from_a = self._cluster_sums(self.members[a], [c for c in near_b if c not in near_a])
        merged = {c: s + near_b.get(c, from_b.get(c, 0.0)) for c, s in near_a.items()}
        merged.update({c: s + from_a[c] for c, s in near_b.items() if c not in near_a})
        self.members[a].extend(self.members.pop(b))
        for article, indices in self.by_article.pop(b).items():
            self.by_article[a].setdefault(article, []).extend(indices)
        self.version[a] += 1
        self.sums[a] = merged
        size = len(self.members[a])
        for c, total in merged.items():
            near_c = self.sums[c]
            near_c.pop(b, None)
            near_c[a] = total
            average = total / (size * len(self.members[c]))
            if average >= self.threshold:
                x, y = (a, c) if a < c else (c, a)
                heapq.heappush(self.heap, (-average, x, y, self.version[x], self.version[y]))

    def _cluster_sums(self, rows: list[int], clusters: list[int]) -> dict[int, float]:
        """Sum of similarities between ``rows`` and each cluster's members, one block for all."""
        if not clusters:
            return {}
        cols = [i for c in clusters for i in self.members[c]]
        per_col = self.space.block(np.array(rows), np.array(cols)).sum(axis=0, dtype=np.float64)
        starts = np.cumsum([0] + [len(self.members[c]) for c in clusters[:-1]])
        return dict(zip(clusters, np.add.reduceat(per_col, starts).tolist(), strict=True))


def _agglomerate_dense(
    article_ids: Sequence[str], similarity: np.ndarray, settings: Settings
) -> list[list[int]]:
    """The original O(n^3) loop: merge the best cluster pair of all pairs until none qualifies."""
    clusters: list[list[int]] = [[i] for i in range(len(article_ids))]
    while True:
        best, best_score = None, settings.claim_similarity_threshold
        for a in range(len(clusters)):
            for b in range(a + 1, len(clusters)):
                same_article = [similarity[i, j] for i in clusters[a] for j in clusters[b]
                                if article_ids[i] == article_ids[j]]
                if any(s < settings.same_article_similarity for s in same_article):
                    continue
                score = float(similarity[np.ix_(clusters[a], clusters[b])].mean())
                if score >= best_score:
                    best, best_score = (a, b), score
        if best is None:
            return [sorted(c) for c in clusters]
        clusters[best[0]].extend(clusters[best[1]])
        del clusters[best[1]]


def _ordered(refs: Sequence[ClaimRef], clusters: list[list[int]]) -> list[list[ClaimRef]]:
    """Largest group first, then by where the group's first claim stands in the story."""
    clusters = sorted(clusters, key=lambda c: (-len(c), c[0]))
    return [[refs[i] for i in cluster] for cluster in clusters]

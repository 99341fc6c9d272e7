"""Claim alignment: the sparse candidate-graph linkage against the exhaustive reference."""

from __future__ import annotations

import dataclasses
import zlib

import numpy as np
import pytest
from scipy import sparse

from corroborator.align import (
    ClaimRef,
    ClaimSpace,
    _agglomerate_dense,
    agglomerate,
    align_claims,
    align_claims_exhaustive,
    candidate_edges,
    masked_text,
)
from corroborator.settings import DEFAULT_SETTINGS
from report_fixtures import sample_report

DIM = 32


class HashingEmbedder:
    """A small deterministic embedder: hashed bag of lowercase words, L2-normalised."""

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().replace(",", " ").replace(".", " ").split():
                vectors[row, zlib.crc32(word.encode()) % 64] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


def random_space(seed: int, n: int, topics: int, articles: int) -> ClaimSpace:
    """Claims drawn around a few topic directions, some sharing a figure, from few articles
    (so the same-article constraint bites)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(topics, DIM))
    topic = rng.integers(0, topics, size=n)
    vectors = centres[topic] + rng.normal(scale=rng.uniform(0.3, 1.2), size=(n, DIM))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    figure_of = topic * 10 + rng.integers(0, 2, size=n)
    figures = sparse.csr_matrix(
        (np.ones(n, dtype=np.float32), (np.arange(n), figure_of)), shape=(n, topics * 10 + 2)
    )
    units = sparse.csr_matrix(
        (np.ones(n, dtype=np.float32), (np.arange(n), topic)), shape=(n, topics)
    )
    article_ids = [f"a{i}" for i in rng.integers(0, articles, size=n)]
    return ClaimSpace(vectors, None, figures, units, article_ids, lexical_weight=0.0)


@pytest.mark.parametrize("seed", range(12))
def test_sparse_linkage_equals_exhaustive_average_linkage(seed):
    space = random_space(seed, n=45, topics=5, articles=12)
    everything = np.arange(len(space))
    reference = _agglomerate_dense(
        space.article_ids, space.block(everything, everything), DEFAULT_SETTINGS
    )
    edges = candidate_edges(space, DEFAULT_SETTINGS.claim_similarity_threshold, len(space))
    sparse_result = agglomerate(space, edges, DEFAULT_SETTINGS)
    assert sorted(sparse_result) == sorted(reference)
    assert any(len(c) > 1 for c in reference), "the case should merge something"


def test_candidate_edges_are_capped_and_above_threshold():
    space = random_space(1, n=60, topics=2, articles=60)
    threshold = DEFAULT_SETTINGS.claim_similarity_threshold
    edges = candidate_edges(space, threshold, neighbours=3)
    assert edges and all(s >= threshold for s in edges.values())
    assert all(i < j for i, j in edges)
    degree = np.bincount(np.array(list(edges)).ravel(), minlength=len(space))
    # each claim proposes at most 3; it may also be proposed by others
    assert len(edges) <= 3 * len(space)
    assert degree.max() >= 3


def test_same_article_claims_stay_apart_unless_nearly_identical():
    # claims 0 and 1 are of article x and cos 0.6: above the threshold, below same-article 0.65
    vectors = np.array([[1.0, 0.0], [0.6, 0.8], [1.0, 0.0]], dtype=np.float32)
    empty = sparse.csr_matrix((3, 1), dtype=np.float32)
    space = ClaimSpace(vectors, None, empty, empty, ["x", "x", "y"], 0.0)
    edges = candidate_edges(space, DEFAULT_SETTINGS.claim_similarity_threshold, 5)
    assert sorted(agglomerate(space, edges, DEFAULT_SETTINGS)) == [[0, 2], [1]]
    loose = dataclasses.replace(DEFAULT_SETTINGS, same_article_similarity=0.55)
    assert agglomerate(space, edges, loose) == [[0, 1, 2]]


def test_single_and_empty_inputs():
    assert align_claims([], HashingEmbedder(), DEFAULT_SETTINGS) == []
    report = sample_report()
    analysis = report.analyses[4]
    refs = [ClaimRef(analysis, c) for c in analysis.claims]
    assert align_claims(refs, HashingEmbedder(), DEFAULT_SETTINGS) == [refs]


def test_align_claims_matches_exhaustive_on_the_sample_story():
    report = sample_report()
    refs = [ClaimRef(a, c) for a in report.analyses for c in a.claims]
    embedder = HashingEmbedder()
    fast = align_claims(refs, embedder, DEFAULT_SETTINGS)
    slow = align_claims_exhaustive(refs, embedder, DEFAULT_SETTINGS)
    ids = [[r.claim.id for r in g] for g in fast]
    assert ids == [[r.claim.id for r in g] for g in slow]
    assert [len(g) for g in fast] == sorted((len(g) for g in fast), reverse=True)
    assert ["a1#c1", "a2#c2", "a3#c2"] in ids  # the evacuation reports, 12 vs 15 villages


def test_masked_text_hides_values_dates_and_polarity():
    report = sample_report()
    claim = report.analyses[0].claims[0]  # "12 villages were evacuated on 4 May"
    assert masked_text(claim) == "several villages were evacuated on that day"


def test_many_identical_copies_do_not_use_up_the_neighbour_budget():
    # 30 copies each of two close wordings (cos 0.9) and one unrelated claim, 3 neighbours each:
    # counting copies as neighbours would leave the two wordings unconnected.
    a, b, c = [1.0, 0.0, 0.0], [0.9, 0.4359, 0.0], [0.0, 0.0, 1.0]
    vectors = np.array([a] * 30 + [b] * 30 + [c], dtype=np.float32)
    n = len(vectors)
    empty = sparse.csr_matrix((n, 1), dtype=np.float32)
    signatures = ["a"] * 30 + ["b"] * 30 + ["c"]
    space = ClaimSpace(vectors, None, empty, empty, [f"x{i}" for i in range(n)], 0.0,
                       signatures=signatures)
    copies = space.identical_groups()
    assert [len(g) for g in copies] == [30, 30, 1]
    edges = candidate_edges(space, 0.53, 3, rows=[g[0] for g in copies])
    assert list(edges) == [(0, 30)]
    groups = agglomerate(space, edges, DEFAULT_SETTINGS, initial=copies)
    assert sorted(groups) == [list(range(60)), [60]]

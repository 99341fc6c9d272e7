"""Cutting a story's members in two: average-linkage agglomeration over their pair scores, and
whether the two groups are clearly two stories (stories.py's split step)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .settings import Settings


def two_groups(scores: np.ndarray, settings: Settings) -> Partition | None:
    """The best 2-way partition of members by average-linkage agglomeration over their pair
    scores, when it is a split (see ``split_margin``) and both groups have
    ``story_split_min_part`` members and are coherent (mean inner score >=
    ``story_split_coherence``), else None."""
    first, second = agglomerate_two(scores)
    if min(len(first), len(second)) < settings.story_split_min_part:
        return None
    inner = min(mean_inner(scores, g) for g in (first, second))
    partition = Partition(mean_link(scores, first, second), inner, second)
    if inner < settings.story_split_coherence or split_margin(partition, settings)[0] <= 0:
        return None
    return partition


@dataclass(frozen=True)
class Partition:
    cross: float  # mean cross-group pair score
    inner: float  # the lower of the two groups' mean inner pair scores
    moved: list[int]  # indices of the group without member 0


def split_margin(partition: Partition, settings: Settings) -> tuple[float, str]:
    """How clearly the two groups are two stories, and why: their cross score is low in absolute
    terms (below ``story_split_threshold``), or far below their inner scores (by at least
    ``story_split_gap``, when that is on). Positive = split."""
    absolute = settings.story_split_threshold - partition.cross
    relative = (partition.inner - partition.cross - settings.story_split_gap
                if settings.story_split_gap > 0 else float("-inf"))
    if absolute >= relative:
        return absolute, (f"mean cross-group score {partition.cross:.2f} < "
                          f"{settings.story_split_threshold:.2f}")
    return relative, (f"mean cross-group score {partition.cross:.2f} is "
                      f"{partition.inner - partition.cross:.2f} below the groups' inner scores "
                      f"(>= {settings.story_split_gap:.2f})")


def agglomerate_two(scores: np.ndarray) -> tuple[list[int], list[int]]:
    """Average-linkage agglomeration down to two groups (ties: the first pair in row order),
    on running sums of cross-group scores so that each step costs O(groups^2) in numpy."""
    groups = [[i] for i in range(len(scores))]
    sums = scores.astype(float).copy()
    while len(groups) > 2:
        sizes = np.array([len(g) for g in groups], dtype=float)
        links = sums / np.outer(sizes, sizes)
        links[np.tril_indices(len(groups))] = -np.inf
        a, b = divmod(int(np.argmax(links)), len(groups))
        sums[a] += sums[b]
        sums[:, a] += sums[:, b]
        sums = np.delete(np.delete(sums, b, axis=0), b, axis=1)
        groups[a] += groups.pop(b)
    first, second = sorted((sorted(g) for g in groups), key=lambda g: g[0])
    return first, second


def mean_link(scores: np.ndarray, a: list[int], b: list[int]) -> float:
    return float(scores[np.ix_(a, b)].mean())


def mean_inner(scores: np.ndarray, group: list[int]) -> float:
    block = scores[np.ix_(group, group)]
    return float((block.sum() - np.trace(block)) / (len(group) * (len(group) - 1)))

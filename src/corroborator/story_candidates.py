"""Where a new article looks for its story: the candidate-index protocol and the exact, in-memory
default (story_index.py holds the persistent approximate one for large stores), and a wrapper
that records which stories changed (resume.py saves those after each placement)."""

from __future__ import annotations

from typing import Protocol

import numpy as np


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
        self._vectors[key] = unit(np.asarray(vector, dtype=np.float32))

    def remove(self, key: int) -> None:
        self._vectors.pop(key, None)

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        if not self._vectors or k <= 0:
            return []
        keys = sorted(self._vectors)
        cosines = np.stack([self._vectors[key] for key in keys]) @ unit(vector)
        order = sorted(range(len(keys)), key=lambda i: (-float(cosines[i]), keys[i]))[:k]
        return [(keys[i], float(cosines[i])) for i in order]

    def __len__(self) -> int:
        return len(self._vectors)


class RecordingIndex:
    """A ``CandidateIndex`` wrapper that remembers which story keys changed since ``drain``:
    every story whose centroid moved is upserted, every story merged away removed."""

    def __init__(self, inner: CandidateIndex) -> None:
        self.inner = inner
        self.upserted: set[int] = set()
        self.removed: set[int] = set()

    def upsert(self, key: int, vector: np.ndarray) -> None:
        self.inner.upsert(key, vector)
        self.upserted.add(key)
        self.removed.discard(key)

    def remove(self, key: int) -> None:
        self.inner.remove(key)
        self.removed.add(key)
        self.upserted.discard(key)

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        return self.inner.nearest(vector, k)

    def __len__(self) -> int:
        return len(self.inner)

    def drain(self) -> tuple[set[int], set[int]]:
        changed, removed = self.upserted, self.removed
        self.upserted, self.removed = set(), set()
        return changed, removed


def unit(vector: np.ndarray) -> np.ndarray:
    """``vector`` scaled to length 1 (float32); a zero vector stays zero."""
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm > 0 else vector).astype(np.float32)

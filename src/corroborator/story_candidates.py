"""Where a new article looks for its story: the candidate-index protocol and the exact, in-memory
default (story_index.py holds the persistent approximate one for large stores)."""

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


def unit(vector: np.ndarray) -> np.ndarray:
    """``vector`` scaled to length 1 (float32); a zero vector stays zero."""
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm > 0 else vector).astype(np.float32)

"""A persistent approximate-nearest-neighbour index of story vectors (usearch HNSW, cosine).

``stories.py`` ranks the open stories nearest to an arriving article; with 100,000 stories a
linear scan becomes the slow part, so this index answers ``nearest`` in about a millisecond
and is kept on disk between runs. It satisfies ``stories.CandidateIndex``.

The store's ``story_vectors`` table is the source of truth; the index file is a cache of it.
A small JSON sidecar (``<file>.meta.json``) records what the file holds: format, dimension,
embedder, count, a checksum of the key set, the byte size and CRC-32 of the file, and the
store's vector *generation* when it was saved. ``open_story_index`` checks all of it and, when
the file is missing, truncated, damaged or older than the store, rebuilds it from the store.
Why usearch and the measured figures: docs/story_index.md.
"""

from __future__ import annotations

import json
import logging
import os
import zlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from usearch.index import Index

if TYPE_CHECKING:  # type checking only: stories.py and the store import nothing from here
    from corroborator.store import SqliteStore
    from corroborator.stories import CandidateIndex  # noqa: F401  (the protocol implemented)

log = logging.getLogger(__name__)

# Bump when the file or sidecar layout changes: older files are then rebuilt, never misread.
INDEX_FORMAT = 1
# Vectors added to the graph per call when building: bounds the temporary float32 copies.
BUILD_BATCH = 10_000
_CRC_CHUNK = 1 << 22


@dataclass(frozen=True)
class IndexParams:
    """HNSW settings. Defaults measured with benchmarks/bench_story_index.py (100k stories,
    384-d): recall@8 >= 0.95 on clustered vectors at ~1 ms per query on 2 cores."""
    # Graph edges per node (HNSW "M"): more raises recall and memory (~8 bytes per edge).
    connectivity: int = 16
    # Candidates explored when inserting (efConstruction): more builds a better graph, slower.
    expansion_add: int = 64
    # Candidates explored per query (ef): the recall/latency knob; must be >= k (8 here).
    expansion_search: int = 128
    # Scalar type the vectors are kept in: "f16" halves memory against "f32"; the cosine error
    # on unit vectors stays < 1e-3, far below what the join threshold can notice.
    dtype: str = "f16"


class StaleIndexError(Exception):
    """The index file is missing, damaged or does not match what the store holds."""


@dataclass(frozen=True)
class IndexMeta:
    """The sidecar: what an index file holds, checked before the file is trusted."""
    format: int
    dim: int
    count: int
    key_checksum: str  # order-independent hash of the key set (hex)
    generation: int  # the store's story-vector generation the file reflects
    embedder: str
    file_bytes: int
    crc32: int


class AnnStoryIndex:
    """Cosine nearest neighbours over story vectors; keys are story numbers (int >= 0)."""

    def __init__(self, dim: int, params: IndexParams | None = None) -> None:
        self.dim = dim
        self.params = params or IndexParams()
        self._index = _new_usearch(dim, self.params)

    # --- the CandidateIndex protocol ---

    def upsert(self, key: int, vector: np.ndarray) -> None:
        """Add or replace ``key``'s vector (expected unit-normalised, length ``dim``)."""
        row = self._checked(vector)
        if self._index.contains(key):
            self._index.remove(key)  # usearch refuses duplicate keys; removed slots are reused
        self._index.add(key, row)

    def remove(self, key: int) -> None:
        if self._index.contains(key):
            self._index.remove(key)

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Up to ``k`` ``(key, cosine)`` pairs, most similar first."""
        count = min(k, len(self))
        if count <= 0:
            return []
        matches = self._index.search(self._checked(vector), count)
        return [(int(key), 1.0 - float(distance))
                for key, distance in zip(matches.keys, matches.distances, strict=True)]

    def __len__(self) -> int:
        return len(self._index)

    # --- the rest ---

    def __contains__(self, key: int) -> bool:
        return bool(self._index.contains(key))

    def add_many(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        """Bulk insert of keys not yet present (the fast path when building)."""
        if len(keys):
            self._index.add(np.asarray(keys, dtype=np.uint64), self._checked_rows(vectors))

    def keys(self) -> np.ndarray:
        return np.asarray(self._index.keys, dtype=np.uint64)

    def key_checksum(self) -> str:
        return key_checksum(self.keys())

    @property
    def memory_bytes(self) -> int:
        """usearch's own count of the bytes the graph and vectors use."""
        return int(self._index.memory_usage)

    def save(self, path: str | os.PathLike[str], *, generation: int = 0,
             embedder: str = "") -> IndexMeta:
        """Write the index and its sidecar atomically (temp file, fsync, ``os.replace``).

        The sidecar is replaced last: a crash in between leaves a file its sidecar does not
        describe (size, CRC), which ``open`` rejects, so the index is rebuilt, never misread.
        """
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = _temp_path(target)
        try:
            self._index.save(str(temp))
            _fsync(temp)
            meta = IndexMeta(INDEX_FORMAT, self.dim, len(self), self.key_checksum(), generation,
                             embedder, temp.stat().st_size, _file_crc32(temp))
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
        _write_atomically(meta_path(target), json.dumps(asdict(meta), indent=1).encode())
        return meta

    @classmethod
    def open(cls, path: str | os.PathLike[str], dim: int, *, generation: int | None = None,
             embedder: str | None = None, params: IndexParams | None = None) -> AnnStoryIndex:
        """Load a saved index; ``StaleIndexError`` when it is missing, damaged, of another
        dimension or embedder, or saved at another store generation (when those are given)."""
        target = Path(path)
        meta = read_meta(target)
        expected = {"format": INDEX_FORMAT, "dim": dim, "generation": generation,
                    "embedder": embedder}
        for name, value in expected.items():
            if value is not None and getattr(meta, name) != value:
                raise StaleIndexError(f"{target}: {name} is {getattr(meta, name)!r}, "
                                      f"expected {value!r}")
        _check_file(target, meta)
        index = cls(dim, params)
        try:
            index._index.load(str(target))
        except (ValueError, RuntimeError) as exc:
            raise StaleIndexError(f"{target}: usearch cannot load it ({exc})") from exc
        _check_content(index, meta, target)
        index._index.expansion_search = index.params.expansion_search  # a run-time knob
        return index

    def _checked(self, vector: np.ndarray) -> np.ndarray:
        row = np.asarray(vector, dtype=np.float32).reshape(-1)
        if row.shape[0] != self.dim:
            raise ValueError(f"vector of dimension {row.shape[0]}, index has {self.dim}")
        return row

    def _checked_rows(self, vectors: np.ndarray) -> np.ndarray:
        rows = np.asarray(vectors, dtype=np.float32)
        if rows.ndim != 2 or rows.shape[1] != self.dim:
            raise ValueError(f"vectors of shape {rows.shape}, index has dimension {self.dim}")
        return rows


def open_story_index(store: SqliteStore, path: str | os.PathLike[str], dim: int, *,
                     embedder: str = "", params: IndexParams | None = None
                     ) -> tuple[AnnStoryIndex, str | None]:
    """The index at ``path`` when it matches the store, else one rebuilt from the store (and
    saved there). Returns the index and why it was rebuilt (None when the file was used)."""
    state = store.story_vector_state()
    try:
        index = AnnStoryIndex.open(path, dim, generation=state.generation, embedder=embedder,
                                   params=params)
        if index.key_checksum() != key_checksum(store.story_vector_keys()):
            raise StaleIndexError(f"{path}: its keys differ from the store's")
        return index, None
    except StaleIndexError as exc:
        log.info("rebuilding the story index: %s", exc)
        return rebuild_story_index(store, path, dim, embedder=embedder, params=params), str(exc)


def rebuild_story_index(store: SqliteStore, path: str | os.PathLike[str], dim: int, *,
                        embedder: str = "", params: IndexParams | None = None) -> AnnStoryIndex:
    """Build the index from the store's ``story_vectors`` and save it at ``path``.

    The generation is read before the vectors: if another writer adds vectors meanwhile, the
    saved file carries the older generation and is rebuilt on the next open, never trusted.
    """
    state = store.story_vector_state()
    if state.count and state.dim != dim:
        raise ValueError(f"the store holds story vectors of dimension {state.dim}, not {dim}")
    index = build_index(((key, vector) for _, key, vector in store.story_vectors()), dim, params)
    index.save(path, generation=state.generation, embedder=embedder)
    return index


def save_story_index(index: AnnStoryIndex, store: SqliteStore, path: str | os.PathLike[str], *,
                     embedder: str = "") -> IndexMeta:
    """Save ``index`` as reflecting the store's current vectors (call after writing them)."""
    return index.save(path, generation=store.story_vector_state().generation, embedder=embedder)


def build_index(items: Iterable[tuple[int, np.ndarray]], dim: int,
                params: IndexParams | None = None) -> AnnStoryIndex:
    """An index of ``(key, vector)`` pairs, inserted in batches (usearch uses every core)."""
    index = AnnStoryIndex(dim, params)
    keys: list[int] = []
    rows: list[np.ndarray] = []
    for key, vector in items:
        keys.append(key)
        rows.append(vector)
        if len(keys) == BUILD_BATCH:
            index.add_many(np.array(keys, dtype=np.uint64), np.stack(rows))
            keys, rows = [], []
    if keys:
        index.add_many(np.array(keys, dtype=np.uint64), np.stack(rows))
    return index


def key_checksum(keys: np.ndarray) -> str:
    """An order-independent checksum of a key set: the wrapped sum of a 64-bit mix of each
    key (splitmix64 finaliser), so a missing, extra or changed key shows."""
    mixed = np.asarray(keys, dtype=np.uint64).copy()
    with np.errstate(over="ignore"):
        mixed ^= mixed >> np.uint64(30)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(27)
        mixed *= np.uint64(0x94D049BB133111EB)
        mixed ^= mixed >> np.uint64(31)
        total = int(mixed.sum(dtype=np.uint64))
    return f"{len(mixed):x}-{total:016x}"


def meta_path(path: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(path)}.meta.json")


def read_meta(path: str | os.PathLike[str]) -> IndexMeta:
    sidecar = meta_path(path)
    try:
        return IndexMeta(**json.loads(sidecar.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise StaleIndexError(f"{sidecar} is missing") from exc
    except (OSError, ValueError, TypeError) as exc:
        raise StaleIndexError(f"{sidecar} is unreadable ({exc})") from exc


def _new_usearch(dim: int, params: IndexParams) -> Index:
    return Index(ndim=dim, metric="cos", dtype=params.dtype, connectivity=params.connectivity,
                 expansion_add=params.expansion_add, expansion_search=params.expansion_search)


def _check_file(path: Path, meta: IndexMeta) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise StaleIndexError(f"{path} is missing") from exc
    if size != meta.file_bytes:
        raise StaleIndexError(f"{path} has {size} bytes, its sidecar says {meta.file_bytes}")
    if _file_crc32(path) != meta.crc32:
        raise StaleIndexError(f"{path} is damaged (CRC-32 differs from its sidecar)")


def _check_content(index: AnnStoryIndex, meta: IndexMeta, path: Path) -> None:
    if len(index) != meta.count:
        raise StaleIndexError(f"{path} holds {len(index)} stories, its sidecar says {meta.count}")
    if index.key_checksum() != meta.key_checksum:
        raise StaleIndexError(f"{path}: its keys differ from its sidecar's")


def _file_crc32(path: Path) -> int:
    crc = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CRC_CHUNK):
            crc = zlib.crc32(chunk, crc)
    return crc


def _temp_path(target: Path) -> Path:
    # Same directory as the target, so os.replace is a rename within one file system.
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _write_atomically(target: Path, data: bytes) -> None:
    temp = _temp_path(target)
    try:
        with temp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)

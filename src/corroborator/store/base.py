"""The storage interface every backend implements (SQLite now; PostgreSQL can follow).

The pipeline talks to a ``Store`` only: model objects go in and come out, rows never leave
``store/``. Writes are idempotent by content hash, so re-running on the same inputs is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

import numpy as np

from corroborator.model import Analysis, Article, Report, StoryEvent


@dataclass(frozen=True)
class RecordedStoryEvent:
    """A clustering decision as the store keeps it: the event, when it was recorded, its row id."""
    id: int
    at: datetime
    event: StoryEvent


@dataclass(frozen=True)
class StoryVectorState:
    """What the stored story vectors are: a persistent index file must match it to be used."""
    generation: int  # bumped by every write to the vectors
    count: int
    dim: int | None  # None while no vector was ever stored
    embedder: str


@dataclass(frozen=True)
class StoryMember:
    """One article of a stored story: its id, content hash and title + lead embedding."""
    article_id: str
    content_hash: str
    vector: np.ndarray


@dataclass(frozen=True)
class StoredStory:
    """A story of the catalogue that resumed runs extend: ``key`` is its stable number (its key
    in the story index), ``story_id`` its stable display id, ``vector`` its centroid."""
    key: int
    story_id: str
    vector: np.ndarray
    members: tuple[StoryMember, ...]


@runtime_checkable
class Store(Protocol):
    def has_article(self, content_hash: str) -> bool:
        """Whether an article with this content hash is stored."""
        ...

    def cached_analysis(self, content_hash: str, analyzer_version: str) -> Analysis | None:
        """The stored analysis of that content by that analyzer version, else None."""
        ...

    def save_analysis(self, analysis: Analysis, analyzer_version: str) -> bool:
        """Store the article, its analysis and derived facts in one transaction.

        Returns False (and changes nothing) when this content is already stored with this
        analyzer version; replaces what another analyzer version produced.
        """
        ...

    def save_report(self, report: Report, run_info: dict[str, Any]) -> int:
        """Record a run and replace the current stories and claim groups; returns the run id."""
        ...

    def articles(self) -> list[Article]: ...

    def article_count(self) -> int: ...

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

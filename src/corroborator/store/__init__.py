"""Storage: the ``Store`` interface and its SQLite implementation."""

from corroborator.store.base import RecordedStoryEvent, Store, StoryVectorState
from corroborator.store.sqlite import SqliteStore

__all__ = ["RecordedStoryEvent", "SqliteStore", "Store", "StoryVectorState"]

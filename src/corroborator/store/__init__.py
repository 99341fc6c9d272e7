"""Storage: the ``Store`` interface and its SQLite implementation."""

from corroborator.store.base import (
    RecordedStoryEvent,
    Store,
    StoredStory,
    StoryMember,
    StoryVectorState,
)
from corroborator.store.sqlite import SqliteStore

__all__ = ["RecordedStoryEvent", "SqliteStore", "Store", "StoredStory", "StoryMember",
           "StoryVectorState"]

"""Storage: the ``Store`` interface and its SQLite implementation."""

from corroborator.store.base import Store
from corroborator.store.sqlite import SqliteStore

__all__ = ["SqliteStore", "Store"]

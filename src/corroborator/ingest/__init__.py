"""Ingest: files, directories and URLs -> ``Article`` values plus the problems met on the way.

Formats: plain text/Markdown (optional YAML front matter), HTML (trafilatura), JSONL, RSS/Atom
(feedparser), WARC (warcio), and http(s) URLs behind an SSRF guard. Bad inputs never raise:
each becomes an ``IngestProblem`` and the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from corroborator.ingest.assemble import IngestResult, assemble, content_hash
from corroborator.ingest.draft import Item
from corroborator.ingest.files import read_path
from corroborator.ingest.url import is_url, read_url
from corroborator.settings import DEFAULT_SETTINGS, Settings

__all__ = ["IngestResult", "content_hash", "ingest_paths"]


def ingest_paths(
    paths: Iterable[str | Path],
    settings: Settings = DEFAULT_SETTINGS,
    *,
    allow_private_urls: bool = False,
) -> IngestResult:
    """Read every path (file, directory walked recursively, or http(s) URL) into Articles.

    Duplicates (same ``content_hash``) keep the first; ids are unique within the result.
    """
    return assemble(_items(paths, settings, allow_private_urls), settings)


def _items(
    paths: Iterable[str | Path], settings: Settings, allow_private_urls: bool
) -> Iterator[Item]:
    for path in paths:
        if is_url(path):
            yield from read_url(str(path), settings, allow_private_urls)
        else:
            yield from read_path(Path(path), settings)

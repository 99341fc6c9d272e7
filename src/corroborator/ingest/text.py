"""Plain text and Markdown articles, with optional YAML front matter between "---" lines."""

from __future__ import annotations

import re

import yaml

from corroborator.ingest.draft import Draft, Item, clean_str
from corroborator.model import IngestProblem

OPENING = re.compile(r"\A---[ \t]*\r?\n")
CLOSING = re.compile(r"^---[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\r?\n)+")


def read_text_article(text: str, source: str, fallback_id: str, url: str | None = None) -> Item:
    """One article from a text file; front matter keys: title, outlet, url, published, id."""
    meta: dict = {}
    body = text
    opening = OPENING.match(text)
    if opening:
        closing = CLOSING.search(text, opening.end())
        if closing is None:
            return IngestProblem(source, "front matter opened with '---' but never closed")
        try:
            loaded = yaml.safe_load(text[opening.end() : closing.start()])
        except yaml.YAMLError as exc:
            return IngestProblem(source, f"front matter is not valid YAML: {_first_line(exc)}")
        if loaded is not None and not isinstance(loaded, dict):
            return IngestProblem(source, "front matter is not a mapping of keys to values")
        meta = loaded or {}
        body = text[closing.end() :]
    # Only blank lines and trailing whitespace go: later stages point offsets into this text.
    body = LEADING_BLANK_LINES.sub("", body).rstrip()
    return Draft(
        text=body,
        source=source,
        id=clean_str(meta.get("id")) or fallback_id,
        outlet=clean_str(meta.get("outlet")),
        url=clean_str(meta.get("url")) or url,
        title=clean_str(meta.get("title")),
        published=meta.get("published"),
    )


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__

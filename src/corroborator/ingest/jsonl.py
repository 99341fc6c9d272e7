"""JSON Lines: one article per line; ``text`` is kept exactly as given (offsets point into it)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from corroborator.ingest.draft import Draft, Item, clean_str
from corroborator.model import IngestProblem


def read_jsonl(text: str, source: str, stem_id: str) -> Iterator[Item]:
    """Articles from the lines of a JSONL file; each bad line is a problem, the rest are kept."""
    # Split on "\n" only: str.splitlines() would also split on U+2028 inside a JSON string.
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.rstrip("\r")
        if not line.strip():
            continue
        line_source = f"{source}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestProblem(line_source, f"malformed JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(record, dict):
            yield IngestProblem(line_source, "line is not a JSON object")
            continue
        body = record.get("text")
        if not isinstance(body, str) or not body.strip():
            yield IngestProblem(line_source, "no text: the 'text' field is missing or empty")
            continue
        yield Draft(
            text=body,
            source=line_source,
            id=clean_str(record.get("id")) or f"{stem_id}-{number}",
            outlet=clean_str(record.get("outlet")),
            url=clean_str(record.get("url")),
            title=clean_str(record.get("title")),
            published=record.get("published"),
        )

"""RSS and Atom feeds with feedparser: one article per entry, the feed title as outlet."""

from __future__ import annotations

import io
from collections.abc import Iterator

import feedparser

from corroborator.ingest.dates import UnreadableDate, parse_published
from corroborator.ingest.draft import Draft, Item, clean_str, id_from_url
from corroborator.ingest.html import fragment_text
from corroborator.model import IngestProblem


def read_feed(data: bytes, source: str, stem_id: str) -> Iterator[Item]:
    """Articles from a feed's entries (text = content, else summary, stripped of HTML)."""
    # A stream, never a string: feedparser fetches strings that look like URLs.
    parsed = feedparser.parse(io.BytesIO(data))
    if not parsed.entries:
        if parsed.get("bozo"):
            reason = f"malformed feed: {parsed.get('bozo_exception')}"
        else:
            reason = "feed has no entries"
        yield IngestProblem(source, reason)
        return
    outlet = clean_str(parsed.feed.get("title"))
    for number, entry in enumerate(parsed.entries, start=1):
        link = clean_str(entry.get("link"))
        yield Draft(
            text=fragment_text(_entry_html(entry)),
            source=f"{source}#entry-{number}",
            id=id_from_url(link) if link else f"{stem_id}-entry-{number}",
            outlet=outlet,
            url=link,
            title=clean_str(entry.get("title")),
            published=_entry_published(entry),
        )


def _entry_html(entry: feedparser.FeedParserDict) -> str:
    """The fullest body an entry has: the longest content block, else the summary."""
    contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    if contents:
        return max(contents, key=len)
    return entry.get("summary", "") or ""


def _entry_published(entry: feedparser.FeedParserDict) -> object:
    """The raw date string when we can read it (it keeps its time zone), else feedparser's UTC."""
    for raw_key, parsed_key in (("published", "published_parsed"), ("updated", "updated_parsed")):
        raw = entry.get(raw_key)
        if not raw:
            continue
        try:
            parse_published(raw)
            return raw
        except UnreadableDate:
            return entry.get(parsed_key) or raw
    return None

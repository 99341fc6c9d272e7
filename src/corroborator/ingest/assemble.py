"""The checks every format shares: empty/short/non-English text, duplicates, dates, outlet, ids."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from corroborator.ingest.dates import UnreadableDate, parse_published
from corroborator.ingest.draft import Draft, Item, domain_of
from corroborator.ingest.language import english_ratio
from corroborator.model import Article, IngestProblem
from corroborator.settings import Settings


@dataclass(frozen=True)
class IngestResult:
    articles: tuple[Article, ...]
    problems: tuple[IngestProblem, ...]


def content_hash(text: str) -> str:
    """sha256 hex of the text with whitespace runs collapsed and ends stripped (the dedup key)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def assemble(items: Iterable[Item], settings: Settings) -> IngestResult:
    """Turn reader output into Articles, in input order; the first of two duplicates wins."""
    articles: list[Article] = []
    problems: list[IngestProblem] = []
    id_by_hash: dict[str, str] = {}
    used_ids: set[str] = set()
    for item in items:
        if isinstance(item, IngestProblem):
            problems.append(item)
            continue
        reason = rejection_reason(item.text, settings)
        if reason:
            problems.append(IngestProblem(item.source, reason))
            continue
        digest = content_hash(item.text)
        if digest in id_by_hash:
            problems.append(IngestProblem(item.source, f"duplicate of {id_by_hash[digest]}"))
            continue
        article_id = unique_id(item.id, used_ids)
        id_by_hash[digest] = article_id
        articles.append(_article(item, article_id, digest, problems))
    return IngestResult(tuple(articles), tuple(problems))


def rejection_reason(text: str, settings: Settings) -> str | None:
    stripped = text.strip()
    if not stripped:
        return "no text (empty or whitespace only)"
    if len(stripped) < settings.min_text_chars:
        return f"text too short ({len(stripped)} chars < min_text_chars {settings.min_text_chars})"
    ratio = english_ratio(text)
    if ratio < settings.min_english_stopword_ratio:
        return f"not English (detected ratio {ratio:.2f})"
    return None


def unique_id(wanted: str, used: set[str]) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``... when taken; records the id as used."""
    candidate, n = wanted, 1
    while candidate in used:
        n += 1
        candidate = f"{wanted}-{n}"
    used.add(candidate)
    return candidate


def _article(draft: Draft, article_id: str, digest: str, problems: list[IngestProblem]) -> Article:
    try:
        published = parse_published(draft.published)
    except UnreadableDate:
        published = None
        problems.append(IngestProblem(
            draft.source, f"unreadable published date {draft.published!r}", skipped=False
        ))
    return Article(
        id=article_id,
        outlet=draft.outlet or draft.sitename or domain_of(draft.url) or "unknown",
        text=draft.text,  # exactly as read: offsets in later stages point into it
        url=draft.url,
        title=draft.title,
        published=published,
        source=draft.source,
        content_hash=digest,
    )

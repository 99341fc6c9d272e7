"""Model objects to table rows and back: the only place that knows both shapes.

Pure functions, no connection: ``sqlite.py`` (and a future PostgreSQL store) run the SQL.
Rows are plain tuples in the column order of ``COLUMNS``; nothing here leaves ``store/``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import numpy as np

from corroborator.model import (
    Analysis,
    Article,
    Attribution,
    ChainLink,
    ClaimGroup,
    Report,
    StoryEvent,
    StoryReport,
)
from corroborator.serialize import to_dict
from corroborator.store.base import RecordedStoryEvent

Row = tuple[Any, ...]

COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("content_hash", "id", "outlet", "url", "title", "published", "text", "source",
                 "ingested_at"),
    "analysis_cache": ("content_hash", "analyzer_version", "json", "created_at"),
    "entities": ("article_hash", "idx", "text", "start", "end", "label"),
    "attributions": ("article_hash", "idx", "source", "source_start", "source_end", "cue",
                     "cue_start", "cue_end", "content", "content_start", "content_end",
                     "source_kind", "chain_json", "origin"),
    "hedges": ("article_hash", "idx", "text", "start", "end", "scope", "scope_start",
               "scope_end"),
    "claims": ("article_hash", "claim_id", "idx", "text", "start", "end", "sentence", "hedged",
               "negated", "checkworthiness", "attribution_source"),
    "quantities": ("article_hash", "idx", "text", "start", "end", "value", "high", "unit",
                   "qualifier"),
    "dates": ("article_hash", "idx", "text", "start", "end", "value", "relative"),
    "framing_terms": ("article_hash", "idx", "referent", "term", "text", "start", "end"),
    "stories": ("id", "idx", "title", "article_count"),
    "story_articles": ("story_id", "article_id", "article_hash", "idx"),
    "claim_groups": ("id", "story_id", "idx", "text", "status", "independent_origins",
                     "origins_json", "explanation"),
    "mentions": ("group_id", "idx", "article_id", "article_hash", "claim_id", "outlet", "start",
                 "end", "text", "sentence", "origin", "origin_key", "chain_json", "hedged",
                 "quantities_json", "dates_json"),
    "conflicts": ("group_id", "idx", "kind", "a", "b", "detail", "minor", "outdated",
                  "a_side_json", "b_side_json"),
    "framing": ("story_id", "referent", "outlet", "terms_json"),
    "runs": ("started", "finished", "inputs_json", "article_count", "story_count", "claim_count",
             "problem_count", "version", "info_json"),
    "problems": ("run_id", "idx", "source", "reason", "skipped"),
    "story_vectors": ("story_id", "key", "dim", "vector"),
    "story_events": ("at", "kind", "story_id", "article_id", "other_story_id", "confidence",
                     "reason"),
}

# Rows derived from one Analysis, deleted and rewritten together when the analyzer changes.
DERIVED_TABLES = ("entities", "attributions", "hedges", "claims", "quantities", "dates",
                  "framing_terms")
# Report tables, children first so deleting in this order never trips a foreign key.
REPORT_TABLES = ("mentions", "conflicts", "framing", "claim_groups", "story_articles", "stories")


def insert_sql(table: str, verb: str = "INSERT") -> str:
    columns = COLUMNS[table]
    names = ", ".join(f'"{c}"' for c in columns)  # quoted: "end" is an SQL keyword
    return f"{verb} INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"


def dumps(value: Any) -> str:
    return json.dumps(to_dict(value), ensure_ascii=False)


def article_key(article: Article) -> str:
    """The store's key for an article: its content hash, or a hash of its text when unset.

    Ingest sets ``content_hash`` (of the normalised text); the fallback keeps hand-built
    articles storable without inventing a second normalisation here.
    """
    return article.content_hash or hashlib.sha256(article.text.encode("utf-8")).hexdigest()


def article_row(article: Article, key: str, ingested_at: str) -> Row:
    published = article.published.isoformat() if article.published else None
    return (key, article.id, article.outlet, article.url, article.title, published, article.text,
            article.source, ingested_at)


def article_from_row(row: Row) -> Article:
    key, id_, outlet, url, title, published, text, source, _ = row
    return Article(
        id=id_, outlet=outlet, text=text, url=url, title=title,
        published=datetime.fromisoformat(published) if published else None,
        source=source, content_hash=key,
    )


def chain_origin(attribution: Attribution) -> str:
    return attribution.chain[-1].name if attribution.chain else attribution.source.text


def derived_rows(analysis: Analysis, key: str) -> dict[str, list[Row]]:
    """Every per-article fact of ``analysis`` as rows, by table."""
    a = analysis
    return {
        "entities": [(key, i, e.span.text, e.span.start, e.span.end, e.label)
                     for i, e in enumerate(a.entities)],
        "attributions": [_attribution_row(key, i, at) for i, at in enumerate(a.attributions)],
        "hedges": [(key, i, h.span.text, h.span.start, h.span.end, h.scope.text, h.scope.start,
                    h.scope.end) for i, h in enumerate(a.hedges)],
        "claims": [(key, c.id, i, c.span.text, c.span.start, c.span.end, c.sentence.text,
                    int(c.hedged), int(c.negated), c.checkworthiness,
                    c.attribution.source.text if c.attribution else None)
                   for i, c in enumerate(a.claims)],
        "quantities": [(key, i, q.span.text, q.span.start, q.span.end, q.value, q.high, q.unit,
                        q.qualifier) for i, q in enumerate(a.quantities)],
        "dates": [(key, i, d.span.text, d.span.start, d.span.end, d.value.isoformat(),
                   int(d.relative)) for i, d in enumerate(a.dates)],
        "framing_terms": [(key, i, f.referent, f.term, f.span.text, f.span.start, f.span.end)
                          for i, f in enumerate(a.framing)],
    }


def _attribution_row(key: str, idx: int, at: Attribution) -> Row:
    s, c, t = at.source, at.cue, at.content
    return (key, idx, s.text, s.start, s.end, c.text, c.start, c.end, t.text, t.start, t.end,
            at.source_kind, _chain_json(at.chain), chain_origin(at))


def _chain_json(chain: Iterable[ChainLink]) -> str:
    return dumps(tuple(chain))


def report_rows(report: Report) -> dict[str, list[Row]]:
    """The report's stories and everything under them as rows, by table (parents first)."""
    hashes = {a.article.id: article_key(a.article) for a in report.analyses}
    rows: dict[str, list[Row]] = {t: [] for t in reversed(REPORT_TABLES)}
    for s_idx, story_report in enumerate(report.stories):
        story = story_report.story
        article_ids = tuple(dict.fromkeys(story.article_ids))  # a repeat would break the key
        rows["stories"].append((story.id, s_idx, story.title, len(article_ids)))
        rows["story_articles"].extend(
            (story.id, article_id, hashes.get(article_id), i)
            for i, article_id in enumerate(article_ids)
        )
        rows["framing"].extend(_framing_rows(story_report))
        for g_idx, group in enumerate(story_report.claims):
            _add_group_rows(rows, story.id, g_idx, group, hashes)
    return rows


def _framing_rows(story_report: StoryReport) -> list[Row]:
    return [(story_report.story.id, f.referent, outlet, dumps(terms))
            for f in story_report.framing for outlet, terms in f.terms.items()]


def _add_group_rows(rows: dict[str, list[Row]], story_id: str, g_idx: int, group: ClaimGroup,
                    hashes: dict[str, str]) -> None:
    rows["claim_groups"].append((group.id, story_id, g_idx, group.text, group.status,
                                 group.independent_origins, dumps(group.origins),
                                 group.explanation))
    for i, m in enumerate(group.mentions):
        c = m.claim
        rows["mentions"].append((
            group.id, i, m.article_id, hashes.get(m.article_id), c.id, m.outlet, c.span.start,
            c.span.end, c.span.text, c.sentence.text, m.origin, m.origin_key, _chain_json(m.chain),
            int(c.hedged), dumps(c.quantities), dumps(c.dates),
        ))
    rows["conflicts"].extend((group.id, i, k.kind, k.a, k.b, k.detail, int(k.minor),
                              int(k.outdated), json.dumps(list(k.a_side)),
                              json.dumps(list(k.b_side)))
                             for i, k in enumerate(group.conflicts))


def run_row(report: Report, run_info: dict[str, Any], now: str) -> Row:
    """The ``runs`` row; ``run_info`` may hold started/finished (datetime or ISO str), inputs,
    version and anything else (all of it is kept in ``info_json``)."""
    finished = _iso(run_info.get("finished")) or now
    started = _iso(run_info.get("started")) or finished
    claim_count = sum(len(s.claims) for s in report.stories)
    info = json.dumps(_jsonable(run_info), ensure_ascii=False)
    inputs = json.dumps(_jsonable(run_info.get("inputs", [])), ensure_ascii=False)
    return (started, finished, inputs, len(report.analyses), len(report.stories), claim_count,
            len(report.problems), str(run_info.get("version", "")), info)


def problem_rows(report: Report, run_id: int) -> list[Row]:
    return [(run_id, i, p.source, p.reason, int(p.skipped)) for i, p in enumerate(report.problems)]


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _jsonable(value: Any) -> Any:
    """run_info is free-form: paths, sets and other odd values are kept as their text."""
    try:
        return to_dict(value)
    except TypeError:
        if isinstance(value, dict):
            return {str(k): _jsonable(v) for k, v in value.items()}
        if isinstance(value, (list, tuple, set, frozenset)):
            return [_jsonable(v) for v in value]
        return str(value)


# --- story index: vectors and clustering events ---

# Vectors are stored as little-endian float32 whatever the machine, so a file moves between hosts.
_VECTOR_DTYPE = np.dtype("<f4")


def story_vector_row(story_id: str, key: int, vector: np.ndarray) -> Row:
    flat = np.asarray(vector, dtype=_VECTOR_DTYPE).reshape(-1)
    return (story_id, int(key), int(flat.shape[0]), flat.tobytes())


def vector_from_blob(blob: bytes, dim: int) -> np.ndarray:
    """The float32 vector of a ``story_vectors.vector`` cell (native byte order, writable)."""
    return np.frombuffer(blob, dtype=_VECTOR_DTYPE, count=dim).astype(np.float32)


def story_event_row(event: StoryEvent, at: str) -> Row:
    return (at, event.kind, event.story_id, event.article_id, event.other_story_id,
            event.confidence, event.reason)


def story_event_from_row(row: Row) -> RecordedStoryEvent:
    id_, at, kind, story_id, article_id, other_story_id, confidence, reason = row
    event = StoryEvent(kind=kind, article_id=article_id, story_id=story_id,
                       other_story_id=other_story_id, confidence=confidence, reason=reason)
    return RecordedStoryEvent(id=id_, at=datetime.fromisoformat(at), event=event)

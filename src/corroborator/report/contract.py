"""The ``corroborator.report/1`` JSON contract: a ``Report`` as plain, stable JSON.

Every entry point that emits a report (CLI ``--json``, API, Python API) goes through
``to_contract`` so the shape is defined in exactly one place. The required fields follow
/work/shared/DESIGN.md; extra fields (attribution chains, hedge scopes, claim origins and
explanations, minor conflicts, problems) are additions a consumer may ignore.
Issue 6 adds, per claim, its ``timeline`` (first report, followers, hedging, confirmation,
contradiction) and, at the top level, ``outlets``: a profile of each outlet of this report.
Key order is fixed by construction (dicts keep insertion order), so two runs over the same
input give byte-identical files.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import corroborator
from corroborator.model import (
    Analysis,
    Attribution,
    ChainLink,
    ClaimGroup,
    Conflict,
    DateMention,
    Evolution,
    Framing,
    Hedge,
    IngestProblem,
    Mention,
    Quantity,
    Report,
    StoryEvent,
    StoryReport,
    TimelineEvent,
)
from corroborator.profile import OutletProfile, Share, outlet_profiles
from corroborator.report.schema import load_schema, validate_contract
from corroborator.timeline import claim_timeline

SCHEMA_ID = "corroborator.report/1"

__all__ = [
    "SCHEMA_ID", "to_contract", "to_json", "write_json", "load_schema", "validate_contract",
]


def package_version() -> str:
    return corroborator.__version__


def to_contract(report: Report) -> dict:
    """The report as a ``corroborator.report/1`` dict (JSON-ready: str, int, float, list, dict)."""
    analyses = {a.article.id: a for a in report.analyses}
    return {
        "schema": SCHEMA_ID,
        "generated_by": {"name": "corroborator", "version": package_version()},
        "articles": [_article(a) for a in report.analyses],
        "stories": [_story(s, analyses) for s in report.stories],
        "outlets": [_outlet(p) for p in outlet_profiles(report)],
        "problems": [_problem(p) for p in report.problems],
    }


def to_json(report: Report) -> str:
    return json.dumps(to_contract(report), ensure_ascii=False, indent=2)


def write_json(report: Report, path: Path | str) -> Path:
    """Write the contract JSON (UTF-8, trailing newline) and return the path."""
    path = Path(path)
    path.write_text(to_json(report) + "\n", encoding="utf-8")
    return path


# --- articles --------------------------------------------------------------------------------

def _article(analysis: Analysis) -> dict:
    article = analysis.article
    return {
        "id": article.id,
        "outlet": article.outlet,
        "url": article.url,
        "title": article.title,
        # isoformat keeps the time and the zone when the source gave them
        "published": article.published.isoformat() if article.published else None,
        "text": article.text,
        "source": article.source,
        "attributions": [_attribution(a) for a in analysis.attributions],
        "hedges": [_hedge(h) for h in analysis.hedges],
    }


def _attribution(attribution: Attribution) -> dict:
    return {
        "source": attribution.source.to_json(),
        "cue": attribution.cue.to_json(),
        "content": attribution.content.to_json(),
        "source_kind": attribution.source_kind,
        "cue_type": attribution.cue_type,
        "content_parts": [part.to_json() for part in attribution.content_parts],
        "chain": [_link(link) for link in attribution.chain],
    }


def _hedge(hedge: Hedge) -> dict:
    return {**hedge.span.to_json(), "scope": hedge.scope.to_json()}


def _link(link: ChainLink) -> dict:
    return {"name": link.name, "kind": link.kind, "cue": link.cue}


# --- stories ---------------------------------------------------------------------------------

def _story(story_report: StoryReport, analyses: Mapping[str, Analysis]) -> dict:
    story = story_report.story
    return {
        "id": story.id,
        "title": story.title,
        "article_ids": list(story.article_ids),
        "confidence": round(story.confidence, 3),
        "history": [_story_event(e) for e in story.history],
        "claims": [_claim_group(g, analyses) for g in story_report.claims],
        "framing": [_framing(f) for f in story_report.framing],
        "syndicated": [
            {"copy": s.copy, "of": s.of, "similarity": round(s.similarity, 3)}
            for s in story_report.syndicated
        ],
        "outlets": [_outlet(p) for p in story_report.outlet_profiles],
    }


def _story_event(event: StoryEvent) -> dict:
    return {
        "kind": event.kind,
        "article_id": event.article_id,
        "story_id": event.story_id,
        "other_story_id": event.other_story_id,
        "confidence": round(event.confidence, 3),
        "reason": event.reason,
    }


def _claim_group(group: ClaimGroup, analyses: Mapping[str, Analysis]) -> dict:
    return {
        "id": group.id,
        "text": group.text,
        "status": group.status,
        "independent_origins": group.independent_origins,
        "origins": list(group.origins),
        "explanation": group.explanation,
        "mentions": [_mention(m) for m in group.mentions],
        "conflicts": [_conflict(c) for c in group.conflicts],
        "evolution": [_evolution(e) for e in group.evolving],
        "timeline": [_timeline_event(e) for e in claim_timeline(group, analyses)],
    }


def _evolution(value: Evolution) -> dict:
    """One value of a figure that changed over time (oldest first), not a conflict."""
    return {
        "mention": value.mention,
        "article_id": value.article_id,
        "value": _number(value.value),
        "text": value.text,
        "published": _iso(value.published),
    }


def _timeline_event(event: TimelineEvent) -> dict:
    return {
        "kind": event.kind,
        "article_id": event.article_id,
        "outlet": event.outlet,
        "published": _iso(event.published),
        "hedged": event.hedged,
        "note": event.note,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _mention(mention: Mention) -> dict:
    claim = mention.claim
    return {
        "article_id": mention.article_id,
        "outlet": mention.outlet,
        "claim_id": claim.id,
        "start": claim.span.start,
        "end": claim.span.end,
        "text": claim.span.text,
        "sentence": claim.sentence.text,
        "sentence_start": claim.sentence.start,
        "sentence_end": claim.sentence.end,
        "chain": [_link(link) for link in mention.chain],
        "origin": mention.origin,
        "origin_kind": mention.origin_kind,
        "syndicated_from": mention.syndicated_from or None,
        "published": _iso(mention.published),
        "hedged": claim.hedged,
        "hedges": [h.span.text for h in claim.hedges],
        "negated": claim.negated,
        "quantities": [_quantity(q) for q in claim.quantities],
        "dates": [_date(d) for d in claim.dates],
    }


def _number(value: float | None) -> int | float | None:
    """Integral floats as ints (12, not 12.0); non-finite values, which JSON lacks, as null."""
    if value is None or not math.isfinite(value):
        return None
    return int(value) if float(value).is_integer() else value


def _quantity(quantity: Quantity) -> dict:
    return {
        "value": _number(quantity.value),
        "unit": quantity.unit,
        "text": quantity.span.text,
        "qualifier": quantity.qualifier,
        "high": _number(quantity.high),
        "start": quantity.span.start,
        "end": quantity.span.end,
    }


def _date(mention: DateMention) -> dict:
    return {
        "value": mention.value.isoformat(),
        "text": mention.span.text,
        "relative": mention.relative,
        "start": mention.span.start,
        "end": mention.span.end,
    }


def _conflict(conflict: Conflict) -> dict:
    written = {
        "kind": conflict.kind,
        "a": conflict.a,
        "b": conflict.b,
        "detail": conflict.detail,
        "minor": conflict.minor,
        "between": conflict.between,
        "outdated": conflict.outdated,
    }
    if conflict.a_side:  # one conflict standing for many pairs of reports (large groups)
        written["a_side"] = list(conflict.a_side)
        written["b_side"] = list(conflict.b_side)
    return written


def _framing(framing: Framing) -> dict:
    return {
        "referent": framing.referent,
        "terms": {outlet: list(terms) for outlet, terms in framing.terms.items()},
        "labels": {outlet: list(labels) for outlet, labels in framing.labels.items()},
    }


def _outlet(profile: OutletProfile) -> dict:
    return {
        "outlet": profile.outlet,
        "articles": profile.articles,
        "claims": profile.claims,
        "corroborated": _share(profile.corroborated),
        "contradicted": _share(profile.contradicted),
        "anonymous": _share(profile.anonymous),
        "hedged": _share(profile.hedged),
    }


def _share(share: Share) -> dict:
    rate = share.rate
    return {
        "count": share.count,
        "total": share.total,
        "rate": None if rate is None else round(rate, 4),
        "explanation": share.explanation,
    }


def _problem(problem: IngestProblem) -> dict:
    return {"source": problem.source, "reason": problem.reason, "skipped": problem.skipped}

"""Small read-only views of a ``Report`` shared by the Markdown, HTML and terminal renderers.

Keeping the wording here (status labels, chain arrows, conflict lines, totals) means the three
outputs say the same thing in the same words.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from corroborator.model import (
    Analysis,
    Article,
    ClaimGroup,
    Conflict,
    Mention,
    Report,
    StoryReport,
    TimelineEvent,
)
from corroborator.profile import OutletProfile
from corroborator.timeline import claim_timeline

STATUS_ORDER: tuple[str, ...] = ("corroborated", "single_origin", "conflicting", "unique")
STATUS_LABELS: dict[str, str] = {
    "corroborated": "corroborated",
    "single_origin": "single origin",
    "conflicting": "conflicting",
    "unique": "unique",
}
# One line a reader sees next to each status so the vocabulary explains itself.
STATUS_MEANINGS: dict[str, str] = {
    "corroborated": "two or more independent origins",
    "single_origin": "several outlets, one origin",
    "conflicting": "mentions disagree on a value",
    "unique": "one outlet only",
}
CHAIN_ARROW = " ← "
TIMELINE_LABELS: dict[str, str] = {
    "first": "first", "followed": "followed", "hedged": "hedged",
    "confirmed": "confirmed", "contradicted": "contradicted",
}
# Column headings of the outlet profile table, with what each share counts.
PROFILE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("corroborated", "claims with >= 2 independent origins, not contradicted"),
    ("contradicted", "claims another report contradicts"),
    ("anonymous", "claims traced to an anonymous source"),
    ("hedged", "claims stated with hedging"),
)


@dataclass(frozen=True)
class Totals:
    stories: int
    articles: int
    outlets: int
    claims: int
    by_status: dict[str, int]  # every status in STATUS_ORDER, zero when absent
    problems: int
    skipped: int

    def status_phrase(self) -> str:
        """"1 corroborated, 2 single origin, 0 conflicting, 3 unique"."""
        return ", ".join(f"{self.by_status[s]} {STATUS_LABELS[s]}" for s in STATUS_ORDER)


def totals(report: Report) -> Totals:
    counts = Counter(g.status for s in report.stories for g in s.claims)
    return Totals(
        stories=len(report.stories),
        articles=len(report.analyses),
        outlets=len({a.article.outlet for a in report.analyses}),
        claims=sum(counts.values()),
        by_status={s: counts.get(s, 0) for s in STATUS_ORDER},
        problems=len(report.problems),
        skipped=sum(1 for p in report.problems if p.skipped),
    )


def story_articles(report: Report, story_report: StoryReport) -> list[Article]:
    """The story's articles in story order; ids without an analysis are left out, not fatal."""
    known = {a.article.id: a.article for a in report.analyses}
    return [known[i] for i in story_report.story.article_ids if i in known]


def story_outlets(report: Report, story_report: StoryReport) -> list[str]:
    return unique_in_order(a.outlet for a in story_articles(report, story_report))


def claim_outlets(group: ClaimGroup) -> list[str]:
    return unique_in_order(m.outlet for m in group.mentions)


def unique_in_order(items) -> list:
    return list(dict.fromkeys(items))


def chain_text(mention: Mention) -> str:
    """"Coast Herald ← Radio Delta ← two unnamed engineers" (publishing outlet first)."""
    names = [link.name for link in mention.chain] or [mention.outlet]
    return CHAIN_ARROW.join(names)


def conflict_kinds(group: ClaimGroup) -> str:
    """"number, date (minor)" — the conflicts of a claim in one short cell."""
    return ", ".join(f"{c.kind} (minor)" if c.minor else c.kind for c in group.conflicts)


def conflict_sides(group: ClaimGroup, conflict: Conflict) -> str:
    """Which mentions disagree, by outlet: "Coast Herald vs Valley Times"."""
    return f"{_mention_outlet(group, conflict.a)} vs {_mention_outlet(group, conflict.b)}"


def _mention_outlet(group: ClaimGroup, index: int) -> str:
    if 0 <= index < len(group.mentions):
        return group.mentions[index].outlet
    return f"mention {index}"  # a bad index should show, not crash the report


def format_published(published: datetime | None) -> str:
    if published is None:
        return "date unknown"
    return published.isoformat(sep=" ", timespec="minutes")


def has_evidence(group: ClaimGroup) -> bool:
    """Claims worth a detailed evidence block: several mentions or any conflict."""
    return len(group.mentions) > 1 or bool(group.conflicts)


def framing_outlets(story_report: StoryReport) -> list[str]:
    return unique_in_order(o for f in story_report.framing for o in f.terms)


def is_web_url(url: str | None) -> bool:
    """Only http(s) URLs become links: a ``javascript:`` URL in an input must stay inert."""
    return bool(url) and url.lower().startswith(("http://", "https://"))


def analyses_by_id(report: Report) -> dict[str, Analysis]:
    return {a.article.id: a for a in report.analyses}


def timeline(group: ClaimGroup, analyses: dict[str, Analysis]) -> tuple[TimelineEvent, ...]:
    """The claim's timeline, or nothing for a claim only one article states."""
    if len({m.article_id for m in group.mentions}) < 2:
        return ()
    return claim_timeline(group, analyses)


def profile_cells(profile: OutletProfile) -> list[str]:
    """"2/5 (40%)" per PROFILE_COLUMNS entry."""
    return [getattr(profile, name).percent() for name, _ in PROFILE_COLUMNS]


def profile_line(profile: OutletProfile) -> str:
    """"Coast Herald: 2 articles, 5 claims · corroborated 2/5 (40%) · …" for one line."""
    cells = " · ".join(
        f"{name} {cell}" for (name, _), cell in zip(PROFILE_COLUMNS, profile_cells(profile),
                                                   strict=True)
    )
    return f"{profile.outlet}: {profile.articles} articles, {profile.claims} claims · {cells}"


def profile_explanation(profile: OutletProfile) -> str:
    return " ".join(getattr(profile, name).explanation for name, _ in PROFILE_COLUMNS)

"""The report as Markdown: one section per story, tables first, evidence below.

Article text is untrusted: every piece of it goes through ``md_text`` so that a pipe cannot
break a table, a newline cannot end a list item, and ``<script>`` or ``[link](…)`` in an
article cannot turn into markup when the Markdown is rendered.
"""

from __future__ import annotations

import re

from corroborator.model import Analysis, ClaimGroup, Mention, Report, StoryReport
from corroborator.profile import outlet_profiles
from corroborator.report import views

# Characters that start Markdown (or inline HTML) constructs; escaped with a backslash.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_WHITESPACE = re.compile(r"\s+")


def md_text(text: str | None) -> str:
    """Untrusted text as one safe line of Markdown (usable inside a table cell)."""
    if not text:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", _WHITESPACE.sub(" ", text).strip())


def render_markdown(report: Report) -> str:
    parts = [_summary(report)]
    analyses = views.analyses_by_id(report)
    parts += [_story(report, i, s, analyses) for i, s in enumerate(report.stories, 1)]
    parts.append(_outlets(report))
    if report.problems:
        parts.append(_problems(report))
    return "\n\n".join(parts).rstrip() + "\n"


def _summary(report: Report) -> str:
    t = views.totals(report)
    lines = [
        "# corroborator report",
        "",
        f"{t.stories} stories · {t.articles} articles · {t.outlets} outlets · "
        f"{t.claims} claims ({t.status_phrase()})",
        "",
        "Statuses: " + "; ".join(
            f"**{s}** = {views.STATUS_MEANINGS[s]}" for s in views.STATUS_ORDER
        ) + ".",
    ]
    if t.problems:
        lines += ["", f"{t.problems} input problem(s), {t.skipped} skipped: see *Problems*."]
    return "\n".join(lines)


def _story(
    report: Report, number: int, story_report: StoryReport, analyses: dict[str, Analysis]
) -> str:
    story = story_report.story
    sections = [
        f"## {number}. {md_text(story.title)}",
        _articles(report, story_report),
        _claims_table(story_report),
    ]
    evidence = [g for g in story_report.claims if views.has_evidence(g)]
    if evidence:
        sections.append("### Evidence\n\n" + "\n\n".join(_evidence(g, analyses) for g in evidence))
    singles = [g for g in story_report.claims if not views.has_evidence(g)]
    if singles:
        sections.append(_single_mentions(singles))
    if story_report.framing:
        sections.append(_framing(story_report))
    return "\n\n".join(sections)


def _articles(report: Report, story_report: StoryReport) -> str:
    articles = views.story_articles(report, story_report)
    outlets = views.story_outlets(report, story_report)
    lines = [f"**Articles:** {len(articles)} from {len(outlets)} outlet(s)", ""]
    for a in articles:
        title = md_text(a.title) or "(untitled)"
        if views.is_web_url(a.url):
            title = f"[{title}](<{_md_url(a.url)}>)"
        when = views.format_published(a.published)
        lines.append(f"- **{md_text(a.outlet)}**: {title} · {when} · `{_code(a.id)}`")
    return "\n".join(lines)


def _claims_table(story_report: StoryReport) -> str:
    lines = [
        "### Claims",
        "",
        "| Status | Claim | Outlets | Independent origins | Conflicts |",
        "|---|---|---|---:|---|",
    ]
    for g in story_report.claims:
        outlets = ", ".join(md_text(o) for o in views.claim_outlets(g))
        lines.append(
            f"| {g.status} | {md_text(g.text)} | {outlets} | {g.independent_origins} "
            f"| {views.conflict_kinds(g) or '—'} |"
        )
    if not story_report.claims:
        lines.append("| — | no claims found | | | |")
    return "\n".join(lines)


def _evidence(group: ClaimGroup, analyses: dict[str, Analysis]) -> str:
    lines = [f"#### {md_text(group.text)} — {group.status}"]
    if group.explanation:
        lines += ["", f"*{md_text(group.explanation)}*"]
    lines.append("")
    lines += [_mention_item(i, m) for i, m in enumerate(group.mentions, 1)]
    if group.conflicts:
        lines += ["", "Conflicts:", ""]
        for c in group.conflicts:
            minor = " (minor)" if c.minor else ""
            lines.append(
                f"- **{c.kind}**{minor}: {md_text(c.detail)} "
                f"(mentions {c.a + 1} and {c.b + 1}: {md_text(views.conflict_sides(group, c))})"
            )
    events = views.timeline(group, analyses)
    if events:
        lines += ["", "Timeline:", ""]
        lines += [
            f"- {views.format_published(e.published)} · **{e.kind}** · {md_text(e.outlet)}: "
            f"{md_text(e.note)}"
            for e in events
        ]
    return "\n".join(lines)


def _mention_item(number: int, mention: Mention) -> str:
    # the trailing backslash is a CommonMark hard line break: the chain goes on its own line
    hedged = " — ⚠ *hedged*" if mention.claim.hedged else ""
    hedge_words = ", ".join(md_text(h.span.text) for h in mention.claim.hedges)
    hedge_note = f" ({hedge_words})" if hedge_words else ""
    return (
        f"{number}. **{md_text(mention.outlet)}**: “{md_text(mention.claim.sentence.text)}”\\\n"
        f"   chain: {md_text(views.chain_text(mention))}{hedged}{hedge_note}"
    )


def _single_mentions(groups: list[ClaimGroup]) -> str:
    lines = ["### Reported by one outlet only", ""]
    for g in groups:
        for m in g.mentions:
            lines.append(
                f"- **{md_text(m.outlet)}** ({g.status}): “{md_text(m.claim.sentence.text)}” "
                f"— chain: {md_text(views.chain_text(m))}"
                + (" — ⚠ *hedged*" if m.claim.hedged else "")
            )
    return "\n".join(lines)


def _framing(story_report: StoryReport) -> str:
    outlets = views.framing_outlets(story_report)
    lines = [
        "### Framing",
        "",
        "| Referent | " + " | ".join(md_text(o) for o in outlets) + " |",
        "|---|" + "---|" * len(outlets),
    ]
    for f in story_report.framing:
        cells = [", ".join(md_text(t) for t in f.terms.get(o, ())) or "—" for o in outlets]
        lines.append(f"| {md_text(f.referent)} | " + " | ".join(cells) + " |")
    labels = [
        f"- {md_text(f.referent)}, {md_text(outlet)}: "
        + "; ".join(f"“{md_text(p)}”" for p in phrases)
        for f in story_report.framing for outlet, phrases in f.labels.items() if phrases
    ]
    if labels:
        lines += ["", "How outlets characterise an actor (labels):", "", *labels]
    return "\n".join(lines)


def _outlets(report: Report) -> str:
    profiles = outlet_profiles(report)
    columns = views.PROFILE_COLUMNS
    lines = [
        "## Outlets",
        "",
        "Derived only from this report's claims; no external ratings. "
        + "; ".join(f"**{name}** = {meaning}" for name, meaning in columns) + ".",
        "",
        "| Outlet | Articles | Claims | " + " | ".join(n for n, _ in columns) + " |",
        "|---|---:|---:|" + "---:|" * len(columns),
    ]
    for p in profiles:
        lines.append(f"| {md_text(p.outlet)} | {p.articles} | {p.claims} | "
                     + " | ".join(views.profile_cells(p)) + " |")
    if not profiles:
        lines.append("| — | | | " + "| " * len(columns))
    lines.append("")
    lines += [f"- **{md_text(p.outlet)}**: {md_text(views.profile_explanation(p))}"
              for p in profiles]
    return "\n".join(lines).rstrip()


def _problems(report: Report) -> str:
    lines = ["## Problems", ""]
    for p in report.problems:
        what = "skipped" if p.skipped else "read with a caveat"
        lines.append(f"- {what}: `{_code(p.source)}` — {md_text(p.reason)}")
    return "\n".join(lines)


def _code(text: str) -> str:
    """Text for an inline code span: backticks would end it, newlines would break the line."""
    return _WHITESPACE.sub(" ", text).replace("`", "'")


def _md_url(url: str) -> str:
    """A URL inside <…> link syntax: angle brackets and whitespace would end it early."""
    return re.sub(r"[\s<>]", lambda m: f"%{ord(m.group()):02X}", url)

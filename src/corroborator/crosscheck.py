"""Cross-source reading of one story: aligned claims, their origins, conflicts, status, framing."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence

from .align import ClaimRef, align_claims
from .conflicts import find_conflicts
from .embed import Embedder
from .model import Analysis, ClaimGroup, Conflict, Framing, Mention, Story, StoryReport
from .provenance import build_mention, independent_origins, resolve_origins
from .settings import Settings


def check_story(
    story: Story, analyses: Mapping[str, Analysis], embedder: Embedder, settings: Settings
) -> StoryReport:
    members = [analyses[article_id] for article_id in story.article_ids]
    refs = [ClaimRef(a, c) for a in members for c in a.claims]
    groups = align_claims(refs, embedder, settings)
    claims = tuple(build_group(story, group, settings) for group in groups)
    return StoryReport(story=story, claims=claims, framing=tuple(compare_framing(members)))


def build_group(story: Story, refs: Sequence[ClaimRef], settings: Settings) -> ClaimGroup:
    mentions = resolve_origins([build_mention(r) for r in refs])
    conflicts = find_conflicts(mentions, settings)
    origins = independent_origins(mentions)
    status = claim_status(mentions, conflicts, len(origins))
    return ClaimGroup(
        id=_group_id(story, mentions),
        text=canonical_text(mentions),
        status=status,
        independent_origins=len(origins),
        origins=tuple(origins),
        mentions=tuple(mentions),
        conflicts=tuple(conflicts),
        explanation=explain(status, mentions, origins, conflicts),
    )


def claim_status(mentions: Sequence[Mention], conflicts: Sequence[Conflict], n_origins: int):
    if conflicts:
        return "conflicting"
    if len({m.outlet for m in mentions}) < 2:
        return "unique"
    return "corroborated" if n_origins >= 2 else "single_origin"


def canonical_text(mentions: Sequence[Mention]) -> str:
    """The wording of the firmest statement: unhedged first, then the earliest mention."""
    unhedged = [m for m in mentions if not m.claim.hedged]
    return (unhedged or list(mentions))[0].claim.span.text


def explain(
    status: str, mentions: Sequence[Mention], origins: Sequence[str], conflicts: Sequence[Conflict]
) -> str:
    outlets = list(dict.fromkeys(m.outlet for m in mentions))
    hedged = [m.outlet for m in mentions if m.claim.hedged]
    if status == "unique":
        text = f"Only {outlets[0]} reports this (origin: {origins[0]})."
    elif status == "single_origin":
        text = (f"{len(outlets)} outlets ({', '.join(outlets)}) report this, but all of it traces "
                f"to one origin: {origins[0]}. That is one source repeated, not confirmation.")
    elif status == "corroborated":
        text = (f"{len(outlets)} outlets report this from {len(origins)} independent origins: "
                f"{'; '.join(origins)}.")
    else:
        kinds = sorted({c.kind for c in conflicts})
        text = (f"The reports disagree ({', '.join(kinds)}) across {len(outlets)} outlets and "
                f"{len(origins)} origin{'s' if len(origins) != 1 else ''}: "
                + " ".join(c.detail + "." for c in conflicts[:3]))
    if hedged:
        text += f" Hedged by: {', '.join(dict.fromkeys(hedged))}."
    return text


def compare_framing(members: Sequence[Analysis]) -> list[Framing]:
    """Terms each outlet uses per referent, for referents that two or more outlets name."""
    terms: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for analysis in members:
        for framing_term in analysis.framing:
            used = terms[framing_term.referent][analysis.article.outlet]
            if framing_term.term not in used:
                used.append(framing_term.term)
    return [
        Framing(referent, {outlet: tuple(ts) for outlet, ts in sorted(by_outlet.items())})
        for referent, by_outlet in sorted(terms.items())
        if len(by_outlet) >= 2
    ]


def _group_id(story: Story, mentions: Sequence[Mention]) -> str:
    key = "\n".join(sorted(m.claim.id for m in mentions))
    return f"{story.id}/claim-{hashlib.sha1(key.encode()).hexdigest()[:10]}"

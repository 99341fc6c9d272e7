"""Cross-source reading of one story: aligned claims, their origins, conflicts, status, framing."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from .align import ClaimRef, align_claims
from .align_structure import dateline_length
from .analysis.framing import is_actor_referent
from .conflicts import compare_mentions, disagreeing_pairs, place_relations
from .embed import Embedder
from .framing_compare import actor_framing
from .model import (
    Analysis,
    Article,
    ClaimGroup,
    Conflict,
    Evolution,
    Framing,
    Mention,
    Report,
    Story,
    StoryReport,
    Syndication,
)
from .profile import outlet_profiles
from .provenance import (
    apply_aliases,
    build_mention,
    independent_origins,
    normalise_name,
    origin_labels,
    resolve_origins,
    same_entity,
    story_aliases,
)
from .settings import Settings
from .syndication import find_syndicated


@dataclass(frozen=True)
class StoryContext:
    """What the claim groups of one story share: the syndicated copies (copy id -> source
    article), the place names the story shows to be part of one another, and one identity per
    origin entity across the story (raw origin key -> (key, name))."""
    sources: Mapping[str, Article]
    related_places: frozenset[frozenset[str]] = frozenset()
    aliases: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    syndicated: tuple[Syndication, ...] = ()

    @staticmethod
    def of(members: Sequence[Analysis], settings: Settings) -> StoryContext:
        by_id = {a.article.id: a.article for a in members}
        copies = tuple(find_syndicated(members, settings))
        sources = {s.copy: by_id[s.of] for s in copies}
        mentions = [build_mention(ClaimRef(a, c), sources.get(a.article.id))
                    for a in members for c in a.claims]
        return StoryContext(sources, place_relations(members), story_aliases(mentions), copies)


def check_story(
    story: Story, analyses: Mapping[str, Analysis], embedder: Embedder, settings: Settings
) -> StoryReport:
    members = [analyses[article_id] for article_id in story.article_ids]
    context = StoryContext.of(members, settings)
    refs = [ClaimRef(a, c) for a in members for c in a.claims]
    groups = align_claims(refs, embedder, settings)
    claims = tuple(build_group(story, group, settings, context) for group in groups)
    story_report = StoryReport(story=story, claims=claims,
                               framing=tuple(compare_framing(members)),
                               syndicated=context.syndicated)
    # Profiles within the story: how each outlet sourced and hedged this event.
    profiles = outlet_profiles(Report(tuple(members), (story_report,)))
    return replace(story_report, outlet_profiles=profiles)


def build_group(
    story: Story, refs: Sequence[ClaimRef], settings: Settings,
    context: StoryContext | None = None,
) -> ClaimGroup:
    context = context or StoryContext({})
    built = [build_mention(r, context.sources.get(r.article_id)) for r in refs]
    mentions = resolve_origins([apply_aliases(m, context.aliases) for m in built])
    comparison = compare_mentions(mentions, settings, context.related_places)
    origins = independent_origins(mentions)
    status = claim_status(mentions, comparison.conflicts, len(origins))
    outlet_of = {source.id: source.outlet for source in context.sources.values()}
    return ClaimGroup(
        id=_group_id(story, mentions),
        text=canonical_text(mentions),
        status=status,
        independent_origins=len(origins),
        origins=tuple(origins),
        mentions=tuple(mentions),
        conflicts=tuple(comparison.conflicts),
        explanation=explain(status, mentions, origin_labels(mentions), comparison.conflicts,
                            comparison.evolving, outlet_of),
        evolving=tuple(comparison.evolving),
    )


def claim_status(mentions: Sequence[Mention], conflicts: Sequence[Conflict], n_origins: int):
    # Any disagreement, even a minor one (a one-day gap, an outdated figure), is shown as such;
    # a figure that merely evolved over time is not a conflict and does not count here.
    if conflicts:
        return "conflicting"
    if len({m.outlet for m in mentions}) < 2:
        return "unique"
    return "corroborated" if n_origins >= 2 else "single_origin"


def canonical_text(mentions: Sequence[Mention]) -> str:
    """The wording of the firmest statement: unhedged first, then the earliest mention; without
    its dateline ("OSTREL, Aug 18 (Northern Wire) - "), which is no part of the claim."""
    unhedged = [m for m in mentions if not m.claim.hedged]
    text = (unhedged or list(mentions))[0].claim.span.text
    body = text[dateline_length(text):]
    return body[:1].upper() + body[1:] if body.strip() else text


def explain(
    status: str, mentions: Sequence[Mention], origins: Sequence[str],
    conflicts: Sequence[Conflict], evolving: Sequence[Evolution] = (),
    syndicated_outlets: Mapping[str, str] | None = None,
) -> str:
    """The status in words, with the routes from outlets to the origin and any figure changes.

    ``syndicated_outlets`` maps a copy's source article id to the outlet that published it.
    """
    outlets = list(dict.fromkeys(m.outlet for m in mentions))
    hedged = [m.outlet for m in mentions if m.claim.hedged]
    n = len(outlets)
    if status == "unique":
        text = f"Only {outlets[0]} reports this (origin: {origins[0]})."
    elif status == "single_origin":
        routes = outlet_routes(mentions, syndicated_outlets or {})
        text = (f"{n} outlets ({_names(outlets)}), all from one origin: {origins[0]} "
                f"({routes}). That is one source repeated, not confirmation.")
    elif status == "corroborated":
        text = (f"{n} outlets report this from {len(origins)} independent origins: "
                f"{_names(origins, '; ')}.")
    else:
        text = _conflict_summary(conflicts, mentions, n, origins)
    if evolving:
        text += " The figure changed over time (not a conflict): " + _figure_history(
            evolving, mentions) + "."
    outdated = [c for c in conflicts if c.outdated]
    if outdated and status != "conflicting":
        text += " " + " ".join(_sentence(c.detail) for c in outdated[:2])
    if hedged:
        text += f" Hedged by: {_names(list(dict.fromkeys(hedged)))}."
    return text


# Names an explanation lists before "and N more": a 1,000-article story has hundreds of
# outlets, and the full lists are in the claim's mentions and origins.
EXPLANATION_NAMES_MAX = 8


def _names(names: Sequence[str], separator: str = ", ") -> str:
    """``names`` joined, the first EXPLANATION_NAMES_MAX of them and "and N more"."""
    shown = separator.join(names[:EXPLANATION_NAMES_MAX])
    rest = len(names) - EXPLANATION_NAMES_MAX
    return f"{shown}{separator}and {rest} more" if rest > 0 else shown


def _figure_history(evolving: Sequence[Evolution], mentions: Sequence[Mention]) -> str:
    """Each value once, at its first report, with how many reports gave it when several did: a
    1,000-article story has hundreds of reports of each value of a toll."""
    reports: dict[float, list[Evolution]] = {}
    for value in evolving:
        reports.setdefault(value.value, []).append(value)
    steps = []
    for first, *more in reports.values():
        day = first.published.date().isoformat() if first.published else "undated"
        also = f"; {len(more) + 1} reports" if more else ""
        steps.append(f"“{first.text}” ({mentions[first.mention].outlet}, {day}{also})")
    return " → ".join(steps)


def _conflict_summary(
    conflicts: Sequence[Conflict], mentions: Sequence[Mention], n_outlets: int,
    origins: Sequence[str],
) -> str:
    real = sorted(conflicts, key=lambda c: c.outdated)  # outdated figures last
    kinds = sorted({c.kind for c in real})
    sides = {c.between for c in real}
    named = f"{len(origins)} origin{'s' if len(origins) != 1 else ''} ({_names(origins, '; ')})"
    if sides == {"parties"}:
        lead = f"The sides disagree ({', '.join(kinds)}); {named}:"
    elif sides == {"outlets"}:
        lead = f"Outlets disagree ({', '.join(kinds)}) about what one source said:"
    else:
        lead = f"The reports disagree ({', '.join(kinds)}) across {n_outlets} outlets and {named}:"
    # One example per kind and pair of origins: ten outlets repeating each side would otherwise
    # repeat the same disagreement ten times.
    examples: dict[tuple[str, frozenset[str]], Conflict] = {}
    for c in real:
        pair = frozenset((mentions[c.a].origin_key, mentions[c.b].origin_key))
        examples.setdefault((c.kind, pair), c)
    shown = list(examples.values())[:3]
    text = lead + " " + " ".join(_sentence(c.detail) for c in shown)
    # A conflict may stand for many pairs of reports (Conflict.a_side/b_side in large groups).
    pairs = sum(disagreeing_pairs(c, mentions) for c in real)
    if pairs > len(shown):
        text += f" ({pairs} disagreeing pairs of reports in all; see the conflicts.)"
    return text


def _sentence(detail: str) -> str:
    return detail[:1].upper() + detail[1:] + "."


def outlet_routes(mentions: Sequence[Mention], syndicated_outlets: Mapping[str, str]) -> str:
    """How each outlet reached the origin, counted: "4 cite it, 1 via Northern Wire, 1 a
    syndicated copy of Northern Wire". An outlet counts once, by its most direct route."""
    best: dict[str, tuple[int, str]] = {}
    for mention in mentions:
        route = _route(mention, syndicated_outlets)
        if mention.outlet not in best or route < best[mention.outlet]:
            best[mention.outlet] = route
    # "via Radio Delta" and "via local broadcaster Radio Delta" are one route.
    wording: dict[tuple[int, str], str] = {}
    counts: Counter[tuple[int, str]] = Counter()
    for rank, text in best.values():
        key = next((k for k in wording if k[0] == rank and same_entity(
            normalise_name(k[1]), normalise_name(text))), (rank, text))
        wording.setdefault(key, text)
        counts[key] += 1
    return ", ".join(f"{counts[key]} {wording[key]}" for key in sorted(counts))


def _route(mention: Mention, syndicated_outlets: Mapping[str, str]) -> tuple[int, str]:
    """(rank, words): 0 the outlet is the origin, 1 it cites the origin, 2 it has it via another
    outlet, 3 it republished another outlet's article."""
    if mention.syndicated_from:
        source = syndicated_outlets.get(mention.syndicated_from, mention.syndicated_from)
        return 3, f"a syndicated copy of {source}"
    relays = [link.name for link in mention.chain[1:]
              if link.kind == "outlet" and normalise_name(link.name) != mention.origin_key]
    if relays:
        return 2, f"via {relays[0]}"
    if len(mention.chain) == 1 and normalise_name(mention.outlet) == mention.origin_key:
        return 0, "is the origin itself"
    return 1, "cite it"


def compare_framing(members: Sequence[Analysis]) -> list[Framing]:
    """Terms each outlet uses per referent, for referents that two or more outlets name."""
    terms: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for analysis in members:
        for framing_term in analysis.framing:
            if is_actor_referent(framing_term.referent):
                continue  # named actors: resolved across outlets by actor_framing
            used = terms[framing_term.referent][analysis.article.outlet]
            if framing_term.term not in used:
                used.append(framing_term.term)
    return [
        Framing(referent, {outlet: tuple(ts) for outlet, ts in sorted(by_outlet.items())})
        for referent, by_outlet in sorted(terms.items())
        if len(by_outlet) >= 2
    ] + actor_framing(members)


def _group_id(story: Story, mentions: Sequence[Mention]) -> str:
    key = "\n".join(sorted(m.claim.id for m in mentions))
    return f"{story.id}/claim-{hashlib.sha1(key.encode()).hexdigest()[:10]}"

"""A claim's timeline across outlets: who published it first, who followed, who hedged, and when
it was confirmed (a flat, unhedged report from a second independent origin) or contradicted (a
later report disagreeing with an earlier one).

Built from a ``ClaimGroup`` and the analyses of its articles only; no wall clock, no store.
Articles without a publication time come last, in mention order, because "when" is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from .model import Analysis, ClaimGroup, Conflict, Mention, TimelineEvent


def claim_timeline(
    group: ClaimGroup, analyses: Mapping[str, Analysis]
) -> tuple[TimelineEvent, ...]:
    """Events of ``group`` ordered by publication time (undated last, otherwise stable)."""
    order = _chronological(group.mentions, analyses)
    disagreeing = _disagreeing_pairs(group.conflicts)
    contradiction = _first_contradiction(group.conflicts, order, group.mentions)
    events: list[TimelineEvent] = []
    seen_articles: set[str] = set()
    origins: set[str] = set()
    # Provenance decides how many independent origins there are; the timeline only finds when.
    confirmed = group.independent_origins < 2
    for position, index in enumerate(order):
        mention = group.mentions[index]
        published = _published(mention, analyses)
        if mention.article_id not in seen_articles:
            seen_articles.add(mention.article_id)
            events.append(_report_event(mention, published, first=not events))
        origins.add(mention.origin_key)
        # A hedged report from a second origin repeats the doubt; only a flat one confirms.
        if not confirmed and len(origins) >= 2 and not mention.claim.hedged:
            agreeing = _agreeing_other_origin(index, order[:position], group.mentions, disagreeing)
            if agreeing is not None:
                confirmed = True
                note = _confirmed_note(mention, group.mentions[agreeing])
                events.append(_event("confirmed", mention, published, note))
        if contradiction is not None and contradiction[0] == index:
            events.append(_event("contradicted", mention, published,
                                 _contradicted_note(group, contradiction[1])))
    return tuple(events)


def _chronological(mentions: Sequence[Mention], analyses: Mapping[str, Analysis]) -> list[int]:
    """Mention indices by publication time; undated after dated; ties keep mention order."""
    def key(index: int) -> tuple[int, datetime, int]:
        published = _published(mentions[index], analyses)
        if published is None:
            return 1, datetime.min.replace(tzinfo=UTC), index
        return 0, _aware(published), index

    return sorted(range(len(mentions)), key=key)


def _published(mention: Mention, analyses: Mapping[str, Analysis]) -> datetime | None:
    analysis = analyses.get(mention.article_id)
    if analysis is not None:
        return analysis.article.published
    return mention.published


def _aware(moment: datetime) -> datetime:
    """Naive times are taken as UTC so they compare with zoned ones instead of raising."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _report_event(mention: Mention, published: datetime | None, first: bool) -> TimelineEvent:
    hedges = ", ".join(dict.fromkeys(h.span.text for h in mention.claim.hedges))
    source = f"citing {mention.origin}" if len(mention.chain) > 1 else "on its own authority"
    if first:
        note = f"{mention.outlet} publishes it first, {source}"
        note += f", hedged ({hedges})" if hedges else ""
        return _event("first", mention, published, note + ".", hedged=bool(hedges))
    if hedges:
        return _event("hedged", mention, published,
                      f"{mention.outlet} repeats it with hedging ({hedges}), {source}.",
                      hedged=True)
    return _event("followed", mention, published, f"{mention.outlet} follows, {source}.")


def _event(
    kind: str, mention: Mention, published: datetime | None, note: str, hedged: bool = False
) -> TimelineEvent:
    return TimelineEvent(kind, mention.article_id, mention.outlet, published, note,  # type: ignore[arg-type]
                         hedged)


def _serious(conflict: Conflict) -> bool:
    """Minor gaps (time zones) and outdated figures are not contradictions."""
    return not conflict.minor and not conflict.outdated


class _Disagreeing:
    """Which pairs of mentions seriously disagree: listed pairs, and the two sides of each
    conflict that stands for many pairs (``Conflict.a_side``/``b_side``, large groups)."""

    def __init__(self, conflicts: Sequence[Conflict]):
        serious = [c for c in conflicts if _serious(c)]
        self.pairs = {frozenset((c.a, c.b)) for c in serious if not c.a_side}
        self.sides = [(frozenset(c.a_side), frozenset(c.b_side)) for c in serious if c.a_side]

    def __contains__(self, pair: frozenset[int]) -> bool:
        if pair in self.pairs:
            return True
        if len(pair) != 2:
            return False
        i, j = pair
        return any((i in a and j in b) or (j in a and i in b) for a, b in self.sides)


def _disagreeing_pairs(conflicts: Sequence[Conflict]) -> _Disagreeing:
    return _Disagreeing(conflicts)


def _agreeing_other_origin(
    index: int, earlier: Sequence[int], mentions: Sequence[Mention],
    disagreeing: _Disagreeing,
) -> int | None:
    """An earlier mention from another origin that this one does not contradict: two origins
    disagreeing on the figure confirm nothing."""
    key = mentions[index].origin_key
    return next(
        (j for j in earlier
         if mentions[j].origin_key != key and frozenset((index, j)) not in disagreeing),
        None,
    )


def _confirmed_note(mention: Mention, agreeing: Mention) -> str:
    return (f"Confirmed: {_routed(mention)} is a second independent origin besides "
            f"{_routed(agreeing)}; from here on it is corroborated, not repeated.")


def _routed(mention: Mention) -> str:
    """The origin, and the outlet it reached the reader through when that is someone else."""
    if mention.origin == mention.outlet:
        return mention.origin
    return f"{mention.origin} (via {mention.outlet})"


def _first_contradiction(
    conflicts: Sequence[Conflict], order: Sequence[int], mentions: Sequence[Mention] = ()
) -> tuple[int, Conflict] | None:
    """(mention index, conflict) of the earliest mention that disagrees with an earlier one."""
    position = {index: p for p, index in enumerate(order)}
    best: tuple[int, int, Conflict] | None = None
    for conflict in conflicts:
        if not _serious(conflict) or conflict.a not in position or conflict.b not in position:
            continue
        later = (_first_across(conflict, order, mentions) if conflict.a_side
                 else max(conflict.a, conflict.b, key=position.__getitem__))
        if later is not None and (best is None or position[later] < best[0]):
            best = (position[later], later, conflict)
    return None if best is None else (best[1], best[2])


def _first_across(
    conflict: Conflict, order: Sequence[int], mentions: Sequence[Mention]
) -> int | None:
    """The first mention, in ``order``, that follows a mention of the other side of
    ``conflict`` from another article: where the disagreement first shows."""
    sides = (frozenset(conflict.a_side), frozenset(conflict.b_side))
    seen: tuple[set[str], set[str]] = (set(), set())  # articles seen on each side
    for index in order:
        for side in (0, 1):
            if index in sides[side]:
                article = mentions[index].article_id
                if seen[1 - side] - {article}:
                    return index
                seen[side].add(article)
    return None


def _contradicted_note(group: ClaimGroup, conflict: Conflict) -> str:
    detail = conflict.detail.rstrip(".")
    return f"Contradicted ({conflict.kind}, {_sides(group, conflict)}): {detail}."


def _sides(group: ClaimGroup, conflict: Conflict) -> str:
    outlets = [group.mentions[i].outlet if 0 <= i < len(group.mentions) else f"mention {i}"
               for i in (conflict.a, conflict.b)]
    return " vs ".join(outlets)

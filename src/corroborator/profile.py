"""Outlet profiles derived from what corroborator itself found; no external ratings.

Per outlet, over its claim mentions:
- corroborated: the claim has >= 2 independent origins and no report contradicts this outlet's
  version of it (its mention is on no side of a conflict);
- contradicted: its mention is on one side of a conflict (minor gaps that time zones explain and
  outdated figures excluded);
- anonymous: the origin at the end of its chain is an anonymous source;
- hedged: it wraps the claim in hedging ("reportedly", "unconfirmed").
Each figure is a count over a denominator plus a sentence saying what was counted. Rates over a
handful of mentions say little; the denominator is always shown so the reader can judge.

``outlet_profiles`` reads a ``Report``; ``outlet_profiles_from_store`` reads the latest run saved
in a SQLite store (tables claim_groups, mentions, conflicts, articles), read-only.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .model import OutletProfile, Report, Share

__all__ = ["OutletProfile", "Share", "outlet_profiles", "outlet_profiles_from_store"]


@dataclass(frozen=True)
class _MentionFacts:
    """What a profile needs to know of one mention, from a report or from the store."""
    outlet: str
    article: str
    group_origins: int
    contradicted: bool
    anonymous: bool
    hedged: bool


def outlet_profiles(report: Report) -> tuple[OutletProfile, ...]:
    """Profiles of every outlet in ``report`` (outlets without claims included), by name."""
    facts: list[_MentionFacts] = []
    for story in report.stories:
        for group in story.claims:
            sides = _conflict_sides(
                ((c.a, *c.a_side), (c.b, *c.b_side), c.minor, c.outdated)
                for c in group.conflicts
            )
            facts += [
                _MentionFacts(
                    outlet=m.outlet, article=m.article_id,
                    group_origins=group.independent_origins, contradicted=i in sides,
                    anonymous=bool(m.chain) and m.chain[-1].kind == "anonymous",
                    hedged=m.claim.hedged,
                )
                for i, m in enumerate(group.mentions)
            ]
    articles: dict[str, set[str]] = defaultdict(set)
    for analysis in report.analyses:
        articles[analysis.article.outlet].add(analysis.article.id)
    return _profiles(facts, articles)


def outlet_profiles_from_store(db_path: str | Path) -> tuple[OutletProfile, ...]:
    """Profiles from the stories of the latest run saved in the store at ``db_path``.

    Opens the database read-only (it must exist) and only reads the tables the store already has.
    """
    uri = f"{Path(db_path).resolve().as_uri()}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        articles: dict[str, set[str]] = defaultdict(set)
        for outlet, content_hash in conn.execute("SELECT outlet, content_hash FROM articles"):
            articles[outlet].add(content_hash)
        sides: dict[str, set[int]] = defaultdict(set)
        for group_id, a, b, minor, outdated, a_side, b_side in conn.execute(
                _conflicts_sql(conn)):
            side_a, side_b = (a, *json.loads(a_side)), (b, *json.loads(b_side))
            sides[group_id] |= _conflict_sides([(side_a, side_b, bool(minor), bool(outdated))])
        facts = [
            _MentionFacts(
                outlet=outlet, article=article_id, group_origins=origins,
                contradicted=idx in sides.get(group_id, ()),
                anonymous=_chain_ends_anonymous(chain_json), hedged=bool(hedged),
            )
            for group_id, idx, outlet, article_id, chain_json, hedged, origins in conn.execute(
                "SELECT m.group_id, m.idx, m.outlet, m.article_id, m.chain_json, m.hedged, "
                "g.independent_origins FROM mentions m JOIN claim_groups g ON g.id = m.group_id "
                "ORDER BY m.group_id, m.idx"
            )
        ]
    return _profiles(facts, articles)


def _conflicts_sql(conn: sqlite3.Connection) -> str:
    """Stores written before migration 5 have no outdated flag and no sides: read as none."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(conflicts)")}
    if "a_side_json" in columns:
        return ("SELECT group_id, a, b, minor, outdated, a_side_json, b_side_json "
                "FROM conflicts")
    return "SELECT group_id, a, b, minor, 0, '[]', '[]' FROM conflicts"


def _conflict_sides(
    conflicts: Iterable[tuple[Iterable[int], Iterable[int], bool, bool]],
) -> set[int]:
    """Mention indices on a side of a real conflict (not minor, not an outdated figure); a
    conflict standing for many pairs lists every mention of both sides."""
    return {i for side_a, side_b, minor, outdated in conflicts if not (minor or outdated)
            for side in (side_a, side_b) for i in side}


def _chain_ends_anonymous(chain_json: str) -> bool:
    chain = json.loads(chain_json)
    return bool(chain) and chain[-1].get("kind") == "anonymous"


def _profiles(
    facts: list[_MentionFacts], articles: dict[str, set[str]]
) -> tuple[OutletProfile, ...]:
    by_outlet: dict[str, list[_MentionFacts]] = defaultdict(list)
    for fact in facts:
        by_outlet[fact.outlet].append(fact)
    outlets = sorted(set(by_outlet) | set(articles), key=str.casefold)
    return tuple(_profile(o, by_outlet.get(o, []), len(articles.get(o, ()))) for o in outlets)


def _profile(outlet: str, facts: list[_MentionFacts], article_count: int) -> OutletProfile:
    n = len(facts)
    corroborated = sum(f.group_origins >= 2 and not f.contradicted for f in facts)
    contradicted = sum(f.contradicted for f in facts)
    anonymous = sum(f.anonymous for f in facts)
    hedged = sum(f.hedged for f in facts)
    of = f"of {outlet}'s {n} claim mention{'s' if n != 1 else ''}"
    return OutletProfile(
        outlet=outlet,
        articles=max(article_count, len({f.article for f in facts})),
        claims=n,
        corroborated=Share(corroborated, n, (
            f"{corroborated} {of} are claims that at least two independent origins stand "
            "behind, with no report contradicting this outlet's version.")),
        contradicted=Share(contradicted, n, (
            f"{contradicted} {of} are contradicted by another report of the same claim "
            "(a different number, date, place or polarity; minor gaps excluded).")),
        anonymous=Share(anonymous, n, (
            f"{anonymous} {of} trace back to an anonymous source.")),
        hedged=Share(hedged, n, (
            f"{hedged} {of} are hedged (e.g. 'reportedly', 'unconfirmed').")),
    )

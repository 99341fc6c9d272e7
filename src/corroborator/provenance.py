"""Provenance: from attribution chains to origins, independence and a claim's status.

A mention's chain starts at the publishing outlet and ends at its origin: the last party named
("the outlet itself when nothing is cited"). Origins are counted after three identity rules:
1. anonymous sources are known only through whoever cites them, so their identity is
   "anonymous via <the citing party>" (two outlets quoting Radio Delta's unnamed engineers share
   one origin; two outlets each with their own unnamed sources do not);
2. an outlet cited by another outlet inside the same claim group is replaced by that outlet's own
   origin (the provenance graph: citing is a path, not a second origin);
3. names that denote one entity merge: acronyms ("NLA" = "National Liberation Army") and
   descriptions that contain the name ("a Rivex spokesperson" = "Rivex").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .align import ClaimRef
from .model import ChainLink, Mention

_GENERIC = frozenset({
    "the", "a", "an", "of", "for", "at", "in", "on", "and", "its", "their", "his", "her",
    "spokesperson", "spokesman", "spokeswoman", "statement", "official", "officials",
    "press", "office", "representative", "head", "chief", "senior",
})
_ANONYMOUS_PREFIX = "anonymous via "


def build_mention(ref: ClaimRef) -> Mention:
    article = ref.analysis.article
    chain = (ChainLink(article.outlet, "outlet", "published"), *_cited_chain(ref))
    origin = chain[-1]
    return Mention(
        claim=ref.claim,
        article_id=article.id,
        outlet=article.outlet,
        chain=chain,
        origin=_origin_label(chain),
        origin_key=_link_key(chain, len(chain) - 1) if origin else "",
    )


def _cited_chain(ref: ClaimRef) -> tuple[ChainLink, ...]:
    attribution = ref.claim.attribution
    if attribution is None:
        return ()
    if attribution.chain:
        return attribution.chain
    return (ChainLink(attribution.source.text, attribution.source_kind, attribution.cue.text),)


def _origin_label(chain: Sequence[ChainLink]) -> str:
    origin = chain[-1]
    if origin.kind == "anonymous" and len(chain) > 1:
        return f"{origin.name} (via {chain[-2].name})"
    return origin.name


def _link_key(chain: Sequence[ChainLink], index: int) -> str:
    link = chain[index]
    if link.kind == "anonymous":
        citing = _link_key(chain, index - 1) if index > 0 else "unknown"
        return _ANONYMOUS_PREFIX + citing
    return normalise_name(link.name)


def normalise_name(name: str) -> str:
    name = name.lower().replace("’", "'")
    name = re.sub(r"'s\b", "", name)
    name = re.sub(r"[^\w\s-]", " ", name)
    return " ".join(name.split())


def resolve_origins(mentions: Sequence[Mention]) -> list[Mention]:
    """Mentions with origin keys resolved through the outlet graph and name aliases."""
    own_keys = [m.origin_key for m in mentions]
    keys = _merge_aliases(_follow_cited_outlets(mentions, own_keys))
    # Name each origin after a mention that cites it directly, not one that reached it via an
    # outlet: "two unnamed engineers (via Radio Delta)" rather than "Radio Delta".
    labels: dict[str, str] = {}
    for m, own, key in zip(mentions, own_keys, keys, strict=True):
        if same_entity(own, key):
            labels.setdefault(key, m.origin)
    return [
        Mention(m.claim, m.article_id, m.outlet, m.chain, labels.get(key, m.origin), key)
        for m, key in zip(mentions, keys, strict=True)
    ]


def _follow_cited_outlets(mentions: Sequence[Mention], keys: list[str]) -> list[str]:
    """An origin that is itself a publishing outlet of this group inherits that outlet's origin."""
    by_outlet = {normalise_name(m.outlet): i for i, m in enumerate(mentions)}
    resolved = list(keys)
    for i in range(len(mentions)):
        seen = {i}
        key = keys[i]
        while key in by_outlet and by_outlet[key] not in seen:
            j = by_outlet[key]
            seen.add(j)
            key = keys[j]
        resolved[i] = key
    return resolved


def _merge_aliases(keys: list[str]) -> list[str]:
    """Map each key to a representative key of the same entity (acronym or contained name)."""
    distinct = sorted(set(keys), key=lambda k: (len(k), k))
    representative: dict[str, str] = {}
    for key in distinct:
        representative[key] = next(
            (rep for rep in dict.fromkeys(representative.values()) if same_entity(rep, key)), key
        )
    return [representative[k] for k in keys]


def same_entity(a: str, b: str) -> bool:
    if a == b:
        return True
    if a.startswith(_ANONYMOUS_PREFIX) or b.startswith(_ANONYMOUS_PREFIX):
        return False
    if _acronym(a) == b.replace(" ", "") or _acronym(b) == a.replace(" ", ""):
        return True
    core_a, core_b = _core_words(a), _core_words(b)
    if not core_a or not core_b:
        return False
    return core_a <= core_b or core_b <= core_a


def _acronym(name: str) -> str:
    words = [w for w in name.split() if w not in ("of", "the", "for", "and")]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def _core_words(name: str) -> frozenset[str]:
    return frozenset(w for w in name.split() if w not in _GENERIC and not w.isdigit())


def independent_origins(mentions: Sequence[Mention]) -> list[str]:
    """Display names of the distinct origins, one per resolved key, in first-seen order."""
    names: dict[str, str] = {}
    for m in mentions:
        names.setdefault(m.origin_key, m.origin)
    return list(names.values())

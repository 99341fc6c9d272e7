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
    "local", "operator", "broadcaster", "agency", "newspaper", "company", "group",
    "spokesperson", "spokesman", "spokeswoman", "statement", "official", "officials",
    "press", "office", "representative", "head", "chief", "senior",
})
_ANONYMOUS_PREFIX = "anonymous via "
_RELATIVE_CLAUSE = re.compile(r",\s*(?:which|who|whose|that)\b")
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "one", "two", "three",
                          "local", "state", "regional"})


def build_mention(ref: ClaimRef) -> Mention:
    article = ref.analysis.article
    cited = _cited_chain(ref)
    # "Two engineers told Radio Delta ..." in Radio Delta's own article: the outlet heard it
    # itself, so it is the publisher, not a second hop.
    while cited and same_entity(normalise_name(cited[0].name), normalise_name(article.outlet)):
        cited = cited[1:]
    chain = (ChainLink(article.outlet, "outlet", "published"), *cited)
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
    """Identity key of a source name, without relative clauses, possessives and punctuation
    ("Ardo Lines, which operates the ferry" -> "ardo lines")."""
    name = _RELATIVE_CLAUSE.split(name.replace("’", "'"), maxsplit=1)[0]
    name = re.sub(r"'s\b", "", name.lower())
    return " ".join(re.sub(r"[^\w\s-]", " ", name).split())


def is_description(name: str) -> bool:
    """True for "the rebel group", "the company"; False for names ("Keller Textiles", "NLA")."""
    words = re.sub(r"[^\w\s-]", " ", _RELATIVE_CLAUSE.split(name, maxsplit=1)[0]).split()
    return not any(_is_proper(w, i) for i, w in enumerate(words))


def _is_proper(word: str, index: int) -> bool:
    # A capital at the start of the phrase may only be the sentence's ("The company said").
    return word[:1].isupper() and not (index == 0 and word.lower() in _DETERMINERS)


def resolve_origins(mentions: Sequence[Mention]) -> list[Mention]:
    """Mentions with origin keys resolved through the outlet graph and name aliases."""
    own_keys = [m.origin_key for m in mentions]
    keys = _merge_aliases(_follow_cited_outlets(mentions, own_keys))
    keys = _merge_descriptions(mentions, keys)
    keys = _inherit_within_article(mentions, keys)
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
    """An origin that is an outlet others in the group also reach it through inherits the origin
    behind that outlet: the outlet's own mention's origin ("Radio Delta reported" in the Coast
    Herald + Radio Delta's own article citing two dockworkers), or the deeper origin of another
    chain through it ("Radio Delta reported" + "two workers told Radio Delta"). When the outlet
    leads to several different origins, the mention keeps the outlet as its origin."""
    resolved = list(keys)
    for _ in range(len(mentions)):  # each pass follows one more hop; chains are short
        changed = False
        for i, mention in enumerate(mentions):
            if mention.chain[-1].kind != "outlet" or len(mention.chain) < 2:
                continue
            behind = _origins_behind(resolved[i], i, mentions, resolved)
            if len(behind) == 1 and resolved[i] not in behind:
                resolved[i] = behind.pop()
                changed = True
        if not changed:
            break
    return resolved


def _origins_behind(
    outlet_key: str, i: int, mentions: Sequence[Mention], keys: list[str]
) -> set[str]:
    behind = set()
    for j, other in enumerate(mentions):
        if j == i:
            continue
        hops = [normalise_name(link.name) for link in other.chain[:-1]]
        if any(same_entity(outlet_key, hop) for hop in hops):
            behind.add(keys[j])
    return behind


def _merge_aliases(keys: list[str]) -> list[str]:
    """Map each key to a representative key of the same entity (acronym or contained name)."""
    distinct = sorted(set(keys), key=lambda k: (len(k), k))
    representative: dict[str, str] = {}
    for key in distinct:
        representative[key] = next(
            (rep for rep in dict.fromkeys(representative.values()) if same_entity(rep, key)), key
        )
    return [representative[k] for k in keys]


def _inherit_within_article(mentions: Sequence[Mention], keys: list[str]) -> list[str]:
    """An outlet restating, on its own authority (a headline, a summary), a claim it attributes
    elsewhere in the same article adds no origin: the restatement inherits the cited origin."""
    cited: dict[str, str] = {}
    for mention, key in zip(mentions, keys, strict=True):
        if len(mention.chain) > 1:
            cited.setdefault(mention.article_id, key)
    return [
        cited.get(m.article_id, key) if len(m.chain) == 1 else key
        for m, key in zip(mentions, keys, strict=True)
    ]


def _merge_descriptions(mentions: Sequence[Mention], keys: list[str]) -> list[str]:
    """A description ("the rebel group", "the company") names the one named origin of its kind
    in this claim group ("National Liberation Army", "Keller Textiles") when there is exactly one;
    with several candidates it stays a separate origin rather than guess."""
    named: dict[str, set[str]] = {}
    for mention, key in zip(mentions, keys, strict=True):
        origin = mention.chain[-1]
        if origin.kind != "anonymous" and not is_description(origin.name):
            named.setdefault(origin.kind, set()).add(key)
    merged = list(keys)
    for i, mention in enumerate(mentions):
        origin = mention.chain[-1]
        candidates = named.get(origin.kind, set())
        if is_description(origin.name) and origin.kind != "anonymous" and len(candidates) == 1:
            merged[i] = next(iter(candidates))
    return merged


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

"""Provenance: from attribution chains to origins, independence and the routes between them.

A mention's chain starts at the publishing outlet and ends at its origin: the last party named
("the outlet itself when nothing is cited"). The mentions of one claim form a provenance graph;
two mentions are linked when they share an origin, and ``independent_origins`` counts the
connected components (origins with no path between them). Links:

1. the same entity under another name: spelling variants (case, diacritics, "the"), acronyms
   ("NLA" = "National Liberation Army") and names that contain the other's core words;
2. a description ("the army's spokesman", "the company") and the one named origin of its kind
   in the group that it fits;
3. anonymous sources are known only through whoever cites them: their identity is
   "anonymous via <the citing party>" (two outlets quoting Radio Delta's unnamed engineers share
   one origin; two outlets each with their own unnamed sources do not);
4. an outlet cited as the origin ("Radio Delta reported") leads to what that outlet's own reports
   in the group rest on, when that is one origin;
5. a syndicated copy stating a claim on its own authority speaks with its source's voice
   (see ``build_mention``); an outlet restating in a headline a claim it attributes elsewhere in
   the same article adds no origin.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import combinations

from .align import ClaimRef
from .analysis.lexicon import load_lexicon
from .model import Article, ChainLink, Mention

_ANONYMOUS_PREFIX = "anonymous via "
_RELATIVE_CLAUSE = re.compile(r",\s*(?:which|who|whose|that)\b")


@dataclass(frozen=True)
class _Words:
    generic: frozenset[str]
    determiners: frozenset[str]
    acronym_skip: frozenset[str]
    state_forces: frozenset[str]
    representatives: frozenset[str]


@lru_cache(maxsize=1)
def _words() -> _Words:
    raw = load_lexicon("provenance")
    return _Words(
        generic=frozenset(raw["generic_words"]),
        determiners=frozenset(raw["determiners"]),
        acronym_skip=frozenset(raw["acronym_skip"]),
        state_forces=frozenset(raw["state_forces"]),
        representatives=frozenset(raw["representatives"]),
    )


def build_mention(ref: ClaimRef, syndicated_from: Article | None = None) -> Mention:
    """The claim as its article states it, with the chain from the outlet to the origin.

    ``syndicated_from`` is the article this one copies: a claim the copy states on its own
    authority then has the source outlet as its origin (the copy's outlet only republished it).
    """
    article = ref.analysis.article
    cited = _cited_chain(ref)
    # "Two engineers told Radio Delta ..." in Radio Delta's own article: the outlet heard it
    # itself, so it is the publisher, not a second hop.
    while cited and same_entity(normalise_name(cited[0].name), normalise_name(article.outlet)):
        cited = cited[1:]
    chain = (ChainLink(article.outlet, "outlet", "published"), *cited)
    origin, key = origin_of(chain)
    kind = chain[-1].kind
    if syndicated_from is not None and len(chain) == 1:
        origin, key = syndicated_from.outlet, normalise_name(syndicated_from.outlet)
    return Mention(
        claim=ref.claim,
        article_id=article.id,
        outlet=article.outlet,
        chain=chain,
        origin=origin,
        origin_key=key,
        published=article.published,
        syndicated_from=syndicated_from.id if syndicated_from is not None else "",
        origin_kind=kind,
    )


def _cited_chain(ref: ClaimRef) -> tuple[ChainLink, ...]:
    attribution = ref.claim.attribution
    if attribution is None:
        return ()
    if attribution.chain:
        return attribution.chain
    return (ChainLink(attribution.source.text, attribution.source_kind, attribution.cue.text),)


def origin_of(chain: Sequence[ChainLink]) -> tuple[str, str]:
    """(display name, identity key) of a chain's origin before any resolution."""
    return _origin_label(chain), _link_key(chain, len(chain) - 1)


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
    """Identity key of a source name, without relative clauses, possessives, diacritics, a
    leading "the" and punctuation ("The Ardo Lines, which operates the ferry" -> "ardo lines")."""
    name = _RELATIVE_CLAUSE.split(name.replace("’", "'"), maxsplit=1)[0]
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = re.sub(r"'s\b", "", name.lower())
    words = re.sub(r"[^\w\s-]", " ", name).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def is_description(name: str) -> bool:
    """True for "the rebel group", "the company"; False for names ("Keller Textiles", "NLA")."""
    words = re.sub(r"[^\w\s-]", " ", _RELATIVE_CLAUSE.split(name, maxsplit=1)[0]).split()
    return not any(_is_proper(w, i, words) for i, w in enumerate(words))


def _is_proper(word: str, index: int, words: Sequence[str]) -> bool:
    # A capital at the start of the phrase may only be the sentence's: "The company said",
    # "Civil protection officials said" (a name capitalises its other words too: "Civil
    # Protection Agency"; a one-word name stays a name: "Reuters", "Police").
    if index == 0 and (word.lower() in _words().determiners
                       or (len(words) > 1 and not any(w[:1].isupper() for w in words[1:]))):
        return False
    return word[:1].isupper()


class _Components:
    """Union-find over mention indices: the connected parts of the provenance graph."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return False
        self.parent[max(ri, rj)] = min(ri, rj)
        return True


def resolve_origins(mentions: Sequence[Mention]) -> list[Mention]:
    """Mentions whose ``origin_key``/``origin`` name the component of the provenance graph they
    belong to: mentions with the same key share an origin; different keys are independent."""
    graph = _Components(len(mentions))
    _link_same_entities(mentions, graph)
    _link_descriptions(mentions, graph)
    _link_cited_outlets(mentions, graph)
    _link_restatements(mentions, graph)
    representative: dict[int, Mention] = {}
    for index in sorted(range(len(mentions)), key=lambda i: (_label_rank(mentions[i]), i)):
        representative.setdefault(graph.find(index), mentions[index])
    return [
        replace(m, origin=rep.origin, origin_key=rep.origin_key, origin_kind=rep.origin_kind)
        for m, rep in ((m, representative[graph.find(i)]) for i, m in enumerate(mentions))
    ]


def _label_rank(mention: Mention) -> tuple[int, int]:
    """Which mention names its origin best: one citing the origin directly (not an outlet reached
    through another chain), by name rather than description."""
    origin = mention.chain[-1]
    reached_through_outlet = origin.kind == "outlet" and len(mention.chain) > 1
    own_authority = len(mention.chain) == 1 or _unknown_source(mention)
    described = origin.kind != "anonymous" and is_description(origin.name)
    return (2 * reached_through_outlet + own_authority, int(described))


def _link_same_entities(mentions: Sequence[Mention], graph: _Components) -> None:
    """Equal keys, and names of one entity ("NLA" / "National Liberation Army", "a coast guard
    spokesperson" / "the coast guard"). A description and a name are linked only by
    ``_link_descriptions``, which refuses to guess between several fitting names."""
    # Compared once per pair of distinct keys (a claim group of 740 mentions has ~140), not per
    # pair of mentions: components do not depend on the order of the links.
    first: dict[tuple[str, bool], int] = {}  # (key, described) -> its first mention
    for i, mention in enumerate(mentions):
        kind = (mention.origin_key, _is_described(mention))
        graph.union(i, first.setdefault(kind, i))
    by_key: dict[str, int] = {}
    for (key, _), i in first.items():
        graph.union(i, by_key.setdefault(key, i))  # equal keys, described or not
    for ((ka, da), i), ((kb, db), j) in combinations(first.items(), 2):
        if da == db and ka != kb and same_entity(ka, kb):
            graph.union(i, j)


def _is_described(mention: Mention) -> bool:
    origin = mention.chain[-1]
    # A syndicated copy's own-authority mention is keyed by the source outlet (a name).
    if len(mention.chain) == 1:
        return False
    return origin.kind != "anonymous" and is_description(_speaker_body(origin.name))


def _speaker_body(name: str) -> str:
    """The body a named representative speaks for: "the separatists' spokesman, Arlen Dace"
    is a description of the separatists, whoever the person is. Other names stay as they are."""
    head, _, rest = name.partition(",")
    words = set(normalise_name(head).split())
    if rest and is_description(head) and words & _words().representatives:
        return head
    return name


def _link_descriptions(mentions: Sequence[Mention], graph: _Components) -> None:
    """A description ("the rebel group", "the army's spokesman") names the named origin of its
    kind in this claim group that it fits: the only one sharing its core words, else the only
    one of that kind at all. With several candidates it stays a separate origin rather than
    guess."""
    named = [
        (j, other) for j, other in enumerate(mentions)
        if other.chain[-1].kind != "anonymous" and not _is_described(other)
    ]
    for i, mention in enumerate(mentions):
        if not _is_described(mention):
            continue
        # The kind of a description is a guess from its head word ("spokesman" -> official),
        # so a description that shares core words with a name fits it whatever its kind.
        fitting = {graph.find(j) for j, other in named
                   if same_entity(mention.origin_key, other.origin_key)}
        same_kind = {graph.find(j) for j, other in named
                     if other.chain[-1].kind == mention.chain[-1].kind}
        # "the company" may be the one company named, "the rebels" the one armed group named;
        # but "the army" is not the Free Highlands Movement: state forces must fit by name.
        if _core_words(mention.origin_key) & _words().state_forces:
            same_kind = set()
        chosen = fitting or same_kind
        if len(chosen) > 1:
            # "Carmaker Halvard Motors plans to close ..., citing a company statement": of the
            # bodies that fit, the one the sentence itself names.
            words = set(normalise_name(mention.claim.sentence.text).split())
            chosen = {graph.find(j) for j, other in named if graph.find(j) in chosen
                      and _core_words(other.origin_key) <= words} or chosen
        if len(chosen) == 1:
            graph.union(i, chosen.pop())


def _link_cited_outlets(mentions: Sequence[Mention], graph: _Components) -> None:
    """An origin that is an outlet ("Radio Delta reported") leads to what the mentions passing
    through that outlet rest on (Radio Delta's own article citing two dockworkers, or another
    chain "two workers told Radio Delta"). When they rest on several different origins, the
    outlet stays an origin of its own: which of them it relayed is unknown."""
    for _ in range(len(mentions)):  # each pass follows one more hop; chains are short
        changed = False
        for i, mention in enumerate(mentions):
            if mention.chain[-1].kind != "outlet" or len(mention.chain) < 2:
                continue
            behind = {
                graph.find(j) for j, other in enumerate(mentions)
                if j != i and _passes_through(other, mention.origin_key)
            } - {graph.find(i)}
            if len(behind) == 1:
                changed |= graph.union(i, behind.pop())
        if not changed:
            break


def _passes_through(mention: Mention, outlet_key: str) -> bool:
    hops = [normalise_name(link.name) for link in mention.chain[:-1]]
    return any(same_entity(outlet_key, hop) for hop in hops)


def _link_restatements(mentions: Sequence[Mention], graph: _Components) -> None:
    """An outlet restating, on its own authority (a headline, a summary), a claim it attributes
    elsewhere in the same article adds no origin: the restatement joins the cited origin. So
    does a restatement whose "source" is of no known kind: in a headline such as "Bellmar
    explosion: two guards hurt" the words before the colon are a topic, not someone speaking."""
    cited: dict[str, int] = {}
    for i, mention in enumerate(mentions):
        if len(mention.chain) > 1 and not _unknown_source(mention):
            cited.setdefault(mention.article_id, i)
    for i, mention in enumerate(mentions):
        restated = len(mention.chain) == 1 or _unknown_source(mention)
        if restated and mention.article_id in cited:
            graph.union(i, cited[mention.article_id])


def _unknown_source(mention: Mention) -> bool:
    return len(mention.chain) > 1 and mention.chain[-1].kind == "unknown"


def story_aliases(mentions: Sequence[Mention]) -> dict[str, tuple[str, str]]:
    """One identity per entity across a whole story: raw origin key -> (key, display name).

    Claim groups resolve origins among their own mentions; without this, a movement named "FHM"
    in one claim and "Free Highlands Movement" in another would be two origins of the story.
    Names of one entity (spellings, acronyms, contained words) and descriptions that fit a name
    by its words ("the ministry" -> "defence ministry") are linked; a party description without
    fitting words ("the separatists' spokesman") joins the story's one named party, if only one.
    The name shown is the named spelling cited most often.
    """
    entries: dict[str, Mention] = {}
    counts: dict[str, int] = {}
    for m in mentions:
        if m.chain[-1].kind != "anonymous" and len(m.chain) > 1:
            entries.setdefault(m.origin_key, m)
            counts[m.origin_key] = counts.get(m.origin_key, 0) + 1
    keys = list(entries)
    graph = _Components(len(keys))
    described = [_is_described(entries[k]) for k in keys]
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            if described[i] == described[j] and same_entity(keys[i], keys[j]):
                graph.union(i, j)
    for i, key in enumerate(keys):
        if not described[i]:
            continue
        fitting = {graph.find(j) for j, other in enumerate(keys)
                   if not described[j] and same_entity(key, other)}
        kind = entries[key].chain[-1].kind
        definite = entries[key].chain[-1].name.lower().startswith("the ")
        if not fitting and definite and not (_core_words(key) & _words().state_forces):
            # "the operator", "the separatists' spokesman": the story's one named body of that
            # kind, if there is only one (with two companies named, "the company" stays apart).
            # Only a definite description points back to someone named: "local officials" or
            # "a spokesperson" may be anyone.
            fitting = {graph.find(j) for j, other in enumerate(keys)
                       if not described[j] and entries[other].chain[-1].kind == kind}
        if len(fitting) == 1:
            graph.union(i, fitting.pop())
    best: dict[int, str] = {}
    for i, key in sorted(enumerate(keys), key=lambda p: (described[p[0]], -counts[p[1]], p[0])):
        best.setdefault(graph.find(i), key)
    return {key: (best[graph.find(i)], entries[best[graph.find(i)]].origin)
            for i, key in enumerate(keys)}


def apply_aliases(mention: Mention, aliases: dict[str, tuple[str, str]]) -> Mention:
    """The mention with its origin renamed to the story-wide identity of its entity."""
    if mention.origin_key not in aliases or len(mention.chain) < 2:
        return mention
    key, name = aliases[mention.origin_key]
    return replace(mention, origin_key=key, origin=name)


@lru_cache(maxsize=65536)  # pure; asked for many pairs of the same keys
def same_entity(a: str, b: str) -> bool:
    """Whether two origin keys name one entity: equal, an acronym of the other, or one's core
    words (without generic words like "spokesman", "press office") contained in the other's."""
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
    words = [w for w in name.split() if w not in _words().acronym_skip]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def _core_words(name: str) -> frozenset[str]:
    return frozenset(w for w in name.split() if w not in _words().generic and not w.isdigit())


def origin_labels(mentions: Sequence[Mention]) -> list[str]:
    """Like ``independent_origins``, each name followed by the acronyms outlets used for that
    origin ("The Free Highlands Movement (FHM)"), so a reader finds the name an outlet printed."""
    acronyms: dict[str, list[str]] = {}
    for m in mentions:
        name = re.sub(r"(?i)^the\s+", "", _speaker_body(m.chain[-1].name).strip())
        if _is_acronym(name) and same_entity(normalise_name(name), m.origin_key):
            used = acronyms.setdefault(m.origin_key, [])
            if name not in used and name not in m.origin:
                used.append(name)
    names: dict[str, str] = {}
    for m in mentions:
        extra = acronyms.get(m.origin_key)
        names.setdefault(m.origin_key, f"{m.origin} ({', '.join(extra)})" if extra else m.origin)
    return list(names.values())


def _is_acronym(name: str) -> bool:
    """"FHM", "NLA": one word of two or more capitals."""
    return " " not in name and len(name) >= 2 and name.isupper()


def independent_origins(mentions: Sequence[Mention]) -> list[str]:
    """Display names of the distinct origins, one per resolved key, in first-seen order."""
    names: dict[str, str] = {}
    for m in mentions:
        names.setdefault(m.origin_key, m.origin)
    return list(names.values())

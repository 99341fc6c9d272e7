"""Multi-hop provenance inside one attribution: who cites whom.

A speaker can name where they got it from ("Radio Delta reported, citing two unnamed engineers";
"according to B, which quoted C") or be named by whoever passed it on ("reports on social media,
cited by Radio Delta"; "D told the Coast Herald"). This module finds those cited parties next to an
attribution clause and orders the hops from the first cited party to the origin; attribution.py
decides what the clause is, and provenance later prepends the publishing outlet.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from ..model import Attribution, ChainLink, SourceKind
from .sources import attribution_lexicon, classify_source, source_name

_RELATIVE_TAGS = frozenset({"WDT", "WP"})  # "which quoted C", "who cited C"


@dataclass(frozen=True)
class CitedParty:
    """A "citing C" / "quoted by C" modifier attached to an attribution clause."""
    tokens: frozenset[int]  # the modifier's whole subtree: kept out of source and content spans
    party: Span  # the cited noun phrase
    cue: str  # the modifier verb as written, lower case: "citing", "quoting", "quoted", "cited"
    # "cited by C": C passed the claim on, so C comes BEFORE the speaker in the chain;
    # "citing C": the speaker got it from C, so C comes AFTER the speaker.
    passive: bool

    def link(self) -> ChainLink:
        return ChainLink(source_name(self.party), classify_source(self.party), self.cue)


def find_cited_parties(region: set[int], sent: Span) -> list[CitedParty]:
    """Citing modifiers that belong to the attribution clause whose tokens are ``region``.

    A modifier belongs to the clause when it hangs off one of the clause's tokens ("The ministry,
    quoting hospitals, said"; "reports, cited by Radio Delta, claim") or sits right next to the
    clause with only punctuation between ("Police said, citing witnesses, that ...", where the
    parser attaches "citing" to the reported clause instead).
    """
    cited = []
    for token in sent:
        if not _is_citing_modifier(token):
            continue
        if token.head.i in region or _is_adjacent(token, region, sent):
            party = _cited_phrase(token)
            if party is not None:
                tokens = frozenset(t.i for t in token.subtree)
                cited.append(CitedParty(tokens, party, token.lower_, _is_passive(token)))
    return cited


def build_chain(
    speaker: ChainLink, cited: Sequence[CitedParty], heard_by: Iterable[ChainLink] = ()
) -> tuple[ChainLink, ...]:
    """Hops in order: whoever passed the claim on first, then the speaker, then whom it cites."""
    before = [c.link() for c in cited if c.passive]
    after = [c.link() for c in cited if not c.passive]
    return (*before, *heard_by, speaker, *after)


def heard_by_outlet(told: Token, cue: str) -> ChainLink | None:
    """For "D told E that ...": the link for E when E is an outlet (E heard it from D)."""
    for child in told.children:
        if child.dep_ in ("dobj", "dative"):
            phrase = told.doc[child.left_edge.i : child.right_edge.i + 1]
            kind: SourceKind = classify_source(phrase)
            if kind == "outlet":
                return ChainLink(phrase.text, kind, cue)
    return None


def nest_chains(attributions: Sequence[Attribution]) -> list[Attribution]:
    """Prefix the chain of an enclosing attribution: in "the Valley Times reported that the army
    said X", the army's claim reaches us through the Valley Times.

    Inner attributions come first in the result (then text order), because they carry the full
    chain and the tightest content for the claim they share a sentence with.
    """
    enclosing = {id(a): _enclosing(a, attributions) for a in attributions}
    merged: dict[int, tuple[ChainLink, ...]] = {}

    def chain_of(a: Attribution) -> tuple[ChainLink, ...]:
        if id(a) not in merged:
            outer = enclosing[id(a)]
            merged[id(a)] = (chain_of(outer) if outer else ()) + a.chain
        return merged[id(a)]

    def depth(a: Attribution) -> int:
        outer = enclosing[id(a)]
        return 0 if outer is None else 1 + depth(outer)

    def outermost_cue(a: Attribution) -> int:
        outer = enclosing[id(a)]
        return a.cue.start if outer is None else min(a.cue.start, outermost_cue(outer))

    result = [_with_chain(a, chain_of(a)) for a in attributions]
    order = sorted(
        range(len(attributions)),
        key=lambda i: (outermost_cue(attributions[i]), -depth(attributions[i]),
                       attributions[i].cue.start),
    )
    return [result[i] for i in order]


def _with_chain(a: Attribution, chain: tuple[ChainLink, ...]) -> Attribution:
    return dataclasses.replace(a, chain=chain)


def _enclosing(inner: Attribution, attributions: Sequence[Attribution]) -> Attribution | None:
    """The attribution with the smallest content that strictly contains all of ``inner``.

    Strict containment of the content keeps the relation acyclic. Non-speech attributions
    without a cited source never enclose (see ``_passes_claims_on``).
    """
    best = None
    for outer in attributions:
        content = outer.content
        if outer is inner or len(content.text) <= len(inner.content.text):
            continue
        if not _passes_claims_on(outer):
            continue
        inside = all(content.start <= s.start and s.end <= content.end
                     for s in (inner.cue, inner.source, inner.content))
        if inside and (best is None or len(content.text) < len(best.content.text)):
            best = outer
    return best


def _passes_claims_on(outer: Attribution) -> bool:
    """Only speech passes a claim on ("X said that Y said ..."); a belief, intention or stance
    ("X thinks Y said ...") does so only when it names its own source ("citing C")."""
    return outer.cue_type == "speech" or len(outer.chain) > 1


def _is_citing_modifier(token: Token) -> bool:
    if token.lemma_.lower() not in attribution_lexicon().citing_verbs or token.pos_ != "VERB":
        return False
    # "The ministry cited figures" is a clause of its own, not a modifier of someone's speech.
    subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
    return all(s.tag_ in _RELATIVE_TAGS for s in subjects)


def _is_passive(token: Token) -> bool:
    return any(c.dep_ == "agent" for c in token.children)


def _cited_phrase(token: Token) -> Span | None:
    """The cited party: the object of "citing"/"quoting", the agent of "cited by"/"quoted by"."""
    doc = token.doc
    for child in token.children:
        if child.dep_ == "agent":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return doc[objects[0].left_edge.i : objects[0].right_edge.i + 1]
        if child.dep_ == "dobj":
            return doc[child.left_edge.i : child.right_edge.i + 1]
    return None


def _is_adjacent(token: Token, region: set[int], sent: Span) -> bool:
    """Only punctuation between the modifier's subtree and the clause."""
    if not region:
        return False
    doc = sent.doc
    first, last = token.left_edge.i, token.right_edge.i
    if first > max(region):
        gap = range(max(region) + 1, first)
    elif last < min(region):
        gap = range(last + 1, min(region))
    else:
        return False
    return all(doc[i].is_punct for i in gap)

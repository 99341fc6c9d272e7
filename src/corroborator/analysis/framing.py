"""Framing: which words an article uses for referents outlets name differently.

"protesters" vs "rioters", "died" vs "were killed", "government" vs "regime": the referent
classes and their variant terms live in data/framing.yaml. Terms match on folded token sequences
(plural and auxiliary inflection removed), so "a rioter", "the rioters", "was killed" and "have
been killed" all match, and each match is reported with the term as the lexicon writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Token

from ..model import FramingTerm, TextSpan
from .lexicon import load_lexicon
from .nlp import doc_text, token_lemmas, token_lowers

# Auxiliary forms folded to one word so "was/were/have been killed" match "were killed".
_AUXILIARIES = {"am": "be", "is": "be", "are": "be", "was": "be", "were": "be", "been": "be",
                "being": "be", "has": "have", "had": "have", "having": "have"}


@dataclass(frozen=True)
class _Term:
    referent: str
    term: str  # as written in the lexicon
    words: tuple[str, ...]  # folded
    pos: frozenset[str]  # allowed parts of speech for one-word terms; empty: any
    other_senses: tuple[str, ...] = ()  # article phrases that show the term means something else


@dataclass(frozen=True)
class _Match:
    start: int  # token indices [start, end)
    end: int
    entry: _Term
    verbatim: bool  # the text spells the term exactly as the lexicon does


def find_framing_terms(doc: Doc) -> list[FramingTerm]:
    """Every lexicon term in ``doc``, in text order. Overlaps go to the longest term, then to the
    one spelled as in the text."""
    chosen: list[_Match] = []
    ranked = sorted(_all_matches(doc), key=lambda m: (m.start - m.end, m.start, not m.verbatim))
    for match in ranked:
        if all(match.end <= c.start or c.end <= match.start for c in chosen):
            chosen.append(match)
    chosen.sort(key=lambda m: m.start)
    text = doc_text(doc)
    lexical = [
        FramingTerm(m.entry.referent, m.entry.term,
                    TextSpan.of(text, doc[m.start].idx, _end(doc[m.end - 1])))
        for m in chosen if not _other_sense(text, m.entry)
    ]
    return sorted(lexical + find_actor_terms(doc), key=lambda t: t.span.start)


def _other_sense(text: str, entry: _Term) -> bool:
    """Whether the article uses the term in another sense ("on strike": a walkout, not an
    attack). Decided per article: sentences like "the strike cost millions" carry no cue."""
    lowered = text.lower()
    return any(re.search(rf"\b{re.escape(cue)}\b", lowered) for cue in entry.other_senses)


def fold(word: str) -> str:
    """A crude normal form shared by lexicon and text: lower case, auxiliaries to "be"/"have",
    plural "-s"/"-es"/"-ies" removed ("rioters" -> "rioter", "clashes" -> "clash")."""
    w = word.lower()
    if w in _AUXILIARIES:
        return _AUXILIARIES[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "sses", "xes", "zes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def _all_matches(doc: Doc) -> list[_Match]:
    by_first_word = _terms_by_first_word()
    forms = _folded_forms(doc)
    matches = []
    for i, token_forms in enumerate(forms):
        for form in token_forms:
            for entry in by_first_word.get(form, ()):
                end = i + len(entry.words)
                if end <= len(doc) and _matches(doc, forms, i, entry):
                    verbatim = token_lowers(doc)[i:end] == entry.term.lower().split()
                    matches.append(_Match(i, end, entry, verbatim))
    return matches


def _matches(doc: Doc, forms: list[tuple[str, str]], start: int, entry: _Term) -> bool:
    if len(entry.words) == 1 and entry.pos and doc[start].pos_ not in entry.pos:
        return False  # "attack" the noun, not the verb
    return all(word in forms[start + k] for k, word in enumerate(entry.words))


def _folded_forms(doc: Doc) -> list[tuple[str, str]]:
    """Each token's folded lower-case form and folded lemma, read from the doc once."""
    return [(_fold_cached(lower), _fold_cached(lemma))
            for lower, lemma in zip(token_lowers(doc), token_lemmas(doc), strict=True)]


@lru_cache(maxsize=65536)
def _fold_cached(word: str) -> str:
    return fold(word)


@lru_cache(maxsize=1)
def _terms_by_first_word() -> dict[str, tuple[_Term, ...]]:
    index: dict[str, list[_Term]] = {}
    for referent, spec in load_lexicon("framing").items():
        if referent.startswith("_"):
            continue  # settings of other readers (named actors), not a referent class
        pos = frozenset(spec.get("pos", ()))
        senses = spec.get("unless_article_has", {})
        for term in spec["terms"]:
            entry = _Term(referent, term, tuple(fold(w) for w in term.split()), pos,
                          tuple(senses.get(term, ())))
            index.setdefault(entry.words[0], []).append(entry)
    return {word: tuple(entries) for word, entries in index.items()}


def class_words(referent: str) -> frozenset[str]:
    """Folded one-word terms of a lexicon class ("rebels" -> {"rebel", "fighter", ...})."""
    spec = load_lexicon("framing")[referent]
    return frozenset(fold(t) for t in spec["terms"] if " " not in t)


def _end(token: Token) -> int:
    return token.idx + len(token.text)


# --- Named actors -------------------------------------------------------------------------------
# Per-article records of named actors, stored as FramingTerms under reserved referents that
# compare_framing (framing_compare.py) resolves across the story's outlets:
ACTOR = "actor:name"  # a name or acronym; term: its lower-case surface form
ARMED_ACTOR = "actor:armed-name"  # the same, tied to a "rebels" word ("NLA fighters")
ACTOR_DESCRIPTION = "actor:description"  # "the party"; term: "party"
ARMED_DESCRIPTION = "actor:armed-description"  # "the rebel group"; term: "rebel group"
ACTOR_LABEL = "actor:label"  # term: the label; span: the mention it characterises


def is_actor_referent(referent: str) -> bool:
    return referent.startswith("actor:")


def find_actor_terms(doc: Doc) -> list[FramingTerm]:
    """Mentions of named organisations and definite descriptions that may stand for them, plus
    the labels attached to each (appositive, non-restrictive relative clause, scare words)."""
    text = doc_text(doc)
    found: list[FramingTerm] = []
    for root, start, end, referent, term in _actor_mentions(doc):
        span = TextSpan.of(text, doc[start].idx, _end(doc[end - 1]))
        found.append(FramingTerm(referent, term, span))
        found.extend(FramingTerm(ACTOR_LABEL, label, span) for label in _labels(doc, root, start))
    return found


def _actor_mentions(doc: Doc) -> list[tuple[Token, int, int, str, str]]:
    """(root token, start, end, referent, term) per actor mention, in text order."""
    settings = load_lexicon("framing")["_actors"]
    rebels = class_words("rebels")
    mentions = []
    entities = doc.ents  # built anew (a Span per entity) at each access: read once
    for ent in entities:
        if ent.label_ not in ("ORG", "NORP"):
            continue
        words = [t for t in ent if t.dep_ not in ("det", "case") and not t.is_punct]
        if not words or not _is_actor_name(words, settings["heads"]):
            continue
        start, end = words[0].i, words[-1].i + 1
        term = doc[start:end].text.lower()
        referent = ARMED_ACTOR if _tied_to(ent.root, rebels) else ACTOR
        mentions.append((ent.root, start, end, referent, term))
    in_entity = {i for ent in entities for i in range(ent.start, ent.end)}
    heads = frozenset(settings["descriptions"])
    for i, lower in enumerate(token_lowers(doc)):
        if lower not in heads or i in in_entity:
            continue  # most tokens: no need to build a spaCy Token for them
        token = doc[i]
        if _is_description(token, settings["descriptions"]):
            modifiers = [c for c in token.lefts if c.dep_ in ("compound", "amod")]
            start = modifiers[0].i if modifiers else token.i
            term = " ".join(t.lower_ for t in doc[start:token.i + 1])
            armed = any(fold(m.lower_) in rebels for m in modifiers)
            mentions.append((token, start, token.i + 1,
                             ARMED_DESCRIPTION if armed else ACTOR_DESCRIPTION, term))
    return sorted(mentions, key=lambda m: m[1])


def _is_actor_name(words: list[Token], heads: list[str]) -> bool:
    if len(words) == 1 and re.fullmatch(r"[A-Z]{2,6}", words[0].text):
        return True  # an acronym ("NLA", "FHM")
    return words[-1].lower_ in heads and all(w.text[:1].isupper() for w in words)


def _is_description(token: Token, heads: list[str]) -> bool:
    """A definite singular "the party"/"the rebel group" that is not itself a label."""
    if token.lower_ not in heads or token.tag_ != "NN" or token.dep_ == "appos":
        return False
    return any(c.dep_ == "det" and c.lower_ == "the" for c in token.lefts)


def _tied_to(root: Token, words: frozenset[str]) -> bool:
    """Whether a name modifies a "rebels" word: "NLA fighters", "fighters of the NLA"."""
    head = root.head
    if root.dep_ in ("compound", "poss", "nmod") and fold(head.lower_) in words:
        return True
    return root.dep_ == "pobj" and head.lower_ == "of" and fold(head.head.lower_) in words


def _labels(doc: Doc, root: Token, start: int) -> list[str]:
    """Phrases characterising the actor at ``root``: a comma-set appositive or relative clause
    ("the largest opposition group in parliament", "which seeks independence ..."), a scare
    word ("so-called") or scare quotes before the name."""
    scare_words = load_lexicon("framing")["_actors"]["scare_words"]
    labels = []
    for child in root.rights:
        if child.dep_ in ("appos", "relcl") and _after_comma(doc, child):
            labels.append(_phrase(doc, child))
    before = doc[max(start - 3, 0):start].text.lower().replace(" ", "")
    labels.extend(w for w in scare_words if before.endswith(w.replace(" ", "")))
    if start > 0 and doc[start - 1].text in ('"', "“", "‘", "'"):
        labels.append("scare quotes")
    return labels


def _after_comma(doc: Doc, child: Token) -> bool:
    """Non-restrictive: a comma right before the clause (restrictive ones define, not label)."""
    first = child.left_edge.i
    return first > 0 and doc[first - 1].text == ","


def _phrase(doc: Doc, child: Token) -> str:
    """The clause up to its closing comma (the parse may end it early, "for the Vessa")."""
    end = child.right_edge.i + 1
    limit = child.sent.end
    while end < limit and doc[end].text != "," and not doc[end].is_sent_end:
        end += 1
    return doc[child.left_edge.i:end].text.strip(" ,.;")

"""What the rest of the article says about a source's kind, beyond the words of its own phrase.

``sources.classify_source`` types a phrase by its own words; these clues come from around it:

- how the source speaks: "a prison official, speaking on condition of anonymity, said" and "a
  guard said anonymously" are anonymous sources, like "an official who asked not to be named";
- the names the article spells out: an acronym ("the FHM") or a bare word ("Quillon said") takes
  the kind of the full name it shortens ("the Free Highlands Movement", "Quillon Telecom");
- how the article refers back to a name the tagger calls a person: "Orlen Brightwater said ...
  The company said" makes it a company;
- which agency "the agency" is: a news agency when the latest agency the article named is one
  ("Telvaro Press Agency ... the agency said") or, with none named, when it reports, quotes or
  cites; else a state agency.

Word lists are in ``data/attribution.yaml`` (``kinds:``), loaded once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from .lexicon import load_lexicon

# Dependencies that attach a manner to a source or its cue ("speaking on condition of anonymity",
# "said anonymously", "who requested anonymity"); a clause complement (the content) is not one.
_MANNER_DEPS = frozenset({"advcl", "acl", "relcl", "prep", "advmod", "npadvmod"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# Entity labels of bodies "the company" could mean instead of a name the tagger calls a person.
_BODY_LABELS = frozenset({"ORG", "FAC", "NORP"})
# How many sentences after a name "the company" may still refer back to it.
_NOMINAL_WINDOW = 2


@dataclass(frozen=True)
class KindClues:
    """The ``kinds:`` lists these clues read."""
    anonymity_words: tuple[str, ...]  # "anonymity", "anonymously", "not to be named"
    speaking_verbs: frozenset[str]  # participles that carry the condition: "speaking", "talking"
    company_nominals: frozenset[str]  # "the company", "the firm" refer back to a company
    wire_words: tuple[str, ...]  # words of a news agency's name: "press", "reuters"
    news_verbs: frozenset[str]  # what a news agency does: "report", "quote", "cite"
    name_skip: frozenset[str]  # words an acronym or a bare name skips: "of", "the"


@lru_cache(maxsize=1)
def kind_clues() -> KindClues:
    raw = load_lexicon("attribution")
    kinds, sources = raw["kinds"], raw["sources"]
    anonymous, organisation = kinds["anonymous"], kinds["organisation"]
    return KindClues(
        anonymity_words=tuple(str(w).lower() for w in anonymous["condition_words"]),
        speaking_verbs=frozenset(anonymous["speaking_verbs"]),
        company_nominals=frozenset(organisation["referring_nominals"]),
        wire_words=tuple(str(w).lower() for w in kinds["outlet"]["wire_words"]),
        news_verbs=frozenset(kinds["outlet"]["news_verbs"]),
        name_skip=frozenset(sources.get("acronym_skip", ())),
    )


# --- how the source speaks -----------------------------------------------------------------------

def speaks_anonymously(span: Span) -> bool:
    """Whether the source, or its cue verb, carries a condition of anonymity outside the phrase:
    "X, speaking on condition of anonymity, said", "X said anonymously", "said X, speaking
    anonymously". Reported speech about anonymity (the content) does not count."""
    clues = kind_clues()
    root = span.root
    holders = [root]
    if root.dep_ in _SUBJECT_DEPS:
        holders.append(root.head)  # the cue verb
    for holder in holders:
        for child in holder.children:
            if child.dep_ not in _MANNER_DEPS or span.start <= child.i < span.end:
                continue
            if child.pos_ == "VERB" and child.lemma_.lower() not in clues.speaking_verbs:
                continue  # "citing unnamed officials" names a further source, not a manner
            if has_words(_subtree_text(child), clues.anonymity_words):
                return True
    return False


def _subtree_text(token: Token) -> str:
    doc = token.doc
    return doc[token.left_edge.i : token.right_edge.i + 1].text.lower()


# --- names the article spells out ----------------------------------------------------------------

_NAMES_KEY = "corroborator.spelled_out_names"
_COMPANY_KEY = "corroborator.company_names"


@dataclass(frozen=True)
class SpelledOutNames:
    """Head-word indices of the doc's names of two words or more, in text order, by their
    upper-case initials ("FHM") and by each of their words, lower case ("quillon")."""
    by_initials: dict[str, list[int]]
    by_word: dict[str, list[int]]


def spelled_out_names(doc: Doc) -> SpelledOutNames:
    """Built once per doc: every acronym or bare-name source asks for it, and scanning the whole
    doc per source cost ~1.5 ms per article."""
    names = doc.user_data.get(_NAMES_KEY)
    if names is not None:
        return names
    skip = kind_clues().name_skip
    names = SpelledOutNames({}, {})
    for other in doc:
        if other.pos_ != "PROPN" or other.head.pos_ == "PROPN" and other.dep_ == "compound":
            continue  # only the head word of each name
        words = [t for t in name_tokens(other) if t.lower_ not in skip]
        if len(words) < 2:
            continue
        names.by_initials.setdefault("".join(t.text[0] for t in words).upper(), []).append(other.i)
        for word in {t.lower_ for t in words}:
            names.by_word.setdefault(word, []).append(other.i)
    doc.user_data[_NAMES_KEY] = names
    return names


def name_tokens(head: Token) -> list[Token]:
    """The head plus the proper-noun compounds that spell the name with it."""
    tokens = [head]
    for child in head.children:
        if child.dep_ == "compound" and child.pos_ == "PROPN":
            tokens.extend(name_tokens(child))
    return sorted(tokens, key=lambda t: t.i)


def is_acronym(word: str) -> bool:
    return 2 <= len(word) <= 6 and word.isalpha() and word.isupper()


def full_names_of(head: Token) -> list[int]:
    """Heads of the fuller names a one-word or acronym name shortens, nearest earlier first, then
    later ones: "Quillon" -> "Quillon Telecom", "FHM" -> "Free Highlands Movement"."""
    names = spelled_out_names(head.doc)
    if is_acronym(head.text):
        found = names.by_initials.get(head.text, [])
    elif len(name_tokens(head)) == 1:
        found = names.by_word.get(head.lower_, [])
    else:
        return []
    # Not the name the word is part of ("Interior" of "Interior Minister Jan Berg").
    found = [i for i in found if head not in name_tokens(head.doc[i])]
    earlier = sorted((i for i in found if i < head.i), reverse=True)
    return earlier + [i for i in found if i > head.i]


# --- how the article refers back to a name -------------------------------------------------------

def referred_to_as_company(head: Token) -> bool:
    """A name the tagger may call a person that the article treats as a company: a bare "the
    company" is a subject within the next two sentences and no other organisation is named
    before it ("Orlen Brightwater said ... The company said ..."). Not "its" after the name:
    "The plant closed. Ann Doe said its owners left" is common. Not "said in a statement":
    people say things in statements too. Cached per doc: every PERSON entity and source asks."""
    cache = head.doc.user_data.setdefault(_COMPANY_KEY, {})
    if head.i not in cache:
        cache[head.i] = _followed_by_company_nominal(head)
    return cache[head.i]


def _followed_by_company_nominal(head: Token) -> bool:
    """Only for a bare name in an article that names no organisation before "the company": in
    "Halvard Motors ... chief executive Ann Doe said ... The company said", the company is
    Halvard Motors, and a title says Doe is a person."""
    clues = kind_clues()
    doc = head.doc
    if any(c.dep_ in ("compound", "amod", "appos") and c.pos_ != "PROPN" for c in head.children):
        return False
    sent = head.sent
    end = sent.end
    for _ in range(_NOMINAL_WINDOW):
        if end >= len(doc):
            break
        end = doc[end].sent.end
    for token in doc[:end]:
        if token.ent_type_ in _BODY_LABELS and not head.left_edge.i <= token.i <= head.i:
            return False  # another organisation named before could be the one meant
        if token.i <= head.i:
            continue
        if token.dep_ in _SUBJECT_DEPS and token.lemma_.lower() in clues.company_nominals \
                and _is_bare_definite(token):
            return True
    return False


def _is_bare_definite(noun: Token) -> bool:
    children = list(noun.children)
    return len(children) == 1 and children[0].lower_ == "the" and noun.i == children[0].i + 1


# --- which agency "the agency" is ----------------------------------------------------------------

def bare_agency_is_news(span: Span) -> bool:
    """For a bare "the agency": a news agency when the latest agency named before it is one
    ("the Telvaro Press Agency", "Reuters"), a state agency when that one is ("the forestry
    agency"). With none named before, a news agency only when it does a news agency's work: it
    reports, quotes or cites ("The agency reported, citing two officials", "officials quoted by
    the agency")."""
    latest = _latest_agency(span)
    return latest if latest is not None else _does_news_work(span.root)


def _latest_agency(span: Span) -> bool | None:
    """Whether the latest agency named before ``span`` is a news agency; None without one."""
    clues = kind_clues()
    doc = span.doc
    found: list[tuple[int, bool]] = []
    for ent in doc.ents:
        if ent.end <= span.start and has_words(ent.text.lower(), clues.wire_words):
            found.append((ent.end, True))
    for token in doc[: span.start]:
        if token.lemma_.lower() != "agency":
            continue
        phrase = doc[token.left_edge.i : token.i + 1]
        if len(phrase) <= 2 and phrase[0].lower_ in ("the", "an", "agency"):
            continue  # another bare "the agency": a reference, not a naming
        found.append((token.i + 1, has_words(phrase.text.lower(), clues.wire_words)))
    return max(found)[1] if found else None


def _does_news_work(noun: Token) -> bool:
    verbs = kind_clues().news_verbs
    verb = noun.head
    if noun.dep_ == "pobj" and verb.lower_ == "by":  # "quoted by the agency"
        verb = verb.head
    elif noun.dep_ not in _SUBJECT_DEPS:
        return False
    if verb.lemma_.lower() in verbs:
        return True
    # "The agency said, citing two workers, that ...": the parser may hang "citing" on the
    # reported clause instead of the cue.
    clauses = [verb, *(c for c in verb.children if c.dep_ == "ccomp")]
    return any(c.dep_ == "advcl" and c.tag_ == "VBG" and c.lemma_.lower() in verbs
               for clause in clauses for c in clause.children)


def has_words(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` (lower case) holds one of ``words`` as whole words."""
    return bool(words) and _words_pattern(words).search(text) is not None


@lru_cache(maxsize=256)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One whole-word alternation per word list (a list is searched on every source phrase)."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)")

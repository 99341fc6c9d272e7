"""Framing: which words an article uses for referents outlets name differently.

"protesters" vs "rioters", "died" vs "were killed", "government" vs "regime": the referent
classes and their variant terms live in data/framing.yaml. Terms match on folded token sequences
(plural and auxiliary inflection removed), so "a rioter", "the rioters", "was killed" and "have
been killed" all match, and each match is reported with the term as the lexicon writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Token

from ..model import FramingTerm, TextSpan
from .attribution_spans import doc_text
from .lexicon import load_lexicon

# Auxiliary forms folded to one word so "was/were/have been killed" match "were killed".
_AUXILIARIES = {"am": "be", "is": "be", "are": "be", "was": "be", "were": "be", "been": "be",
                "being": "be", "has": "have", "had": "have", "having": "have"}


@dataclass(frozen=True)
class _Term:
    referent: str
    term: str  # as written in the lexicon
    words: tuple[str, ...]  # folded
    pos: frozenset[str]  # allowed parts of speech for one-word terms; empty: any


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
    return [
        FramingTerm(m.entry.referent, m.entry.term,
                    TextSpan.of(doc_text(doc), doc[m.start].idx, _end(doc[m.end - 1])))
        for m in chosen
    ]


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
    matches = []
    for token in doc:
        for form in _forms(token):
            for entry in by_first_word.get(form, ()):
                end = token.i + len(entry.words)
                if end <= len(doc) and _matches(doc, token.i, entry):
                    verbatim = [t.lower_ for t in doc[token.i:end]] == entry.term.lower().split()
                    matches.append(_Match(token.i, end, entry, verbatim))
    return matches


def _matches(doc: Doc, start: int, entry: _Term) -> bool:
    tokens = doc[start:start + len(entry.words)]
    if len(entry.words) == 1 and entry.pos and tokens[0].pos_ not in entry.pos:
        return False  # "attack" the noun, not the verb
    return all(word in _forms(token) for word, token in zip(entry.words, tokens, strict=True))


def _forms(token: Token) -> set[str]:
    return {fold(token.lower_), fold(token.lemma_)}


@lru_cache(maxsize=1)
def _terms_by_first_word() -> dict[str, tuple[_Term, ...]]:
    index: dict[str, list[_Term]] = {}
    for referent, spec in load_lexicon("framing").items():
        pos = frozenset(spec.get("pos", ()))
        for term in spec["terms"]:
            entry = _Term(referent, term, tuple(fold(w) for w in term.split()), pos)
            index.setdefault(entry.words[0], []).append(entry)
    return {word: tuple(entries) for word, entries in index.items()}


def _end(token: Token) -> int:
    return token.idx + len(token.text)

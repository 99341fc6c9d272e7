"""Hedges: the words that mark a claim as unconfirmed ("reportedly", "could not be verified").

Each hedge weakens its sentence, except a bare failed-verification sentence ("The claim could
not be independently verified.") which weakens the claim of the sentence before it. The parse
tells a hedge from a look-alike: "claimed that" (verb) vs "insurance claims" (noun), "may have"
(modal) vs "May" (month). Words live in data/hedges.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from ..model import Hedge, TextSpan
from .lexicon import load_lexicon
from .nlp import doc_text, token_lemmas, token_lowers, token_tags

# A pattern word and the fine tag it requires (None: any tag).
_Pattern = tuple[tuple[str, str | None], ...]
# Entities whose capitalised words are names, not hedges: "the Alleged Victims Fund".
_NAME_LABELS = frozenset({"ORG", "WORK_OF_ART", "LAW", "EVENT", "FAC", "PRODUCT", "PERSON"})
# Word classes that carry no claim of their own in a failed-verification sentence.
_FUNCTION_POS = frozenset({"DET", "PRON", "AUX", "PART", "ADP", "CCONJ", "SCONJ", "PUNCT",
                           "SPACE", "PROPN"})


@dataclass(frozen=True)
class _Match:
    start: int  # token indices [start, end)
    end: int
    verification: bool = False


def find_hedges(doc: Doc) -> list[Hedge]:
    """Every hedge in ``doc`` with the span of its words and the text it weakens."""
    text = doc_text(doc)
    sentences = [s for s in doc.sents if s.text.strip()]
    hedges = []
    for match in _longest_first(_all_matches(doc)):
        index = next(n for n, s in enumerate(sentences) if s.start <= match.start < s.end)
        scope = sentences[index]
        if match.verification and index > 0 and _says_nothing_else(scope, match):
            scope = sentences[index - 1]
        span = TextSpan.of(text, doc[match.start].idx, _end(doc[match.end - 1]))
        hedges.append(Hedge(span, _trimmed(text, scope)))
    return hedges


@dataclass(frozen=True)
class _Tokens:
    """The doc's token strings as plain lists, read once: every ``token.lower_`` crosses into
    spaCy and builds a Token, which made matching every pattern at every token slow."""
    lowers: list[str]
    lemmas: list[str]  # lower-cased
    tags: list[str]


def _all_matches(doc: Doc) -> list[_Match]:
    """Hedge words, then hedging attribution verbs, then phrases (the order ``_longest_first``
    breaks ties by), read in one pass over the doc."""
    words, verbs = _word_set("words"), _word_set("attribution_verbs")
    lowers = token_lowers(doc)
    lemmas = [lemma.lower() for lemma in token_lemmas(doc)]
    # Only tokens with a hedge word or verb are built as spaCy Tokens for the finer tests.
    word_matches = [_Match(i, i + 1) for i, lower in enumerate(lowers)
                    if lower in words and not _in_name(doc[i])]
    verb_matches = [_Match(i, i + 1) for i, lemma in enumerate(lemmas)
                    if lemma in verbs and _is_attribution_verb(doc[i])]
    tokens = _Tokens(lowers, lemmas, token_tags(doc))
    return (word_matches + verb_matches
            + _phrase_matches(tokens, "phrases", verification=False)
            + _phrase_matches(tokens, "verification", verification=True))


def _phrase_matches(tokens: _Tokens, section: str, verification: bool) -> list[_Match]:
    """Matches in text order, and at one token in lexicon order (``_longest_first`` keeps the
    first of two equal matches, so the order decides between them)."""
    patterns, by_first_word = _patterns(section), _patterns_by_first_word(section)
    matches = []
    for i, (lower, lemma) in enumerate(zip(tokens.lowers, tokens.lemmas, strict=True)):
        candidates = by_first_word.get(lower, ()) + by_first_word.get(lemma, ())
        for number in sorted(set(candidates)):
            pattern = patterns[number]
            if _matches_at(tokens, i, pattern):
                matches.append(_Match(i, i + len(pattern), verification))
    return matches


def _matches_at(tokens: _Tokens, i: int, pattern: _Pattern) -> bool:
    if i + len(pattern) > len(tokens.lowers):
        return False
    return all(
        word in (tokens.lowers[j], tokens.lemmas[j]) and (tag is None or tokens.tags[j] == tag)
        for j, (word, tag) in enumerate(pattern, start=i)
    )


def _longest_first(matches: list[_Match]) -> list[_Match]:
    """Overlapping matches resolved in favour of the longest ("according to unconfirmed
    reports" over "unconfirmed"), returned in text order."""
    chosen: list[_Match] = []
    for match in sorted(matches, key=lambda m: (m.start - m.end, m.start)):
        if all(match.end <= c.start or c.end <= match.start for c in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def _in_name(token: Token) -> bool:
    """A hedge word capitalised mid-sentence, or inside a named entity, is part of a name."""
    if token.ent_type_ in _NAME_LABELS:
        return True
    return token.is_title and not token.is_sent_start


def _is_attribution_verb(token: Token) -> bool:
    """ "X claimed that ..." hedges; "insurance claims" (a noun) and "the flood claimed 12 lives"
    (a verb with an object: not reported speech) do not."""
    verbs = _word_set("attribution_verbs")
    if token.pos_ != "VERB" or token.lemma_.lower() not in verbs:
        return False
    return not any(child.dep_ == "dobj" for child in token.children)


def _says_nothing_else(sentence: Span, match: _Match) -> bool:
    """True when, beyond the hedge, the sentence holds only function words, names (the
    verifier: "Reuters") and words pointing back ("the claim", "the footage")."""
    references = _word_set("reference_nouns")
    return all(
        match.start <= token.i < match.end
        or token.pos_ in _FUNCTION_POS
        or token.is_stop
        or token.ent_type_ in _NAME_LABELS
        or token.lemma_.lower() in references
        for token in sentence
    )


@lru_cache(maxsize=4)
def _patterns(section: str) -> tuple[_Pattern, ...]:
    return tuple(_compile(phrase) for phrase in load_lexicon("hedges")[section])


@lru_cache(maxsize=4)
def _patterns_by_first_word(section: str) -> dict[str, tuple[int, ...]]:
    """Pattern numbers (positions in ``_patterns(section)``) by their first word."""
    index: dict[str, list[int]] = {}
    for number, pattern in enumerate(_patterns(section)):
        index.setdefault(pattern[0][0], []).append(number)
    return {word: tuple(numbers) for word, numbers in index.items()}


@lru_cache(maxsize=4)
def _word_set(section: str) -> frozenset[str]:
    return frozenset(load_lexicon("hedges")[section])


def _compile(phrase: str) -> _Pattern:
    pattern = []
    for part in phrase.lower().split():
        word, _, tag = part.partition("/")
        pattern.append((word, tag.upper() or None))
    return tuple(pattern)


def _trimmed(text: str, sentence: Span) -> TextSpan:
    start, end = sentence.start_char, sentence.end_char
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return TextSpan.of(text, start, end)


def _end(token: Token) -> int:
    return token.idx + len(token.text)

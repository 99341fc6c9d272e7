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
    sentences = [s for s in doc.sents if s.text.strip()]
    hedges = []
    for match in _longest_first(_all_matches(doc)):
        index = next(n for n, s in enumerate(sentences) if s.start <= match.start < s.end)
        scope = sentences[index]
        if match.verification and index > 0 and _says_nothing_else(scope, match):
            scope = sentences[index - 1]
        span = TextSpan.of(doc.text, doc[match.start].idx, _end(doc[match.end - 1]))
        hedges.append(Hedge(span, _trimmed(doc.text, scope)))
    return hedges


def _all_matches(doc: Doc) -> list[_Match]:
    lex = load_lexicon("hedges")
    matches = [_Match(t.i, t.i + 1) for t in doc if t.lower_ in lex["words"] and not _in_name(t)]
    matches += [_Match(t.i, t.i + 1) for t in doc if _is_attribution_verb(t)]
    matches += _phrase_matches(doc, _patterns("phrases"), verification=False)
    matches += _phrase_matches(doc, _patterns("verification"), verification=True)
    return matches


def _phrase_matches(doc: Doc, patterns: tuple[_Pattern, ...], verification: bool) -> list[_Match]:
    return [
        _Match(i, i + len(pattern), verification)
        for i in range(len(doc))
        for pattern in patterns
        if _matches_at(doc, i, pattern)
    ]


def _matches_at(doc: Doc, i: int, pattern: _Pattern) -> bool:
    if i + len(pattern) > len(doc):
        return False
    return all(
        word in (token.lower_, token.lemma_.lower()) and (tag is None or token.tag_ == tag)
        for (word, tag), token in zip(pattern, doc[i:i + len(pattern)], strict=True)
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
    verbs = load_lexicon("hedges")["attribution_verbs"]
    if token.pos_ != "VERB" or token.lemma_.lower() not in verbs:
        return False
    return not any(child.dep_ == "dobj" for child in token.children)


def _says_nothing_else(sentence: Span, match: _Match) -> bool:
    """True when, beyond the hedge, the sentence holds only function words, names (the
    verifier: "Reuters") and words pointing back ("the claim", "the footage")."""
    references = load_lexicon("hedges")["reference_nouns"]
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

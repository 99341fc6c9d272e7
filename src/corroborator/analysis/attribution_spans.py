"""Span conventions for attributions: where a source and a content begin and end.

Content follows the convention of PolNeAR (the annotated news corpus the rules are measured on):
a complementiser "that" belongs to the content, and so do the quotation marks of a quote together
with the punctuation inside them ('"We are ready,"'); unquoted content ends before its clause
punctuation. A quote that goes on after its attribution ('"A," she said. "B."') is one content
whose pieces are kept in ``content_parts``.

Claims want the bare words instead: ``claim_content`` gives the first piece without quotes, "that"
and edge punctuation, so the same statement reads alike in every outlet.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import NamedTuple

from spacy.tokens import Doc, Span, Token

from ..model import Attribution, TextSpan
from .lexicon import load_lexicon
from .nlp import doc_text, token_lowers

# Characters stripped from both ends of the bare claim text: quotes, dashes, clause punctuation.
_BARE_EDGE = " \t\r\n\xa0,;:.\"'“”‘’«»—–-"
# Clause punctuation dropped at the edges of unquoted content ("?" and "!" are part of the words).
_CLAUSE_PUNCT = " \t\r\n\xa0,;:.—–-"
_OPENERS = ('"', "“", "''", "``")
_CLOSERS = ('"', "”", "''")
# How far (characters) a quote is followed forward or back: a quoted paragraph is rarely longer.
_MAX_QUOTE_CHARS = 1200
_LEADING_THAT = re.compile(r"^that\s+", re.IGNORECASE)


def content_span(doc: Doc, first: int, last: int, excluded: set[int]) -> TextSpan | None:
    """The content over tokens first..last: excluded tokens and clause punctuation off the edges,
    a leading "that" kept, and the quotation marks around quoted words included."""
    while first <= last and _skippable(doc[first], excluded):
        first += 1
    while last >= first and _skippable(doc[last], excluded):
        last -= 1
    if first > last:
        return None
    last = _without_trailing_modifier(doc, first, last)
    span = quoted(doc_text(doc), doc[first].idx, doc[last].idx + len(doc[last]))
    end = doc[last].idx + len(doc[last])
    if span is not None and span.end == end - 1 and _is_abbreviation(doc[last]):
        # "helps the U.S.": the period is the abbreviation's, not the clause's.
        span = TextSpan.of(doc_text(doc), span.start, end)
    return span


def _is_abbreviation(token: Token) -> bool:
    return len(token.text) > 1 and token.text.endswith(".") and token.text[-2].isalpha()


def quoted(text: str, start: int, end: int) -> TextSpan | None:
    """text[start:end] trimmed of clause punctuation, with its quotation marks made whole: an
    open quote runs on to its closing mark, a closing mark reaches back to its opening one, and
    a quote that exactly encloses the words takes both marks."""
    start, end = _trim(text, start, end)
    if start >= end:
        return None
    inner = text[start:end]
    balance = _quote_balance(inner)
    if balance > 0:
        end = _forward_to_closer(text, end)
    elif balance < 0:
        start = _back_to_opener(text, start)
    else:
        start, end = _enclosing_marks(text, start, end)
    return TextSpan.of(text, start, end)


def continued_quote(text: str, content: TextSpan, after: int, limit: int) -> TextSpan | None:
    """A second piece of a quote interrupted by its attribution: '"A," she said, "B."' or
    '"A," she said. "B."' (same paragraph). ``after`` is where the attribution clause ends,
    ``limit`` the end of the paragraph; None when no quote follows."""
    if _quote_balance(content.text) != 0 or not content.text.endswith(_CLOSERS):
        return None
    gap = text[after:limit]
    match = re.match(r"[^\"“”\n]{0,80}?[,.:;]?\s*(\"|“|'')", gap)
    if match is None or "\n" in match.group(0):
        return None
    start = after + match.start(1)
    end = _forward_to_closer(text, start + len(match.group(1)))
    if end <= start or "\n\n" in text[start:end]:
        return None
    return TextSpan.of(text, start, end)


def quote_before(text: str, at: int) -> TextSpan | None:
    """The quote that ends right before ``at`` in the same paragraph ('"Why not?" she asked.':
    the parser ends the sentence at the question mark, so the quote is a sentence of its own)."""
    end = at
    while end > 0 and text[end - 1] in " \t\xa0":
        end -= 1
    closer = next((m for m in _CLOSERS if text.endswith(m, 0, end)), None)
    if closer is None:
        return None
    start = _back_to_opener(text, end - len(closer))
    if start >= end - len(closer) or "\n" in text[start:end]:
        return None
    return TextSpan.of(text, start, end)


def source_span(doc: Doc, indices: list[int], excluded: set[int]) -> Span | None:
    """The token range over ``indices`` without excluded tokens or punctuation at its edges."""
    if not indices:
        return None
    start, end = min(indices), max(indices) + 1
    while start < end and (start in excluded or doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (end - 1 in excluded or doc[end - 1].is_space
                           or doc[end - 1].is_punct and not _closes_bracket(doc, start, end - 1)):
        end -= 1
    return doc[start:end] if start < end else None


def _closes_bracket(doc: Doc, start: int, i: int) -> bool:
    """A closing bracket whose opening one is in the span: "Sen. Jane Doe (D-Ohio)"."""
    return doc[i].text in (")", "]") and any(doc[j].text in ("(", "[") for j in range(start, i))


def claim_content(attribution: Attribution) -> TextSpan:
    """The attributed words as a claim states them: the first piece of the content, without
    quotation marks, a leading "that" or edge punctuation."""
    piece = attribution.content_parts[0] if attribution.content_parts else attribution.content
    text = piece.text
    start, end = 0, len(text)
    while True:
        before = start
        while start < end and text[start] in _BARE_EDGE:
            start += 1
        match = _LEADING_THAT.match(text, start)
        if match:
            start = match.end()
        if start == before:
            break
    while end > start and text[end - 1] in _BARE_EDGE:
        end -= 1
    if start >= end:
        return piece
    return TextSpan(piece.start + start, piece.start + end, text[start:end])


def token_span(first: Token, last: Token) -> TextSpan:
    return TextSpan.of(doc_text(first.doc), first.idx, last.idx + len(last))


# Words a PolNeAR cue takes with its verb: auxiliaries, negation and adverbs right before it
# ("has said", "did not say", "also told"), a particle and an introducing colon right after it
# ("pointed out", "added:"). Measured on the PolNeAR train split.
_CUE_LEFT_DEPS = frozenset({"aux", "neg", "advmod"})
_CUE_RIGHT_DEPS = frozenset({"prt"})


def cue_span(first: Token, last: Token) -> TextSpan:
    """The cue over first..last widened as PolNeAR marks it: the contiguous auxiliaries,
    negation and adverbs of the cue verb before it, a particle and a colon after it."""
    doc = first.doc
    start, end = first.i, last.i
    while start > 0 and _cue_modifier(doc[start - 1], first, _CUE_LEFT_DEPS):
        start -= 1
    while end + 1 < len(doc) and _cue_modifier(doc[end + 1], first, _CUE_RIGHT_DEPS):
        end += 1
    end = _with_right_phrase(doc, first, end)
    if end + 1 < len(doc) and doc[end + 1].text == ":":
        end += 1
    return token_span(doc[start], doc[end])


def _with_right_phrase(doc: Doc, verb: Token, end: int) -> int:
    """The cue's end past a phrase PolNeAR mostly takes into it ("said in a statement",
    "wrote on Facebook", "has said repeatedly"; ``cue_right_phrases``), when the phrase hangs
    on the verb."""
    lowers = token_lowers(doc)  # cached: no Token built per phrase tried
    for phrase in forms_lexicon().cue_right_phrases:
        last = end + len(phrase)
        if last < len(doc) and tuple(lowers[end + 1 : last + 1]) == phrase \
                and doc[end + 1].head == verb and not _ends_paragraph(doc, last + 1):
            return last
    return end


def _ends_paragraph(doc: Doc, i: int) -> bool:
    """'The mayor said in a statement.' closing its paragraph: the statement follows as a quote
    of its own, and the bare verb is the cue (the form tests of round 2 fix this)."""
    if i >= len(doc) or doc[i].text != ".":
        return False
    return i + 1 >= len(doc) or "\n" in doc[i].whitespace_ or "\n" in doc[i + 1].text


def _cue_modifier(token: Token, verb: Token, deps: frozenset[str]) -> bool:
    return token.head == verb and token.dep_ in deps and not token.is_punct


# Modifiers set off by a comma at the end of unquoted content, which PolNeAR leaves out
# (", which ..."). Measured on train: appositives and participles after a comma are kept as
# often as dropped, so only relative clauses are cut.
_TRAILING_DEPS = frozenset({"relcl"})


def _without_trailing_modifier(doc: Doc, first: int, last: int) -> int:
    """The last token of the content without a trailing non-restrictive modifier: "the plan
    is dead, which ..." ends at "dead". Commas inside quotation marks are left alone."""
    quotes = 0
    for i in range(first, last):
        token = doc[i]
        if token.is_quote:
            quotes += 1
        if token.text not in (",", "—", "–", "-") or quotes % 2 or i == first:
            continue
        head = _phrase_starting_at(doc, i + 1, last)
        if head is None or head.right_edge.i < last:
            continue
        if token.text == "," and head.dep_ in _TRAILING_DEPS and head.tag_ != "VBG":
            return i - 1
        if token.text != "," and head.pos_ in ("NOUN", "PROPN") and head.dep_ != "nsubj":
            # "... into the United States — a move that angered ...": the writer's aside.
            return i - 1
    return last


def _phrase_starting_at(doc: Doc, start: int, last: int) -> Token | None:
    """The highest token whose phrase begins at ``start`` (within start..last)."""
    token = doc[start]
    while token.head.i != token.i and token.head.left_edge.i == start and token.head.i <= last:
        token = token.head
    return token if token.left_edge.i == start else None


# --- helpers -------------------------------------------------------------------------------------

def _skippable(token: Token, excluded: set[int]) -> bool:
    if token.i in excluded or token.is_space:
        return True
    # "?" and "!" are part of the words, and so is "%" ("a record 39%").
    return token.is_punct and not token.is_quote and token.text not in ("?", "!", "%")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _CLAUSE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _CLAUSE_PUNCT:
        end -= 1
    return start, end


def _quote_balance(inner: str) -> int:
    """Opening minus closing quotation marks; straight quotes count as opening when odd."""
    curly = inner.count("“") - inner.count("”")
    straight = inner.count('"') % 2 + inner.count("''") % 2
    if curly:
        return curly
    if straight:
        return 1 if _first_quote_opens(inner) else -1
    return 0


def _first_quote_opens(inner: str) -> bool:
    """A straight quote opens when it starts the words or follows a space."""
    for i, ch in enumerate(inner):
        if ch == '"' or inner.startswith("''", i):
            return i == 0 or inner[i - 1].isspace()
    return False


def _forward_to_closer(text: str, end: int) -> int:
    """End just after the closing quotation mark of a quote open at ``end`` (same paragraph)."""
    stop = min(len(text), end + _MAX_QUOTE_CHARS)
    match = re.compile(r"”|\"|''").search(text, end, stop)
    if match is None or "\n\n" in text[end : match.start()]:
        return end
    return match.end()


def _back_to_opener(text: str, start: int) -> int:
    """Start at the opening quotation mark of a quote closed inside the content."""
    lo = max(0, start - _MAX_QUOTE_CHARS)
    found = max(text.rfind(mark, lo, start) for mark in _OPENERS)
    if found < 0 or "\n\n" in text[found:start]:
        return start
    return found


def _enclosing_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Include the quotation marks right around the words ('said "the plan failed."')."""
    left = start
    while left > 0 and text[left - 1] == " ":
        left -= 1
    opener = next((m for m in _OPENERS if text.endswith(m, 0, left)), None)
    if opener is None:
        return start, end
    right = end
    while right < len(text) and text[right] in ",.?!;:":
        right += 1
    closer = next((m for m in _CLOSERS if text.startswith(m, right)), None)
    if closer is not None:
        return left - len(opener), right + len(closer)
    # 'said: "A. B."': the parser's sentence stops after A; the quote goes on to its closing mark.
    further = _forward_to_closer(text, end)
    return (left - len(opener), further) if further > end else (start, end)


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Character ranges between paired quotation marks, paragraph by paragraph (an unclosed quote
    ends with its paragraph, as multi-paragraph quotes reopen on each paragraph)."""
    regions = []
    for paragraph in re.finditer(r"[^\n]+", text):
        opened = -1
        for mark in _QUOTE_MARK.finditer(paragraph.group(0)):
            at = paragraph.start() + mark.start()
            closes = mark.group(0) == "”" or (mark.group(0) != "“" and opened >= 0)
            if opened >= 0 and closes:
                regions.append((opened, at + len(mark.group(0))))
                opened = -1
            elif opened < 0 and mark.group(0) != "”":
                opened = at
        if opened >= 0:
            regions.append((opened, paragraph.end()))
    return regions


def segment_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) token bounds of the parser's sentences, cut at line breaks: a sentence can
    run across a paragraph break (a headline, a dateline), but reported speech and its
    attribution never do. A token holding a line break belongs to no segment."""
    lowers = token_lowers(doc)  # a token's text holds a line break iff its lower form does
    breaks = [i for i, word in enumerate(lowers) if "\n" in word]
    segments = []
    at = 0
    for sent in doc.sents:
        start, end = sent.start, sent.end
        while at < len(breaks) and breaks[at] < start:
            at += 1
        while at < len(breaks) and breaks[at] < end:
            if breaks[at] > start:
                segments.append((start, breaks[at]))
            start = breaks[at] + 1
            at += 1
        if start < end:
            segments.append((start, end))
    return segments


def inside_any(start: int, regions: list[tuple[int, int]]) -> bool:
    """Whether ``start`` lies strictly inside one of the (sorted, disjoint) regions."""
    at = bisect.bisect_left(regions, (start, start)) - 1
    return at >= 0 and regions[at][0] < start < regions[at][1]


_QUOTE_MARK = re.compile(r"“|”|\"|''")


class FormsLexicon(NamedTuple):
    """The word lists attribution.yaml gained in version 7 (read here, not through
    sources.AttributionLexicon, which another module owns)."""
    colon_labels: frozenset[str]
    document_nouns: frozenset[str]
    document_prepositions: frozenset[str]
    no_carrier_verbs: frozenset[str]
    cue_right_phrases: tuple[tuple[str, ...], ...]
    ruling_bodies: frozenset[str]  # what they "find" or "rule" is their statement (version 8)


@lru_cache(maxsize=1)
def forms_lexicon() -> FormsLexicon:
    cues = load_lexicon("attribution")["cues"]

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w) for w in cues.get(key, ()))

    phrases = tuple(tuple(str(p).lower().split()) for p in cues.get("cue_right_phrases", ()))
    return FormsLexicon(words("colon_labels"), words("document_nouns"),
                        words("document_prepositions"), words("no_carrier_verbs"),
                        tuple(sorted(phrases, key=len, reverse=True)), words("ruling_bodies"))

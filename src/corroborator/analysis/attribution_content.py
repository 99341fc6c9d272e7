"""Where the content of a cue verb is: the finders attribution.py tries in order.

"X called for an inquiry" (a cue preposition's object), "X said (that) ..." (the clausal
complement), '"...," X said' (the clause before), "The plan, he said, will fail" (the clause
around), "X praised Y for ..." (the object), '"Why?" she asked.' (the quote before the sentence)
and 'X said: "A. B."' (the quote after a colon); then the pieces of a quote the attribution
interrupts. Spans follow PolNeAR's convention (attribution_spans.py).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from ..model import TextSpan
from .attribution_spans import (
    content_span,
    continued_quote,
    doc_text,
    quote_before,
    quoted,
    token_span,
)
from .sources import attribution_lexicon, cue_lemma


def preposition_content(verb: Token) -> tuple[TextSpan | None, TextSpan | None]:
    """"called for an inquiry", "referring to the plan": cue up to the preposition, its object
    the content (only when the verb has no clausal complement of its own)."""
    preps = attribution_lexicon().preposition_cues.get(cue_lemma(verb))
    if not preps or any(c.dep_ == "ccomp" for c in verb.children):
        return None, None
    for child in verb.children:
        if child.i > verb.i and child.lower_ in preps and child.dep_ in ("prep", "prt"):
            obj = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
            if obj is not None and child.i == _next_word(verb).i:
                content = content_span(verb.doc, obj.left_edge.i, obj.right_edge.i, set())
                return token_span(verb, child), content
    return None, None


def _next_word(token: Token) -> Token:
    doc = token.doc
    return doc[token.i + 1] if token.i + 1 < len(doc) else token


def content_after(verb: Token, excluded: set[int]) -> TextSpan | None:
    """The clausal complement after the verb ("said (that) ...", "claimed to have ...")."""
    lex = attribution_lexicon()
    takes_infinitive = (cue_lemma(verb) in lex.infinitive_content
                        or lex.cue_types.get(cue_lemma(verb)) == "intention")
    for child in verb.children:
        if child.i < verb.i:
            continue
        if child.dep_ == "ccomp" or (child.dep_ == "xcomp" and takes_infinitive):
            return content_span(verb.doc, child.left_edge.i, child.right_edge.i, excluded)
    return None


def content_before(
    verb: Token, sent: Span, clause_start: int, excluded: set[int]
) -> TextSpan | None:
    """The clause before the attribution: '"...," X said', '..., said X', '..., X said, citing'."""
    if clause_start <= sent.start:
        return None
    complement_before = any(c.dep_ == "ccomp" and c.i < verb.i for c in verb.children)
    # "X said Y asked for ...": "asked" is the content of "said", not an attribution of it.
    reported = verb.dep_ == "ccomp" and cue_lemma(verb.head) in attribution_lexicon().cue_types
    attached_to_earlier = (verb.dep_ in ("ccomp", "parataxis") and verb.head.i < verb.i
                           and not reported)
    doc = verb.doc
    # '"No, never," she said': a quote before the attribution needs no verb of its own.
    after_quote = doc[clause_start - 1].is_quote or doc[clause_start - 1].text in {"”", "’"}
    after_comma = after_quote or doc[clause_start - 1].text == "," and any(
        t.pos_ in ("VERB", "AUX") for t in doc[sent.start : clause_start]
    )
    if not (complement_before or attached_to_earlier or after_comma):
        return None
    return content_span(doc, sent.start, clause_start - 1, excluded)


def content_around(verb: Token, sent: Span, excluded: set[int]) -> TextSpan | None:
    """"The plan, he said, will fail" and "As X noted, the plan failed": an attribution set into
    the clause it reports (the clause's verb comes after it). Content is the clause after it, or
    the whole sentence when the clause begins before it (PolNeAR spans the interruption)."""
    head = verb.head
    aside = verb.dep_ == "parataxis" or verb.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
    if not aside or head.i < verb.i or head == verb:
        return None
    doc = verb.doc
    first, last = verb.left_edge.i, verb.right_edge.i
    after = content_span(doc, last + 1, sent.end - 1, excluded)
    if after is None:
        return None
    if content_span(doc, sent.start, first - 1, excluded) is None:
        return after
    return content_span(doc, sent.start, sent.end - 1, excluded)


_COLON_QUOTE = re.compile(r"[^\S\n]*:[^\S\n]*(“|\"|'')")


def quote_after_colon(verb: Token) -> TextSpan | None:
    """'X said: "A. B."': the whole quote, however many sentences the parser makes of it."""
    text = doc_text(verb.doc)
    match = _COLON_QUOTE.match(text, verb.idx + len(verb))
    if match is None:
        return None
    return quoted(text, match.start(1), match.end())


def quote_sentence_before(verb: Token, sent: Span, clause_start: int) -> TextSpan | None:
    """'"Why not?" she asked.': the attribution opens its sentence, right after a quote."""
    takes_object = cue_lemma(verb) in attribution_lexicon().object_content
    if clause_start != sent.start or any(
            c.dep_ == "ccomp" or c.dep_ == "dobj" and takes_object for c in verb.children):
        return None
    return quote_before(doc_text(verb.doc), sent.start_char)


def object_content(verb: Token) -> TextSpan | None:
    """"The company confirmed the closure", "X called the plan a disgrace": the object (with its
    predicate) is what was confirmed or called; "X accused the army of shelling the village":
    the object with the deed it is charged with."""
    lex = attribution_lexicon()
    lemma = cue_lemma(verb)
    if lemma not in lex.object_content:
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
    if obj is None:
        return None
    deed = lex.charge_prepositions.get(lemma, frozenset())
    deed = deed | lex.object_prepositions
    last = max(c.right_edge.i for c in verb.children if c.dep_ in ("dobj", "oprd")
               or c.dep_ == "prep" and c.i > obj.i and c.lower_ in deed)
    return content_span(verb.doc, obj.left_edge.i, last, set())


def with_continuation(
    doc: Doc, content: TextSpan, clause_end: int
) -> tuple[TextSpan, tuple[TextSpan, ...]]:
    """Join the rest of a quote the attribution interrupts: '"A," she said. "B."'."""
    if content.end > clause_end:
        return content, ()
    line_end = doc_text(doc).find("\n", clause_end)
    rest = continued_quote(doc_text(doc), content, clause_end,
                           line_end if line_end >= 0 else len(doc_text(doc)))
    if rest is None or _has_verb_between(doc, clause_end, rest.start):
        return content, ()
    return TextSpan.of(doc_text(doc), content.start, rest.end), (content, rest)


def with_quote_before(
    verb: Token, sent: Span, clause_start: int, content: TextSpan
) -> tuple[TextSpan, tuple[TextSpan, ...]]:
    """'"A," she said, "B."' parsed with B as the complement: A is the first piece."""
    doc = verb.doc
    if content.start < verb.idx or clause_start <= sent.start or not content.text.startswith(
            ('"', "“", "''")):
        return content, ()
    before = content_span(doc, sent.start, clause_start - 1, set())
    if before is None or not before.text.startswith(('"', "“", "''")) or not before.text.endswith(
            ('"', "”", "''")) or _has_verb_between(doc, before.end, doc[clause_start].idx):
        return content, ()
    return TextSpan.of(doc_text(doc), before.start, content.end), (before, content)


def _has_verb_between(doc: Doc, start: int, end: int) -> bool:
    """Whether a verb sits between two offsets ('..." she said, adding "...' is two claims)."""
    if end <= start:
        return False
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(t.pos_ in ("VERB", "AUX") for t in span)

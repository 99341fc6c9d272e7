"""Where the content of a cue verb is: the finders attribution.py tries in order.

"X called for an inquiry" (a cue preposition's object), "X said (that) ..." (the clausal
complement), '"...," X said' (the clause before), "The plan, he said, will fail" (the clause
around), "X praised Y for ..." (the object), '"Why?" she asked.' (the quote before the sentence)
and 'X said: "A. B."' (the quote after a colon or a comma, or opening the next paragraph); then
the pieces of a quote the attribution interrupts. Two forms without a subject cue verb live here
too: a passive with "by" (``passive_parts``) and attributions naming no one ("X seems to ...",
"X is expected to ...", "Asked whether ..."; ``sourceless_parts``). Spans follow PolNeAR's
convention (attribution_spans.py).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from ..model import TextSpan
from .attribution_forms import (
    asked_without_asker,
    is_question,
    is_subjectless_question,
    question_span,
)
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
            if not _adjacent_but_for_adverbs(verb, child):
                continue
            last = _infinitive_after(verb, child)
            if obj is not None or last is not None:
                first = obj.left_edge.i if obj is not None else child.i + 1
                last = max(last or 0, obj.right_edge.i if obj is not None else 0)
                return token_span(verb, child), content_span(verb.doc, first, last, set())
    return None, None


def _infinitive_after(verb: Token, preposition: Token) -> int | None:
    """The last token of "to ..." in "called on the council to resign": PolNeAR's content
    takes who is called on with what they are to do (the parser hangs the infinitive on the
    verb, and sometimes the addressee too)."""
    infinitive = next((c for c in verb.children if c.dep_ in ("xcomp", "advcl")
                       and c.i > preposition.i
                       and any(g.lower_ == "to" for g in c.children)), None)
    if infinitive is None or infinitive.left_edge.i <= preposition.i + 1:
        return None
    return infinitive.right_edge.i


def _adjacent_but_for_adverbs(verb: Token, preposition: Token) -> bool:
    """Whether only adverbs, or the verb's own prepositional phrases, stand between ("spoke
    favorably of", "is pushing hard for", "spoke with the Herald about", "spoke at length
    about"); not an object ("called the bill a sham for ...")."""
    between = verb.doc[verb.i + 1 : preposition.i]
    phrases = {t.i for c in verb.children if c.dep_ == "prep" and c.i < preposition.i
               for t in c.subtree}
    return all(t.pos_ == "ADV" or t.i in phrases for t in between)


def content_after(verb: Token, excluded: set[int]) -> TextSpan | None:
    """The clausal complement after the verb ("said (that) ...", "claimed to have ...")."""
    lex = attribution_lexicon()
    takes_infinitive = (cue_lemma(verb) in lex.infinitive_content
                        or lex.cue_types.get(cue_lemma(verb)) == "intention")
    for child in verb.children:
        if child.i < verb.i:
            continue
        if child.dep_ == "ccomp":
            return content_span(verb.doc, child.left_edge.i, child.right_edge.i, excluded)
        if child.dep_ == "xcomp":
            # "urged the industry to do more": who is to do it belongs to the content too.
            obj = [c.left_edge.i for c in verb.children
                   if c.dep_ in ("dobj", "dative") and verb.i < c.i < child.i]
            if takes_infinitive or obj:
                return content_span(verb.doc, min(obj, default=child.left_edge.i),
                                    child.right_edge.i, excluded)
    clause = _that_clause_in_phrase(verb)
    if clause is not None:
        return content_span(verb.doc, clause.left_edge.i, clause.right_edge.i, excluded)
    return None


def sourceless_parts(verb: Token) -> tuple[TextSpan, TextSpan] | None:
    """Cue and content of an attribution that names no one, as PolNeAR marks it: a raising verb
    with its whole clause ("The closures appear to have helped", "The idea seems like a
    contradiction"), a passive like "is expected to" with its clause ("The bill is expected to
    pass"), and a subjectless "asked" with its question ("Asked whether she would run, ...")."""
    lex = attribution_lexicon()
    lemma = cue_lemma(verb)
    if lemma in lex.raising_verbs:
        return _raising_parts(verb)
    if lemma in lex.sourceless_passives and any(c.dep_ == "auxpass" for c in verb.children):
        return _raising_parts(verb)
    if lemma in lex.subjectless_questions and asked_without_asker(verb):
        # "Doe was asked about the vote": who asked is not named (PolNeAR: no source).
        # PolNeAR's content takes the preposition here ("was asked | about the border").
        cue, content = preposition_content(verb)
        if content is not None:
            content = TextSpan.of(doc_text(verb.doc), verb.idx + len(verb) + 1, content.end)
        else:
            content = question_span(verb)
        if content is None:
            return None
        return token_span(_first_auxiliary(verb), verb), content
    if lemma in lex.subjectless_questions and is_subjectless_question(verb):
        cue, content = preposition_content(verb)
        if content is not None:
            return cue, content
        clause = next((c for c in verb.children if c.i > verb.i and is_question(c)), None)
        if clause is not None:
            content = content_span(verb.doc, clause.left_edge.i, clause.right_edge.i, set())
            return (token_span(verb, verb), content) if content else None
    return None


# What a raising verb says of its subject: "appear to ...", "seem unperturbed", "seem like ...".
_RAISED_DEPS = frozenset({"xcomp", "acomp", "attr", "oprd"})


def _raising_parts(verb: Token) -> tuple[TextSpan, TextSpan] | None:
    """The cue (with its auxiliaries, and "like") and the clause from the subject to the end of
    what is said of it."""
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
                    and c.i < verb.i and c.tag_ not in ("WDT", "WP")), None)
    said = [c for c in verb.children if c.i > verb.i and (
        c.dep_ in _RAISED_DEPS or c.dep_ == "prep" and c.lower_ == "like")]
    if subject is None or not said:
        return None
    like = next((c for c in said if c.dep_ == "prep"), None)
    cue = token_span(_first_auxiliary(verb), like if like is not None and like.i == verb.i + 1
                     else verb)
    content = content_span(verb.doc, subject.left_edge.i, max(c.right_edge.i for c in said),
                           set())
    return (cue, content) if content is not None else None


def passive_parts(verb: Token) -> tuple[Token, TextSpan, TextSpan] | None:
    """"The move was first reported by the Herald", "it was announced by the ministry that ...":
    the agent (its "by" object), the cue with its auxiliaries ("was first reported", as PolNeAR
    marks it) and the content: the reported clause, or else the passive subject. Not for
    ``no_passive_cue`` verbs ("the memo was written by ..." names an author)."""
    if cue_lemma(verb) in attribution_lexicon().no_passive_cue:
        return None
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    who = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
    complement = next((c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i), None)
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass" and c.i < verb.i
                    and c.tag_ not in ("WDT", "WP") and c.pos_ != "PRON"), None)
    part = complement if complement is not None else subject
    if who is None or part is None:
        return None
    content = content_span(verb.doc, part.left_edge.i, part.right_edge.i, set())
    if content is None:
        return None
    return who, token_span(_first_auxiliary(verb), verb), content


def _first_auxiliary(verb: Token) -> Token:
    """Where a passive or raising cue starts: "has been repeatedly criticized", "is expected"."""
    doc, first = verb.doc, verb
    while first.i > 0 and doc[first.i - 1].head == verb \
            and doc[first.i - 1].dep_ in ("aux", "auxpass", "neg", "advmod"):
        first = doc[first.i - 1]
    return first


def _that_clause_in_phrase(verb: Token) -> Token | None:
    """"said in a statement that ...", "said for the first time that ...": the parser hangs the
    "that" clause on the noun of the phrase between the verb and the clause. A clause whose
    "that" is its subject is a true relative clause ("a statement that angered ...")."""
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.i < verb.i:
            continue
        for noun in prep.children:
            for clause in noun.children:
                first = clause.left_edge
                if clause.dep_ in ("acl", "relcl", "ccomp") and first.lower_ == "that" \
                        and first.dep_ in ("mark", "advmod") and first.head == clause \
                        and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in clause.children):
                    return clause
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
    if _only_question_before(verb, sent, clause_start):
        return None
    if not after_quote and _clause_goes_on(verb, sent):
        # "If the talks fail, she warned, the strike goes ahead": the reported sentence runs on
        # past the attribution; PolNeAR's content spans all of it.
        return content_span(doc, sent.start, sent.end - 1, excluded)
    return content_span(doc, sent.start, clause_start - 1, excluded)


def _only_question_before(verb: Token, sent: Span, clause_start: int) -> bool:
    """"Asked if he was bullied, Doe said no": the clause before is the question put to the
    speaker, an attribution of its own (``sourceless_parts``), not what the speaker said."""
    asked = next((c for c in verb.children if c.dep_ == "advcl" and c.i < clause_start
                  and cue_lemma(c) in attribution_lexicon().subjectless_questions
                  and is_subjectless_question(c)), None)
    return asked is not None and asked.left_edge.i <= sent.start + 1


def _clause_goes_on(verb: Token, sent: Span) -> bool:
    """Whether the attribution is followed by a comma and more of the reported clause (a verb
    that is neither a cue nor a participle of the attribution: "..., she said, adding ...")."""
    doc = verb.doc
    after = verb.i + 1
    if after >= sent.end - 2 or doc[after].text != "," or doc[after + 1].tag_ == "VBG":
        return False
    cue_types = attribution_lexicon().cue_types
    return any(t.pos_ in ("VERB", "AUX") and cue_lemma(t) not in cue_types
               and not (t.head == verb and t.tag_ in ("VBG", "VBN"))
               and not _in_quote_after(t, after)
               for t in doc[after + 1 : sent.end])


def _in_quote_after(token: Token, start: int) -> bool:
    """Whether the token is inside a quote opened after ``start`` ('she said, "we will win"' is
    the quote's own content)."""
    return any(t.is_quote for t in token.doc[start + 1 : token.i])


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


# 'X said: "..."', also when the quote opens the next paragraph ('X said:' then the quote).
_COLON_QUOTE = re.compile(r"[^\S\n]*:\s*(“|\"|'')")


_COMMA_QUOTE = re.compile(r"[^\S\n]*,[^\S\n]*(“|\"|'')")


def quote_after_colon(verb: Token) -> TextSpan | None:
    """'X said: "A. B."' and 'X said, "A. B."': the whole quote, however many sentences the parser
    makes of it."""
    text = doc_text(verb.doc)
    match = _COLON_QUOTE.match(text, verb.idx + len(verb)) or _COMMA_QUOTE.match(
        text, verb.idx + len(verb))
    if match is None:
        return None
    return quoted(text, match.start(1), match.end())


_NEXT_PARAGRAPH_QUOTE = re.compile(r"[^\S\n]*\n\s*(“|\"|'')")


def quote_next_paragraph(verb: Token, sent: Span) -> TextSpan | None:
    """'Jane Doe said in a statement.' with the statement quoted in the next paragraph: a cue
    with nothing of its own to attribute, ending its paragraph, before a paragraph-long quote."""
    doc = verb.doc
    last = doc[sent.end - 1]
    if last.text != "." or verb.dep_ != "ROOT" or cue_lemma(verb) not in \
            attribution_lexicon().speech_verbs or any(
            c.dep_ in ("ccomp", "dobj", "xcomp", "dative") for c in verb.children):
        return None
    text = doc_text(doc)
    match = _NEXT_PARAGRAPH_QUOTE.match(text, last.idx + 1)
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
    if lemma in lex.no_object_content:
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
    if rest is None or _has_verb_between(doc, clause_end, rest.start, cues_only=True):
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


def _has_verb_between(doc: Doc, start: int, end: int, cues_only: bool = False) -> bool:
    """Whether a verb sits between two offsets ('..." she said, adding "...' is two claims).
    With ``cues_only``, only a cue verb counts: '"A," she said as she took the stage. "B."' is
    still one quote."""
    if end <= start:
        return False
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    cue_types = attribution_lexicon().cue_types
    return any(t.pos_ in ("VERB", "AUX") and (not cues_only or cue_lemma(t) in cue_types)
               for t in span)


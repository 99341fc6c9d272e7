"""Attribution forms without a subject cue verb, each giving (source, cue, content) or None.

- ``colon_parts``: transcript and headline lines "Name: what they said" ("Poll: ..." too);
- ``figure_parts``: "Police put the number of marchers at 12,000" (giving a figure is speech);
- ``document_parts``: "In a new poll, the mayor leads by 9 points" (the poll says so).

attribution.py wraps the parts into drafts. Word lists live in data/attribution.yaml; the keys
this module adds (version 7) are read by ``attribution_spans.forms_lexicon``.
"""

from __future__ import annotations

from typing import NamedTuple

from spacy.tokens import Doc, Span, Token

from ..model import TextSpan
from .attribution_resolve import speaker
from .attribution_spans import (
    content_span,
    doc_text,
    forms_lexicon,
    quoted,
    source_span,
    token_span,
)
from .sources import attribution_lexicon

# Longest speaker name before a colon on a transcript or headline line ("Sen. Jane Doe:").
_MAX_COLON_SPEAKER_TOKENS = 6


class Parts(NamedTuple):
    source: Span
    cue: TextSpan
    content: TextSpan
    # "evidence" for a poll or a document ("In a new poll, ...", "Poll: ..."): what it shows is
    # attributed, but it is no one's speech, so claims and chains do not take it.
    cue_type: str = "speech"


def colon_parts(colon: Token, sent: Span) -> Parts | None:
    """"Carly Fiorina: 'Bill Clinton's fair game.'", "Poll: Doe leads in Ohio": a short
    capitalised name opening a line, then a colon; the rest of the line is what it said
    (transcripts, quote and poll headlines). Labels ("Update:", "Photo:") say nothing."""
    doc = colon.doc
    name = doc[sent.start : colon.i]
    if not 1 <= len(name) <= _MAX_COLON_SPEAKER_TOKENS or not _starts_line(doc, sent.start):
        return None
    if not _is_capitalised_name(name):
        return None
    source = source_span(doc, list(range(sent.start, colon.i)), set())
    text = doc_text(doc)
    line_end = text.find("\n", colon.idx)
    content = quoted(text, colon.idx + 1, line_end if line_end >= 0 else len(text))
    if source is None or content is None:
        return None
    common_noun = all(t.pos_ == "NOUN" for t in source)  # "Poll:", "Report:"
    return Parts(source, token_span(colon, colon), content,
                 "evidence" if common_noun else "speech")


def _is_capitalised_name(name: Span) -> bool:
    """A phrase with a proper noun ("Sen. Jane Doe", "Bellmar explosion") or a capitalised noun
    ("Lopez", "KATE DOE", "Poll"), not a label ("Update") or a clause."""
    if any(t.pos_ in ("VERB", "AUX") or t.is_punct and t.text != "." for t in name):
        return False
    if name.text.lower().replace("’", "'") in forms_lexicon().colon_labels:
        return False
    if any(t.pos_ == "PROPN" for t in name):
        return True
    words = [t for t in name if t.is_alpha]
    if not words or not all(t.text[0].isupper() for t in words):
        return False
    return any(t.pos_ in ("NOUN", "ADJ") for t in name)  # the tagger takes "Lopez" for an ADJ


def figure_parts(verb: Token) -> Parts | None:
    """"Police put the number of marchers at 12,000": the subject gives a figure; the content
    runs from the figure noun to the figure ("the number of marchers ... at 12,000")."""
    lex = attribution_lexicon()
    found = speaker(verb)
    subject = found[0] if found else None
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
    if subject is None or obj is None or obj.lemma_.lower() not in lex.figure_nouns:
        return None
    figure = next((c for c in verb.children if c.dep_ == "prep" and c.i > obj.i
                   and c.lower_ in lex.figure_prepositions
                   and any(g.dep_ == "pobj" for g in c.children)), None)
    if figure is None or any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return None
    source = source_span(verb.doc, found[1], set())
    content = content_span(verb.doc, obj.left_edge.i, figure.right_edge.i, set())
    if source is None or content is None:
        return None
    return Parts(source, token_span(verb, verb), content)


def document_parts(preposition: Token) -> Parts | None:
    """"In a new poll, the mayor leads by 9 points", "Doe is ahead in the latest survey": the
    poll is the source, the preposition the cue (as PolNeAR marks it) and the clause it
    modifies, without the phrase, the content."""
    lex = forms_lexicon()
    if preposition.lower_ not in lex.document_prepositions or preposition.dep_ != "prep":
        return None
    noun = next((c for c in preposition.children if c.dep_ == "pobj"), None)
    clause = preposition.head
    if noun is None or noun.lemma_.lower() not in lex.document_nouns \
            or clause.pos_ not in ("VERB", "AUX"):
        return None
    if preposition.i > clause.i and (noun.tag_ == "NNS" or clause.dep_ != "ROOT"):
        # "... as he rises in the polls", "She leads in national polls": the standing in polls
        # in general, which PolNeAR marks one time in four on train (a named poll opening the
        # sentence, four times in five).
        return None
    doc = preposition.doc
    phrase = {t.i for t in preposition.subtree}
    if preposition.i < clause.i:
        content = content_span(doc, preposition.right_edge.i + 1, clause.right_edge.i, phrase)
    else:
        content = content_span(doc, clause.left_edge.i, preposition.i - 1, phrase)
    source = source_span(doc, [t.i for t in noun.subtree], set())
    if source is None or content is None:
        return None
    return Parts(source, token_span(preposition, preposition), content, "evidence")


# --- questions put to a speaker (attribution_content.sourceless_parts) ----------------------

def asked_without_asker(verb: Token) -> bool:
    """"Doe was asked about the vote": a passive "asked" naming no asker."""
    return any(c.dep_ == "auxpass" for c in verb.children) and not any(
        c.dep_ == "agent" for c in verb.children)


def question_span(verb: Token) -> TextSpan | None:
    """The question an "asked" puts ("whether she would run", "what it might cost")."""
    clause = next((c for c in verb.children if c.i > verb.i and is_question(c)), None)
    if clause is None:
        return None
    return content_span(verb.doc, clause.left_edge.i, clause.right_edge.i, set())


def is_subjectless_question(verb: Token) -> bool:
    """"Asked whether she would run, Doe ...", "When asked about the vote, ...": a participle
    clause without a subject set before the sentence's own verb (the tagger often takes a
    sentence-initial "Asked" for a past tense)."""
    return verb.tag_ in ("VBN", "VBD") and verb.dep_ == "advcl" and verb.head.i > verb.i \
        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in verb.children)


def is_question(clause: Token) -> bool:
    """The question asked: a clausal complement, or a clause the parser attached as an adverbial
    because of its "if" or "whether"."""
    if clause.dep_ == "ccomp":
        return True
    return clause.dep_ == "advcl" and clause.left_edge.lower_ in ("if", "whether")


def _starts_line(doc: Doc, i: int) -> bool:
    return i == 0 or "\n" in doc[i - 1].text or "\n" in doc[i - 1].whitespace_

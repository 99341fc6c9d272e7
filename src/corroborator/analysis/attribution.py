"""Who says what: attribution clauses with their source, cue, content and provenance chain.

A dispatcher walks the tokens of each sentence and hands every cue to the function for its form:

- ``_verb_cue``: a cue verb from the lexicon with a subject (its own, or for "..., saying ..." and
  "X stood up and said ..." the subject of the verb it hangs off). Its content is, in order: the
  object of a cue preposition ("called for an inquiry"), the clausal complement after the verb
  ("X said (that) ..."; "X told Y that ..."), the infinitive for claim- and will-like verbs
  ("the rebels claimed to have ..."), the clause before the attribution ("..., X said.";
  '"...," X said.'), or for some verbs the object ("the company confirmed the closure").
- ``_according_to``: "According to X, ..." and "..., according to X."
- ``_noun_cue``: "the rebels' claim to have ...", "the ministry's statement that ...".
- ``_colon_cue``: transcript and headline lines "Name: what they said".
- ``_figure_cue``: "Police put the number of marchers at 12,000" (giving a figure is speech).

Each cue verb has a kind (``cue_type``: speech, belief, intention, evidence, stance; see
data/attribution.yaml); only speech reports a claim downstream. Content spans follow PolNeAR's
convention (attribution_spans.py). Cited parties ("citing C", "quoted by C") and outlets told
("told the Coast Herald") become extra chain hops (chains.py); pronoun and bare nominal sources
take the name and kind of an earlier source (attribution_resolve.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..model import Attribution, ChainLink, TextSpan
from .attribution_resolve import entity_referents, resolved, source_referent
from .attribution_spans import (
    content_span,
    continued_quote,
    cue_span,
    doc_text,
    inside_any,
    quote_regions,
    quoted,
    source_span,
    token_span,
)
from .chains import CitedParty, build_chain, find_cited_parties, heard_by_outlet, nest_chains
from .sources import attribution_lexicon

_RELATIVE_TAGS = frozenset({"WDT", "WP"})
# Verbs whose subject a participle or conjoined verb inherits: "X attacked Y, saying ...".
_SHARED_SUBJECT_DEPS = frozenset({"advcl", "conj"})
# Longest speaker name before a colon on a transcript or headline line ("Sen. Jane Doe:").
_MAX_COLON_SPEAKER_TOKENS = 6
_NO_CITED: tuple[CitedParty, ...] = ()


@dataclass(frozen=True)
class _Draft:
    """An attribution before its source is resolved against earlier ones."""
    source: Span
    cue: TextSpan
    content: TextSpan
    cited: tuple[CitedParty, ...] = ()
    heard_by: tuple[ChainLink, ...] = ()  # an outlet told by the speaker ("D told the Herald")
    cue_type: str = "speech"
    parts: tuple[TextSpan, ...] = ()  # the pieces of a discontinuous content
    cue_word: str = ""  # the bare cue for the chain ("said") when ``cue`` is wider ("has said")


def extract_attributions(doc: Doc) -> list[Attribution]:
    """All attributions in a parsed article, inner (nested) ones before their enclosing one."""
    drafts = list(_drafts(doc))
    return nest_chains(_resolve(doc, drafts))


def _drafts(doc: Doc) -> Iterator[_Draft]:
    quotes = quote_regions(doc_text(doc))
    for sent in _segments(doc):
        for token in sent:
            # Words inside a quotation are the quoted speaker's ("I think", "you said"): the
            # quotation is the content of the attribution around it, not a source of its own.
            if inside_any(token.idx, quotes):
                continue
            draft = _dispatch(token, sent)
            if draft is not None:
                yield draft


def _segments(doc: Doc) -> Iterator[Span]:
    """The parser's sentences, cut at line breaks: a sentence can run across a paragraph break
    (a headline, a dateline), but reported speech and its attribution never do."""
    for sent in doc.sents:
        start = sent.start
        for token in sent:
            if "\n" in token.text:
                if token.i > start:
                    yield doc[start : token.i]
                start = token.i + 1
        if start < sent.end:
            yield doc[start : sent.end]


def _dispatch(token: Token, sent: Span) -> _Draft | None:
    lex = attribution_lexicon()
    if token.lower_ == "according":
        return _according_to(token, sent)
    if token.tag_.startswith("VB") and token.lemma_.lower() in lex.figure_verbs:
        draft = _figure_cue(token)
        if draft is not None:
            return draft
    if token.tag_.startswith("VB") and token.lemma_.lower() in lex.cue_types:
        return _verb_cue(token, sent)
    if token.pos_ == "NOUN" and token.lemma_.lower() in lex.noun_cues:
        return _noun_cue(token)
    if token.text == ":":
        return _colon_cue(token, sent)
    return None


# --- forms -------------------------------------------------------------------------------------

def _verb_cue(verb: Token, sent: Span) -> _Draft | None:
    """"X said (that) ...", "..., X said", "X called for ...", "..., saying ...", "X wants to"."""
    subject = _subject(verb)
    if subject is None or _is_raising(verb) or _is_passive(verb):
        return None
    region = {t.i for t in subject.subtree} | {verb.i}
    cited = find_cited_parties(region, sent)
    excluded = _tokens_of(cited)
    source = source_span(verb.doc, [t.i for t in subject.subtree], excluded)
    if source is None:
        return None
    cue, content = _preposition_content(verb)
    if content is None:
        cue = token_span(verb, verb)
        clause_start = min(source.start, verb.i)
        content = (
            _content_after(verb, excluded)
            or _content_before(verb, sent, clause_start, excluded)
            or _object_content(verb)
        )
    if content is None:
        return None
    content, parts = _with_continuation(verb.doc, content, max(source.end_char, cue.end))
    if not parts:
        content, parts = _with_quote_before(verb, sent, min(source.start, verb.i), content)
    heard = heard_by_outlet(verb, verb.lower_) if verb.lemma_ == "tell" else None
    cue_type = attribution_lexicon().cue_types[verb.lemma_.lower()]
    wide = cue_span(verb, verb.doc.char_span(cue.start, cue.end, alignment_mode="expand")[-1])
    if wide.end > content.start >= cue.end:  # a colon or particle that is the content's own
        wide = TextSpan.of(doc_text(verb.doc), wide.start, cue.end)
    return _Draft(source, wide, content, tuple(cited), (heard,) if heard else (), cue_type, parts,
                  cue.text)


def _according_to(according: Token, sent: Span) -> _Draft | None:
    """"According to X, ..." and "..., according to X" (with "which quoted C" / "quoting C")."""
    to = next((c for c in according.children if c.lower_ == "to"), None)
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
    if pobj is None:
        return None
    region = {t.i for t in according.subtree}
    cited = find_cited_parties(region, sent)
    excluded = _tokens_of(cited) | region
    source = source_span(sent.doc, [t.i for t in pobj.subtree], _tokens_of(cited))
    if source is None:
        return None
    before = content_span(sent.doc, sent.start, min(region) - 1, excluded)
    after = content_span(sent.doc, max(region) + 1, sent.end - 1, excluded)
    if before and after:  # "The toll, according to X, rose": no contiguous clause; take it all
        content = content_span(sent.doc, sent.start, sent.end - 1, set())
    else:
        content = before or after
    if content is None:
        return None
    return _Draft(source, token_span(according, to), content, tuple(cited))


def _noun_cue(noun: Token) -> _Draft | None:
    """"The rebels' claim to have captured the bridge", "the ministry's statement that ...":
    the possessor is the source, the to-infinitive or "that" clause the content."""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None or owner.tag_ in _RELATIVE_TAGS:
        return None
    complement = next((c for c in noun.children if _is_noun_complement(c)), None)
    if complement is None:
        return None
    source = source_span(noun.doc, [t.i for t in owner.subtree if t.tag_ != "POS"], set())
    content = content_span(noun.doc, complement.left_edge.i, complement.right_edge.i, set())
    if source is None or content is None:
        return None
    return _Draft(source, token_span(noun, noun), content)


def _colon_cue(colon: Token, sent: Span) -> _Draft | None:
    """"Carly Fiorina: 'Bill Clinton's fair game.'": a short name opening a line, then a colon;
    the rest of the line is what the named person said (transcripts, quote headlines)."""
    doc = colon.doc
    speaker = doc[sent.start : colon.i]
    if not 1 <= len(speaker) <= _MAX_COLON_SPEAKER_TOKENS or not _starts_line(doc, sent.start):
        return None
    if not any(t.pos_ == "PROPN" for t in speaker) or any(
        t.pos_ in ("VERB", "AUX") or t.is_punct and t.text != "." for t in speaker
    ):
        return None
    source = source_span(doc, list(range(sent.start, colon.i)), set())
    text = doc_text(doc)
    line_end = text.find("\n", colon.idx)
    content = quoted(text, colon.idx + 1, line_end if line_end >= 0 else len(text))
    if source is None or content is None:
        return None
    return _Draft(source, token_span(colon, colon), content)


def _figure_cue(verb: Token) -> _Draft | None:
    """"Police put the number of marchers at 12,000": the subject gives a figure; the content
    runs from the figure noun to the figure ("the number of marchers ... at 12,000")."""
    lex = attribution_lexicon()
    subject = _subject(verb)
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
    if subject is None or obj is None or obj.lemma_.lower() not in lex.figure_nouns:
        return None
    figure = next((c for c in verb.children if c.dep_ == "prep" and c.i > obj.i
                   and c.lower_ in lex.figure_prepositions
                   and any(g.dep_ == "pobj" for g in c.children)), None)
    if figure is None or _is_passive(verb):
        return None
    source = source_span(verb.doc, [t.i for t in subject.subtree], set())
    content = content_span(verb.doc, obj.left_edge.i, figure.right_edge.i, set())
    if source is None or content is None:
        return None
    return _Draft(source, token_span(verb, verb), content)


def _is_noun_complement(child: Token) -> bool:
    if child.dep_ not in ("acl", "ccomp") or child.i < child.head.i:
        return False
    return any(g.dep_ in ("mark", "aux") and g.lower_ in ("to", "that") for g in child.children)


# --- content -----------------------------------------------------------------------------------

def _preposition_content(verb: Token) -> tuple[TextSpan | None, TextSpan | None]:
    """"called for an inquiry", "referring to the plan": cue up to the preposition, its object
    the content (only when the verb has no clausal complement of its own)."""
    preps = attribution_lexicon().preposition_cues.get(verb.lemma_.lower())
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


def _content_after(verb: Token, excluded: set[int]) -> TextSpan | None:
    """The clausal complement after the verb ("said (that) ...", "claimed to have ...")."""
    lex = attribution_lexicon()
    takes_infinitive = (verb.lemma_.lower() in lex.infinitive_content
                        or lex.cue_types.get(verb.lemma_.lower()) == "intention")
    for child in verb.children:
        if child.i < verb.i:
            continue
        if child.dep_ == "ccomp" or (child.dep_ == "xcomp" and takes_infinitive):
            return content_span(verb.doc, child.left_edge.i, child.right_edge.i, excluded)
    return None


def _content_before(
    verb: Token, sent: Span, clause_start: int, excluded: set[int]
) -> TextSpan | None:
    """The clause before the attribution: '"...," X said', '..., said X', '..., X said, citing'."""
    if clause_start <= sent.start:
        return None
    complement_before = any(c.dep_ == "ccomp" and c.i < verb.i for c in verb.children)
    attached_to_earlier = verb.dep_ in ("ccomp", "parataxis") and verb.head.i < verb.i
    doc = verb.doc
    after_comma = doc[clause_start - 1].text in {",", '"', "”", "'", "’"} and any(
        t.pos_ in ("VERB", "AUX") for t in doc[sent.start : clause_start]
    )
    if not (complement_before or attached_to_earlier or after_comma):
        return None
    return content_span(doc, sent.start, clause_start - 1, excluded)


def _object_content(verb: Token) -> TextSpan | None:
    """"The company confirmed the closure", "X called the plan a disgrace": the object (with its
    predicate) is what was confirmed or called; "X accused the army of shelling the village":
    the object with the deed it is charged with."""
    lex = attribution_lexicon()
    lemma = verb.lemma_.lower()
    if lemma not in lex.object_content:
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
    if obj is None:
        return None
    deed = lex.charge_prepositions.get(lemma, frozenset())
    last = max(c.right_edge.i for c in verb.children if c.dep_ in ("dobj", "oprd")
               or c.dep_ == "prep" and c.i > obj.i and c.lower_ in deed)
    return content_span(verb.doc, obj.left_edge.i, last, set())


def _with_continuation(
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


def _with_quote_before(
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


# --- sources -----------------------------------------------------------------------------------

def _subject(verb: Token) -> Token | None:
    """The subject; a participle or conjoined verb without one shares its head's ("X attacked Y,
    saying ..."). Relative pronouns ("which quoted ...") are modifiers, not speakers."""
    for child in verb.children:
        if child.dep_ == "nsubj":
            return None if child.tag_ in _RELATIVE_TAGS else child
    if verb.dep_ in _SHARED_SUBJECT_DEPS and verb.head.i < verb.i and verb.head.pos_ == "VERB":
        if verb.dep_ == "advcl" and verb.tag_ != "VBG":
            return None
        return next((c for c in verb.head.children if c.dep_ == "nsubj"
                     and c.tag_ not in _RELATIVE_TAGS), None)
    return None


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def _is_raising(verb: Token) -> bool:
    """"The bridge said to be the oldest ...": "said" + to-infinitive reports no speech."""
    lex = attribution_lexicon()
    if verb.lemma_.lower() in lex.infinitive_content or lex.cue_types.get(
            verb.lemma_.lower()) == "intention":
        return False
    return any(
        c.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
        for c in verb.children
    )


def _starts_line(doc: Doc, i: int) -> bool:
    return i == 0 or "\n" in doc[i - 1].text or "\n" in doc[i - 1].whitespace_


def _resolve(doc: Doc, drafts: list[_Draft]) -> list[Attribution]:
    """Attributions from drafts, each source named through its antecedent (attribution_resolve)."""
    referents = entity_referents(doc)
    attributions = []
    for draft in sorted(drafts, key=lambda d: d.source.start):
        name, kind, animate, referent_name = resolved(draft.source, referents)
        referents.append(source_referent(draft.source, referent_name, kind, animate))
        speaker = ChainLink(name, kind, (draft.cue_word or draft.cue.text).lower())
        chain = build_chain(speaker, draft.cited, draft.heard_by)
        source = _source_text_span(doc, draft.source)
        attributions.append(Attribution(source, draft.cue, draft.content, kind, chain,
                                        draft.cue_type, draft.parts))
    return sorted(attributions, key=lambda a: a.cue.start)


def _source_text_span(doc: Doc, source: Span) -> TextSpan:
    """The source as PolNeAR marks it: an appositive's closing comma belongs to it
    ("Ana Diaz, a spokeswoman for the union, said"). The chain keeps the name without it."""
    end = source.end_char
    after = source.end
    closes_appositive = (
        after + 1 < len(doc) and doc[after].text == ","
        and doc[after + 1].pos_ in ("VERB", "AUX")
        and any(t.dep_ == "appos" for t in source.root.children)
    )
    if closes_appositive:
        end = doc[after].idx + 1
    return TextSpan.of(doc_text(doc), source.start_char, end)


def _tokens_of(cited: list[CitedParty]) -> set[int]:
    return {i for c in cited for i in c.tokens}

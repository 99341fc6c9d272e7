"""Who says what: attribution clauses with their source, cue, content and provenance chain.

A dispatcher walks the tokens of each sentence and hands every cue to the function for its form:

- ``_speech_clause``: a speech verb from the lexicon with a subject. Its content is the clausal
  complement after the verb ("X said (that) ..."; "X told Y that ..."; "X said: '...'"), the
  infinitive for claim-like verbs ("the rebels claimed to have ..."), the clause before the
  attribution ("..., X said."; "..., said X."; '"...," X said.'), or for a few verbs the object
  ("the company confirmed the closure").
- ``_according_to``: "According to X, ..." and "..., according to X."

Cited parties ("citing C", "quoted by C", "which quoted C") and outlets told ("told the Coast
Herald") become extra chain hops (chains.py). Pronoun and bare nominal subjects ("he said", "the
company said") keep their own span but take the name and kind of an earlier source (see
``_resolve``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..model import Attribution, ChainLink, SourceKind, TextSpan
from .chains import CitedParty, build_chain, find_cited_parties, heard_by_outlet, nest_chains
from .sources import (
    attribution_lexicon,
    classify_source,
    is_animate,
    is_resolvable_nominal,
    pronoun_class,
    source_name,
    type_word,
)

# Characters stripped from both ends of a content span: quotes, dashes and clause punctuation.
# "?" and "!" stay: they are part of what was said.
_EDGE_CHARS = " \t\r\n,;:.\"'“”‘’«»—–-"
_RELATIVE_TAGS = frozenset({"WDT", "WP"})
# How far back (characters) to look for the opening quote of a quote that spans sentences:
# '"The dam is safe. We are monitoring it," he said.' A quoted paragraph is rarely longer.
_MAX_QUOTE_CHARS = 1000


@dataclass(frozen=True)
class _Draft:
    """An attribution before its source is resolved against earlier ones."""
    source: Span
    cue: TextSpan
    content: TextSpan
    cited: tuple[CitedParty, ...]
    heard_by: tuple[ChainLink, ...]  # an outlet told by the speaker ("D told the Herald")


@dataclass(frozen=True)
class _Referent:
    """A possible antecedent for a pronoun or nominal source."""
    end: int  # character offset where it ends
    name: str
    kind: SourceKind
    animate: bool
    named: bool  # has a proper name (nominals like "the company" resolve only to these)
    type_word: str | None  # the common noun ending the name ("hospital"), if any
    from_attribution: bool  # an earlier source, preferred over a bare entity at the same place


def extract_attributions(doc: Doc) -> list[Attribution]:
    """All attributions in a parsed article, inner (nested) ones before their enclosing one."""
    drafts = list(_drafts(doc))
    return nest_chains(_resolve(doc, drafts))


def _drafts(doc: Doc) -> Iterator[_Draft]:
    for sent in _segments(doc):
        for token in sent:
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
    if token.tag_.startswith("VB") and token.lemma_.lower() in lex.speech_verbs:
        return _speech_clause(token, sent)
    if token.pos_ == "NOUN" and token.lemma_.lower() in lex.noun_cues:
        return _noun_cue(token)
    return None


# --- forms -------------------------------------------------------------------------------------

def _speech_clause(verb: Token, sent: Span) -> _Draft | None:
    """"X said (that) ...", "..., X said", "..., said X", "X told Y that ...", "X claimed to"."""
    subject = _subject(verb)
    if subject is None or _is_raising(verb):
        return None
    region = {t.i for t in subject.subtree} | {verb.i}
    cited = find_cited_parties(region, sent)
    excluded = _tokens_of(cited)
    source = _trimmed(verb.doc, [t.i for t in subject.subtree], excluded)
    if source is None:
        return None
    clause_start = min(source.start, verb.i)
    content = (
        _content_after(verb, excluded)
        or _content_before(verb, sent, clause_start, excluded)
        or _object_content(verb)
    )
    if content is None:
        return None
    heard = heard_by_outlet(verb, verb.lower_) if verb.lemma_ == "tell" else None
    return _Draft(source, _token_span(verb, verb), content, tuple(cited),
                  (heard,) if heard else ())


def _according_to(according: Token, sent: Span) -> _Draft | None:
    """"According to X, ..." and "..., according to X" (with "which quoted C" / "quoting C")."""
    to = next((c for c in according.children if c.lower_ == "to"), None)
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
    if pobj is None:
        return None
    region = {t.i for t in according.subtree}
    cited = find_cited_parties(region, sent)
    excluded = _tokens_of(cited) | region
    source = _trimmed(sent.doc, [t.i for t in pobj.subtree], _tokens_of(cited))
    if source is None:
        return None
    before = _span_of(sent.doc, sent.start, min(region) - 1, excluded)
    after = _span_of(sent.doc, max(region) + 1, sent.end - 1, excluded)
    if before and after:  # "The toll, according to X, rose": no contiguous clause; take it all
        content = _span_of(sent.doc, sent.start, sent.end - 1, set())
    else:
        content = before or after
    if content is None:
        return None
    return _Draft(source, _token_span(according, to), content, tuple(cited), ())


def _noun_cue(noun: Token) -> _Draft | None:
    """"The rebels' claim to have captured the bridge", "the ministry's statement that ...":
    the possessor is the source, the to-infinitive or "that" clause the content."""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None or owner.tag_ in _RELATIVE_TAGS:
        return None
    complement = next((c for c in noun.children if _is_noun_complement(c)), None)
    if complement is None:
        return None
    source = _trimmed(noun.doc, [t.i for t in owner.subtree if t.tag_ != "POS"], set())
    content = _span_of(noun.doc, complement.left_edge.i, complement.right_edge.i, set())
    if source is None or content is None:
        return None
    return _Draft(source, _token_span(noun, noun), content, (), ())


def _is_noun_complement(child: Token) -> bool:
    if child.dep_ not in ("acl", "ccomp") or child.i < child.head.i:
        return False
    return any(g.dep_ in ("mark", "aux") and g.lower_ in ("to", "that") for g in child.children)


# --- content -----------------------------------------------------------------------------------

def _content_after(verb: Token, excluded: set[int]) -> TextSpan | None:
    """The clausal complement after the verb ("said (that) ...", "claimed to have ...")."""
    lex = attribution_lexicon()
    for child in verb.children:
        if child.i < verb.i:
            continue
        infinitive = child.dep_ == "xcomp" and verb.lemma_.lower() in lex.infinitive_content
        if child.dep_ == "ccomp" or infinitive:
            return _span_of(verb.doc, child.left_edge.i, child.right_edge.i, excluded)
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
    # The parser's sentence can run across a paragraph break; reported speech does not.
    first = sent.start
    for token in doc[sent.start : clause_start]:
        if "\n" in token.text:
            first = token.i + 1
    content = _span_of(doc, first, clause_start - 1, excluded)
    return _with_opening_quote(doc.text, doc[first].idx, doc[clause_start].idx, content)


def _with_opening_quote(
    text: str, sent_start: int, clause_start: int, content: TextSpan | None
) -> TextSpan | None:
    """Extend content back to the opening quote when the quote began in an earlier sentence."""
    if content is None:
        return None
    before = text[sent_start:clause_start]
    if before.count('"') % 2 == 1:
        opener = '"'
    elif before.count("”") > before.count("“"):
        opener = "“"
    else:
        return content
    start = text.rfind(opener, max(0, sent_start - _MAX_QUOTE_CHARS), sent_start)
    if start < 0 or "\n\n" in text[start:sent_start]:  # quotes do not cross paragraphs
        return content
    return _stripped(text, start, content.end)


def _object_content(verb: Token) -> TextSpan | None:
    """"The company confirmed the closure": the object is what was confirmed."""
    if verb.lemma_.lower() not in attribution_lexicon().object_content:
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    return _span_of(verb.doc, obj.left_edge.i, obj.right_edge.i, set()) if obj else None


# --- sources -----------------------------------------------------------------------------------

def _subject(verb: Token) -> Token | None:
    """The speaking subject; relative pronouns ("which quoted ...") are modifiers, not speakers."""
    for child in verb.children:
        if child.dep_ == "nsubj":
            return None if child.tag_ in _RELATIVE_TAGS else child
    return None


def _is_raising(verb: Token) -> bool:
    """"The bridge said to be the oldest ...": "said" + to-infinitive reports no speech."""
    if verb.lemma_.lower() in attribution_lexicon().infinitive_content:
        return False
    return any(
        c.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
        for c in verb.children
    )


def _resolve(doc: Doc, drafts: list[_Draft]) -> list[Attribution]:
    """Give pronoun and bare-nominal sources the name and kind of an earlier source.

    The rule, kept deliberately simple: "he"/"she" take the latest earlier source or PERSON entity
    that names people; "it" the latest that does not; "they"/"we" the latest source or ORG entity;
    "the company" / "the agency" / "the spokesman" (bare definite nominals) take the latest earlier
    *named* source or entity of the same kind. Unresolved sources keep their own text.
    """
    referents = [_entity_referent(ent) for ent in doc.ents if _is_speaker_entity(ent)]
    attributions = []
    for draft in sorted(drafts, key=lambda d: d.source.start):
        name, kind, animate = _resolved(draft.source, referents)
        referents.append(_Referent(
            draft.source.end_char, name, kind, animate,
            named=any(t.pos_ == "PROPN" for t in draft.source), type_word=type_word(draft.source),
            from_attribution=True,
        ))
        speaker = ChainLink(name, kind, draft.cue.text.lower())
        chain = build_chain(speaker, draft.cited, draft.heard_by)
        source = TextSpan.of(doc.text, draft.source.start_char, draft.source.end_char)
        attributions.append(Attribution(source, draft.cue, draft.content, kind, chain))
    return sorted(attributions, key=lambda a: a.cue.start)


def _resolved(source: Span, referents: list[_Referent]) -> tuple[str, SourceKind, bool]:
    own_kind = classify_source(source)
    pronoun = pronoun_class(source)
    if pronoun is not None:
        found = _latest(referents, source.start_char, lambda r: _fits_pronoun(r, pronoun))
        return (found.name, found.kind, found.animate) if found else (source.text, "unknown", False)
    if is_resolvable_nominal(source):
        noun = source[-1].lemma_.lower()
        found = _latest(referents, source.start_char, lambda r: (
            r.named and r.kind == own_kind and r.type_word in (None, noun)))
        if found:
            return found.name, found.kind, found.animate
    return source_name(source), own_kind, is_animate(source)


def _fits_pronoun(referent: _Referent, pronoun: str) -> bool:
    if pronoun == "animate":
        return referent.animate
    if pronoun == "inanimate":
        return not referent.animate and referent.kind != "person"
    return referent.from_attribution or not referent.animate


def _latest(referents: list[_Referent], before: int, fits) -> _Referent | None:
    earlier = [r for r in referents if r.end <= before and fits(r)]
    return max(earlier, key=lambda r: (r.end, r.from_attribution), default=None)


def _is_speaker_entity(ent: Span) -> bool:
    """People and organisations; NER also tags a company named before its site as a facility
    ("the Keller Textiles plant"), which counts when its name words type it."""
    if ent.label_ in ("PERSON", "ORG"):
        return True
    return ent.label_ == "FAC" and classify_source(ent) != "unknown"


def _entity_referent(ent: Span) -> _Referent:
    animate = ent.label_ == "PERSON"
    return _Referent(ent.end_char, ent.text, classify_source(ent), animate, True, type_word(ent),
                     False)


# --- spans -------------------------------------------------------------------------------------

def _tokens_of(cited: list[CitedParty]) -> set[int]:
    return {i for c in cited for i in c.tokens}


def _trimmed(doc: Doc, indices: list[int], excluded: set[int]) -> Span | None:
    """The token range over ``indices`` without excluded tokens or punctuation at its edges."""
    if not indices:
        return None
    start, end = min(indices), max(indices) + 1
    while start < end and (start in excluded or doc[start].is_punct):
        start += 1
    while end > start and (end - 1 in excluded or doc[end - 1].is_punct):
        end -= 1
    return doc[start:end] if start < end else None


def _span_of(doc: Doc, first: int, last: int, excluded: set[int]) -> TextSpan | None:
    """Tokens first..last (inclusive) minus excluded tokens, "that" and punctuation at the edges,
    then quotes and punctuation stripped from the text's edges."""
    while first <= last and _skippable_edge(doc[first], excluded, leading=True):
        first += 1
    while last >= first and _skippable_edge(doc[last], excluded, leading=False):
        last -= 1
    if first > last:
        return None
    return _stripped(doc.text, doc[first].idx, doc[last].idx + len(doc[last]))


def _stripped(text: str, start: int, end: int) -> TextSpan | None:
    """text[start:end] without quotes, dashes and clause punctuation at its edges."""
    while start < end and text[start] in _EDGE_CHARS:
        start += 1
    while end > start and text[end - 1] in _EDGE_CHARS:
        end -= 1
    return TextSpan.of(text, start, end) if start < end else None


def _skippable_edge(token: Token, excluded: set[int], leading: bool) -> bool:
    if token.i in excluded or token.is_space or (token.is_punct and token.text not in "?!"):
        return True
    return leading and token.dep_ == "mark" and token.lower_ == "that"


def _token_span(first: Token, last: Token) -> TextSpan:
    return TextSpan.of(first.doc.text, first.idx, last.idx + len(last))

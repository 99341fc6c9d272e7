"""Who says what: attribution clauses with their source, cue, content and provenance chain.

A dispatcher walks the words of each sentence that may open a cue (the lexicon says which; the rest
never become spaCy Tokens) and hands every cue to the function for its form:

- ``_verb_cue``: a cue verb from the lexicon with a subject (``attribution_resolve.speaker``: its
  own, a relative pronoun, or for "..., saying ...", "X stood up and said ...", "in talking to
  reporters, X ..." and "voters supporting X" the subject or noun it hangs off). Its content is
  found by ``attribution_content``: a quote after a colon, the object of a cue preposition
  ("called for an inquiry"), the clausal complement ("X said (that) ..."), the infinitive for
  claim- and will-like verbs, the clause before the attribution ('"...," X said.'), the clause
  around it ("The plan, he said, will fail"), the object ("the company confirmed the closure"),
  or a quote just before its sentence ('"Why?" she asked.').
- ``_according_to``: "According to X, ..." and "..., according to X."
- ``_noun_cue``: "the rebels' claim to have ...", "the ministry's statement that ...".
- ``attribution_forms``: transcript and headline lines "Name: what they said" ("Poll: ..."),
  "Police put the number of marchers at 12,000" (giving a figure is speech) and "In a new
  poll, Doe leads ..." (the poll is the source).
- ``_passive_cue``: "The merger was first reported by the Herald" (the agent speaks).
- ``_sourceless_cue``: "The plan seems to work", "The bill is expected to pass", "Asked whether
  ...", "X was asked about ...": no one named; the source span is empty and the chain too.

A to-infinitive cue takes the subject of the verb carrying it ("X went on to say ...",
attribution_resolve.carried_infinitive; the carrier joins the cue), and "X said ..., citing low
growth" gives a stance attribution for what is cited unless it is a source (then a chain hop).

Each cue verb has a kind (``cue_type``: speech, belief, intention, evidence, stance; see
data/attribution.yaml); only speech reports a claim downstream. A non-speech cue inside someone's
speech is dropped ("X said he wants ..."); a conversation a speaker recounts ("the union said
managers had told stewards that ...") is kept as ``RECOUNTED``, not as a second hop. Content
spans follow PolNeAR's convention (attribution_spans.py). Cited parties ("citing C", "quoted
by C") and outlets told ("told the Coast Herald") become extra chain hops (chains.py); pronoun
and bare nominal sources take the name and kind of an earlier source (attribution_resolve.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..model import Attribution, ChainLink, TextSpan
from .attribution_content import (
    content_after,
    content_around,
    content_before,
    object_content,
    passive_parts,
    preposition_content,
    quote_after_colon,
    quote_next_paragraph,
    quote_sentence_before,
    sourceless_parts,
    with_continuation,
    with_quote_before,
)
from .attribution_forms import Parts, colon_parts, document_parts, figure_parts
from .attribution_resolve import (
    antecedent,
    carried_infinitive,
    entity_referents,
    resolved,
    source_referent,
    speaker,
)
from .attribution_spans import (
    content_span,
    cue_span,
    doc_text,
    forms_lexicon,
    inside_any,
    quote_regions,
    segment_bounds,
    source_span,
    token_span,
)
from .chains import CitedParty, build_chain, find_cited_parties, heard_by_outlet, nest_chains
from .nlp import token_lemmas, token_lowers, token_tags
from .sources import attribution_lexicon, classify_source, cue_lemma

_RELATIVE_TAGS = frozenset({"WDT", "WP"})
_NO_CITED: tuple[CitedParty, ...] = ()
# cue_type of a conversation a speaker recounts ("the union said managers had told shop stewards
# that ..."): the words are the managers', but the claim's origin is the union, so it is not
# speech (claims and chains take only speech).
RECOUNTED = "recounted"


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
    named: Span | None = None  # whom a relative pronoun source means ("Doe" for "Doe, who said")
    # "managers had told shop stewards that ...": a conversation, told to people, not the press
    recounted: bool = False


def extract_attributions(doc: Doc) -> list[Attribution]:
    """All attributions in a parsed article, inner (nested) ones before their enclosing one."""
    drafts = _without_reported_states(list(_drafts(doc)))
    return nest_chains(_resolve(doc, drafts))


def _without_reported_states(drafts: list[_Draft]) -> list[_Draft]:
    """Drop a belief, intention, stance or evidence cue reported inside someone's speech ("X said
    he wants ..."): the speech already attributes those words, and PolNeAR does not annotate the
    inner state (measured on train: +0.016 source, +0.012 content exact F1). Speech inside speech
    ("the Herald reported that the army said ...") stays: that is a chain; a conversation the
    speaker recounts stays with cue_type ``RECOUNTED``."""
    speech = [d for d in drafts if d.cue_type == "speech"]
    kept = []
    for draft in drafts:
        outer = next((o for o in speech if _reported_by(draft, o)), None)
        if outer is None:
            kept.append(draft)
        elif draft.cue_type == "speech":  # a recounted conversation: kept, but passes no claim on
            kept.append(dataclasses.replace(draft, cue_type=RECOUNTED))
    return kept


def _reported_by(inner: _Draft, outer: _Draft) -> bool:
    """Whether ``inner`` is only part of what ``outer`` says, not a hop of its own: a belief,
    intention, stance or evidence cue, or a conversation the speaker recounts ("the union said
    managers had told shop stewards that ...": the union, whose stewards were told, is the origin).
    A speech inside an outlet's report ("the Herald reported that the army said ...") is a hop."""
    if not outer.content.start <= inner.cue.start < inner.cue.end <= outer.content.end:
        return False
    if inner.cue_type != "speech":
        return True
    return inner.recounted and classify_source(outer.source) != "outlet"


def _drafts(doc: Doc) -> Iterator[_Draft]:
    quotes = quote_regions(doc_text(doc))
    segments = segment_bounds(doc)
    # Only a word that may open a cue reaches the dispatcher (``_cue_candidates``): building a
    # spaCy Token for every word of the article cost more than the cues found among them.
    candidates = _cue_candidates(doc)
    at = 0
    for start, end in segments:
        while at < len(candidates) and candidates[at] < start:
            at += 1  # a line-break token between segments: never a cue
        sent = None
        while at < len(candidates) and candidates[at] < end:
            token = doc[candidates[at]]
            at += 1
            # Words inside a quotation are the quoted speaker's ("I think", "you said"): the
            # quotation is the content of the attribution around it, not a source of its own.
            if inside_any(token.idx, quotes):
                continue
            sent = doc[start:end] if sent is None else sent
            draft = _dispatch(token, sent)
            if draft is not None:
                yield draft


def _cue_candidates(doc: Doc) -> list[int]:
    """Indices of the tokens that may open a cue: a necessary condition for ``_dispatch`` to
    return a draft, from each token's lower form, lemma and tag alone (each branch of the
    dispatcher first tests one of these; tests/test_speed_attribution.py checks it on corpora)."""
    lex = attribution_lexicon()
    fixes, nouns = lex.lemma_fixes, lex.noun_cues
    verbs = lex.cue_types.keys() | lex.figure_verbs
    # "according", a colon, a document preposition ("in a poll")
    words = forms_lexicon().document_prepositions | {"according", ":"}
    found = []
    for i, (lower, lemma, tag) in enumerate(
            zip(token_lowers(doc), token_lemmas(doc), token_tags(doc), strict=True)):
        lemma = lemma.lower()
        if lower in words or lemma in nouns or tag.startswith("VB") and (
                fixes.get(lower) or lemma) in verbs:
            found.append(i)
    return found


def _dispatch(token: Token, sent: Span) -> _Draft | None:
    lex = attribution_lexicon()
    if token.lower_ == "according":
        return _according_to(token, sent)
    if token.tag_.startswith("VB") and cue_lemma(token) in lex.figure_verbs:
        parts = figure_parts(token)
        if parts is not None:
            return _from_parts(parts)
    if token.tag_.startswith("VB") and cue_lemma(token) in lex.cue_types:
        return _verb_cue(token, sent) or _sourceless_cue(token)
    if token.pos_ == "NOUN" and token.lemma_.lower() in lex.noun_cues:
        return _noun_cue(token)
    if token.text == ":":
        parts = colon_parts(token, sent)
        return _from_parts(parts) if parts else None
    if token.pos_ == "ADP":
        parts = document_parts(token)
        return _from_parts(parts) if parts else None
    return None


def _from_parts(parts: Parts) -> _Draft:
    return _Draft(parts.source, parts.cue, parts.content, cue_type=parts.cue_type)


# --- forms -------------------------------------------------------------------------------------

def _verb_cue(verb: Token, sent: Span) -> _Draft | None:
    """"X said (that) ...", "..., X said", "X called for ...", "..., saying ...", "X wants to"."""
    if _is_passive(verb):
        return _passive_cue(verb)
    found = speaker(verb)
    if found is None or _is_raising(verb):
        return None
    subject, indices = found
    region = set(indices) | {verb.i}
    cited = find_cited_parties(region, sent)
    excluded = _tokens_of(cited)
    source = source_span(verb.doc, indices, excluded)
    if source is None:
        return None
    cue, content = preposition_content(verb)
    if content is None and cue_lemma(verb) in attribution_lexicon().citing_verbs:
        # "X said ..., citing low growth": what is cited is the object, never the quote before;
        # a cited source ("citing two officials") is a hop of X's chain (chains.py), not this.
        cue, content = token_span(verb, verb), _cited_reason(verb)
    elif content is None:
        cue = token_span(verb, verb)
        clause_start = min(source.start, verb.i)
        content = (
            quote_after_colon(verb)
            or content_after(verb, excluded)
            or content_before(verb, sent, clause_start, excluded)
            or content_around(verb, sent, excluded)
            or object_content(verb)
            or quote_sentence_before(verb, sent, clause_start)
            or quote_next_paragraph(verb, sent)
        )
    if content is None:
        return None
    content, parts = with_continuation(verb.doc, content, max(source.end_char, cue.end))
    if not parts:
        content, parts = with_quote_before(verb, sent, min(source.start, verb.i), content)
    heard = heard_by_outlet(verb, verb.lower_) if verb.lemma_ == "tell" else None
    cue_type = _ruling_or(attribution_lexicon().cue_types[cue_lemma(verb)], subject)
    wide = cue_span(verb, verb.doc.char_span(cue.start, cue.end, alignment_mode="expand")[-1])
    if wide.end > content.start >= cue.end:  # a colon or particle that is the content's own
        wide = TextSpan.of(doc_text(verb.doc), wide.start, cue.end)
    wide = _with_carrier(verb, wide)
    recounted = heard is None and verb.lemma_ == "tell" and any(
        c.dep_ in ("dobj", "dative") for c in verb.children)
    return _Draft(source, wide, content, tuple(cited), (heard,) if heard else (), cue_type, parts,
                  cue.text, antecedent(subject), recounted)


def _ruling_or(cue_type: str, subject: Token | None) -> str:
    """What a court, jury or inquiry "found" or "ruled" is its statement (speech), not a
    document's evidence: "The court found that Vogt had taken the money"."""
    if cue_type != "evidence" or subject is None:
        return cue_type
    return "speech" if subject.lemma_.lower() in forms_lexicon().ruling_bodies else cue_type


def _cited_reason(verb: Token) -> TextSpan | None:
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
    if obj is None or classify_source(verb.doc[obj.left_edge.i : obj.i + 1]) != "unknown":
        return None
    return object_content(verb)


def _with_carrier(verb: Token, cue: TextSpan) -> TextSpan:
    """"went on to say", "continued to defend": PolNeAR's cue takes the verb that carries the
    infinitive when only a particle and "to" stand between (else "to say" alone)."""
    head = verb.head
    if not carried_infinitive(verb) or not all(
            t.dep_ in ("prt", "aux", "advmod") for t in verb.doc[head.i + 1 : verb.i]):
        return cue
    return TextSpan.of(doc_text(verb.doc), cue_span(head, head).start, cue.end)


def _passive_cue(verb: Token) -> _Draft | None:
    """"The move was first reported by the Herald": the agent speaks (attribution_content)."""
    found = passive_parts(verb)
    if found is None:
        return None
    agent, cue, content = found
    source = source_span(verb.doc, [t.i for t in agent.subtree], set())
    if source is None:
        return None
    cue_type = attribution_lexicon().cue_types[cue_lemma(verb)]
    return _Draft(source, cue, content, cue_type=cue_type, cue_word=verb.text)


def _sourceless_cue(verb: Token) -> _Draft | None:
    """"The plan seems to work", "The vote is expected to pass", "Asked about the delay, ...":
    an attribution with no one named (attribution_content.sourceless_parts). Its source is empty
    and its chain too; none of these is speech, so claims and chains never see them."""
    found = sourceless_parts(verb)
    if found is None:
        return None
    cue, content = found
    cue_type = attribution_lexicon().cue_types[cue_lemma(verb)]
    return _Draft(verb.doc[verb.i : verb.i], cue, content, cue_type=cue_type)


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


def _is_noun_complement(child: Token) -> bool:
    if child.dep_ not in ("acl", "ccomp") or child.i < child.head.i:
        return False
    return any(g.dep_ in ("mark", "aux") and g.lower_ in ("to", "that") for g in child.children)


# --- sources -----------------------------------------------------------------------------------

def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def _is_raising(verb: Token) -> bool:
    """"The bridge said to be the oldest ...": "said" + to-infinitive reports no speech."""
    lex = attribution_lexicon()
    if cue_lemma(verb) in lex.infinitive_content or lex.cue_types.get(
            cue_lemma(verb)) == "intention":
        return False
    if any(c.dep_ in ("dobj", "dative") and c.i > verb.i for c in verb.children):
        return False  # "asked the network to donate ...": the object is to do it (content)
    if preposition_content(verb)[1] is not None:
        return False  # "called on the council to resign": the addressee is to do it
    return any(
        c.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
        for c in verb.children
    )


def _resolve(doc: Doc, drafts: list[_Draft]) -> list[Attribution]:
    """Attributions from drafts, each source named through its antecedent (attribution_resolve)."""
    referents = entity_referents(doc)
    attributions = []
    for draft in sorted(drafts, key=lambda d: d.source.start):
        if not len(draft.source):  # no one named: nothing to resolve or chain
            empty = TextSpan(draft.cue.start, draft.cue.start, "")
            attributions.append(Attribution(empty, draft.cue, draft.content, "unknown", (),
                                            draft.cue_type, draft.parts))
            continue
        named = draft.named if draft.named is not None else draft.source
        name, kind, animate, referent_name = resolved(named, referents)
        referents.append(source_referent(named, referent_name, kind, animate))
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
        after + 1 < len(doc) and doc[after].text in (",", "—", "–")
        and doc[after + 1].pos_ in ("VERB", "AUX", "ADV")
        and (any(t.dep_ == "appos" for t in source.root.children)
             or any(t.text == "," for t in source))
    )
    if closes_appositive:
        end = doc[after].idx + 1
    return TextSpan.of(doc_text(doc), source.start_char, end)


def _tokens_of(cited: list[CitedParty]) -> set[int]:
    return {i for c in cited for i in c.tokens}

"""Pronoun and bare-nominal sources take the name and kind of an earlier source.

"he said", "the company said": the span stays as written, but the chain names whom it refers to.
The rule, kept deliberately simple: "he"/"she" take the latest earlier source or PERSON entity
that names people; "it" the latest that does not; "they"/"we" the latest source or ORG entity.
"The company" / "the agency" / "the carmaker" (bare definite nominals) take the most salient
earlier *named* body that fits the noun: one of the same kind whose name ends in no other type
word ("the company" is not St Lucan's Hospital), or one whose name says the noun ("the agency"
is the Garrow civil protection agency, whatever kind that is). Salient means an earlier source or
an entity in subject position: in "Production of the Tern hatchback will move, the company said"
the company is the carmaker the article is about, not the product named nearest. Among those the
latest wins; with none, the latest fitting mention.

A resolved nominal keeps its own words in the chain name when the antecedent's name does not say
them: "the company (Halvard Motors)", so the reader sees both what the outlet wrote and whom it
means; "the ministry" resolved to "the defence ministry" is just that. Unresolved sources keep
their own text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from spacy.tokens import Doc, Span, Token

from ..model import SourceKind
from .attribution_spans import forms_lexicon
from .sources import (
    attribution_lexicon,
    classify_source,
    cue_lemma,
    is_animate,
    is_resolvable_nominal,
    pronoun_class,
    source_name,
    type_word,
)

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


class Referent:
    """A possible antecedent for a pronoun or nominal source.

    A named entity's kind and type word are worked out only when a source is matched against it
    (``entity`` keeps the span until then): most entities of an article never are, and
    classifying every one of them was the largest cost of attribution."""

    __slots__ = ("end", "name", "animate", "named", "from_attribution", "salient", "_entity",
                 "_kind", "_type_word")

    def __init__(self, end: int, name: str, animate: bool, *, named: bool,
                 from_attribution: bool, salient: bool = True, kind: SourceKind = "unknown",
                 type_word: str | None = None, entity: Span | None = None) -> None:
        self.end = end  # character offset where it ends
        self.name = name
        self.animate = animate
        self.named = named  # has a proper name (nominals like "the company" resolve only to these)
        # an earlier source, preferred over a bare entity at the same place
        self.from_attribution = from_attribution
        # a source or a subject; a name modifying a noun ("the Tern car") is not
        self.salient = salient
        self._entity = entity  # set: kind and type word not worked out yet
        self._kind: SourceKind = kind
        self._type_word = type_word

    @property
    def kind(self) -> SourceKind:
        self._classify()
        return self._kind

    @property
    def type_word(self) -> str | None:
        """The common noun ending the name ("hospital"), if any."""
        self._classify()
        return self._type_word

    def _classify(self) -> None:
        if self._entity is not None:
            self._kind, self._type_word = classify_source(self._entity), type_word(self._entity)
            self._entity = None


class Resolved(NamedTuple):
    """Who a source is: the name its chain link shows, its kind and animacy, and the plain name
    later pronouns and nominals resolve to (the antecedent's name when it has one)."""
    name: str
    kind: SourceKind
    animate: bool
    referent_name: str


def entity_referents(doc: Doc) -> list[Referent]:
    """People and organisations the article names, as referents."""
    return [_entity_referent(ent) for ent in doc.ents if _is_speaker_entity(ent)]


def source_referent(source: Span, name: str, kind: SourceKind, animate: bool) -> Referent:
    return Referent(source.end_char, name, animate,
                    named=any(t.pos_ == "PROPN" for t in source), from_attribution=True,
                    kind=kind, type_word=type_word(source))


def resolved(source: Span, referents: list[Referent]) -> Resolved:
    """Name, kind and animacy of the source, through its antecedent when it has one."""
    pronoun = pronoun_class(source)
    if pronoun is not None:
        found = _latest(referents, source.start_char, lambda r: _fits_pronoun(r, pronoun))
        if found is None:
            return Resolved(source.text, "unknown", False, source.text)
        return Resolved(found.name, found.kind, found.animate, found.name)
    own_kind = classify_source(source)  # after the pronouns, which take their referent's kind
    if is_resolvable_nominal(source):
        noun = source[-1].lemma_.lower()
        # "the company" never means a person, "the spokesman" may.
        person_ok = is_animate(source)
        found = _most_salient(referents, source.start_char, lambda r: (
            (person_ok or not r.animate) and _fits_nominal(r, noun, own_kind)))
        if found:
            return Resolved(_described(source.text, found.name, noun), found.kind, found.animate,
                            found.name)
    name = source_name(source)
    return Resolved(name, own_kind, is_animate(source), name)


def _fits_nominal(referent: Referent, noun: str, own_kind: SourceKind) -> bool:
    if not referent.named:
        return False
    if referent.type_word == noun or noun in _words(referent.name):
        return True
    return referent.kind == own_kind and referent.type_word is None


def _described(nominal: str, name: str, noun: str) -> str:
    """"the company (Halvard Motors)"; just the name when it says the noun itself."""
    return name if noun in _words(name) else f"{nominal} ({name})"


def _words(name: str) -> set[str]:
    return {w.strip(".,'’()").lower() for w in name.split()}


def _fits_pronoun(referent: Referent, pronoun: str) -> bool:
    if pronoun == "animate":
        return referent.animate
    if pronoun == "inanimate":
        return not referent.animate and referent.kind != "person"
    return referent.from_attribution or not referent.animate


def _most_salient(
    referents: list[Referent], before: int, fits: Callable[[Referent], bool]
) -> Referent | None:
    """The latest salient fitting referent, else the latest fitting one."""
    return (_latest(referents, before, lambda r: r.salient and fits(r))
            or _latest(referents, before, fits))


def _latest(
    referents: list[Referent], before: int, fits: Callable[[Referent], bool]
) -> Referent | None:
    earlier = [r for r in referents if r.end <= before and fits(r)]
    return max(earlier, key=lambda r: (r.end, r.from_attribution), default=None)


def _is_speaker_entity(ent: Span) -> bool:
    """People and organisations; NER also tags a company named before its site as a facility
    ("the Keller Textiles plant"), which counts when its name words type it."""
    if ent.label_ in ("PERSON", "ORG"):
        return True
    return ent.label_ == "FAC" and classify_source(ent) != "unknown"


def _entity_referent(ent: Span) -> Referent:
    animate = ent.label_ == "PERSON"
    return Referent(ent.end_char, ent.text, animate, named=True, from_attribution=False,
                    salient=ent.root.dep_ in _SUBJECT_DEPS, entity=ent)


# --- who speaks: the subject of a cue verb -------------------------------------------------------

_RELATIVE_TAGS = frozenset({"WDT", "WP"})
# How many verbs up a subjectless cue may look for the subject it shares ("X rose, paused and
# said ...").
_MAX_CONTROL_DEPTH = 3


def speaker(verb: Token) -> tuple[Token, list[int]] | None:
    """The subject of a cue verb and the token indices of its phrase.

    A verb without a subject of its own shares one: a participle or conjoined verb its head's
    ("X attacked Y, saying ..."), a gerund after a preposition the clause's ("in talking to
    reporters, X ..."), and a participle modifying a noun that noun ("voters supporting X").
    A relative pronoun ("Y, who said ...") is the source as written; ``antecedent`` names whom
    it means.
    """
    subject = _subject(verb, 0)
    if subject is None:
        return None
    indices = [t.i for t in subject.subtree]
    second = _second_subject(verb, subject)
    if second is not None:
        doc = verb.doc
        between = doc[subject.right_edge.i + 1 : second.left_edge.i]
        if any(t.is_punct for t in between):
            # '"The plan failed," said Doe': the parser made the quote a subject too.
            subject, indices = second, [t.i for t in second.subtree]
        elif not len(between):
            # "The opposition Civic Union said": one noun phrase parsed as two subjects.
            indices += [t.i for t in second.subtree]
    if subject.i < verb.i and verb.i in indices:  # "voters supporting X": the noun phrase before
        indices = [i for i in indices if i < verb.left_edge.i]
    return (subject, indices) if indices else None


def antecedent(subject: Token) -> Span | None:
    """The noun phrase a relative pronoun refers to: "Jane Doe" in "Jane Doe, who said ..."."""
    clause = subject.head
    if subject.tag_ not in _RELATIVE_TAGS or clause.dep_ != "relcl":
        return None
    noun = clause.head
    end = clause.left_edge.i
    start = noun.left_edge.i
    while end > start and (noun.doc[end - 1].is_punct or noun.doc[end - 1].is_space):
        end -= 1
    return noun.doc[start:end] if start < end else None


def _second_subject(verb: Token, subject: Token) -> Token | None:
    """Another subject of the verb after ``subject`` (a mis-parse), the one nearest the verb."""
    later = [c for c in verb.children if c.dep_ == "nsubj" and c.i > subject.right_edge.i]
    return min(later, key=lambda c: abs(c.i - verb.i)) if later else None


def _subject(verb: Token, depth: int) -> Token | None:
    # A verb that shares its subject may share a passive one: "officials were angered by the deal
    # and predicted ..." (the officials predicted).
    subjects = [c for c in verb.children if c.dep_ == "nsubj" or depth and c.dep_ == "nsubjpass"]
    if subjects:
        return subjects[0]
    if depth >= _MAX_CONTROL_DEPTH:
        return None
    head = verb.head
    if carried_infinitive(verb):
        return _subject(head, depth + 1)
    if verb.dep_ in ("advcl", "conj") and head.i < verb.i and head.pos_ in ("VERB", "AUX"):
        if verb.dep_ == "advcl" and verb.tag_ != "VBG":
            return None
        return _subject(head, depth + 1)
    if verb.dep_ == "pcomp" and verb.tag_ == "VBG" and head.dep_ == "prep" \
            and head.head.pos_ in ("VERB", "AUX"):
        return _subject(head.head, depth + 1)
    if verb.dep_ == "acl" and verb.tag_ == "VBG" and head.pos_ in ("NOUN", "PROPN", "PRON") \
            and head.i < verb.i:
        return head
    return None


def carried_infinitive(verb: Token) -> bool:
    """"X went on to say ...", "X used the hearing to attack ...", "X continued to defend ...":
    a to-infinitive cue after a verb that is not itself a cue takes that verb's subject. A cue
    head ("X wants to say") is an attribution of its own; "continue" only carries the cue.
    Only speech and stance cues, and not after ``no_carrier_verbs`` ("used the hearing to
    attack ...": a purpose, not a report, more often than not on train)."""
    head = verb.head
    if verb.tag_ != "VB" or verb.dep_ not in ("xcomp", "advcl") or head.i > verb.i \
            or head.pos_ != "VERB":
        return False
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return False
    lex = attribution_lexicon()
    if lex.cue_types.get(cue_lemma(verb)) not in ("speech", "stance"):
        return False  # "began to see", "tried to show": rarely marked (a third on train)
    lemma = cue_lemma(head)
    if lemma in forms_lexicon().no_carrier_verbs:
        return False
    return lemma not in lex.cue_types or lemma == "continue"

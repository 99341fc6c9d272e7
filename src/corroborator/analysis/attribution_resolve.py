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
from dataclasses import dataclass
from typing import NamedTuple

from spacy.tokens import Doc, Span

from ..model import SourceKind
from .sources import (
    classify_source,
    is_animate,
    is_resolvable_nominal,
    pronoun_class,
    source_name,
    type_word,
)

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


@dataclass(frozen=True)
class Referent:
    """A possible antecedent for a pronoun or nominal source."""
    end: int  # character offset where it ends
    name: str
    kind: SourceKind
    animate: bool
    named: bool  # has a proper name (nominals like "the company" resolve only to these)
    type_word: str | None  # the common noun ending the name ("hospital"), if any
    from_attribution: bool  # an earlier source, preferred over a bare entity at the same place
    salient: bool = True  # a source or a subject; a name modifying a noun ("the Tern car") is not


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
    return Referent(source.end_char, name, kind, animate,
                    named=any(t.pos_ == "PROPN" for t in source), type_word=type_word(source),
                    from_attribution=True)


def resolved(source: Span, referents: list[Referent]) -> Resolved:
    """Name, kind and animacy of the source, through its antecedent when it has one."""
    own_kind = classify_source(source)
    pronoun = pronoun_class(source)
    if pronoun is not None:
        found = _latest(referents, source.start_char, lambda r: _fits_pronoun(r, pronoun))
        if found is None:
            return Resolved(source.text, "unknown", False, source.text)
        return Resolved(found.name, found.kind, found.animate, found.name)
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
    return Referent(ent.end_char, ent.text, classify_source(ent), animate, True, type_word(ent),
                    False, salient=ent.root.dep_ in _SUBJECT_DEPS)

"""Pronoun and bare-nominal sources take the name and kind of an earlier source.

"he said", "the company said": the span stays as written, but the chain names whom it refers to.
The rule, kept deliberately simple: "he"/"she" take the latest earlier source or PERSON entity
that names people; "it" the latest that does not; "they"/"we" the latest source or ORG entity;
"the company" / "the agency" / "the spokesman" (bare definite nominals) take the latest earlier
*named* source or entity of the same kind. Unresolved sources keep their own text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


def entity_referents(doc: Doc) -> list[Referent]:
    """People and organisations the article names, as referents."""
    return [_entity_referent(ent) for ent in doc.ents if _is_speaker_entity(ent)]


def source_referent(source: Span, name: str, kind: SourceKind, animate: bool) -> Referent:
    return Referent(source.end_char, name, kind, animate,
                    named=any(t.pos_ == "PROPN" for t in source), type_word=type_word(source),
                    from_attribution=True)


def resolved(source: Span, referents: list[Referent]) -> tuple[str, SourceKind, bool]:
    """Name, kind and animacy of the source, through its antecedent when it has one."""
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


def _fits_pronoun(referent: Referent, pronoun: str) -> bool:
    if pronoun == "animate":
        return referent.animate
    if pronoun == "inanimate":
        return not referent.animate and referent.kind != "person"
    return referent.from_attribution or not referent.animate


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
                    False)

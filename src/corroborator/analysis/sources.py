"""What kind of source is speaking: person, organisation, outlet, official, party or anonymous.

The decision is a short cascade over the source's noun phrase, driven by the word lists in
``data/attribution.yaml`` (nothing is hard-coded here):

1. anonymous wording anywhere in the phrase ("unnamed", "familiar with", "social media"), or an
   anonymous head ("sources", "a ministry source") that no proper noun names;
2. fixed phrases ("state media" -> outlet, "prime minister" -> official, "armed forces" -> party);
3. the head noun: a spokesperson-like noun takes the kind of the body it speaks for ("a police
   spokesperson" -> official, "a spokesperson for the National Liberation Army" -> party); a proper
   name is typed by its name words ("Radio Delta" -> outlet, "National Liberation Army" -> party),
   then by a title or appositive ("Colonel Ruiz", "Rivex, the dam operator"), then by its entity
   label; a common noun by its lemma, then its modifiers, then its appositive.

Clues from the rest of the article (how the source speaks, the full names it shortens, "its" or
"the company" after a name, which agency "the agency" is) live in ``source_kinds``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Span, Token

from ..model import SourceKind
from .lexicon import load_lexicon
from .source_kinds import (
    bare_agency_is_news,
    full_names_of,
    has_words,
    name_tokens,
    referred_to_as_company,
    speaks_anonymously,
)

# Kinds whose word lists are consulted, in this order, when a head or name matches several.
_TYPED_KINDS: tuple[SourceKind, ...] = ("outlet", "official", "party", "organisation", "person")
# Entity labels that type a proper name when no word list does. A country or city that "said"
# something speaks through its government.
_LABEL_KINDS: dict[str, SourceKind] = {"PERSON": "person", "ORG": "organisation", "GPE": "official"}
# Kinds whose proper-name words are consulted, in this order.
_NAME_KINDS: tuple[SourceKind, ...] = ("outlet", "party", "official", "organisation")
_BODY_KINDS = frozenset({"official", "party", "outlet", "organisation"})
# Cue verb lists in attribution.yaml ("<kind>_verbs"), in order of precedence; the kind becomes
# the attribution's cue_type.
_CUE_KINDS = ("speech", "belief", "intention", "evidence", "stance")
_MAX_DEPTH = 3  # representative -> body -> appositive is as deep as real phrases go


@dataclass(frozen=True)
class AttributionLexicon:
    speech_verbs: frozenset[str]
    cue_types: dict[str, str]  # cue verb lemma -> cue_type; speech verbs win over other lists
    preposition_cues: dict[str, frozenset[str]]  # verb lemma -> prepositions joining its cue
    object_content: frozenset[str]
    charge_prepositions: dict[str, frozenset[str]]  # verb lemma -> prepositions of the deed
    infinitive_content: frozenset[str]
    citing_verbs: frozenset[str]
    figure_verbs: frozenset[str]
    figure_nouns: frozenset[str]
    figure_prepositions: frozenset[str]
    pronouns: dict[str, str]
    resolvable_nominals: frozenset[str]
    resolvable_suffixes: tuple[str, ...]
    acronym_skip: frozenset[str]
    representatives: dict[str, SourceKind]
    body_prepositions: frozenset[str]
    partitives: frozenset[str]
    hearsay_heads: frozenset[str]
    hearsay_prepositions: frozenset[str]
    noun_cues: frozenset[str]
    animate_heads: frozenset[str]
    phrases: dict[str, tuple[str, ...]]  # kind -> whole-word phrases
    name_words: dict[str, tuple[str, ...]]  # kind -> words of proper names
    head_lemmas: dict[str, frozenset[str]]  # kind -> head lemmas
    head_suffixes: dict[str, tuple[str, ...]]  # kind -> endings of compound head lemmas
    # kind -> head lemma -> modifier lemmas that give the head that kind ("civil guard")
    modified_heads: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    # kind -> words that type a proper name only as its last word ("Dalby Tours", but not
    # "Transport Minister Karel Dusek")
    name_endings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lemma_fixes: dict[str, str] = field(default_factory=dict)  # surface -> lemma
    object_prepositions: frozenset[str] = frozenset()  # phrases an object content takes along
    # Cue verbs whose direct object is rarely what is attributed ("told reporters", "maintained
    # a lead"); every other cue verb's object is its content when it has no clause.
    no_object_content: frozenset[str] = frozenset()
    # Cue verbs whose passive with "by" names an author, not a source ("written by").
    no_passive_cue: frozenset[str] = frozenset()
    # Attributions that name no one: "X seems to ...", "X is expected to ...", "Asked about ...".
    raising_verbs: frozenset[str] = frozenset()
    sourceless_passives: frozenset[str] = frozenset()
    subjectless_questions: frozenset[str] = frozenset()


def cue_lemma(token: Token) -> str:
    """The token's lemma, lower case, corrected where the tagger's lemmatiser is wrong for a cue
    ("hoped" -> "hop")."""
    return attribution_lexicon().lemma_fixes.get(token.lower_) or token.lemma_.lower()


@lru_cache(maxsize=1)
def attribution_lexicon() -> AttributionLexicon:
    """The attribution word lists from package data, parsed once per process."""
    raw = load_lexicon("attribution")
    cues, sources, kinds = raw["cues"], raw["sources"], raw["kinds"]

    def per_kind(key: str) -> dict[str, tuple[str, ...]]:
        return {
            kind: tuple(str(w).lower() for w in spec.get(key, ())) for kind, spec in kinds.items()
        }

    cue_types: dict[str, str] = {}
    for kind in _CUE_KINDS:  # later kinds do not overwrite earlier ones: speech comes first
        for verb in cues[f"{kind}_verbs"]:
            cue_types.setdefault(str(verb), kind)
    return AttributionLexicon(
        speech_verbs=frozenset(cues["speech_verbs"]),
        cue_types=cue_types,
        preposition_cues={
            str(verb): frozenset(str(p) for p in preps)
            for verb, preps in cues["preposition_cues"].items()
        },
        object_content=frozenset(cues["object_content"]),
        charge_prepositions={
            str(verb): frozenset(str(p) for p in preps)
            for verb, preps in cues.get("charge_prepositions", {}).items()
        },
        infinitive_content=frozenset(cues["infinitive_content"]),
        citing_verbs=frozenset(cues["citing_verbs"]),
        figure_verbs=frozenset(cues.get("figure_verbs", ())),
        figure_nouns=frozenset(cues.get("figure_nouns", ())),
        figure_prepositions=frozenset(cues.get("figure_prepositions", ())),
        lemma_fixes={str(k): str(v) for k, v in cues.get("lemma_fixes", {}).items()},
        object_prepositions=frozenset(cues.get("object_prepositions", ())),
        no_object_content=frozenset(cues.get("no_object_content", ())),
        no_passive_cue=frozenset(cues.get("no_passive_cue", ())),
        raising_verbs=frozenset(cues.get("raising_verbs", ())),
        sourceless_passives=frozenset(cues.get("sourceless_passives", ())),
        subjectless_questions=frozenset(cues.get("subjectless_questions", ())),
        pronouns={str(k): v for k, v in sources["pronouns"].items()},
        resolvable_nominals=frozenset(sources["resolvable_nominals"]),
        resolvable_suffixes=tuple(sources.get("resolvable_suffixes", ())),
        acronym_skip=frozenset(sources.get("acronym_skip", ())),
        representatives=dict(sources["representatives"]),
        body_prepositions=frozenset(sources["body_prepositions"]),
        partitives=frozenset(sources["partitives"]),
        hearsay_heads=frozenset(sources["hearsay_heads"]),
        hearsay_prepositions=frozenset(sources["hearsay_prepositions"]),
        noun_cues=frozenset(cues["noun_cues"]),
        animate_heads=frozenset(raw["animate_heads"]),
        phrases=per_kind("phrases"),
        name_words=per_kind("name_words"),
        head_lemmas={k: frozenset(v) for k, v in per_kind("head_lemmas").items()},
        head_suffixes=per_kind("head_suffixes"),
        name_endings=per_kind("name_endings"),
        modified_heads={
            kind: {str(h): frozenset(str(m) for m in mods)
                   for h, mods in spec.get("modified_heads", {}).items()}
            for kind, spec in kinds.items()
        },
    )


def classify_source(span: Span) -> SourceKind:
    """The kind of source a noun phrase names (see the module docstring for the cascade)."""
    lex = attribution_lexicon()
    text = span.text.lower()
    if _is_anonymous(span, text, lex) or speaks_anonymously(span):
        return "anonymous"
    for kind in ("outlet", "official", "party"):
        if has_words(text, lex.phrases.get(kind, ())):
            return kind
    if is_resolvable_nominal(span) and span[1].lemma_.lower() == "agency":
        # A bare "the agency" is a news agency only right after one is named.
        return "outlet" if bare_agency_is_news(span) else "official"
    return _kind_of_head(_phrase_head(span), lex, 0)


def _phrase_head(span: Span) -> Token:
    """The noun heading the phrase. A mis-parse can make a noun phrase a clause ("The Free
    Highlands Movement, which seeks ... highlands" with "highlands" read as a verb): its subject
    is then the head."""
    root = span.root
    if root.pos_ != "VERB":
        return root
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")
                    and span.start <= c.i < span.end), None)
    return subject if subject is not None else root


def pronoun_class(span: Span) -> str | None:
    """"animate", "inanimate" or "any" when the span is a bare pronoun we resolve, else None."""
    if len(span) != 1 or span[0].pos_ != "PRON":
        return None
    return attribution_lexicon().pronouns.get(span[0].lower_)


def is_resolvable_nominal(span: Span) -> bool:
    """A bare definite nominal such as "the company" or "the spokesman" (no name, no modifier)."""
    lex = attribution_lexicon()
    if len(span) != 2 or span[0].lower_ != "the" or span[1].pos_ != "NOUN":
        return False
    lemma = span[1].lemma_.lower()
    return lemma in lex.resolvable_nominals or lemma.endswith(lex.resolvable_suffixes)


def is_animate(span: Span) -> bool:
    """Whether the phrase names one or more people (so "he"/"she" may refer back to it)."""
    head = span.root
    if head.ent_type_ == "PERSON":
        return not referred_to_as_company(head)
    lex = attribution_lexicon()
    roles = [head, *(c for c in head.children if c.dep_ in ("compound", "appos"))]
    return any(t.lemma_.lower() in lex.animate_heads for t in roles)


def _is_anonymous(span: Span, text: str, lex: AttributionLexicon) -> bool:
    if has_words(text, lex.phrases.get("anonymous", ())):
        return True
    named = any(t.pos_ == "PROPN" for t in span)
    return not named and span.root.lemma_.lower() in lex.head_lemmas.get("anonymous", ())


def _kind_of_head(head: Token, lex: AttributionLexicon, depth: int) -> SourceKind:
    if depth > _MAX_DEPTH:
        return "unknown"
    lemma = head.lemma_.lower()
    if lemma in lex.representatives:
        return _kind_of_representative(head, lex, depth)
    if lemma in lex.partitives and (whole := _partitive_whole(head)) is not None:
        return _kind_of_head(whole, lex, depth + 1)
    if head.pos_ == "PROPN":
        return _kind_of_name(head, lex, depth)
    kind = _kind_of_modified(head, lemma, lex) or _kind_of_lemma(lemma, lex)
    if kind:
        return kind
    for child in head.children:
        if child.dep_ in ("compound", "amod") and (kind := _kind_of_lemma(child.lemma_, lex)):
            return kind
    return _kind_of_roles(head, lex, depth) or _LABEL_KINDS.get(head.ent_type_, "unknown")


def _kind_of_name(head: Token, lex: AttributionLexicon, depth: int) -> SourceKind:
    """A proper name: its own words first ("Radio Delta"), then titles/appositives, then NER.

    Among the name's words, a multi-word entry wins ("Kessa Refugee Council" is an aid body),
    then the name's head word ("Mirelle General Hospital" is a hospital), then any other word.
    """
    kind = _kind_of_own_words(head, lex)
    if kind:
        return kind
    kind = (
        _kind_of_roles(head, lex, depth)
        or _kind_of_full_name(head, lex, depth)
        or _LABEL_KINDS.get(head.ent_type_, "unknown")
    )
    # A company name the tagger calls a person ("Orlen Brightwater said its plant ...").
    if kind == "person" and head.ent_type_ == "PERSON" and referred_to_as_company(head):
        return "organisation"
    return kind


def _kind_of_own_words(head: Token, lex: AttributionLexicon) -> SourceKind | None:
    """The kind a proper name's own words give: a multi-word entry, then the head word (or a
    trade word that only ends a company name, "Dalby Tours"), then any other word."""
    name = " ".join(t.lower_ for t in name_tokens(head))
    return (
        _kind_of_name_words(name, lex, multiword=True)
        or _kind_of_name_words(head.lower_, lex, multiword=False, ending=True)
        or _kind_of_name_words(name, lex, multiword=False)
    )


def _kind_of_full_name(head: Token, lex: AttributionLexicon, depth: int) -> SourceKind | None:
    """An acronym ("the FHM") or a bare one-word name ("Quillon said") is the kind of the fuller
    name the article spells out ("the Free Highlands Movement", "Quillon Telecom", "Mayor Tobias
    Renn"), the nearest earlier one first: NER often types the short form on its own ("Quillon"
    as nothing, "Dalby" of "Dalby Tours" as a person)."""
    if depth >= _MAX_DEPTH:
        return None
    doc = head.doc
    for i in full_names_of(head):
        kind = _kind_of_name(doc[i], lex, depth + 1)
        if kind != "unknown":
            return kind
    return None


def _kind_of_name_words(
    name: str, lex: AttributionLexicon, multiword: bool, ending: bool = False
) -> SourceKind | None:
    for kind in _NAME_KINDS:
        if has_words(name, _name_words(kind, multiword, ending)):
            return kind
    return None


@lru_cache(maxsize=32)
def _name_words(kind: str, multiword: bool, ending: bool) -> tuple[str, ...]:
    """A kind's name words, single or multi-word; with ``ending``, also the words that type a
    name only as its last word."""
    lex = attribution_lexicon()
    words = lex.name_words.get(kind, ()) + (lex.name_endings.get(kind, ()) if ending else ())
    return tuple(w for w in words if (" " in w) == multiword)


def _partitive_whole(head: Token) -> Token | None:
    """"one of the dockworkers" -> "dockworkers"."""
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            return next((c for c in prep.children if c.dep_ == "pobj"), None)
    return None


def source_name(span: Span) -> str:
    """The name a source goes by in a chain: its text, except that hearsay named after where it
    circulates takes the compound form ("unverified reports on social media" ->
    "unverified social media reports"), so every outlet's wording of it reads alike."""
    lex = attribution_lexicon()
    head = span.root
    cut = _nonrestrictive_clause_start(span)
    if cut is not None:  # "the Free Highlands Movement, which seeks ..." -> the name alone
        return span.doc[span.start:cut].text
    if head.lemma_.lower() not in lex.hearsay_heads or head.pos_ != "NOUN":
        return span.text
    preps = [c for c in head.children if c.dep_ == "prep" and c.lower_ in lex.hearsay_prepositions]
    where = [c for p in preps[:1] for c in p.children if c.dep_ == "pobj"]
    if not where or preps[0].i < head.i or preps[0].right_edge.i >= span.end:
        return span.text
    doc = span.doc
    before = doc[span.start : head.i].text
    place = doc[where[0].left_edge.i : where[0].right_edge.i + 1]
    words = [before, place.text, head.text, doc[preps[0].right_edge.i + 1 : span.end].text]
    return " ".join(w for w in words if w)


def _nonrestrictive_clause_start(span: Span) -> int | None:
    """Index of the comma opening a relative clause on the source's head ("X, which ..."): the
    clause characterises the source (a label worth comparing in framing), it does not name it."""
    # Any relative clause inside the span, not only on its root: the parser sometimes hangs the
    # name under a later word ("the X Movement, which seeks ... highlands, accused ...").
    for token in span:
        comma = token.left_edge.i - 1
        if (token.dep_ == "relcl" and span.start < comma < span.end
                and span.doc[comma].text == "," and token.head.i < comma):
            return comma
    return None


def _kind_of_roles(head: Token, lex: AttributionLexicon, depth: int) -> SourceKind | None:
    """The kind given by a title ("Colonel Ruiz") or an appositive ("Rivex, the dam operator")."""
    for child in head.children:
        if child.dep_ == "compound" and child.lemma_.lower() in lex.representatives:
            return _kind_of_representative(child, lex, depth + 1)
        if child.dep_ == "compound" and (kind := _kind_of_lemma(child.lemma_, lex)):
            return kind
        if child.dep_ == "appos":
            kind = _kind_of_head(child, lex, depth + 1)
            if kind != "unknown":
                return kind
    return None


def _kind_of_representative(rep: Token, lex: AttributionLexicon, depth: int) -> SourceKind:
    """A spokesperson (or statement) is the kind of the body it speaks for."""
    for body in _bodies(rep, lex):
        kind = _kind_of_head(body, lex, depth + 1)
        if kind in _BODY_KINDS:
            return kind
        if body.pos_ == "PROPN":  # a named body we cannot type is still an organisation
            return "organisation"
    return lex.representatives[rep.lemma_.lower()]


def _bodies(rep: Token, lex: AttributionLexicon) -> list[Token]:
    bodies = [c for c in rep.children if c.dep_ in ("compound", "poss", "nmod")]
    for prep in rep.children:
        if prep.dep_ == "prep" and prep.lower_ in lex.body_prepositions:
            bodies.extend(c for c in prep.children if c.dep_ == "pobj")
    return bodies


def _kind_of_modified(head: Token, lemma: str, lex: AttributionLexicon) -> SourceKind | None:
    """A head whose kind its modifier decides: "the civil guard", "border guards" (official), not
    "a security guard" (a person)."""
    for kind in _TYPED_KINDS:
        modifiers = lex.modified_heads.get(kind, {}).get(lemma)
        if modifiers and any(c.dep_ in ("compound", "amod") and c.lemma_.lower() in modifiers
                             for c in head.children):
            return kind
    return None


def _kind_of_lemma(lemma: str, lex: AttributionLexicon) -> SourceKind | None:
    lemma = lemma.lower()
    for kind in _TYPED_KINDS:
        if lemma in lex.head_lemmas.get(kind, ()):
            return kind
    for kind in _TYPED_KINDS:
        if any(lemma.endswith(end) for end in lex.head_suffixes.get(kind, ())):
            return kind
    return None


def type_word(span: Span) -> str | None:
    """The common noun a name ends in when it says what the body is ("St Lucan's Hospital" ->
    "hospital"), used so that "the company" does not refer back to a hospital."""
    root = span.root if span.root.pos_ in ("NOUN", "PROPN") else span[-1]
    # An entity can stop short of its noun: NER marks "St Lucan's" in "St Lucan's Hospital".
    while root.dep_ in ("poss", "compound") and root.head.i >= span.end - 1 and root.head != root:
        root = root.head
    lemma = root.lemma_.lower()
    lex = attribution_lexicon()
    return lemma if any(lemma in words for words in lex.head_lemmas.values()) else None

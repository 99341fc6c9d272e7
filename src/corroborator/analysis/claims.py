"""Check-worthy claims: which sentences assert a checkable fact, linked to their evidence.

Two scores decide (``is_claim``): a transparent rule score (ClaimBuster-style features: concrete
numbers, dates, named actors and places, reported speech and event verbs; questions, very short
and verbless sentences score 0) gates every claim; sentences without a number, date,
attribution or hedge must also reach a learned probability (``analysis.checkworthy``, a logistic
regression trained on ClaimBuster). The claim keeps the learned probability as its
``checkworthiness``; the links to attribution, hedges and values are the same either way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span

from ..model import (
    Article,
    Attribution,
    Claim,
    DateMention,
    Entity,
    Hedge,
    Quantity,
    TextSpan,
)
from ..settings import Settings
from .attribution_spans import claim_content
from .checkworthy import ACTOR_LABELS, PLACE_LABELS, load_model, rule_features
from .nlp import doc_text

# Words that negate the whole assertion even without a syntactic "neg" child.
NEGATING_WORDS = frozenset({"no", "none", "nobody", "nothing", "never", "neither", "denied",
                            "denies", "deny", "rejected", "refuted"})
# "could not be verified/confirmed" weakens a claim (a hedge); it does not deny it.
VERIFICATION_LEMMAS = frozenset({"verify", "confirm", "corroborate", "establish", "know"})
MIN_CLAIM_TOKENS = 5


def extract_claims(
    article: Article,
    doc: Doc,
    entities: Sequence[Entity],
    quantities: Sequence[Quantity],
    dates: Sequence[DateMention],
    attributions: Sequence[Attribution],
    hedges: Sequence[Hedge],
    settings: Settings,
) -> list[Claim]:
    claims: list[Claim] = []
    model = load_model()
    text = doc_text(doc)  # Doc.text re-joins every token on each access: cached on the doc
    speech = _speech_attributions(attributions)
    for sent in doc.sents:
        if not sent.text.strip():
            continue
        sentence = _trimmed_span(text, sent.start_char, sent.end_char)
        def inside(span: TextSpan, sentence: TextSpan = sentence) -> bool:
            return sentence.start <= span.start and span.end <= sentence.end

        attribution = _attribution_for(sentence, speech)
        # Counts inside the source phrase ("two unnamed engineers said") describe who speaks,
        # not what is claimed, so they never take part in number conflicts.
        source = attribution.source if attribution is not None else None
        sent_quantities = tuple(
            q for q in quantities
            if inside(q.span) and not (source is not None and _overlaps(q.span, source))
        )
        sent_dates = tuple(d for d in dates if inside(d.span))
        sent_entities = [e for e in entities if inside(e.span)]
        rule_score = checkworthiness(sent, sent_quantities, sent_dates, sent_entities, attribution)
        if rule_score < settings.min_checkworthiness:
            continue  # the rule gates every claim (see is_claim): no need to ask the model
        features = rule_features(sent_quantities, sent_dates, sent_entities, attribution)
        probability = model.probability(sentence.text, features)
        sent_hedges = tuple(h for h in hedges if _overlaps(h.scope, sentence))
        if not is_claim(probability, rule_score, features, settings, hedged=bool(sent_hedges)):
            continue
        claim_span = _claim_span(sentence, attribution)
        claims.append(Claim(
            id=f"{article.id}#c{len(claims) + 1}",
            span=claim_span,
            sentence=sentence,
            attribution=attribution,
            hedges=sent_hedges,
            quantities=sent_quantities,
            dates=sent_dates,
            places=tuple(e for e in sent_entities if e.label in PLACE_LABELS),
            actors=tuple(e for e in sent_entities if e.label in ACTOR_LABELS),
            negated=is_negated(doc, claim_span, attribution),
            checkworthiness=round(probability, 3),
        ))
    return claims


def is_claim(
    probability: float,
    rule_score: float,
    features: Mapping[str, float],
    settings: Settings,
    hedged: bool = False,
) -> bool:
    """Whether a sentence becomes a claim.

    ``probability`` is the learned check-worthiness, ``rule_score`` the rule's, ``features`` the
    sentence's ``rule_features``. The rule gates every claim (no verb, a question or a fragment
    is never one). Sentences with a number, a date, an attribution or a hedge are then kept:
    values and sources are what cross-source comparison works on, and a hedge ("reportedly")
    marks an assertion someone made that is not yet verified. Plain narration must also convince
    the model, which drops background ("The plant makes school uniforms") and colour.
    """
    if rule_score < settings.min_checkworthiness:
        return False
    has_evidence = hedged or any(
        features.get(name) for name in ("has_quantity", "has_date", "has_attribution")
    )
    return has_evidence or probability >= settings.min_claim_probability


def checkworthiness(
    sent: Span,
    quantities: Sequence[Quantity],
    dates: Sequence[DateMention],
    entities: Sequence[Entity],
    attribution: Attribution | None,
) -> float:
    """Rule score in 0..1: each kind of checkable specific adds weight."""
    shape = _SentenceShape.of(sent)
    if shape.words < MIN_CLAIM_TOKENS or sent.text.rstrip().endswith("?"):
        return 0.0
    if not shape.has_verb:
        return 0.0
    score = 0.2
    score += 0.35 if quantities else 0.0
    score += 0.2 if dates else 0.0
    score += 0.25 if any(e.label in ACTOR_LABELS | PLACE_LABELS for e in entities) else 0.0
    score += 0.25 if attribution is not None else 0.0
    score += 0.15 if shape.has_event_verb else 0.0
    score += 0.15 if shape.has_noun_subject else 0.0
    return min(score, 1.0)


@dataclass(frozen=True)
class _SentenceShape:
    """What the rule score reads from a sentence's tokens, gathered in one pass (each separate
    scan built a spaCy Token per word again)."""
    words: int  # tokens that are neither punctuation nor space
    has_verb: bool  # a verb or auxiliary
    # A lexical verb other than a bare copula ("is", "was") signals an event or action.
    has_event_verb: bool
    # "Police responded with tear gas": a concrete actor doing something is checkable even
    # without a named entity; pronoun subjects ("it was", "they said") are not enough alone.
    has_noun_subject: bool

    @classmethod
    def of(cls, sent: Span) -> _SentenceShape:
        words, verb, event, subject = 0, False, False, False
        for t in sent:
            pos = t.pos_
            if not t.is_punct and not t.is_space:
                words += 1
            if pos == "VERB":
                verb = True
                event = event or t.lemma_ not in ("be", "have")
            elif pos == "AUX":
                verb = True
            if not subject and pos in ("NOUN", "PROPN"):
                subject = t.dep_ in ("nsubj", "nsubjpass")
        return cls(words, verb, event, subject)


def is_negated(doc: Doc, claim: TextSpan, attribution: Attribution | None) -> bool:
    """Whether the claim asserts the negative ("no one was injured", "X denied that ...")."""
    if attribution is not None and attribution.cue.text.lower() in NEGATING_WORDS:
        return True
    span = doc.char_span(claim.start, claim.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    root = span.root
    if root.lemma_ in VERIFICATION_LEMMAS:
        return False
    if any(child.dep_ == "neg" for child in root.children):
        return True
    # "No one was injured", "Nobody died": a negative determiner or pronoun as subject.
    return any(
        t.lower_ in NEGATING_WORDS and t.dep_ in ("det", "nsubj", "nsubjpass", "ROOT")
        for t in span
    )


def _speech_attributions(attributions: Sequence[Attribution]) -> list[Attribution]:
    """The article's speech attributions, each with its content cut to the bare claim words
    (first piece, no quotes or "that"). Beliefs, intentions, evidence and stances state no
    claim of their source's."""
    return [replace(a, content=claim_content(a), content_parts=())
            for a in attributions if a.cue_type == "speech"]


def _attribution_for(sentence: TextSpan, speech: Sequence[Attribution]) -> Attribution | None:
    """The speech attribution whose content or cue lies in this sentence (content first)."""
    for attribution in speech:
        if _overlaps(attribution.content, sentence):
            return attribution
    for attribution in speech:
        if _overlaps(attribution.cue, sentence):
            return attribution
    return None


def _claim_span(sentence: TextSpan, attribution: Attribution | None) -> TextSpan:
    """The asserted content when the sentence reports speech, else the whole sentence."""
    if attribution is None:
        return sentence
    content = attribution.content
    if sentence.start <= content.start and content.end <= sentence.end and content.text.strip():
        return content
    return sentence


def _trimmed_span(text: str, start: int, end: int) -> TextSpan:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return TextSpan.of(text, start, end)


def _overlaps(a: TextSpan, b: TextSpan) -> bool:
    return a.start < b.end and b.start < a.end


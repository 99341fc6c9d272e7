"""Per-article analysis: one spaCy parse per article, then pure extractors over it.

Every extractor is a function of the parsed ``Doc`` (plus the publication date for dates), so it
can be tested alone and the parse is never repeated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Doc

from ..model import Analysis, Article, Entity, TextSpan
from ..settings import DEFAULT_SETTINGS, Settings
from .attribution import extract_attributions
from .attribution_spans import doc_text
from .claims import extract_claims
from .dates import extract_dates
from .framing import find_framing_terms
from .hedges import find_hedges
from .nlp import load_nlp
from .quantities import extract_quantities

# Bump when any extractor's output changes: the store caches analyses by (content hash, version).
ANALYZER_VERSION = "analyze/2"


def analyze_articles(
    articles: Iterable[Article], settings: Settings = DEFAULT_SETTINGS
) -> Iterator[Analysis]:
    """Analyse articles in parser batches, yielding each Analysis as soon as it is ready."""
    nlp = load_nlp(settings.spacy_model)
    pairs = ((article.text, article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=settings.spacy_batch_size):
        yield analyze_doc(article, doc, settings)


def analyze_article(article: Article, settings: Settings = DEFAULT_SETTINGS) -> Analysis:
    return next(analyze_articles([article], settings))


def analyze_doc(article: Article, doc: Doc, settings: Settings) -> Analysis:
    text = doc_text(doc)  # cached on the doc: spaCy re-joins every token at each doc.text
    entities = tuple(
        Entity(TextSpan.of(text, ent.start_char, ent.end_char), ent.label_) for ent in doc.ents
    )
    quantities = tuple(extract_quantities(doc))
    dates = tuple(extract_dates(doc, article.published))
    attributions = tuple(extract_attributions(doc))
    hedges = tuple(find_hedges(doc))
    claims = tuple(extract_claims(
        article, doc, entities, quantities, dates, attributions, hedges, settings
    ))
    sentences = tuple(TextSpan.of(text, s.start_char, s.end_char) for s in doc.sents)
    return Analysis(
        article=article,
        sentences=sentences,
        entities=entities,
        quantities=quantities,
        dates=dates,
        attributions=attributions,
        hedges=hedges,
        claims=claims,
        framing=tuple(find_framing_terms(doc)),
    )

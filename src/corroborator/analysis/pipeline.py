"""Per-article analysis: one spaCy parse per article, then pure extractors over it.

Every extractor is a function of the parsed ``Doc`` (plus the publication date for dates), so it
can be tested alone and the parse is never repeated.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from multiprocessing.pool import AsyncResult

from spacy.tokens import Doc

from ..model import Analysis, Article, Entity, TextSpan
from ..settings import DEFAULT_SETTINGS, Settings
from .attribution import extract_attributions
from .claims import extract_claims
from .dates import extract_dates
from .framing import find_framing_terms
from .hedges import find_hedges
from .nlp import doc_text, load_nlp
from .quantities import extract_quantities

# Bump when any extractor's output changes: the store caches analyses by (content hash, version).
ANALYZER_VERSION = "analyze/14"


# Inputs of at least this many articles are analysed in worker processes. Forking a worker (the
# model is inherited, not reloaded) and shipping its analyses back costs ~0.1 s, repaid within a
# few articles; fewer articles stay in this process, which also keeps single-article calls cheap.
PARALLEL_MIN_ARTICLES = 32
# At most this many workers: the issue-5 target machine has 2 cores, and each worker grows its own
# spaCy string store and memory pools (RSS), so more workers than cores only cost memory.
MAX_WORKERS = 4


def analyze_articles(
    articles: Iterable[Article], settings: Settings = DEFAULT_SETTINGS, *,
    processes: int | None = None,
) -> Iterator[Analysis]:
    """Analyse articles in parser batches, yielding each Analysis in input order as soon as it is
    ready. ``processes``: worker processes (None: one per core, up to MAX_WORKERS, when the input
    has at least PARALLEL_MIN_ARTICLES articles; 1: always in this process)."""
    load_nlp(settings.spacy_model)  # before any fork, so workers inherit the loaded model
    pending = iter(articles)
    head = list(islice(pending, PARALLEL_MIN_ARTICLES))
    workers = _worker_count(processes, len(head))
    if workers <= 1:
        yield from _analyze_here(chain(head, pending), settings)
    else:
        yield from _analyze_in_workers(chain(head, pending), settings, workers)


def _worker_count(processes: int | None, head_length: int) -> int:
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # spawned workers would reload the model and re-import __main__: not worth it
    if processes is not None:
        return processes
    if head_length < PARALLEL_MIN_ARTICLES:
        return 1
    return min(MAX_WORKERS, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def _analyze_here(articles: Iterable[Article], settings: Settings) -> Iterator[Analysis]:
    nlp = load_nlp(settings.spacy_model)
    pairs = ((article.text, article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=settings.spacy_batch_size):
        yield analyze_doc(article, doc, settings)


def _analyze_chunk(articles: list[Article], settings: Settings) -> list[Analysis]:
    """A worker's task: one parser batch, analysed whole (module level, so it can be pickled)."""
    return list(_analyze_here(articles, settings))


def _analyze_in_workers(
    articles: Iterable[Article], settings: Settings, workers: int
) -> Iterator[Analysis]:
    """Whole analyses (parse and extractors) in forked workers, one parser batch per task, so a
    worker parses exactly the batches this process would: the parse, hence every output, is the
    same. At most two tasks per worker are in flight, so a long input is not read ahead whole."""
    chunks = _batches(articles, settings.spacy_batch_size)
    in_flight: deque[AsyncResult] = deque()
    # Workers inherit the parent's objects (the model among them) frozen out of the cyclic GC:
    # otherwise each worker's collections walk them, touching refcounts and copying the shared
    # pages (~5% of the CPU per article). Unfrozen right after the fork, so the parent's own
    # objects stay collectable.
    gc.freeze()
    try:
        pool = multiprocessing.get_context("fork").Pool(workers)
    finally:
        gc.unfreeze()
    with pool:
        for chunk in chunks:
            in_flight.append(pool.apply_async(_analyze_chunk, (chunk, settings)))
            if len(in_flight) >= 2 * workers:
                yield from in_flight.popleft().get()
        while in_flight:
            yield from in_flight.popleft().get()


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while batch := list(islice(iterator, size)):
        yield batch


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

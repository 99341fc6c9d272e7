"""The whole pipeline, in order: ingest -> analyze -> stories -> cross-check -> report (+ store).

This is the one place that wires the stages together; the CLI, the API and the Python entry point
``corroborator.analyze`` call ``run``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from . import __version__
from .analysis.pipeline import ANALYZER_VERSION, analyze_articles
from .crosscheck import check_story
from .embed import Embedder, default_embedder
from .errors import NothingToAnalyze
from .ingest import ingest_paths
from .model import Analysis, Article, Report
from .settings import DEFAULT_SETTINGS, Settings
from .store.sqlite import SqliteStore
from .stories import cluster_stories

Progress = Callable[[str], None]


def run(
    paths: Iterable[str | Path],
    *,
    settings: Settings = DEFAULT_SETTINGS,
    db: str | Path | None = None,
    embedder: Embedder | None = None,
    allow_private_urls: bool = False,
    include_stored: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Analyse the articles found at ``paths`` and return the cross-source report.

    With ``db`` every article is stored in its own transaction as soon as it is analysed, and a
    re-run reuses stored analyses (keyed by content hash and analyzer version) instead of parsing
    again. With ``include_stored`` (needs ``db``) the articles already in the store join this
    run's, so stories span runs: yesterday's reports and today's are grouped and cross-checked
    together. Raises NothingToAnalyze when no input could be read.
    """
    started = datetime.now(UTC)
    say = progress or (lambda _message: None)
    paths = [str(p) for p in paths]
    ingested = ingest_paths(paths, settings, allow_private_urls=allow_private_urls)
    if not ingested.articles:
        reasons = "; ".join(f"{p.source}: {p.reason}" for p in ingested.problems[:5])
        raise NothingToAnalyze(f"no readable article in {', '.join(paths)} ({reasons or 'empty'})")
    say(f"ingested {len(ingested.articles)} articles ({len(ingested.problems)} problems)")
    store = SqliteStore(db) if db is not None else None
    try:
        articles = list(ingested.articles)
        if include_stored and store is not None:
            articles += _stored_articles(store, articles)
            say(f"with the store: {len(articles)} articles")
        analyses = _analyse(articles, settings, store, say)
        embedder = embedder or default_embedder()
        stories = cluster_stories(analyses, embedder, settings)
        say(f"grouped into {len(stories)} stories")
        by_id = {a.article.id: a for a in analyses}
        story_reports = tuple(check_story(s, by_id, embedder, settings) for s in stories)
        report = Report(tuple(analyses), story_reports, ingested.problems)
        if store is not None:
            store.save_report(report, _run_info(paths, started, report))
        return report
    finally:
        if store is not None:
            store.close()


def _analyse(
    articles: Iterable[Article], settings: Settings, store: SqliteStore | None, say: Progress
) -> list[Analysis]:
    """Analyses in input order: cached ones from the store, the rest parsed and stored."""
    articles = list(articles)
    cached: dict[str, Analysis] = {}
    if store is not None:
        for article in articles:
            hit = store.cached_analysis(article.content_hash, ANALYZER_VERSION)
            if hit is not None:
                # Metadata (id, outlet) may differ between inputs of the same text: keep this run's.
                cached[article.content_hash] = _with_article(hit, article)
    todo = [a for a in articles if a.content_hash not in cached]
    fresh: dict[str, Analysis] = {}
    for analysis in analyze_articles(todo, settings):
        if store is not None:
            store.save_analysis(analysis, ANALYZER_VERSION)
        fresh[analysis.article.content_hash] = analysis
    say(f"analysed {len(todo)} articles, reused {len(cached)} from the store")
    return [cached.get(a.content_hash) or fresh[a.content_hash] for a in articles]


def _stored_articles(store: SqliteStore, given: list[Article]) -> list[Article]:
    """Stored articles not among ``given``. An id given again with new content is this run's
    article (the input wins); of several stored texts under one id the latest is kept."""
    taken_ids = {a.id for a in given}
    taken_hashes = {a.content_hash for a in given}
    latest: dict[str, Article] = {}
    for article in store.articles():  # oldest first, so later ones replace earlier ones
        if article.id not in taken_ids and article.content_hash not in taken_hashes:
            latest[article.id] = article
    return list(latest.values())


def _with_article(analysis: Analysis, article: Article) -> Analysis:
    if analysis.article == article:
        return analysis


    claims = tuple(
        replace(c, id=f"{article.id}#{c.id.rsplit('#', 1)[-1]}") for c in analysis.claims
    )
    return replace(analysis, article=article, claims=claims)


def _run_info(paths: list[str], started: datetime, report: Report) -> dict:
    return {
        "started": started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "inputs": paths,
        "articles": len(report.analyses),
        "stories": len(report.stories),
        "claims": sum(len(s.claims) for s in report.stories),
        "problems": len(report.problems),
        "version": __version__,
        "analyzer_version": ANALYZER_VERSION,
    }

"""The whole pipeline, in order: ingest -> analyze -> stories -> cross-check -> report (+ store).

This is the one place that wires the stages together; the CLI, the API and the Python entry point
``corroborator.analyze`` call ``run``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from . import __version__
from .analysis.pipeline import ANALYZER_VERSION, analyze_articles
from .crosscheck import check_story
from .embed import Embedder, default_embedder
from .errors import NothingToAnalyze
from .ingest import ingest_paths
from .model import Analysis, Article, IngestProblem, Report
from .resume import resume_stories, story_index_path
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
    again. With ``include_stored`` (needs ``db``) the run *resumes* the store's stories
    (resume.py): stored stories keep their ids, this run's new articles join them or open new
    ones (each placement saved in its own transaction), and the report holds the stories the
    run touched: those that changed and those holding an input article. Re-running the same
    input changes no story. Raises NothingToAnalyze when no input could be read.
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
        analyses = _analyse(ingested.articles, settings, store, say)
        embedder = embedder or default_embedder()
        if include_stored and store is not None and db is not None:
            report = _resumed(analyses, store, db, embedder, settings, say, ingested.problems)
            store.update_report(report, _run_info(paths, started, report))
            return report
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


def _resumed(
    analyses: list[Analysis], store: SqliteStore, db: str | Path, embedder: Embedder,
    settings: Settings, say: Progress, problems: Sequence[IngestProblem],
) -> Report:
    """The report of a resumed run: the touched stories and their articles."""
    result = resume_stories(
        store, analyses, embedder, settings, index_path=story_index_path(db),
        load=lambda pairs: _stored_analyses(pairs, settings, store, say), progress=say)
    say(f"placed {result.placed} new articles; {len(result.stories)} stories touched, "
        f"{len(result.dropped_story_ids)} merged away")
    given = {a.article.id: a for a in analyses}
    needed = [(i, result.content_hashes[i]) for s in result.stories for i in s.article_ids
              if i not in given]
    by_id = given | {a.article.id: a for a in _stored_analyses(needed, settings, store, say)}
    members = dict.fromkeys(i for s in result.stories for i in s.article_ids)
    story_reports = tuple(check_story(s, by_id, embedder, settings) for s in result.stories)
    return Report(tuple(by_id[i] for i in members), story_reports, tuple(problems))


def _stored_analyses(pairs: Sequence[tuple[str, str]], settings: Settings, store: SqliteStore,
                     say: Progress) -> list[Analysis]:
    """Analyses of stored articles, by (article id, content hash), in that order: from the
    cache, or parsed again (and cached) when the analyzer changed since they were stored."""
    found: dict[str, Analysis] = {}
    for article_id, content_hash in pairs:
        hit = store.cached_analysis(content_hash, ANALYZER_VERSION)
        if hit is not None:
            found[article_id] = _with_article(hit, replace(hit.article, id=article_id))
    if len(found) < len(pairs):
        stored = {a.content_hash: a for a in store.articles()}
        redo = [replace(stored[h], id=i) for i, h in pairs if i not in found]
        found |= {a.article.id: a for a in _analyse(redo, settings, store, say)}
    return [found[article_id] for article_id, _ in pairs]


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

"""Online story clustering on the example corpus: an article joins the story of its event, an
unrelated one opens its own, and later arrivals never move earlier articles."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from corroborator.analysis.pipeline import analyze_articles
from corroborator.embed import default_embedder
from corroborator.ingest import ingest_paths
from corroborator.settings import DEFAULT_SETTINGS
from corroborator.stories import cluster_stories
from golden import CORPUS, load_ground_truth

TRUTH = load_ground_truth()
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def analyses():
    articles = ingest_paths([str(CORPUS)], DEFAULT_SETTINGS).articles
    return {a.article.id: a for a in analyze_articles(articles, DEFAULT_SETTINGS)}


def _cluster(analyses):
    stories = cluster_stories(list(analyses), default_embedder(), DEFAULT_SETTINGS)
    return [set(s.article_ids) for s in stories], stories


def _gold_story(article_id: str) -> set[str]:
    return next(set(s["articles"]) for s in TRUTH["stories"] if article_id in s["articles"])


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def _arriving_last(analyses: dict, article_id: str, among: set[str] | None = None) -> list:
    """All analyses, the given one re-dated to arrive after every other of ``among`` (default:
    all), i.e. after the rest of its story has already been grouped."""
    others = [a for a in analyses.values() if a.article.id != article_id]
    dated = [_aware(a.article.published) for a in others
             if a.article.published and (among is None or a.article.id in among)]
    latest = max(dated, default=datetime(2024, 1, 1, tzinfo=UTC))
    last = analyses[article_id]
    moved = replace(last, article=replace(last.article, published=latest + timedelta(hours=2)))
    return [*others, moved]


def test_corpus_stories_match_the_ground_truth(analyses):
    groups, _ = _cluster(analyses.values())
    expected = [set(s["articles"]) for s in TRUTH["stories"]]
    expected += [{a} for a in TRUTH["unrelated"]]
    assert sorted(map(sorted, groups)) == sorted(map(sorted, expected))


@pytest.mark.parametrize("article_id",
                         ["dam-coast-herald", "ferry-radio-delta", "fire-valley-times"])
def test_late_article_joins_its_existing_story(analyses, article_id):
    groups, _ = _cluster(_arriving_last(analyses, article_id, _gold_story(article_id)))
    assert _gold_story(article_id) in groups


@pytest.mark.parametrize("article_id", TRUTH["unrelated"])
def test_late_unrelated_article_opens_a_new_story(analyses, article_id):
    groups, _ = _cluster(_arriving_last(analyses, article_id))
    assert {article_id} in groups


def test_later_articles_never_move_earlier_ones(analyses):
    """Online: the stories of a prefix of the stream are the full stories cut to that prefix."""
    far = datetime.max.replace(tzinfo=UTC)
    ordered = sorted(analyses.values(),
                     key=lambda a: (_aware(a.article.published) or far, a.article.id))
    prefix = ordered[: len(ordered) // 2]
    kept = {a.article.id for a in prefix}
    full, _ = _cluster(ordered)
    partial, _ = _cluster(prefix)
    cut = [g & kept for g in full if g & kept]
    assert sorted(map(sorted, partial)) == sorted(map(sorted, cut))


def test_story_title_is_one_of_its_articles_titles(analyses):
    _, stories = _cluster(analyses.values())
    for story in stories:
        titles = {analyses[a].article.title or analyses[a].article.text[:80]
                  for a in story.article_ids}
        assert story.title in titles

"""Syndicated copies: near-duplicate bodies, earlier publication is the source."""

from __future__ import annotations

from datetime import datetime

from corroborator.model import Analysis, Article
from corroborator.settings import DEFAULT_SETTINGS, Settings
from corroborator.syndication import find_syndicated, jaccard, shingles

BODY = (
    "The transport ministry said on Monday that all trains between Halden and Ebbe would stop "
    "for three days after a freight train left the tracks near the Sarn bridge. A ministry "
    "spokesperson said engineers were inspecting the line and that no passengers had been on "
    "board. Repairs would cost about two million euros, the spokesperson added, and buses would "
    "replace the trains from Tuesday morning until the line reopens later this week."
)
OTHER = (
    "Residents of Ebbe said they heard a loud bang late on Sunday night. Farmers near the river "
    "told reporters that diesel had leaked into a field, and the regional environment office "
    "sent inspectors to take samples of the water on Monday afternoon before the rain started."
)


def analysis(article_id: str, outlet: str, text: str, day: int | None) -> Analysis:
    published = datetime(2026, 6, day, 8) if day is not None else None
    article = Article(article_id, outlet, text, published=published)
    return Analysis(article, (), (), (), (), (), (), (), ())


def pairs(analyses, settings=DEFAULT_SETTINGS) -> set[tuple[str, str]]:
    return {(s.copy, s.of) for s in find_syndicated(analyses, settings)}


def test_shingles_and_jaccard():
    assert shingles("a b c", 5) == frozenset({("a", "b", "c")})
    assert len(shingles("one two three four five six", 5)) == 2
    assert jaccard(shingles(BODY, 5), shingles(BODY, 5)) == 1.0
    assert jaccard(shingles(BODY, 5), shingles(OTHER, 5)) == 0.0


def test_a_reprint_with_a_new_headline_is_a_copy_of_the_earlier_article():
    wire = analysis("wire", "Northern Wire", BODY, 1)
    reprint = analysis("paper", "Coast Herald", "Trains stopped after derailment\n" + BODY, 2)
    independent = analysis("own", "Valley Times", OTHER, 1)
    # The copy is listed first: publication time, not input order, decides the source.
    [found] = find_syndicated([reprint, independent, wire], Settings())
    assert (found.copy, found.of) == ("paper", "wire")
    assert 0.5 <= found.similarity < 1.0


def test_a_copy_of_a_copy_points_at_the_original():
    wire = analysis("wire", "Northern Wire", BODY, 1)
    first = analysis("first", "Coast Herald", BODY + " Subscribe for more.", 2)
    second = analysis("second", "Metro Bulletin", BODY + " Subscribe for more.", 3)
    assert pairs([wire, first, second]) == {("first", "wire"), ("second", "wire")}


def test_one_outlet_updating_its_own_story_is_not_syndication():
    morning = analysis("am", "Northern Wire", BODY, 1)
    evening = analysis("pm", "Northern Wire", BODY + " Update: buses are running.", 2)
    assert pairs([morning, evening]) == set()


def test_the_threshold_is_a_setting():
    half = BODY[: len(BODY) // 2]
    wire = analysis("wire", "Northern Wire", BODY, 1)
    trimmed = analysis("short", "Coast Herald", half, 2)
    assert pairs([wire, trimmed], Settings(syndication_min_jaccard=0.4)) == {("short", "wire")}
    assert pairs([wire, trimmed], Settings(syndication_min_jaccard=0.9)) == set()

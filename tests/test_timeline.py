"""Claim timelines: order by publication, first/followed/hedged/confirmed/contradicted."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from corroborator.timeline import claim_timeline
from report_fixtures import sample_report


def _setup(**published):
    report = sample_report()
    analyses = {}
    for a in report.analyses:
        if a.article.id in published:
            a = dataclasses.replace(
                a, article=dataclasses.replace(a.article, published=published[a.article.id])
            )
        analyses[a.article.id] = a
    groups = {g.id: g for s in report.stories for g in s.claims}
    return groups, analyses


def kinds(events):
    return [(e.kind, e.article_id) for e in events]


def test_conflicting_claim_is_contradicted_then_confirmed_undated_last():
    groups, analyses = _setup()
    events = claim_timeline(groups["s1-g1"], analyses)
    # a1 09:30+02:00 (07:30 UTC) before a2 18:00 UTC; a3 has no date and comes last
    assert kinds(events) == [
        ("first", "a1"), ("followed", "a2"), ("contradicted", "a2"),
        ("followed", "a3"), ("confirmed", "a3"),
    ]
    assert "12 villages" in events[2].note and "Coast Herald vs Valley Times" in events[2].note
    assert events[0].published.isoformat() == "2024-05-05T09:30:00+02:00"
    assert events[-1].published is None
    # a2's origin (the governor) disagrees with a1: only a3's Rivex report, which nobody
    # contradicts, makes a second independent origin that agrees
    assert "Rivex" in events[-1].note


def test_corroborated_claim_is_confirmed_by_the_second_origin():
    groups, analyses = _setup()
    events = claim_timeline(groups["s2-g1"], analyses)
    assert kinds(events) == [("first", "a4"), ("followed", "a5"), ("confirmed", "a5")]
    assert "a human rights observer" in events[-1].note


def test_hedged_follower_and_no_confirmation_for_a_single_origin():
    # the hedged Coast Herald report now comes after Valley Times'
    groups, analyses = _setup(a1=datetime(2024, 5, 6, 12, 0))  # naive: taken as UTC
    events = claim_timeline(groups["s1-g2"], analyses)
    assert kinds(events) == [("first", "a2"), ("hedged", "a1"), ("followed", "a3")]
    assert "Unverified" in events[1].note
    assert all(e.kind != "confirmed" for e in events)  # one origin: never confirmed


def test_single_mention_claim_has_only_its_first_report():
    groups, analyses = _setup()
    events = claim_timeline(groups["s1-g3"], analyses)
    assert kinds(events) == [("first", "a2")]
    assert "Valley Times publishes it first" in events[0].note

"""Conflict detection at scale: classes of equivalent mentions give the pairwise answer, large
disagreements are one conflict naming both sides, and every consumer reads them alike."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta
from itertools import combinations

import pytest

from corroborator.actors import main_acts
from corroborator.conflicts import compare_mentions, disagreeing_pairs
from corroborator.crosscheck import claim_status, explain
from corroborator.model import (
    ChainLink,
    Claim,
    ClaimGroup,
    Conflict,
    Entity,
    Mention,
    Quantity,
    TextSpan,
)
from corroborator.report.contract import to_contract, validate_contract
from corroborator.settings import Settings
from corroborator.timeline import claim_timeline
from report_fixtures import sample_report

UNCAPPED = Settings(conflict_pairs_listed_max=10**9)
DAY1 = datetime(2026, 6, 1, 9)


def _claim(text: str, *, count: tuple[str, float, str] | None = None,
           place: str | None = None, negated: bool = False) -> Claim:
    whole = TextSpan.of(text, 0, len(text))

    def span(sub: str) -> TextSpan:
        start = text.index(sub)
        return TextSpan.of(text, start, start + len(sub))

    quantities = () if count is None else (Quantity(span(count[0]), count[1], count[2]),)
    places = () if place is None else (Entity(span(place), "GPE"),)
    return Claim(id="x#c1", span=whole, sentence=whole, attribution=None, hedges=(),
                 quantities=quantities, dates=(), places=places, actors=(), negated=negated,
                 checkworthiness=1.0)


def _mention(claim: Claim, n: int, origin: str, kind: str,
             published: datetime | None = DAY1) -> Mention:
    outlet = f"Outlet {n}"
    chain = (ChainLink(outlet, "outlet", "published"), ChainLink(origin, kind, "said"))
    claim = dataclasses.replace(claim, id=f"a{n}#c1")
    return Mention(claim, f"a{n}", outlet, chain, origin, origin.lower(), published=published,
                   origin_kind=kind)


def _varied_group() -> list[Mention]:
    """Reports of one blast disagreeing on the toll, the place, polarity and the doer; several
    reports per variant so that classes hold more than one mention."""
    variants = [
        ("Rebels killed 12 people in Halden", ("12 people", 12, "people"), "Halden", False),
        ("Rebels killed 14 people in Halden", ("14 people", 14, "people"), "Halden", False),
        ("The army killed 12 people in Ebbe", ("12 people", 12, "people"), "Ebbe", False),
        ("No one was killed in Halden", None, "Halden", True),
        ("Rebels killed about 13 people in Halden", ("about 13 people", 13, "people"),
         "Halden", False),
    ]
    origins = [("the governor", "official"), ("the Red Cross", "organisation"),
               ("the Liberation Front", "party")]
    mentions = []
    for n in range(30):
        text, count, place, negated = variants[n % len(variants)]
        origin, kind = origins[n % len(origins)]
        mentions.append(_mention(_claim(text, count=count, place=place, negated=negated),
                                 n, origin, kind))
    return mentions


def _pairwise(mentions: list[Mention]) -> list[tuple]:
    """The conflicts found by comparing every pair on its own (no classes), as (kind, a, b,
    detail, minor, between), in the order of the pairs."""
    found = []
    for i, j in combinations(range(len(mentions)), 2):
        for c in compare_mentions([mentions[i], mentions[j]], UNCAPPED).conflicts:
            a, b = (i, j) if c.a == 0 else (j, i)
            found.append((c.kind, a, b, c.detail, c.minor, c.between))
    return found


def test_classes_of_equivalent_mentions_give_the_pairwise_answer():
    # Same publication time: no figure over time, so every pair is independent of the others.
    mentions = _varied_group()
    grouped = compare_mentions(mentions, UNCAPPED).conflicts
    got = [(c.kind, c.a, c.b, c.detail, c.minor, c.between) for c in grouped]
    expected = _pairwise(mentions)
    assert {kind for kind, *_ in expected} >= {"number", "place", "negation", "actor"}
    assert got == expected
    assert all(not c.a_side and not c.b_side for c in grouped)


def _two_parties(n_first: int, n_second: int) -> list[Mention]:
    first = [_mention(_claim("12 fighters were killed", count=("12 fighters", 12, "fighters")),
                      n, "the army", "party") for n in range(n_first)]
    second = [_mention(_claim("30 fighters were killed", count=("30 fighters", 30, "fighters")),
                       n_first + n, "the Liberation Front", "party")
              for n in range(n_second)]
    return first + second


def test_a_large_disagreement_is_one_conflict_naming_each_side():
    mentions = _two_parties(20, 10)
    listed = compare_mentions(mentions, Settings(conflict_pairs_listed_max=200)).conflicts
    assert len(listed) == 200 and all(c.between == "parties" for c in listed)
    [one] = compare_mentions(mentions, Settings(conflict_pairs_listed_max=199)).conflicts
    assert (one.kind, one.between, one.a, one.b) == ("number", "parties", 0, 20)
    assert one.a_side == tuple(range(20)) and one.b_side == tuple(range(20, 30))
    assert disagreeing_pairs(one, mentions) == 200
    assert "200 disagreeing pairs of reports" in one.detail
    text = explain(claim_status(mentions, [one], 2), mentions, ["the army", "Liberation Front"],
                   [one])
    assert "200 disagreeing pairs of reports in all" in text


def test_pairs_within_one_article_are_not_counted():
    mentions = _two_parties(3, 3)
    # The last report of each side comes from one article: that pair is no disagreement.
    mentions[5] = dataclasses.replace(mentions[5], article_id=mentions[2].article_id)
    [one] = compare_mentions(mentions, Settings(conflict_pairs_listed_max=1)).conflicts
    assert disagreeing_pairs(one, mentions) == 8
    listed = compare_mentions(mentions, UNCAPPED).conflicts
    assert len(listed) == 8 and all({c.a, c.b} != {2, 5} for c in listed)


def test_figures_over_time_stay_exact_and_large_conflicts_still_aggregate():
    # One source raises its toll (evolution); outlets quoting it as "40" on the first day
    # disagree with each of its figures (a later, smaller figure nobody gave is no update).
    toll = [_mention(_claim(f"{v} people died", count=(f"{v} people", v, "people")), n,
                     "the health ministry", "official", DAY1 + timedelta(hours=n))
            for n, v in enumerate([12, 12, 19, 19, 27])]
    same_day = [_mention(_claim("40 people died", count=("40 people", 40, "people")), 10 + n,
                         "the health ministry", "official", toll[0].published)
                for n in range(3)]
    mentions = toll + same_day
    exact = compare_mentions(mentions, UNCAPPED)
    capped = compare_mentions(mentions, Settings(conflict_pairs_listed_max=2))
    assert [e.value for e in exact.evolving] == [e.value for e in capped.evolving]
    assert [e.value for e in exact.evolving][:3] == [12, 12, 19]
    # "40" on the first day against each of the ministry's figures: 3 value pairs, 15 pairs.
    plain = [c for c in exact.conflicts if not c.outdated]
    assert len(plain) == 15 and all(c.between == "outlets" for c in plain)
    standing = [c for c in capped.conflicts if not c.outdated]
    assert len(standing) == 3 and all(set(c.b_side) == {5, 6, 7} for c in standing)
    assert sum(disagreeing_pairs(c, mentions) for c in standing) == 15
    assert [c for c in exact.conflicts if c.outdated] == [
        c for c in capped.conflicts if c.outdated]


def _group(mentions: list[Mention], settings: Settings) -> ClaimGroup:
    comparison = compare_mentions(mentions, settings)
    return ClaimGroup("s/claim-1", "fighters killed", "conflicting", 2, ("a", "b"),
                      tuple(mentions), tuple(comparison.conflicts), "", ())


def test_timeline_reads_a_standing_conflict_like_its_pairs():
    mentions = [dataclasses.replace(m, published=DAY1 + timedelta(hours=n))
                for n, m in enumerate(_two_parties(6, 4))]
    pairwise = claim_timeline(_group(mentions, UNCAPPED), {})
    standing = _group(mentions, Settings(conflict_pairs_listed_max=5))
    assert len(standing.conflicts) == 1 and standing.conflicts[0].a_side
    events = claim_timeline(standing, {})
    assert [(e.kind, e.article_id) for e in events] == [(e.kind, e.article_id) for e in pairwise]
    assert ("contradicted", "a6") in [(e.kind, e.article_id) for e in events]
    assert "confirmed" not in [e.kind for e in events]  # the two sides confirm nothing


def test_contract_carries_the_sides_and_validates():
    report = sample_report()
    story = report.stories[0]
    group = story.claims[0]
    standing = Conflict("number", 0, 1, "12 vs 15", between="origins", a_side=(0,), b_side=(1,))
    group = dataclasses.replace(group, conflicts=(standing,), status="conflicting")
    story = dataclasses.replace(story, claims=(group, *story.claims[1:]))
    report = dataclasses.replace(report, stories=(story, *report.stories[1:]))
    contract = json.loads(json.dumps(to_contract(report)))
    validate_contract(contract)
    written = contract["stories"][0]["claims"][0]["conflicts"][0]
    assert (written["a_side"], written["b_side"]) == ([0], [1])
    plain = to_contract(sample_report())["stories"][0]["claims"]
    assert all("a_side" not in c for g in plain for c in g["conflicts"])


@pytest.fixture(scope="module")
def spacy_model() -> str:
    return Settings().spacy_model


def test_each_claim_text_is_parsed_once(spacy_model):
    texts = ["Police fired first.", "Protesters fired first.", "Police fired first."]
    first = main_acts(texts, spacy_model)
    again = main_acts(list(reversed(texts)), spacy_model)
    assert first[0] is first[2] is again[0]  # one parse per distinct text, kept
    assert first[0] is not None and first[0].verb == "fire"
    assert first[1].agent != first[0].agent


def test_an_evolving_figure_is_worded_once_per_value():
    toll = [_mention(_claim(f"{v} people died", count=(f"{v} people", v, "people")), n,
                     "the health ministry", "official", DAY1 + timedelta(hours=n))
            for n, v in enumerate([12, 12, 19, 19, 27])]
    result = compare_mentions(toll, Settings())
    assert [e.value for e in result.evolving] == [12, 12, 19, 19, 27]
    text = explain(claim_status(toll, result.conflicts, 1), toll, ["the health ministry"],
                   result.conflicts, result.evolving)
    assert ("“12 people” (Outlet 0, 2026-06-01; 2 reports) → “19 people” (Outlet 2, "
            "2026-06-01; 2 reports) → “27 people” (Outlet 4, 2026-06-01).") in text

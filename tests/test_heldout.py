"""The held-out evaluation sets (examples/heldout/, heldout2/, heldout3/) are well-formed.

Only the annotation is checked here, never the pipeline's answers: a held-out set measures how
well the rules generalise and must not become a regression gate that the rules get tuned to
(examples/heldout/README.md). Sentences are split with the project's spaCy pipeline, as the
report does, since the benchmark matches a gold quote against the sentence of a mention.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from corroborator.analysis.nlp import load_nlp
from corroborator.ingest import ingest_paths
from golden import (
    HELDOUT2_CORPUS,
    HELDOUT2_TRUTH,
    HELDOUT3_CORPUS,
    HELDOUT3_TRUTH,
    HELDOUT_CORPUS,
    HELDOUT_TRUTH,
    gold_claims,
    load_ground_truth,
)

# name -> (corpus directory, ground truth); every check below runs once per set.
SETS: dict[str, tuple[Path, Path]] = {
    "heldout": (HELDOUT_CORPUS, HELDOUT_TRUTH),
    "heldout2": (HELDOUT2_CORPUS, HELDOUT2_TRUTH),
    "heldout3": (HELDOUT3_CORPUS, HELDOUT3_TRUTH),
}
TRUTHS = {name: load_ground_truth(truth) for name, (_, truth) in SETS.items()}
STATUSES = {"corroborated", "single_origin", "conflicting", "unique"}
CHAIN_KINDS = {"person", "organisation", "outlet", "official", "party", "anonymous", "unknown"}
CONFLICT_KINDS = {"number", "date", "place", "negation", "actor"}
SIDES = {"parties", "origins", "outlets"}


def _claim_cases() -> list:
    return [
        pytest.param(name, story, claim, id=f"{name}-{claim['key']}")
        for name, truth in TRUTHS.items() for story, claim in gold_claims(truth)
    ]


def _story_cases() -> list:
    return [
        pytest.param(name, story, id=f"{name}-{story['key']}")
        for name, truth in TRUTHS.items() for story in truth["stories"]
    ]


@pytest.fixture(scope="module")
def corpora() -> dict[str, dict]:
    """Set name -> article id -> Article (each corpus is read once per module)."""
    result = {}
    for name, (corpus, _) in SETS.items():
        read = ingest_paths([corpus])
        assert not read.problems, read.problems
        result[name] = {a.id: a for a in read.articles}
    return result


@pytest.fixture(scope="module")
def sentences(corpora) -> dict[str, dict[str, list[str]]]:
    """Set name -> article id -> its spaCy sentences."""
    nlp = load_nlp()
    return {
        name: {aid: [s.text for s in nlp(a.text).sents] for aid, a in articles.items()}
        for name, articles in corpora.items()
    }


@pytest.mark.parametrize("name", list(SETS))
def test_every_corpus_article_is_annotated_once(corpora, name):
    truth = TRUTHS[name]
    in_stories = [a for s in truth["stories"] for a in s["articles"]]
    listed = Counter(in_stories + list(truth["unrelated"]))
    assert [a for a, n in listed.items() if n > 1] == []
    assert set(listed) == set(corpora[name])


@pytest.mark.parametrize("name", list(SETS))
def test_keys_are_unique(name):
    truth = TRUTHS[name]
    story_keys = [s["key"] for s in truth["stories"]]
    claim_keys = [c["key"] for _, c in gold_claims(truth)]
    assert len(set(story_keys)) == len(story_keys)
    assert [k for k, n in Counter(claim_keys).items() if n > 1] == []


@pytest.mark.parametrize(("name", "story", "claim"), _claim_cases())
def test_every_quote_is_in_exactly_one_sentence(sentences, name, story, claim):
    for m in claim["mentions"]:
        assert m["article"] in story["articles"], m["article"]
        hits = [s for s in sentences[name][m["article"]] if m["quote"] in s]
        assert len(hits) == 1, f"{m['article']}: {m['quote']!r} in {len(hits)} sentences"


@pytest.mark.parametrize(("name", "story", "claim"), _claim_cases())
def test_claim_fields_are_consistent(name, story, claim):
    articles = [m["article"] for m in claim["mentions"]]
    assert claim["status"] in STATUSES
    assert claim["independent_origins"] == len(claim["origins"])
    if claim["status"] == "unique":
        assert len(set(articles)) == 1 and claim["independent_origins"] == 1
    if claim["status"] == "corroborated":
        assert claim["independent_origins"] >= 2
    if claim["status"] == "single_origin":
        assert claim["independent_origins"] == 1 and len(set(articles)) >= 2
    assert (claim["status"] == "conflicting") == bool(claim.get("conflicts"))
    for m in claim["mentions"]:
        assert isinstance(m["hedged"], bool)
        assert {link["kind"] for link in m.get("chain") or []} <= CHAIN_KINDS
        _assert_is_date_or_interval(m.get("date"))
    for c in claim.get("conflicts", []):
        assert c["kind"] in CONFLICT_KINDS and c.get("sides", "origins") in SIDES
        assert set(c["between"]) <= set(articles) and len(set(c["between"])) == 2, c
        assert isinstance(c["minor"], bool), c
    for e in claim.get("evolving", []):
        assert e["article"] in articles
    timeline = claim.get("timeline")
    if timeline:
        named = [timeline["first"], timeline["confirmed_by"], timeline["contradicted_by"]]
        assert {a for a in named + timeline["hedged"] if a} <= set(articles)


def _assert_is_date_or_interval(value: str | None) -> None:
    """A mention date is absent, an ISO date, or an interval "start/end" of ISO dates."""
    if value is None:
        return
    for part in str(value).split("/"):
        date.fromisoformat(part)


@pytest.mark.parametrize(("name", "story"), _story_cases())
def test_story_items_point_at_real_things(corpora, name, story):
    articles = corpora[name]
    claim_keys = {c["key"] for c in story["claims"]}
    for item in story.get("syndicated", []):
        assert {item["copy"], item["of"]} <= set(story["articles"])
    for rule in story.get("must_not", []):
        if rule["kind"] == "conflict":
            for quote in rule["quotes"]:
                holders = [a for a in story["articles"] if quote in articles[a].text]
                assert len(holders) == 1, (quote, holders)
        elif rule["kind"] == "hedge":
            assert rule["text"] in articles[rule["article"]].text
        elif rule["kind"] == "corroborated":
            assert rule["claim"] in claim_keys
    for framing in story.get("framing", []):
        outlets = {articles[a].outlet for a in story["articles"]}
        assert set(framing["terms"]) <= outlets, framing["referent"]
        assert set(framing.get("labels", {})) <= outlets, framing["referent"]


@pytest.mark.parametrize("name", list(SETS))
def test_coverage_names_existing_claims(name):
    truth = TRUTHS[name]
    keys = {c["key"] for _, c in gold_claims(truth)}
    for number, claims in truth["coverage"].items():
        assert 1 <= int(number) <= 21
        assert set(claims) <= keys, number

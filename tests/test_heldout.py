"""The held-out evaluation set (examples/heldout/) is well-formed.

Only the annotation is checked here, never the pipeline's answers: the held-out set measures how
well the rules generalise and must not become a regression gate that the rules get tuned to
(examples/heldout/README.md). Sentences are split with the project's spaCy pipeline, as the
report does, since the benchmark matches a gold quote against the sentence of a mention.
"""

from __future__ import annotations

from collections import Counter

import pytest

from corroborator.analysis.nlp import load_nlp
from corroborator.ingest import ingest_paths
from golden import HELDOUT_CORPUS, HELDOUT_TRUTH, gold_claims, load_ground_truth

TRUTH = load_ground_truth(HELDOUT_TRUTH)
CLAIMS = gold_claims(TRUTH)
STATUSES = {"corroborated", "single_origin", "conflicting", "unique"}
CHAIN_KINDS = {"person", "organisation", "outlet", "official", "party", "anonymous", "unknown"}
CONFLICT_KINDS = {"number", "date", "place", "negation", "actor"}
SIDES = {"parties", "origins", "outlets"}


@pytest.fixture(scope="module")
def articles() -> dict:
    result = ingest_paths([HELDOUT_CORPUS])
    assert not result.problems, result.problems
    return {a.id: a for a in result.articles}


@pytest.fixture(scope="module")
def sentences(articles) -> dict[str, list[str]]:
    nlp = load_nlp()
    return {aid: [s.text for s in nlp(a.text).sents] for aid, a in articles.items()}


def test_every_corpus_article_is_annotated_once(articles):
    in_stories = [a for s in TRUTH["stories"] for a in s["articles"]]
    listed = Counter(in_stories + list(TRUTH["unrelated"]))
    assert [a for a, n in listed.items() if n > 1] == []
    assert set(listed) == set(articles)


def test_keys_are_unique():
    story_keys = [s["key"] for s in TRUTH["stories"]]
    claim_keys = [c["key"] for _, c in CLAIMS]
    assert len(set(story_keys)) == len(story_keys)
    assert [k for k, n in Counter(claim_keys).items() if n > 1] == []


@pytest.mark.parametrize(("story", "claim"), [(s, c) for s, c in CLAIMS],
                         ids=[c["key"] for _, c in CLAIMS])
def test_every_quote_is_in_exactly_one_sentence(sentences, story, claim):
    for m in claim["mentions"]:
        assert m["article"] in story["articles"], m["article"]
        hits = [s for s in sentences[m["article"]] if m["quote"] in s]
        assert len(hits) == 1, f"{m['article']}: {m['quote']!r} in {len(hits)} sentences"


@pytest.mark.parametrize(("story", "claim"), [(s, c) for s, c in CLAIMS],
                         ids=[c["key"] for _, c in CLAIMS])
def test_claim_fields_are_consistent(story, claim):
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
    for c in claim.get("conflicts", []):
        assert c["kind"] in CONFLICT_KINDS and c.get("sides", "origins") in SIDES
        assert set(c["between"]) <= set(articles) and len(set(c["between"])) == 2, c
    for e in claim.get("evolving", []):
        assert e["article"] in articles
    timeline = claim.get("timeline")
    if timeline:
        named = [timeline["first"], timeline["confirmed_by"], timeline["contradicted_by"]]
        assert {a for a in named + timeline["hedged"] if a} <= set(articles)


@pytest.mark.parametrize("story", TRUTH["stories"], ids=[s["key"] for s in TRUTH["stories"]])
def test_story_items_point_at_real_things(articles, story):
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


def test_coverage_names_existing_claims():
    keys = {c["key"] for _, c in CLAIMS}
    for number, claims in TRUTH["coverage"].items():
        assert 1 <= int(number) <= 21
        assert set(claims) <= keys, number

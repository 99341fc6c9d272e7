"""Golden tests: the whole pipeline on the example corpus against the hand-written ground truth.

Each gold claim is its own test case, so a regression names the claim and what went wrong.
Items marked ``pending`` in the ground truth (a feature is missing) are strict xfails: when one
starts passing, the XPASS fails the run until its ``pending`` key is removed.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

import corroborator
from corroborator.report.contract import validate_contract
from golden import (
    CORPUS,
    article_of,
    field,
    gold_claims,
    load_ground_truth,
    locate,
    names_match,
    pending_reason,
)

TRUTH = load_ground_truth()
CLAIMS = gold_claims(TRUTH)


def _case(item: dict, check: str | None, *values, id: str):
    """One parametrized case, a strict xfail when the item is pending for this check."""
    reason = pending_reason(item, check)
    marks = [pytest.mark.xfail(reason=f"pending: {reason}", strict=True)] if reason else []
    return pytest.param(*values, id=id, marks=marks)


def _claim_cases(check: str, needs: str | None = None):
    """(story, claim) cases for one check; with ``needs``, only claims that have that field."""
    return [
        _case(claim, check, story, claim, id=claim["key"])
        for story, claim in CLAIMS
        if needs is None or claim.get(needs) is not None
    ]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    db = tmp_path_factory.mktemp("golden") / "golden.db"
    report = corroborator.analyze([CORPUS], db=db)
    return report, corroborator.to_contract(report), db


@pytest.fixture(scope="module")
def contract(run):
    return run[1]


@pytest.fixture(scope="module")
def report(run):
    return run[0]


def test_contract_is_valid_json_schema(contract):
    validate_contract(json.loads(json.dumps(contract)))
    assert contract["schema"] == "corroborator.report/1"


def test_every_article_is_read_without_problems(contract):
    expected = {a for s in TRUTH["stories"] for a in s["articles"]} | set(TRUTH["unrelated"])
    assert {a["id"] for a in contract["articles"]} == expected
    assert not [p for p in contract.get("problems", []) if p.get("skipped", True)]


@pytest.mark.parametrize(
    "story", [_case(s, None, s, id=s["key"]) for s in TRUTH["stories"]]
)
def test_story_groups_exactly_its_articles(contract, story):
    predicted = [set(s["article_ids"]) for s in contract["stories"]]
    assert set(story["articles"]) in predicted, f"stories found: {predicted}"


@pytest.mark.parametrize("article_id", TRUTH["unrelated"])
def test_unrelated_article_stands_alone(contract, article_id):
    predicted = [s["article_ids"] for s in contract["stories"] if article_id in s["article_ids"]]
    assert predicted == [[article_id]]


def _mentions_of(contract, claim):
    located = {}
    for gold in claim["mentions"]:
        hits = locate(contract, gold["article"], gold["quote"])
        assert hits, f"no claim mention found in {gold['article']} for {gold['quote']!r}"
        located[(gold["article"], gold["quote"])] = hits
    return located


def _group_index(contract, claim) -> tuple[int, int]:
    """(story, claim) index of the predicted group holding the gold mentions (one group)."""
    located = _mentions_of(contract, claim)
    candidate_sets = [{(h.story_index, h.claim_index) for h in hits} for hits in located.values()]
    shared = set.intersection(*candidate_sets)
    assert shared, (
        "the mentions were not aligned into one claim: "
        + "; ".join(f"{a}: {[h.claim['text'][:60] for h in hs]}" for (a, _), hs in located.items())
    )
    return sorted(shared)[0]


def _the_group(contract, claim):
    story_index, claim_index = _group_index(contract, claim)
    return contract["stories"][story_index]["claims"][claim_index]


def _the_model_group(report, contract, claim):
    """The pipeline's ClaimGroup object (the contract lists stories and claims in its order)."""
    story_index, claim_index = _group_index(contract, claim)
    return report.stories[story_index].claims[claim_index]


def _story_report(report, story):
    """The pipeline's StoryReport holding the gold story's articles."""
    wanted = set(story["articles"])
    found = [s for s in report.stories if wanted <= set(s.story.article_ids)]
    assert found, f"no predicted story holds {sorted(wanted)}"
    return found[0]


@pytest.mark.parametrize(("story", "claim"), _claim_cases("alignment"))
def test_claim_alignment_and_status(contract, story, claim):
    group = _the_group(contract, claim)
    articles = {m["article_id"] for m in group["mentions"]}
    assert articles == {m["article"] for m in claim["mentions"]}
    assert group["status"] == claim["status"], group.get("explanation")
    assert group["independent_origins"] == claim["independent_origins"], group.get("explanation")


@pytest.mark.parametrize(("story", "claim"), _claim_cases("chains"))
def test_claim_chains_and_hedges(contract, story, claim):
    for gold in claim["mentions"]:
        mention = locate(contract, gold["article"], gold["quote"])[0].mention
        assert mention["hedged"] == gold["hedged"], f"{gold['article']}: {mention['sentence']}"
        cited = mention["chain"][1:]  # the first link is the publishing outlet
        expected = gold.get("chain") or []
        got = [(link["name"], link["kind"]) for link in cited]
        assert len(cited) == len(expected), f"{gold['article']}: chain {got}"
        for link, want in zip(cited, expected, strict=True):
            assert names_match(want["name"], link["name"]), f"{gold['article']}: chain {got}"
            assert link["kind"] == want["kind"], f"{gold['article']}: chain {got}"


def _has_single_day(claim) -> bool:
    return any(m.get("date") and "/" not in str(m["date"]) for m in claim["mentions"])


@pytest.mark.parametrize(
    ("story", "claim"),
    [_case(c, "dates", s, c, id=c["key"]) for s, c in CLAIMS if _has_single_day(c)],
)
def test_claim_dates(contract, story, claim):
    """Each mention's event dates resolve to the gold day (relative dates against the article's
    own publication date; "until Friday" in a future clause is the coming Friday)."""
    for gold in claim["mentions"]:
        day = gold.get("date")
        if not day or "/" in str(day):
            continue  # absent, or a vague interval ("earlier this week"): no single day
        mention = locate(contract, gold["article"], gold["quote"])[0].mention
        days = sorted({d["value"][:10] for d in mention["dates"]})
        assert days == [str(day)], f"{gold['article']}: {mention['sentence']}"


@pytest.mark.parametrize(("story", "claim"), _claim_cases("conflicts"))
def test_claim_conflicts(contract, story, claim):
    group = _the_group(contract, claim)
    by_article = [m["article_id"] for m in group["mentions"]]
    found = {
        (c["kind"], frozenset({by_article[c["a"]], by_article[c["b"]]}), bool(c.get("minor")))
        for c in group["conflicts"]
    }
    expected = {
        (c["kind"], frozenset(c["between"]), bool(c.get("minor", False)))
        for c in claim.get("conflicts", [])
    }
    assert found == expected, [c["detail"] for c in group["conflicts"]]


def _has_sides(claim) -> bool:
    return any("sides" in c for c in claim.get("conflicts", []))


@pytest.mark.parametrize(
    ("story", "claim"),
    [_case(c, "sides", s, c, id=c["key"]) for s, c in CLAIMS if _has_sides(c)],
)
def test_conflict_sides(report, contract, story, claim):
    """Parties disagreeing, origins disagreeing and outlets misreporting one origin differ."""
    group = _the_model_group(report, contract, claim)
    by_article = [m.article_id for m in group.mentions]
    for gold in (c for c in claim["conflicts"] if "sides" in c):
        pair = frozenset(gold["between"])
        matching = [
            c for c in group.conflicts
            if c.kind == gold["kind"] and frozenset({by_article[c.a], by_article[c.b]}) == pair
        ]
        assert matching, f"no {gold['kind']} conflict between {sorted(pair)}"
        assert {field(c, "between") for c in matching} == {gold["sides"]}, gold["why"]


@pytest.mark.parametrize(("story", "claim"), _claim_cases("evolving", needs="evolving"))
def test_claim_evolving_figure(report, contract, story, claim):
    """One origin's figure changing over time is listed in publication order, not a conflict."""
    group = _the_model_group(report, contract, claim)
    evolving = field(group, "evolving")
    assert evolving is not None, "ClaimGroup has no `evolving`"
    gold_articles = {e["article"] for e in claim["evolving"]}
    got = [(article_of(e), float(field(e, "value"))) for e in evolving]
    assert [g for g in got if g[0] in gold_articles] == [
        (e["article"], float(e["value"])) for e in claim["evolving"]
    ]
    # ...and the report contract shows the same values.
    shown = [(e["article_id"], float(e["value"])) for e in _the_group(contract, claim)["evolution"]]
    assert shown == got


@pytest.mark.parametrize(("story", "claim"), _claim_cases("timeline", needs="timeline"))
def test_claim_timeline(contract, story, claim):
    """The contract's per-claim timeline (events in publication order) read as the gold fields."""
    events = _the_group(contract, claim).get("timeline")
    assert events is not None, "claim has no `timeline`"
    gold = claim["timeline"]

    def first_article(kind: str) -> str | None:
        return next((e["article_id"] for e in events if e["kind"] == kind), None)

    assert events and events[0]["article_id"] == gold["first"], events
    assert {e["article_id"] for e in events if e["hedged"]} == set(gold["hedged"])
    assert first_article("confirmed") == gold["confirmed_by"], events
    assert first_article("contradicted") == gold["contradicted_by"], events


@pytest.mark.parametrize(
    ("story", "claim"), _claim_cases("explanation", needs="explanation_mentions")
)
def test_claim_explanation_says_it_in_words(contract, story, claim):
    explanation = _the_group(contract, claim)["explanation"].lower()
    for words in claim["explanation_mentions"]:
        assert words.lower() in explanation, explanation


def _story_item_cases(key: str):
    return [
        _case(item, None, story, item, id=f"{story['key']}-{i}")
        for story in TRUTH["stories"] for i, item in enumerate(story.get(key, []))
    ]


def _origin_keys(story_report, names: list[str]) -> tuple[set[str], set[str]]:
    """origin_keys of the story's mentions whose origin is one of ``names``, and which names."""
    keys, spellings = set(), set()
    for group in story_report.claims:
        for mention in group.mentions:
            origin = mention.chain[-1].name if mention.chain else mention.origin
            hit = [n for n in names if names_match(n, origin)]
            if hit:
                keys.add(mention.origin_key)
                spellings.update(hit)
    return keys, spellings


@pytest.mark.parametrize(("story", "aliases"), _story_item_cases("origin_aliases"))
def test_origin_aliases_resolve_to_one_origin(report, story, aliases):
    story_report = _story_report(report, story)
    keys, spellings = _origin_keys(story_report, aliases["names"])
    assert len(spellings) >= 2, f"only {spellings} of {aliases['names']} found as origins"
    assert len(keys) == 1, f"{aliases['names']} resolved to several origins: {keys}"
    for other in story.get("origin_aliases", []):
        if other is not aliases:
            assert not keys & _origin_keys(story_report, other["names"])[0], other["names"]


@pytest.mark.parametrize(("story", "item"), _story_item_cases("syndicated"))
def test_syndicated_copy_is_detected(report, story, item):
    story_report = _story_report(report, story)
    found = field(story_report, "syndicated") or field(story_report.story, "syndicated")
    assert found is not None, "StoryReport has no `syndicated`"
    pairs = {(article_of(field(s, "copy")), article_of(field(s, "of"))) for s in found}
    assert (item["copy"], item["of"]) in pairs, pairs


def _hedging_cases():
    return [
        _case(story["hedging_order"], None, story, id=story["key"])
        for story in TRUTH["stories"] if story.get("hedging_order")
    ]


def _hedging_rate(profiles, outlet: str) -> float:
    if isinstance(profiles, dict):
        profile = profiles.get(outlet)
    else:
        profile = next((p for p in profiles if field(p, "outlet") == outlet), None)
    assert profile is not None, f"no profile for {outlet}"
    return float(field(profile, "hedging_rate"))


@pytest.mark.parametrize("story", _hedging_cases())
def test_hedging_rate_per_outlet(report, story):
    profiles = field(_story_report(report, story), "outlet_profiles")
    assert profiles is not None, "StoryReport has no `outlet_profiles`"
    tiers = story["hedging_order"]["tiers"]
    for higher, lower in zip(tiers, tiers[1:], strict=False):
        assert min(_hedging_rate(profiles, o) for o in higher) > max(
            _hedging_rate(profiles, o) for o in lower
        ), (higher, lower)


# Known misses, each with its reason; strict, so a fix turns them into failures to un-mark.
KNOWN_FRAMING_MISSES: dict[str, str] = {}


def _framing_cases(check: str, needs: str | None = None):
    cases = []
    seen = Counter()
    for story in TRUTH["stories"]:
        for framing in story.get("framing", []):
            if needs and not framing.get(needs):
                continue
            case_id = f"{story['key']}-{framing['referent']}"
            seen[case_id] += 1
            if seen[case_id] > 1:
                case_id += f"-{seen[case_id]}"
            reason = KNOWN_FRAMING_MISSES.get(framing["referent"]) if check == "terms" else None
            reason = reason or pending_reason(framing, check)
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            cases.append(pytest.param(story, framing, id=case_id, marks=marks))
    return cases


def _predicted_framing(contract, story) -> dict:
    predicted = next(
        s for s in contract["stories"] if set(story["articles"]) <= set(s["article_ids"])
    )
    return {f["referent"]: f["terms"] for f in predicted["framing"]}


@pytest.mark.parametrize(("story", "framing"), _framing_cases("terms"))
def test_framing_terms(contract, story, framing):
    by_referent = _predicted_framing(contract, story)
    assert framing["referent"] in by_referent, sorted(by_referent)
    for outlet, terms in framing["terms"].items():
        assert set(terms) <= set(by_referent[framing["referent"]].get(outlet, [])), outlet


@pytest.mark.parametrize(("story", "framing"), _framing_cases("labels", needs="labels"))
def test_framing_labels(report, story, framing):
    """Phrases that characterise an actor ("which the government designates ...") per outlet."""
    story_report = _story_report(report, story)
    match = [f for f in story_report.framing if f.referent == framing["referent"]]
    assert match, f"no framing for {framing['referent']!r}"
    labels = field(match[0], "labels")
    assert labels is not None, "Framing has no `labels`"
    for outlet, wanted in framing["labels"].items():
        got = [label.lower() for label in labels.get(outlet, ())]
        for label in wanted:
            assert any(label.lower() in g or g in label.lower() for g in got), (outlet, got)


def _must_not_cases():
    return [
        _case(rule, None, story, rule, id=f"{story['key']}-{rule['kind']}-{i}")
        for story in TRUTH["stories"] for i, rule in enumerate(story.get("must_not", []))
    ]


@pytest.mark.parametrize(("story", "rule"), _must_not_cases())
def test_must_not(contract, story, rule):
    if rule["kind"] == "hedge":
        article = next(a for a in contract["articles"] if a["id"] == rule["article"])
        assert rule["text"] not in [h["text"] for h in article["hedges"]]
    elif rule["kind"] == "conflict":
        quote_a, quote_b = rule["quotes"]
        for s in contract["stories"]:
            for claim in s["claims"]:
                sentences = [m["sentence"] for m in claim["mentions"]]
                for c in claim["conflicts"]:
                    pair = {sentences[c["a"]], sentences[c["b"]]}
                    hit_a = any(quote_a in x for x in pair)
                    hit_b = any(quote_b in x for x in pair)
                    assert not (hit_a and hit_b), c["detail"]
    elif rule["kind"] == "corroborated":
        gold = next(c for c in story["claims"] if c["key"] == rule["claim"])
        group = _the_group(contract, gold)
        assert group["status"] != "corroborated", group["explanation"]
    elif rule["kind"] == "framing":
        terms = _predicted_framing(contract, story).get(rule["referent"], {})
        outlets = [rule["outlet"]] if rule.get("outlet") else list(terms)
        for outlet in outlets:
            assert rule["term"] not in terms.get(outlet, []), outlet
    else:
        pytest.fail(f"unknown must_not kind {rule['kind']!r}")


def test_rerun_is_idempotent(run, tmp_path):
    report, contract, db = run
    again = corroborator.to_contract(corroborator.analyze([CORPUS], db=db))
    assert again["stories"] == contract["stories"]
    from corroborator.store.sqlite import SqliteStore

    with SqliteStore(db) as store:
        assert store.article_count() == len(contract["articles"])


def test_claim_texts_and_timeline_notes_read_cleanly(contract):
    """A claim's text carries no dispatch dateline ("OSTREL, Aug 18 (Northern Wire) - "), and a
    confirmation names an outlet's route only when the origin is someone else."""
    from corroborator.align_structure import dateline_length

    claims = [c for s in contract["stories"] for c in s["claims"]]
    assert claims
    assert [c["text"] for c in claims if dateline_length(c["text"])] == []
    notes = [e["note"] for c in claims for e in c["timeline"] if e["kind"] == "confirmed"]
    assert notes
    assert [n for n in notes if any(f"{o} (via {o})" in n for o in _outlets(contract))] == []


def _outlets(contract) -> set[str]:
    return {m["outlet"] for s in contract["stories"] for c in s["claims"] for m in c["mentions"]}

"""Report outputs: the JSON contract and its schema, Markdown, HTML and the terminal summary."""

from __future__ import annotations

import copy
import dataclasses
import json
import re

import pytest
from jsonschema import Draft202012Validator
from rich.console import Console

from corroborator.model import TextSpan
from corroborator.report import (
    ContractError,
    load_schema,
    print_summary,
    render_html,
    render_markdown,
    to_contract,
    to_json,
    validate_contract,
    write_outputs,
)
from corroborator.report.html import claim_parts
from report_fixtures import sample_report

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture(scope="module")
def report():
    return sample_report()


@pytest.fixture(scope="module")
def contract(report):
    return to_contract(report)


def hostile_report():
    """The sample report with markup planted in an article's text and title and a story title."""
    base = sample_report()
    first = base.analyses[0]
    article = dataclasses.replace(
        first.article,
        title=f"Dam {SCRIPT} news",
        text=first.article.text + f" {SCRIPT}",  # appended: every existing offset stays valid
        url="javascript:alert(2)",
    )
    analyses = (dataclasses.replace(first, article=article), *base.analyses[1:])
    story0 = base.stories[0]
    story0 = dataclasses.replace(
        story0, story=dataclasses.replace(story0.story, title=f"Story {SCRIPT}")
    )
    return dataclasses.replace(base, analyses=analyses, stories=(story0, *base.stories[1:]))


# --- contract --------------------------------------------------------------------------------

def test_schema_is_a_valid_draft_2020_12_schema():
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema"]["const"] == "corroborator.report/1"


def test_sample_contract_validates(contract):
    validate_contract(contract)
    assert contract["schema"] == "corroborator.report/1"
    assert contract["generated_by"]["name"] == "corroborator"
    # survives a JSON round trip unchanged (only JSON types inside)
    assert json.loads(json.dumps(contract)) == contract


def test_contract_json_is_stable_and_unicode(report):
    first, second = to_json(report), to_json(report)
    assert first == second
    assert "←" not in first  # no rendering leaks into the data
    assert "\\u" not in first  # ensure_ascii=False: text stays readable


def _set(path, value):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return mutate


def _delete(key):
    def mutate(data):
        del data[key]
    return mutate


CLAIM = ["stories", 0, "claims", 0]
BROKEN_VARIANTS = {
    "missing schema": _delete("schema"),
    "wrong schema id": _set(["schema"], "corroborator.report/2"),
    "bad status": _set([*CLAIM, "status"], "confirmed"),
    "negative offset": _set([*CLAIM, "mentions", 0, "start"], -1),
    "negative attribution offset": _set(["articles", 0, "attributions", 0, "cue", "end"], -3),
    "conflict a as string": _set([*CLAIM, "conflicts", 0, "a"], "0"),
    "bad conflict kind": _set([*CLAIM, "conflicts", 0, "kind"], "vibes"),
    "bad source kind": _set(["articles", 0, "attributions", 0, "source_kind"], "blog"),
    "bad chain kind": _set([*CLAIM, "mentions", 0, "chain", 0, "kind"], "rumour"),
    "hedged as string": _set([*CLAIM, "mentions", 0, "hedged"], "no"),
    "origins as float": _set([*CLAIM, "independent_origins"], 1.5),
    "missing mentions": lambda d: d["stories"][0]["claims"][0].pop("mentions"),
    "date not a date": _set([*CLAIM, "mentions", 0, "dates", 0, "value"], "4 May"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_VARIANTS))
def test_schema_rejects_broken_variant(contract, name):
    broken = copy.deepcopy(contract)
    BROKEN_VARIANTS[name](broken)
    with pytest.raises(ContractError) as caught:
        validate_contract(broken)
    assert "corroborator.report/1" in str(caught.value)


def test_contract_error_names_the_place(contract):
    broken = copy.deepcopy(contract)
    _set([*CLAIM, "conflicts", 0, "a"], "0")(broken)
    with pytest.raises(ContractError, match=r"\$\.stories\[0\]\.claims\[0\]\.conflicts\[0\]\.a"):
        validate_contract(broken)


def _spans_of_article(article: dict):
    for att in article["attributions"]:
        yield from (att["source"], att["cue"], att["content"])
    for hedge in article["hedges"]:
        yield hedge
        yield hedge["scope"]


def test_every_article_span_slices_its_text(contract):
    checked = 0
    for article in contract["articles"]:
        for span in _spans_of_article(article):
            assert article["text"][span["start"]:span["end"]] == span["text"]
            checked += 1
    assert checked >= 20  # the fixture has 9 attributions and a hedge


def test_every_mention_offset_slices_its_article(contract):
    texts = {a["id"]: a["text"] for a in contract["articles"]}
    mentions = [m for s in contract["stories"] for c in s["claims"] for m in c["mentions"]]
    assert len(mentions) == 9
    for m in mentions:
        text = texts[m["article_id"]]
        assert text[m["start"]:m["end"]] == m["text"]
        assert text[m["sentence_start"]:m["sentence_end"]] == m["sentence"]
        assert m["sentence_start"] <= m["start"] < m["end"] <= m["sentence_end"]
        for item in m["quantities"] + m["dates"]:
            assert text[item["start"]:item["end"]] == item["text"]


def test_mentions_carry_chain_origin_and_hedge(contract):
    claims = {c["id"]: c for s in contract["stories"] for c in s["claims"]}
    spill = claims["s1-g2"]
    assert spill["status"] == "single_origin"
    herald = spill["mentions"][0]
    assert [link["name"] for link in herald["chain"]] == [
        "Coast Herald", "Radio Delta", "social media reports",
    ]
    assert herald["chain"][1] == {"name": "Radio Delta", "kind": "outlet", "cue": "cited by"}
    assert herald["origin"] == herald["chain"][-1]["name"]
    assert herald["hedged"] is True and spill["mentions"][1]["hedged"] is False


def test_values_conflicts_and_dates_are_typed(contract):
    evac = contract["stories"][0]["claims"][0]
    assert evac["status"] == "conflicting"
    assert [(c["kind"], c["a"], c["b"], c["minor"]) for c in evac["conflicts"]] == [
        ("number", 0, 1, False), ("date", 0, 1, True),
    ]
    quantity = evac["mentions"][0]["quantities"][0]
    assert quantity == {
        "value": 12, "unit": "villages", "text": "12 villages", "qualifier": "exact",
        "high": None, "start": 24, "end": 35,
    }
    assert isinstance(quantity["value"], int)
    assert evac["mentions"][0]["dates"][0]["value"] == "2024-05-04"
    published = {a["id"]: a["published"] for a in contract["articles"]}
    assert published["a1"] == "2024-05-05T09:30:00+02:00"
    assert published["a3"] is None


def test_framing_and_problems_in_contract(contract):
    framing = contract["stories"][1]["framing"]
    assert framing[0] == {
        "referent": "protesters",
        "terms": {"Coast Herald": ["protesters"], "Valley Times": ["rioters"]},
        "labels": {},  # characterising phrases per outlet; none in this fixture
    }
    assert contract["problems"][0] == {
        "source": "feeds/broken.xml", "reason": "not a valid RSS or Atom feed", "skipped": True,
    }


# --- HTML ------------------------------------------------------------------------------------

def test_html_escapes_article_text_and_titles():
    html = render_html(hostile_report())
    assert SCRIPT not in html
    assert html.count(ESCAPED_SCRIPT) >= 3  # article text, article title, story title
    assert 'href="javascript:' not in html


def test_html_is_self_contained_and_complete(report):
    html = render_html(report)
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "<link" not in html and not re.search(r"\ssrc=", html)
    for sr in report.stories:
        assert sr.story.title in html
        for group in sr.claims:
            assert f"status-{group.status}" in html
    assert "Coast Herald ← Radio Delta ← two unnamed engineers" not in html  # markup per link
    assert "two unnamed engineers" in html and "rioters" in html
    assert "feeds/broken.xml" in html
    assert "<mark>12 villages were evacuated on 4 May</mark>" in html


def test_claim_parts_split_the_sentence_around_the_claim(report):
    claim = report.analyses[0].claims[0]
    before, middle, after = claim_parts(claim)
    assert (before, middle, after) == (
        "Dam operator Rivex said ", "12 villages were evacuated on 4 May", ".",
    )
    outside = dataclasses.replace(claim, span=TextSpan(500, 510, "x"))
    assert claim_parts(outside) == (claim.sentence.text, "", "")


# --- Markdown --------------------------------------------------------------------------------

def test_markdown_has_titles_statuses_chains_and_problems(report):
    md = render_markdown(report)
    for sr in report.stories:
        assert sr.story.title in md
    for status in ("corroborated", "single_origin", "conflicting", "unique"):
        assert f"| {status} |" in md
    assert "Coast Herald ← Radio Delta ← two unnamed engineers" not in md  # a2 is Valley Times
    assert "Valley Times ← Radio Delta ← two unnamed engineers" in md
    assert "*hedged*" in md
    assert "**date** (minor)" in md
    assert "| protesters | protesters | rioters |" in md
    assert "`feeds/broken.xml`" in md


def test_markdown_tables_keep_their_shape_with_hostile_text():
    md = render_markdown(hostile_report())
    assert SCRIPT not in md
    assert "Rioters clash with police \\| 40 held" in md
    # every table row has as many unescaped cell separators as its header
    for block in re.findall(r"(?:^\|.*\|$\n?)+", md, flags=re.M):
        rows = block.strip().splitlines()
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, rows


# --- terminal and files ----------------------------------------------------------------------

def test_terminal_summary_lists_stories_totals_and_problems(report):
    console = Console(record=True, width=120, color_system=None)
    print_summary(report, console)
    text = console.export_text()
    for sr in report.stories:
        assert sr.story.title in text
    assert "1 corroborated, 1 single origin, 1 conflicting, 1 unique" in text
    assert "feeds/broken.xml" in text


def test_write_outputs_writes_three_files(report, tmp_path):
    out = tmp_path / "nested" / "out"
    paths = write_outputs(report, out)
    assert sorted(p.name for p in paths.values()) == ["report.html", "report.json", "report.md"]
    for path in paths.values():
        assert path.parent == out and path.stat().st_size > 500
    validate_contract(json.loads(paths["json"].read_text(encoding="utf-8")))
    assert paths["md"].read_text(encoding="utf-8").startswith("# corroborator report")


def test_write_outputs_honours_per_format_paths(report, tmp_path):
    paths = write_outputs(report, tmp_path / "out", json_path=tmp_path / "elsewhere" / "r.json")
    assert paths["json"] == tmp_path / "elsewhere" / "r.json" and paths["json"].exists()
    assert paths["html"] == tmp_path / "out" / "report.html" and paths["html"].exists()
    assert not (tmp_path / "out" / "report.json").exists()


def test_empty_and_claimless_reports_render(tmp_path):
    from corroborator.model import Report, Story, StoryReport

    empty = Report(analyses=(), stories=())
    validate_contract(to_contract(empty))
    assert "0 stories" in render_markdown(empty)
    assert "0 claims" in render_html(empty) or ">0<" in render_html(empty)
    lonely = Report(analyses=sample_report().analyses[:1],
                    stories=(StoryReport(Story("s9", "Quiet story", ("a1", "gone")), (), ()),))
    validate_contract(to_contract(lonely))
    assert "no claims found" in render_markdown(lonely)
    assert "No claims found." in render_html(lonely)
    console = Console(record=True, width=100, color_system=None)
    print_summary(lonely, console)
    assert "Quiet story" in console.export_text()


# --- issue 6: claim timelines and outlet profiles ---------------------------------------------

def test_contract_has_claim_timelines_and_outlet_profiles(contract):
    validate_contract(contract)
    evac = contract["stories"][0]["claims"][0]
    assert [(e["kind"], e["article_id"]) for e in evac["timeline"]] == [
        ("first", "a1"), ("followed", "a2"), ("contradicted", "a2"),
        ("followed", "a3"), ("confirmed", "a3"),
    ]
    assert evac["timeline"][0]["published"] == "2024-05-05T09:30:00+02:00"
    assert evac["timeline"][-1]["published"] is None
    assert evac["conflicts"][0]["between"] and evac["conflicts"][0]["outdated"] is False
    outlets = {o["outlet"]: o for o in contract["outlets"]}
    assert outlets["Coast Herald"]["hedged"] == {
        "count": 1, "total": 3, "rate": 0.3333,
        "explanation": outlets["Coast Herald"]["hedged"]["explanation"],
    }
    assert outlets["Radio Delta"]["contradicted"]["count"] == 0


def test_schema_rejects_a_bad_timeline_kind_and_share(contract):
    broken = copy.deepcopy(contract)
    broken["stories"][0]["claims"][0]["timeline"][0]["kind"] = "rumoured"
    with pytest.raises(ContractError, match="timeline"):
        validate_contract(broken)
    broken = copy.deepcopy(contract)
    broken["outlets"][0]["hedged"]["rate"] = 1.5
    with pytest.raises(ContractError, match="outlets"):
        validate_contract(broken)


def test_markdown_and_html_show_timelines_and_outlets(report):
    md = render_markdown(report)
    assert "Timeline:" in md and "**contradicted** · Valley Times" in md
    assert "## Outlets" in md
    assert "| Coast Herald | 2 | 3 | 1/3 (33%) | 1/3 (33%) | 1/3 (33%) | 1/3 (33%) |" in md
    html = render_html(report)
    assert 'class="timeline"' in html and "event-confirmed" in html
    assert 'id="outlets"' in html and "1/3 (33%)" in html


def test_outlet_names_are_escaped_in_profiles():
    base = hostile_report()
    first = base.analyses[0]
    article = dataclasses.replace(first.article, outlet=f"Herald {SCRIPT}")
    report = dataclasses.replace(base, analyses=(dataclasses.replace(first, article=article),
                                                 *base.analyses[1:]))
    html = render_html(report)
    assert SCRIPT not in html and f"Herald {ESCAPED_SCRIPT}" in html
    md = render_markdown(report)
    assert "<script>" not in md


def test_terminal_summary_has_one_line_per_outlet(report):
    console = Console(record=True, width=160, color_system=None)
    print_summary(report, console)
    text = console.export_text()
    assert ("Radio Delta: 1 articles, 2 claims · corroborated 1/2 (50%) · contradicted 0/2 (0%)"
            in text)

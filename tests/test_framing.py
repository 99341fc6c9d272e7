"""Framing: the variant terms outlets use for the same referent, normalised to the lexicon."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborator.analysis.framing import find_framing_terms, fold
from corroborator.analysis.lexicon import load_lexicon
from corroborator.analysis.nlp import load_nlp

pytestmark = pytest.mark.slow

# (sentence, expected [(referent, term, span text)])
CASES = [
    ("The protesters marched.", [("protesters", "protesters", "protesters")]),
    ("The rioters marched.", [("protesters", "rioters", "rioters")]),
    ("A rioter was arrested.", [("protesters", "rioters", "rioter"),
                                ("detention", "arrested", "arrested")]),
    ("A mob gathered.", [("protesters", "mob", "mob")]),
    ("Twelve people died.", [("deaths", "died", "died")]),
    ("Twelve people were killed.", [("deaths", "were killed", "were killed")]),
    ("One man was killed.", [("deaths", "were killed", "was killed")]),
    ("Twelve people were slaughtered.", [("deaths", "were slaughtered", "were slaughtered")]),
    ("Twelve people lost their lives.", [("deaths", "lost their lives", "lost their lives")]),
    ("The regime blamed the militants.", [("government", "regime", "regime"),
                                          ("rebels", "militants", "militants")]),
    ("The government blamed the rebels.", [("government", "government", "government"),
                                           ("rebels", "rebels", "rebels")]),
    ("Freedom fighters held the town.", [("rebels", "freedom fighters",
                                          "Freedom fighters")]),
    ("Riot police fired tear gas.", [("police", "riot police", "Riot police")]),
    ("Troops fired tear gas.", [("government forces", "troops", "Troops")]),
    ("Regime forces shelled the town.", [("government forces", "regime forces",
                                          "Regime forces")]),
    ("Clashes broke out.", [("confrontation", "clashes", "Clashes")]),
    ("Youths clashed with guards.", [("confrontation", "clashed", "clashed")]),
    ("Residents were evacuated.", [("evacuation", "evacuated", "evacuated")]),
    ("The evacuation and two evacuations went well.", [
        ("evacuation", "evacuation", "evacuation"), ("evacuation", "evacuations", "evacuations")]),
    ("Twelve passengers drowned.", [("deaths", "drowned", "drowned")]),
    ("The blaze spread.", [("fire", "blaze", "blaze")]),
    ("Thousands were displaced.", [("displacement", "were displaced", "were displaced")]),
    ("Thousands were forced from their homes.",
     [("displacement", "were forced from their homes", "were forced from their homes")]),
    ("The raid lasted an hour.", [("attack", "raid", "raid")]),
    ("The dam collapsed.", [("infrastructure failure", "collapsed", "collapsed")]),
    # must not: the verb where the lexicon means the noun, an adjective use, unrelated words
    ("The earthquake struck at dawn.", []),
    ("Gunmen attack villages at night.", [("rebels", "gunmen", "Gunmen")]),
    ("Crews said the fire was out.", [("speech", "said", "said"), ("fire", "fire", "fire")]),
    ("Military vehicles arrived.", []),
    ("The crowdfunding page raised money.", []),
]


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_framing(nlp, sentence, expected):
    found = [(f.referent, f.term, f.span.text) for f in find_framing_terms(nlp(sentence))]
    assert found == expected


def test_same_referent_different_outlets(nlp):
    a = find_framing_terms(nlp("Protesters marched past the army; three died."))
    b = find_framing_terms(nlp("Rioters marched past security forces; three were murdered."))
    assert {(f.referent, f.term) for f in a} == {
        ("protesters", "protesters"), ("government forces", "army"), ("deaths", "died")}
    assert {(f.referent, f.term) for f in b} == {
        ("protesters", "rioters"), ("government forces", "security forces"),
        ("deaths", "were murdered")}


def test_lexicon_has_enough_referents():
    lexicon = load_lexicon("framing")
    assert 10 <= len(lexicon) <= 15
    assert all(spec["terms"] for spec in lexicon.values())


@pytest.mark.parametrize(("word", "folded"), [
    ("rioters", "rioter"), ("rioter", "rioter"), ("clashes", "clash"), ("authorities", "authority"),
    ("were", "be"), ("been", "be"), ("police", "police"), ("mass", "mass"),
])
def test_fold(word, folded):
    assert fold(word) == folded


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from([c[0] for c in CASES]), min_size=1, max_size=5),
       st.sampled_from([" ", "  ", "\n\n", " \n"]))
def test_every_span_points_into_the_text(nlp, sentences, separator):
    doc = nlp(separator.join(sentences))
    for f in find_framing_terms(doc):
        assert doc.text[f.span.start:f.span.end] == f.span.text

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
    ("Hackers stole the records.", [("intruders", "hackers", "Hackers")]),
    ("The cyber attackers demanded a ransom.",
     [("intruders", "cyber attackers", "cyber attackers")]),
    ("The forest fire spread overnight.", [("fire", "forest fire", "forest fire")]),
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
    lexicon = {k: v for k, v in load_lexicon("framing").items() if not k.startswith("_")}
    assert len(lexicon) >= 10
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


def _actor_terms(nlp, text):
    from corroborator.analysis.framing import is_actor_referent

    return [(f.referent, f.term, f.span.text) for f in find_framing_terms(nlp(text))
            if is_actor_referent(f.referent)]


def test_labour_strike_is_not_an_attack(nlp):
    doc = nlp("Teachers went on strike. The strike would cost millions.")
    assert "attack" not in {f.referent for f in find_framing_terms(doc)}
    war = nlp("The strike destroyed the depot.")
    assert ("attack", "strike") in {(f.referent, f.term) for f in find_framing_terms(war)}


def test_actor_name_and_labels(nlp):
    found = _actor_terms(nlp, "The Free Highlands Movement, which seeks independence for the "
                         "Vessa highlands, accused the army. Terrorists of the so-called Free "
                         "Highlands Movement attacked.")
    assert ("actor:name", "free highlands movement", "Free Highlands Movement") in found
    assert ("actor:label", "which seeks independence for the Vessa highlands",
            "Free Highlands Movement") in found
    assert ("actor:label", "so-called", "Free Highlands Movement") in found
    assert ("actor:armed-name", "free highlands movement", "Free Highlands Movement") in found


def test_description_and_appositive(nlp):
    found = _actor_terms(nlp, "The party, the largest opposition group in parliament, said it "
                         "condemned all violence.")
    assert found == [("actor:description", "party", "party"),
                     ("actor:label", "the largest opposition group in parliament", "party")]


def test_actor_framing_across_outlets(nlp):
    from corroborator.framing_compare import actor_framing
    from corroborator.model import Analysis, Article

    def analysis(outlet, text):
        article = Article(id=outlet, outlet=outlet, text=text)
        return Analysis(article, (), (), (), (), (), (), (), tuple(find_framing_terms(nlp(text))))

    members = [
        analysis("A", "National Liberation Army fighters took the bridge, the rebel group said."),
        analysis("B", "NLA fighters took the bridge."),
        analysis("C", "The government says the rebel group is financed by smuggling."),
    ]
    [framing] = actor_framing(members)
    assert framing.referent == "National Liberation Army"
    assert framing.terms == {"A": ("national liberation army", "rebel group"), "B": ("nla",),
                             "C": ("rebel group",)}

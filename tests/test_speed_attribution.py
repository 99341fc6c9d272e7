"""The attribution speed-ups (issue 5) find exactly what the plain scan did: the cue pre-filter is
a necessary condition of the dispatcher, the segments from the cached lower forms are the ones a
walk over every token cuts, and an entity's kind worked out late is the one worked out early."""

from __future__ import annotations

import pytest

from corroborator.analysis import attribution, attribution_resolve, attribution_spans
from corroborator.analysis.nlp import load_nlp
from corroborator.analysis.sources import classify_source, type_word
from corroborator.serialize import to_dict
from golden import CORPUS, HELDOUT_CORPUS, corpus_texts

# One of each form the dispatcher hands on: verb cues (with a lemma fix), "according to", a noun
# cue, a transcript colon, a poll, a figure, a passive and a sourceless cue, across line breaks.
EXTRA = (
    "Poll: Doe leads in Ohio\n"
    "Jane Doe: \"We will win.\"\n\n"
    "According to the ministry, 40 people died. The toll rose, according to police. "
    "The rebels' claim to have captured the bridge was denied. Police put the number of "
    "marchers at 12,000. In a new poll, the mayor leads by 9 points. The merger was first "
    "reported by the Herald. The bill is expected to pass. Asked whether she would run, Doe "
    "smiled.\nThe company hoped to sell it, he said in a statement. "
    "\"It is over,\" she told reporters.\n"
    "Halvard Motors said it would close the plant. The company said the plant was old."
)


def _texts() -> list[str]:
    return corpus_texts(CORPUS, HELDOUT_CORPUS) + [EXTRA]


@pytest.fixture(scope="module")
def docs():
    return list(load_nlp().pipe(_texts()))


def _segments_by_scan(doc) -> list[tuple[int, int]]:
    """The segments as the original code cut them: every token of every sentence walked."""
    found = []
    for sent in doc.sents:
        start = sent.start
        for token in sent:
            if "\n" in token.text:
                if token.i > start:
                    found.append((start, token.i))
                start = token.i + 1
        if start < sent.end:
            found.append((start, sent.end))
    return found


def test_segment_bounds_match_a_scan_of_every_token(docs):
    cut = 0
    for doc in docs:
        bounds = attribution_spans.segment_bounds(doc)
        assert bounds == _segments_by_scan(doc)
        cut += len(set(bounds) - {(sent.start, sent.end) for sent in doc.sents})
    assert cut > 20  # line breaks inside parser sentences really occur


def test_cue_pre_filter_never_rejects_a_token_the_dispatcher_takes(docs):
    dispatched = considered = 0
    forms = set()
    for doc in docs:
        candidates = set(attribution._cue_candidates(doc))
        for start, end in _segments_by_scan(doc):
            sent = doc[start:end]
            for token in sent:
                considered += 1
                draft = attribution._dispatch(token, sent)
                if draft is None:
                    continue
                dispatched += 1
                forms.add(token.lower_)
                assert token.i in candidates, (token.text, token.tag_, token.lemma_, sent.text)
        # The filter is worth having: most words never reach the dispatcher.
        assert len(candidates) < 0.25 * max(len(doc), 8)
    assert dispatched > 300 and considered > 10 * dispatched
    # Each branch was exercised: a verb, "according", a colon, a noun cue, a poll, a figure.
    assert {"said", "according", ":", "claim", "in", "put"} <= forms


def test_attributions_equal_those_of_dispatching_every_token(docs, monkeypatch):
    filtered = [to_dict(attribution.extract_attributions(doc)) for doc in docs]
    monkeypatch.setattr(attribution, "_cue_candidates", lambda doc: list(range(len(doc))))
    unfiltered = [to_dict(attribution.extract_attributions(doc)) for doc in docs]
    assert filtered == unfiltered
    assert sum(len(found) for found in filtered) > 200


def test_entity_referents_classify_late_as_they_would_early(docs):
    checked = 0
    for doc in docs:
        speakers = [e for e in doc.ents if attribution_resolve._is_speaker_entity(e)]
        referents = attribution_resolve.entity_referents(doc)
        assert len(referents) == len(speakers)
        for referent, ent in zip(referents, speakers, strict=True):
            assert referent._entity is not None  # not classified until asked
            assert referent.kind == classify_source(ent)
            assert referent.type_word == type_word(ent)
            assert referent._entity is None  # worked out once, then kept
            checked += 1
    assert checked > 100

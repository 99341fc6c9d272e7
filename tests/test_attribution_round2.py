"""Attribution forms of round 2 (recall on PolNeAR-style news), each on an invented sentence.

Cases name the attribution by its cue and check the spans as PolNeAR marks them.
"""

from __future__ import annotations

import pytest

from attribution_helpers import by_cue
from corroborator.analysis.attribution import extract_attributions
from corroborator.analysis.nlp import load_nlp

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


# (text, cue, source, content)
CASES = [
    # Any cue verb's direct object is its content when it has no clause.
    ("Ana Diaz recalled the flood of 1998.", "recalled", "Ana Diaz", "the flood of 1998"),
    ("The ministry posted the list of closed roads.", "posted", "The ministry",
     "the list of closed roads"),
    # An attribution set into a sentence that runs on after it: the whole sentence.
    ("If the talks fail, the union warned, the strike will go ahead.", "warned", "the union",
     "If the talks fail, the union warned, the strike will go ahead"),
    # A passive cue with "by": the agent is the source, the passive subject the content.
    ("The merger was first reported by the Coast Herald.", "was first reported",
     "the Coast Herald", "The merger"),
    # A colon ending the paragraph: the quote opening the next one is the content.
    ('The mayor said:\n\n"The bridge is safe. It will reopen on Monday."', "said:", "The mayor",
     '"The bridge is safe. It will reopen on Monday."'),
    # A speech verb with nothing to attribute, ending its paragraph, before a quote.
    ('The mayor said in a statement.\n\n"The bridge is safe."', "said", "The mayor",
     '"The bridge is safe."'),
    # A percent sign and an abbreviation's period belong to the words.
    ("The ministry said turnout was a record 39%.", "said", "The ministry",
     "turnout was a record 39%"),
    ("The envoy said the deal helps the U.S.", "said", "The envoy", "the deal helps the U.S."),
    # An object and its infinitive: the object is to do it.
    ("The mayor asked the council to delay the vote.", "asked", "The mayor",
     "the council to delay the vote"),
    # A conjoined cue shares a passive subject.
    ("Port workers were angered by the ruling and predicted a long strike.", "predicted",
     "Port workers", "a long strike"),
    # A quote after "said,".
    ('The mayor said, "The bridge is safe."', "said", "The mayor", '"The bridge is safe."'),
    # Adverbs between a cue verb and its preposition join the cue.
    ("The senator spoke warmly of the new bridge.", "spoke warmly of", "The senator",
     "the new bridge"),
    # The writer's aside after a dash is not part of the content.
    ("The council said it would build a new bridge — a plan that critics call wasteful.", "said",
     "The council", "it would build a new bridge"),
    # "continued" after a quote reports speech.
    ('"We will rebuild," the mayor continued.', "continued", "the mayor", '"We will rebuild,"'),
]


@pytest.mark.parametrize(("text", "cue", "source", "content"), CASES)
def test_round2_form(nlp, text, cue, source, content):
    found = by_cue(extract_attributions(nlp(text)), cue)
    assert (found.source.text, found.content.text) == (source, content)


def test_a_quote_goes_on_past_a_non_cue_verb_after_its_attribution(nlp):
    text = '"We are ready," Ms Okafor said as she left the hall. "We will win on Monday."'
    found = by_cue(extract_attributions(nlp(text)), "said")
    assert found.content.text == text  # PolNeAR's content covers both pieces
    assert [p.text for p in found.content_parts] == ['"We are ready,"',
                                                     '"We will win on Monday."']


def test_a_second_cue_between_quotes_still_splits_them(nlp):
    text = '"We are ready," Ms Okafor said, adding: "We will win on Monday."'
    found = by_cue(extract_attributions(nlp(text)), "said")
    assert found.content.text == '"We are ready,"'


# (text, cue, content, cue_type): attributions that name no one.
SOURCELESS = [
    ("The closures appear to have helped the town.", "appear",
     "The closures appear to have helped the town", "belief"),
    ("The bill is expected to pass on Friday.", "is expected",
     "The bill is expected to pass on Friday", "belief"),
    ("Asked whether she would run again, Doe smiled.", "Asked", "whether she would run again",
     "stance"),
]


@pytest.mark.parametrize(("text", "cue", "content", "cue_type"), SOURCELESS)
def test_sourceless_attribution_has_an_empty_source_and_no_chain(nlp, text, cue, content,
                                                                  cue_type):
    found = by_cue(extract_attributions(nlp(text)), cue)
    assert (found.source.text, found.content.text, found.cue_type) == ("", content, cue_type)
    assert found.source.start == found.source.end == found.cue.start
    assert found.chain == () and found.source_kind == "unknown"


@pytest.mark.parametrize("text", [
    "The flood claimed 12 lives.",
    "The firm tried to stay out of the news.",
    "The company continued its expansion.",
    "The economy continued to grow.",
    "The memo had been written by the plant manager.",
    "Doe told reporters on the steps of the court.",
])
def test_objects_and_agents_that_are_not_attributed(nlp, text):
    assert extract_attributions(nlp(text)) == []

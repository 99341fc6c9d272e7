"""Attribution forms added for recall on PolNeAR-style news, each on an invented sentence.

Every case names the attribution by its cue and checks the spans as PolNeAR marks them (content
with its "that" and quotation marks); the chain is checked where the form changes provenance.
"""

from __future__ import annotations

import pytest

from attribution_helpers import by_cue
from corroborator.analysis.attribution import RECOUNTED, extract_attributions
from corroborator.analysis.nlp import load_nlp

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


# (text, cue, source, content)
CASES = [
    # A relative pronoun is the source as written.
    ("The harbour master, who said the pier was unsafe, closed it on Sunday.",
     "said", "who", "the pier was unsafe"),
    # A participle modifying a noun: the noun phrase before it speaks.
    ("Farmers opposing the new canal marched through the town.",
     "opposing", "Farmers", "the new canal"),
    # A quote without a verb of its own before the attribution.
    ('"No, not at all," the mayor said.', "said", "the mayor", '"No, not at all,"'),
    # A question the parser makes a sentence of its own.
    ('"Why would we stop now?" Ms Okafor asked.', "asked", "Ms Okafor",
     '"Why would we stop now?"'),
    # A quote after a colon, however many sentences it has (the colon joins the cue).
    ('Ms Okafor wrote: "We are ready. The vote is on Monday."', "wrote:", "Ms Okafor",
     '"We are ready. The vote is on Monday."'),
    # An attribution set into its clause: the whole sentence, or the clause after "as".
    ("The new bridge, she said, will open in May.", "said", "she",
     "The new bridge, she said, will open in May"),
    ("As the inspector noted, the old bridge has cracks.", "noted", "the inspector",
     "the old bridge has cracks"),
    # Praise and blame take their reason; "as" phrases go with the object.
    ("The council praised the volunteers for clearing the road.", "praised", "The council",
     "the volunteers for clearing the road"),
    ("The paper described the vote as a turning point.", "described", "The paper",
     "the vote as a turning point"),
    # Prepositional cues of talk verbs.
    ("The mayor spoke about the flood defences.", "spoke about", "The mayor",
     "the flood defences"),
    # A closing bracket and the comma closing an appositive belong to the source.
    ("Sen. Jane Doe (D-Ohio) said the bill would pass.", "said", "Sen. Jane Doe (D-Ohio)",
     "the bill would pass"),
    ("Tom Reyes, of the harbour board, said the ferry would run.", "said",
     "Tom Reyes, of the harbour board,", "the ferry would run"),
    # A trailing relative clause after a comma is not part of the content.
    ("The ministry said the toll rose to 40, which is the highest this year.", "said",
     "The ministry", "the toll rose to 40"),
]


@pytest.mark.parametrize(("text", "cue", "source", "content"), CASES)
def test_form(nlp, text, cue, source, content):
    found = by_cue(extract_attributions(nlp(text)), cue)
    assert (found.source.text, found.content.text) == (source, content)


def test_relative_pronoun_source_is_named_by_its_antecedent(nlp):
    found = by_cue(extract_attributions(nlp(
        "The harbour master, who said the pier was unsafe, closed it on Sunday.")), "said")
    assert found.chain[-1].name == "The harbour master"


def test_hoped_is_an_intention_despite_the_lemmatiser(nlp):
    found = by_cue(extract_attributions(nlp("The mayor hoped that the road would reopen.")),
                    "hoped")
    assert (found.cue_type, found.content.text) == ("intention", "that the road would reopen")


def test_a_belief_inside_reported_speech_is_not_an_attribution_of_its_own(nlp):
    found = extract_attributions(nlp("The governor said he wants a recount in two districts."))
    assert [a.cue.text for a in found] == ["said"]


def test_a_recounted_conversation_is_not_a_second_hop(nlp):
    doc = nlp("The nurses' union said managers had told ward staff on Monday that the clinic "
              "would shut.")
    attributions = extract_attributions(doc)
    said = by_cue(attributions, "said")
    told = by_cue(attributions, "had told")
    assert said.cue_type == "speech"
    assert [(c.name, c.kind) for c in said.chain] == [("The nurses' union", "party")]
    assert told.cue_type == RECOUNTED  # kept (PolNeAR marks it) but passes no claim on


def test_speech_reported_by_an_outlet_stays_a_hop(nlp):
    doc = nlp("The Valley Times reported that the minister told parliament the dam was safe.")
    told = by_cue(extract_attributions(doc), "told")
    assert told.cue_type == "speech"
    assert [c.name for c in told.chain] == ["The Valley Times", "the minister"]

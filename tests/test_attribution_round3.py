"""Attribution forms added in round 3 (attribution.yaml version 7), on invented sentences."""

from __future__ import annotations

import pytest

from attribution_helpers import by_cue
from corroborator.analysis.attribution import extract_attributions
from corroborator.analysis.nlp import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _extract(nlp, text):
    return extract_attributions(nlp(text))


# (text, cue, source, content, cue_type)
FORMS = [
    # "called on X to Y": the addressee with what they are to do (YAML read a bare "on" as True).
    ("The union leader called on the port authority to reopen the northern dock.",
     "called on", "The union leader", "the port authority to reopen the northern dock", "stance"),
    # A to-infinitive cue takes the subject of the verb carrying it; the carrier joins the cue.
    ("Mara Quist went on to say the ferry service would resume in March.",
     "went on to say", "Mara Quist", "the ferry service would resume in March", "speech"),
    ("Mara Quist has continued to defend the claim that the dam is safe.",
     "has continued to defend", "Mara Quist", "the claim that the dam is safe", "stance"),
    # Headline and transcript lines: a capitalised noun or a name the tagger calls an adjective.
    ("Poll: Quist and Varga tied in the northern district\n\nThe race is close.",
     ":", "Poll", "Quist and Varga tied in the northern district", "evidence"),
    ("Lopez: Well, the levy is a mistake.\n",
     ":", "Lopez", "Well, the levy is a mistake", "speech"),
    # A poll as the source of the clause it modifies.
    ("In a new Harbor Institute poll, Mara Quist leads Ivo Varga by nine points.",
     "In", "a new Harbor Institute poll", "Mara Quist leads Ivo Varga by nine points", "evidence"),
    ("Quist stays well ahead of Varga in the latest poll.",
     "in", "the latest poll", "Quist stays well ahead of Varga", "evidence"),
    # Questions put to someone no one names.
    ("Asked whether the mill would close, the owner shrugged.",
     "Asked", "", "whether the mill would close", "stance"),
    ("Varga was asked about the closure at the town hall.",
     "was asked", "", "about the closure at the town hall", "stance"),
    # What a speaker cites as a reason.
    ('"The town is angry," Quist said, citing high rents and low wages.',
     "citing", "Quist", "high rents and low wages", "stance"),
    # Phrases PolNeAR's cue takes in.
    ("The ministry said in a statement that the port would reopen.",
     "said in a statement", "The ministry", "that the port would reopen", "speech"),
    ("Ivo Varga has said repeatedly that the mill is safe.",
     "has said repeatedly", "Ivo Varga", "that the mill is safe", "speech"),
    # A prepositional phrase between a cue and its preposition.
    ("Quist spoke with the Harbor Times about the flood.",
     "spoke with the Harbor Times about", "Quist", "the flood", "stance"),
    ("Sen. Ann Doe also called upon the city to act.",
     "also called upon", "Sen. Ann Doe", "the city to act", "stance"),
    # Version 7 lexicon words (and a lemma the tagger gets wrong).
    ("The mayor assailed the budget plan.", "assailed", "The mayor", "the budget plan", "stance"),
    ("Varga retweeted a post about the strike.",
     "retweeted", "Varga", "a post about the strike", "speech"),
]


@pytest.mark.parametrize(("text", "cue", "source", "content", "cue_type"), FORMS,
                         ids=[f[0][:40] for f in FORMS])
def test_round3_form(nlp, text, cue, source, content, cue_type):
    found = by_cue(_extract(nlp, text), cue)
    assert found.source.text == source
    assert found.content.text == content
    assert found.cue_type == cue_type


@pytest.mark.parametrize("text", [
    # A purpose after "use", a belief after "begin": not reported by the subject (train).
    "The senator used the hearing to attack the water board.",
    "Mara Quist began to see the flaws in the plan.",
    # A label opening a line says nothing.
    "Update: The bridge reopened on Monday.\n",
    # Standing "in the polls" in general, after the clause, is rarely marked.
    "Quist has gained ground as Varga slips in the polls.",
])
def test_round3_non_attributions(nlp, text):
    assert _extract(nlp, text) == []


def test_question_before_is_not_the_answer(nlp):
    """"Asked if ..., X said no": the question is its own attribution, not what X said."""
    found = _extract(nlp, "Asked if he was ever bullied, the senator said no.")
    asked = by_cue(found, "Asked")
    assert asked.content.text == "if he was ever bullied"
    assert all(not a.content.text.startswith("Asked") for a in found)


def test_cited_source_stays_a_chain_hop(nlp):
    """"..., citing two unnamed engineers" is a hop of the report's chain, not a second
    attribution; the chain still ends at the engineers."""
    found = _extract(nlp, "The dam failed, Radio Varna reported, citing two unnamed engineers.")
    assert [a.cue.text for a in found] == ["reported"]
    assert [link.kind for link in found[0].chain] == ["outlet", "anonymous"]


def test_poll_is_not_speech_for_claims(nlp):
    """A poll as a source is evidence: claims and chains take only speech."""
    found = _extract(nlp, "In a new Harbor Institute poll, Mara Quist leads Ivo Varga by nine "
                          "points.")
    assert [a.cue_type for a in found] == ["evidence"]


def test_statement_in_next_paragraph_keeps_bare_cue(nlp):
    """'X said in a statement.' ending its paragraph keeps the bare verb as the cue."""
    found = _extract(nlp, 'The mayor said in a statement.\n\n"The bridge is safe."')
    assert by_cue(found, "said").content.text == '"The bridge is safe."'


# Version 8: courts' findings and rulings are their statements; measurements given as figures.
RULINGS = [
    ("The court found that Vogt had taken 1.2 million euros.", "found", "The court",
     "speech", "official"),
    ("Judges ruled that Vogt had pocketed the fees.", "ruled", "Judges", "speech", "official"),
    ("A study found that prices rose.", "found", "A study", "evidence", None),
    ("The European Seismological Centre put the magnitude of the quake at 6.3.", "put",
     "The European Seismological Centre", "speech", "organisation"),
]


@pytest.mark.parametrize(("text", "cue", "source", "cue_type", "kind"), RULINGS,
                         ids=[r[0][:40] for r in RULINGS])
def test_rulings_are_statements_and_figures_are_given(nlp, text, cue, source, cue_type, kind):
    found = by_cue(_extract(nlp, text), cue)
    assert found.source.text == source
    assert found.cue_type == cue_type
    if kind is not None:
        assert found.chain[-1].kind == kind

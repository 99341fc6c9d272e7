"""Source kinds of unfamiliar bodies (attribution.yaml version 9), on invented sentences.

Each text's last attribution is checked: its first chain link is the speaker of the last
sentence, typed as a reader would type it.
"""

from __future__ import annotations

import pytest

from corroborator.analysis.attribution import extract_attributions
from corroborator.analysis.nlp import load_nlp
from corroborator.analysis.source_kinds import full_names_of, speaks_anonymously
from corroborator.analysis.sources import classify_source, is_animate


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _speaker_kind(nlp, text: str) -> str:
    attributions = extract_attributions(nlp(text))
    assert attributions, f"no attribution in {text!r}"
    last = max(attributions, key=lambda a: a.cue.start)
    return last.chain[0].kind


# (text, kind of the last sentence's speaker)
CASES = [
    # 1. An agency is a state body unless a news word names a news agency.
    ("The Velmar wildlife agency said 30 wolves were tagged.", "official"),
    ("The regional water agency said the reservoir was half full.", "official"),
    ("The Tessary Space Agency said the probe had landed.", "official"),
    ("The agency said the permits would be reviewed.", "official"),
    ("The Pellan news agency said two ships collided.", "outlet"),
    ("Anadolu Agency said two ships collided.", "outlet"),
    ("Corvane Press Agency reported the strike. The agency said 900 workers walked out.",
     "outlet"),
    ("Reuters reported the merger. The agency said the deal was worth $2 billion.", "outlet"),
    ("The Tessary Space Agency delayed the launch. The agency said the weather was poor.",
     "official"),
    # With no agency named before, one that reports or cites does a news agency's work.
    ("The agency said, citing two port workers, that the crane had fallen.", "outlet"),
    ("The forestry agency reported 40 new fires. The agency said the worst was over.",
     "official"),
    # 2. A civil, national, border or frontier guard is a state force; a security guard a person.
    ("Ardelle's civil guard said the mountain road was closed.", "official"),
    ("The civil guard said four climbers were rescued.", "official"),
    ("Two frontier guards said the smugglers fled on foot.", "official"),
    ("Border guards said 40 migrants were turned back.", "official"),
    ("A security guard said the gate was unlocked.", "person"),
    # 3. Trade words end company names; "its" or a following "the company" mark a company.
    ("Halsey Cruises said in a statement that the voyage was cancelled.", "organisation"),
    ("Penrose Travel said all bookings would be refunded.", "organisation"),
    ("Dorrit Haulage said 60 lorries were stranded.", "organisation"),
    ("Transport Minister Ilse Marrak said the strike was illegal.", "official"),
    # 4. A bare name takes the kind of the fuller name spelled out before it.
    ("Marbeck Telecom cut 200 jobs on Friday. Marbeck said the cuts were painful.",
     "organisation"),
    ("Osgood Tours cancelled its autumn trips. Osgood said refunds would follow.",
     "organisation"),
    ("Radio Kessel broke the news. Kessel said the mayor had resigned.", "outlet"),
    ("Mayor Pia Lindqvar opened the bridge. Lindqvar said it cost $4 million.", "official"),
    ("Ona Verhey runs the bakery. Verhey said prices would rise.", "person"),
    # 5. A source that speaks on condition of anonymity is anonymous, however it is put.
    ("A hospital official, speaking on condition of anonymity, said six patients died.",
     "anonymous"),
    ("Six patients died, said a hospital official, speaking on condition of anonymity.",
     "anonymous"),
    ("A customs officer said anonymously that the cargo was seized.", "anonymous"),
    ("The harbour master, speaking anonymously, said the pier was unsafe.", "anonymous"),
    ("A customs officer who requested anonymity said the cargo was seized.", "anonymous"),
    ("A hospital official, who asked not to be named, said six patients died.", "anonymous"),
    # ... but citing an unnamed source does not make the speaker anonymous.
    ("The minister said, citing unnamed aides, that the talks had failed.", "official"),
    ("The ministry said on social media that the border was shut.", "official"),
]


@pytest.mark.parametrize(("text", "kind"), CASES)
def test_speaker_kind(nlp, text, kind):
    assert _speaker_kind(nlp, text) == kind


def test_bare_agency_after_news_agency_resolves_to_it(nlp):
    text = "Corvane Press Agency reported the strike. The agency said 900 workers walked out."
    attributions = extract_attributions(nlp(text))
    assert attributions[-1].chain[0].name == "Corvane Press Agency"


def test_company_the_tagger_calls_a_person_is_not_animate(nlp):
    # NER calls "Orlen Brightwater" a person; "the company" in the next sentence makes it a
    # company, and the company refers back to it.
    doc = nlp("Orlen Brightwater said in a statement that the plant was closed. "
              "The company said no one was hurt.")
    name = doc[0:2]
    assert name[1].ent_type_ == "PERSON"  # the case this rule is for
    assert classify_source(name) == "organisation"
    assert not is_animate(name)
    last = max(extract_attributions(doc), key=lambda a: a.cue.start)
    assert "Orlen Brightwater" in last.chain[0].name


@pytest.mark.parametrize("text", [
    # A company named before: "the company" is that one, Doe stays a person.
    "Halvard Motors will cut 300 jobs. Ann Doe said the plant would close. "
    "The company said the cuts were final.",
    # A title says the name is a person's.
    "Chief executive Ann Doe said the plant would close. The company said the cuts were final.",
    # "its" after a person refers to something else as often as not.
    "The mill closed on Friday. Ona Verhey said its owners had left.",
])
def test_people_near_a_company_stay_people(nlp, text):
    doc = nlp(text)
    doe = next(t for t in doc if t.text in ("Doe", "Verhey"))
    assert classify_source(doc[doe.i - 1 : doe.i + 1]) == "person"


def test_full_names_of_prefers_the_nearest_earlier_name(nlp):
    doc = nlp("Marbeck Telecom cut jobs. Marbeck Radio reported it. Marbeck said the cuts hurt.")
    bare = next(t for t in doc if t.text == "Marbeck" and t.dep_ == "nsubj")
    heads = [doc[i].text for i in full_names_of(bare)]
    assert heads == ["Radio", "Telecom"]  # the nearer full name first


def test_speaks_anonymously_ignores_the_content(nlp):
    doc = nlp("The minister said the report relied on anonymous sources.")
    assert not speaks_anonymously(doc[0:2])

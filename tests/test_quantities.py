"""Quantities: value, unit and qualifier for each way news writes an amount; non-amounts skipped."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborator.analysis.nlp import load_nlp
from corroborator.analysis.quantities import extract_quantities

pytestmark = pytest.mark.slow

# (sentence, expected [(span text, value, unit, qualifier, high)]) — must match exactly, so a
# sentence with a non-amount in it also checks that nothing else is emitted.
CASES = [
    ("More than 1,200 residents fled.", [("More than 1,200 residents", 1200, "residents",
                                          "more_than", None)]),
    ("At least 12 villages were evacuated.", [("At least 12 villages", 12, "villages",
                                               "at_least", None)]),
    ("About 4,000 people were affected.", [("About 4,000 people", 4000, "people", "about", None)]),
    ("Around 4,000 people left.", [("Around 4,000 people", 4000, "people", "about", None)]),
    ("Some 4,000 people left.", [("Some 4,000 people", 4000, "people", "about", None)]),
    ("Nearly 300 homes burned.", [("Nearly 300 homes", 300, "homes", "about", None)]),
    ("Roughly 50 shops closed.", [("Roughly 50 shops", 50, "shops", "about", None)]),
    ("An estimated 4,000 people fled.", [("An estimated 4,000 people", 4000, "people", "about",
                                          None)]),
    ("The fire destroyed up to 300 houses.", [("up to 300 houses", 300, "houses", "up_to", None)]),
    ("Fewer than 10 people were hurt.", [("Fewer than 10 people", 10, "people", "less_than",
                                          None)]),
    ("Between 12 and 15 villages were hit.", [("Between 12 and 15 villages", 12, "villages",
                                               "range", 15)]),
    ("Officials said 12 to 15 villages were hit.", [("12 to 15 villages", 12, "villages",
                                                     "range", 15)]),
    ("Officials said 12-15 villages were hit.", [("12-15 villages", 12, "villages", "range", 15)]),
    ("They found 12 or more bodies.", [("12 or more bodies", 12, "bodies", "at_least", None)]),
    ("Dozens of people were hurt.", [("Dozens of people", 24, "people", "vague", 99)]),
    ("Hundreds of homes were flooded.", [("Hundreds of homes", 200, "homes", "vague", 999)]),
    ("Thousands of residents fled.", [("Thousands of residents", 2000, "residents", "vague",
                                       9999)]),
    ("Scores of soldiers died.", [("Scores of soldiers", 40, "soldiers", "vague", 99)]),
    ("Tens of thousands of people marched.", [("Tens of thousands of people", 20000, "people",
                                               "vague", 99999)]),
    ("Twelve villages were flooded.", [("Twelve villages", 12, "villages", "exact", None)]),
    ("Three people were arrested.", [("Three people", 3, "people", "exact", None)]),
    ("One person died.", [("One person", 1, "people", "exact", None)]),
    ("Two million people live there.", [("Two million people", 2_000_000, "people", "exact",
                                          None)]),
    ("A dozen schools closed.", [("A dozen schools", 12, "schools", "exact", None)]),
    ("Twenty-five people were rescued.", [("Twenty-five people", 25, "people", "exact", None)]),
    ("Some 1.5 million people lack water.", [("Some 1.5 million people", 1_500_000, "people",
                                              "about", None)]),
    ("The dam cost $2.3 billion.", [("$2.3 billion", 2.3e9, "usd", "exact", None)]),
    ("The repairs cost €40 million.", [("€40 million", 4e7, "eur", "exact", None)]),
    ("The fund holds £3m.", [("£3m", 3e6, "gbp", "exact", None)]),
    ("Turnout fell by 40 percent.", [("40 percent", 40, "percent", "exact", None)]),
    ("Turnout fell by 40%.", [("40%", 40, "percent", "exact", None)]),
    ("The river rose 3 metres.", [("3 metres", 3, "m", "exact", None)]),
    ("The fire spread over 5 kilometres.", [("over 5 kilometres", 5, "km", "more_than", None)]),
    ("A 3 km stretch of road collapsed.", [("3 km", 3, "km", "exact", None)]),
    ("Fewer than 10 persons and 20 individuals were seen.", [
        ("Fewer than 10 persons", 10, "people", "less_than", None),
        ("20 individuals", 20, "people", "exact", None),
    ]),
    ("About 12 were killed.", [("About 12", 12, "", "about", None)]),
    # lengths of time are amounts; points in time are not
    ("Vogt was jailed for seven years on Monday.", [("seven years", 7, "years", "exact", None)]),
    ("The court jailed Vogt for five years yesterday.", [("five years", 5, "years", "exact",
                                                          None)]),
    ("He had more than 20 years of experience.", [("more than 20 years", 20, "years",
                                                   "more_than", None)]),
    ("The strike lasted between 12 and 15 days.", [("between 12 and 15 days", 12, "days",
                                                    "range", 15)]),
    ("Two years ago the plant closed.", []),
    ("The driver, a 54-year-old, was unhurt.", []),
    ("The plant will open in three years.", []),
    ("Over the past five years prices rose.", []),
    # a bare number word a count reached or was put at is a figure; others count nothing
    ("The death toll rose to seven on Tuesday.", [("seven", 7, "", "exact", None)]),
    ("Police put the toll at twelve.", [("twelve", 12, "", "exact", None)]),
    ("He went to one of the shops.", []),
    ("Prices rose to one of the highest levels.", []),
    # must not: years, dates, times, ordinals, phone numbers, names
    ("The dam was built in 2024.", []),
    ("Villages were evacuated on 5 May.", []),
    ("Villages were evacuated on May 5, 2026.", []),
    ("The dam failed on 2026-05-05.", []),
    ("The alarm sounded at 9:30.", []),
    ("The alarm sounded at 10 a.m.", []),
    ("It was the third flood this year.", []),
    ("Call the hotline on 555-1234 for help.", []),
    ("The crash happened on Route 66.", []),
    ("Passengers waited at Gate 3.", []),
    ("One of them spoke.", []),
    ("The home side won 2-1.", []),
]


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_quantities(nlp, sentence, expected):
    found = [(q.span.text, q.value, q.unit, q.qualifier, q.high)
             for q in extract_quantities(nlp(sentence))]
    assert found == [(text, pytest.approx(value), unit, qualifier, high)
                     for text, value, unit, qualifier, high in expected]


def test_mixed_sentence_reads_each_amount(nlp):
    doc = nlp("On 5 May 2026 more than 1,200 residents of 15 villages fled, and $2m in aid "
              "arrived at 10 a.m.")
    assert [(q.value, q.unit) for q in extract_quantities(doc)] == [
        (1200, "residents"), (15, "villages"), (2e6, "usd")]


def test_bounds_follow_qualifier(nlp):
    [q] = extract_quantities(nlp("Between 12 and 15 villages were hit."))
    assert q.bounds() == (12, 15)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from([c[0] for c in CASES]), min_size=1, max_size=5),
       st.sampled_from([" ", "  ", "\n\n", " \n"]))
def test_every_span_points_into_the_text(nlp, sentences, separator):
    doc = nlp(separator.join(sentences))
    for q in extract_quantities(doc):
        assert doc.text[q.span.start:q.span.end] == q.span.text

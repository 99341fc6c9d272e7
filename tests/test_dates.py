"""Dates: absolute and relative mentions resolved against the publication date."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborator.analysis.dates import extract_dates
from corroborator.analysis.nlp import load_nlp

pytestmark = pytest.mark.slow

PUBLISHED = datetime.fromisoformat("2026-05-06T10:00:00+02:00")  # a Wednesday

# (sentence, expected [(span text, ISO date, relative)])
CASES = [
    ("Villages were evacuated on 5 May.", [("5 May", "2026-05-05", False)]),
    ("Villages were evacuated on May 5.", [("May 5", "2026-05-05", False)]),
    ("Villages were evacuated on May 5, 2026.", [("May 5, 2026", "2026-05-05", False)]),
    ("Villages were evacuated on 5 May 2026.", [("5 May 2026", "2026-05-05", False)]),
    ("Villages were evacuated on 2026-05-05.", [("2026-05-05", "2026-05-05", False)]),
    ("The dam was inspected on 4 May 2025.", [("4 May 2025", "2025-05-04", False)]),
    ("The dam was inspected on the 5th of May.", [("5th of May", "2026-05-05", False)]),
    ("The dam was inspected on Sept. 3.", [("Sept. 3", "2025-09-03", False)]),  # > 2 months ahead
    ("The vote is on 20 June.", [("20 June", "2026-06-20", False)]),  # within 2 months ahead
    ("The dam was last inspected on 28 December.", [("28 December", "2025-12-28", False)]),
    ("The spillway failed yesterday.", [("yesterday", "2026-05-05", True)]),
    ("The spillway failed today.", [("today", "2026-05-06", True)]),
    ("Crews will work tonight.", [("tonight", "2026-05-06", True)]),
    ("The spillway failed last night.", [("last night", "2026-05-05", True)]),
    ("The spillway failed on Tuesday.", [("Tuesday", "2026-05-05", True)]),
    ("The spillway failed on Tuesday night.", [("Tuesday night", "2026-05-05", True)]),
    ("The spillway failed on Thursday.", [("Thursday", "2026-04-30", True)]),
    ("The spillway failed on Wednesday.", [("Wednesday", "2026-05-06", True)]),
    ("The spillway failed last Friday.", [("last Friday", "2026-05-01", True)]),
    ("The spillway failed last Wednesday.", [("last Wednesday", "2026-04-29", True)]),
    ("Repairs start next Monday.", [("next Monday", "2026-05-11", True)]),
    ("Repairs start next Wednesday.", [("next Wednesday", "2026-05-13", True)]),
    ("On Tuesday, 5 May, the dam failed.", [("5 May", "2026-05-05", False)]),
    # must not: vague spans, the modal verb, a month without a day, impossible days, names
    ("The dam failed earlier this week.", []),
    ("Rain fell this month.", []),
    ("The dam may fail.", []),
    ("The dam may have failed in May 2026.", []),
    ("The report is dated 31 April.", []),
    ("Shops slashed prices on Black Friday.", []),
]


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_dates(nlp, sentence, expected):
    found = [(d.span.text, d.value.isoformat(), d.relative)
             for d in extract_dates(nlp(sentence), PUBLISHED)]
    assert found == expected


def test_without_publication_only_dates_with_a_year(nlp):
    doc = nlp("The spillway failed yesterday, on 5 May, after checks on 4 May 2025 and Tuesday.")
    assert [(d.span.text, d.value) for d in extract_dates(doc, None)] == [
        ("4 May 2025", date(2025, 5, 4))]


def test_publication_local_date_is_not_converted(nlp):
    # 23:30 in California is already the next day in UTC; "yesterday" still means 5 May.
    late = datetime.fromisoformat("2026-05-06T23:30:00-07:00")
    [mention] = extract_dates(nlp("The spillway failed yesterday."), late)
    assert mention.value == date(2026, 5, 5)


def test_dates_come_in_text_order(nlp):
    doc = nlp("Rain began on Monday; the dam failed on 5 May and crews arrived yesterday.")
    assert [d.span.text for d in extract_dates(doc, PUBLISHED)] == ["Monday", "5 May",
                                                                   "yesterday"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from([c[0] for c in CASES]), min_size=1, max_size=5),
       st.sampled_from([" ", "  ", "\n\n", " \n"]))
def test_every_span_points_into_the_text(nlp, sentences, separator):
    doc = nlp(separator.join(sentences))
    for d in extract_dates(doc, PUBLISHED):
        assert doc.text[d.span.start:d.span.end] == d.span.text


@pytest.mark.parametrize(("text", "published", "want"), [
    ("The cabinet will discuss the plan on Monday, officials said.", (2026, 5, 24), "2026-05-25"),
    ("The line will stay closed until Friday.", (2026, 9, 30), "2026-10-02"),
    ("The museum is due to reopen on Friday.", (2026, 9, 30), "2026-10-02"),
    ("The board meets on Wednesday and will vote on Wednesday.", (2026, 9, 30), None),
    ("The train derailed on Monday night.", (2026, 9, 30), "2026-09-28"),
    ("He said on Tuesday that he will resign.", (2026, 9, 30), "2026-09-29"),
])
def test_weekday_in_a_future_clause_is_the_coming_one(nlp, text, published, want):
    values = [str(d.value) for d in extract_dates(nlp(text), datetime(*published))]
    if want is None:  # a future clause on the publication weekday means next week, not today
        assert values == ["2026-09-30", "2026-10-07"]
    else:
        assert values == [want]

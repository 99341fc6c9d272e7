"""to_dict / from_dict round-trips, driven by hypothesis and by a full hand-built report."""

from __future__ import annotations

import json
import math
import typing
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corroborator.model import (
    SOURCE_KINDS,
    Analysis,
    Article,
    Attribution,
    ChainLink,
    DateMention,
    Framing,
    Qualifier,
    Quantity,
    Report,
    TextSpan,
)
from corroborator.serialize import analysis_from_json, analysis_to_json, from_dict, to_dict
from test_store import make_analysis, make_report  # hand-built model objects

offsets = st.integers(min_value=0, max_value=10**6)
spans = st.builds(TextSpan, offsets, offsets, st.text())
# Whole-minute UTC offsets, both signs, plus naive datetimes.
zones = st.none() | st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-23 * 60, 23 * 60))
articles = st.builds(
    Article, id=st.text(), outlet=st.text(), text=st.text(),
    url=st.none() | st.text(), title=st.none() | st.text(),
    published=st.none() | st.datetimes(timezones=zones),
    source=st.text(), content_hash=st.text(),
)
numbers = st.floats(allow_nan=False)  # infinities included: JSON has none, to_dict copes
quantities = st.builds(
    Quantity, span=spans, value=numbers, unit=st.text(),
    qualifier=st.sampled_from(typing.get_args(Qualifier)), high=st.none() | numbers,
)
chain_links = st.builds(ChainLink, st.text(), st.sampled_from(SOURCE_KINDS), st.text())
attributions = st.builds(
    Attribution, source=spans, cue=spans, content=spans,
    source_kind=st.sampled_from(SOURCE_KINDS), chain=st.lists(chain_links, max_size=4).map(tuple),
)


def through_json(cls, obj):
    """``obj`` out to strict JSON text (no NaN/Infinity literals) and back."""
    text = json.dumps(to_dict(obj), allow_nan=False)
    return from_dict(cls, json.loads(text))


@given(articles)
def test_article_round_trips(article):
    back = through_json(Article, article)
    assert back == article
    if article.published is not None:
        assert back.published.utcoffset() == article.published.utcoffset()


@given(quantities)
def test_quantity_round_trips(quantity):
    assert through_json(Quantity, quantity) == quantity


@given(attributions)
def test_attribution_round_trips(attribution):
    back = through_json(Attribution, attribution)
    assert back == attribution
    assert isinstance(back.chain, tuple)


def test_full_analysis_round_trips_through_json_text():
    analysis = make_analysis()
    text = analysis_to_json(analysis)
    back = analysis_from_json(text)
    assert back == analysis
    assert isinstance(back.claims[0].dates[0].value, date)
    assert not isinstance(back.claims[0].dates[0].value, datetime)
    assert back.article.published.utcoffset() == timedelta(hours=2)
    assert isinstance(back.quantities[0].value, float)


def test_full_report_round_trips():
    report = make_report()
    back = through_json(Report, report)
    assert back == report
    framing = back.stories[0].framing[0]
    assert framing.terms == {"Coast Herald": ("failed",), "Valley Times": ("collapsed",)}
    assert back.stories[0].claims[0].conflicts[1].minor is True


def test_to_dict_shape_is_plain_json():
    data = to_dict(make_analysis())
    assert data["article"]["published"] == "2024-05-04T18:30:00+02:00"
    assert data["dates"][0]["value"] == "2024-05-04"
    assert data["attributions"][0]["chain"][1] == {
        "name": "unnamed engineers", "kind": "anonymous", "cue": "citing"}
    assert "hedged" not in data["claims"][0]  # properties are derived, not stored
    json.dumps(data, allow_nan=False)


def test_infinite_values_survive_as_strings():
    q = Quantity(TextSpan(0, 2, "12"), math.inf, "people", "range", high=-math.inf)
    assert to_dict(q)["value"] == "Infinity"
    assert through_json(Quantity, q) == q


def test_integer_json_number_becomes_float():
    data = to_dict(Quantity(TextSpan(0, 2, "12"), 12.0, "villages"))
    data["value"] = 12  # what another JSON writer might produce
    assert from_dict(Quantity, data).value == 12.0
    assert isinstance(from_dict(Quantity, data).value, float)


def test_defaults_fill_missing_optional_fields():
    article = from_dict(Article, {"id": "a", "outlet": "o", "text": "t"})
    assert article == Article("a", "o", "t")


@pytest.mark.parametrize(("cls", "data", "error"), [
    (Quantity, {"span": {"start": 0, "end": 1, "text": "x"}, "value": 1.0, "unit": "u",
                "qualifier": "roughly"}, ValueError),  # not in the Literal
    (Article, {"outlet": "o", "text": "t"}, TypeError),  # required id missing
    (TextSpan, {"start": "0", "end": 1, "text": "x"}, TypeError),  # str for an int
    (TextSpan, {"start": True, "end": 1, "text": "x"}, TypeError),  # bool is not a count
    (DateMention, {"span": {"start": 0, "end": 1, "text": "x"}, "value": "4 May"}, ValueError),
    (Framing, {"referent": "r", "terms": ["not", "a", "dict"]}, TypeError),
    (Analysis, [], TypeError),
])
def test_bad_data_is_rejected(cls, data, error):
    with pytest.raises(error):
        from_dict(cls, data)


def test_to_dict_refuses_unknown_types():
    with pytest.raises(TypeError, match="cannot serialise"):
        to_dict({"x": object()})

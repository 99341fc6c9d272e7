"""Conflicts between mentions of one claim: places, actors, negation, evolving figures, sides."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from corroborator.conflicts import compare_mentions, conflict_sides, place_relations
from corroborator.crosscheck import claim_status, explain
from corroborator.model import (
    Analysis,
    Article,
    Attribution,
    ChainLink,
    Claim,
    Entity,
    Mention,
    Quantity,
    TextSpan,
)
from corroborator.settings import Settings

SETTINGS = Settings()
DAY1, DAY2, DAY3 = (datetime(2026, 6, d, 9) for d in (1, 2, 3))


def make_claim(text: str, *, counts=(), places=(), negated=False, cue=None) -> Claim:
    """A claim whose span is the whole ``text``; ``counts`` are (substring, value, unit)."""
    whole = TextSpan.of(text, 0, len(text))
    quantities = tuple(
        Quantity(_span(text, sub), value, unit) for sub, value, unit in counts
    )
    entities = tuple(Entity(_span(text, name), "GPE") for name in places)
    attribution = None
    if cue is not None:
        attribution = Attribution(_span(text, cue[0]), _span(text, cue[1]), whole, cue[2])
    return Claim(
        id="x#c1", span=whole, sentence=whole, attribution=attribution, hedges=(),
        quantities=quantities, dates=(), places=entities, actors=(), negated=negated,
        checkworthiness=1.0,
    )


def _span(text: str, sub: str) -> TextSpan:
    start = text.index(sub)
    return TextSpan.of(text, start, start + len(sub))


def mention(claim: Claim, outlet: str, origin: str = "", kind: str = "outlet",
            published: datetime | None = DAY1) -> Mention:
    origin = origin or outlet
    chain = (ChainLink(outlet, "outlet", "published"),)
    if origin != outlet:
        chain += (ChainLink(origin, kind, "said"),)
    return Mention(claim, f"{outlet}-article", outlet, chain, origin, origin.lower(),
                   published=published, origin_kind=kind)


# --- places -----------------------------------------------------------------------------------

def test_two_places_are_a_place_conflict_naming_both():
    a = mention(make_claim("The blast hit a market in Halden", places=["Halden"]), "Valley Times")
    b = mention(make_claim("The blast hit a market in Ebbe", places=["Ebbe"]), "Coast Herald")
    [conflict] = compare_mentions([a, b], SETTINGS).conflicts
    assert conflict.kind == "place"
    assert "Halden" in conflict.detail and "Ebbe" in conflict.detail
    assert "Valley Times" in conflict.detail and "Coast Herald" in conflict.detail


def test_places_the_story_relates_or_contains_do_not_conflict():
    a = mention(make_claim("The blast hit a market in Ebbe", places=["Ebbe"]), "Valley Times")
    b = mention(make_claim("The blast hit a market in Lower Sarn", places=["Lower Sarn"]),
                "Coast Herald")
    related = frozenset({frozenset({"ebbe", "lower sarn"})})
    assert compare_mentions([a, b], SETTINGS, related).conflicts == []
    c = mention(make_claim("The blast hit a market in Sarn", places=["Sarn"]), "Radio Delta")
    assert compare_mentions([b, c], SETTINGS).conflicts == []


def test_a_reference_point_is_not_where_the_event_happened():
    a = mention(make_claim("Police fired tear gas near Parliament Square",
                           places=["Parliament Square"]), "Coast Herald")
    b = mention(make_claim("Police fired tear gas in Mirelle", places=["Mirelle"]), "Radio Delta")
    assert [c.kind for c in compare_mentions([a, b], SETTINGS).conflicts] == []


def test_place_relations_come_from_sentences_naming_both():
    text = "Ebbe, a village in Lower Sarn, was flooded. Halden stayed dry."
    article = Article("a1", "Valley Times", text)
    entities = tuple(Entity(_span(text, n), "GPE") for n in ("Ebbe", "Lower Sarn", "Halden"))
    sentences = (TextSpan.of(text, 0, 43), TextSpan.of(text, 44, len(text)))
    analysis = Analysis(article, sentences, entities, (), (), (), (), (), ())
    assert place_relations([analysis]) == frozenset({frozenset({"ebbe", "lower sarn"})})


# --- actors (real parse) ----------------------------------------------------------------------

def _actor_kinds(text_a: str, text_b: str) -> list[str]:
    a = mention(make_claim(text_a), "Valley Times")
    b = mention(make_claim(text_b), "Coast Herald")
    return [c.kind for c in compare_mentions([a, b], SETTINGS).conflicts]


def test_same_act_by_different_sides_is_an_actor_conflict():
    assert _actor_kinds("Police fired first.", "Protesters fired first.") == ["actor"]
    assert _actor_kinds("The army shelled the bridge.",
                        "The bridge was shelled by rebels.") == ["actor"]


def test_same_side_or_both_sides_named_is_no_actor_conflict():
    assert _actor_kinds("Police fired tear gas.", "Officers fired tear gas.") == []
    assert _actor_kinds("Police clashed with protesters.", "Rioters clashed with police.") == []
    # Speech verbs say who reports, not who acted.
    assert _actor_kinds("The army said the bridge fell.", "Rebels said the bridge fell.") == []


def test_actor_conflict_detail_names_both_agents():
    a = mention(make_claim("Police fired first."), "Valley Times")
    b = mention(make_claim("Protesters fired first."), "Coast Herald")
    [conflict] = compare_mentions([a, b], SETTINGS).conflicts
    assert "Police fired" in conflict.detail and "Protesters did" in conflict.detail


# --- negation ---------------------------------------------------------------------------------

def test_no_one_injured_against_a_count_is_a_negation_naming_the_count():
    a = mention(make_claim("No one was injured", negated=True), "Radio Delta")
    b = mention(make_claim("Two guards were injured", counts=[("Two guards", 2, "guards")]),
                "Metro Bulletin")
    [conflict] = compare_mentions([a, b], SETTINGS).conflicts
    assert conflict.kind == "negation"
    assert "says none" in conflict.detail and "“Two guards”" in conflict.detail


def test_denial_is_worded_as_a_denial_by_its_origin():
    text = "Keller Textiles denied that the exits had been locked"
    denial = make_claim(text, negated=True,
                        cue=("Keller Textiles", "denied", "organisation"))
    a = mention(denial, "Valley Times", "Keller Textiles", "organisation")
    b = mention(make_claim("The exits had been locked"), "Coast Herald", "two workers", "person")
    [conflict] = compare_mentions([a, b], SETTINGS).conflicts
    assert conflict.kind == "negation"
    assert conflict.detail.startswith("Keller Textiles denies it")


# --- evolving figures -------------------------------------------------------------------------

def _toll(outlet: str, value: int, published: datetime, origin="the health ministry",
          kind="official", text=None) -> Mention:
    text = text or f"{value} people were killed"
    return mention(make_claim(text, counts=[(f"{value} people", value, "people")]),
                   outlet, origin, kind, published)


def test_a_rising_toll_from_one_origin_is_evolution_not_conflict():
    early, late = _toll("Valley Times", 12, DAY1), _toll("Coast Herald", 30, DAY2)
    result = compare_mentions([late, early], SETTINGS)
    assert result.conflicts == []
    assert [(v.mention, v.article_id, v.value, v.text) for v in result.evolving] == [
        (1, "Valley Times-article", 12, "12 people"), (0, "Coast Herald-article", 30, "30 people")]
    assert claim_status([late, early], result.conflicts, 1) == "single_origin"


def test_older_figure_printed_after_the_newer_is_a_minor_outdated_conflict():
    mentions = [_toll("Valley Times", 12, DAY1), _toll("Northern Wire", 19, DAY2),
                _toll("Coast Herald", 27, DAY2.replace(hour=20)), _toll("Metro Bulletin", 12, DAY3)]
    result = compare_mentions(mentions, SETTINGS)
    # Only against the newest figure before it (27), not against every older one (19).
    [outdated] = result.conflicts
    assert (outdated.a, outdated.b) == (2, 3)
    assert outdated.minor and outdated.outdated and outdated.between == "outlets"
    assert outdated.detail.startswith("outdated figure: Metro Bulletin")
    assert [v.value for v in result.evolving] == [12, 19, 27]
    text = explain(claim_status(mentions, result.conflicts, 1), mentions,
                   ["the health ministry"], result.conflicts, result.evolving)
    assert "changed over time" in text and "Outdated figure" in text
    assert "“12 people” (Valley Times, 2026-06-01) → “19 people”" in text


def test_a_later_smaller_figure_nobody_gave_before_is_a_misreport_not_outdated():
    mentions = [_toll("Valley Times", 62, DAY1), _toll("Metro Bulletin", 26, DAY2)]
    [conflict] = compare_mentions(mentions, SETTINGS).conflicts
    assert not conflict.minor and not conflict.outdated and conflict.between == "outlets"
    assert claim_status(mentions, [conflict], 1) == "conflicting"


def test_revision_wording_makes_different_origins_one_evolving_figure():
    early = _toll("Valley Times", 12, DAY1, "the hospital", "organisation")
    late = _toll("Coast Herald", 30, DAY2, "the governor", "official",
                 text="The toll rose to 30 people")
    result = compare_mentions([early, late], SETTINGS)
    assert result.conflicts == [] and [v.value for v in result.evolving] == [12, 30]


def _term(outlet: str, years: int, published: datetime, text: str) -> Mention:
    return mention(make_claim(text, counts=[(f"{years} years", years, "years")]), outlet,
                   f"{outlet} (own)", "outlet", published)


def test_a_fixed_length_of_time_misreported_later_is_a_conflict_not_a_new_figure():
    # five years, then eight years, then five again: a prison term does not grow between reports
    mentions = [_term("Valley Times", 5, DAY1, "Vogt was jailed for 5 years"),
                _term("Coast Herald", 8, DAY2, "Vogt was jailed for 8 years"),
                _term("Metro Bulletin", 5, DAY3, "Vogt was jailed for 5 years")]
    result = compare_mentions(mentions, SETTINGS)
    assert result.evolving == []
    assert sorted((c.a, c.b, c.minor) for c in result.conflicts) == [(0, 1, False),
                                                                      (1, 2, False)]


def test_a_running_length_of_time_may_grow_between_reports():
    mentions = [_term("Valley Times", 3, DAY1, "The strike has lasted 3 years"),
                _term("Coast Herald", 4, DAY2, "The strike has lasted 4 years")]
    result = compare_mentions(mentions, SETTINGS)
    assert result.conflicts == [] and [v.value for v in result.evolving] == [3, 4]


def test_decimals_are_compared_at_their_written_precision():
    a = mention(make_claim("A quake of magnitude 6.1 struck", counts=[("6.1", 6.1, "magnitude")]),
                "Valley Times", "the institute", "official", DAY1)
    b = mention(make_claim("A quake of magnitude 6.3 struck", counts=[("6.3", 6.3, "magnitude")]),
                "Coast Herald", "the centre", "organisation", DAY1)
    c = mention(make_claim("A quake of magnitude 6.12 struck",
                           counts=[("6.12", 6.12, "magnitude")]),
                "Metro Bulletin", "the institute", "official", DAY1)
    assert [(x.a, x.b) for x in compare_mentions([a, b], SETTINGS).conflicts] == [(0, 1)]
    assert compare_mentions([a, c], SETTINGS).conflicts == []  # 6.12 rounds to 6.1


def test_same_day_different_figures_stay_a_conflict():
    a, b = _toll("Valley Times", 12, DAY1), _toll("Coast Herald", 15, DAY1)
    [conflict] = compare_mentions([a, b], SETTINGS).conflicts
    assert conflict.kind == "number" and not conflict.minor


# --- who disagrees ----------------------------------------------------------------------------

def test_the_accused_answering_an_official_finding_is_a_side_not_a_neutral_source():
    finding = make_claim("Vogt had taken 1.2 million euros")
    finding = dataclasses.replace(finding, actors=(Entity(_span(finding.span.text, "Vogt"),
                                                          "PERSON"),))
    court = mention(finding, "Valley Times", "the court", "official")
    accused = mention(make_claim("Vogt had taken no money", negated=True), "Coast Herald",
                      "Lena Vogt", "person")
    witness = mention(make_claim("Vogt had taken no money", negated=True), "Coast Herald",
                      "a neighbour", "person")
    assert conflict_sides(court, accused) == conflict_sides(accused, court) == "parties"
    assert conflict_sides(court, witness) == "origins"


def test_opposing_parties_are_a_conflict_between_parties():
    army = mention(make_claim("30 fighters were killed", counts=[("30 fighters", 30, "fighters")]),
                   "Valley Times", "the army", "party", DAY1)
    fhm = mention(make_claim("4 fighters were killed", counts=[("4 fighters", 4, "fighters")]),
                  "Coast Herald", "the FHM", "party", DAY2)
    result = compare_mentions([army, fhm], SETTINGS)
    [conflict] = result.conflicts
    assert conflict.between == "parties" and result.evolving == []
    assert "two sides give incompatible accounts" in conflict.detail
    assert "the army says “30 fighters”" in conflict.detail
    text = explain("conflicting", [army, fhm], ["the army", "the FHM"], result.conflicts)
    assert text.startswith("The sides disagree (number)")


def test_outlets_misquoting_one_source_are_worded_as_such():
    a, b = _toll("Valley Times", 12, DAY1), _toll("Coast Herald", 15, DAY1)
    [conflict] = compare_mentions([a, b], SETTINGS).conflicts
    assert conflict.between == "outlets"
    assert conflict.detail.startswith("outlets disagree about one source's figure: Valley Times "
                                      "quotes the health ministry as “12 people”, Coast Herald "
                                      "as “15 people”")


@pytest.mark.parametrize(("kinds", "expected"), [
    (("party", "party"), "parties"), (("official", "party"), "parties"),
    (("official", "official"), "origins"), (("organisation", "party"), "origins"),
])
def test_conflict_sides(kinds, expected):
    a = mention(make_claim("x"), "Valley Times", "Side A", kinds[0])
    b = mention(make_claim("x"), "Coast Herald", "Side B", kinds[1])
    assert conflict_sides(a, b) == expected


# --- issue 6: charges, participants, implied units, self-consistent articles ------------------

def test_a_charge_names_the_doer_of_the_deed():
    # "accused the army of starting ..." (or its content alone) says the army started it.
    assert _actor_kinds("Separatist fighters started the fighting.",
                        "The movement accused the army of starting the fighting.") == ["actor"]
    assert _actor_kinds("Separatist fighters started the fighting.",
                        "the army of starting the fighting by shelling the village") == ["actor"]
    assert _actor_kinds("Rebels started the fighting.",
                        "The ministry accused the rebels of starting the fighting.") == []
    a = mention(make_claim("The movement accused the army of starting the fighting."),
                "Valley Times")
    b = mention(make_claim("Separatist fighters started the fighting."), "Coast Herald")
    detail = compare_mentions([a, b], SETTINGS).conflicts[0].detail
    assert "says the army did" in detail and "starting (from" not in detail


def test_a_word_inside_an_argument_is_not_a_party_to_the_act():
    # "an army checkpoint" is the target, not the army taking part: still two different doers.
    assert _actor_kinds("Separatist fighters started the fighting by attacking an army checkpoint.",
                        "The army started the fighting by shelling the village.") == ["actor"]


def test_a_bare_number_takes_the_unit_its_claim_implies():
    early = mention(make_claim("Twelve people died", counts=[("Twelve people", 12, "people")]),
                    "Valley Times", "the agency", "official", DAY1)
    late = mention(make_claim("The death toll rose to 27", counts=[("27", 27, "")]),
                   "Coast Herald", "the agency", "official", DAY2)
    result = compare_mentions([early, late], SETTINGS)
    assert result.conflicts == [] and [v.value for v in result.evolving] == [12, 27]


def test_an_article_stating_both_polarities_from_one_origin_is_no_negation_side():
    headline = mention(make_claim("two guards hurt, party denies role", negated=True,
                                  counts=[("two guards", 2, "guards")]),
                       "Metro Bulletin", "the hospital", "organisation")
    body = mention(make_claim("Two guards were injured", counts=[("Two guards", 2, "guards")]),
                   "Metro Bulletin", "the hospital", "organisation")
    other = mention(make_claim("Two guards were injured", counts=[("Two guards", 2, "guards")]),
                    "Daily Ledger", "the hospital", "organisation")
    denial = mention(make_claim("No one was injured", negated=True), "Radio Delta",
                     "the commission", "official")
    conflicts = compare_mentions([headline, body, other, denial], SETTINGS).conflicts
    pairs = {(c.kind, c.a, c.b) for c in conflicts}
    assert pairs == {("negation", 1, 3), ("negation", 2, 3)}


# --- places near a town, names the NER misses, distances ------------------------------------

def test_places_near_two_different_towns_conflict_even_when_the_ner_misses_one():
    # "Merrow" carries no place entity (the small model tags it DATE): it is read after "near"
    a = mention(make_claim("The train came off the rails near Tollan", places=["Tollan"]),
                "Eastern Star", "Kestrel Rail", "organisation")
    b = mention(make_claim("The derailment happened near Merrow"), "Daily Ledger", "police",
                "official")
    [conflict] = compare_mentions([a, b], SETTINGS).conflicts
    assert conflict.kind == "place" and conflict.between == "origins"
    assert "near Tollan" in conflict.detail and "near Merrow" in conflict.detail


def test_the_town_of_names_the_same_place_and_a_distance_is_only_a_reference():
    a = mention(make_claim("The train left the tracks near the town of Tollan"), "Radio Delta")
    b = mention(make_claim("The train came off the rails near Tollan", places=["Tollan"]),
                "Eastern Star")
    assert compare_mentions([a, b], SETTINGS).conflicts == []
    # "12 kilometres east of Tollan" is no place of the event: only Merrow is
    c = mention(make_claim("The train derailed outside the village of Merrow, about 12 "
                           "kilometres east of Tollan", places=["Tollan"]), "Valley Times")
    [conflict] = compare_mentions([b, c], SETTINGS).conflicts
    assert conflict.kind == "place" and "near Merrow" in conflict.detail


def test_places_a_distance_apart_are_not_related_by_their_sentence():
    text = "The train derailed near Merrow, 12 kilometres east of Tollan, in Garrow."
    article = Article("a1", "Valley Times", text)
    entities = tuple(Entity(_span(text, n), "GPE") for n in ("Merrow", "Tollan", "Garrow"))
    analysis = Analysis(article, (TextSpan.of(text, 0, len(text)),), entities, (), (), (), (),
                        (), ())
    relations = place_relations([analysis])
    assert frozenset({"merrow", "tollan"}) not in relations
    assert frozenset({"tollan", "garrow"}) in relations


# --- dates of the claim's own event ---------------------------------------------------------

def _dated_claim(sentence: str, content: str, *dates: tuple[str, int]) -> Claim:
    """A claim whose span is ``content`` inside ``sentence``, with dates (substring, day)."""
    from datetime import date

    from corroborator.model import DateMention

    whole = TextSpan.of(sentence, 0, len(sentence))
    return Claim(
        id="x#c1", span=_span(sentence, content), sentence=whole, attribution=None, hedges=(),
        quantities=(), dates=tuple(DateMention(_span(sentence, s), date(2026, 9, d))
                                   for s, d in dates),
        places=(), actors=(), negated=False, checkworthiness=1.0,
    )


def test_dates_of_the_statement_or_the_dispatch_are_not_the_event_date():
    told = _dated_claim(
        "The union said managers had told stewards on Friday that the plant would close.",
        "the plant would close", ("Friday", 4))
    statement = _dated_claim(
        "The plant will close by 2027, the carmaker said on Monday.",
        "The plant will close by 2027", ("Monday", 7))
    dispatch = _dated_claim(
        "DUNMERE, Sept 7 (Northern Wire) - The plant will close by 2027.",
        "DUNMERE, Sept 7 (Northern Wire) - The plant will close by 2027", ("Sept 7", 7))
    mentions = [mention(told, "Daily Ledger"), mention(statement, "Radio Delta"),
                mention(dispatch, "Northern Wire")]
    assert compare_mentions(mentions, SETTINGS).conflicts == []
    # the event's own dates still conflict
    early = _dated_claim("The plant closed on Friday.", "The plant closed on Friday",
                         ("Friday", 4))
    late = _dated_claim("The plant closed on Monday.", "The plant closed on Monday",
                        ("Monday", 7))
    [conflict] = compare_mentions([mention(early, "A"), mention(late, "B")], SETTINGS).conflicts
    assert conflict.kind == "date"


# --- a bare figure counting a named unit ----------------------------------------------------

def test_the_number_of_marchers_is_compared_with_a_count_of_teachers():
    federation = mention(make_claim("40,000 teachers marched through Mirelle",
                                    counts=[("40,000 teachers", 40000, "teachers")]),
                         "Northern Wire", "Teachers' Federation", "organisation")
    police = mention(make_claim("Police put the number of marchers in Mirelle at 12,000",
                                counts=[("12,000", 12000, "")]),
                     "Valley Times", "police", "official")
    [conflict] = compare_mentions([federation, police], SETTINGS).conflicts
    assert conflict.kind == "number" and conflict.between == "origins"
    assert "12,000" in conflict.detail and "40,000" in conflict.detail


def test_a_date_of_telling_inside_the_claim_is_not_the_event_date():
    told = _dated_claim(
        "Managers had told stewards on Friday that the plant would close on 7 September.",
        "Managers had told stewards on Friday that the plant would close on 7 September",
        ("Friday", 4), ("7 September", 7))
    monday = _dated_claim("The plant will close on Monday.", "The plant will close on Monday",
                          ("Monday", 7))
    assert compare_mentions([mention(told, "A"), mention(monday, "B")], SETTINGS).conflicts == []
    announced = _dated_claim(
        "Managers had told stewards on Friday that the plant would close.",
        "Managers had told stewards on Friday that the plant would close", ("Friday", 4))
    assert compare_mentions([mention(announced, "A"), mention(monday, "B")],
                            SETTINGS).conflicts == []


def test_a_one_day_gap_is_minor_only_when_time_zones_can_explain_it():
    from datetime import timedelta, timezone

    def dated(outlet: str, text: str, day: int, hours: int) -> Mention:
        claim = _dated_claim(text, text, (str(day), day))
        when = datetime(2026, 9, 27, 12, tzinfo=timezone(timedelta(hours=hours)))
        return mention(claim, outlet, published=when)

    far = dated("Valley Times", "The ferry sank on 26 September.", 26, -5)
    near = dated("Coast Herald", "The ferry sank on 27 September.", 27, 2)
    same_zone = dated("Radio Delta", "The ferry sank on 26 September.", 26, 2)
    by_pair = {(c.a, c.b): c for c in
               compare_mentions([far, near, same_zone], SETTINGS).conflicts if c.kind == "date"}
    assert by_pair[(0, 1)].minor and "UTC-05:00 vs UTC+02:00" in by_pair[(0, 1)].detail
    assert not by_pair[(1, 2)].minor and "one time zone" in by_pair[(1, 2)].detail
    assert set(by_pair) == {(0, 1), (1, 2)}


def test_an_explanation_lists_at_most_a_few_names_and_counts_the_rest():
    outlets = [f"Outlet {n}" for n in range(12)]
    mentions = [mention(make_claim("The dam failed."), o, f"Source {n}", "official")
                for n, o in enumerate(outlets)]
    text = explain("corroborated", mentions, [m.origin for m in mentions], [])
    assert text.startswith("12 outlets report this from 12 independent origins: Source 0; ")
    assert "Source 7; and 4 more." in text and "Source 8" not in text
    few = explain("corroborated", mentions[:3], [m.origin for m in mentions[:3]], [])
    assert few.endswith("Source 0; Source 1; Source 2.")

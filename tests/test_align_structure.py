"""Structure that claim alignment compares besides wording: counted units, passive objects,
object classes, where an event happened, and negation neutralised before comparison."""

from __future__ import annotations

from datetime import date

from corroborator.align import masked_text
from corroborator.align_structure import (
    claim_locations,
    claim_predicates,
    implied_families,
    quantity_family,
    unit_family,
)
from corroborator.model import Claim, DateMention, Quantity, TextSpan


def make_claim(text: str, *, counts=(), dates=()) -> Claim:
    """A claim spanning ``text``; ``counts`` are (substring, value, unit); ``dates`` substrings."""
    whole = TextSpan.of(text, 0, len(text))
    quantities = tuple(Quantity(_span(text, sub), value, unit) for sub, value, unit in counts)
    date_mentions = tuple(DateMention(_span(text, sub), date(2026, 9, 28))
                          for sub in dates)
    return Claim("x#c1", whole, whole, None, (), quantities, date_mentions, (), (), False, 1.0)


def _span(text: str, sub: str) -> TextSpan:
    start = text.index(sub)
    return TextSpan.of(text, start, start + len(sub))


def test_jobs_and_the_workers_who_lose_them_are_one_unit_family():
    assert unit_family("workers") == unit_family("jobs")
    assert unit_family("marchers") == unit_family("teachers") == unit_family("people")
    assert unit_family("jobs") != unit_family("people")


def test_a_bare_figure_counts_the_unit_named_after_number_of():
    text = "Police put the number of marchers in Mirelle at 12,000"
    claim = make_claim(text, counts=[("12,000", 12000, "")])
    assert implied_families(claim) == {"people"}
    assert quantity_family(claim.quantities[0], claim) == "people"
    # a unit the lexicon does not know gives nothing to compare with
    other = make_claim("The number of buses was put at 230", counts=[("230", 230, "")])
    assert quantity_family(other.quantities[0], other) == ""


def test_passive_subjects_are_objects_in_their_class():
    found = ("discovery", "explosive")
    assert found in claim_predicates("a second bomb had been found nearby")
    assert found in claim_predicates("A second device was found near the building")
    assert found in claim_predicates("no second device had been found")
    assert ("discovery", "explosive") not in claim_predicates("Police found the van")
    assert not claim_predicates("It was found")  # a pronoun is no object


def test_claims_placing_their_event_share_a_where_predicate():
    where = ("derailment", "@where")
    assert where in claim_locations(make_claim("The derailment happened near Merrow"))
    assert where in claim_locations(make_claim("The train came off the rails near Tollan"))
    assert where in claim_locations(
        make_claim("the train had left the tracks near the town of Tollan"))
    # a date after the event word is when, not where
    assert not claim_locations(make_claim("The express derailed late on Monday",
                                          dates=["Monday"]))
    assert not claim_locations(make_claim("The express derailed late in September"))
    assert not claim_locations(make_claim("The express derailed in the hills"))


def test_masked_text_neutralises_the_negative_determiner():
    claim = make_claim("Police said no second device had been found")
    assert masked_text(claim) == "Police said a second device had been found"
    kept = make_claim("The plant will no longer build cars")
    assert "no longer" in masked_text(kept)

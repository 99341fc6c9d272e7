"""The structure claim alignment compares besides wording: what a claim counts and what happens.

Two reports of one figure often share few words ("Twelve people died" / "the death toll rose to
27"), and two different claims may share a figure ("demanding a 9 percent pay rise" / "could not
afford a 9 percent pay rise"). So each claim gets, from the lexicon data/alignment.yaml:
- its **events**: the predicate families it reports (death, injury, closure, demand, ...);
- its **counts**: (unit family, event) pairs, e.g. ("people", "death") for both sentences above;
- its **predicates**: (event, object) pairs, e.g. ("start", "fighting") for both "the army
  started the fighting" and "accused the army of starting the fighting" (who did it is compared
  after alignment, as an actor conflict), the object also before a passive verb ("a second bomb
  had been found"), in its object class ("device" ~ "bomb"); and (event, "@where") when the claim
  says where its event happened ("derailed near Merrow" / "came off the rails near Tollan": which
  place is compared after alignment, as a place conflict);
- a comparison text with the reported statement's opening pronoun replaced by its source ("the
  party denied that it was behind ..." -> "The party was behind ...") and a dateline removed.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .analysis.lexicon import load_lexicon
from .model import Claim, Entity, Quantity


@dataclass(frozen=True)
class _Lexicon:
    unit_family: dict[str, str]  # unit -> family
    implied_units: tuple[tuple[str, re.Pattern], ...]  # family, phrase pattern
    events: tuple[tuple[str, re.Pattern], ...]  # family, word pattern
    opposites: dict[str, frozenset[str]]  # event -> its opposite events
    source_pronouns: re.Pattern
    # "<Name>'s lawyer" / "his lawyer": someone speaking for a person, who is "he"/"she"
    spoken_for: re.Pattern
    number_words: re.Pattern
    counted_unit: re.Pattern  # "the number of <unit>"
    object_class: dict[str, str]  # noun -> its class
    location: re.Pattern  # a place phrase after an event word: "<=k words> near (the town of) X"


def _words(forms: list[str]) -> re.Pattern:
    """One case-insensitive whole-word pattern for several (multi-word) forms, longest first."""
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I)


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    raw = load_lexicon("alignment")
    opposites: dict[str, set[str]] = {}
    for a, b in raw["opposite_events"]:
        opposites.setdefault(a, set()).add(b)
        opposites.setdefault(b, set()).add(a)
    # Spelled-out numbers ("Twelve", "thirty-one") are values like digits: masked the same way.
    numbers = list(load_lexicon("quantities")["number_words"])
    return _Lexicon(
        unit_family={u: family for family, units in raw["unit_families"].items() for u in units},
        implied_units=tuple((f, _words(p)) for f, p in raw["implied_units"].items()),
        events=tuple((family, _words(forms)) for family, forms in raw["events"].items()),
        opposites={e: frozenset(o) for e, o in opposites.items()},
        source_pronouns=re.compile(rf"^(?:{'|'.join(raw['source_pronouns'])})\b", re.I),
        spoken_for=re.compile(rf"^(?:the\s+)?(?P<whom>.+?)(?:'s|’s|\s+his|\s+her)?\s+"
                              rf"(?:{'|'.join(raw['speaks_for_person'])})\b", re.I),
        number_words=re.compile(rf"\b(?:{'|'.join(numbers)})(?:-(?:{'|'.join(numbers)}))?\b",
                                re.I),
        # the unit may follow a few modifiers: "the number of confirmed salmonella infections"
        counted_unit=re.compile(rf"\b(?:{'|'.join(raw['counted_unit_cues'])})\s+"
                                r"((?:[a-z'-]+\s+){0,3}[a-z'-]+)", re.I),
        object_class={noun: cls for cls, nouns in raw["object_classes"].items() for noun in nouns},
        location=_location_pattern(raw),
    )


def _location_pattern(raw: dict) -> re.Pattern:
    """Up to k words, a place preposition, optionally "the <place noun> of", then a capitalised
    name (group 1): matched right after an event word."""
    gap = int(raw["location_max_gap_words"])
    prepositions = "|".join(raw["location_prepositions"])
    nouns = "|".join(load_lexicon("conflicts")["place_nouns"])
    return re.compile(
        rf"(?:\s+[\w'-]+){{0,{gap}}}?\s+(?i:{prepositions})\s+"
        rf"(?:(?i:the)\s+(?:[a-z]+\s+)?(?i:{nouns})\s+of\s+)?([A-Z][\w'-]*)")


def unit_family(unit: str) -> str:
    """Units that count the same kind of thing compare with each other (people ~ passengers,
    houses ~ homes); any other unit is its own family."""
    return _lexicon().unit_family.get(unit.lower(), unit)


def claim_events(text: str) -> frozenset[str]:
    """Event families the text reports (recognised words only; empty when none)."""
    return frozenset(family for family, pattern in _lexicon().events if pattern.search(text))


def claim_counts(claim: Claim, events: frozenset[str]) -> frozenset[tuple[str, str]]:
    """(unit family, event) pairs: what the claim counts and what happened to it."""
    families = {unit_family(q.unit) for q in claim.quantities if q.unit}
    families.update(implied_families(claim))
    return frozenset((family, event) for family in families for event in events)


def implied_families(claim: Claim) -> set[str]:
    """Unit families the claim counts without a number naming them: "the death toll rose to 27"
    (people), "the number of marchers ... at 12,000" (people)."""
    return _implied_families_of(claim.span.text)


def _implied_families_of(text: str) -> set[str]:
    lexicon = _lexicon()
    families = {f for f, pattern in lexicon.implied_units if pattern.search(text)}
    for match in lexicon.counted_unit.finditer(text):
        # the first word of the phrase that names a unit: "number of confirmed cases" -> cases
        units = [w for w in match.group(1).lower().split() if w in lexicon.unit_family]
        if units:
            families.add(lexicon.unit_family[units[0]])
    return families


def quantity_family(quantity: Quantity, claim: Claim) -> str:
    """What a quantity counts. A bare number takes the one unit family its claim implies: "the
    death toll rose to 27" counts people like "Twelve people died" does; else ""."""
    if quantity.unit:
        return unit_family(quantity.unit)
    return _implied_family(claim.span.text)


@lru_cache(maxsize=4096)
def _implied_family(text: str) -> str:
    # cached by text: conflict comparison asks for every pair of a group's mentions
    implied = _implied_families_of(text)
    return implied.pop() if len(implied) == 1 else ""


# The word an event verb acts on: "started the fighting", "closed its doors".
_OBJECT = re.compile(r"\s+(?:(?:the|a|an|its|their|his|her|our|this|these|those)\s+)?([a-z]+)",
                     re.I)


# The subject of a passive event verb: "a second bomb had been found" -> "bomb".
_PASSIVE_SUBJECT = re.compile(
    r"([a-z]+)\s+(?:was|were|is|are|has been|have been|had been|will be|would be)\s+"
    r"(?:[a-z]+ly\s+)?$", re.I)
# Words that may follow a place preposition but name a time, not a place.
_CALENDAR = frozenset(w.lower() for w in (*calendar.month_name[1:], *calendar.day_name))


def claim_predicates(text: str) -> frozenset[tuple[str, str]]:
    """(event family, object word) pairs of the text: "started the fighting" ->
    ("start", "fighting"), "a second device was found" -> ("discovery", "explosive").
    Function words ("killed in ...") are not objects."""
    pairs = set()
    for family, pattern in _lexicon().events:
        for match in pattern.finditer(text):
            following = _OBJECT.match(text, match.end())
            preceding = _PASSIVE_SUBJECT.search(text, 0, match.start())
            for found in (following, preceding):
                word = _object_word(found.group(1)) if found is not None else None
                if word is not None:
                    pairs.add((family, word))
    return frozenset(pairs)


def _object_word(word: str) -> str | None:
    """The object as compared: singular, in its class; None for function words."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    word = word.lower()
    if len(word) <= 2 or word in ENGLISH_STOP_WORDS:
        return None
    classes = _lexicon().object_class
    return classes.get(word) or classes.get(word.removesuffix("s")) or word.removesuffix("s")


def claim_locations(claim: Claim) -> frozenset[tuple[str, str]]:
    """(event family, "@where") when the claim says where its event happened: an event word
    followed closely by a place preposition and a capitalised name that is no date ("derailed
    near Merrow", "came off the rails near the town of Tollan"; not "derailed late on Monday")."""
    text = claim.span.text
    base = claim.span.start
    dates = [(d.span.start - base, d.span.end - base) for d in claim.dates]
    pairs = set()
    for family, pattern in _lexicon().events:
        for match in pattern.finditer(text):
            place = _lexicon().location.match(text, match.end())
            if place is None or place.group(1).lower() in _CALENDAR:
                continue
            if not any(s <= place.start(1) < e for s, e in dates):
                pairs.add((family, "@where"))
    return frozenset(pairs)


def opposite_events(events: frozenset[str]) -> frozenset[str]:
    """The events opposite to any of ``events`` (closure -> reopening)."""
    opposites = _lexicon().opposites
    return frozenset(o for e in events for o in opposites.get(e, ()))


_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+,[^()\n]{0,30}\([^()\n]{1,40}\)\s*[-\u2013\u2014]+\s*")


def dateline_length(text: str) -> int:
    """Characters of the dateline opening ``text`` ("OSTREL, Aug 18 (Wire) - "); 0 when none."""
    match = _DATELINE.match(text)
    return match.end() if match else 0


def comparable_text(claim: Claim, text: str, protagonist: str = "") -> str:
    """``text`` (the claim's words, possibly already masked) as compared across outlets: no
    dateline ("OSTREL, Aug 18 (Wire) - "), and a reported statement's opening pronoun replaced
    by who made it ("it was behind the bombing" -> "The party was behind the bombing").
    ``protagonist``: the person the article is mostly about (``protagonist``), for "his lawyer
    said he would appeal"."""
    text = _DATELINE.sub("", text)
    attribution = claim.attribution
    if (attribution is not None and claim.span.start == attribution.content.start
            and _lexicon().source_pronouns.match(text)):
        text = _lexicon().source_pronouns.sub(
            lambda m: _referent(m.group(0), attribution.source.text, protagonist), text, count=1)
    return text


def _referent(pronoun: str, source: str, protagonist: str = "") -> str:
    """Who an opening pronoun of a reported statement stands for: usually the speaker ("the
    party denied that it was ..."), but "he"/"she" in what a lawyer or spokesman says is the
    person spoken for ("Vogt's lawyer said she would appeal" -> Vogt; "her lawyer said she would
    appeal" -> the article's protagonist when known, else the speaker stands in)."""
    if pronoun.lower() not in ("he", "she"):
        return source
    spoken_for = _lexicon().spoken_for.match(source.split(",")[0].strip())
    if spoken_for is None:
        return source
    whom = spoken_for.group("whom")
    if whom.lower() in ("his", "her", "their"):
        return protagonist or source
    return whom


def protagonist(entities: Sequence[Entity]) -> str:
    """The surname of the person an article names most often ("Lena Vogt ... Vogt ... Vogt"
    -> "Vogt"); "" when it names nobody. Ties go to the first named."""
    counts: dict[str, int] = {}
    for entity in entities:
        name = surname(entity.span.text) if entity.label == "PERSON" else ""
        if name:
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else ""


def surname(name: str) -> str:
    """The last word of a person's name, without a possessive ("Lena Vogt's" -> "Vogt")."""
    words = name.replace("’s", "").replace("'s", "").split()
    return words[-1] if words else ""


def mask_number_words(text: str, replacement: str) -> str:
    """Spelled-out numbers replaced, as digits are: "Thirty-one fighters" -> "several fighters"."""
    return _lexicon().number_words.sub(replacement, text)

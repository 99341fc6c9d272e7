"""Places of a claim's event, and place conflicts between mentions of one claim.

Different places conflict unless one is part of the other (by name, or because a sentence of the
story names them together, "Ebbe, a village in Lower Sarn"); only places of the same relation
compete ("in Mirelle" and "near Parliament Square" can both be true).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from .analysis.lexicon import load_lexicon
from .conflict_numbers import conflict_sides
from .model import Analysis, Conflict, Mention, TextSpan
from .provenance import normalise_name

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass(frozen=True)
class _Lexicon:
    locative_prepositions: frozenset[str]
    vicinity_prepositions: frozenset[str]
    relative_prepositions: frozenset[str]
    place_nouns: frozenset[str]
    distance: re.Pattern  # "12 kilometres east of": two places apart


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    raw = load_lexicon("conflicts")
    return _Lexicon(
        locative_prepositions=frozenset(raw["place_prepositions"]["locative"]),
        vicinity_prepositions=frozenset(raw["place_prepositions"]["vicinity"]),
        relative_prepositions=frozenset(raw["place_prepositions"]["relative"]),
        place_nouns=frozenset(raw["place_nouns"]),
        distance=re.compile(rf"\b(?:{'|'.join(raw['distance_units'])})\b", re.I),
    )


@dataclass(frozen=True)
class EventPlace:
    """A place the claim puts its event at: ``relation`` "in" (locative) or "near" (vicinity)."""
    name: str
    relation: str


def place_conflict(
    i: int, j: int, a: Mention, b: Mention, related: frozenset[frozenset[str]],
    places: Sequence[list[EventPlace]],
) -> Conflict | None:
    places_a, places_b = places[i], places[j]
    if any(same_place(x.name, y.name, related) for x in places_a for y in places_b):
        return None
    # Only places of the same relation compete: "in Mirelle" and "near Parliament Square" can
    # both be true.
    pair = next(((x, y) for x in places_a for y in places_b if x.relation == y.relation), None)
    if pair is None:
        return None
    x, y = pair
    detail = (f"{a.outlet} places it {x.relation} {x.name} (from {a.origin}) but {b.outlet} "
              f"{y.relation} {y.name} (from {b.origin})")
    return Conflict("place", i, j, detail, between=conflict_sides(a, b))


def claim_places(mention: Mention) -> list[EventPlace]:
    """Places named inside the claim span after a locative or vicinity preposition, outside the
    attribution's source phrase ("the Port Amsel fire brigade said" does not place the event).
    Besides the GPE/LOC/FAC entities: a capitalised name after such a preposition that is no
    date and no actor, since the small NER model misreads unfamiliar place names ("near
    Merrow" tagged DATE)."""
    claim = mention.claim
    source = claim.attribution.source if claim.attribution is not None else None
    taken = [d.span for d in claim.dates] + [e.span for e in claim.actors]
    if source is not None:
        taken.append(source)
    spans = [e.span for e in claim.places if e.label in PLACE_LABELS] + [
        span for span in _named_after_preposition(claim.span)
        if not any(e.span.start < span.end and span.start < e.span.end for e in claim.places)
    ]
    found: dict[str, EventPlace] = {}
    for span in spans:
        if not (claim.span.start <= span.start and span.end <= claim.span.end):
            continue
        if any(s.start < span.end and span.start < s.end for s in taken):
            continue
        relation = _event_relation(claim.sentence, span.start)
        if relation is not None:
            found.setdefault(span.text, EventPlace(span.text, relation))
    return list(found.values())


_NAME = re.compile(r"\b(?:[A-Z][\w'-]+)(?:\s+[A-Z][\w'-]+)*")
_CALENDAR = frozenset(w for w in (*calendar.month_name[1:], *calendar.day_name))


def _named_after_preposition(span: TextSpan) -> list[TextSpan]:
    """Capitalised names that follow a word (not the sentence's first): candidate places."""
    names = []
    for match in _NAME.finditer(span.text):
        if match.start() == 0 or match.group(0).split()[0] in _CALENDAR:
            continue
        names.append(TextSpan(span.start + match.start(), span.start + match.end(),
                              match.group(0)))
    return names


def _event_relation(sentence: TextSpan, start: int) -> str | None:
    """How the place at ``start`` relates to the event: "in" ("in central Mirelle", "at the
    dam"), "near" ("near the town of Tollan", "outside Ostrel"), or None for a reference point
    ("six kilometres off Port Vell", "east of Tollan", "left Port Vell"): the nearest
    preposition of the few words before it decides; "the town of" is skipped."""
    before = sentence.text[:max(0, start - sentence.start)].lower()
    words = re.findall(r"[a-z]+", before)
    lexicon = _lexicon()
    if len(words) >= 2 and words[-1] == "of" and words[-2] in lexicon.place_nouns:
        words = words[:-2]  # "near the town of Tollan" is near Tollan
    for word in reversed(words[-4:]):
        if word in lexicon.locative_prepositions:
            return "in"
        if word in lexicon.vicinity_prepositions:
            return "near"
        if word in lexicon.relative_prepositions:
            return None
    return None


def same_place(x: str, y: str, related: frozenset[frozenset[str]]) -> bool:
    nx, ny = normalise_name(x), normalise_name(y)
    return nx in ny or ny in nx or frozenset({nx, ny}) in related


def place_relations(analyses: Iterable[Analysis]) -> frozenset[frozenset[str]]:
    """Pairs of places that some sentence of the story names together ("Ebbe, a village in
    Lower Sarn", "six kilometres off Port Vell in the Strait of Ardo"): the story itself relates
    them (part of, next to), so a mention naming one and a mention naming the other are not
    placing the event in two different places. Unless the words between them give a distance
    ("Merrow, about 12 kilometres east of Tollan"): then they are two places apart."""
    pairs: set[frozenset[str]] = set()
    distance = _lexicon().distance
    for analysis in analyses:
        text = analysis.article.text
        for sentence in analysis.sentences:
            places = sorted(
                (e.span for e in analysis.entities if e.label in PLACE_LABELS
                 and sentence.start <= e.span.start and e.span.end <= sentence.end),
                key=lambda s: s.start)
            for x, y in combinations(places, 2):
                if not distance.search(text[x.end:y.start]):
                    pairs.add(frozenset({normalise_name(x.text), normalise_name(y.text)}))
    return frozenset(p for p in pairs if len(p) == 2)

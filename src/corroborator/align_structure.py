"""The structure claim alignment compares besides wording: what a claim counts and what happens.

Two reports of one figure often share few words ("Twelve people died" / "the death toll rose to
27"), and two different claims may share a figure ("demanding a 9 percent pay rise" / "could not
afford a 9 percent pay rise"). So each claim gets, from the lexicon data/alignment.yaml:
- its **events**: the predicate families it reports (death, injury, closure, demand, ...);
- its **counts**: (unit family, event) pairs, e.g. ("people", "death") for both sentences above;
- its **predicates**: (event, object) pairs, e.g. ("start", "fighting") for both "the army
  started the fighting" and "accused the army of starting the fighting" (who did it is compared
  after alignment, as an actor conflict);
- a comparison text with the reported statement's opening pronoun replaced by its source ("the
  party denied that it was behind ..." -> "The party was behind ...") and a dateline removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .analysis.lexicon import load_lexicon
from .model import Claim


@dataclass(frozen=True)
class _Lexicon:
    unit_family: dict[str, str]  # unit -> family
    implied_units: tuple[tuple[str, re.Pattern], ...]  # family, phrase pattern
    events: tuple[tuple[str, re.Pattern], ...]  # family, word pattern
    opposites: dict[str, frozenset[str]]  # event -> its opposite events
    source_pronouns: re.Pattern
    number_words: re.Pattern


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
        number_words=re.compile(rf"\b(?:{'|'.join(numbers)})(?:-(?:{'|'.join(numbers)}))?\b",
                                re.I),
    )


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
    families.update(f for f, pattern in _lexicon().implied_units if pattern.search(claim.span.text))
    return frozenset((family, event) for family in families for event in events)


# The word an event verb acts on: "started the fighting", "closed its doors".
_OBJECT = re.compile(r"\s+(?:(?:the|a|an|its|their|his|her|our|this|these|those)\s+)?([a-z]+)",
                     re.I)


def claim_predicates(text: str) -> frozenset[tuple[str, str]]:
    """(event family, object word) pairs of the text: "started the fighting" ->
    ("start", "fighting"). Function words ("killed in ...") are not objects."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    pairs = set()
    for family, pattern in _lexicon().events:
        for match in pattern.finditer(text):
            following = _OBJECT.match(text, match.end())
            if following is None:
                continue
            word = following.group(1).lower()
            if len(word) > 2 and word not in ENGLISH_STOP_WORDS:
                pairs.add((family, word.removesuffix("s")))
    return frozenset(pairs)


def opposite_events(events: frozenset[str]) -> frozenset[str]:
    """The events opposite to any of ``events`` (closure -> reopening)."""
    opposites = _lexicon().opposites
    return frozenset(o for e in events for o in opposites.get(e, ()))


_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+,[^()\n]{0,30}\([^()\n]{1,40}\)\s*[-\u2013\u2014]+\s*")


def comparable_text(claim: Claim, text: str) -> str:
    """``text`` (the claim's words, possibly already masked) as compared across outlets: no
    dateline ("OSTREL, Aug 18 (Wire) - "), and a reported statement's opening pronoun replaced
    by who made it ("it was behind the bombing" -> "The party was behind the bombing")."""
    text = _DATELINE.sub("", text)
    attribution = claim.attribution
    if (attribution is not None and claim.span.start == attribution.content.start
            and _lexicon().source_pronouns.match(text)):
        text = _lexicon().source_pronouns.sub(lambda _: attribution.source.text, text, count=1)
    return text


def mask_number_words(text: str, replacement: str) -> str:
    """Spelled-out numbers replaced, as digits are: "Thirty-one fighters" -> "several fighters"."""
    return _lexicon().number_words.sub(replacement, text)

"""Structured conflict detection between mentions of one claim.

No packaged NLI model exists, so conflicts come from comparing what the mentions assert:
numbers of the same unit (respecting qualifiers, ranges and rounding), dates (a one-day gap that
time zones can explain is minor), places (different places that are not part of one another),
actors (the same act done by a different agent) and polarity ("no one was injured" vs "two
guards were injured", "X denied that ..."). Each conflict carries a sentence a reader can check
and says who disagrees (``Conflict.between``).

A figure that grows over publication time from the same origin (or the same kind of origin, or
with "rose to", "new toll") is an evolving figure, not a conflict: its values are returned as
``Evolution`` items (``ClaimGroup.evolving``), and an outlet printing the older figure after the
newer one existed is only a minor, "outdated figure" conflict between outlets.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from .actors import actor_disagreement
from .align_structure import dateline_length, quantity_family
from .analysis.lexicon import load_lexicon
from .model import Analysis, Conflict, DateMention, Evolution, Mention, Quantity, TextSpan
from .provenance import normalise_name
from .settings import Settings

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Origin kinds that speak for a side in a confrontation; a party against a party or an official
# is a conflict between the sides, not an error of an outlet.
SIDE_KINDS = frozenset({"party", "official"})


@dataclass(frozen=True)
class Comparison:
    """What the mentions of one claim say to each other: disagreements and figure changes."""
    conflicts: list[Conflict] = field(default_factory=list)
    evolving: list[Evolution] = field(default_factory=list)  # the figure's values, oldest first


@dataclass(frozen=True)
class _Step:
    """The figure rose (or was revised) from ``earlier``'s value to ``later``'s."""
    earlier: int
    later: int
    old: Quantity
    new: Quantity


# _over_time's answer when two values are one figure at two moments and nothing is wrong.
_CONSISTENT = object()


@dataclass(frozen=True)
class _Lexicon:
    evolution_cues: tuple[str, ...]
    denial_cues: frozenset[str]
    locative_prepositions: frozenset[str]
    vicinity_prepositions: frozenset[str]
    relative_prepositions: frozenset[str]
    place_nouns: frozenset[str]
    distance: re.Pattern  # "12 kilometres east of": two places apart
    speech_frame: re.Pattern  # "told shop stewards on Friday that": a reported-speech event


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    raw = load_lexicon("conflicts")
    return _Lexicon(
        evolution_cues=tuple(raw["evolution_cues"]),
        denial_cues=frozenset(raw["denial_cues"]),
        locative_prepositions=frozenset(raw["place_prepositions"]["locative"]),
        vicinity_prepositions=frozenset(raw["place_prepositions"]["vicinity"]),
        relative_prepositions=frozenset(raw["place_prepositions"]["relative"]),
        place_nouns=frozenset(raw["place_nouns"]),
        distance=re.compile(rf"\b(?:{'|'.join(raw['distance_units'])})\b", re.I),
        speech_frame=re.compile(rf"\b(?:{'|'.join(raw['speech_verbs'])})\b[^.;:]*?\bthat\b",
                                re.I),
    )


def compare_mentions(
    mentions: Sequence[Mention], settings: Settings,
    related_places: frozenset[frozenset[str]] = frozenset(),
) -> Comparison:
    """All conflicts and evolution steps between mentions of different articles.

    ``related_places`` holds pairs of place names (normalised) the story shows to be part of one
    another ("Ebbe, a village in Lower Sarn"): naming either is no place conflict.
    """
    result = Comparison()
    steps: list[_Step] = []
    # Per-mention facts, computed once: the pair loop below is quadratic in the group's size.
    places = [claim_places(m) for m in mentions]
    dates = [event_dates(m) for m in mentions]
    for i, j in combinations(range(len(mentions)), 2):
        a, b = mentions[i], mentions[j]
        if a.article_id == b.article_id:
            continue
        number = _number_relation(i, j, mentions, settings)
        if isinstance(number, _Step):
            steps.append(number)
        elif isinstance(number, Conflict):
            result.conflicts.append(number)
        negation = _negation_conflict(i, j, a, b, settings)
        if negation is not None and _states_both(negation, mentions):
            negation = None
        for conflict in (_date_conflict(i, j, a, b, dates, settings), negation,
                         _place_conflict(i, j, a, b, related_places, places),
                         _actor_conflict(i, j, a, b, settings)):
            if conflict is not None:
                result.conflicts.append(conflict)
    result.evolving.extend(_figure_values(mentions, steps))
    return result


def _figure_values(mentions: Sequence[Mention], steps: Sequence[_Step]) -> list[Evolution]:
    """The values of an evolving figure, one per mention taking part in a step, oldest first."""
    values: dict[int, Quantity] = {}
    for step in steps:
        values.setdefault(step.earlier, step.old)
        values.setdefault(step.later, step.new)
    order = sorted(values, key=lambda k: (mentions[k].published, k))
    return [
        Evolution(k, mentions[k].article_id, values[k].value, values[k].span.text,
                  mentions[k].published)
        for k in order
    ]


def find_conflicts(mentions: Sequence[Mention], settings: Settings) -> list[Conflict]:
    """The conflicts alone (see ``compare_mentions``)."""
    return compare_mentions(mentions, settings).conflicts


def conflict_sides(a: Mention, b: Mention) -> str:
    """Who disagrees: "outlets" about one origin's statement, opposing "parties", or "origins"."""
    if a.origin_key == b.origin_key:
        return "outlets"
    kinds = {a.origin_kind, b.origin_kind}
    if kinds <= SIDE_KINDS and "party" in kinds:
        return "parties"
    return "origins"


# --- numbers and evolving figures -------------------------------------------------------------

def _number_relation(
    i: int, j: int, mentions: Sequence[Mention], settings: Settings
) -> Conflict | _Step | None:
    a, b = mentions[i], mentions[j]
    comparable = [
        (qa, qb) for qa in a.claim.quantities for qb in b.claim.quantities
        if _family(qa, a) == _family(qb, b)
    ]
    # One agreeing like-with-like pair means the mentions are consistent on this count.
    if not comparable or any(_values_agree(qa, qb, settings) for qa, qb in comparable):
        return None
    qa, qb = comparable[0]
    over_time = _over_time(i, j, mentions, qa, qb, settings)
    if over_time is _CONSISTENT:
        return None
    if over_time is not None:
        return over_time
    return Conflict("number", i, j, _number_detail(qa, qb, a, b), between=conflict_sides(a, b))


def _family(q: Quantity, mention: Mention) -> str:
    return quantity_family(q, mention.claim)


def _values_agree(qa: Quantity, qb: Quantity, settings: Settings) -> bool:
    low_a, high_a = _tolerant_bounds(qa, settings)
    low_b, high_b = _tolerant_bounds(qb, settings)
    return low_a <= high_b and low_b <= high_a


def _tolerant_bounds(q: Quantity, settings: Settings) -> tuple[float, float]:
    low, high = q.bounds()
    if q.qualifier == "about":
        tolerance = settings.about_tolerance
    elif q.qualifier in ("exact", "range"):
        tolerance = settings.number_tolerance
    else:
        tolerance = 0.0
    if q.qualifier == "more_than":
        low = low + 1e-9  # "more than 200" excludes 200 itself
    return low * (1 - tolerance), high * (1 + tolerance)


def _over_time(
    i: int, j: int, mentions: Sequence[Mention], qa: Quantity, qb: Quantity, settings: Settings
):
    """How two different values relate over publication time, when they are one figure of one
    source: a ``_Step`` when the later report gives a larger (or explicitly revised) value; a
    minor "outdated figure" conflict when the later report repeats an older value after the
    newest one before it (only against that newest one; against older values it is
    ``_CONSISTENT``). None when they are not one figure over time: a later, smaller value nobody
    gave before is a misreport, not an old figure."""
    a, b = mentions[i], mentions[j]
    if a.published is None or b.published is None or a.published == b.published:
        return None
    (ei, early, q_early), (li, late, q_late) = sorted(
        [(i, a, qa), (j, b, qb)], key=lambda side: side[1].published)
    revised = _says_revised(late)
    if conflict_sides(a, b) == "parties" or not (_same_source(a, b) or revised):
        return None
    if q_late.bounds()[0] > q_early.bounds()[1] or revised:
        return _Step(ei, li, q_early, q_late)
    if not _reported_before(q_late, early, mentions, settings):
        return None
    if _newest_other_value(li, q_late, mentions, settings) != ei:
        return _CONSISTENT
    detail = (f"outdated figure: {late.outlet} ({_day(late)}) still gives “{q_late.span.text}” "
              f"after {early.outlet} ({_day(early)}) reported “{q_early.span.text}”")
    return Conflict("number", ei, li, detail, minor=True, between="outlets", outdated=True)


def _newest_other_value(
    stale: int, value: Quantity, mentions: Sequence[Mention], settings: Settings
) -> int | None:
    """The most recent mention published before ``stale`` whose figure differs from ``value``."""
    published = mentions[stale].published
    earlier = [
        k for k, m in enumerate(mentions)
        if m.published is not None and published is not None and m.published < published
        and any(_family(q, m) == _family(value, mentions[stale])
                and not _values_agree(q, value, settings) for q in m.claim.quantities)
    ]
    return max(earlier, key=lambda k: (mentions[k].published, k), default=None)


def _reported_before(
    value: Quantity, newer: Mention, mentions: Sequence[Mention], settings: Settings
) -> bool:
    """Whether some mention published before ``newer`` already gave ``value``."""
    return any(
        m.published is not None and newer.published is not None
        and m.published < newer.published
        and any(_values_agree(value, q, settings) for q in m.claim.quantities)
        for m in mentions
    )


def _same_source(a: Mention, b: Mention) -> bool:
    # Two reports by the same origin, or by origins of the same kind that is not a side in a
    # confrontation (two hospitals, two outlets' own reporting), count one figure over time.
    if a.origin_key == b.origin_key:
        return True
    return a.origin_kind == b.origin_kind and a.origin_kind not in SIDE_KINDS | {""}


def _says_revised(mention: Mention) -> bool:
    return _revision_pattern().search(mention.claim.sentence.text.lower()) is not None


@lru_cache(maxsize=1)
def _revision_pattern() -> re.Pattern[str]:
    cues = "|".join(re.escape(cue) for cue in _lexicon().evolution_cues)
    return re.compile(rf"\b(?:{cues})\b")


def _day(mention: Mention) -> str:
    return mention.published.date().isoformat() if mention.published else "undated"


def _number_detail(qa: Quantity, qb: Quantity, a: Mention, b: Mention) -> str:
    sides = conflict_sides(a, b)
    if sides == "parties":
        return (f"the two sides give incompatible accounts: {a.origin} says “{qa.span.text}” "
                f"({a.outlet}); {b.origin} says “{qb.span.text}” ({b.outlet})")
    if sides == "outlets":
        return (f"outlets disagree about one source's figure: {a.outlet} quotes {a.origin} as "
                f"“{qa.span.text}”, {b.outlet} as “{qb.span.text}”; one of them misreports it")
    return (f"{a.outlet} reports “{qa.span.text}” but {b.outlet} reports “{qb.span.text}”; the "
            f"figures come from different origins ({a.origin} vs {b.origin}), so this is a "
            "disagreement between sources, not necessarily an outlet's error")


# --- dates ------------------------------------------------------------------------------------

def event_dates(mention: Mention) -> list[DateMention]:
    """The dates of the claim's own event: those inside the claim's words, outside a dateline.
    A date outside them belongs to the report ("the carmaker said in a statement on Monday"),
    to a reported-speech event ("managers had told shop stewards on Friday that ...") or to the
    dispatch ("DUNMERE, Sept 7 (Northern Wire) -"), not to what the claim says happened."""
    claim = mention.claim
    start = claim.span.start + dateline_length(claim.span.text)
    frames = [(claim.span.start + m.start(), claim.span.start + m.end())
              for m in _lexicon().speech_frame.finditer(claim.span.text)]
    return [d for d in claim.dates if start <= d.span.start and d.span.end <= claim.span.end
            and not any(s <= d.span.start and d.span.end <= e for s, e in frames)]


def _date_conflict(i: int, j: int, a: Mention, b: Mention,
                   dates: Sequence[list[DateMention]], settings: Settings):
    event_a, event_b = dates[i], dates[j]
    dates_a = {d.value for d in event_a}
    dates_b = {d.value for d in event_b}
    if not dates_a or not dates_b or dates_a & dates_b:
        return None
    gap = min(abs((x - y).days) for x in dates_a for y in dates_b)
    da = min(event_a, key=lambda d: d.value)
    db = min(event_b, key=lambda d: d.value)
    days = f"{gap} day{'s' if gap != 1 else ''}"
    detail = (f"{a.outlet} dates it {da.value.isoformat()} (“{da.span.text}”) but {b.outlet} "
              f"{db.value.isoformat()} (“{db.span.text}”), {days} apart")
    minor = gap <= settings.minor_date_gap_days
    if minor:
        detail += "; a gap this small can come from time zones or an event spanning midnight"
    return Conflict("date", i, j, detail, minor=minor, between=conflict_sides(a, b))


# --- negation ---------------------------------------------------------------------------------

def _negation_conflict(i: int, j: int, a: Mention, b: Mention, settings: Settings):
    if a.claim.negated == b.claim.negated:
        return None
    negative, positive = (a, b) if a.claim.negated else (b, a)
    said = f"“{positive.claim.span.text}”"
    counts = [q for q in positive.claim.quantities if q.value > 0]
    attribution = negative.claim.attribution
    if attribution is not None and attribution.cue.text.lower() in _lexicon().denial_cues:
        detail = (f"{negative.origin} denies it (“{negative.claim.sentence.text}”, in "
                  f"{negative.outlet}) while {positive.outlet} reports it ({said})")
    elif counts:
        # "No one was injured" against "two guards were injured": a zero against a count.
        detail = (f"{negative.outlet} says none (“{negative.claim.span.text}”) but "
                  f"{positive.outlet} counts “{counts[0].span.text}” ({said})")
    else:
        detail = (f"{negative.outlet} states the negative (“{negative.claim.span.text}”) while "
                  f"{positive.outlet} asserts it ({said})")
    return Conflict("negation", i, j, detail, between=conflict_sides(a, b))


def _states_both(conflict: Conflict, mentions: Sequence[Mention]) -> bool:
    """Whether the negative side's article also states the claim positively from the same
    origin: an outlet does not contradict its own source, so the negation belongs to another
    clause ("two guards hurt, party denies role") and is no disagreement."""
    negative = next(m for m in (mentions[conflict.a], mentions[conflict.b]) if m.claim.negated)
    return any(
        m.article_id == negative.article_id and m.origin_key == negative.origin_key
        and not m.claim.negated
        for m in mentions
    )


# --- places -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventPlace:
    """A place the claim puts its event at: ``relation`` "in" (locative) or "near" (vicinity)."""
    name: str
    relation: str


def _place_conflict(
    i: int, j: int, a: Mention, b: Mention, related: frozenset[frozenset[str]],
    places: Sequence[list[EventPlace]],
) -> Conflict | None:
    places_a, places_b = places[i], places[j]
    if any(_same_place(x.name, y.name, related) for x in places_a for y in places_b):
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


def _same_place(x: str, y: str, related: frozenset[frozenset[str]]) -> bool:
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


# --- actors (the parse-based comparison lives in actors.py) -----------------------------------

def _actor_conflict(i: int, j: int, a: Mention, b: Mention, settings: Settings):
    detail = actor_disagreement(a, b, settings.spacy_model)
    if detail is None:
        return None
    return Conflict("actor", i, j, detail, between=conflict_sides(a, b))

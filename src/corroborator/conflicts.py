"""Structured conflict detection between mentions of one claim.

No packaged NLI model exists, so conflicts come from comparing what the mentions assert:
numbers of the same unit (respecting qualifiers, ranges and rounding; conflict_numbers.py),
dates (a one-day gap that time zones can explain is minor), places (different places that are
not part of one another; conflict_places.py), actors (the same act done by a different agent;
actors.py) and polarity ("no one was injured" vs "two guards were injured", "X denied ...").
Each conflict carries a sentence a reader can check and says who disagrees
(``Conflict.between``). A figure that grows over publication time from one source is an
evolving figure (``ClaimGroup.evolving``), not a conflict.

Scale: a story of 1,000 articles has claim groups of ~740 mentions, and comparing every pair
(each check, each pair) is quadratic in work and in output. So mentions that every check would
treat alike (same figures, origin, dates, places, polarity, act) form one class; the checks run
once per pair of classes, on a representative pair. Only figures that may be one figure over
time are compared pair by pair (publication times decide), with the group-wide questions
answered by an index. A disagreement between two classes is listed pair by pair up to
``Settings.conflict_pairs_listed_max`` pairs, else as one conflict naming the mentions on each
side (``Conflict.a_side``/``b_side``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from itertools import combinations

from .actors import act_key, acts_disagreement, main_acts
from .align_structure import dateline_length
from .analysis.lexicon import load_lexicon
from .conflict_numbers import (
    FigureIndex,
    Step,
    conflict_sides,
    disagreeing_figures,
    family,
    may_be_one_figure_over_time,
    number_relation,
    says_revised,
    value_key,
)
from .conflict_places import EventPlace, claim_places, place_conflict, place_relations
from .model import Conflict, DateMention, Evolution, Mention, Quantity
from .settings import Settings

__all__ = [
    "Comparison", "EventPlace", "claim_places", "compare_mentions", "conflict_sides",
    "disagreeing_pairs", "event_dates", "find_conflicts", "place_relations",
]

# The order in which the conflicts of one pair of mentions are listed.
_KINDS = ("number", "date", "negation", "place", "actor")


@dataclass(frozen=True)
class Comparison:
    """What the mentions of one claim say to each other: disagreements and figure changes."""
    conflicts: list[Conflict] = field(default_factory=list)
    evolving: list[Evolution] = field(default_factory=list)  # the figure's values, oldest first


@dataclass(frozen=True)
class _Lexicon:
    denial_cues: frozenset[str]
    speech_frame: re.Pattern  # "told shop stewards on Friday that": a reported-speech event


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    raw = load_lexicon("conflicts")
    return _Lexicon(
        denial_cues=frozenset(raw["denial_cues"]),
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
    if len({m.article_id for m in mentions}) < 2:
        return Comparison()  # only mentions of different articles are compared
    group = _Group(mentions, settings, related_places)
    units: list[_Unit] = []
    steps: list[tuple[tuple[int, int], Step]] = []
    classes = group.classes()
    counts = [Counter(group.articles[k] for k in members) for members in classes]
    for a, b in combinations(range(len(classes)), 2):
        i, j = classes[a][0], classes[b][0]  # any member stands for its class
        kinds = group.disputed(i, j)
        if not kinds:
            continue
        pairs = _CrossPairs(classes[a], classes[b], group.articles, (counts[a], counts[b]))
        if pairs.count == 0:
            continue
        i, j = pairs.first()
        if kinds[0] == "number" and may_be_one_figure_over_time(mentions[i], mentions[j]):
            # Publication times decide whether two figures of one source conflict.
            units += _figures_over_time(group, pairs, steps)
            kinds.pop(0)
        units += [_Unit((i, j, _KINDS.index(kind)), conflict, pairs)
                  for kind in kinds for conflict in [group.conflict(kind, i, j)] if conflict]
    steps.sort(key=lambda item: item[0])  # the pair order decides which value a mention shows
    return Comparison(_listed(group, units),
                      _figure_values(mentions, [step for _, step in steps]))


def find_conflicts(mentions: Sequence[Mention], settings: Settings) -> list[Conflict]:
    """The conflicts alone (see ``compare_mentions``)."""
    return compare_mentions(mentions, settings).conflicts


def disagreeing_pairs(conflict: Conflict, mentions: Sequence[Mention]) -> int:
    """How many pairs of reports (from different articles) ``conflict`` stands for: 1 for a
    listed pair; for one naming both sides, the pairs across them (an upper bound when some of
    those pairs are one figure over time; the detail gives the exact count)."""
    if not conflict.a_side:
        return 1
    return _CrossPairs(list(conflict.a_side), list(conflict.b_side),
                       [m.article_id for m in mentions]).count


class _Group:
    """The mentions of one claim with what the checks read of each, computed once."""

    def __init__(self, mentions: Sequence[Mention], settings: Settings,
                 related: frozenset[frozenset[str]]):
        self.mentions, self.settings, self.related = mentions, settings, related
        self.dates = [event_dates(m) for m in mentions]
        self.places = [claim_places(m) for m in mentions]
        self.acts = main_acts([m.claim.span.text for m in mentions], settings.spacy_model)
        positive = {(m.article_id, m.origin_key) for m in mentions if not m.claim.negated}
        # An outlet does not contradict its own source: a negative mention whose article also
        # states the claim positively from the same origin belongs to another clause ("two
        # guards hurt, party denies role") and is no disagreement.
        self.negation_elsewhere = [m.claim.negated and (m.article_id, m.origin_key) in positive
                                   for m in mentions]
        self.figures = FigureIndex(mentions, settings)
        self.articles = [m.article_id for m in mentions]
        self._values = [tuple(self._value(kind, k) for kind in _KINDS)
                        for k in range(len(mentions))]
        self._decided: dict[tuple, bool] = {}
        self._disputed: dict[tuple, list[str]] = {}

    def classes(self) -> list[list[int]]:
        """Mention indices grouped by what every check reads of them, each class ascending."""
        by_signature: dict[tuple, list[int]] = defaultdict(list)
        for k, m in enumerate(self.mentions):
            # The time zone decides whether a one-day date gap is minor (_date_conflict).
            signature = (self._values[k], m.origin_key, m.origin_kind, says_revised(m),
                         self.negation_elsewhere[k], _utc_offset(m))
            by_signature[signature].append(k)
        return list(by_signature.values())

    def value_of(self, kind: str, k: int) -> tuple:
        """What mention ``k`` says on the point a ``kind`` conflict disagrees about."""
        return self._values[k][_KINDS.index(kind)]

    def disputed(self, i: int, j: int) -> list[str]:
        """The kinds of conflict ``may_conflict`` finds between ``i`` and ``j`` (in listing
        order), decided once per pair of what they say."""
        key = (self._values[i], self._values[j],
               self.negation_elsewhere[i] or self.negation_elsewhere[j])
        if key not in self._disputed:
            self._disputed[key] = [kind for kind in _KINDS if self.may_conflict(kind, i, j)]
        return list(self._disputed[key])

    def may_conflict(self, kind: str, i: int, j: int) -> bool:
        """Whether the ``kind`` check can find a conflict between what ``i`` and ``j`` say (for
        numbers: whether their figures disagree), decided once per pair of values: the checks
        read nothing else of the mentions (besides publication times for figures)."""
        rank = _KINDS.index(kind)
        key = (rank, self._values[i][rank], self._values[j][rank],
               self.negation_elsewhere[i] or self.negation_elsewhere[j])
        if key not in self._decided:
            a, b = self.mentions[i], self.mentions[j]
            self._decided[key] = (
                disagreeing_figures(a, b, self.settings) is not None if kind == "number"
                else self.conflict(kind, i, j) is not None)
        return self._decided[key]

    def _value(self, kind: str, k: int) -> tuple:
        m = self.mentions[k]
        if kind == "number":
            return tuple((*value_key(q), family(q, m)) for q in m.claim.quantities)
        if kind == "date":
            return tuple(sorted({d.value for d in self.dates[k]}))
        if kind == "negation":
            return (m.claim.negated,)
        if kind == "place":
            return tuple(sorted({(p.name, p.relation) for p in self.places[k]}))
        return (act_key(self.acts[k]),)

    def conflict(self, kind: str, i: int, j: int):
        """The ``kind`` check on mentions ``i`` < ``j`` (a number check may give a ``Step``)."""
        a, b = self.mentions[i], self.mentions[j]
        if kind == "number":
            return number_relation(i, j, self.mentions, self.settings, self.figures)
        if kind == "date":
            return _date_conflict(i, j, a, b, self.dates, self.settings)
        if kind == "negation":
            if self.negation_elsewhere[i] or self.negation_elsewhere[j]:
                return None
            return _negation_conflict(i, j, a, b, self.settings)
        if kind == "place":
            return place_conflict(i, j, a, b, self.related, self.places)
        detail = acts_disagreement(a, b, self.acts[i], self.acts[j])
        return None if detail is None else Conflict("actor", i, j, detail,
                                                    between=conflict_sides(a, b))


class _CrossPairs:
    """The pairs of mentions, one from each of two classes, that come from different articles
    (two claims of one article never conflict with each other)."""

    def __init__(self, side_a: list[int], side_b: list[int], articles: Sequence[str],
                 counts: tuple[Counter, Counter] | None = None):
        self._sides = (side_a, side_b)
        self._article = articles
        self._counts = counts or (Counter(articles[k] for k in side_a),
                                  Counter(articles[k] for k in side_b))
        small, large = sorted(self._counts, key=len)
        self.count = len(side_a) * len(side_b) - sum(n * large.get(x, 0)
                                                     for x, n in small.items())

    @cached_property
    def _in_a(self) -> frozenset[int]:
        return frozenset(self._sides[0])

    @cached_property
    def members(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The mentions of each side that have a partner on the other side."""
        (side_a, side_b), (count_a, count_b) = self._sides, self._counts
        return (tuple(k for k in side_a if len(side_b) > count_b[self._article[k]]),
                tuple(k for k in side_b if len(side_a) > count_a[self._article[k]]))

    def __iter__(self) -> Iterator[tuple[int, int]]:
        """Every pair as (smaller index, larger index), in ascending order."""
        side_a, side_b = self._sides
        return iter(sorted(
            (min(x, y), max(x, y)) for x in side_a for y in side_b
            if self._article[x] != self._article[y]))

    def first(self) -> tuple[int, int]:
        """The smallest pair in ``__iter__`` order, without building them all."""
        side_a, side_b = self._sides
        for low in sorted(side_a + side_b):
            other = side_b if low in self._in_a else side_a
            start = bisect_right(other, low)
            partner = next((k for k in other[start:]
                            if self._article[k] != self._article[low]), None)
            if partner is not None:
                return low, partner
        raise ValueError("no pair across different articles")

    def side_of(self, k: int) -> int:
        return 0 if k in self._in_a else 1


@dataclass(frozen=True)
class _Unit:
    """Pairs of mentions that disagree the same way: every pair of a block of two classes, or
    one pair (figures over time). ``conflict`` is the one of its first pair, ``first`` its
    place in the listing (pair, kind rank)."""
    first: tuple[int, int, int]
    conflict: Conflict
    pairs: _CrossPairs | None = None

    @property
    def count(self) -> int:
        return 1 if self.pairs is None else self.pairs.count

    def members(self) -> Iterator[int]:
        if self.pairs is None:
            return iter((self.conflict.a, self.conflict.b))
        return iter(self.pairs.members[0] + self.pairs.members[1])

    def expand(self, group: _Group) -> list[tuple[tuple[int, int, int], Conflict]]:
        """Every pair's own conflict (its own outlets and wording)."""
        if self.pairs is None:
            return [(self.first, self.conflict)]
        rank = self.first[2]
        return [((i, j, rank), conflict) for i, j in self.pairs
                for conflict in [group.conflict(self.conflict.kind, i, j)] if conflict]


def _listed(group: _Group, units: Sequence[_Unit]) -> list[Conflict]:
    """The conflicts as reported: a disagreement (one kind, the same two values, the same kind
    of sides) is listed pair by pair up to the configured number of pairs, else as one conflict
    naming the mentions on each side."""
    by_disagreement: dict[tuple, list[_Unit]] = defaultdict(list)
    for unit in units:
        c = unit.conflict
        values = frozenset((group.value_of(c.kind, c.a), group.value_of(c.kind, c.b)))
        by_disagreement[(c.kind, c.between, c.minor, c.outdated, values)].append(unit)
    found: list[tuple[tuple[int, int, int], Conflict]] = []
    for same in by_disagreement.values():
        if sum(unit.count for unit in same) <= group.settings.conflict_pairs_listed_max:
            found += [item for unit in same for item in unit.expand(group)]
        else:
            lead = min(same, key=lambda unit: unit.first)
            found.append((lead.first, _standing_for(lead.conflict, same, group)))
    found.sort(key=lambda item: item[0])
    return [conflict for _, conflict in found]


def _figures_over_time(
    group: _Group, pairs: _CrossPairs, steps: list[tuple[tuple[int, int], Step]]
) -> list[_Unit]:
    """Figures that may be one figure over time, pair by pair: steps of an evolving figure,
    outdated figures and figures that really disagree."""
    units = []
    mentions = group.mentions
    positions = _figure_positions(pairs, group)
    for i, j in pairs:
        pa, pb = positions[pairs.side_of(i)]
        figures = (mentions[i].claim.quantities[pa], mentions[j].claim.quantities[pb])
        relation = number_relation(i, j, mentions, group.settings, group.figures, figures)
        if isinstance(relation, Step):
            steps.append(((i, j), relation))
        elif isinstance(relation, Conflict):
            units.append(_Unit((i, j, 0), relation))
    return units


def _figure_positions(pairs: _CrossPairs, group: _Group) -> dict[int, tuple[int, int]]:
    """Side of the pair's first mention -> positions, in each mention's quantities, of the
    figures ``disagreeing_figures`` compares: the same for every pair of the two classes."""
    i, j = pairs.first()
    positions = {}
    for first, second in ((i, j), (j, i)):
        a, b = group.mentions[first], group.mentions[second]
        qa, qb = disagreeing_figures(a, b, group.settings)
        positions[pairs.side_of(first)] = (_position(qa, a), _position(qb, b))
    return positions


def _position(quantity: Quantity, mention: Mention) -> int:
    return next(k for k, q in enumerate(mention.claim.quantities) if q is quantity)


def _standing_for(conflict: Conflict, units: Sequence[_Unit], group: _Group) -> Conflict:
    """``conflict`` (of a representative pair) made to name every mention on each side."""
    side_value = group.value_of(conflict.kind, conflict.a)
    a_side, b_side = [], []
    for k in sorted({k for unit in units for k in unit.members()}):
        (a_side if group.value_of(conflict.kind, k) == side_value else b_side).append(k)
    outlets = [group.mentions[k].outlet for k in (conflict.a, conflict.b)]
    count = sum(unit.count for unit in units)
    detail = (f"{conflict.detail} (and likewise: {len(a_side)} reports say what {outlets[0]} "
              f"says, {len(b_side)} what {outlets[1]} says; {count} disagreeing pairs of "
              "reports)")
    return replace(conflict, detail=detail, a_side=tuple(a_side), b_side=tuple(b_side))


def _figure_values(mentions: Sequence[Mention], steps: Sequence[Step]) -> list[Evolution]:
    """The values of an evolving figure, one per mention taking part in a step, oldest first."""
    values: dict = {}
    for step in steps:
        values.setdefault(step.earlier, step.old)
        values.setdefault(step.later, step.new)
    order = sorted(values, key=lambda k: (mentions[k].published, k))
    return [
        Evolution(k, mentions[k].article_id, values[k].value, values[k].span.text,
                  mentions[k].published)
        for k in order
    ]


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
    zones = _utc_offset(a), _utc_offset(b)
    # Time zones explain a small gap only when the reports were dated in different zones (or a
    # zone is unknown): "Tuesday" at -05:00 can be "Wednesday" at +02:00.
    minor = gap <= settings.minor_date_gap_days and (None in zones or zones[0] != zones[1])
    if minor:
        detail += "; a gap this small can come from the time zones the reports were written in"
        if None not in zones:
            detail += f" ({_zone_name(zones[0])} vs {_zone_name(zones[1])})"
    elif gap <= settings.minor_date_gap_days:
        detail += (f"; both reports are dated in one time zone ({_zone_name(zones[0])}), "
                   "which cannot explain the gap")
    return Conflict("date", i, j, detail, minor=minor, between=conflict_sides(a, b))


def _utc_offset(mention: Mention) -> int | None:
    """Minutes east of UTC of the mention's publication time; None when not known."""
    published = mention.published
    offset = published.utcoffset() if published is not None else None
    return None if offset is None else int(offset.total_seconds() // 60)


def _zone_name(minutes: int | None) -> str:
    if minutes is None:
        return "unknown zone"
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


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

"""Number conflicts and evolving figures between mentions of one claim.

Figures of the same unit family are compared respecting qualifiers, ranges and rounding. A
figure that grows over publication time from the same origin (or the same kind of origin, or
with "rose to", "new toll") is an evolving figure (a ``Step``), not a conflict; an outlet
printing the older figure after the newer one existed is only a minor, "outdated figure"
conflict between outlets.

The questions about the whole group ("did anyone give this value before?", "which report last
gave another value?") are answered by a ``FigureIndex`` built once per group, so each pair of
mentions costs a lookup instead of a scan of the group (the pair loop is what scales).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from .align_structure import quantity_family, surname
from .analysis.lexicon import load_lexicon
from .analysis.quantities import duration_units
from .model import Conflict, Mention, Quantity
from .settings import Settings

# Origin kinds that speak for a side in a confrontation; a party against a party or an official
# is a conflict between the sides, not an error of an outlet.
SIDE_KINDS = frozenset({"party", "official"})


@dataclass(frozen=True)
class Step:
    """The figure rose (or was revised) from ``earlier``'s value to ``later``'s."""
    earlier: int
    later: int
    old: Quantity
    new: Quantity


# over_time's answer when two values are one figure at two moments and nothing is wrong.
CONSISTENT = object()


def conflict_sides(a: Mention, b: Mention) -> str:
    """Who disagrees: "outlets" about one origin's statement, opposing "parties", or "origins"."""
    if a.origin_key == b.origin_key:
        return "outlets"
    kinds = {a.origin_kind, b.origin_kind}
    if kinds <= SIDE_KINDS and "party" in kinds:
        return "parties"
    if _answers_for_itself(a, b) or _answers_for_itself(b, a):
        return "parties"
    return "origins"


def _answers_for_itself(speaker: Mention, other: Mention) -> bool:
    """The origin of ``speaker`` is who ``other``'s claim is about, answering an official or a
    party ("The court found that Vogt took the money" / "Vogt denied taking any money"): the
    accused and the accuser are the two sides of a dispute, not two neutral sources."""
    if len(speaker.chain) < 2 or other.origin_kind not in SIDE_KINDS | {"organisation"}:
        return False
    name = surname(speaker.origin_key).lower()
    return bool(name) and name in {surname(e.span.text).lower() for e in other.claim.actors}


def family(q: Quantity, mention: Mention) -> str:
    return quantity_family(q, mention.claim)


def values_agree(qa: Quantity, qb: Quantity, settings: Settings) -> bool:
    low_a, high_a = _tolerant_bounds(qa, settings)
    low_b, high_b = _tolerant_bounds(qb, settings)
    return low_a <= high_b and low_b <= high_a


def _tolerant_bounds(q: Quantity, settings: Settings) -> tuple[float, float]:
    low, high = q.bounds()
    written = _decimal_precision(q)
    if written is not None and q.qualifier in ("exact", "range"):
        # "6.1" stands for 6.05-6.15 and "2.4 million" for 2.35-2.45 million: a value written
        # with decimals is rounded at its last digit, not by a share of itself (6.1 != 6.3)
        return low - written, high + written
    if q.qualifier == "about":
        tolerance = settings.about_tolerance
    elif q.qualifier in ("exact", "range"):
        tolerance = settings.number_tolerance
    else:
        tolerance = 0.0
    if q.qualifier == "more_than":
        low = low + 1e-9  # "more than 200" excludes 200 itself
    return low * (1 - tolerance), high * (1 + tolerance)


_DECIMAL = re.compile(r"(\d+)\.(\d+)")


def _decimal_precision(q: Quantity) -> float | None:
    """Half the unit of the last written decimal, in the quantity's own scale ("2.4 million":
    50,000), just under it so that neighbouring values do not touch; None without decimals."""
    match = _DECIMAL.search(q.span.text.replace(",", ""))
    if match is None or q.high is not None:
        return None
    written = float(match.group(0))
    if written == 0:
        return None
    scale = q.value / written
    return 0.499 * 10 ** -len(match.group(2)) * scale


def disagreeing_figures(
    a: Mention, b: Mention, settings: Settings
) -> tuple[Quantity, Quantity] | None:
    """The first like-with-like pair of figures, when no such pair agrees; None otherwise."""
    comparable = [
        (qa, qb) for qa in a.claim.quantities for qb in b.claim.quantities
        if family(qa, a) == family(qb, b)
    ]
    # One agreeing like-with-like pair means the mentions are consistent on this count.
    if not comparable or any(values_agree(qa, qb, settings) for qa, qb in comparable):
        return None
    return comparable[0]


def may_be_one_figure_over_time(a: Mention, b: Mention) -> bool:
    """Whether two disagreeing figures could be one figure at two moments (then the answer
    depends on publication times); False means they always conflict."""
    if conflict_sides(a, b) == "parties":
        return False
    return same_source(a, b) or says_revised(a) or says_revised(b)


def number_relation(
    i: int, j: int, mentions: Sequence[Mention], settings: Settings, index: FigureIndex,
    figures: tuple[Quantity, Quantity] | None = None,
) -> Conflict | Step | None:
    """How the figures of ``i`` and ``j`` relate; ``figures``: their ``disagreeing_figures``
    when the caller already knows them."""
    a, b = mentions[i], mentions[j]
    figures = figures or disagreeing_figures(a, b, settings)
    if figures is None:
        return None
    qa, qb = figures
    over_time = _over_time(i, j, mentions, qa, qb, index)
    if over_time is CONSISTENT:
        return None
    if over_time is not None:
        return over_time
    return Conflict("number", i, j, number_detail(qa, qb, a, b), between=conflict_sides(a, b))


def _over_time(
    i: int, j: int, mentions: Sequence[Mention], qa: Quantity, qb: Quantity, index: FigureIndex
):
    """How two different values relate over publication time, when they are one figure of one
    source: a ``Step`` when the later report gives a larger (or explicitly revised) value; a
    minor "outdated figure" conflict when the later report repeats an older value after the
    newest one before it (only against that newest one; against older values it is
    ``CONSISTENT``). None when they are not one figure over time: a later, smaller value nobody
    gave before is a misreport, not an old figure."""
    a, b = mentions[i], mentions[j]
    if a.published is None or b.published is None or a.published == b.published:
        return None
    (ei, early, q_early), (li, late, q_late) = sorted(
        [(i, a, qa), (j, b, qb)], key=lambda side: side[1].published)
    revised = says_revised(late)
    if conflict_sides(a, b) == "parties" or not (same_source(a, b) or revised):
        return None
    if not revised and not (_may_run_on(qa, a) and _may_run_on(qb, b)):
        return None  # "jailed for five years" then "for eight": a misreport, not a new figure
    if q_late.bounds()[0] > q_early.bounds()[1] or revised:
        return Step(ei, li, q_early, q_late)
    if not index.reported_before(q_late, early):
        return None
    if index.newest_other_value(li, q_late) != ei:
        return CONSISTENT
    detail = (f"outdated figure: {late.outlet} ({_day(late)}) still gives “{q_late.span.text}” "
              f"after {early.outlet} ({_day(early)}) reported “{q_early.span.text}”")
    return Conflict("number", ei, li, detail, minor=True, between="outlets", outdated=True)


def _may_run_on(q: Quantity, mention: Mention) -> bool:
    """Whether the figure can grow between reports. A tally can ("12 dead", later "27 dead"); a
    length of time only while it is still running ("has been missing for three days"), not a
    fixed one ("sentenced to five years", "had 20 years of experience")."""
    if q.unit not in duration_units():
        return True
    return _running_duration().search(mention.claim.sentence.text.lower()) is not None


@lru_cache(maxsize=1)
def _running_duration() -> re.Pattern[str]:
    cues = "|".join(re.escape(cue) for cue in load_lexicon("conflicts")["running_duration_cues"])
    return re.compile(rf"\b(?:{cues})\b")


def value_key(q: Quantity) -> tuple:
    # Everything values_agree reads of a quantity (its unit is compared through the family).
    return q.qualifier, q.value, q.high


class FigureIndex:
    """Per-group answers about figures over time, each computed once per distinct value."""

    def __init__(self, mentions: Sequence[Mention], settings: Settings):
        self._mentions = mentions
        self._settings = settings
        self._dated = [(m.published, k) for k, m in enumerate(mentions) if m.published is not None]
        self._first_giving: dict[tuple, datetime | None] = {}
        self._last_differing: dict[tuple, list[tuple[datetime, int]]] = {}

    def reported_before(self, value: Quantity, newer: Mention) -> bool:
        """Whether some mention published before ``newer`` already gave ``value``."""
        key = value_key(value)
        if key not in self._first_giving:
            times = [t for t, k in self._dated if any(
                values_agree(value, q, self._settings)
                for q in self._mentions[k].claim.quantities)]
            self._first_giving[key] = min(times, default=None)
        first = self._first_giving[key]
        return first is not None and newer.published is not None and first < newer.published

    def newest_other_value(self, stale: int, value: Quantity) -> int | None:
        """The most recent mention published before ``stale`` whose figure differs from
        ``value`` (ties: the later mention index)."""
        published = self._mentions[stale].published
        if published is None:
            return None
        wanted = family(value, self._mentions[stale])
        key = (value_key(value), wanted)
        if key not in self._last_differing:
            self._last_differing[key] = sorted(
                (t, k) for t, k in self._dated if any(
                    family(q, self._mentions[k]) == wanted
                    and not values_agree(q, value, self._settings)
                    for q in self._mentions[k].claim.quantities))
        differing = self._last_differing[key]
        before = bisect_left(differing, (published,))  # first entry not earlier than ``stale``
        return differing[before - 1][1] if before else None


def same_source(a: Mention, b: Mention) -> bool:
    # Two reports by the same origin, or by origins of the same kind that is not a side in a
    # confrontation (two hospitals, two outlets' own reporting), count one figure over time.
    if a.origin_key == b.origin_key:
        return True
    return a.origin_kind == b.origin_kind and a.origin_kind not in SIDE_KINDS | {""}


def says_revised(mention: Mention) -> bool:
    return _says_revised(mention.claim.sentence.text)


@lru_cache(maxsize=65536)
def _says_revised(sentence: str) -> bool:
    # cached by text: asked for every pair whose figures may be one figure over time
    return _revision_pattern().search(sentence.lower()) is not None


@lru_cache(maxsize=1)
def _revision_pattern() -> re.Pattern[str]:
    cues = "|".join(re.escape(cue) for cue in load_lexicon("conflicts")["evolution_cues"])
    return re.compile(rf"\b(?:{cues})\b")


def _day(mention: Mention) -> str:
    return mention.published.date().isoformat() if mention.published else "undated"


def number_detail(qa: Quantity, qb: Quantity, a: Mention, b: Mention) -> str:
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

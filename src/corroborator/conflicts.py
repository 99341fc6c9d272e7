"""Structured conflict detection between mentions of one claim.

No packaged NLI model exists, so conflicts come from comparing what the mentions assert: numbers
of the same unit (respecting qualifiers, ranges and rounding), dates (a one-day gap that time
zones can explain is minor), and polarity ("no one was injured" vs "three people were injured").
Each conflict carries a sentence a reader can check.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from .align import unit_family
from .model import Conflict, Mention, Quantity
from .settings import Settings


def find_conflicts(mentions: Sequence[Mention], settings: Settings) -> list[Conflict]:
    conflicts: list[Conflict] = []
    for i, j in combinations(range(len(mentions)), 2):
        a, b = mentions[i], mentions[j]
        if a.article_id == b.article_id:
            continue
        for check in (_number_conflict, _date_conflict, _negation_conflict):
            conflict = check(i, j, a, b, settings)
            if conflict is not None:
                conflicts.append(conflict)
    return conflicts


def _number_conflict(i: int, j: int, a: Mention, b: Mention, settings: Settings):
    comparable = [
        (qa, qb) for qa in a.claim.quantities for qb in b.claim.quantities
        if _same_unit(qa.unit, qb.unit)
    ]
    # One agreeing like-with-like pair means the mentions are consistent on this count.
    if not comparable or any(_values_agree(qa, qb, settings) for qa, qb in comparable):
        return None
    qa, qb = comparable[0]
    return Conflict("number", i, j, _number_detail(qa, qb, a, b))


def _same_unit(a: str, b: str) -> bool:
    return unit_family(a) == unit_family(b)


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


def _number_detail(qa: Quantity, qb: Quantity, a: Mention, b: Mention) -> str:
    detail = f"{a.outlet} reports “{qa.span.text}” but {b.outlet} reports “{qb.span.text}”"
    if a.origin_key != b.origin_key:
        return (f"{detail}; the figures come from different origins ({a.origin} vs {b.origin}), "
                "so this is a disagreement between sources, not necessarily an outlet's error")
    return f"{detail}, both citing {a.origin}: one of them misreports the source"


def _date_conflict(i: int, j: int, a: Mention, b: Mention, settings: Settings):
    dates_a = {d.value for d in a.claim.dates}
    dates_b = {d.value for d in b.claim.dates}
    if not dates_a or not dates_b or dates_a & dates_b:
        return None
    gap = min(abs((x - y).days) for x in dates_a for y in dates_b)
    da = min(a.claim.dates, key=lambda d: d.value)
    db = min(b.claim.dates, key=lambda d: d.value)
    days = f"{gap} day{'s' if gap != 1 else ''}"
    detail = (f"{a.outlet} dates it {da.value.isoformat()} (“{da.span.text}”) but {b.outlet} "
              f"{db.value.isoformat()} (“{db.span.text}”), {days} apart")
    minor = gap <= settings.minor_date_gap_days
    if minor:
        detail += "; a gap this small can come from time zones or an event spanning midnight"
    return Conflict("date", i, j, detail, minor=minor)


def _negation_conflict(i: int, j: int, a: Mention, b: Mention, settings: Settings):
    if a.claim.negated == b.claim.negated:
        return None
    negative, positive = (a, b) if a.claim.negated else (b, a)
    detail = (f"{negative.outlet} states the negative (“{negative.claim.span.text}”) while "
              f"{positive.outlet} asserts it (“{positive.claim.span.text}”)")
    return Conflict("negation", i, j, detail)

"""Structure bonuses and penalties of claim alignment (align.py): what two claims' events,
counts, figures and years say about whether they state one fact, beyond their words.

Kept apart from align.py, which turns these into similarities and groups claims; the lexicon
lookups themselves live in align_structure.py (data/alignment.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy import sparse

from .align_structure import (
    claim_counts,
    claim_events,
    claim_locations,
    claim_predicates,
    implied_families,
    opposite_events,
    quantity_family,
)
from .model import Claim
from .settings import Settings

# Similarity bonuses for shared structure (added to the blended cosine). Set on the example
# corpus ground truth (benchmarks/bench_golden.py): the same figure is near-decisive.
SAME_FIGURE_BONUS = 0.25
SAME_UNIT_BONUS = 0.1

@dataclass(frozen=True)
class Structure:
    """Indicator rows of the claims' events and counts, and the bonus/penalty they carry."""
    events: sparse.csr_matrix  # claims x event families
    counts: sparse.csr_matrix  # claims x (unit family, event) and (event, object)
    figure_counts: sparse.csr_matrix  # claims x (unit family, event) they give a figure for
    figure_families: sparse.csr_matrix  # claims x unit families they give any figure for
    years: sparse.csr_matrix  # claims x the years their events happened in
    named_year: np.ndarray  # per claim: whether its words name the year
    # per claim, computed once (block() is called for many small blocks)
    has_event: np.ndarray
    gives_count: np.ndarray  # gives a figure for a (unit family, event) count
    counts_something: np.ndarray  # gives any figure of a known unit family
    dated: np.ndarray  # its event's year is known
    opposed: sparse.csr_matrix  # claims x events opposite to one they report
    event_bonus: float
    figure_count_bonus: float
    count_mismatch_penalty: float
    other_year_penalty: float
    opposite_penalty: float

    @staticmethod
    def of(claims: Sequence[Claim], settings: Settings,
           event_years: Sequence[tuple[frozenset[int], bool]] | None = None) -> Structure:
        """``event_years``: per claim, ``event_years``; a count of another year's event is
        another figure ("In 2009 a quake killed 14 people")."""
        events = [claim_events(c.span.text) for c in claims]
        event_years = event_years or [(frozenset(), False)] * len(claims)
        years = [y for y, _ in event_years]
        # events and their opposites share one column space, so a product finds opposed pairs
        columns: dict = {}
        event_rows = indicator(events, columns)
        opposed_rows = indicator([opposite_events(e) for e in events], columns)
        events_matrix = widen(event_rows, len(columns))
        figure_counts = indicator([
            {(quantity_family(q, c), event, year) for q in c.quantities for event in e
             for year in y or {None} if quantity_family(q, c)}
            for c, e, y in zip(claims, events, years, strict=True)])
        figure_families = indicator([
            ({quantity_family(q, c) for q in c.quantities} | implied_families(c)) - {""}
            for c in claims])
        year_rows = indicator(years)
        return Structure(
            events=events_matrix,
            counts=indicator([{(*count, year) for count in claim_counts(c, e)
                                for year in y or {None}}
                               | claim_predicates(c.span.text) | claim_locations(c)
                               for c, e, y in zip(claims, events, years, strict=True)]),
            figure_counts=figure_counts,
            figure_families=figure_families,
            years=year_rows,
            named_year=np.array([named for _, named in event_years], dtype=bool),
            has_event=_any(events_matrix),
            gives_count=_any(figure_counts),
            counts_something=_any(figure_families),
            dated=_any(year_rows),
            opposed=widen(opposed_rows, len(columns)),
            event_bonus=settings.claim_same_event_bonus,
            figure_count_bonus=settings.claim_same_figure_count_bonus,
            count_mismatch_penalty=settings.claim_count_mismatch_penalty,
            other_year_penalty=settings.claim_other_year_penalty,
            opposite_penalty=settings.claim_opposite_event_penalty,
        )

    def adjust(self, rows: np.ndarray, cols: np.ndarray, same_figure: np.ndarray,
               same_unit: np.ndarray, same_article: np.ndarray) -> np.ndarray:
        """The structure bonus of claims ``rows`` x ``cols`` (negative for opposite events)."""
        shared_event = (self.events[rows] @ self.events[cols].T).toarray() > 0
        both = self.has_event[rows][:, None] & self.has_event[cols][None, :]
        different_events = both & ~shared_event
        opposed = ((self.opposed[rows] @ self.events[cols].T).toarray() > 0) | (
            (self.events[rows] @ self.opposed[cols].T).toarray() > 0)
        same_count = (self.counts[rows] @ self.counts[cols].T).toarray() > 0
        # both give a figure for one count ("12 people were killed" / "the number of dead has
        # risen to 44"): one figure, reported at two moments or misreported, whatever the words
        # (not within one article: two figures of one count there are two different figures)
        figure_count = ((self.figure_counts[rows] @ self.figure_counts[cols].T).toarray() > 0
                        ) & ~same_article
        bonus = np.where(same_figure & ~different_events, SAME_FIGURE_BONUS,
                         np.where(same_count, self.event_bonus, SAME_UNIT_BONUS * same_unit))
        bonus = np.maximum(bonus, self.figure_count_bonus * figure_count)
        # a count statement and a claim that counts nothing are different claims ("12 people
        # were killed in Marrow" / "most of the victims were in Marrow"; "the death toll has
        # climbed to 31" / "an earthquake of magnitude 6.1 struck")
        counts, counting = self.gives_count, self.counts_something
        mismatch = ((counts[rows][:, None] & ~counting[cols][None, :])
                    | (~counting[rows][:, None] & counts[cols][None, :]))
        return (bonus - self.opposite_penalty * (opposed & ~shared_event)
                - self.count_mismatch_penalty * mismatch
                - self.other_year_penalty * self._other_year(rows, cols))

    def _other_year(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Pairs where one claim names a year ("In 2009, a quake killed 14 people") that is not
        the year of the other's event: background about another event, not this one. (Two claims
        both naming different years may be a date conflict and are left to that check.)"""
        shared = (self.years[rows] @ self.years[cols].T).toarray() > 0
        dated = self.dated
        one_names = self.named_year[rows][:, None] ^ self.named_year[cols][None, :]
        both_dated = dated[rows][:, None] & dated[cols][None, :]
        return one_names & both_dated & ~shared


_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")


def event_years(claim: Claim, published: datetime | None) -> tuple[frozenset[int], bool]:
    """The years a claim's event happened in, and whether they are past years its words name
    ("In 2009, a quake killed 14 people": background about another event). Else the years of
    its resolved dates, else its article's publication year (empty when undated). A future
    year ("will close by the end of 2027") is a plan of this story, not another event."""
    named = frozenset(int(y) for y in _YEAR.findall(claim.span.text))
    if named and published is not None and max(named) < published.year:
        return named, True
    dated = frozenset(d.value.year for d in claim.dates) | named
    if dated:
        return dated, False
    return (frozenset({published.year}) if published is not None else frozenset()), False


def _any(rows: sparse.csr_matrix) -> np.ndarray:
    """Per row: whether it has any key."""
    return np.asarray(rows.getnnz(axis=1)).ravel() > 0


def indicator(keys_per_row: Sequence[set], columns: dict | None = None) -> sparse.csr_matrix:
    """Rows x distinct keys, 1 where the row has the key: shared keys become a sparse product.
    ``columns`` (key -> column) is filled in place, so several matrices can share it."""
    columns = {} if columns is None else columns
    rows, cols = [], []
    for row, keys in enumerate(keys_per_row):
        for key in keys:
            rows.append(row)
            cols.append(columns.setdefault(key, len(columns)))
    data = np.ones(len(rows), dtype=np.float32)
    shape = (len(keys_per_row), max(len(columns), 1))
    return sparse.csr_matrix((data, (rows, cols)), shape=shape)


def widen(matrix: sparse.csr_matrix, width: int) -> sparse.csr_matrix:
    """The same rows with ``width`` columns (columns added later to a shared key space)."""
    matrix = matrix.tocsr()
    return sparse.csr_matrix((matrix.data, matrix.indices, matrix.indptr),
                             shape=(matrix.shape[0], max(width, 1)))



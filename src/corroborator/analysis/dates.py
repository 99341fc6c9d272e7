"""Dates an article mentions, resolved to calendar days.

Absolute dates ("5 May", "May 5, 2026", "2026-05-05") are found with patterns over the text, which
is sturdier than the tokenizer (it splits "2026-05-05" into five tokens). Relative dates
("yesterday", "on Tuesday", "last Friday") are resolved against the publication date, read as the
article's own local date: the words refer to the calendar the reporter was living in, so the
time zone is never converted. Vague spans ("earlier this week", "this month") name no single day
and are not emitted.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from spacy.tokens import Doc, Token

from ..model import DateMention, TextSpan
from .nlp import doc_text

# A year-less date more than this many days after publication is read as last year's: news
# looks back ("on 28 December", published 3 January), and previews rarely reach 2 months ahead.
FUTURE_DATE_SLACK_DAYS = 62

_MONTH_NUMBERS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTH_NUMBERS[calendar.month_name[_number]] = _number
    _MONTH_NUMBERS[calendar.month_abbr[_number]] = _number
_MONTH_NUMBERS["Sept"] = 9
# Case-sensitive on purpose: "may" the modal verb is never the month.
_MONTH = "(?P<month>" + "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
_NOT_A_BIGGER_NUMBER = r"(?![\d,.]\d|\d)"
_ABSOLUTE_PATTERNS = (
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}\b{_YEAR}{_NOT_A_BIGGER_NUMBER}"),
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b{_YEAR}{_NOT_A_BIGGER_NUMBER}"),
)
# Month + year without a day: not a single day, but still not a count (used by quantities).
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(?:19|20)\d\d\b")

_WEEKDAYS = {calendar.day_name[n]: n for n in range(7)}  # Monday = 0, as date.weekday()
_PARTS_OF_DAY = frozenset({"morning", "afternoon", "evening", "night"})
# Single words and two-word phrases naming a day relative to publication, as a day offset.
_RELATIVE_WORDS = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}
_RELATIVE_PHRASES = {("last", "night"): -1, ("this", "morning"): 0, ("this", "afternoon"): 0,
                     ("this", "evening"): 0}


@dataclass(frozen=True)
class _AbsoluteMatch:
    start: int
    end: int
    month: int
    day: int
    year: int | None


def extract_dates(doc: Doc, published: datetime | None) -> list[DateMention]:
    """Every date in ``doc`` that resolves to one calendar day, in text order."""
    today = published.date() if published is not None else None
    mentions = _absolute_dates(doc_text(doc), today)
    taken = [(m.span.start, m.span.end) for m in mentions]
    if today is not None:
        mentions += [m for m in _relative_dates(doc, today) if not _near_any(m.span, taken)]
    return sorted(mentions, key=lambda m: m.span.start)


def date_expression_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of absolute date expressions, resolvable or not ("May 2026")."""
    spans = [(m.start, m.end) for m in _absolute_matches(text)]
    return spans + [(m.start(), m.end()) for m in _MONTH_YEAR.finditer(text)]


def _absolute_dates(text: str, today: date | None) -> list[DateMention]:
    mentions = []
    for match in _absolute_matches(text):
        value = _resolve_absolute(match, today)
        if value is not None:
            mentions.append(DateMention(TextSpan.of(text, match.start, match.end), value))
    return mentions


def _absolute_matches(text: str) -> list[_AbsoluteMatch]:
    found: list[_AbsoluteMatch] = []
    for pattern in _ABSOLUTE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue  # an earlier (more specific) pattern already took this text
            month = m["month"]
            found.append(_AbsoluteMatch(
                start=m.start(), end=m.end(),
                month=int(month) if month.isdigit() else _MONTH_NUMBERS[month],
                day=int(m["day"]),
                year=int(m["year"]) if m["year"] else None,
            ))
    return found


def _resolve_absolute(match: _AbsoluteMatch, today: date | None) -> date | None:
    if match.year is not None:
        return _safe_date(match.year, match.month, match.day)
    if today is None:
        return None  # a year-less date cannot be placed without the publication date
    value = _safe_date(today.year, match.month, match.day)
    if value is not None and (value - today).days > FUTURE_DATE_SLACK_DAYS:
        value = _safe_date(today.year - 1, match.month, match.day)
    return value


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None  # "31 April", "29 February" of a common year, "2026-13-40"


def _relative_dates(doc: Doc, today: date) -> Iterator[DateMention]:
    for token in doc:
        found = _relative_day_word(token, today) or _weekday(token, today)
        if found is not None:
            start, end, value = found
            yield DateMention(TextSpan.of(doc_text(doc), start, end), value, relative=True)


def _relative_day_word(token: Token, today: date) -> tuple[int, int, date] | None:
    if token.lower_ in _RELATIVE_WORDS:
        return token.idx, _end(token), today + timedelta(days=_RELATIVE_WORDS[token.lower_])
    if token.i + 1 < len(token.doc):
        following = token.doc[token.i + 1]
        offset = _RELATIVE_PHRASES.get((token.lower_, following.lower_))
        if offset is not None:
            return token.idx, _end(following), today + timedelta(days=offset)
    return None


def _weekday(token: Token, today: date) -> tuple[int, int, date] | None:
    """'Tuesday' (the last one on or before publication, or the coming one when the clause looks
    ahead), 'last/next/this Tuesday'."""
    weekday = _WEEKDAYS.get(token.text)
    if weekday is None:
        return None
    doc, start, end = token.doc, token.idx, _end(token)
    before = doc[token.i - 1] if token.i > 0 else None
    if before is not None and before.pos_ == "PROPN" and before.is_title:
        return None  # part of a name: "Black Friday", "Super Tuesday"
    days_back = (today.weekday() - weekday) % 7
    value = today - timedelta(days=days_back)
    if _looks_ahead(token):  # "will discuss it on Monday", "stays closed until Friday"
        value = today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
    if before is not None and before.lower_ in ("last", "next", "this"):
        start = before.idx
        if before.lower_ == "last" and days_back == 0:
            value -= timedelta(days=7)
        elif before.lower_ in ("next", "this"):
            days_ahead = (weekday - today.weekday()) % 7
            if before.lower_ == "next" and days_ahead == 0:
                days_ahead = 7
            value = today + timedelta(days=days_ahead)
    if token.i + 1 < len(doc) and doc[token.i + 1].lower_ in _PARTS_OF_DAY:
        end = _end(doc[token.i + 1])
    return start, end, value


# Auxiliaries and heads of "to"-infinitives that put the clause's event in the future.
_FUTURE_AUXILIARIES = frozenset({"will", "shall", "'ll", "wo"})  # "won't" is "wo" + "n't"
_FUTURE_HEADS = frozenset({"due", "set", "expect", "plan", "schedule", "go", "intend"})


def _looks_ahead(token: Token) -> bool:
    """Whether the verb the weekday attaches to is future: "will"/"shall" ("the cabinet will
    discuss it on Monday", "the line will stay closed until Friday") or a "to"-infinitive under
    "due/set/expected/plans/scheduled/going" ("is due to reopen on Friday"). News reports past
    events with a bare weekday, so everything else keeps the last such day."""
    verb = token.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(c.lower_ in _FUTURE_AUXILIARIES for c in auxiliaries):
        return True
    infinitive = any(c.lower_ == "to" for c in auxiliaries) and verb.dep_ == "xcomp"
    return infinitive and verb.head.lemma_.lower() in _FUTURE_HEADS


def _near_any(span: TextSpan, taken: list[tuple[int, int]]) -> bool:
    """Overlapping an absolute date, or directly before one ("Tuesday, 5 May"): the absolute
    date already says which day it is."""
    return any(span.start < end and start <= span.end + 2 for start, end in taken)


def _end(token: Token) -> int:
    return token.idx + len(token.text)

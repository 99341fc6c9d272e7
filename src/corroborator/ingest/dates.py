"""Publication dates from what the inputs give: ISO 8601, RFC 822, YAML dates, struct_time."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any


class UnreadableDate(ValueError):
    """The input had a date, but it cannot be read as one."""


def parse_published(value: Any) -> datetime | None:
    """A datetime (timezone kept when given) or None when there is no date.

    Raises ``UnreadableDate`` when a value is present but not a date, so the caller can report it.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, time.struct_time):
        # feedparser normalises its *_parsed values to UTC.
        return datetime(*value[:6], tzinfo=UTC)
    if isinstance(value, str):
        return _parse_string(value.strip())
    raise UnreadableDate(repr(value))


def _parse_string(text: str) -> datetime:
    try:
        # Python 3.11 reads most of ISO 8601, including "Z" and date-only values.
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)  # RFC 822, as RSS uses
    except (TypeError, ValueError, IndexError):
        raise UnreadableDate(text) from None

"""The intermediate record every format reader yields, and the id helpers they share.

Readers (text, html, jsonl, feeds, warc, url) only parse; they return ``Draft`` values or
``IngestProblem`` values. ``assemble`` then applies the checks that are the same for every format
(empty, too short, not English, duplicate, date parsing, outlet fallback, unique ids), so each
rule lives in one place.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from corroborator.model import IngestProblem

# Longest parser error message shown to the user (some quote whole lines of binary input).
MAX_ERROR_CHARS = 160
# Longest slug kept from a URL path; the 8-hex URL hash keeps shortened ids unique.
MAX_URL_SLUG_CHARS = 60


@dataclass(frozen=True)
class Draft:
    """An article as a reader found it, before the shared checks."""

    text: str
    source: str
    id: str  # the input's own id, or one derived from its file name or URL
    outlet: str | None = None  # explicit outlet (front matter, JSONL, feed title)
    sitename: str | None = None  # the site name an HTML page declares
    url: str | None = None
    title: str | None = None
    published: Any = None  # raw value: str, date, datetime or time.struct_time


Item = Draft | IngestProblem


def slugify(value: str) -> str:
    """Lower-case, runs of non-alphanumerics -> "-", no leading/trailing dashes."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def id_from_stem(stem: str) -> str:
    return slugify(stem) or "article"


def id_from_url(url: str) -> str:
    """A readable slug of the URL path plus 8 hex of the URL's hash (unique per URL)."""
    parts = urlsplit(url)
    slug = slugify(parts.path)[-MAX_URL_SLUG_CHARS:].strip("-") or slugify(parts.hostname or "")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else digest


def domain_of(url: str | None) -> str | None:
    """The host of ``url`` without a leading "www.", or None when there is none."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


def clean_str(value: Any) -> str | None:
    """A stripped, non-empty string from a metadata value, else None (numbers become strings)."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = str(value).strip()
    return text or None


def describe_error(exc: BaseException) -> str:
    """``Type: message`` for a parser error, shortened to fit one problem line."""
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"

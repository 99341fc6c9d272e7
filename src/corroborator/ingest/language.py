"""Is a text English? The share of common English function words among its word tokens.

A word-list ratio is crude but needs no model, is fast, and separates English news (~0.35-0.5)
from French, Spanish or German (<= 0.05) with a wide margin; see
Settings.min_english_stopword_ratio.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def english_stopwords() -> frozenset[str]:
    raw = files("corroborator").joinpath("data", "english_stopwords.txt").read_text("utf-8")
    words = (line.strip().lower() for line in raw.splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


def english_ratio(text: str) -> float:
    """Share of word tokens that are English function words (0.0 for a text with no words)."""
    tokens = WORD.findall(text.lower())
    if not tokens:
        return 0.0
    stopwords = english_stopwords()
    return sum(token in stopwords for token in tokens) / len(tokens)

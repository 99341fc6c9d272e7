"""HTML pages -> main text and metadata with trafilatura; HTML fragments -> text with lxml."""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
import trafilatura

from corroborator.ingest.draft import Draft, Item, clean_str, describe_error
from corroborator.model import IngestProblem

# Elements that end a line of text when an HTML fragment (a feed entry) is flattened.
BLOCK_TAGS = (
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "tr", "table", "section", "article", "header", "footer", "figure",
)
DROPPED_TAGS = ("script", "style", "noscript", "template")


def read_html(html: str | bytes, source: str, fallback_id: str, url: str | None = None) -> Item:
    """The page's main text, title, site name, date and canonical URL (trafilatura)."""
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, as_dict=False
        )
    except Exception as exc:  # a third-party parser must never end the run
        return IngestProblem(source, f"malformed HTML: {describe_error(exc)}")
    text = doc.text if doc is not None else None
    if not text or not text.strip():
        return IngestProblem(source, "no main text found in the HTML page")
    return Draft(
        text=text,
        source=source,
        id=fallback_id,
        sitename=clean_str(doc.sitename),
        url=clean_str(doc.url) or url,
        title=clean_str(doc.title),
        published=doc.date,
    )


def fragment_text(fragment: str) -> str:
    """Readable text of an HTML fragment: block elements become line breaks, markup goes."""
    if not fragment or not fragment.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return fragment.strip()
    for element in [el for el in root.iter(*DROPPED_TAGS)]:
        element.drop_tree()
    for element in root.iter(*BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
        if element.tag != "br":
            element.text = "\n" + (element.text or "")
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)

"""Local inputs: walking directories, sniffing file types, binary detection and decoding.

Every failure becomes an ``IngestProblem`` with the path and a reason; nothing here raises for a
bad input, so one unreadable file never ends a run.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from corroborator.ingest.draft import Item, id_from_stem
from corroborator.ingest.feeds import read_feed
from corroborator.ingest.html import read_html
from corroborator.ingest.jsonl import read_jsonl
from corroborator.ingest.text import read_text_article
from corroborator.ingest.warc import read_warc
from corroborator.model import IngestProblem
from corroborator.settings import Settings

KIND_BY_SUFFIX = {
    ".txt": "text", ".md": "text", ".markdown": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
    ".warc": "warc", ".warc.gz": "warc",
}
# How much of a file the type sniffer and the binary check look at.
SNIFF_BYTES = 8192
# Share of control bytes (other than tab, newlines, form feed, backspace, escape) above which a
# file is binary. Real text has ~0; compressed or image data has ~10% of bytes below 0x20.
MAX_CONTROL_BYTE_RATIO = 0.05
CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\b\x1b") + b"\x7f"
# charset-normalizer's "chaos" (0 = clean, 1 = noise) above which a legacy decoding is not trusted.
MAX_DECODE_CHAOS = 0.1
GZIP_MAGIC = b"\x1f\x8b"


def read_path(path: Path, settings: Settings) -> Iterator[Item]:
    """Articles from a file, or from every non-hidden file under a directory (sorted)."""
    try:
        is_dir = path.is_dir()
        exists = is_dir or path.exists()
    except OSError as exc:
        yield IngestProblem(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if not exists:
        yield IngestProblem(str(path), "no such file or directory")
    elif is_dir:
        for item in walk(path):
            yield from (item,) if isinstance(item, IngestProblem) else read_file(item, settings)
    else:
        yield from read_file(path, settings)


def walk(directory: Path, _seen: set[Path] | None = None) -> Iterator[Path | IngestProblem]:
    """Files under ``directory`` in sorted order, skipping hidden files and directories."""
    seen = set() if _seen is None else _seen
    real = directory.resolve()
    if real in seen:  # a symlink loop; each real directory is walked once
        return
    seen.add(real)
    try:
        entries = sorted(directory.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        yield IngestProblem(str(directory), f"cannot list directory: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from walk(entry, seen)
        else:
            yield entry


def read_file(path: Path, settings: Settings) -> Iterator[Item]:
    source = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            yield IngestProblem(source, "not a regular file")
            return
        with path.open("rb") as stream:
            head = stream.read(SNIFF_BYTES)
    except OSError as exc:
        yield IngestProblem(source, f"cannot read: {exc.strerror or exc}")
        return
    if size == 0:
        yield IngestProblem(source, "empty file")
        return
    kind = kind_from_suffix(path) or ("warc" if looks_like_warc(head) else None)
    stem_id = id_from_stem(stem_of(path))
    if kind == "warc":
        yield from read_warc(path, source, stem_id, settings)
        return
    if size > settings.max_file_bytes:
        yield IngestProblem(
            source, f"file too large ({size} bytes > max_file_bytes {settings.max_file_bytes})"
        )
        return
    binary = binary_reason(head)
    if binary:
        yield IngestProblem(source, binary)
        return
    kind = kind or sniff_text_kind(head, has_suffix=bool(path.suffix))
    if kind is None:
        yield IngestProblem(
            source,
            f"unsupported file type '{path.suffix}' (expected text, HTML, JSONL, RSS/Atom or WARC)",
        )
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield IngestProblem(source, f"cannot read: {exc.strerror or exc}")
        return
    yield from parse_bytes(data, kind, source, stem_id)


def parse_bytes(
    data: bytes, kind: str, source: str, stem_id: str, url: str | None = None
) -> Iterator[Item]:
    """Dispatch one input's bytes to its format reader (shared by files and URLs)."""
    if kind == "html":
        # trafilatura reads the page's declared charset itself; give it text when it is UTF-8.
        yield read_html(_utf8_or_bytes(data), source, stem_id, url=url)
        return
    if kind == "feed":
        yield from read_feed(data, source, stem_id)
        return
    text, problems = decode_text(data, source)
    yield from problems
    if text is None:
        return
    if kind == "jsonl":
        yield from read_jsonl(text, source, stem_id)
    else:
        yield read_text_article(text, source, stem_id, url=url)


def kind_from_suffix(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(".warc.gz"):
        return "warc"
    return KIND_BY_SUFFIX.get(path.suffix.lower())


def stem_of(path: Path) -> str:
    name = path.name
    return name[: -len(".warc.gz")] if name.lower().endswith(".warc.gz") else path.stem


def looks_like_warc(head: bytes) -> bool:
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16)
        except zlib.error:
            return False
    return head.startswith(b"WARC/")


def sniff_text_kind(head: bytes, has_suffix: bool) -> str | None:
    """HTML, feed or JSONL by their opening bytes; plain text only for files without a suffix."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<?xml"):
        if any(tag in start for tag in (b"<rss", b"<feed", b"<rdf:rdf")):
            return "feed"
        return "html" if b"<html" in start else None
    if start.startswith((b"<rss", b"<feed", b"<rdf:rdf")):
        return "feed"
    if start.startswith((b"<!doctype html", b"<html")):
        return "html"
    if start.startswith(b"{"):
        return "jsonl"
    # A ".csv" or ".py" file is text but not an article; only suffix-less files default to text.
    return None if has_suffix else "text"


def binary_reason(head: bytes) -> str | None:
    """Why the first bytes of a file look binary, or None when they look like text."""
    if b"\x00" in head:
        return "binary file (contains NUL bytes)"
    controls = len(head) - len(head.translate(None, CONTROL_BYTES))
    if head and controls / len(head) > MAX_CONTROL_BYTE_RATIO:
        return f"binary file ({controls / len(head):.0%} control characters)"
    return None


def decode_text(data: bytes, source: str) -> tuple[str | None, list[IngestProblem]]:
    """UTF-8 (BOM allowed), else a legacy encoding charset-normalizer is confident about."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.chaos > MAX_DECODE_CHAOS:
        return None, [IngestProblem(source, "undecodable bytes: not UTF-8 and no legacy encoding "
                                            "detected with confidence")]
    text = str(best)
    encoding = best.encoding
    # Western single-byte code pages often decode English text identically; name the common one.
    if encoding != "cp1252" and _decodes_as(data, "cp1252") == text:
        encoding = "cp1252"
    return text, [IngestProblem(source, f"decoded as {encoding}", skipped=False)]


def _decodes_as(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _utf8_or_bytes(data: bytes) -> str | bytes:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data

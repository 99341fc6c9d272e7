"""WARC archives with warcio: every HTML response record goes through the HTML path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from corroborator.ingest.draft import Item, describe_error, id_from_url
from corroborator.ingest.html import read_html
from corroborator.model import IngestProblem
from corroborator.settings import Settings

HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path, source: str, stem_id: str, settings: Settings) -> Iterator[Item]:
    """Articles from a (possibly gzipped) WARC file, streamed record by record.

    WARC files are often far larger than one article, so the size limit applies to each
    record's payload rather than to the file.
    """
    found = 0
    try:
        with path.open("rb") as stream:
            for number, record in enumerate(ArchiveIterator(stream), start=1):
                if not _is_html_response(record):
                    continue
                found += 1
                yield _record_article(record, f"{source}#record-{number}", stem_id, settings)
    except (OSError, ArchiveLoadFailed, ValueError) as exc:
        yield IngestProblem(source, f"unreadable WARC: {describe_error(exc)}")
        return
    if not found:
        yield IngestProblem(source, "WARC holds no successful HTML response records")


def _is_html_response(record) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = record.http_headers.get_statuscode() or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    # Redirects and error pages are not articles; neither are images, scripts or styles.
    return status.startswith("2") and any(t in content_type for t in HTML_TYPES)


def _record_article(record, source: str, stem_id: str, settings: Settings) -> Item:
    payload = record.content_stream().read(settings.max_file_bytes + 1)
    if len(payload) > settings.max_file_bytes:
        return IngestProblem(
            source, f"record larger than max_file_bytes ({settings.max_file_bytes} bytes)"
        )
    uri = record.rec_headers.get_header("WARC-Target-URI")
    fallback_id = id_from_url(uri) if uri else f"{stem_id}-{source.rsplit('#', 1)[-1]}"
    return read_html(payload, source, fallback_id, url=uri)

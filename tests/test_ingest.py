"""Ingest: every input format and every kind of bad input, built in tmp_path inside each test."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corroborator.ingest import IngestResult, content_hash, ingest_paths
from corroborator.settings import Settings

BODY = (
    "Dam operator Rivex said 12 villages were evacuated on 4 May after the river rose. "
    "Unverified reports on social media, cited by Radio Delta, claim that the spillway failed "
    "during the night, but the company has not confirmed this."
)
OTHER_BODY = (
    "The provincial governor said that around 1,200 residents of 15 villages fled on 5 May. "
    "Shelters were opened in the town hall and in two schools, and the army was asked for help "
    "with the evacuation of the elderly."
)
THIRD_BODY = (
    "Engineers from the ministry arrived at the dam on Tuesday to inspect it. They said that the "
    "structure was stable but that the spillway would stay closed until the water level fell."
)
FRENCH = (
    "Le barrage a cédé dans la nuit de mardi à mercredi, selon les autorités locales. Plus de "
    "mille habitants des villages voisins ont été évacués vers la ville, où des centres d'accueil "
    "ont été ouverts par la préfecture."
)

HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<title>Spillway fails at Rivex dam - Coast Herald</title>
<meta property="og:site_name" content="Coast Herald">
<meta property="og:title" content="Spillway fails at Rivex dam">
<meta property="article:published_time" content="2024-05-04T09:30:00+02:00">
<link rel="canonical" href="https://www.coastherald.example/news/spillway-fails">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/sport">Sport pages menu</a></li></ul></nav>
<article><h1>Spillway fails at Rivex dam</h1>
<p>{body}</p>
<p>{other}</p>
</article>
<footer><p>Copyright Coast Herald Media Group. All rights reserved. Privacy policy.</p></footer>
</body></html>
"""


def html_page(body: str = BODY, other: str = OTHER_BODY) -> str:
    return HTML_PAGE.format(body=body, other=other)


def by_source(result: IngestResult) -> dict[str, list[str]]:
    """Problem reasons keyed by source (so asserts read naturally)."""
    reasons: dict[str, list[str]] = {}
    for problem in result.problems:
        reasons.setdefault(problem.source, []).append(problem.reason)
    return reasons


# --- plain text -------------------------------------------------------------------------------

def test_txt_without_front_matter_uses_file_name_and_keeps_body(tmp_path: Path) -> None:
    path = tmp_path / "Dam Report_2024.txt"
    path.write_text(f"\n\n{BODY}\n\nSecond paragraph stays as written.  \n\n", encoding="utf-8")
    result = ingest_paths([path])
    assert result.problems == ()
    (article,) = result.articles
    assert article.id == "dam-report-2024"
    assert article.text == f"{BODY}\n\nSecond paragraph stays as written."
    assert article.outlet == "unknown"
    assert article.source == str(path)
    assert article.content_hash == content_hash(article.text)


def test_txt_front_matter_fields(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: Dam evacuated\noutlet: Coast Herald\n"
        "url: https://coastherald.example/dam\npublished: 2024-05-04T10:00:00+02:00\n"
        "id: ch-1\n---\n\n" + BODY + "\n",
        encoding="utf-8",
    )
    (article,) = ingest_paths([path]).articles
    assert (article.id, article.outlet, article.title) == ("ch-1", "Coast Herald", "Dam evacuated")
    assert article.url == "https://coastherald.example/dam"
    assert article.published == datetime(2024, 5, 4, 10, tzinfo=timezone(timedelta(hours=2)))
    assert article.text == BODY


def test_front_matter_url_gives_outlet_domain(tmp_path: Path) -> None:
    path = tmp_path / "b.txt"
    path.write_text(f"---\nurl: https://www.valleytimes.example/x\n---\n{BODY}", encoding="utf-8")
    (article,) = ingest_paths([path]).articles
    assert article.outlet == "valleytimes.example"


def test_bad_front_matter_is_skipped_with_reason(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(f"---\ntitle: [unclosed\n---\n{BODY}", encoding="utf-8")
    result = ingest_paths([path])
    assert result.articles == ()
    (problem,) = result.problems
    assert problem.skipped and "front matter is not valid YAML" in problem.reason


def test_unreadable_date_keeps_article_with_non_skipping_problem(tmp_path: Path) -> None:
    path = tmp_path / "d.txt"
    path.write_text(f"---\npublished: last Tuesday-ish\n---\n{BODY}", encoding="utf-8")
    result = ingest_paths([path])
    (article,) = result.articles
    assert article.published is None
    (problem,) = result.problems
    assert not problem.skipped and "unreadable published date" in problem.reason


# --- HTML -------------------------------------------------------------------------------------

def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "spillway.html"
    path.write_text(html_page(), encoding="utf-8")
    result = ingest_paths([path])
    assert result.problems == ()
    (article,) = result.articles
    assert BODY in article.text and OTHER_BODY in article.text
    assert "Sport pages menu" not in article.text  # nav dropped
    assert "All rights reserved" not in article.text  # footer dropped
    assert article.title == "Spillway fails at Rivex dam"
    assert article.outlet == "Coast Herald"
    assert article.url == "https://www.coastherald.example/news/spillway-fails"
    assert article.published is not None and article.published.date().isoformat() == "2024-05-04"
    assert article.id == "spillway"


def test_html_without_main_text_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    result = ingest_paths([path])
    assert result.articles == ()
    assert result.problems[0].skipped


# --- JSONL ------------------------------------------------------------------------------------

def test_jsonl_keeps_good_lines_and_text_byte_identical(tmp_path: Path) -> None:
    odd_text = "  " + BODY + "\n\n   indented line\twith tab  \n"  # never stripped or re-flowed
    lines = [
        json.dumps({"id": "x1", "outlet": "Coast Herald", "text": odd_text,
                    "published": "2024-05-04T08:00:00Z", "title": "One"}),
        json.dumps({"outlet": "Valley Times", "url": "https://valley.example/a",
                    "text": OTHER_BODY}),
        "{not json at all",
        json.dumps({"id": "x4", "title": "no text here"}),
        json.dumps({"id": "x5", "text": THIRD_BODY}),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest_paths([path])
    assert [a.id for a in result.articles] == ["x1", "feed-2", "x5"]
    first = result.articles[0]
    assert first.text == odd_text
    assert first.published == datetime(2024, 5, 4, 8, tzinfo=UTC)
    assert first.source == f"{path}:1"
    assert result.articles[1].outlet == "Valley Times"
    problems = by_source(result)
    assert set(problems) == {f"{path}:3", f"{path}:4"}
    assert "malformed JSON" in problems[f"{path}:3"][0]
    assert "no text" in problems[f"{path}:4"][0]


# --- feeds ------------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Radio Delta</title><link>https://radiodelta.example/</link>
<item><title>Spillway failed</title><link>https://radiodelta.example/news/spillway</link>
<pubDate>Sat, 04 May 2024 07:15:00 +0200</pubDate>
<description>&lt;p&gt;{a}&lt;/p&gt;
&lt;p&gt;Second &lt;b&gt;bold&lt;/b&gt; paragraph.&lt;/p&gt;</description>
</item>
<item><title>Villages flee</title><link>https://radiodelta.example/news/villages</link>
<pubDate>Sun, 05 May 2024 18:00:00 GMT</pubDate><description>{b}</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Times</title>
<id>urn:vt</id><updated>2024-05-05T12:00:00Z</updated>
<entry><title>Governor speaks</title><link href="https://valleytimes.example/governor"/>
<id>urn:vt:1</id><updated>2024-05-05T12:00:00Z</updated><published>2024-05-05T11:00:00+01:00</published>
<content type="html">&lt;p&gt;{a}&lt;/p&gt;</content></entry>
<entry><title>Engineers inspect</title><link href="https://valleytimes.example/engineers"/>
<id>urn:vt:2</id><updated>2024-05-06T09:00:00Z</updated>
<summary>{b}</summary></entry>
</feed>"""


def test_rss_feed_entries(tmp_path: Path) -> None:
    path = tmp_path / "delta.rss"
    path.write_text(RSS.format(a=BODY, b=OTHER_BODY), encoding="utf-8")
    result = ingest_paths([path])
    assert result.problems == ()
    first, second = result.articles
    assert first.outlet == second.outlet == "Radio Delta"
    assert first.title == "Spillway failed"
    assert first.text == f"{BODY}\nSecond bold paragraph."
    assert "<" not in first.text
    assert first.url == "https://radiodelta.example/news/spillway"
    assert first.published == datetime(2024, 5, 4, 7, 15, tzinfo=timezone(timedelta(hours=2)))
    assert first.source == f"{path}#entry-1"
    assert first.id.startswith("news-spillway-") and len(first.id) == len("news-spillway-") + 8
    assert second.text == OTHER_BODY


def test_atom_feed_entries_sniffed_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "valley"  # no suffix: sniffed as a feed
    path.write_text(ATOM.format(a=OTHER_BODY, b=THIRD_BODY), encoding="utf-8")
    result = ingest_paths([path])
    assert result.problems == ()
    first, second = result.articles
    assert first.outlet == "Valley Times" and first.text == OTHER_BODY
    assert first.published == datetime(2024, 5, 5, 11, tzinfo=timezone(timedelta(hours=1)))
    assert second.text == THIRD_BODY
    assert second.published == datetime(2024, 5, 6, 9, tzinfo=UTC)  # falls back to <updated>


# --- WARC -------------------------------------------------------------------------------------

def write_warc(path: Path, url: str, html: str) -> None:
    with path.open("wb") as output:
        writer = WARCWriter(output, gzip=path.name.endswith(".gz"))
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(html.encode("utf-8")), http_headers=headers
        ))


def test_warc_html_response(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    page = html_page().replace('<meta property="og:site_name" content="Coast Herald">', "")
    page = page.replace('<link rel="canonical" href="https://www.coastherald.example/news/'
                        'spillway-fails">', "")
    write_warc(path, "https://www.rivernews.example/2024/dam.html", page)
    result = ingest_paths([path])
    assert result.problems == ()
    (article,) = result.articles
    assert BODY in article.text
    assert article.source == f"{path}#record-1"
    assert article.url == "https://www.rivernews.example/2024/dam.html"
    assert article.outlet in ("rivernews.example", "www.rivernews.example")
    assert article.id.startswith("2024-dam-html-")


# --- bad input --------------------------------------------------------------------------------

def test_binary_empty_and_unsupported_files(tmp_path: Path) -> None:
    png = tmp_path / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(4000))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("   \n\t\n", encoding="utf-8")
    csv = tmp_path / "table.csv"
    csv.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    short = tmp_path / "short.txt"
    short.write_text("Too short to be an article.", encoding="utf-8")
    result = ingest_paths([png, empty, blank, csv, short])
    assert result.articles == ()
    reasons = by_source(result)
    assert "binary file" in reasons[str(png)][0]
    assert reasons[str(empty)] == ["empty file"]
    assert "whitespace" in reasons[str(blank)][0]
    assert "unsupported file type '.csv'" in reasons[str(csv)][0]
    assert "text too short" in reasons[str(short)][0]
    assert all(p.skipped for p in result.problems)


def test_cp1252_file_is_decoded_with_a_note(tmp_path: Path) -> None:
    text = ("The café on the square reopened, and the owner said: \u201cWe are delighted that "
            "the town\u2019s residents came back after the flood.\u201d")
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode("cp1252"))
    result = ingest_paths([path])
    (article,) = result.articles
    assert article.text == text
    (note,) = result.problems
    assert note.reason == "decoded as cp1252" and not note.skipped


def test_undecodable_bytes_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 20)
    result = ingest_paths([path])
    assert result.articles == ()
    assert result.problems[0].skipped


def test_file_over_size_limit_is_skipped_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text(BODY * 50, encoding="utf-8")
    settings = Settings(max_file_bytes=1000)
    result = ingest_paths([path], settings)
    assert result.articles == ()
    (problem,) = result.problems
    assert "file too large" in problem.reason and "1000" in problem.reason


def test_french_text_is_not_english(tmp_path: Path) -> None:
    path = tmp_path / "fr.txt"
    path.write_text(FRENCH, encoding="utf-8")
    (problem,) = ingest_paths([path]).problems
    assert problem.reason.startswith("not English (detected ratio 0.0")


def test_duplicate_keeps_first(tmp_path: Path) -> None:
    first = tmp_path / "a.txt"
    first.write_text(BODY, encoding="utf-8")
    second = tmp_path / "b.md"
    second.write_text("\n" + BODY.replace(". ", ".\n  ") + "\n", encoding="utf-8")  # whitespace
    result = ingest_paths([first, second])
    assert [a.id for a in result.articles] == ["a"]
    (problem,) = result.problems
    assert (problem.source, problem.reason) == (str(second), "duplicate of a")
    assert problem.skipped


def test_corrupt_warc_and_feed_are_problems(tmp_path: Path) -> None:
    warc = tmp_path / "broken.warc"
    warc.write_bytes(b"HTTP/1.1 200 OK\r\n\r\nnot a warc")
    feed = tmp_path / "broken.rss"
    feed.write_text("<rss><channel><title>X</title></channel>", encoding="utf-8")
    result = ingest_paths([warc, feed])
    assert result.articles == ()
    reasons = by_source(result)
    assert reasons[str(warc)][0].startswith("unreadable WARC")
    assert reasons[str(feed)][0].startswith(("malformed feed", "feed has no entries"))


def test_missing_path_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    result = ingest_paths([tmp_path / "nope.txt"])
    assert result.problems[0].reason == "no such file or directory"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files regardless of permissions")
def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(BODY, encoding="utf-8")
    path.chmod(0)
    try:
        result = ingest_paths([path])
    finally:
        path.chmod(0o600)
    assert "cannot read" in result.problems[0].reason


# --- ids and directory walk -------------------------------------------------------------------

def test_id_clash_gets_suffix(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "story.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "two" / "story.md").write_text(OTHER_BODY, encoding="utf-8")
    (tmp_path / "two" / "z.txt").write_text(f"---\nid: story\n---\n{THIRD_BODY}", encoding="utf-8")
    ids = [a.id for a in ingest_paths([tmp_path]).articles]
    assert ids == ["story", "story-2", "story-3"]


def build_mixed_corpus(root: Path) -> None:
    (root / "html").mkdir()
    (root / "html" / "page.html").write_text(html_page(), encoding="utf-8")
    (root / "feeds").mkdir()
    (root / "feeds" / "delta.xml").write_text(RSS.format(a=THIRD_BODY, b=OTHER_BODY + " More."),
                                              encoding="utf-8")
    (root / "notes.txt").write_text(f"---\noutlet: Coast Herald\n---\n{BODY}", encoding="utf-8")
    (root / "copy.txt").write_text(BODY, encoding="utf-8")  # duplicate of notes.txt's body
    (root / "lines.jsonl").write_text(
        json.dumps({"text": BODY + " Extra sentence for the line."}) + "\n{bad\n", encoding="utf-8"
    )
    (root / "fr.txt").write_text(FRENCH, encoding="utf-8")
    (root / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00" + os.urandom(100))
    (root / "empty.md").write_bytes(b"")
    (root / ".hidden.txt").write_text(OTHER_BODY + " hidden", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD.txt").write_text(OTHER_BODY + " in git", encoding="utf-8")
    write_warc(root / "arch.warc", "https://rivernews.example/x", html_page(BODY + " WARC copy."))


def test_directory_walk_mixes_everything_and_ids_are_stable(tmp_path: Path) -> None:
    build_mixed_corpus(tmp_path)
    result = ingest_paths([tmp_path])
    sources = [a.source for a in result.articles]
    assert sources == [
        str(tmp_path / "arch.warc") + "#record-1",
        str(tmp_path / "copy.txt"),
        str(tmp_path / "feeds" / "delta.xml") + "#entry-1",
        str(tmp_path / "feeds" / "delta.xml") + "#entry-2",
        str(tmp_path / "html" / "page.html"),
        str(tmp_path / "lines.jsonl") + ":1",
    ]
    assert not any("hidden" in a.text or "in git" in a.text for a in result.articles)
    skipped = {Path(p.source.split(":")[0]).name: p.reason for p in result.problems if p.skipped}
    assert skipped["notes.txt"].startswith("duplicate of copy")
    assert skipped["fr.txt"].startswith("not English")
    assert skipped["img.png"].startswith("binary file")
    assert skipped["empty.md"] == "empty file"
    assert "malformed JSON" in skipped["lines.jsonl"]
    ids = [a.id for a in result.articles]
    assert len(ids) == len(set(ids))
    assert ids == [a.id for a in ingest_paths([tmp_path]).articles]  # stable across runs

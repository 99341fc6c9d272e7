"""Reading the ECB+ documents (topics 1-35) from ../shared/data/ecbplus as corroborator Articles.

The data stays where it is: nothing here is copied into the repository. Gold story of a document
= its ``subtopic`` ("1" = the ECB event of topic 1, "1plus" = the second, similar event).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..model import Article

# Relative to the repository root (the working directory of the CLI and benchmarks).
DEFAULT_ECBPLUS_DIR = Path("../shared/data/ecbplus")
# The standard dev split (Cybulska & Vossen 2015); topics 36-45 (test) are not distributed here.
DEFAULT_TEST_TOPICS: tuple[int, ...] = (2, 5, 12, 18, 21, 23, 34, 35)


@dataclass(frozen=True)
class EcbDoc:
    doc_id: str
    topic: int
    subtopic: str  # the gold story
    title: str
    text: str
    url: str | None = None


def ecbplus_available(data_dir: Path = DEFAULT_ECBPLUS_DIR) -> bool:
    return (Path(data_dir) / "docs.jsonl").is_file()


def load_ecbplus(data_dir: Path = DEFAULT_ECBPLUS_DIR) -> list[EcbDoc]:
    """All documents, in file order (which is sorted by topic)."""
    path = Path(data_dir) / "docs.jsonl"
    docs = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                docs.append(EcbDoc(row["doc_id"], int(row["topic"]), str(row["subtopic"]),
                                   row.get("title") or "", row["text"], row.get("url")))
    return docs


def select_topics(docs: Iterable[EcbDoc], topics: Iterable[int]) -> list[EcbDoc]:
    wanted = set(topics)
    return [d for d in docs if d.topic in wanted]


def to_article(doc: EcbDoc) -> Article:
    """ECB+ has no titles: its title is the text's first line, so the body is the rest.

    No publication date exists, so arrival order falls back to the article id (see stories.py).
    """
    first, _, rest = doc.text.partition("\n")
    body = rest if rest.strip() else doc.text
    return Article(id=doc.doc_id, outlet="ecbplus", text=body, url=doc.url,
                   title=first.strip() or None, source=f"ecbplus:{doc.doc_id}")


def gold_stories(docs: Sequence[EcbDoc]) -> dict[str, str]:
    """doc id -> gold story label."""
    return {d.doc_id: d.subtopic for d in docs}

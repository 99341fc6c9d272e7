"""The story catalogue: stories that persist across runs, extended by resumed runs.

``SqliteStore`` inherits these methods. Tables (migrations 3 and 4): ``story_vectors`` (one row
per open story: stable key and id, centroid), ``story_members`` (its articles in placement
order with their embeddings), ``story_events`` (every join / new / merge / split decision) and
``story_vector_state`` (generation, embedder, next key). ``save_story_changes`` writes one
article's placement in one transaction, so a killed run leaves the catalogue as it was after
the last placed article: a re-run places only what is missing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from corroborator.errors import StoreError
from corroborator.model import Article, StoryEvent
from corroborator.store import rows
from corroborator.store.base import StoredStory, StoryMember

# Upsert by key, the story's stable number. An id already held under another key is an
# IntegrityError, never a silent replacement of that story (which INSERT OR REPLACE would do).
UPSERT_STORY_VECTOR = (
    "INSERT INTO story_vectors (story_id, key, dim, vector) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(key) DO UPDATE SET story_id = excluded.story_id, dim = excluded.dim, "
    "vector = excluded.vector"
)
_INSERT_MEMBER = ("INSERT INTO story_members (key, idx, article_id, article_hash, dim, vector) "
                  "VALUES (?, ?, ?, ?, ?, ?)")


class StoryCatalogue:
    """Catalogue methods; the host class provides ``_query`` and ``_transaction``."""

    _query: Callable[..., sqlite3.Cursor]
    _transaction: Callable[[str], AbstractContextManager[sqlite3.Connection]]

    def stored_stories(self) -> Iterator[StoredStory]:
        """Every catalogue story by ascending key, with its members in placement order.
        Stories whose vector was stored without members (written by the bare vector API)
        are skipped: there is nothing to restore them from."""
        members: dict[int, list[StoryMember]] = {}
        for key, article_id, content_hash, dim, blob in self._query(
                "SELECT key, article_id, article_hash, dim, vector FROM story_members "
                "ORDER BY key, idx"):
            members.setdefault(key, []).append(
                StoryMember(article_id, content_hash, rows.vector_from_blob(blob, dim)))
        for story_id, key, dim, blob in self._query(
                "SELECT story_id, key, dim, vector FROM story_vectors ORDER BY key"):
            if key in members:
                yield StoredStory(key, story_id, rows.vector_from_blob(blob, dim),
                                  tuple(members[key]))

    def placed_article_ids(self) -> set[str]:
        """Ids of the articles some catalogue story holds."""
        return {row[0] for row in self._query("SELECT article_id FROM story_members")}

    def unplaced_articles(self) -> list[Article]:
        """Stored articles whose id no catalogue story holds (e.g. stored by runs that did not
        resume), the latest text per id, oldest first."""
        columns = ", ".join(f'a."{c}"' for c in rows.COLUMNS["articles"])
        found = self._query(
            f"SELECT {columns} FROM articles a WHERE a.id NOT IN "
            "(SELECT article_id FROM story_members) ORDER BY a.ingested_at, a.rowid")
        latest = {article.id: article for article in map(rows.article_from_row, found)}
        return list(latest.values())

    def save_story_changes(
        self,
        stories: Iterable[StoredStory],
        removed_keys: Iterable[int] = (),
        events: Iterable[StoryEvent] = (),
        *,
        embedder: str = "",
        next_key: int = 0,
    ) -> None:
        """One placement, in one transaction: drop the ``removed_keys`` stories (merged away;
        their members go with them), upsert each changed story's vector and replace its member
        list, append the ``events`` and raise the next free key to at least ``next_key``.
        Bumps the vector generation, so an index file saved before is known to be stale."""
        stories = list(stories)
        vector_rows = [rows.story_vector_row(s.story_id, s.key, s.vector) for s in stories]
        member_rows = [_member_row(s.key, i, m) for s in stories for i, m in enumerate(s.members)]
        now = datetime.now(UTC).isoformat(timespec="seconds")
        event_rows = [rows.story_event_row(e, now) for e in events]
        with self._transaction("save_story_changes") as db:
            db.executemany("DELETE FROM story_vectors WHERE key = ?",
                           [(int(k),) for k in removed_keys])
            if vector_rows:
                dim = check_vector_kind(db, vector_rows, embedder)
                # Members first out: a member moving between stories (a split) must not meet
                # its old row under the UNIQUE article_id.
                db.executemany("DELETE FROM story_members WHERE key = ?",
                               [(s.key,) for s in stories])
                db.executemany(UPSERT_STORY_VECTOR, vector_rows)
                db.executemany(_INSERT_MEMBER, member_rows)
                db.execute("UPDATE story_vector_state SET dim = ?, embedder = ? WHERE id = 1",
                           (dim, embedder))
            db.execute("UPDATE story_vector_state SET generation = generation + 1, "
                       "next_key = max(next_key, ?), updated_at = ? WHERE id = 1",
                       (int(next_key), now))
            db.executemany(rows.insert_sql("story_events"), event_rows)


def _member_row(key: int, idx: int, member: StoryMember) -> rows.Row:
    _, _, dim, blob = rows.story_vector_row("", key, member.vector)
    return (int(key), idx, member.article_id, member.content_hash, dim, blob)


def check_vector_kind(db: sqlite3.Connection, vector_rows: list[Any], embedder: str) -> int:
    """The batch's dimension, once it is known to match the stored vectors' (else StoreError)."""
    dims = {row[2] for row in vector_rows}
    if len(dims) != 1:
        raise StoreError(f"story vectors of mixed dimensions {sorted(dims)} in one batch")
    dim = dims.pop()
    stored_dim, stored_embedder = db.execute(
        "SELECT dim, embedder FROM story_vector_state WHERE id = 1").fetchone()
    has_vectors = db.execute("SELECT 1 FROM story_vectors LIMIT 1").fetchone() is not None
    if has_vectors and (dim, embedder) != (stored_dim, stored_embedder):
        raise StoreError(
            f"story vectors of dimension {dim} from {embedder!r} do not match the stored ones "
            f"(dimension {stored_dim} from {stored_embedder!r})",
            fix="use the embedder the store was built with, or delete its story vectors first",
        )
    return dim

"""The story catalogue: stories that persist across runs, extended by resumed runs.

``SqliteStore`` inherits these methods. Tables (migrations 3 and 4): ``story_vectors`` (one row
per open story: stable key and id, centroid), ``story_members`` (its articles in placement
order with their embeddings), ``story_events`` (every join / new / merge / split decision) and
``story_vector_state`` (generation, embedder, next key). ``save_story_changes`` writes one
article's placement in one transaction, so a killed run leaves the catalogue as it was after
the last placed article: a re-run places only what is missing.

Migration 6 adds what a *lazy* resumed run reads instead of restoring every story:
``story_term_df`` (document frequencies over the placed articles, counted in
``story_vector_state.df_articles`` under ``df_signature``) and ``story_vectors.newest`` (a
story's latest publication time). ``save_story_changes`` updates both with the placement.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import numpy as np

from corroborator.errors import StoreError
from corroborator.model import Article, StoryEvent
from corroborator.store import rows
from corroborator.store.base import RecordedStoryEvent, StoredStory, StoryMember

# Upsert by key, the story's stable number. An id already held under another key is an
# IntegrityError, never a silent replacement of that story (which INSERT OR REPLACE would do).
UPSERT_STORY_VECTOR = (
    "INSERT INTO story_vectors (story_id, key, dim, vector) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(key) DO UPDATE SET story_id = excluded.story_id, dim = excluded.dim, "
    "vector = excluded.vector"
)
_ADD_DF = ("INSERT INTO story_term_df (term, df) VALUES (?, ?) "
           "ON CONFLICT(term) DO UPDATE SET df = df + excluded.df")
# Keys per ``IN (...)`` query: well under SQLite's default limit on bound parameters.
_IN_BATCH = 500
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

    def stored_story(self, key: int) -> StoredStory | None:
        """One catalogue story by key (None when absent or stored without members)."""
        row = self._query("SELECT story_id, dim, vector FROM story_vectors WHERE key = ?",
                          (int(key),)).fetchone()
        if row is None:
            return None
        members = tuple(
            StoryMember(article_id, content_hash, rows.vector_from_blob(blob, dim))
            for article_id, content_hash, dim, blob in self._query(
                "SELECT article_id, article_hash, dim, vector FROM story_members "
                "WHERE key = ? ORDER BY idx", (int(key),)))
        return StoredStory(int(key), row[0], rows.vector_from_blob(row[2], row[1]), members) \
            if members else None

    def story_member_vectors(self) -> Iterator[tuple[int, list[np.ndarray]]]:
        """Each catalogue story's key with its members' vectors in placement order, by key:
        what an exact candidate index is filled from without restoring the stories."""
        key, vectors = None, []
        for row_key, dim, blob in self._query(
                "SELECT key, dim, vector FROM story_members ORDER BY key, idx"):
            if row_key != key and vectors:
                yield key, vectors
                vectors = []
            key = row_key
            vectors.append(rows.vector_from_blob(blob, dim))
        if vectors:
            yield key, vectors

    def story_keys_holding(self, article_ids: Iterable[str]) -> dict[str, int]:
        """Article id -> key of the catalogue story holding it, for the ids some story holds."""
        found: dict[str, int] = {}
        for batch in _batches(list(dict.fromkeys(article_ids))):
            marks = ", ".join("?" * len(batch))
            found |= dict(self._query(
                f"SELECT article_id, key FROM story_members WHERE article_id IN ({marks})",
                tuple(batch)).fetchall())
        return found

    def story_newest(self, keys: Iterable[int]) -> dict[int, datetime | None]:
        """Key -> the story's latest publication time (None when unknown or undated)."""
        found: dict[int, datetime | None] = {}
        for batch in _batches([int(k) for k in dict.fromkeys(keys)]):
            marks = ", ".join("?" * len(batch))
            for key, newest in self._query(
                    f"SELECT key, newest FROM story_vectors WHERE key IN ({marks})", tuple(batch)):
                found[key] = datetime.fromisoformat(newest) if newest else None
        return found

    def story_stats_current(self, signature: str) -> bool:
        """Whether the stored document frequencies count exactly the placed articles, with the
        feature extraction named ``signature`` (else a resumed run rebuilds them)."""
        counted, stored_signature = self._query(
            "SELECT df_articles, df_signature FROM story_vector_state WHERE id = 1").fetchone()
        placed = self._query("SELECT count(*) FROM story_members").fetchone()[0]
        return counted == placed and stored_signature == signature

    def story_df_articles(self) -> int:
        """How many articles the stored document frequencies count (0 before the first build)."""
        return self._query(
            "SELECT coalesce(df_articles, 0) FROM story_vector_state WHERE id = 1").fetchone()[0]

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """Stored document frequency of each of these terms that some placed article holds."""
        found: dict[str, int] = {}
        for batch in _batches(list(terms)):
            marks = ", ".join("?" * len(batch))
            found |= dict(self._query(
                f"SELECT term, df FROM story_term_df WHERE term IN ({marks})",
                tuple(batch)).fetchall())
        return found

    def replace_story_stats(self, frequencies: Mapping[str, int], articles: int,
                            signature: str, newest: Mapping[int, datetime | None]) -> None:
        """Make these the stored document frequencies (over ``articles`` placed articles,
        counted as ``signature``) and stories' latest publication times, in one transaction."""
        with self._transaction("replace_story_stats") as db:
            db.execute("DELETE FROM story_term_df")
            db.executemany("INSERT INTO story_term_df (term, df) VALUES (?, ?)",
                           [(t, int(n)) for t, n in frequencies.items() if n > 0])
            db.execute("UPDATE story_vector_state SET df_articles = ?, df_signature = ? "
                       "WHERE id = 1", (int(articles), signature))
            db.executemany("UPDATE story_vectors SET newest = ? WHERE key = ?",
                           [(_iso(n), int(k)) for k, n in newest.items()])

    def story_merges(self) -> list[RecordedStoryEvent]:
        """Every recorded merge, oldest first (few: what hands a story's past to another)."""
        return self._events_where("kind = 'merge'", ())

    def story_events_about(self, article_ids: Iterable[str],
                           story_ids: Iterable[str]) -> list[RecordedStoryEvent]:
        """The placements (new, join) of these articles and the other decisions (merge, split,
        move) recorded under these story ids, oldest first: a story's history without reading
        the whole log (100k rows at 100k stored articles)."""
        found: dict[int, RecordedStoryEvent] = {}
        for ids, where in ((article_ids, "kind IN ('new', 'join') AND article_id"),
                           (story_ids, "kind NOT IN ('new', 'join') AND story_id")):
            for batch in _batches(list(dict.fromkeys(ids))):
                marks = ", ".join("?" * len(batch))
                found |= {r.id: r for r in self._events_where(f"{where} IN ({marks})",
                                                              tuple(batch))}
        return [found[i] for i in sorted(found)]

    def _events_where(self, where: str, params: tuple[Any, ...]) -> list[RecordedStoryEvent]:
        columns = ", ".join(("id",) + rows.COLUMNS["story_events"])
        return [rows.story_event_from_row(row) for row in self._query(
            f"SELECT {columns} FROM story_events WHERE {where} ORDER BY id", params)]

    def placed_article_ids(self) -> set[str]:
        """Ids of the articles some catalogue story holds."""
        return {row[0] for row in self._query("SELECT article_id FROM story_members")}

    def unplaced_articles(self) -> list[Article]:
        """Stored articles whose id no catalogue story holds (e.g. stored by runs that did not
        resume), the latest text per id, oldest first."""
        # Ids first (a scan of the id index, not of the texts): at 100k stored articles nearly
        # all are placed, and reading every text to find none would cost seconds per run.
        waiting = [rowid for (rowid,) in self._query(
            "SELECT a.rowid FROM articles a INDEXED BY idx_articles_id WHERE a.id NOT IN "
            "(SELECT article_id FROM story_members)")]
        columns = ", ".join(f'a."{c}"' for c in rows.COLUMNS["articles"])
        found = []
        for batch in _batches(waiting):
            marks = ", ".join("?" * len(batch))
            found += self._query(f"SELECT {columns}, a.rowid FROM articles a "
                                 f"WHERE a.rowid IN ({marks})", tuple(batch)).fetchall()
        found.sort(key=lambda row: (row[-2], row[-1]))  # ingested_at, then rowid
        latest = {article.id: article
                  for article in (rows.article_from_row(row[:-1]) for row in found)}
        return list(latest.values())

    def save_story_changes(
        self,
        stories: Iterable[StoredStory],
        removed_keys: Iterable[int] = (),
        events: Iterable[StoryEvent] = (),
        *,
        embedder: str = "",
        next_key: int = 0,
        newest: Mapping[int, datetime | None] | None = None,
        df_added: Mapping[str, int] | None = None,
        df_articles: int = 0,
    ) -> None:
        """One placement, in one transaction: drop the ``removed_keys`` stories (merged away;
        their members go with them), upsert each changed story's vector and replace its member
        list, append the ``events`` and raise the next free key to at least ``next_key``.
        Bumps the vector generation, so an index file saved before is known to be stale.
        ``newest``: changed stories' latest publication times; ``df_added`` / ``df_articles``:
        the placed articles' terms and how many articles, added to the document frequencies
        (left NULL, i.e. to be rebuilt, when they were never built)."""
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
            db.executemany("UPDATE story_vectors SET newest = ? WHERE key = ?",
                           [(_iso(n), int(k)) for k, n in (newest or {}).items()])
            if df_articles:
                db.executemany(_ADD_DF, [(t, int(n)) for t, n in (df_added or {}).items()])
                db.execute("UPDATE story_vector_state SET df_articles = df_articles + ? "
                           "WHERE id = 1", (int(df_articles),))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _batches(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), _IN_BATCH):
        yield items[start:start + _IN_BATCH]


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

"""The SQLite store: one file, WAL, one transaction per article, idempotent by content hash.

Concurrency: a ``SqliteStore`` is one connection and must stay in the thread that opened it
(sqlite3's ``check_same_thread`` enforces this); run one writing store per file. Readers such as
Datasette may browse the file while a run writes, because WAL lets readers and one writer coexist.

Durability: every write is ``BEGIN IMMEDIATE`` ... ``COMMIT``; a crash or kill before the commit
leaves the file as it was before that article (SQLite discards the uncommitted WAL frames).
``synchronous=NORMAL`` may lose the last commits on power loss but never corrupts the file.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from corroborator.errors import StoreError
from corroborator.model import Analysis, Article, Report, StoryEvent
from corroborator.serialize import analysis_from_json, analysis_to_json
from corroborator.store import rows
from corroborator.store.base import RecordedStoryEvent, StoryVectorState
from corroborator.store.catalogue import (
    UPSERT_STORY_VECTOR,
    StoryCatalogue,
    check_vector_kind,
)
from corroborator.store.schema import applied_versions, apply_migrations, latest_version

log = logging.getLogger(__name__)

# Wait this long (seconds) for another writer's lock before failing: a run writes one article at a
# time, so even a slow writer releases the lock within milliseconds.
BUSY_TIMEOUT_S = 30
# Story vectors are read back in pages of this many rows: a 100k-story rebuild then holds one
# page (~15 MB of 384-d float32) of rows at a time besides the index being built.
VECTOR_PAGE_ROWS = 10_000

def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SqliteStore(StoryCatalogue):
    """A corroborator store in one SQLite file (created with its schema when missing).

    ``before_commit`` is a fault-injection hook for tests: it is called with the operation name
    ("save_analysis", "save_report") inside the transaction, after all writes, before COMMIT.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        before_commit: Callable[[str], None] | None = None,
    ) -> None:
        self.path = str(path)
        self._before_commit = before_commit
        self._conn: sqlite3.Connection | None = _connect(self.path)
        try:
            _check_is_store(self._conn, self.path)
            apply_migrations(self._conn, _now())
        except sqlite3.Error as exc:
            self.close()
            raise StoreError(f"cannot set up the store schema in {self.path}: {exc}") from exc
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"SqliteStore({self.path!r})"

    # --- reading ---

    def has_article(self, content_hash: str) -> bool:
        found = self._query(
            "SELECT 1 FROM articles WHERE content_hash = ?", (content_hash,)
        ).fetchone()
        return found is not None

    def cached_analysis(self, content_hash: str, analyzer_version: str) -> Analysis | None:
        row = self._query(
            "SELECT json FROM analysis_cache WHERE content_hash = ? AND analyzer_version = ?",
            (content_hash, analyzer_version),
        ).fetchone()
        if row is None:
            return None
        try:
            return analysis_from_json(row[0])
        except (TypeError, ValueError, KeyError) as exc:
            # An entry the current model cannot read is a cache miss: re-analysis overwrites it.
            log.warning("ignoring unreadable cached analysis %s: %s", content_hash, exc)
            return None

    def articles(self) -> list[Article]:
        columns = ", ".join(f'"{c}"' for c in rows.COLUMNS["articles"])
        query = f"SELECT {columns} FROM articles ORDER BY ingested_at, rowid"
        return [rows.article_from_row(row) for row in self._query(query).fetchall()]

    def article_count(self) -> int:
        return self._query("SELECT count(*) FROM articles").fetchone()[0]

    # --- writing ---

    def save_analysis(self, analysis: Analysis, analyzer_version: str) -> bool:
        """Store one article with its analysis and derived rows, all in one transaction.

        Returns False, changing nothing, when the content is already stored with this analyzer
        version. Any other stored version is replaced (versions are labels, not ordered).
        The article row itself is kept as first stored: same content, same text.
        """
        key = rows.article_key(analysis.article)
        now = _now()
        with self._transaction("save_analysis") as db:
            stored = db.execute(
                "SELECT analyzer_version FROM analysis_cache WHERE content_hash = ?", (key,)
            ).fetchone()
            if stored is not None and stored[0] == analyzer_version:
                return False
            db.execute(rows.insert_sql("articles", "INSERT OR IGNORE"),
                       rows.article_row(analysis.article, key, now))
            for table in rows.DERIVED_TABLES:
                db.execute(f"DELETE FROM {table} WHERE article_hash = ?", (key,))
            db.execute(rows.insert_sql("analysis_cache", "INSERT OR REPLACE"),
                       (key, analyzer_version, analysis_to_json(analysis), now))
            for table, table_rows in rows.derived_rows(analysis, key).items():
                db.executemany(rows.insert_sql(table), table_rows)
        return True

    def save_report(self, report: Report, run_info: dict[str, Any]) -> int:
        """Record a run with its problems and make ``report`` the current stories; one
        transaction. The story catalogue (vectors, members, decisions) is left alone: only
        resumed runs extend it (``update_report``, ``save_story_changes``).

        Articles of the report not yet stored get their article row (no analysis cache), so
        every story and mention links to its article. Returns the new run id.
        """
        return self._record_report(report, run_info, replace_all=True)

    def update_report(self, report: Report, run_info: dict[str, Any]) -> int:
        """Record a resumed run: replace the rows of the report's stories and drop those of
        stories the catalogue no longer holds (merged away, or from runs that did not resume),
        keeping every other catalogue story's rows. One transaction; returns the new run id."""
        return self._record_report(report, run_info, replace_all=False)

    def _record_report(self, report: Report, run_info: dict[str, Any], *,
                       replace_all: bool) -> int:
        """The run row, its problems and the report rows: in place of every stored story, or
        (``replace_all`` False) of the report's stories and of those outside the catalogue."""
        now = _now()
        with self._transaction("save_report") as db:
            db.executemany(
                rows.insert_sql("articles", "INSERT OR IGNORE"),
                [rows.article_row(a.article, rows.article_key(a.article), now)
                 for a in report.analyses],
            )
            run_id = db.execute(rows.insert_sql("runs"), rows.run_row(report, run_info, now)
                                ).lastrowid
            assert run_id is not None  # an INSERT into a rowid table always sets it
            db.executemany(rows.insert_sql("problems"), rows.problem_rows(report, run_id))
            if replace_all:
                for table in rows.REPORT_TABLES:
                    db.execute(f"DELETE FROM {table}")
            else:  # children go by ON DELETE CASCADE
                db.execute("DELETE FROM stories WHERE id NOT IN "
                           "(SELECT story_id FROM story_vectors)")
                db.executemany("DELETE FROM stories WHERE id = ?",
                               [(s.story.id,) for s in report.stories])
            for table, table_rows in rows.report_rows(report).items():
                db.executemany(rows.insert_sql(table), table_rows)
        return run_id

    # --- story vectors and clustering events (the persistent story index, issue 4) ---

    def save_story_updates(
        self,
        vectors: Iterable[tuple[str, int, np.ndarray]] = (),
        events: Iterable[StoryEvent] = (),
        *,
        embedder: str = "",
        at: datetime | None = None,
    ) -> None:
        """Upsert ``(story_id, key, vector)`` triples (by key) and record events, all in one
        transaction: one article's placement is stored whole or not at all.

        Writing any vector bumps the vector generation (so a saved index file becomes stale).
        Vectors must share the dimension and ``embedder`` of those already stored: mixing
        models would make cosines meaningless, so that raises ``StoreError``. Events are
        stamped ``at`` (default: now, UTC).
        """
        vector_rows = [rows.story_vector_row(*v) for v in vectors]
        now = _now()
        stamp = at.isoformat() if at is not None else now
        event_rows = [rows.story_event_row(e, stamp) for e in events]
        with self._transaction("save_story_updates") as db:
            if vector_rows:
                dim = check_vector_kind(db, vector_rows, embedder)
                db.executemany(UPSERT_STORY_VECTOR, vector_rows)
                db.execute("UPDATE story_vector_state SET generation = generation + 1, dim = ?, "
                           "embedder = ?, updated_at = ? WHERE id = 1", (dim, embedder, now))
            db.executemany(rows.insert_sql("story_events"), event_rows)

    def save_story_vectors(
        self, vectors: Iterable[tuple[str, int, np.ndarray]], *, embedder: str = ""
    ) -> None:
        """Upsert story vectors (one transaction for the whole batch)."""
        self.save_story_updates(vectors, (), embedder=embedder)

    def record_story_events(self, events: Iterable[StoryEvent], *,
                            at: datetime | None = None) -> None:
        """Append clustering decisions (one transaction for the batch)."""
        self.save_story_updates((), events, at=at)

    def replace_story_vectors(
        self, vectors: Iterable[tuple[str, int, np.ndarray]], *, embedder: str = ""
    ) -> None:
        """Make these the only stored story vectors, in one transaction (for a run that
        re-clusters everything: the previous run's stories are dropped, never half-replaced)."""
        vector_rows = [rows.story_vector_row(*v) for v in vectors]
        with self._transaction("replace_story_vectors") as db:
            db.execute("DELETE FROM story_vectors")
            dim = check_vector_kind(db, vector_rows, embedder) if vector_rows else None
            db.executemany(UPSERT_STORY_VECTOR, vector_rows)
            db.execute("UPDATE story_vector_state SET generation = generation + 1, dim = ?, "
                       "embedder = ?, updated_at = ? WHERE id = 1", (dim, embedder, _now()))

    def delete_story_vectors(self, keys: Iterable[int]) -> int:
        """Remove the vectors of these stories (e.g. merged away); returns how many existed."""
        params = [(int(key),) for key in keys]
        with self._transaction("delete_story_vectors") as db:
            before = db.total_changes
            db.executemany("DELETE FROM story_vectors WHERE key = ?", params)
            deleted = db.total_changes - before
            if deleted:
                db.execute("UPDATE story_vector_state SET generation = generation + 1, "
                           "updated_at = ? WHERE id = 1", (_now(),))
        return deleted

    def story_vector_state(self) -> StoryVectorState:
        generation, dim, embedder = self._query(
            "SELECT generation, dim, embedder FROM story_vector_state WHERE id = 1").fetchone()
        count = self._query("SELECT count(*) FROM story_vectors").fetchone()[0]
        return StoryVectorState(generation=generation, count=count, dim=dim, embedder=embedder)

    def story_vectors(self) -> Iterator[tuple[str, int, np.ndarray]]:
        """Every stored ``(story_id, key, vector)`` by ascending key, read page by page."""
        last_key = -1
        while True:
            page = self._query(
                "SELECT story_id, key, dim, vector FROM story_vectors WHERE key > ? "
                "ORDER BY key LIMIT ?", (last_key, VECTOR_PAGE_ROWS)).fetchall()
            for story_id, key, dim, blob in page:
                yield story_id, key, rows.vector_from_blob(blob, dim)
            if len(page) < VECTOR_PAGE_ROWS:
                return
            last_key = page[-1][1]

    def story_vector_keys(self) -> np.ndarray:
        """The keys of every stored story vector (int64, ascending)."""
        keys = self._query("SELECT key FROM story_vectors ORDER BY key").fetchall()
        return np.fromiter((k for (k,) in keys), dtype=np.int64, count=len(keys))

    def story_vector(self, key: int) -> tuple[str, np.ndarray] | None:
        """The stored ``(story_id, vector)`` of one story key, or None."""
        row = self._query("SELECT story_id, dim, vector FROM story_vectors WHERE key = ?",
                          (int(key),)).fetchone()
        return None if row is None else (row[0], rows.vector_from_blob(row[2], row[1]))

    def next_story_key(self) -> int:
        """A key no stored story uses, nor any story merged away since (keys are never
        handed out twice)."""
        return self._query(
            "SELECT max(coalesce((SELECT max(key) FROM story_vectors), -1) + 1, next_key) "
            "FROM story_vector_state WHERE id = 1").fetchone()[0]

    def story_events(
        self, *, story_id: str | None = None, article_id: str | None = None
    ) -> list[RecordedStoryEvent]:
        """Recorded decisions in the order they were made; filtered when ids are given. A
        story's history includes the merges and splits that name it as the other story."""
        where, params = [], []
        if story_id is not None:
            where.append("(story_id = ? OR other_story_id = ?)")
            params += [story_id, story_id]
        if article_id is not None:
            where.append("article_id = ?")
            params.append(article_id)
        columns = ", ".join(("id",) + rows.COLUMNS["story_events"])
        sql = f"SELECT {columns} FROM story_events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        found = self._query(sql + " ORDER BY id", tuple(params)).fetchall()
        return [rows.story_event_from_row(row) for row in found]

    # --- lifecycle ---

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"the store {self.path} is closed", fix="open a new SqliteStore")
        return self._conn

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        """A read; a damaged file surfaces here as a ``StoreError`` instead of a raw sqlite3 one."""
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the store {self.path}: {exc}") from exc

    @contextmanager
    def _transaction(self, name: str) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` (take the write lock up front: no upgrade deadlock) ... COMMIT;
        ROLLBACK on any exception, which then propagates (SQLite errors as ``StoreError``)."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            if self._before_commit is not None:
                self._before_commit(name)
        except BaseException as exc:
            if db.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{name} failed in {self.path}: {exc}") from exc
            raise
        db.execute("COMMIT")


def _connect(path: str) -> sqlite3.Connection:
    if path != ":memory:":
        if Path(path).is_dir():
            raise StoreError(f"the store path {path} is a directory, not a file")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the store {path}: {exc}") from exc
    try:
        # The first statement reads the header: a non-SQLite file fails here, untouched.
        conn.execute("PRAGMA journal_mode=WAL").fetchone()
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(
            f"{path} is not a usable SQLite database (SQLite says: {exc}); it was left untouched"
        ) from exc
    return conn


def _check_is_store(conn: sqlite3.Connection, path: str) -> None:
    """Refuse databases corroborator did not create, or created by a newer version."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    tables.discard("sqlite_sequence")
    if tables and "schema_migrations" not in tables:
        raise StoreError(
            f"{path} is a SQLite database but not a corroborator store "
            f"(it holds tables {', '.join(sorted(tables)[:5])}); it was left untouched"
        )
    newest = max(applied_versions(conn), default=0)
    if newest > latest_version():
        raise StoreError(
            f"{path} has schema version {newest}, newer than this corroborator "
            f"understands ({latest_version()})",
            fix="upgrade corroborator, or use a new store file",
        )

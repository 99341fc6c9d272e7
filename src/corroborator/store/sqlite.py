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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from corroborator.errors import StoreError
from corroborator.model import Analysis, Article, Report
from corroborator.serialize import analysis_from_json, analysis_to_json
from corroborator.store import rows
from corroborator.store.schema import applied_versions, apply_migrations, latest_version

log = logging.getLogger(__name__)

# Wait this long (seconds) for another writer's lock before failing: a run writes one article at a
# time, so even a slow writer releases the lock within milliseconds.
BUSY_TIMEOUT_S = 30


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SqliteStore:
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
        """Record a run with its problems and make ``report`` the current stories; one transaction.

        Articles of the report not yet stored get their article row (no analysis cache), so
        every story and mention links to its article. Returns the new run id.
        """
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
            for table in rows.REPORT_TABLES:
                db.execute(f"DELETE FROM {table}")
            for table, table_rows in rows.report_rows(report).items():
                db.executemany(rows.insert_sql(table), table_rows)
        return run_id

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

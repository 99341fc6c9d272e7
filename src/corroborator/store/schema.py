"""The SQLite schema as numbered migrations; ``schema_migrations`` records the applied ones.

Tables are shaped for browsing in Datasette: one row per fact, display text next to its offsets,
foreign keys so Datasette links rows, JSON columns as TEXT that ``json_valid`` accepts.

Rules: never edit a released migration; append a new one. Each migration runs in its own
transaction together with its ``schema_migrations`` row, so a crash leaves it applied or not.
``"end"`` is quoted everywhere because END is an SQL keyword.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


# Per-article tables: rows derived from one Analysis, all keyed by the article's content hash and
# deleted with it. ``idx`` keeps the analysis order.
_ARTICLE_TABLES = (
    """CREATE TABLE articles (
        content_hash TEXT PRIMARY KEY,
        id TEXT NOT NULL,          -- the input's own id; may repeat across runs for other content
        outlet TEXT NOT NULL,
        url TEXT,
        title TEXT,
        published TEXT,            -- ISO-8601, with offset when known
        text TEXT NOT NULL,
        source TEXT NOT NULL,      -- file path, "file.jsonl:12", URL
        ingested_at TEXT NOT NULL  -- ISO-8601 UTC
    )""",
    "CREATE INDEX idx_articles_id ON articles(id)",
    "CREATE INDEX idx_articles_outlet ON articles(outlet)",
    """CREATE TABLE analysis_cache (
        content_hash TEXT PRIMARY KEY REFERENCES articles(content_hash) ON DELETE CASCADE,
        analyzer_version TEXT NOT NULL,
        json TEXT NOT NULL CHECK (json_valid(json)),
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE entities (
        article_hash TEXT NOT NULL REFERENCES articles(content_hash) ON DELETE CASCADE,
        idx INTEGER NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        label TEXT NOT NULL,
        PRIMARY KEY (article_hash, idx)
    )""",
    """CREATE TABLE attributions (
        article_hash TEXT NOT NULL REFERENCES articles(content_hash) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        source TEXT NOT NULL, source_start INTEGER NOT NULL, source_end INTEGER NOT NULL,
        cue TEXT NOT NULL, cue_start INTEGER NOT NULL, cue_end INTEGER NOT NULL,
        content TEXT NOT NULL, content_start INTEGER NOT NULL, content_end INTEGER NOT NULL,
        source_kind TEXT NOT NULL,
        chain_json TEXT NOT NULL CHECK (json_valid(chain_json)),
        origin TEXT NOT NULL,      -- last link of the chain; the source itself when none
        PRIMARY KEY (article_hash, idx)
    )""",
    """CREATE TABLE hedges (
        article_hash TEXT NOT NULL REFERENCES articles(content_hash) ON DELETE CASCADE,
        idx INTEGER NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        scope TEXT NOT NULL, scope_start INTEGER NOT NULL, scope_end INTEGER NOT NULL,
        PRIMARY KEY (article_hash, idx)
    )""",
    """CREATE TABLE claims (
        article_hash TEXT NOT NULL REFERENCES articles(content_hash) ON DELETE CASCADE,
        claim_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        sentence TEXT NOT NULL,
        hedged INTEGER NOT NULL,   -- 0/1
        negated INTEGER NOT NULL,  -- 0/1
        checkworthiness REAL NOT NULL,
        attribution_source TEXT,   -- NULL when the article states it in its own voice
        PRIMARY KEY (article_hash, claim_id)
    )""",
    "CREATE INDEX idx_claims_claim_id ON claims(claim_id)",
    """CREATE TABLE quantities (
        article_hash TEXT NOT NULL REFERENCES articles(content_hash) ON DELETE CASCADE,
        idx INTEGER NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        value REAL NOT NULL, high REAL, unit TEXT NOT NULL, qualifier TEXT NOT NULL,
        PRIMARY KEY (article_hash, idx)
    )""",
    """CREATE TABLE dates (
        article_hash TEXT NOT NULL REFERENCES articles(content_hash) ON DELETE CASCADE,
        idx INTEGER NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        value TEXT NOT NULL,       -- ISO-8601 date
        relative INTEGER NOT NULL, -- 0/1: resolved against the publication date
        PRIMARY KEY (article_hash, idx)
    )""",
    """CREATE TABLE framing_terms (
        article_hash TEXT NOT NULL REFERENCES articles(content_hash) ON DELETE CASCADE,
        idx INTEGER NOT NULL, referent TEXT NOT NULL, term TEXT NOT NULL,
        text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        PRIMARY KEY (article_hash, idx)
    )""",
    "CREATE INDEX idx_framing_terms_referent ON framing_terms(referent)",
)

# Report tables: the latest run's stories and cross-outlet claims, replaced by each save_report.
_REPORT_TABLES = (
    """CREATE TABLE stories (
        id TEXT PRIMARY KEY, idx INTEGER NOT NULL, title TEXT NOT NULL,
        article_count INTEGER NOT NULL
    )""",
    """CREATE TABLE story_articles (
        story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        article_id TEXT NOT NULL,
        article_hash TEXT REFERENCES articles(content_hash) ON DELETE SET NULL,
        idx INTEGER NOT NULL,
        PRIMARY KEY (story_id, article_id)
    )""",
    "CREATE INDEX idx_story_articles_hash ON story_articles(article_hash)",
    """CREATE TABLE claim_groups (
        id TEXT PRIMARY KEY,
        story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        text TEXT NOT NULL, status TEXT NOT NULL, independent_origins INTEGER NOT NULL,
        origins_json TEXT NOT NULL CHECK (json_valid(origins_json)),
        explanation TEXT NOT NULL
    )""",
    "CREATE INDEX idx_claim_groups_story ON claim_groups(story_id)",
    """CREATE TABLE mentions (
        group_id TEXT NOT NULL REFERENCES claim_groups(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        article_hash TEXT REFERENCES articles(content_hash) ON DELETE SET NULL,
        claim_id TEXT NOT NULL,
        outlet TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        text TEXT NOT NULL, sentence TEXT NOT NULL,
        origin TEXT NOT NULL, origin_key TEXT NOT NULL,
        chain_json TEXT NOT NULL CHECK (json_valid(chain_json)),
        hedged INTEGER NOT NULL,
        quantities_json TEXT NOT NULL CHECK (json_valid(quantities_json)),
        dates_json TEXT NOT NULL CHECK (json_valid(dates_json)),
        PRIMARY KEY (group_id, idx)
    )""",
    "CREATE INDEX idx_mentions_article_hash ON mentions(article_hash)",
    "CREATE INDEX idx_mentions_origin_key ON mentions(origin_key)",
    """CREATE TABLE conflicts (
        group_id TEXT NOT NULL REFERENCES claim_groups(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        kind TEXT NOT NULL,
        a INTEGER NOT NULL, b INTEGER NOT NULL,  -- mention idx within the group
        detail TEXT NOT NULL, minor INTEGER NOT NULL,
        PRIMARY KEY (group_id, idx)
    )""",
    """CREATE TABLE framing (
        story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        referent TEXT NOT NULL, outlet TEXT NOT NULL,
        terms_json TEXT NOT NULL CHECK (json_valid(terms_json)),
        PRIMARY KEY (story_id, referent, outlet)
    )""",
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started TEXT NOT NULL, finished TEXT NOT NULL,
        inputs_json TEXT NOT NULL CHECK (json_valid(inputs_json)),
        article_count INTEGER NOT NULL, story_count INTEGER NOT NULL,
        claim_count INTEGER NOT NULL, problem_count INTEGER NOT NULL,
        version TEXT NOT NULL,
        info_json TEXT NOT NULL CHECK (json_valid(info_json))  -- the whole run_info
    )""",
    """CREATE TABLE problems (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL, source TEXT NOT NULL, reason TEXT NOT NULL, skipped INTEGER NOT NULL,
        PRIMARY KEY (run_id, idx)
    )""",
)

# Story index tables (issue 4): each open story's centroid vector, the source from which the
# persistent ANN file (story_index.py) is rebuilt, and the history of clustering decisions.
# Unlike the report tables these are not replaced per run: stories persist across runs.
_STORY_INDEX_TABLES = (
    """CREATE TABLE story_vectors (
        story_id TEXT PRIMARY KEY,
        key INTEGER NOT NULL UNIQUE CHECK (key >= 0),  -- the story's key in the ANN index
        dim INTEGER NOT NULL CHECK (dim > 0),
        vector BLOB NOT NULL CHECK (length(vector) = 4 * dim)  -- float32, little-endian
    )""",
    # One row (id = 1): bumped by every write to story_vectors, so an index file saved at an
    # older generation is known to be stale; dim and embedder are those of every stored vector.
    """CREATE TABLE story_vector_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL,
        dim INTEGER,               -- NULL until the first vector is stored
        embedder TEXT NOT NULL,    -- model id of the vectors ('' when not told)
        updated_at TEXT NOT NULL   -- ISO-8601 UTC
    )""",
    "INSERT INTO story_vector_state VALUES (1, 0, NULL, '', '1970-01-01T00:00:00+00:00')",
    """CREATE TABLE story_events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,          -- ISO-8601 UTC
        kind TEXT NOT NULL CHECK (kind IN ('new', 'join', 'merge', 'split')),
        story_id TEXT NOT NULL,    -- the story that was opened, joined, merged into, split from
        article_id TEXT,           -- the article placed (new/join); NULL for merge/split
        other_story_id TEXT,       -- merge: the story absorbed; split: the story split off
        confidence REAL,           -- the join score or similarity behind the decision
        reason TEXT NOT NULL DEFAULT ''  -- a sentence a reader can check
    )""",
    "CREATE INDEX idx_story_events_story ON story_events(story_id)",
    "CREATE INDEX idx_story_events_article ON story_events(article_id)",
    "CREATE INDEX idx_story_events_kind ON story_events(kind)",
)

# The story catalogue of resumed runs (``analyze --with-stored``, resume.py): each stored story's
# members in placement order with their title + lead embeddings, so that a later run restores
# the story from the analysis cache without re-embedding; ``next_key`` keeps merged-away story
# numbers from being handed out again. An article belongs to at most one story (UNIQUE).
_STORY_MEMBER_TABLES = (
    """CREATE TABLE story_members (
        key INTEGER NOT NULL REFERENCES story_vectors(key) ON DELETE CASCADE,
        idx INTEGER NOT NULL,      -- placement order within the story
        article_id TEXT NOT NULL UNIQUE,
        article_hash TEXT NOT NULL REFERENCES articles(content_hash),
        dim INTEGER NOT NULL CHECK (dim > 0),
        vector BLOB NOT NULL CHECK (length(vector) = 4 * dim),  -- float32, little-endian
        PRIMARY KEY (key, idx)
    )""",
    "CREATE INDEX idx_story_members_hash ON story_members(article_hash)",
    "ALTER TABLE story_vector_state ADD COLUMN next_key INTEGER NOT NULL DEFAULT 0",
    # story_events again, its CHECK widened to the 'move' decision (an article moved to a story
    # it fits better); SQLite cannot alter a CHECK, so the table is copied over.
    """CREATE TABLE story_events_v4 (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,          -- ISO-8601 UTC
        kind TEXT NOT NULL CHECK (kind IN ('new', 'join', 'merge', 'split', 'move')),
        story_id TEXT NOT NULL,    -- the story opened, joined, merged into, split from, moved to
        article_id TEXT,           -- the article placed or moved; merge/split: the arrival
        other_story_id TEXT,       -- merge: absorbed; split: split off; move: moved from
        confidence REAL,           -- how clearly the decision beat its alternative (0..1)
        reason TEXT NOT NULL DEFAULT ''  -- a sentence a reader can check
    )""",
    "INSERT INTO story_events_v4 SELECT id, at, kind, story_id, article_id, other_story_id, "
    "confidence, reason FROM story_events",
    "DROP TABLE story_events",
    "ALTER TABLE story_events_v4 RENAME TO story_events",
    "CREATE INDEX idx_story_events_story ON story_events(story_id)",
    "CREATE INDEX idx_story_events_article ON story_events(article_id)",
    "CREATE INDEX idx_story_events_kind ON story_events(kind)",
)

# Conflicts keep whether they are an outdated figure (profiles do not count those as
# contradictions) and, for one conflict standing for many pairs at scale, the mentions on each
# side (JSON arrays of mention idx; empty = just a and b).
_CONFLICT_SIDE_COLUMNS = (
    "ALTER TABLE conflicts ADD COLUMN outdated INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE conflicts ADD COLUMN a_side_json TEXT NOT NULL DEFAULT '[]' "
    "CHECK (json_valid(a_side_json))",
    "ALTER TABLE conflicts ADD COLUMN b_side_json TEXT NOT NULL DEFAULT '[]' "
    "CHECK (json_valid(b_side_json))",
)

# What a lazy resumed run needs to restore only the stories an arrival could join (resume.py):
# the document frequencies the story scores' IDF reads (over every placed article's terms and
# typed entity names), kept up to date with each placement; and each story's latest publication
# time, so that stories too old to be joined are never restored. ``df_articles`` is NULL until
# the table is first built from the stored stories (stores older than this migration), and
# ``df_signature`` names the feature extraction it was counted with (rebuilt when it changes).
_STORY_STATS_TABLES = (
    """CREATE TABLE story_term_df (
        term TEXT PRIMARY KEY,     -- a term, or 'person:name', 'place:name', 'org:name'
        df INTEGER NOT NULL CHECK (df > 0)  -- placed articles whose features hold it
    ) WITHOUT ROWID""",
    "ALTER TABLE story_vector_state ADD COLUMN df_articles INTEGER",
    "ALTER TABLE story_vector_state ADD COLUMN df_signature TEXT NOT NULL DEFAULT ''",
    # ISO-8601 with offset; NULL when unknown or no member is dated (the story is then restored
    # whenever it is a candidate, as it may be joined).
    "ALTER TABLE story_vectors ADD COLUMN newest TEXT",
)

MIGRATIONS: list[Migration] = [
    Migration(1, "articles, analysis cache and per-article facts", _ARTICLE_TABLES),
    Migration(2, "stories, claim groups, mentions, conflicts, framing, runs, problems",
              _REPORT_TABLES),
    Migration(3, "story vectors (ANN index source), vector state, story events",
              _STORY_INDEX_TABLES),
    Migration(4, "story members of resumed runs, next story key, 'move' events",
              _STORY_MEMBER_TABLES),
    Migration(5, "conflicts: outdated flag and the mentions on each side",
              _CONFLICT_SIDE_COLUMNS),
    Migration(6, "story document frequencies and latest publication (lazy resumed runs)",
              _STORY_STATS_TABLES),
]

_MIGRATIONS_TABLE = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL
)"""


def applied_versions(conn: sqlite3.Connection) -> set[int]:
    """Versions recorded in ``schema_migrations`` (empty for a new database); writes nothing."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not exists:
        return set()
    return {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}


def latest_version() -> int:
    return max(m.version for m in MIGRATIONS)


def apply_migrations(conn: sqlite3.Connection, now: str) -> list[int]:
    """Apply the migrations not yet recorded; returns the versions applied (empty: no-op).

    ``conn`` must be in autocommit mode (``isolation_level=None``): each migration gets its own
    ``BEGIN IMMEDIATE`` so a concurrent opener waits instead of applying it twice.
    """
    done = applied_versions(conn)
    applied: list[int] = []
    for migration in sorted(MIGRATIONS, key=lambda m: m.version):
        if migration.version in done:
            continue  # the common case on every open: no write lock taken
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(_MIGRATIONS_TABLE)
            # Re-read inside the write lock: another process may have just applied it.
            if migration.version not in applied_versions(conn):
                for statement in migration.statements:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, description, applied_at) "
                    "VALUES (?, ?, ?)",
                    (migration.version, migration.description, now),
                )
                applied.append(migration.version)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return applied

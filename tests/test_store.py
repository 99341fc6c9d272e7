"""The SQLite store: schema, idempotent writes, transactions, crash safety, bad files."""

from __future__ import annotations

import dataclasses
import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from corroborator.errors import CorroboratorError, StoreError
from corroborator.model import (
    Analysis,
    Article,
    Attribution,
    ChainLink,
    Claim,
    ClaimGroup,
    Conflict,
    DateMention,
    Entity,
    Framing,
    FramingTerm,
    Hedge,
    IngestProblem,
    Mention,
    Quantity,
    Report,
    Story,
    StoryReport,
    TextSpan,
)
from corroborator.serialize import analysis_to_json
from corroborator.store import SqliteStore, Store
from corroborator.store.schema import MIGRATIONS, apply_migrations

# --- hand-built model objects (invented text, not real data) ---

COAST_TEXT = (
    "Dam operator Rivex said 12 villages were evacuated on 4 May. Unverified reports on social "
    "media, cited by Radio Delta, claim the spillway failed."
)
VALLEY_TEXT = (
    "The spillway collapsed, Radio Delta reported, citing two unnamed engineers. Around 1,200 "
    "residents of 15 villages fled on 5 May, the provincial governor said."
)


def span(text: str, phrase: str, nth: int = 0) -> TextSpan:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return TextSpan.of(text, start, start + len(phrase))


def sentence_of(text: str, phrase: str) -> TextSpan:
    s = span(text, phrase)
    start = text.rfind(". ", 0, s.start)
    start = 0 if start < 0 else start + 2
    end = text.index(".", s.end) + 1
    return TextSpan.of(text, start, end)


def make_analysis(article_id: str = "coast-1", outlet: str = "Coast Herald",
                  text: str = COAST_TEXT, content_hash: str | None = None) -> Analysis:
    """A small but complete Analysis: one of every fact, spans pointing into ``text``."""
    article = Article(
        id=article_id, outlet=outlet, text=text, url=f"https://example.org/{article_id}",
        title=f"{outlet} on the dam",
        published=datetime(2024, 5, 4, 18, 30, tzinfo=timezone(timedelta(hours=2))),
        source=f"corpus.jsonl:{article_id}", content_hash=content_hash or f"hash-{article_id}",
    )
    first = text.split(" ")[0]
    first_sentence = sentence_of(text, first)
    village = span(text, "villages")
    number = span(text, "12" if "12 " in text else "15")
    quantity = Quantity(TextSpan.of(text, number.start, village.end), 12.0 if "12 " in text
                        else 15.0, "villages", "exact")
    day = span(text, "4 May" if "4 May" in text else "5 May")
    when = DateMention(day, date(2024, 5, 4 if "4 May" in text else 5))
    attribution = Attribution(
        source=span(text, "Radio Delta"), cue=span(text, "cited by" if "cited" in text else
                                                   "reported"),
        content=span(text, "spillway"), source_kind="outlet",
        chain=(ChainLink("Radio Delta", "outlet", "reported"),
               ChainLink("unnamed engineers", "anonymous", "citing")),
    )
    hedge = Hedge(span(text, "Unverified") if "Unverified" in text else span(text, "reported"),
                  first_sentence)
    entity = Entity(span(text, "Radio Delta"), "ORG")
    claim = Claim(
        id=f"{article_id}#c1", span=first_sentence, sentence=first_sentence,
        attribution=attribution, hedges=(hedge,), quantities=(quantity,), dates=(when,),
        places=(), actors=(entity,), negated=False, checkworthiness=0.75,
    )
    return Analysis(
        article=article, sentences=(first_sentence,), entities=(entity,), quantities=(quantity,),
        dates=(when,), attributions=(attribution,), hedges=(hedge,), claims=(claim,),
        framing=(FramingTerm("dam failure", "failed", span(text, "spillway")),),
    )


def make_report(story_title: str = "Dam spillway") -> Report:
    coast = make_analysis()
    valley = make_analysis("valley-1", "Valley Times", VALLEY_TEXT)
    mentions = tuple(
        Mention(claim=a.claims[0], article_id=a.article.id, outlet=a.article.outlet,
                chain=(ChainLink(a.article.outlet, "outlet", "reported"),
                       ChainLink(origin, "organisation", "said")),
                origin=origin, origin_key=origin.lower())
        for a, origin in ((coast, "Rivex"), (valley, "provincial governor"))
    )
    group = ClaimGroup(
        id="s1#g1", text="villages were evacuated", status="conflicting", independent_origins=2,
        origins=("Rivex", "provincial governor"), mentions=mentions,
        conflicts=(Conflict("number", 0, 1, "12 villages vs 15 villages"),
                   Conflict("date", 0, 1, "4 May vs 5 May", minor=True)),
        explanation="2 outlets, 2 origins; they disagree on the number of villages",
    )
    story = StoryReport(
        story=Story("s1", story_title, ("coast-1", "valley-1")), claims=(group,),
        framing=(Framing("dam failure", {"Coast Herald": ("failed",),
                                         "Valley Times": ("collapsed",)}),),
    )
    return Report(analyses=(coast, valley), stories=(story,),
                  problems=(IngestProblem("bad.html", "no main text found"),
                            IngestProblem("fr.txt", "not English", skipped=True)))


# --- helpers ---

ALL_TABLES = ("articles", "analysis_cache", "entities", "attributions", "hedges", "claims",
              "quantities", "dates", "framing_terms", "stories", "story_articles", "claim_groups",
              "mentions", "conflicts", "framing", "runs", "problems", "schema_migrations")


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ALL_TABLES}


def query(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "store.db"


@pytest.fixture
def store(db_path: Path):
    with SqliteStore(db_path) as s:
        yield s


# --- schema and connection ---

def test_new_store_creates_file_schema_and_records_migrations(store, db_path):
    assert db_path.is_file()
    tables = {r[0] for r in query(db_path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert set(ALL_TABLES) <= tables
    versions = [r[0] for r in query(db_path, "SELECT version FROM schema_migrations ORDER BY 1")]
    assert versions == [m.version for m in MIGRATIONS]
    assert isinstance(store, Store)


def test_wal_mode_and_foreign_keys_are_on(store, db_path):
    assert query(db_path, "PRAGMA journal_mode") == [("wal",)]  # WAL persists in the file
    assert store._db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert store._db.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL


def test_migrations_applied_twice_are_a_no_op(store, db_path):
    store.save_analysis(make_analysis(), "v1")
    before = counts(db_path)
    assert apply_migrations(store._db, "2024-01-01T00:00:00+00:00") == []
    store.close()
    with SqliteStore(db_path) as reopened:  # reopening runs the migrations step again
        assert reopened.article_count() == 1
    assert counts(db_path) == before


def test_closed_store_raises_store_error(db_path):
    s = SqliteStore(db_path)
    s.close()
    s.close()  # closing twice is fine
    with pytest.raises(StoreError, match="closed"):
        s.article_count()


# --- save_analysis ---

def test_save_analysis_is_idempotent_by_content_hash(store, db_path):
    analysis = make_analysis()
    assert store.save_analysis(analysis, "v1") is True
    first = counts(db_path)
    assert store.save_analysis(analysis, "v1") is False
    assert counts(db_path) == first
    assert first["articles"] == 1 and first["entities"] == 1 and first["claims"] == 1
    assert first["attributions"] == 1 and first["quantities"] == 1 and first["dates"] == 1
    assert first["hedges"] == 1 and first["framing_terms"] == 1 and first["analysis_cache"] == 1


def test_cached_analysis_round_trips_equal(store):
    analysis = make_analysis()
    store.save_analysis(analysis, "v1")
    assert store.has_article("hash-coast-1")
    assert not store.has_article("hash-other")
    cached = store.cached_analysis("hash-coast-1", "v1")
    assert cached == analysis
    assert cached.article.published.utcoffset() == timedelta(hours=2)
    assert store.cached_analysis("hash-coast-1", "v2") is None
    assert store.cached_analysis("hash-other", "v1") is None


def test_derived_rows_are_readable_for_datasette(store, db_path):
    store.save_analysis(make_analysis(), "v1")
    source, origin, chain = query(
        db_path, "SELECT source, origin, chain_json FROM attributions")[0]
    assert (source, origin) == ("Radio Delta", "unnamed engineers")
    assert [link["kind"] for link in json.loads(chain)] == ["outlet", "anonymous"]
    text, start, end = query(db_path, 'SELECT text, start, "end" FROM quantities')[0]
    assert COAST_TEXT[start:end] == text == "12 villages"
    assert query(db_path, "SELECT claim_id, hedged, attribution_source FROM claims") == [
        ("coast-1#c1", 1, "Radio Delta")]
    assert query(db_path, "SELECT value, relative FROM dates") == [("2024-05-04", 0)]


def test_other_analyzer_version_replaces_derived_rows(store, db_path):
    old = make_analysis()
    store.save_analysis(old, "v1")
    new = dataclasses.replace(old, entities=(), claims=(), framing=())
    assert store.save_analysis(new, "v2") is True
    after = counts(db_path)
    assert (after["articles"], after["analysis_cache"]) == (1, 1)
    assert (after["entities"], after["claims"], after["framing_terms"]) == (0, 0, 0)
    assert after["quantities"] == 1  # rewritten, not duplicated
    assert store.cached_analysis("hash-coast-1", "v1") is None
    assert store.cached_analysis("hash-coast-1", "v2") == new
    assert store.save_analysis(new, "v2") is False


def test_articles_returns_model_objects(store):
    a, b = make_analysis(), make_analysis("valley-1", "Valley Times", VALLEY_TEXT)
    store.save_analysis(a, "v1")
    store.save_analysis(b, "v1")
    assert store.article_count() == 2
    assert store.articles() == [a.article, b.article]


def test_article_without_content_hash_is_keyed_by_its_text(store):
    analysis = make_analysis()
    bare = dataclasses.replace(analysis, article=dataclasses.replace(analysis.article,
                                                                     content_hash=""))
    assert store.save_analysis(bare, "v1") is True
    assert store.save_analysis(bare, "v1") is False
    assert store.article_count() == 1


# --- save_report ---

def test_save_report_replaces_stories_and_adds_a_run(store, db_path):
    report = make_report()
    for analysis in report.analyses:
        store.save_analysis(analysis, "v1")
    started = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
    run_1 = store.save_report(report, {"started": started, "inputs": [Path("corpus.jsonl")],
                                       "version": "0.1.0"})
    first = counts(db_path)
    assert (first["stories"], first["story_articles"], first["claim_groups"]) == (1, 2, 1)
    assert (first["mentions"], first["conflicts"], first["framing"]) == (2, 2, 2)
    assert (first["runs"], first["problems"]) == (1, 2)

    run_2 = store.save_report(make_report("Dam spillway, updated"), {"version": "0.1.0"})
    second = counts(db_path)
    assert run_2 > run_1
    assert second["runs"] == 2 and second["problems"] == 4
    for table in ("stories", "story_articles", "claim_groups", "mentions", "conflicts",
                  "framing", "articles", "claims"):
        assert second[table] == first[table], table
    assert query(db_path, "SELECT title FROM stories") == [("Dam spillway, updated",)]

    row = query(db_path, "SELECT started, inputs_json, article_count, story_count, claim_count, "
                         "problem_count, version FROM runs WHERE id = ?", (run_1,))[0]
    assert row == ("2024-05-06T09:00:00+00:00", '["corpus.jsonl"]', 2, 1, 1, 2, "0.1.0")
    assert query(db_path, "SELECT count(*) FROM problems WHERE run_id = ?", (run_2,)) == [(2,)]


def test_save_report_links_mentions_to_stored_articles(store, db_path):
    store.save_report(make_report(), {})  # analyses never saved: article rows are added
    assert store.article_count() == 2
    assert store.cached_analysis("hash-coast-1", "v1") is None  # but no analysis cache
    linked = query(db_path, "SELECT m.outlet, a.outlet FROM mentions m "
                            "JOIN articles a ON a.content_hash = m.article_hash ORDER BY m.idx")
    assert linked == [("Coast Herald", "Coast Herald"), ("Valley Times", "Valley Times")]
    terms = query(db_path, "SELECT outlet, terms_json FROM framing ORDER BY outlet")
    assert terms == [("Coast Herald", '["failed"]'), ("Valley Times", '["collapsed"]')]
    assert query(db_path, "PRAGMA foreign_key_check") == []
    # The analysis can still be cached later for an article first stored by a report.
    assert store.save_analysis(make_analysis(), "v1") is True


def test_duplicate_claim_group_ids_fail_cleanly(store, db_path):
    report = make_report()
    story = report.stories[0]
    doubled = dataclasses.replace(story, claims=story.claims * 2)
    with pytest.raises(StoreError, match="save_report failed"):
        store.save_report(dataclasses.replace(report, stories=(doubled,)), {})
    assert counts(db_path)["runs"] == 0


# --- transactions and crashes ---

def test_failure_inside_transaction_leaves_no_partial_rows(db_path):
    def explode(operation: str) -> None:
        raise RuntimeError(f"killed during {operation}")

    with SqliteStore(db_path, before_commit=explode) as failing:
        with pytest.raises(RuntimeError, match="save_analysis"):
            failing.save_analysis(make_analysis(), "v1")
        with pytest.raises(RuntimeError, match="save_report"):
            failing.save_report(make_report(), {})
        assert not failing._db.in_transaction
    assert all(n == 0 for t, n in counts(db_path).items() if t != "schema_migrations")
    with SqliteStore(db_path) as healthy:  # the write lock was released
        assert healthy.save_analysis(make_analysis(), "v1") is True


CRASHING_WRITER = """
import sys, time
from pathlib import Path
from corroborator.serialize import analysis_from_json
from corroborator.store import SqliteStore

def hang(operation):
    print("inside " + operation, flush=True)  # every row is written, COMMIT not yet
    time.sleep(120)

store = SqliteStore(sys.argv[1], before_commit=hang)
store._db.execute("PRAGMA cache_size = 10")  # spill uncommitted pages into the WAL file
store.save_analysis(analysis_from_json(Path(sys.argv[2]).read_text()), "v1")
"""


def test_sigkill_mid_transaction_leaves_a_sound_database(db_path, tmp_path):
    committed = make_analysis("valley-1", "Valley Times", VALLEY_TEXT)
    with SqliteStore(db_path) as s:
        s.save_analysis(committed, "v1")
    # A long article, so the killed transaction has written frames to the WAL (not just to
    # memory) and recovery really has to discard them.
    pending_analysis = make_analysis(text=COAST_TEXT + " More text." * 50_000)
    pending = tmp_path / "pending.json"
    pending.write_text(analysis_to_json(pending_analysis), encoding="utf-8")
    wal = Path(str(db_path) + "-wal")
    wal_before = wal.stat().st_size if wal.exists() else 0

    child = subprocess.Popen([sys.executable, "-c", CRASHING_WRITER, str(db_path), str(pending)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        ready, _, _ = select.select([child.stdout], [], [], 60)
        assert ready, "the writer never reached its transaction"
        line = child.stdout.readline()
        assert line.strip() == b"inside save_analysis", child.stderr.read()
        assert wal.stat().st_size > wal_before + 500_000  # uncommitted frames on disk
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
    assert query(db_path, "SELECT content_hash FROM articles") == [("hash-valley-1",)]
    assert counts(db_path)["entities"] == 1
    with SqliteStore(db_path) as s:
        assert not s.has_article("hash-coast-1")
        assert s.cached_analysis("hash-valley-1", "v1") == committed
        assert s.save_analysis(pending_analysis, "v1") is True
        assert s.cached_analysis("hash-coast-1", "v1") == pending_analysis


# --- files that are not stores ---

def test_non_database_file_raises_store_error_and_is_untouched(tmp_path):
    path = tmp_path / "notes.db"
    content = b"these are my notes, not a database\n" * 100
    path.write_bytes(content)
    with pytest.raises(StoreError) as info:
        SqliteStore(path)
    assert isinstance(info.value, CorroboratorError)
    assert "[E004]" in str(info.value) and "not a usable SQLite database" in str(info.value)
    assert "fix:" in str(info.value)
    assert path.read_bytes() == content


def test_corrupt_database_raises_store_error(db_path):
    with SqliteStore(db_path) as s:
        s.save_analysis(make_analysis(), "v1")
    data = bytearray(db_path.read_bytes())
    data[:16] = b"garbage garbage!"  # destroy the header magic
    db_path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    with pytest.raises(StoreError, match="E004"):
        SqliteStore(db_path)


def test_foreign_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(StoreError, match="not a corroborator store"):
        SqliteStore(path)
    assert query(path, "SELECT name FROM sqlite_master WHERE type='table'") == [("invoices",)]


def test_newer_schema_version_is_refused(db_path):
    SqliteStore(db_path).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', '2099-01-01')")
    with pytest.raises(StoreError, match="newer"):
        SqliteStore(db_path)


def test_directory_path_raises_store_error(tmp_path):
    with pytest.raises(StoreError, match="directory"):
        SqliteStore(tmp_path)


def test_story_events_hold_the_decisions_of_resumed_runs_only(tmp_path) -> None:
    """A plain run leaves the story catalogue (story_events) alone: its stories are a one-off
    grouping whose decisions travel in the report. A resumed run (--with-stored) records each
    join / new / merge decision once; re-running it records none twice."""
    from corroborator.pipeline import run

    db = tmp_path / "store.db"
    paths = ["examples/corpus/dam-radio-delta.txt", "examples/corpus/dam-coast-herald.txt"]
    run(paths, db=db)
    with SqliteStore(db) as store:
        assert store.story_events() == []
    report = run(paths, db=db, include_stored=True)
    expected = [(e.kind, e.article_id) for s in report.stories for e in s.story.history]
    assert {kind for kind, _ in expected} <= {"new", "join", "merge"} and expected
    run(paths, db=db, include_stored=True)  # re-run: no doubles
    with SqliteStore(db) as store:
        stored = [(r.event.kind, r.event.article_id) for r in store.story_events()]
    assert sorted(stored, key=str) == sorted(expected, key=str)


# --- the story catalogue of resumed runs (migration 4) ---

def unit(*values: float):
    import numpy as np

    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def catalogue_story(key: int, story_id: str, *members: str):
    from corroborator.store import StoredStory, StoryMember

    return StoredStory(key, story_id, unit(1.0, key + 1.0),
                       tuple(StoryMember(m, f"hash-{m}", unit(1.0, i + 1.0))
                             for i, m in enumerate(members)))


def stored_shape(store: SqliteStore) -> dict[int, tuple[str, tuple[str, ...]]]:
    return {s.key: (s.story_id, tuple(m.article_id for m in s.members))
            for s in store.stored_stories()}


def test_story_changes_merge_split_and_keys_never_handed_out_twice(store):
    from corroborator.model import StoryEvent

    for name in ("coast-1", "valley-1", "delta-1"):
        store.save_analysis(make_analysis(name), "v1")
    assert store.unplaced_articles() and store.next_story_key() == 0
    new = StoryEvent("new", "coast-1", "story-a", None, 1.0, "new: no open story")
    store.save_story_changes([catalogue_story(0, "story-a", "coast-1")], (), [new],
                             embedder="e", next_key=1)
    store.save_story_changes([catalogue_story(1, "story-b", "valley-1")], embedder="e",
                             next_key=2)
    assert stored_shape(store) == {0: ("story-a", ("coast-1",)), 1: ("story-b", ("valley-1",))}
    assert store.placed_article_ids() == {"coast-1", "valley-1"}
    assert [a.id for a in store.unplaced_articles()] == ["delta-1"]
    # A merge: story 1 goes, its member moves to story 0 (one transaction, members follow).
    generation = store.story_vector_state().generation
    store.save_story_changes([catalogue_story(0, "story-a", "coast-1", "valley-1")], [1],
                             embedder="e", next_key=2)
    assert stored_shape(store) == {0: ("story-a", ("coast-1", "valley-1"))}
    assert store.story_vector_state().generation == generation + 1
    assert store.next_story_key() == 2  # key 1 was merged away: not handed out again
    # An article cannot be in two stories.
    with pytest.raises(StoreError):
        store.save_story_changes([catalogue_story(2, "story-c", "coast-1")], embedder="e")
    assert stored_shape(store) == {0: ("story-a", ("coast-1", "valley-1"))}
    assert [r.event for r in store.story_events()] == [new]
    # Migration 4 widened the decision kinds to the move of an article between stories.
    move = StoryEvent("move", "valley-1", "story-a", "story-b", 0.6, "moved: fits better")
    store.save_story_changes([], (), [move], next_key=2)
    assert [r.event.kind for r in store.story_events()] == ["new", "move"]


def test_update_report_replaces_the_touched_stories_and_keeps_the_catalogue(store, db_path):
    report = make_report()
    for analysis in report.analyses:
        store.save_analysis(analysis, "v1")
    store.save_story_changes([catalogue_story(0, "s1", "coast-1"),
                              catalogue_story(1, "s2", "valley-1")], embedder="e", next_key=2)
    other = dataclasses.replace(report.stories[0], story=Story("s2", "Other", ("valley-1",)),
                                claims=(), framing=())
    plain = dataclasses.replace(other, story=Story("plain", "Plain run", ("valley-1",)))
    store.save_report(dataclasses.replace(report, stories=(*report.stories, other, plain)), {})
    store.update_report(make_report("Dam spillway, later"), {})
    # s1 replaced, s2 (in the catalogue, untouched) kept, "plain" (not in it) dropped.
    assert query(db_path, "SELECT id, title FROM stories ORDER BY id") == [
        ("s1", "Dam spillway, later"), ("s2", "Other")]
    assert query(db_path, "SELECT count(*) FROM claim_groups") == [(1,)]
    assert query(db_path, "SELECT count(*) FROM runs") == [(2,)]

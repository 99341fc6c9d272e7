"""The command line: exit codes and outputs for good, mixed and unreadable input."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from corroborator.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"


def test_mixed_input_skips_bad_file_and_writes_reports(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "broken.txt").write_bytes(b"\x89PNG\x00\x01\x02binary")
    (inputs / "good.txt").write_text((CORPUS / "sport-league-final.txt").read_text())
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyze", str(inputs), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "broken.txt" in result.output and "binary" in result.output
    report = json.loads((out / "report.json").read_text())
    assert [a["id"] for a in report["articles"]] == ["good"]
    assert (out / "report.md").exists() and (out / "report.html").exists()
    assert (out / "corroborator.db").exists()


def test_nothing_readable_exits_1(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    result = CliRunner().invoke(main, ["analyze", str(bad), "--out", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 1
    assert "E002" in result.output


def test_with_stored_groups_a_story_across_runs(tmp_path) -> None:
    """Half of a story today, half tomorrow: with --with-stored the second run places the
    stored articles (no story holds them yet: run 1 did not resume) and today's together."""
    corpus = Path("examples/corpus")
    first = [str(corpus / "dam-radio-delta.txt"), str(corpus / "dam-coast-herald.txt")]
    second = [str(corpus / "dam-valley-times.txt")]
    db = tmp_path / "store.db"
    runner = CliRunner()
    for paths, extra in ((first, []), (second, ["--with-stored"])):
        result = runner.invoke(main, ["analyze", *paths, "--out", str(tmp_path / "out"),
                                      "--db", str(db), "-q", *extra])
        assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    ids = {i for s in report["stories"] for i in s["article_ids"]}
    assert ids == {"dam-radio-delta", "dam-coast-herald", "dam-valley-times"}
    assert any(len(s["article_ids"]) == 3 for s in report["stories"])
    without = runner.invoke(main, ["analyze", *second, "--out", str(tmp_path / "solo"),
                                   "--db", str(db), "-q"])
    assert without.exit_code == 0
    solo = json.loads((tmp_path / "solo" / "report.json").read_text())
    assert {i for s in solo["stories"] for i in s["article_ids"]} == {"dam-valley-times"}


def test_with_stored_twice_keeps_the_story_id_and_shows_the_join(tmp_path) -> None:
    """Two resumed runs: the story of run 1 keeps its id in run 2, its history in the JSON
    report shows run 2's article joining, and a third identical run reports the same."""
    corpus = Path("examples/corpus")
    first = [str(corpus / "dam-radio-delta.txt"), str(corpus / "dam-coast-herald.txt")]
    second = [str(corpus / "dam-valley-times.txt")]
    db, runner, reports = tmp_path / "store.db", CliRunner(), []
    for n, paths in enumerate((first, second, second)):
        out = tmp_path / f"out{n}"
        result = runner.invoke(main, ["analyze", *paths, "--out", str(out), "--db", str(db),
                                      "-q", "--with-stored"])
        assert result.exit_code == 0, result.output
        reports.append(json.loads((out / "report.json").read_text()))
    [story_1] = [s for s in reports[0]["stories"] if "dam-radio-delta" in s["article_ids"]]
    [story_2] = reports[1]["stories"]
    assert story_2["id"] == story_1["id"]
    assert story_2["article_ids"] == [*story_1["article_ids"], "dam-valley-times"]
    assert ("join", "dam-valley-times") in {(e["kind"], e["article_id"])
                                            for e in story_2["history"]}
    assert reports[2]["stories"] == reports[1]["stories"]


def test_with_stored_needs_a_store(tmp_path) -> None:
    result = CliRunner().invoke(main, ["analyze", str(CORPUS / "dam-radio-delta.txt"),
                                       "--no-db", "--with-stored", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "--with-stored" in result.output

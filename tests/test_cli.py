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

"""User-facing errors: each has a code and tells the user how to fix it."""

from __future__ import annotations


class CorroboratorError(Exception):
    code = "E000"
    fix = ""

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        if fix is not None:
            self.fix = fix

    def __str__(self) -> str:
        base = f"[{self.code}] {self.args[0]}"
        return f"{base}\n  fix: {self.fix}" if self.fix else base


class ModelNotInstalled(CorroboratorError):
    code = "E001"
    fix = (
        "install the pinned parser: pip install --no-deps --require-hashes "
        "-r requirements/model.txt (see README)"
    )


class NothingToAnalyze(CorroboratorError):
    code = "E002"
    fix = "pass files or directories holding .txt, .html, .jsonl, RSS/Atom or WARC articles"


class UnsafeURL(CorroboratorError):
    code = "E003"
    fix = "pass --allow-private-urls if you really mean to fetch from a private or local address"


class StoreError(CorroboratorError):
    code = "E004"
    fix = (
        "use a store file corroborator created, or a new path; if the file is damaged, "
        "move it aside (or restore a backup) and run again to rebuild it"
    )

"""The JSON Schema (draft 2020-12) of ``corroborator.report/1`` and a readable validator.

The schema ships as package data (``report/schema.json``) so consumers in other languages can
validate reports too; ``validate_contract`` is what our own tests and the CLI use.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files

from jsonschema import Draft202012Validator

from corroborator.errors import CorroboratorError

# How many schema violations one error message lists before it says "and N more".
MAX_ERRORS_SHOWN = 10


class ContractError(CorroboratorError):
    """A report does not follow the ``corroborator.report/1`` contract."""
    code = "E100"
    fix = "this is a bug in whatever produced the report; please report it with the JSON file"


@lru_cache(maxsize=1)
def _schema_text() -> str:
    return files("corroborator.report").joinpath("schema.json").read_text(encoding="utf-8")


def load_schema() -> dict:
    """The schema as a fresh dict (callers may modify it without touching the cached text)."""
    return json.loads(_schema_text())


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def contract_errors(data: dict) -> list[str]:
    """Every violation as "<json path>: <message>", in document order."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{e.json_path}: {e.message}" for e in errors]


def validate_contract(data: dict) -> None:
    """Raise ``ContractError`` listing what is wrong when ``data`` breaks the contract."""
    problems = contract_errors(data)
    if not problems:
        return
    shown = problems[:MAX_ERRORS_SHOWN]
    more = len(problems) - len(shown)
    lines = "\n".join(f"  - {p}" for p in shown)
    tail = f"\n  … and {more} more" if more else ""
    raise ContractError(
        f"report does not follow corroborator.report/1 ({len(problems)} problem(s)):\n"
        f"{lines}{tail}"
    )

"""Report outputs: the ``corroborator.report/1`` JSON contract, Markdown, HTML and terminal.

``write_outputs`` is what the CLI calls; the renderers are pure functions of a ``Report``.
"""

from __future__ import annotations

from pathlib import Path

from corroborator.model import Report
from corroborator.report.contract import to_contract, to_json, write_json
from corroborator.report.html import render_html
from corroborator.report.markdown import render_markdown
from corroborator.report.schema import ContractError, load_schema, validate_contract
from corroborator.report.terminal import print_summary

__all__ = [
    "ContractError", "load_schema", "print_summary", "render_html", "render_markdown",
    "to_contract", "to_json", "validate_contract", "write_json", "write_outputs",
]


def write_outputs(
    report: Report,
    out_dir: Path | str,
    *,
    json_path: Path | str | None = None,
    md_path: Path | str | None = None,
    html_path: Path | str | None = None,
) -> dict[str, Path]:
    """Write report.json, report.md and report.html into ``out_dir`` (created if missing).

    ``json_path``/``md_path``/``html_path`` put one output elsewhere (the CLI's --json,
    --markdown, --html). Returns the paths keyed by format: {"json": …, "md": …, "html": …}.
    """
    out_dir = Path(out_dir)
    paths = {
        "json": Path(json_path) if json_path else out_dir / "report.json",
        "md": Path(md_path) if md_path else out_dir / "report.md",
        "html": Path(html_path) if html_path else out_dir / "report.html",
    }
    for path in paths.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    write_json(report, paths["json"])
    paths["md"].write_text(render_markdown(report), encoding="utf-8")
    paths["html"].write_text(render_html(report), encoding="utf-8")
    return paths

"""Command line: a thin click layer over ``corroborator.pipeline.run`` and the report writers."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

# Before anything loads numpy: OpenBLAS otherwise starts a thread per core at import, and once a
# process has had a second thread glibc stays on slower multi-threaded paths in it and in every
# worker forked from it: the spaCy parse then costs ~12% more CPU (89 vs 79 ms per 600-word
# article, benchmarks/bench_analysis_speed.py). Outputs are identical; a user's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click  # noqa: E402
from rich.console import Console

from . import __version__
from .errors import CorroboratorError

# Exit codes: 0 = report written (some inputs may have been skipped, see the problems list);
# 1 = nothing could be read or a user-facing error; 2 = bad usage (click's own).
EXIT_OK, EXIT_FAILED = 0, 1


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="corroborator")
def main() -> None:
    """Compare many outlets' reports of the same events: what is established, by whom, and how
    independently."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out"), show_default=True,
              help="Directory for report.json, report.md, report.html and corroborator.db.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the corroborator.report/1 JSON here instead of OUT/report.json.")
@click.option("--markdown", "md_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the Markdown report here instead of OUT/report.md.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the HTML report here instead of OUT/report.html.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              help="SQLite store to add the articles to (default OUT/corroborator.db).")
@click.option("--no-db", is_flag=True, help="Do not store anything; just write the reports.")
@click.option("--with-stored", is_flag=True,
              help="Resume the store's stories: stored stories keep their ids, the new "
                   "articles join them or open new ones, and the report holds the stories "
                   "this run touched. Re-running the same input changes nothing.")
@click.option("--allow-private-urls", is_flag=True,
              help="Allow fetching URLs that resolve to private or loopback addresses.")
@click.option("-q", "--quiet", is_flag=True, help="No terminal summary; errors only.")
def analyze(
    paths: tuple[str, ...],
    out_dir: Path,
    json_path: Path | None,
    md_path: Path | None,
    html_path: Path | None,
    db_path: Path | None,
    no_db: bool,
    with_stored: bool,
    allow_private_urls: bool,
    quiet: bool,
) -> None:
    """Analyse PATHS (files, directories or http(s) URLs) and write the reports.

    Reads .txt/.md (optional front matter), .html, .jsonl, RSS/Atom and WARC files. Unreadable
    inputs are skipped with a message; the exit code is 1 only when nothing could be read.

    Example: corroborator analyze examples/corpus --out out

    Stories across runs: corroborator analyze today/ --db news.db --with-stored
    """
    from .pipeline import run
    from .report import write_outputs

    console = Console(stderr=True, quiet=quiet)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING)
    if with_stored and no_db:
        raise click.UsageError("--with-stored resumes the stories of a store: drop --no-db")
    db = None if no_db else (db_path or out_dir / "corroborator.db")
    if db is not None:
        Path(db).parent.mkdir(parents=True, exist_ok=True)
    try:
        with console.status("analysing…"):
            report = run(paths, db=db, allow_private_urls=allow_private_urls,
                         include_stored=with_stored,
                         progress=lambda m: console.log(m))
    except CorroboratorError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    written = write_outputs(report, out_dir, json_path=json_path, md_path=md_path,
                            html_path=html_path)
    if not quiet:
        from .report.terminal import print_summary

        print_summary(report, Console())
    if quiet:  # the summary lists problems itself; without it they still reach stderr
        for problem in report.problems:
            verb = "skipped" if problem.skipped else "note"
            click.echo(f"{verb}: {problem.source}: {problem.reason}", err=True)
    for kind, path in written.items():
        console.print(f"wrote {kind}: {path}")
    if db is not None:
        console.print(f"stored in: {db}")
    sys.exit(EXIT_OK)


@main.command()
@click.option("--db", "db_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="SQLite store written by `corroborator analyze` (read-only here).")
def outlets(db_path: Path) -> None:
    """Profile each outlet from the latest run in the store: share of its claims corroborated
    by independent origins, contradicted, anonymously sourced and hedged. No external ratings.

    Example: corroborator outlets --db out/corroborator.db
    """
    from rich.text import Text

    from .profile import outlet_profiles_from_store
    from .report.views import profile_explanation, profile_line

    console = Console()
    for profile in outlet_profiles_from_store(db_path):
        console.print(Text(profile_line(profile), style="bold"))
        console.print(Text("  " + profile_explanation(profile)))


@main.group("eval")
def eval_group() -> None:
    """Measure corroborator on public evaluation data (read from ../shared/data by default)."""


def _register_evaluations() -> None:
    # The evaluation commands live beside their metrics in corroborator.evaluation.
    from .evaluation.attribution import command as attribution_command
    from .evaluation.chains import command as chains_command
    from .evaluation.checkworthy import checkworthy_command
    from .evaluation.stories import command as stories_command

    for command in (stories_command, attribution_command, checkworthy_command, chains_command):
        eval_group.add_command(command)


_register_evaluations()


if __name__ == "__main__":  # pragma: no cover
    main()

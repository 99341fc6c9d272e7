"""A short rich summary for the terminal: per story a table of claims, totals, problems.

Article text is printed through ``rich.text.Text`` (never as console markup), so square
brackets in a headline cannot be read as rich styles.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from corroborator.model import Report, StoryReport
from corroborator.profile import outlet_profiles
from corroborator.report import views

STATUS_STYLES: dict[str, str] = {
    "corroborated": "bold green",
    "single_origin": "bold yellow",
    "conflicting": "bold red",
    "unique": "dim",
}


def print_summary(report: Report, console: Console | None = None) -> None:
    console = console or Console()
    for number, story_report in enumerate(report.stories, 1):
        console.print(_story_table(report, number, story_report))
        console.print()
    console.print(_totals_line(report))
    for profile in outlet_profiles(report):
        console.print(Text(views.profile_line(profile)))
    for problem in report.problems:
        what = "skipped" if problem.skipped else "caveat"
        console.print(Text(f"{what}: {problem.source}: {problem.reason}", style="yellow"))


def _story_table(report: Report, number: int, story_report: StoryReport) -> Table:
    articles = views.story_articles(report, story_report)
    outlets = views.story_outlets(report, story_report)
    table = Table(
        title=Text(f"{number}. {story_report.story.title}", style="bold"),
        caption=f"{len(articles)} articles from {len(outlets)} outlets",
        title_justify="left",
        expand=False,
    )
    table.add_column("status", no_wrap=True)
    table.add_column("claim", overflow="fold", max_width=60)
    table.add_column("outlets", justify="right")
    table.add_column("origins", justify="right")
    table.add_column("conflicts")
    for group in story_report.claims:
        table.add_row(
            Text(views.STATUS_LABELS.get(group.status, group.status),
                 style=STATUS_STYLES.get(group.status, "")),
            Text(group.text),
            str(len(views.claim_outlets(group))),
            str(group.independent_origins),
            Text(views.conflict_kinds(group) or "—"),
        )
    return table


def _totals_line(report: Report) -> Text:
    t = views.totals(report)
    line = Text(
        f"{t.stories} stories · {t.articles} articles · {t.outlets} outlets · {t.claims} claims: "
    )
    for i, status in enumerate(views.STATUS_ORDER):
        if i:
            line.append(", ")
        line.append(f"{t.by_status[status]} {views.STATUS_LABELS[status]}",
                    style=STATUS_STYLES[status])
    return line

"""The report as one self-contained HTML file (inline CSS, no external assets).

Everything from the articles is untrusted: the Jinja environment autoescapes every value, and
the template never marks article-derived text as safe. Links are made only from http(s) URLs.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from corroborator.model import Claim, ClaimGroup, Report, TimelineEvent
from corroborator.profile import outlet_profiles
from corroborator.report import views
from corroborator.report.contract import package_version

TEMPLATE = "report.html.j2"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("corroborator.report", "templates"),
        autoescape=True,  # for every template, whatever its file extension
        undefined=StrictUndefined,  # a typo in the template fails loudly in tests
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        views=views,
        claim_parts=claim_parts,
        status_label=views.STATUS_LABELS.get,
    )
    return env


def claim_parts(claim: Claim) -> tuple[str, str, str]:
    """The claim's sentence split around the claim span, so the template can highlight it.

    When the span is not inside the sentence (a stage bug, not the reader's problem), the
    whole sentence comes back unhighlighted.
    """
    sentence, span = claim.sentence, claim.span
    if not (sentence.start <= span.start <= span.end <= sentence.end):
        return sentence.text, "", ""
    lo, hi = span.start - sentence.start, span.end - sentence.start
    return sentence.text[:lo], sentence.text[lo:hi], sentence.text[hi:]


def render_html(report: Report) -> str:
    template = _environment().get_template(TEMPLATE)
    analyses = views.analyses_by_id(report)

    def timeline(group: ClaimGroup) -> tuple[TimelineEvent, ...]:
        return views.timeline(group, analyses)

    return template.render(
        report=report,
        totals=views.totals(report),
        version=package_version(),
        timeline=timeline,
        outlets=outlet_profiles(report),
    )

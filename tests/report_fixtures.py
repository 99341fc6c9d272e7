"""A small, complete ``Report`` built by hand, for testing the report renderers.

Two stories, five articles from three outlets. Story 1 is the dam illustration of DESIGN.md
(a single-origin claim hedged in one outlet, a number conflict plus a minor date conflict, a
unique claim); story 2 is a protest with a corroborated claim and two framed referents.
Every span is built with ``TextSpan.of`` from a phrase found in the article text, so offsets
are consistent by construction.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

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

CEST = timezone(timedelta(hours=2))

ARTICLES = {
    "a1": Article(
        id="a1", outlet="Coast Herald", url="https://coastherald.example/dam",
        title="Villages evacuated below Rivex dam",
        published=datetime(2024, 5, 5, 9, 30, tzinfo=CEST),
        text=(
            "Dam operator Rivex said 12 villages were evacuated on 4 May. "
            "Unverified reports on social media, cited by Radio Delta, claim the spillway failed."
        ),
    ),
    "a2": Article(
        id="a2", outlet="Valley Times", url="https://valleytimes.example/spillway",
        title="Spillway collapse forces residents to flee",
        published=datetime(2024, 5, 5, 18, 0, tzinfo=UTC),
        text=(
            "The spillway collapsed, Radio Delta reported, citing two unnamed engineers. "
            "Around 1,200 residents of 15 villages fled on 5 May, the provincial governor said."
        ),
    ),
    "a3": Article(
        id="a3", outlet="Radio Delta", url=None, title="Engineers: spillway gave way",
        published=None,
        text=(
            "Two engineers, who asked not to be named, told Radio Delta the spillway failed. "
            "The operator Rivex said 12 villages were evacuated."
        ),
    ),
    "a4": Article(
        id="a4", outlet="Coast Herald", url="https://coastherald.example/protest",
        title="Protesters gather at parliament",
        published=datetime(2024, 6, 3, 20, 0, tzinfo=CEST),
        text=(
            "Protesters gathered outside parliament on Monday. "
            "Officers arrested 40 people, police said."
        ),
    ),
    "a5": Article(
        id="a5", outlet="Valley Times", url="https://valleytimes.example/riot",
        title="Rioters clash with police | 40 held",
        published=datetime(2024, 6, 3, 21, 15, tzinfo=CEST),
        text=(
            "Rioters clashed with police outside parliament. "
            "Police arrested 40 people, according to a human rights observer."
        ),
    ),
}


def span(article_id: str, phrase: str) -> TextSpan:
    """The span of the first occurrence of ``phrase`` in an article (fails loudly if absent)."""
    text = ARTICLES[article_id].text
    start = text.index(phrase)
    return TextSpan.of(text, start, start + len(phrase))


def sentence_of(article_id: str, phrase: str) -> TextSpan:
    """The sentence (split on '. ') that holds ``phrase``."""
    text = ARTICLES[article_id].text
    at = text.index(phrase)
    start = text.rfind(". ", 0, at)
    start = 0 if start < 0 else start + 2
    end = text.find(". ", at)
    end = len(text) if end < 0 else end + 1
    return TextSpan.of(text, start, end)


def sentences(article_id: str) -> tuple[TextSpan, ...]:
    text = ARTICLES[article_id].text
    first_end = text.index(". ") + 1
    return (TextSpan.of(text, 0, first_end), TextSpan.of(text, first_end + 1, len(text)))


# --- attributions ----------------------------------------------------------------------------

def _attributions() -> dict[str, tuple[Attribution, ...]]:
    return {
        "a1": (
            Attribution(
                source=span("a1", "Dam operator Rivex"), cue=span("a1", "said"),
                content=span("a1", "12 villages were evacuated on 4 May"),
                source_kind="organisation",
                chain=(ChainLink("Rivex", "organisation", "said"),),
            ),
            Attribution(
                source=span("a1", "Unverified reports on social media"),
                cue=span("a1", "claim"), content=span("a1", "the spillway failed"),
                source_kind="anonymous",
                # two hops: the outlet that cited the reports, then the anonymous reports
                chain=(
                    ChainLink("Radio Delta", "outlet", "cited by"),
                    ChainLink("social media reports", "anonymous", "claim"),
                ),
            ),
        ),
        "a2": (
            Attribution(
                source=span("a2", "Radio Delta"), cue=span("a2", "reported"),
                content=span("a2", "The spillway collapsed"), source_kind="outlet",
                chain=(
                    ChainLink("Radio Delta", "outlet", "reported"),
                    ChainLink("two unnamed engineers", "anonymous", "citing"),
                ),
            ),
            Attribution(
                source=span("a2", "the provincial governor"), cue=span("a2", "said"),
                content=span("a2", "Around 1,200 residents of 15 villages fled on 5 May"),
                source_kind="official",
                chain=(ChainLink("the provincial governor", "official", "said"),),
            ),
        ),
        "a3": (
            Attribution(
                source=span("a3", "Two engineers, who asked not to be named"),
                cue=span("a3", "told"), content=span("a3", "the spillway failed"),
                source_kind="anonymous",
                chain=(ChainLink("two unnamed engineers", "anonymous", "told"),),
            ),
            Attribution(
                source=span("a3", "The operator Rivex"), cue=span("a3", "said"),
                content=span("a3", "12 villages were evacuated"), source_kind="organisation",
                chain=(ChainLink("Rivex", "organisation", "said"),),
            ),
        ),
        "a4": (
            Attribution(
                source=span("a4", "police"), cue=span("a4", "said"),
                content=span("a4", "Officers arrested 40 people"), source_kind="official",
                chain=(ChainLink("police", "official", "said"),),
            ),
        ),
        "a5": (
            Attribution(
                source=span("a5", "a human rights observer"), cue=span("a5", "according to"),
                content=span("a5", "Police arrested 40 people"), source_kind="person",
                chain=(ChainLink("a human rights observer", "person", "according to"),),
            ),
        ),
    }


def _hedges() -> dict[str, tuple[Hedge, ...]]:
    return {"a1": (Hedge(span("a1", "Unverified"), sentence_of("a1", "Unverified")),)}


# --- claims ----------------------------------------------------------------------------------

def _quantity(article_id: str, phrase: str, value: float, unit: str, **kw) -> Quantity:
    return Quantity(span(article_id, phrase), value, unit, **kw)


def _date(article_id: str, phrase: str, value: date) -> DateMention:
    return DateMention(span(article_id, phrase), value)


def _claim(article_id: str, n: int, text_phrase: str, attribution: Attribution | None,
           hedges=(), quantities=(), dates=(), places=()) -> Claim:
    return Claim(
        id=f"{article_id}#c{n}", span=span(article_id, text_phrase),
        sentence=sentence_of(article_id, text_phrase), attribution=attribution,
        hedges=tuple(hedges), quantities=tuple(quantities), dates=tuple(dates),
        places=tuple(places), actors=(), negated=False, checkworthiness=0.8,
    )


def _claims(att: dict[str, tuple[Attribution, ...]], hedges) -> dict[str, tuple[Claim, ...]]:
    return {
        "a1": (
            _claim("a1", 1, "12 villages were evacuated on 4 May", att["a1"][0],
                   quantities=[_quantity("a1", "12 villages", 12, "villages")],
                   dates=[_date("a1", "4 May", date(2024, 5, 4))]),
            _claim("a1", 2, "the spillway failed", att["a1"][1], hedges=hedges["a1"]),
        ),
        "a2": (
            _claim("a2", 1, "The spillway collapsed", att["a2"][0]),
            _claim("a2", 2, "Around 1,200 residents of 15 villages fled on 5 May", att["a2"][1],
                   quantities=[
                       _quantity("a2", "Around 1,200 residents", 1200, "residents",
                                 qualifier="about"),
                       _quantity("a2", "15 villages", 15, "villages"),
                   ],
                   dates=[_date("a2", "5 May", date(2024, 5, 5))]),
        ),
        "a3": (
            _claim("a3", 1, "the spillway failed", att["a3"][0]),
            _claim("a3", 2, "12 villages were evacuated", att["a3"][1],
                   quantities=[_quantity("a3", "12 villages", 12, "villages")]),
        ),
        "a4": (
            _claim("a4", 1, "Officers arrested 40 people", att["a4"][0],
                   quantities=[_quantity("a4", "40 people", 40, "people")],
                   places=[Entity(span("a4", "parliament"), "FAC")]),
        ),
        "a5": (
            _claim("a5", 1, "Police arrested 40 people", att["a5"][0],
                   quantities=[_quantity("a5", "40 people", 40, "people")]),
        ),
    }


def _mention(claim: Claim, chain: tuple[ChainLink, ...]) -> Mention:
    article_id = claim.id.split("#")[0]
    outlet = ARTICLES[article_id].outlet
    full = (ChainLink(outlet, "outlet", "published"), *chain)
    origin = full[-1].name
    return Mention(claim, article_id, outlet, full, origin, origin.lower())


def _chain(claim: Claim) -> tuple[ChainLink, ...]:
    return claim.attribution.chain if claim.attribution else ()


def _groups(claims: dict[str, tuple[Claim, ...]]) -> tuple[tuple[ClaimGroup, ...], ...]:
    m = {c.id: _mention(c, _chain(c)) for cs in claims.values() for c in cs}
    evac = ClaimGroup(
        id="s1-g1", text="Villages were evacuated below the dam", status="conflicting",
        independent_origins=2, origins=("Rivex", "the provincial governor"),
        mentions=(m["a1#c1"], m["a2#c2"], m["a3#c2"]),
        conflicts=(
            Conflict("number", 0, 1, "12 villages (Coast Herald) vs 15 villages (Valley Times)"),
            Conflict("date", 0, 1, "4 May (Coast Herald) vs 5 May (Valley Times): one day apart",
                     minor=True),
        ),
        explanation="3 outlets, 2 origins, which disagree on the number of villages",
    )
    spill = ClaimGroup(
        id="s1-g2", text="The spillway failed", status="single_origin", independent_origins=1,
        origins=("Radio Delta",),
        mentions=(m["a1#c2"], m["a2#c1"], m["a3#c1"]),
        conflicts=(),
        explanation="3 outlets, all from one origin: Radio Delta's unnamed sources",
    )
    residents = ClaimGroup(
        id="s1-g3", text="Around 1,200 residents fled", status="unique", independent_origins=1,
        origins=("the provincial governor",), mentions=(m["a2#c2"],), conflicts=(),
        explanation="only Valley Times reports it",
    )
    arrests = ClaimGroup(
        id="s2-g1", text="Police arrested 40 people", status="corroborated", independent_origins=2,
        origins=("police", "a human rights observer"),
        mentions=(m["a4#c1"], m["a5#c1"]), conflicts=(),
        explanation="2 outlets, 2 independent origins: police; a human rights observer",
    )
    return (evac, spill, residents), (arrests,)


def _framing_terms() -> dict[str, tuple[FramingTerm, ...]]:
    return {
        "a4": (FramingTerm("protesters", "protesters", span("a4", "Protesters")),
               FramingTerm("police", "officers", span("a4", "Officers"))),
        "a5": (FramingTerm("protesters", "rioters", span("a5", "Rioters")),
               FramingTerm("police", "police", span("a5", "police"))),
    }


def _analysis(article_id: str, att, hedges, claims, framing) -> Analysis:
    cs = claims.get(article_id, ())
    return Analysis(
        article=ARTICLES[article_id], sentences=sentences(article_id),
        entities=tuple(p for c in cs for p in c.places),
        quantities=tuple(q for c in cs for q in c.quantities),
        dates=tuple(d for c in cs for d in c.dates),
        attributions=att.get(article_id, ()), hedges=hedges.get(article_id, ()),
        claims=cs, framing=framing.get(article_id, ()),
    )


def sample_report() -> Report:
    att = _attributions()
    hedges = _hedges()
    claims = _claims(att, hedges)
    framing = _framing_terms()
    analyses = tuple(_analysis(i, att, hedges, claims, framing) for i in ARTICLES)
    dam_groups, protest_groups = _groups(claims)
    dam = StoryReport(
        Story("s1", "Rivex dam spillway failure", ("a1", "a2", "a3")), dam_groups, (),
    )
    protest = StoryReport(
        Story("s2", "Protest outside parliament", ("a4", "a5")), protest_groups,
        (
            Framing("protesters", {"Coast Herald": ("protesters",), "Valley Times": ("rioters",)}),
            Framing("police", {"Coast Herald": ("officers",), "Valley Times": ("police",)}),
        ),
    )
    problems = (
        IngestProblem("feeds/broken.xml", "not a valid RSS or Atom feed"),
        IngestProblem("articles/short.txt", "text shorter than 80 characters", skipped=True),
        IngestProblem("articles/latin1.txt", "decoded as cp1252 (no charset given)",
                      skipped=False),
    )
    return Report(analyses=analyses, stories=(dam, protest), problems=problems)

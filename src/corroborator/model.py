"""The one data model that flows through the pipeline.

ingest -> Article; analyze -> Analysis; stories -> Story; align + provenance -> ClaimGroup;
report -> Report. Everything that points into an article's text is a ``TextSpan`` whose
``text`` equals ``article.text[start:end]`` (a property the tests check for every span).

All classes are frozen dataclasses: stages build new values instead of mutating old ones,
which keeps caching and parallel execution honest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

SourceKind = Literal[
    "person", "organisation", "outlet", "official", "party", "anonymous", "unknown"
]
SOURCE_KINDS: tuple[str, ...] = (
    "person", "organisation", "outlet", "official", "party", "anonymous", "unknown",
)
ClaimStatus = Literal["corroborated", "single_origin", "conflicting", "unique"]
ConflictKind = Literal["number", "date", "place", "negation", "actor"]
# How a quantity's value is bounded: "exact" 12; "at_least" "at least 12", "12 or more";
# "more_than" "more than 12", "over 12"; "about" "about/around/some 12"; "up_to" "up to 12";
# "less_than" "fewer than 12"; "range" "12 to 15"; "vague" "dozens", "thousands of".
Qualifier = Literal[
    "exact", "at_least", "more_than", "about", "up_to", "less_than", "range", "vague"
]


@dataclass(frozen=True)
class TextSpan:
    start: int
    end: int
    text: str

    def to_json(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end}

    @staticmethod
    def of(text: str, start: int, end: int) -> TextSpan:
        """The span of ``text[start:end]`` (the only safe way to build one)."""
        return TextSpan(start, end, text[start:end])


@dataclass(frozen=True)
class Article:
    id: str
    outlet: str
    text: str
    url: str | None = None
    title: str | None = None
    published: datetime | None = None
    source: str = ""  # where it came from: file path, "file.jsonl:12", URL
    content_hash: str = ""  # sha256 of the normalised text; the dedup and cache key


@dataclass(frozen=True)
class IngestProblem:
    """An input that was skipped or read with a caveat; shown to the user, never fatal."""
    source: str
    reason: str
    skipped: bool = True


@dataclass(frozen=True)
class Entity:
    span: TextSpan
    label: str  # spaCy label: PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, ...


@dataclass(frozen=True)
class Quantity:
    span: TextSpan
    value: float  # the point value (for ranges: the low end)
    unit: str  # normalised noun it counts ("villages", "people", "percent", "usd", ...)
    qualifier: Qualifier = "exact"
    high: float | None = None  # upper end of a range; None when not a range

    def bounds(self) -> tuple[float, float]:
        """Closed interval of values the wording allows (before any tolerance)."""
        v = self.value
        match self.qualifier:
            case "range" | "vague":
                return v, self.high if self.high is not None else v
            case "at_least" | "more_than":
                return v, float("inf")
            case "up_to" | "less_than":
                return 0.0, v
            case _:
                return v, v


@dataclass(frozen=True)
class DateMention:
    span: TextSpan
    value: date
    relative: bool = False  # resolved against the publication date ("yesterday")


@dataclass(frozen=True)
class ChainLink:
    """One hop of provenance: who said it, how (the cue), and what kind of source that is."""
    name: str
    kind: SourceKind
    cue: str


@dataclass(frozen=True)
class Attribution:
    source: TextSpan
    cue: TextSpan
    content: TextSpan
    source_kind: SourceKind
    # The cited chain from the first cited party to the origin, e.g. for "the agency
    # reported, citing two unnamed officials": [agency/outlet/reported, officials/anonymous/citing].
    # The publishing outlet is not included here; provenance prepends it.
    chain: tuple[ChainLink, ...] = ()
    # What the cue attributes: "speech" (said, told, according to, wrote, asked), "belief"
    # (thinks, believes, expects, fears), "intention" (wants, plans, hopes to, vows) or "evidence"
    # (a poll shows, a study found). Only speech reports a claim; the other kinds are kept for
    # completeness (PolNeAR annotates them) and are ignored by claims and chains.
    cue_type: str = "speech"
    # The pieces of a discontinuous content ('"We are ready," she said, "and we will win."'), in
    # text order; empty when ``content`` is one piece. ``content`` then covers them all (PolNeAR's
    # convention), cue and source included.
    content_parts: tuple[TextSpan, ...] = ()


@dataclass(frozen=True)
class Hedge:
    span: TextSpan
    scope: TextSpan  # the stretch of text the hedge weakens (usually its sentence or clause)


@dataclass(frozen=True)
class FramingTerm:
    referent: str  # the referent class the term names, e.g. "protesters", "deaths", "government"
    term: str  # the normalised term, e.g. "rioters", "were slaughtered"
    span: TextSpan


@dataclass(frozen=True)
class Claim:
    """A check-worthy statement in one article, with everything the cross-source stage needs."""
    id: str  # "<article id>#c<n>"
    span: TextSpan  # the claim text (usually a sentence, or an attribution's content)
    sentence: TextSpan
    attribution: Attribution | None
    hedges: tuple[Hedge, ...]
    quantities: tuple[Quantity, ...]
    dates: tuple[DateMention, ...]
    places: tuple[Entity, ...]
    actors: tuple[Entity, ...]
    negated: bool
    checkworthiness: float  # 0..1

    @property
    def hedged(self) -> bool:
        return bool(self.hedges)


@dataclass(frozen=True)
class Analysis:
    article: Article
    sentences: tuple[TextSpan, ...]
    entities: tuple[Entity, ...]
    quantities: tuple[Quantity, ...]
    dates: tuple[DateMention, ...]
    attributions: tuple[Attribution, ...]
    hedges: tuple[Hedge, ...]
    claims: tuple[Claim, ...]
    framing: tuple[FramingTerm, ...]


StoryEventKind = Literal["new", "join", "merge", "split", "move"]


@dataclass(frozen=True)
class StoryEvent:
    """One online clustering decision, kept in the story's history (oldest first).

    ``new``: ``article_id`` opened the story; ``join``: it joined; ``merge``: story
    ``other_story_id`` was folded into ``story_id`` (``article_id`` = the arrival that triggered
    it); ``split``: part of the story was cut off into ``other_story_id``; ``move``: article
    ``article_id`` was moved here from story ``other_story_id`` (or out of it into a new story).
    ``story_id`` is the id of the final story that holds the event (``Story.id``);
    ``other_story_id`` of a merge, split or move is the id that story had at that moment (digest
    of its article ids then).
    """
    kind: StoryEventKind
    article_id: str | None
    story_id: str
    other_story_id: str | None
    confidence: float  # 0..1: how clearly the decision beat its alternative
    reason: str  # a sentence a reader can check, e.g. "joined: score 0.62 >= 0.45 (2nd 0.31)"


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    article_ids: tuple[str, ...]
    # Added for issue 4 (online clustering): the weakest join confidence among the story's
    # articles (1.0 for a single article) and the decisions that built the story.
    confidence: float = 1.0
    history: tuple[StoryEvent, ...] = ()


@dataclass(frozen=True)
class Mention:
    """A claim as one article states it, with its provenance resolved."""
    claim: Claim
    article_id: str
    outlet: str
    chain: tuple[ChainLink, ...]  # publishing outlet first, origin last
    origin: str  # display name of the origin
    origin_key: str  # normalised identity used to count independent origins
    # Added for issue 6 (optional, at the end): when the article was published (orders figures
    # over time), and the id of the article this one is a syndicated copy of ("" = none).
    published: datetime | None = None
    syndicated_from: str = ""
    # The kind of the resolved origin (for a mention reached through an outlet: the kind of what
    # that outlet relayed); "" when unknown. Decides whether a conflict is between parties.
    origin_kind: str = ""


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    a: int  # index into ClaimGroup.mentions
    b: int
    detail: str  # a sentence a reader can check
    minor: bool = False  # e.g. a one-day gap that time zones explain
    # Added for issue 6. Who disagrees: "parties" = opposing sides (party/official origins)
    # give incompatible accounts; "outlets" = outlets disagree about one origin's statement;
    # "origins" = different, not opposing, sources disagree; "reports" = not determined.
    between: str = "reports"
    # True when one side is an older figure printed after a newer one existed: minor, and it
    # does not make the claim "conflicting" on its own.
    outdated: bool = False
    # Added for issue 6 (scale): when more pairs of reports disagree the same way (one kind, the
    # same two values, the same kind of sides) than Settings.conflict_pairs_listed_max, one
    # conflict stands for them all: ``a_side`` holds the mentions that say what ``a`` says
    # (``a`` included) and disagree this way with some mention of ``b_side``; ``b_side`` the
    # same for ``b``. Not every pair across the sides need disagree (a figure one source raised
    # over time is an evolution). Empty (the default): the conflict is just the pair a, b.
    a_side: tuple[int, ...] = ()
    b_side: tuple[int, ...] = ()


@dataclass(frozen=True)
class Evolution:
    """One value of a figure that changes over publication time (a death toll rising between
    reports): ``ClaimGroup.evolving`` lists them oldest first, instead of calling them a
    conflict."""
    mention: int  # index into ClaimGroup.mentions
    article_id: str
    value: float
    text: str  # the quantity as written, e.g. "19 people"
    published: datetime | None


@dataclass(frozen=True)
class ClaimGroup:
    id: str
    text: str  # canonical wording
    status: ClaimStatus
    independent_origins: int
    origins: tuple[str, ...]
    mentions: tuple[Mention, ...]
    conflicts: tuple[Conflict, ...]
    explanation: str  # the status in words, e.g. "3 outlets, all from one origin: Rivex"
    # Added for issue 6: the values of a figure that changed over time from one origin (not
    # conflicts), in publication order; empty when the figure did not change.
    evolving: tuple[Evolution, ...] = ()


@dataclass(frozen=True)
class Framing:
    referent: str
    terms: dict[str, tuple[str, ...]]  # outlet -> terms it uses
    # Added for issue 6: outlet -> phrases characterising a named actor ("so-called", "which
    # the government designates a terrorist group"); empty for lexicon referent classes.
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class StoryReport:
    story: Story
    claims: tuple[ClaimGroup, ...]
    framing: tuple[Framing, ...]
    # Added for issue 6: articles that reprint another article of the story (wire copies).
    syndicated: tuple[Syndication, ...] = ()
    # Each outlet's record within this story (hedging rate, anonymous sourcing, ...).
    outlet_profiles: tuple[OutletProfile, ...] = ()


@dataclass(frozen=True)
class Syndication:
    """Article ``copy`` reprints article ``of`` (near-identical body, published later)."""
    copy: str
    of: str
    similarity: float  # word 5-shingle Jaccard similarity of the two bodies (0..1)


@dataclass(frozen=True)
class Report:
    analyses: tuple[Analysis, ...]
    stories: tuple[StoryReport, ...]
    problems: tuple[IngestProblem, ...] = field(default=())

    def analysis(self, article_id: str) -> Analysis:
        for a in self.analyses:
            if a.article.id == article_id:
                return a
        raise KeyError(article_id)


TimelineEventKind = Literal["first", "followed", "hedged", "confirmed", "contradicted"]


@dataclass(frozen=True)
class TimelineEvent:
    """One moment in a claim's life across outlets (built by ``corroborator.timeline``)."""
    kind: TimelineEventKind
    article_id: str
    outlet: str
    published: datetime | None  # the article's publication time; None when unknown
    note: str  # a sentence a reader can check, e.g. "2nd independent origin: the governor"
    hedged: bool = False  # this report weakens the claim (the first report may be hedged too)


# --- outlet profiles (built by corroborator.profile) ---------------------------------------

@dataclass(frozen=True)
class Share:
    count: int
    total: int
    explanation: str  # what was counted, in words

    @property
    def rate(self) -> float | None:
        return self.count / self.total if self.total else None

    def percent(self) -> str:
        """"3/8 (38%)", or "0/0" when there is nothing to count."""
        return f"{self.count}/{self.total} ({self.rate:.0%})" if self.total else "0/0"


@dataclass(frozen=True)
class OutletProfile:
    outlet: str
    articles: int
    claims: int  # mentions: one per claim the outlet states in one article
    corroborated: Share
    contradicted: Share
    anonymous: Share
    hedged: Share

    @property
    def hedging_rate(self) -> float:
        """Share of this outlet's claim mentions that are hedged (0 when it has none)."""
        return self.hedged.rate or 0.0

"""What the story stage reads of one article, and the pairwise signals built from it.

Each article becomes ``Features``: its title + lead embedding, sublinear TF-IDF terms of the
opening text, typed entity names (persons, places, organisations), the years it names and typed
facts (weekdays, counted quantities). ``stories.py`` compares these online; IDF is online too
(``DocumentFrequencies``: the articles seen so far).
"""

from __future__ import annotations

import calendar
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from .analysis.quantities import duration_units
from .ingest.language import english_stopwords
from .model import Analysis
from .settings import Settings

# Entity labels that identify an event, grouped by what they tell apart.
ENTITY_TYPES: dict[str, frozenset[str]] = {
    "person": frozenset({"PERSON"}),
    "place": frozenset({"GPE", "LOC", "FAC"}),
    "org": frozenset({"ORG", "EVENT", "NORP"}),
}


STORY_ENTITY_LABELS = frozenset().union(*ENTITY_TYPES.values())


_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


_TERM = re.compile(r"[^\W_]{2,}")


_WEEKDAY = re.compile(r"\b(" + "|".join(calendar.day_name) + r")\b", re.IGNORECASE)


@dataclass
class Features:
    """What the story stage reads of one article."""
    article_id: str
    vector: np.ndarray
    terms: Counter[str]  # sublinear term weights of title + opening text
    entities: dict[str, set[str]]  # entity type -> normalised names
    published: datetime | None
    years: set[int] = field(default_factory=set)  # years the text names explicitly
    facts: set[str] = field(default_factory=set)  # "weekday:friday", "count:people=3"


class DocumentFrequencies:
    """Online document frequencies of terms and entities (the articles seen so far)."""

    def __init__(self) -> None:
        self.count = 0
        self.df: Counter[str] = Counter()

    def add(self, keys: set[str]) -> None:
        self.count += 1
        self.df.update(keys)

    def idf(self, key: str) -> float:
        return math.log((1 + self.count) / (1 + self.df[key])) + 1.0


def story_text(analysis: Analysis, settings: Settings) -> str:
    article = analysis.article
    lead = article.text[: settings.story_lead_chars]
    return f"{article.title}. {lead}" if article.title else lead


def story_entities(analysis: Analysis) -> set[str]:
    return {
        normalise_entity(e.span.text)
        for e in analysis.entities
        if e.label in STORY_ENTITY_LABELS and normalise_entity(e.span.text)
    }


def article_features(analysis: Analysis, vector: np.ndarray, settings: Settings) -> Features:
    article = analysis.article
    text = f"{article.title or ''}\n{article.text[: settings.story_terms_chars]}"
    stopwords = english_stopwords()
    counts = Counter(t for t in _TERM.findall(text.lower()) if t not in stopwords)
    terms = Counter({t: 1.0 + math.log(n) for t, n in counts.items()})
    entities: dict[str, set[str]] = {kind: set() for kind in ENTITY_TYPES}
    for entity in analysis.entities:
        if entity.span.start >= settings.story_terms_chars:
            continue  # late mentions are background (earlier events, comparisons)
        name = normalise_entity(entity.span.text)
        for kind, labels in ENTITY_TYPES.items():
            if name and entity.label in labels:
                entities[kind].add(name)
    published = article.published
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    opening = f"{article.title or ''}\n{article.text[: settings.story_years_chars]}"
    years = {int(y) for y in _YEAR.findall(opening)}
    years |= {d.value.year for d in analysis.dates
              if not d.relative and d.span.start < settings.story_years_chars}
    return Features(article.id, vector, terms, entities, published, years,
                     _facts(analysis, settings.story_facts_chars))


def _facts(analysis: Analysis, limit: int) -> set[str]:
    """Typed specifics of the opening: weekdays named, and counted quantities (unit=value).
    Two reports of one event rarely disagree on both; two similar events usually differ."""
    article = analysis.article
    opening = f"{article.title or ''}\n{article.text[:limit]}"
    facts = {f"weekday:{day.lower()}" for day in _WEEKDAY.findall(opening)}
    facts |= {f"count:{q.unit}={q.value:g}" for q in analysis.quantities
              # lengths of time ("22 years" with the company, "a ten-day tour") describe people
              # and plans more than the event: two reports of one crash give a tenure differently
              if q.span.start < limit and q.unit and q.unit not in duration_units()}
    return facts




def fact_conflicts(mine: set[str], theirs: set[str], tolerance: float = 0.0,
                   weekdays: bool = True) -> int:
    """How many fact types (weekday; each counted unit) both sides name with no value shared;
    counts within ``tolerance`` (relative) of each other are shared ("61 percent" ~ "61.4")."""
    conflicts = 0
    kinds = {f.split("=")[0] if "=" in f else "weekday" for f in mine}
    for kind in kinds if weekdays else kinds - {"weekday"}:
        a = {f for f in mine if f.startswith(kind)}
        b = {f for f in theirs if f.startswith(kind)}
        conflicts += bool(a and b and not a & b and not _close(a, b, tolerance))
    return conflicts


def _close(a: set[str], b: set[str], tolerance: float) -> bool:
    """Whether some count of ``a`` and some of ``b`` differ by at most ``tolerance``."""
    if tolerance <= 0:
        return False
    values_a = [float(f.split("=", 1)[1]) for f in a if "=" in f]
    values_b = [float(f.split("=", 1)[1]) for f in b if "=" in f]
    return any(abs(x - y) <= tolerance * max(abs(x), abs(y)) for x in values_a for y in values_b)


def entity_keys(entities: dict[str, set[str]]) -> set[str]:
    return {f"{kind}:{name}" for kind, names in entities.items() for name in names}


def tfidf_cosine(a: Counter[str], b: Counter[str], frequencies: DocumentFrequencies) -> float:
    if not a or not b:
        return 0.0
    idf = {t: frequencies.idf(t) for t in a.keys() | b.keys()}
    dot = sum(w * b[t] * idf[t] ** 2 for t, w in a.items() if t in b)
    norm_a = math.sqrt(sum((w * idf[t]) ** 2 for t, w in a.items()))
    norm_b = math.sqrt(sum((w * idf[t]) ** 2 for t, w in b.items()))
    return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


def entity_share(kind: str, mine: set[str], theirs: set[str],
                  frequencies: DocumentFrequencies) -> float:
    """IDF-weighted share of the article's entities of one type that the other side has:
    a rare shared name ("Tara Reid") counts more than a common one ("U.S.")."""
    if not mine or not theirs:
        return 0.0
    weights = {name: frequencies.idf(f"{kind}:{name}") for name in mine}
    return sum(w for name, w in weights.items() if name in theirs) / sum(weights.values())


def normalise_entity(text: str) -> str:
    text = re.sub(r"^(the|a|an)\s+", "", text.strip().lower())
    return re.sub(r"['’]s$", "", text)

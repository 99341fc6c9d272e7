"""Named actors as framing referents: one referent per organisation across a story's outlets.

Each article records its actor mentions (names, acronyms, definite descriptions) and their labels
as reserved FramingTerms (see analysis/framing.py). Here names that denote one entity across
outlets ("NLA" / "National Liberation Army") become one referent, named by its longest full name;
descriptions are tied to a named actor only when that is unambiguous.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .analysis.framing import (
    ACTOR,
    ACTOR_DESCRIPTION,
    ACTOR_LABEL,
    ARMED_ACTOR,
    ARMED_DESCRIPTION,
)
from .model import Analysis, Framing
from .provenance import normalise_name, same_entity


@dataclass
class _Actor:
    names: list[str]  # display forms, as written (without a leading "the")
    keys: list[str]  # normalise_name of each
    armed: bool = False


def actor_framing(members: Sequence[Analysis]) -> list[Framing]:
    """One Framing per named actor that two or more outlets mention: each outlet's terms for it
    and the labels it attaches to it."""
    actors = _group_actors(members)
    terms: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    labels: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for analysis in members:
        outlet = analysis.article.outlet
        anchors: dict[int, int] = {}  # span start of a mention -> actor index
        for term in analysis.framing:
            if term.referent == ACTOR_LABEL:
                index = anchors.get(term.span.start)
                if index is not None:
                    _add(labels[index][outlet], term.term)
                continue
            index = _resolve(term.referent, term.term, actors, analysis)
            if index is not None:
                anchors[term.span.start] = index
                _add(terms[index][outlet], term.term)
    return [
        Framing(_display(actors[i]), {o: tuple(ts) for o, ts in sorted(by_outlet.items())},
                {o: tuple(ls) for o, ls in sorted(labels[i].items())})
        for i, by_outlet in sorted(terms.items()) if len(by_outlet) >= 2
    ]


def _group_actors(members: Sequence[Analysis]) -> list[_Actor]:
    """Names that denote one entity (same_entity on their identity keys), across articles."""
    actors: list[_Actor] = []
    for analysis in members:
        for term in analysis.framing:
            if term.referent not in (ACTOR, ARMED_ACTOR):
                continue
            key = normalise_name(term.span.text)
            actor = next((a for a in actors if any(same_entity(key, k) for k in a.keys)), None)
            if actor is None:
                actor = _Actor([], [])
                actors.append(actor)
            actor.names.append(_strip_the(term.span.text))
            actor.keys.append(key)
            actor.armed = actor.armed or term.referent == ARMED_ACTOR
    return actors


def _resolve(referent: str, term: str, actors: list[_Actor], analysis: Analysis) -> int | None:
    """The actor a mention stands for, or None when it is no actor mention or is ambiguous."""
    if referent in (ACTOR, ARMED_ACTOR):
        key = normalise_name(term)
        return next((i for i, a in enumerate(actors) if key in a.keys), None)
    if referent == ACTOR_DESCRIPTION:
        # "the party": the one actor whose name ends in "party", in this article, else the story
        head = term.split()[-1]
        named_here = {normalise_name(t.span.text) for t in analysis.framing
                      if t.referent in (ACTOR, ARMED_ACTOR)}
        local = [i for i, a in enumerate(actors) if _ends_in(a, head) and named_here & set(a.keys)]
        story = [i for i, a in enumerate(actors) if _ends_in(a, head)]
        return _only(local) if local else _only(story)
    if referent == ARMED_DESCRIPTION:
        # "the rebel group": the story's one actor that outlets tie to rebel words
        return _only([i for i, a in enumerate(actors) if a.armed])
    return None


def _ends_in(actor: _Actor, head: str) -> bool:
    return any(key.split()[-1] == head for key in actor.keys if " " in key)


def _only(indices: list[int]) -> int | None:
    return indices[0] if len(indices) == 1 else None


def _display(actor: _Actor) -> str:
    """The longest full name, the most used one among equally long names."""
    return max(actor.names, key=lambda n: (len(n), actor.names.count(n)))


def _strip_the(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name


def _add(used: list[str], value: str) -> None:
    if value not in used:
        used.append(value)

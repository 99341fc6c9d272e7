"""Actor conflicts: the same act done by a different agent ("police fired first" vs "protesters
fired first"; "the army shelled the village" vs "rebels shelled the village").

Each claim's main clause is parsed once (cached per text) to find its verb and its doer: the
active subject or the passive "by" phrase. Doers are actor classes from the conflicts lexicon
("riot police" -> security forces) or named entities; pronouns and unlisted nouns are never
compared, so no conflict is claimed on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .analysis.lexicon import load_lexicon
from .model import Mention
from .provenance import normalise_name, same_entity


@dataclass(frozen=True)
class _Lexicon:
    actor_class: dict[str, str]  # word or phrase -> class name
    speech_verbs: frozenset[str]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    classes = load_lexicon("conflicts")["actor_classes"]
    cues = load_lexicon("attribution")["cues"]
    return _Lexicon(
        actor_class={w: name for name, words in classes.items() for w in words},
        speech_verbs=frozenset(cues["speech_verbs"]) | frozenset(cues["citing_verbs"]),
    )


def actor_disagreement(a: Mention, b: Mention, spacy_model: str) -> str | None:
    """Why ``a`` and ``b`` name different doers of the same act, or None when they do not."""
    act_a = _main_act(a.claim.span.text, spacy_model)
    act_b = _main_act(b.claim.span.text, spacy_model)
    if act_a is None or act_b is None or act_a.verb != act_b.verb:
        return None
    if act_a.named != act_b.named or act_a.agent == act_b.agent:
        return None  # "police" vs "the Nordland police": a class and a name may be one actor
    if act_a.named and same_entity(act_a.agent, act_b.agent):
        return None
    # "Police clashed with protesters" / "Rioters clashed with police": both name both sides, so
    # they describe one act from two ends, not two different doers.
    if act_b.agent in act_a.participants or act_a.agent in act_b.participants:
        return None
    return (f"{a.outlet} says {act_a.phrase} {act_a.verb_text} (from {a.origin}) but "
            f"{b.outlet} says {act_b.phrase} did (from {b.origin})")


@dataclass(frozen=True)
class _Act:
    phrase: str  # the agent as written, "Police"
    agent: str  # its identity: an actor class ("security forces") or a normalised name
    named: bool  # identity is a name, not a class
    verb: str  # lemma of the main verb
    verb_text: str
    participants: frozenset[str]  # identities of every actor the claim names


@lru_cache(maxsize=4096)
def _main_act(text: str, model: str) -> _Act | None:
    """Who did what in the claim's main clause: "Police fired first" -> Police / fire. None when
    the verb is a speech verb or the agent is unknown (a pronoun, an unlisted noun)."""
    from .analysis.nlp import load_nlp

    doc = load_nlp(model)(text)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in ("VERB", "AUX") or root.lemma_ in _lexicon().speech_verbs:
        return None
    agent = _agent_token(root)
    if agent is None:
        return None
    identity = _actor_identity(agent)
    if identity is None:
        return None
    participants = {found for t in doc if t.pos_ in ("NOUN", "PROPN")
                    for found in [_actor_identity(t)] if found is not None}
    return _Act(_phrase(agent), identity[0], identity[1], root.lemma_, root.text,
                frozenset(p[0] for p in participants))


def _agent_token(root):
    """The doer: the active subject, or the "by" phrase of a passive ("was shelled by rebels")."""
    for child in root.children:
        if child.dep_ == "nsubj":
            return child
    for child in root.children:
        if child.dep_ == "agent":
            return next((t for t in child.children if t.dep_ == "pobj"), None)
    return None


def _phrase(token) -> str:
    return token.doc[token.left_edge.i:token.i + 1].text


def _actor_identity(token) -> tuple[str, bool] | None:
    """(identity, is a name): an actor class from the lexicon for its head or compound ("riot
    police" -> security forces), else the normalised name of a named entity ("the National
    Liberation Army"); None for pronouns and unlisted nouns (no conflict is claimed on them)."""
    words = normalise_name(_phrase(token)).split()
    classes = _lexicon().actor_class
    proper_outside = [t for t in token.subtree if t.pos_ == "PROPN" and t.i < token.i]
    if token.pos_ != "PROPN" and not proper_outside:
        for size in (3, 2, 1):  # the longest known phrase ending at the head wins
            tail = " ".join(words[-size:])
            if len(words) >= size and tail in classes:
                return classes[tail], False
        if token.lemma_.lower() in classes:
            return classes[token.lemma_.lower()], False
    if token.ent_type_ in ("PERSON", "ORG", "NORP"):
        return normalise_name(_phrase(token)), True
    return None

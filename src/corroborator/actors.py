"""Actor conflicts: the same act done by a different agent ("police fired first" vs "protesters
fired first"; "the army shelled the village" vs "rebels shelled the village").

Each claim's main clause is parsed once (cached per text; the texts of a group parsed in one
batch) to find its verb and its doer: the active subject or the passive "by" phrase. Doers are
actor classes from the conflicts lexicon ("riot police" -> security forces) or named entities;
pronouns and unlisted nouns are never compared, so no conflict is claimed on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .analysis.lexicon import load_lexicon
from .model import Mention
from .provenance import normalise_name, same_entity


@dataclass(frozen=True)
class _Lexicon:
    actor_class: dict[str, str]  # word or phrase -> class name
    speech_verbs: frozenset[str]
    charges: dict[str, frozenset[str]]  # "accuse" -> {"of"}: the deed follows that preposition


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    classes = load_lexicon("conflicts")["actor_classes"]
    cues = load_lexicon("attribution")["cues"]
    return _Lexicon(
        actor_class={w: name for name, words in classes.items() for w in words},
        speech_verbs=frozenset(cues["speech_verbs"]) | frozenset(cues["citing_verbs"]),
        charges={verb: frozenset(preps) for verb, preps in cues["charge_prepositions"].items()},
    )


def actor_disagreement(a: Mention, b: Mention, spacy_model: str) -> str | None:
    """Why ``a`` and ``b`` name different doers of the same act, or None when they do not."""
    act_a, act_b = main_acts([a.claim.span.text, b.claim.span.text], spacy_model)
    return acts_disagreement(a, b, act_a, act_b)


def acts_disagreement(a: Mention, b: Mention, act_a: _Act | None, act_b: _Act | None
                      ) -> str | None:
    """``actor_disagreement`` for acts already parsed (``main_acts``)."""
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


def act_key(act: _Act | None) -> tuple | None:
    """What ``acts_disagreement`` decides on (not the wording): equal keys, equal answers."""
    return None if act is None else (act.verb, act.agent, act.named, act.participants)


# Parsed acts by (model, claim text), kept across groups and stories of a run: a claim text is
# parsed once, however many pairs compare it. Cleared when it grows past this many texts.
_ACTS: dict[tuple[str, str], _Act | None] = {}
_ACTS_MAX = 100_000
_PARSE_BATCH = 256


def main_acts(texts: Sequence[str], model: str) -> list[_Act | None]:
    """The main act of each text (see ``_main_act``), parsing the texts not seen before in
    batches (``nlp.pipe`` is faster than one call per text)."""
    from .analysis.nlp import load_nlp

    missing = list(dict.fromkeys(t for t in texts if (model, t) not in _ACTS))
    if len(_ACTS) + len(missing) > _ACTS_MAX:
        _ACTS.clear()
    if missing:
        nlp = load_nlp(model)
        for text, doc in zip(missing, nlp.pipe(missing, batch_size=_PARSE_BATCH), strict=True):
            _ACTS[(model, text)] = _main_act(doc)
    return [_ACTS[(model, t)] for t in texts]


@dataclass(frozen=True)
class _Act:
    phrase: str  # the agent as written, "Police"
    agent: str  # its identity: an actor class ("security forces") or a normalised name
    named: bool  # identity is a name, not a class
    verb: str  # lemma of the main verb
    verb_text: str
    participants: frozenset[str]  # identities of every actor the claim names


def _main_act(doc) -> _Act | None:
    """Who did what in the claim's main clause: "Police fired first" -> Police / fire. None when
    the verb is a speech verb or the agent is unknown (a pronoun, an unlisted noun)."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    charged = _charged_deed(root)
    if charged is not None:
        verb, agent = charged
    elif root.pos_ not in ("VERB", "AUX") or root.lemma_ in _lexicon().speech_verbs:
        return None
    else:
        verb, agent = root, _agent_token(root)
    if agent is None:
        return None
    identity = _actor_identity(agent)
    if identity is None:
        return None
    # A charge's deed is a gerund ("accused the army of starting"): "the army starting" does
    # not read as a sentence, so the explanation says "the army did".
    verb_text = "did" if verb.tag_ == "VBG" else verb.text
    return _Act(_phrase(agent), identity[0], identity[1], verb.lemma_, verb_text,
                _participants(verb, agent))


def _charged_deed(root):
    """(deed verb, doer) of a charge: "accused the army of starting the fighting" says the army
    started it, so the act compared is "start" with the army as its doer. A claim taken from
    such a charge is only its content, "the army of starting the fighting", parsed with the
    accused as its root. None otherwise."""
    lexicon = _lexicon()
    if root.pos_ in ("NOUN", "PROPN"):
        accused, preps = root, frozenset().union(*lexicon.charges.values())
    else:
        accused = next((t for t in root.children if t.dep_ == "dobj"), None)
        preps = lexicon.charges.get(root.lemma_, frozenset())
    if accused is None:
        return None
    for prep in root.children:
        if prep.dep_ == "prep" and prep.lower_ in preps:
            deed = next((t for t in prep.children if t.dep_ == "pcomp" and t.tag_ == "VBG"), None)
            if deed is not None:
                return deed, accused
    return None


# Dependencies of a verb's own arguments: who or what takes part in that act itself.
_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "dative", "attr"})


def _participants(verb, agent) -> frozenset[str]:
    """Identities of the actors that take part in the act itself: the doer and the verb's own
    arguments ("clashed with protesters"), not words deeper inside them ("attacking an army
    checkpoint" names a checkpoint, not the army as a party to the act)."""
    tokens = [agent]
    for child in verb.children:
        if child.dep_ in _ARGUMENT_DEPS:
            tokens.append(child)
        elif child.dep_ in ("prep", "agent"):
            tokens.extend(t for t in child.children if t.dep_ == "pobj")
    tokens.extend(c for t in list(tokens) for c in t.conjuncts)
    return frozenset(found[0] for t in tokens for found in [_actor_identity(t)] if found)


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

"""Ground truth of the example corpus, and how predicted report data is matched against it.

The ground truth (examples/ground_truth.yaml) names each mention by a verbatim quote from one
sentence of its article; a predicted mention matches when its sentence contains that quote. Used
by the golden tests and by benchmarks/bench_golden.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
GROUND_TRUTH = ROOT / "examples" / "ground_truth.yaml"
# The held-out set (examples/heldout/README.md): same format, never used to tune the pipeline.
HELDOUT_CORPUS = ROOT / "examples" / "heldout" / "corpus"
HELDOUT_TRUTH = ROOT / "examples" / "heldout" / "ground_truth.yaml"
# A second, fresh held-out set (examples/heldout2/README.md), written once the first had been
# inspected too often to stay blind. Same format and rule.
HELDOUT2_CORPUS = ROOT / "examples" / "heldout2" / "corpus"
HELDOUT2_TRUTH = ROOT / "examples" / "heldout2" / "ground_truth.yaml"
# A third, fresh held-out set (examples/heldout3/README.md), written once the first two had been
# inspected. Same format and rule.
HELDOUT3_CORPUS = ROOT / "examples" / "heldout3" / "corpus"
HELDOUT3_TRUTH = ROOT / "examples" / "heldout3" / "ground_truth.yaml"


def corpus_texts(*corpora: Path) -> list[str]:
    """The plain-text articles of the given corpus folders, front matter included, in name
    order (for tests that run code over realistic text)."""
    paths = [p for corpus in corpora for p in sorted(corpus.glob("*.txt"))]
    return [p.read_text(encoding="utf-8") for p in paths]


def load_ground_truth(path: Path = GROUND_TRUTH) -> dict:
    """A ground-truth file (default: the golden one of examples/corpus)."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def gold_claims(truth: dict) -> list[tuple[dict, dict]]:
    """(story, claim) pairs of the ground truth."""
    return [(story, claim) for story in truth["stories"] for claim in story.get("claims", [])]


@dataclass(frozen=True)
class Located:
    """Where a gold mention landed in the predicted report."""
    story_index: int
    claim_index: int
    mention_index: int
    claim: dict
    mention: dict


def locate(contract: dict, article_id: str, quote: str) -> list[Located]:
    """Predicted mentions of ``article_id`` whose sentence contains ``quote``."""
    found = []
    for si, story in enumerate(contract["stories"]):
        for ci, claim in enumerate(story["claims"]):
            for mi, mention in enumerate(claim["mentions"]):
                if mention["article_id"] == article_id and quote in mention["sentence"]:
                    found.append(Located(si, ci, mi, claim, mention))
    return found


def names_match(gold: str, predicted: str) -> bool:
    """Chain names match when one contains the other, ignoring case and a leading article."""
    def norm(s: str) -> str:
        s = s.lower().strip()
        for prefix in ("the ", "a ", "an "):
            if s.startswith(prefix):
                s = s[len(prefix):]
        return s

    g, p = norm(gold), norm(predicted)
    return g in p or p in g


def pending_reason(item: dict, check: str | None = None) -> str | None:
    """Why a ground-truth item is expected to fail today, or None.

    ``pending`` is a string (every check of the item) or a mapping check -> reason (only those
    checks), e.g. ``{alignment: ..., conflicts: ...}`` on a claim.
    """
    pending = item.get("pending")
    if pending is None or isinstance(pending, str):
        return pending
    return pending.get(check) if check else None


def field(obj, name: str):
    """A field of a pipeline object (or dict); None when the pipeline does not have it (yet).

    New report features (Conflict.between, ClaimGroup.timeline, ...) are read through this so
    a missing feature fails its test cleanly instead of erroring the whole module.
    """
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def article_of(value) -> str | None:
    """An article id given as a string, or as an object/dict with ``article_id``/``id``."""
    if value is None or isinstance(value, str):
        return value
    return field(value, "article_id") or field(value, "article") or field(value, "id")

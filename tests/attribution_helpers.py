"""Shared helper of the attribution form tests."""

from __future__ import annotations


def by_cue(attributions, cue):
    """The first attribution whose cue reads ``cue`` (fails the test when there is none)."""
    found = [a for a in attributions if a.cue.text == cue]
    assert found, f"no attribution with cue {cue!r} in {[a.cue.text for a in attributions]}"
    return found[0]

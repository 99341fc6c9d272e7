"""Outlet profiles from a report and from the store, and the `corroborator outlets` command."""

from __future__ import annotations

from dataclasses import replace

from click.testing import CliRunner

from corroborator.cli import main
from corroborator.model import Conflict
from corroborator.profile import outlet_profiles, outlet_profiles_from_store
from corroborator.store.sqlite import SqliteStore
from report_fixtures import sample_report


def _figures(profile):
    return {
        name: (getattr(profile, name).count, getattr(profile, name).total)
        for name in ("corroborated", "contradicted", "anonymous", "hedged")
    }


def test_profiles_count_each_outlets_mentions():
    profiles = {p.outlet: p for p in outlet_profiles(sample_report())}
    assert list(profiles) == ["Coast Herald", "Radio Delta", "Valley Times"]
    herald = profiles["Coast Herald"]
    assert (herald.articles, herald.claims) == (2, 3)
    # evacuation (side of the number conflict), spillway (anonymous, hedged), arrests (2 origins)
    assert _figures(herald) == {"corroborated": (1, 3), "contradicted": (1, 3),
                                "anonymous": (1, 3), "hedged": (1, 3)}
    # Radio Delta's "12 villages" is in the 2-origin group but on no side of its conflicts
    assert _figures(profiles["Radio Delta"]) == {"corroborated": (1, 2), "contradicted": (0, 2),
                                                 "anonymous": (1, 2), "hedged": (0, 2)}
    assert _figures(profiles["Valley Times"])["contradicted"] == (1, 4)
    assert "1 of Coast Herald's 3 claim mentions" in herald.hedged.explanation
    assert herald.hedged.percent() == "1/3 (33%)"


def test_store_profiles_equal_report_profiles(tmp_path):
    report = sample_report()
    db = tmp_path / "c.db"
    with SqliteStore(db) as store:
        store.save_report(report, {})
    assert outlet_profiles_from_store(db) == outlet_profiles(report)


def test_outlets_command_prints_one_profile_per_outlet(tmp_path):
    db = tmp_path / "c.db"
    with SqliteStore(db) as store:
        store.save_report(sample_report(), {})
    result = CliRunner().invoke(main, ["outlets", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Coast Herald: 2 articles, 3 claims · corroborated 1/3 (33%)" in result.output
    assert "trace back to an anonymous source" in result.output


def test_outlets_command_refuses_a_missing_store(tmp_path):
    result = CliRunner().invoke(main, ["outlets", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2


def _with_conflicts(report, group_id: str, conflicts):
    """``report`` with the conflicts of one claim group replaced."""
    stories = tuple(
        replace(story, claims=tuple(
            replace(group, conflicts=tuple(conflicts)) if group.id == group_id else group
            for group in story.claims))
        for story in report.stories
    )
    return replace(report, stories=stories)


def test_a_conflict_standing_for_many_pairs_contradicts_every_mention_on_its_sides(tmp_path):
    # s1-g2 holds Coast Herald (0), Valley Times (1) and Radio Delta (2); one conflict stands
    # for the pairs 0-1 and 0-2; the protest group gets an outdated figure, which is no
    # contradiction.
    report = _with_conflicts(sample_report(), "s1-g2", [
        Conflict("number", 0, 1, "9 (Coast Herald) vs 7 (Valley Times, Radio Delta)",
                 a_side=(0,), b_side=(1, 2)),
    ])
    report = _with_conflicts(report, "s2-g1", [
        Conflict("number", 0, 1, "an older figure", minor=True, outdated=True),
    ])
    profiles = {p.outlet: p for p in outlet_profiles(report)}
    assert _figures(profiles["Radio Delta"])["contradicted"] == (1, 2)
    assert _figures(profiles["Coast Herald"])["contradicted"] == (2, 3)
    assert _figures(profiles["Valley Times"])["contradicted"] == (2, 4)
    db = tmp_path / "c.db"
    with SqliteStore(db) as store:
        store.save_report(report, {})
    assert outlet_profiles_from_store(db) == outlet_profiles(report)

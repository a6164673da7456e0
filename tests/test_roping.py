"""The planner's slack ropes: a rope strung between two posts with a ball dropped onto it, a
chain hanging between hooks, a weight on a slack rope snapping it taut; planned, simulated and
checked. A rope in a knot or on the floor is still refused."""
from __future__ import annotations

import pytest

from bridge.errors import RefusedError
from bridge.ropes import is_slack
from planner.offline import plan_offline
from tests.helpers import planned

pytestmark = pytest.mark.slow  # each simulates a planned scene


def test_a_ball_dropped_on_a_rope_between_two_posts_lands_on_it():
    draft, scene, results = planned("A ball falls onto a rope stretched between two posts")
    (rope,) = scene.ropes
    assert is_slack(rope) and {rope.start.body, rope.end.body} == {"post_left", "post_right"}
    assert "scenario: rope_strung" in draft.notes
    assert [(r["check"], r["passed"]) for r in results] == [("contacts", True)], results


def test_a_chain_between_two_hooks_hangs_still_in_steel():
    _, scene, results = planned("A chain hangs between two hooks")
    (chain,) = scene.ropes
    assert chain.material == "steel" and is_slack(chain)
    assert [(r["check"], r["passed"]) for r in results] == [("moves_less_than", True)], results


def test_a_weight_on_a_slack_rope_falls_until_the_rope_snaps_taut():
    draft, scene, results = planned("A weight on a slack rope drops until the rope snaps taut")
    (rope,) = scene.ropes
    (weight,) = [b for b in scene.bodies if not b.static]
    assert is_slack(rope) and rope.end.body == weight.name and weight.material == "iron"
    (claim,) = [c for c in draft.claims if c.text == "weight"]
    assert claim.fate == "stood_in" and "kettlebell" in claim.detail
    assert results and all(r["passed"] for r in results), results


def test_a_brick_lands_across_the_rope_and_a_weight_tied_off_a_beach_balls_side():
    for prompt in ("A brick is dropped onto a rope strung between two posts",
                   "A beach ball on a slack rope drops until the rope snaps taut"):
        _, _, results = planned(prompt)
        assert results and all(r["passed"] for r in results), (prompt, results)


@pytest.mark.parametrize("prompt, scenario", [
    ("A chain reaction of dominoes set up between two pillars", "dominoes"),
    ("A swing hangs on chains between two posts", "swing"),
    ("A wrecking ball on a slack chain swings into a brick wall", "wrecking_ball")])
def test_a_rope_in_another_scenario_is_that_scenario(prompt, scenario):
    assert f"scenario: {scenario}" in plan_offline(prompt).notes


@pytest.mark.parametrize("prompt", ["A rope is tied in a knot",
                                    "A ball rolls over a rope lying on the floor",
                                    "A glass on a slack rope drops until the rope snaps taut",
                                    "A car drives between two posts and hits a rope",
                                    ("A ball is dropped onto a rope strung between two posts "
                                    "beside a pool table")])
def test_ropes_that_are_not_hung_are_still_refused(prompt):
    with pytest.raises(RefusedError):
        plan_offline(prompt)


def test_what_the_rope_scene_leaves_out_is_claimed_not_dropped_silently():
    draft = plan_offline("Three balls and a brick fall onto a rope strung between two posts")
    fates = {c.text: c.fate for c in draft.claims}
    assert fates["3 x ball"] == "stood_in" and fates["brick"] == "dropped", draft.claims
    draft = plan_offline("A weight on a 10 m slack rope drops until the rope snaps taut")
    (claim,) = [c for c in draft.claims if c.kind == "quantity"]
    assert claim.fate == "stood_in" and "2 m rope" in claim.detail


def test_a_chain_reaction_is_no_rope():
    draft = plan_offline("A chain reaction of 20 dominoes")
    assert "scenario: dominoes" in draft.notes

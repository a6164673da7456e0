"""Down the stairs: a ball pushed off the landing bounces down a flight of fixed steps to
the floor; an egg breaks on them; the porch it starts from is the landing."""
from __future__ import annotations

from itertools import pairwise

from planner.offline import plan_offline
from planner.offline.claims import draft_claims
from planner.offline.stairs import RISER, STEPS, TREAD
from tests.helpers import planned


def test_the_flight_is_a_landing_and_steps_a_riser_lower_and_a_tread_further_each():
    document = plan_offline("a bouncy ball bounces down the stairs").document
    steps = [b for b in document["bodies"] if b.get("static")]
    assert [b["name"] for b in steps] == ["landing"] + [f"step_{k}" for k in range(1, STEPS)]
    tops = [b["params"]["height"] for b in steps]
    assert tops[0] == STEPS * RISER
    assert all(abs((a - b) - RISER) < 1e-9 for a, b in pairwise(tops))
    fronts = [b["position"][0] + b["params"]["length"] / 2 for b in steps]
    assert all(abs((b - a) - TREAD) < 1e-9 for a, b in pairwise(fronts))


def test_a_ball_bounces_down_the_stairs_to_the_floor():
    draft, scene, results = planned("A dog nudges a tennis ball off the porch and it bounces "
                                    "down the wooden staircase")
    assert {r["check"] for r in results} == {"contacts", "bounces"}
    assert all(r["passed"] for r in results), results
    claims = {c.text: c for c in draft_claims(draft, scene, results)}
    assert claims["staircase"].fate == "stood_in" and claims["porch"].fate == "stood_in"
    assert not [c for c in claims.values() if c.fate == "dropped"]


def test_an_egg_breaks_on_the_steps():
    _, _, results = planned("an egg is pushed off the top step and tumbles down the stairs")
    assert [(r["check"], r["passed"]) for r in results] == [("shatters", True)]


def test_two_balls_go_down_side_by_side_and_stairs_in_passing_are_no_flight():
    document = plan_offline("two tennis balls bounce down the stairs").document
    balls = [b for b in document["bodies"] if not b.get("static")]
    assert len(balls) == 2 and balls[0]["position"][1] != balls[1]["position"][1]
    glass = plan_offline("a glass falls off the table at the foot of the stairs").document
    assert not any(b["name"].startswith("step_") for b in glass["bodies"])

"""A ball rolled along the floor into a container lying on its side (a cup, a glass, a bowl, an
open shoebox): the plan lays the container mouth to the ball, and the ball is seen to roll in
through the mouth."""
from __future__ import annotations

import numpy as np
import pytest

from bridge.assets.openings import opening_of
from bridge.loader import scene_from_document
from bridge.schema import Body
from planner.offline import catching, plan_offline, trays
from planner.offline.claims import draft_claims
from planner.offline.parse import parse
from tests.helpers import planned

SHOEBOX = "close-up: a finger flicks a marble across a wooden floor and it rolls into a shoebox"


def test_a_shoebox_is_an_open_cardboard_box_laid_mouth_to_the_marble():
    draft = plan_offline(SHOEBOX)
    bodies = {b["name"]: b for b in draft.document["bodies"]}
    box, marble = bodies["shoebox"], bodies["marble"]
    assert box["asset"] == "tray" and box["material"] == "cardboard" and box["static"]
    assert box["rotation"] == [90.0, 0.0, 0.0]  # its open top toward -y, where the marble is
    mouth = box["position"][1] - box["params"]["height"]
    assert marble["position"][1] < mouth and marble["position"][0] == box["position"][0]
    assert {"passes_through": "marble", "target": "shoebox"} in draft.document["expect"]


def test_the_flicked_marble_rolls_into_the_shoebox_and_every_claim_is_kept():
    draft, scene, results = planned(SHOEBOX)
    assert all(r["passed"] is not False for r in results), results
    claims = {c.text: c for c in draft_claims(draft, scene, results)}
    assert claims["into a shoebox"].fate == "checked"
    assert "inside" in claims["into a shoebox"].detail
    assert not [c for c in claims.values() if c.fate == "dropped"], claims


@pytest.mark.parametrize("prompt, container", [
    ("a marble rolls across the floor into a glass", "glass"),
    ("a marble rolls into a bowl", "bowl"),
])
def test_a_marble_rolls_in_through_the_mouth_of_a_container_on_its_side(prompt, container):
    _, _, results = planned(prompt)
    (through,) = [r for r in results if r["check"] == "passes_through"]
    assert through["passed"], through
    assert container in through["detail"]


@pytest.mark.parametrize("prompt, wanted", [
    (SHOEBOX, True),
    ("a marble rolls across the floor into a cup", True),
    ("a beach ball rolls into a bowl", False),  # it does not fit the mouth
    ("golfer putts a golf ball on a putting green and it rolls into the cup", False),  # a hole
    ("a marble is thrown into a glass", False),
    ("a marble rolls off the table into a cup", False),  # off a table, not along the floor
])
def test_only_a_ball_that_fits_rolled_along_the_floor_is_caught(prompt, wanted):
    intent = parse(prompt)
    assert catching.wanted(intent, intent.actors) is wanted


def test_an_open_box_opening_is_its_top_inside_its_walls():
    tray = Body(name="box", asset="tray", params={"width": 0.3, "depth": 0.2, "height": 0.1,
                                                   "wall": 0.01})
    hole = opening_of(tray)
    assert np.allclose(hole.centre, [0.0, 0.0, 0.1]) and np.allclose(hole.normal, [0, 0, 1])
    assert hole.outside(np.array([0.13, 0.08, 0.0])) < 0  # within the 0.28 x 0.18 inside
    assert hole.outside(np.array([0.0, 0.095, 0.0])) > 0  # over the wall
    scene = scene_from_document({"name": "t", "bodies": [tray.model_dump(exclude_none=True)]})
    assert scene.bodies[0].asset == "tray"


@pytest.mark.parametrize("prompt", [
    "a marble rolls into a glass and knocks it over",  # a target, not a catcher
    "a marble rolls into a cup of tea",  # a full cup is not laid on its side
])
def test_a_container_knocked_over_or_full_is_no_catcher(prompt):
    intent = parse(prompt)
    assert not catching.wanted(intent, intent.actors)


def test_a_marble_dropped_into_a_shoebox_is_no_waiters_tray():
    intent = parse("a marble is dropped into a shoebox")
    assert not trays.wanted(intent, intent.actors)

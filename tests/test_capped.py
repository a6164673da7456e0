"""Containers with a lid: a capped bottle seals its inside, so an empty one displaces water with
all of it and floats, while a full one (its water held as mass) sinks; a lidded cup holds its
drink."""
from __future__ import annotations

import numpy as np
import pytest

from bridge.assets.build import geometry_for
from bridge.schema import Body
from physics.water import sample_solid
from planner.offline.claims import draft_claims
from planner.offline.parse import parse
from tests.helpers import planned

IDENTITY = (np.zeros(3), np.array([0.0, 0.0, 0.0, 1.0]))
BOTTLES = "An empty plastic bottle floats in the tub while a full one sinks"


def _bottle(lid: float):
    return geometry_for(Body(name="b", asset="bottle", params={"lid": lid}), None)


def test_a_lid_seals_the_inside_so_the_whole_bottle_displaces_water():
    open_, capped = _bottle(0.0), _bottle(0.003)
    assert open_.visual.is_watertight and capped.visual.is_watertight
    outside = max(part.volume for part in capped.visual.split(only_watertight=False))
    # open: only its glass displaces water; capped: its glass and the air it holds
    assert sample_solid(open_.visual, IDENTITY).volume == pytest.approx(open_.visual.volume,
                                                                         rel=0.01)
    assert sample_solid(capped.visual, IDENTITY).volume == pytest.approx(outside, rel=0.01)
    assert outside > 4 * capped.visual.volume  # a thin shell round a big hollow
    assert len(capped.parts) == len(open_.parts) + 1  # the lid's own collision part


def test_a_lid_of_zero_is_no_lid_and_a_negative_one_is_refused():
    Body(name="b", asset="cup", params={"lid": 0.0})
    with pytest.raises(ValueError, match="params.lid must be > 0"):
        Body(name="b", asset="cup", params={"lid": -0.001})


def test_a_full_one_is_another_of_the_thing_named_and_the_light_one_is_the_same():
    first, second = parse(BOTTLES).mentions
    assert first.asset == second.asset == "bottle"
    assert first.adjectives == {"empty"} and second.adjectives == {"full"}
    assert len(parse("a light plastic ball hits a heavy steel ball, the light one bounces "
                     "back").mentions) == 2


def test_the_empty_capped_bottle_floats_and_the_full_one_sinks():
    draft, _, results = planned(BOTTLES)
    bodies = {b["name"]: b for b in draft.document["bodies"]}
    assert bodies["bottle"]["params"]["lid"] > 0 and bodies["bottle_2"]["params"]["lid"] > 0
    assert bodies["bottle_2"]["mass"] > 5 * bodies["bottle"]["mass"]  # its water
    assert "liquids" not in draft.document or not draft.document["liquids"]
    checks = {r["check"]: r for r in results}
    assert checks["floats"]["passed"] and checks["sinks"]["passed"], results


SIPPY = "toddler's sippy cup falls off the high chair, bounces on the floor, and no juice comes out"


def test_a_sippy_cup_is_a_lidded_cup_of_the_juice_said_not_to_come_out():
    intent = parse(SIPPY)
    cup, chair = intent.mentions
    assert cup.noun.params["lid"] > 0 and cup.liquid == "juice" and chair.asset == "table"
    assert "spill" in intent.negated
    assert "spill" not in parse("the ball rolls away and the sun comes out").actions


def test_the_sippy_cup_bounces_and_keeps_every_drop():
    draft, scene, results = planned(SIPPY)
    kept = [r for r in results if r["check"] == "liquid_stays_in"]
    assert kept and all(r["passed"] for r in kept), kept
    assert "all of juice stays in" in kept[0]["detail"]
    claims = {c.text: c for c in draft_claims(draft, scene, results)}
    assert claims["not spill"].fate == "checked"
    assert not [c for c in claims.values() if c.fate == "dropped"], claims


def test_nothing_passes_into_a_container_with_its_lid_on():
    from bridge.errors import UserError
    from bridge.loader import scene_from_document

    bodies = [{"name": "cup", "asset": "cup", "params": {"lid": 0.003}},
              {"name": "marble", "asset": "marble", "position": [0.3, 0, 0]}]
    document = {"name": "t", "bodies": bodies,
                "expect": [{"passes_through": "marble", "target": "cup"}]}
    with pytest.raises(UserError, match="without a lid"):
        scene_from_document(document)
    bodies[0]["params"] = {"lid": 0.0}
    scene_from_document(document)  # open: it has a mouth

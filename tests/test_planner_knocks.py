"""The offline planner's knocks: a cup is tipped with its handle to the side, a thing tipped over
'across the floor' stands on the floor, and a bucket of water is a bucket where it tips and
a body of water where things go into it."""
from __future__ import annotations

import pytest

from planner.offline import plan_offline
from tests.helpers import planned


def _body(document: dict, name: str) -> dict:
    return next(b for b in document["bodies"] if b["name"] == name)


def test_a_full_cup_knocked_over_is_tipped_clear_of_its_handle_and_falls():
    draft, _, results = planned("a cup of coffee is knocked over on the table")
    cup = _body(draft.document, "cup")
    assert cup["rotation"] == [0.0, 0.0, 90.0]  # the handle along y, the push toward +x
    assert draft.document["events"][0]["force"]["force"][0] > 0
    assert [(r["check"], r["passed"]) for r in results] == [("falls_over", True)]


def test_a_glass_has_no_handle_to_turn_away():
    glass = _body(plan_offline("a glass of water is knocked over on the table").document,
                  "glass")
    assert glass.get("rotation", [0.0, 0.0, 0.0]) == [0.0, 0.0, 0.0]


def test_a_bucket_of_water_tipping_over_on_the_floor_is_a_bucket_that_holds_water():
    document = plan_offline("A bucket of water tips over and spills across the garage "
                            "floor").document
    assert "water" not in document
    assert [b["name"] for b in document["bodies"]] == ["bucket"]  # no table: the floor
    assert _body(document, "bucket")["position"][2] == 0.0
    (liquid,) = document["liquids"]
    assert (liquid["liquid"], liquid["inside"]) == ("water", "bucket")
    assert {"liquid_stays_in": "water", "container": "bucket", "not": True} in \
        document["expect"]


@pytest.mark.parametrize("prompt", [
    "a bucket of water tips over and the water spills across the garage floor",
    "a kid knocks over a bucket of water and the water spills across the floor"])
def test_the_water_that_spills_is_the_buckets_not_a_pool(prompt):
    # 'the water spills' read as a body of water: a pool with a block set on it, and the
    # spill and the tipping were dropped
    document = plan_offline(prompt).document
    assert "water" not in document and document["liquids"][0]["inside"] == "bucket"
    assert {"liquid_stays_in": "water", "container": "bucket", "not": True} in \
        document["expect"]


@pytest.mark.parametrize("verb", ["flows", "drips", "spreads"])
def test_water_that_flows_or_drips_is_the_glass_that_held_it(verb):
    # every word of a liquid running out reads the water as the glass's: 'flows' and
    # 'drips' made it a pool, as only the spill words of their own table were known
    document = plan_offline(f"a glass of water tips over and the water {verb} across the "
                            "table").document
    assert "water" not in document and document["liquids"][0]["inside"] == "glass"


def test_a_bucket_filled_with_water_that_things_go_into_is_a_body_of_water():
    document = plan_offline("A marble is placed gently in a bucket filled with water").document
    assert [w["name"] for w in document["water"]] == ["bucket"]
    assert "liquids" not in document


def test_a_ball_rolling_off_a_ramp_knocks_over_the_can_standing_at_its_foot():
    document = plan_offline("a ball rolls down a ramp and knocks over a can").document
    assert _body(document, "can")["position"][2] == 0.0
    assert {"falls_over": "can"} in document["expect"]
    # a glass vase would shatter under the ball: it is not set up to be knocked over
    vase = plan_offline("a bowling ball rolls down a ramp and knocks over a vase").document
    assert not any(e.get("falls_over") == "vase" for e in vase["expect"])


def test_a_block_tower_is_the_tower_and_the_toy_car_rolls_into_it():
    document = plan_offline("a toy car rolls down a ramp and crashes into a block "
                            "tower").document
    names = [b["name"] for b in document["bodies"]]
    assert "toy_car" in names and sum(n.startswith("block_") for n in names) == 6


def test_a_full_glass_on_a_shelf_is_shoved_toward_the_shelf_edge():
    document = plan_offline("a glass of milk falls off the shelf and shatters").document
    (event,) = document["events"]
    assert event["force"]["force"][1] < 0 and event["force"]["force"][0] == 0  # the edge: -y


def test_a_bucket_of_water_off_a_shelf_is_a_bucket_that_is_not_held_to_keep_its_water():
    document = plan_offline("a bucket of water falls off a shelf").document
    assert "water" not in document and document["liquids"][0]["inside"] == "bucket"
    assert not any("liquid_stays_in" in e for e in document["expect"])

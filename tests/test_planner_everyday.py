"""Everyday prompts a new user typed: a vase off a pedestal, an apple from a tree, an egg down
the stairs, a mug of hot chocolate knocked over, a curling stone on the ice."""
from __future__ import annotations

import math

import pytest

from bridge.errors import RefusedError
from bridge.loader import scene_from_document
from planner.offline import plan_offline, spring_doors
from planner.offline.claims import draft_claims
from planner.offline.hinged import wants_door
from planner.offline.parse import parse
from planner.offline.roping import struck_pair
from tests.helpers import planned


def _planned_claims(prompt: str):
    """The prompt's scene, check results and claims by their words."""
    draft, scene, results = planned(prompt)
    return scene, results, {c.text: c for c in draft_claims(draft, scene, results)}


def _claims(prompt: str):
    _, results, claims = _planned_claims(prompt)
    assert all(r["passed"] is not False for r in results), results
    return claims


def test_a_vase_off_a_pedestal_falls_from_a_table_named_for_it():
    claims = _claims("A vase falls off a pedestal and shatters")
    assert claims["pedestal"].fate == "stood_in"
    assert claims["shatters"].fate == "checked"


def test_a_statue_that_topples_off_its_plinth_is_checked_to_go_over():
    claims = _claims("A statue topples off its plinth")
    assert claims["topples"].fate == "checked"
    assert "falls_over" in claims["topples"].detail


def test_an_apple_falls_from_a_trees_height():
    document = plan_offline("An apple falls from a tree onto the grass").document
    (apple,) = [b for b in document["bodies"] if b["name"] == "apple"]
    assert apple["position"][2] == pytest.approx(3.0, abs=0.1)


@pytest.mark.parametrize("prompt, topples", [
    ("An egg falls down the stairs and breaks", False),
    ("A ball comes down the ramp", False),
    ("The tower of blocks falls down", True),
    ("A ball knocks down the pins", True),
])
def test_falling_down_a_way_is_no_topple(prompt, topples):
    assert ("topple" in parse(prompt).actions) is topples


def test_an_egg_down_the_stairs_keeps_every_claim():
    claims = _claims("An egg falls down the stairs and breaks")
    assert claims["breaks"].fate == "checked"
    assert not [c for c in claims.values() if c.fate == "dropped"], claims


@pytest.mark.parametrize("prompt, liquid", [
    ("A mug of hot chocolate is knocked over and spills", "hot chocolate"),
    ("A glass of chocolate milk falls off the table", "chocolate milk"),
    ("Coffee spills from a mug knocked off the table", "coffee"),
    ("A snow globe rolls off the nightstand and breaks, the water leaks out", "water"),
])
def test_a_named_drink_fills_its_container(prompt, liquid):
    (mention,) = [m for m in parse(prompt).mentions if m.asset in ("mug", "tumbler")]
    assert mention.liquid == liquid


def test_a_snow_globe_is_a_glass_of_water_that_breaks_and_lets_its_water_out():
    draft = plan_offline("A snow globe rolls off the nightstand and breaks, the water leaks "
                         "out onto the carpet")
    expect = draft.document["expect"]
    assert {"shatters": "snow_globe", "before": 2.2} in expect
    assert any(e.get("liquid_stays_in") == "water" and e["container"] == "snow_globe"
               for e in expect)
    claims = {c.text: c for c in draft_claims(draft, scene_from_document(draft.document), [])}
    assert claims["snow globe"].fate == "stood_in"
    assert not [c for c in claims.values() if c.fate == "dropped"], claims


def test_a_vessel_played_by_a_stand_in_holds_the_spill_and_a_bucket_is_a_body_of_water():
    (jug,) = parse("a jug is knocked over and the milk spills").mentions
    assert jug.liquid == "milk"
    intent = parse("a ball is dropped into a bucket and the water splashes")
    assert intent.water == "bucket" and all(m.liquid is None for m in intent.mentions)


def test_an_empty_mug_holds_no_drink_named_elsewhere():
    (mug,) = parse("An empty mug is knocked over and the coffee spills").mentions
    assert mug.liquid is None


def test_a_mug_of_hot_chocolate_tips_over_and_spills_in_one_round():
    """The mug stands with its handle to the side: turned away, the handle's weight held a
    full mug up against a glass's nudge (it verified only in a second round)."""
    draft, _, results = planned("A mug of hot chocolate is knocked over and spills")
    assert all(r["passed"] for r in results), results
    (mug,) = [b for b in draft.document["bodies"] if b["name"] == "mug"]
    assert mug["rotation"] == [0.0, 0.0, 90.0]
    (liquid,) = draft.document["liquids"]
    assert liquid["liquid"] == "milk" and liquid["color"] != [1.0, 1.0, 1.0]


def test_a_curling_stone_is_a_granite_stone_of_its_size_and_the_ice_is_the_floor():
    intent = parse("A curling stone slides across the ice and stops")
    assert (intent.ground_material, intent.ground_words) == ("ice", "ice")
    claims = _claims("A curling stone slides across the ice and stops")
    assert claims["curling stone"].fate == "stood_in"
    document = plan_offline("A curling stone slides across the ice and stops").document
    (stone,) = document["bodies"]
    assert stone["mass"] == 18.0 and stone["params"]["radius"] == 0.145


def test_the_floors_words_are_the_ones_that_name_its_material():
    assert parse("an egg falls on the stone kitchen floor").ground_words == "stone kitchen floor"
    assert parse("a vase falls onto the tiled floor").ground_words == "tiled floor"


def test_marbles_that_knock_over_a_cup_at_a_ramps_foot_all_reach_it_and_it_falls():
    draft, _, results = planned("Five glass marbles roll down a wooden ramp and knock over a "
                                "plastic cup at the bottom.")
    marbles = [b for b in draft.document["bodies"] if b["asset"] == "marble"]
    (cup,) = [b for b in draft.document["bodies"] if b["name"] == "cup"]
    lanes = [b["position"][1] for b in marbles]
    assert len(marbles) == 5 and max(lanes) - min(lanes) < 0.084  # within the cup's width
    assert cup["params"]["wall"] == 0.0015  # a plastic cup, not a ceramic one's weight
    assert all(r["passed"] for r in results), results


def test_a_plastic_bucket_keeps_its_own_wall():
    document = plan_offline("A bucket of water tips over and spills across the garage "
                            "floor").document
    (bucket,) = [b for b in document["bodies"] if b["name"] == "bucket"]
    assert "wall" not in bucket.get("params", {})


@pytest.mark.parametrize("prompt, chest", [
    ("The lid of a wooden treasure chest is let go and it slams shut", "chest"),
    ("The toolbox lid falls shut", "toolbox"),
])
def test_a_lid_let_go_swings_shut_onto_its_chest(prompt, chest):
    claims = _claims(prompt)
    draft = plan_offline(prompt)
    (hinge,) = draft.document["joints"]
    assert (hinge["a"], hinge["b"], hinge["axis"]) == ("lid", chest, [1, 0, 0])
    shut = next(c for c in claims.values() if c.text in ("shut", "slams"))
    assert shut.fate == "checked"


def test_a_door_said_to_slam_shut_swings_shut_and_a_shoved_one_is_not_said_to():
    claims = _claims("The door slams shut")  # it stands open and swings shut onto its stop
    assert claims["shut"].fate == "checked" and "door_stop" in claims["shut"].detail
    _, _, claims = _planned_claims("Someone shoves a closed door and it stays shut")
    assert claims["shut"].fate == "dropped"  # shoved open: it does not stay shut
    # a shove opens a door, whatever follows: the shove is simulated, the shut is not said so
    scene, _, claims = _planned_claims("Someone shoves the door and it swings shut")
    assert [e for e in scene.events if e.push is not None]
    assert claims["shut"].fate == "dropped"
    # 'a closed box' is how it stands, and a pendulum at rest shuts nothing
    _, _, claims = _planned_claims("a pendulum swings next to a closed box and comes to rest")
    assert not [t for t in claims if "closed" in t or "shut" in t]


def test_a_lid_falls_shut_in_the_time_a_compound_pendulum_takes():
    from planner.offline.hinged import _shut_time
    # a uniform bar of 45 cm let go from 75 degrees about its end: 0.444 s, integrated by hand
    # in 1 ms steps; the engine's lid, 3 cm thick and hinged 2 mm up, strikes at 0.49 s
    assert _shut_time(0.45, math.radians(75)) == pytest.approx(0.444, abs=0.003)


@pytest.mark.parametrize("prompt", [
    "A 10 kg weight hangs from a rope; the rope is cut and the weight drops to the floor",
    "A metal bucket hangs on a chain and the chain breaks",
])
def test_a_weight_on_a_rope_that_is_cut_falls_to_the_floor(prompt):
    claims = _claims(prompt)
    draft = plan_offline(prompt)
    (event,) = draft.document["events"]
    assert event["cut"]["rope"] in ("rope", "chain") and event["at"] == 0.5
    cut = next(c for c in claims.values() if c.text in ("cut", "breaks"))
    assert cut.fate == "planned"
    rope = event["cut"]["rope"]
    assert claims[rope].fate == "planned"  # the rope itself is claimed, not left unsaid
    assert not [c for c in claims.values() if c.fate == "dropped"], claims


def test_a_stated_mass_is_the_hanging_weights():
    document = plan_offline("A 10 kg weight hangs from a rope; the rope is cut").document
    (weight,) = [b for b in document["bodies"] if not b.get("static")]
    assert weight["mass"] == 10.0


def test_a_pumpkin_is_no_pump_and_a_kids_toy_no_kid_at_play():
    assert plan_offline("A pumpkin falls from the roof and smashes").document["bodies"]
    assert plan_offline("A kid's toy tower of blocks is knocked down by a ball").document
    with pytest.raises(RefusedError, match="air pressure"):
        plan_offline("A pump pushes air into the tyre")


def test_a_cats_paw_is_the_cats_push():
    claims = _claims("The cat's paw knocks a mug off the desk")
    assert claims["cat"].fate == "stood_in"
    assert not [c for c in claims.values() if c.fate == "dropped"], claims


def test_a_light_bulb_is_a_thin_glass_shell_that_breaks():
    claims = _claims("A light bulb falls off the table and breaks on the floor")
    assert claims["light bulb"].fate == "stood_in" and "an egg" in claims["light bulb"].detail
    assert claims["breaks"].fate == "checked"
    (bulb,) = [b for b in plan_offline("A light bulb falls and shatters").document["bodies"]]
    assert bulb["breakable"] == {"threshold": 15.0} and bulb["mass"] == 0.03


def test_a_frozen_lake_is_ice_to_slide_on_not_water():
    draft = plan_offline("An ice cube slides across a frozen lake")
    assert draft.document["world"]["ground"]["material"] == "ice"
    assert "water" not in draft.document
    # ice on ice would slide for ten seconds: no rest is claimed where the prompt says none
    assert not [c for c in draft.document["expect"] if "comes_to_rest" in c]


def test_a_thing_said_to_stop_on_ice_is_shoved_gently_enough_to_stop():
    claims = _claims("A hockey puck slides across the ice and stops")
    assert claims["stops"].fate == "checked"


def test_a_full_cup_that_slides_and_stops_stays_on_the_table():
    draft, _, results = planned("A cup of coffee slides across the table and stops at the "
                                "edge")
    assert all(r["passed"] for r in results), results
    (push,) = draft.document["events"]
    assert "force" in push  # pushed steadily: set moving at once it left its coffee behind
    assert not [c for c in draft.document["expect"] if "shatters" in c]


@pytest.mark.parametrize("prompt", [
    "Several weights hang from a rope",
    "a ball knocks a vase off a shelf in a chain reaction and it breaks",
    "a phone on its charging cable falls off the desk and breaks",
])
def test_a_rope_word_and_a_break_elsewhere_are_no_cut_rope(prompt):
    from planner.offline.roping import wanted
    assert wanted(parse(prompt)) != "cut"


def test_a_tall_thing_on_a_rope_that_is_cut_hangs_clear_of_the_floor():
    draft = plan_offline("A chair hangs from a 2 m rope and the rope is cut")
    (chair,) = [b for b in draft.document["bodies"] if b["name"] == "chair"]
    assert chair["position"][2] >= 0.3
    assert any(c.text == "2 m" and c.fate == "stood_in" for c in draft.claims)


@pytest.mark.parametrize("prompt", ["A cardboard box with a lid falls off the table",
                                    "the lid falls off the box"])
def test_a_lid_that_falls_off_is_no_lid_falling_shut(prompt):
    from planner.offline.hinged import wants_lid
    assert not wants_lid(parse(prompt))


def test_a_chests_lid_names_the_chest():
    claims = _claims("the chest's lid slams shut")
    assert claims["chest"].fate == "stood_in" and claims["shut"].fate == "checked"


def test_a_thing_said_never_to_stop_is_not_slowed_to_stop():
    document = plan_offline("A cup slides across the table and never stops").document
    assert not [c for c in document["expect"] if "comes_to_rest" in c]
    assert "comes_to_rest" not in str(plan_offline("A stopped car is hit by a truck").document)


def test_big_balls_that_knock_over_a_can_stay_on_the_ramp():
    document = plan_offline("Five bowling balls roll down a ramp and knock over a can").document
    lanes = [b["position"][1] for b in document["bodies"] if b["asset"] == "bowling_ball"]
    assert lanes and max(abs(y) for y in lanes) < 0.4  # the ramp is 0.8 m wide


def test_a_slide_is_framed_over_its_whole_way():
    # a view of the start alone was empty a second in: the stone slid out of it
    document = plan_offline("A curling stone slides across the ice and stops").document
    camera = document["camera"]
    assert -0.7 < camera["look_at"][0] < -0.7 + 1.06  # between its start and where it stops


def test_marbles_knocking_over_a_cup_are_framed_on_the_cup():
    document = plan_offline("Five glass marbles roll down a wooden ramp and knock over a "
                            "plastic cup at the bottom.").document
    assert document["camera"]["shots"][0]["subject"] == ["cup"]


def test_every_noun_and_stand_in_is_made_of_a_material_the_library_has():
    # a punching bag of 'denim' (a fabric, not a body's material) crashed the planner
    from bridge.materials import MATERIALS
    from planner.offline.lexicon import NOUNS, STAND_INS
    nouns = {**NOUNS, **STAND_INS}
    assert not [(word, n.material) for word, n in nouns.items()
                if n.material is not None and n.material not in MATERIALS]


def test_a_punching_bag_on_a_rope_that_is_cut_falls():
    claims = _claims("The rope holding a punching bag is cut")
    assert claims["punching bag"].fate == "stood_in"


def test_a_garden_gate_a_dog_noses_open_is_a_gate_on_its_hinges_pushed_open():
    scene, results, claims = _planned_claims("the garden gate swings open when the dog "
                                             "pushes it with its nose")
    gate = next(b for b in scene.bodies if b.name == "gate")
    assert gate.params["height"] < 1.5 and "lintel" not in {b.name for b in scene.bodies}
    (push,) = [e.push for e in scene.events if e.push is not None]
    assert push.body == "gate"
    assert (results[0]["check"], results[0]["passed"]) == ("moves_less_than", True)
    assert claims["gate"].fate == "planned" and claims["dog"].fate == "stood_in"
    assert "dropped" not in {c.fate for c in claims.values()}


def test_a_vase_that_topples_off_a_shelf_and_shatters_is_checked_to_go_over_as_it_breaks():
    claims = _claims("A vase topples off the shelf and shatters")
    assert claims["topples"].fate == "checked" and "when it broke" in claims["topples"].detail
    assert claims["shatters"].fate == "checked"


def test_a_bucket_hanging_on_a_chain_struck_by_a_ball_swings_out_on_it():
    scene, results, claims = _planned_claims("a metal bucket hanging on a chain gets hit by "
                                             "a soccer ball and swings")
    assert [r.name for r in scene.ropes] == ["chain"] and not scene.events
    ball = next(b for b in scene.bodies if b.name == "soccer_ball")
    assert ball.velocity[0] > 5.0  # thrown level at the bucket
    assert [(r["check"], r["passed"]) for r in results] == [
        ("contacts", True), ("moves_less_than", True)]
    assert claims["hit"].fate == "checked" and claims["chain"].fate == "planned"
    assert "dropped" not in {c.fate for c in claims.values()}


@pytest.mark.parametrize("prompt, mover", [
    ("a ball rolls into a pyramid of 10 soda cans and the cans go flying", "ball"),
    ("In a supermarket aisle a shopping cart rolls into a pyramid of 10 soda cans and "
     + "the cans go everywhere", "shopping_cart"),
    ("a wooden crate slides into a pyramid of 10 soda cans and the cans go flying", "crate"),
])
def test_what_rolls_or_slides_into_a_pyramid_of_cans_reaches_it_and_scatters_it(prompt, mover):
    draft, scene, results = planned(prompt)
    cans = [b for b in scene.bodies if b.asset == "can"]
    assert len(cans) == 10 and {b.name for b in scene.bodies} - {c.name for c in cans} == {
        mover}  # the cans are the pyramid, not the thing moving into it
    assert [(r["check"], r["passed"]) for r in results] == [
        ("contacts", True), ("moves_less_than", True)]
    claims = draft_claims(draft, scene, results)
    assert "dropped" not in {c.fate for c in claims}
    assert any(c.kind == "outcome" and c.fate == "checked" and "moves_less_than" in c.detail
               for c in claims)  # 'go flying', 'go everywhere'


def test_a_marble_rolling_into_a_pyramid_is_not_checked_to_knock_it_down_unasked():
    document = plan_offline("a marble rolls into a pyramid of 6 cans").document
    assert [next(iter(set(e) - {"not", "with", "before", "distance"})) for e in
            document["expect"]] == ["contacts"]


@pytest.mark.parametrize("prompt, pair", [
    ("a metal bucket hanging on a chain gets hit by a soccer ball", ("bucket", "soccer ball")),
    ("a ball is thrown at a tin can hanging from a string", ("tin can", "ball")),
    ("a ball hits a hanging vase on a rope", ("vase", "ball")),
    ("a steel ball hanging on a string hits a wooden block", None),  # what hangs strikes
    ("a heavy ball hanging from a rope swings and hits a wooden crate", None),
])
def test_what_hangs_and_what_strikes_it_are_read_from_the_sentence_not_its_order(prompt, pair):
    found = struck_pair(parse(prompt))
    assert (found and (found[0].word, found[1].word)) == pair


@pytest.mark.parametrize("prompt, door", [
    ("the garden gate swings open when the dog pushes it with its nose", True),
    ("a ball rolls through the open gate and hits a wall", False),
    ("a ball bounces off the garden gate", False),
    ("the horses burst out of the starting gate", False),
])
def test_a_gate_is_the_door_scenario_only_where_it_swings(prompt, door):
    assert wants_door(parse(prompt)) == door


def test_a_hand_that_gives_a_shove_is_the_shove_and_a_door_at_its_stop_does_not_flap():
    claims = _claims("a hand gives the glass a shove and it falls off the table and shatters")
    assert claims["hand"].fate == "stood_in" and claims["shatters"].fate == "checked"
    claims = _claims("a hand gives the door a shove and it keeps flapping back and forth")
    assert claims["back and forth"].fate == "dropped"  # shoved open to its stop, it stays
    claims = _claims("a hand gives the saloon doors a shove and they keep flapping back and "
                     "forth")  # their spring hinges bring them back
    assert claims["back and forth"].fate == "checked", claims["back and forth"]
    assert claims["2 x doors"].fate == "planned"  # the pair, each on its hinge
    assert _claims("A pendulum swings back and forth")["swings, back and forth"].fate == "checked"


@pytest.mark.parametrize("prompt, saloon", [
    ("a hand gives the saloon doors a shove", True), ("the batwing doors flap", True),
    ("a waiter walks through the swinging doors", True),
    ("the cafe door swings open", False), ("the western door of the old church creaks open",
                                           False),
    ("a swinging door in a restaurant kitchen", False), ("a door swinging open", False)])
def test_saloon_doors_are_a_pair_on_spring_hinges_and_a_single_door_is_a_door(prompt, saloon):
    assert spring_doors.wanted(parse(prompt)) == saloon


PAINT = "a kid kicks over an open can of paint on the driveway and the paint spreads out"


def test_an_open_can_of_paint_is_a_tin_that_holds_paint_and_a_kick_over_is_no_throw():
    intent = parse(PAINT)
    (can,) = intent.mentions
    assert can.noun.label == "paint_can" and can.asset == "tumbler" and can.liquid == "paint"
    assert {"topple", "knock", "spill"} <= intent.actions and "throw" not in intent.actions
    assert intent.ground_material == "concrete"
    soda = parse("a can of soda falls off the table").mentions[0]
    assert soda.asset == "can"  # a drinks can stays closed


def test_a_kicked_paint_can_goes_over_and_its_paint_spreads_in_one_round():
    draft, scene, results = planned(PAINT)
    (kick,) = draft.document["events"]
    assert kick["force"]["point"] == [0.0, 0.0, 0.12] and kick["force"]["duration"] == 0.1
    assert all(r["passed"] for r in results if r["passed"] is not None), results
    claims = {c.text: c for c in draft_claims(draft, scene, results)}
    assert claims["spreads"].fate == "checked"
    assert not [c for c in claims.values() if c.fate == "dropped"], claims


def test_spreading_is_a_spill_only_where_a_liquid_is_named():
    assert "spill" not in parse("the playing cards spread out across the table").actions
    assert "spill" in parse("a brick thrown into a pool with a big splash").actions


def test_paint_that_mixes_into_another_colour_is_still_refused():
    with pytest.raises(RefusedError, match="chemistry"):
        plan_offline("red and blue paint swirling together in a jar of water until it turns "
                     "purple")


WINE = "a wine glass gets knocked over and red wine spreads across the white tablecloth"


def test_a_tablecloth_wine_spreads_on_is_the_table_tops_white_cloth():
    draft = plan_offline(WINE)
    (table,) = [b for b in draft.document["bodies"] if b["asset"] == "table"]
    assert table["material"] == "felt" and table["color"] == [0.95, 0.95, 0.93]
    claims = {c.text: c for c in draft.claims}
    assert claims["tablecloth"].fate == "stood_in" and "cover" in claims["tablecloth"].detail


def test_a_knocked_over_wine_glass_tips_on_its_table_and_does_not_break_at_the_push():
    """The knock is a push at the top held 0.1 s: set as a velocity, the jolt broke the glass
    on the table the moment it was given."""
    draft, scene, results = planned(WINE)
    (push,) = draft.document["events"]
    assert push["force"]["point"][2] == pytest.approx(0.2) and push["force"]["duration"] == 0.1
    (over,) = [r for r in results if r["check"] == "falls_over"]
    assert over["passed"] and "broke" not in over["detail"], over
    claims = {c.text: c for c in draft_claims(draft, scene, results)}
    assert claims["spreads"].fate == "checked"


@pytest.mark.parametrize("prompt, spills", [
    ("a glass of water tips over and the water flows across the table", True),
    ("a glass of water tips over and the water floods the table", True),
    ("the traffic flows past the parked car", False),
])
def test_a_liquid_that_flows_or_floods_spills(prompt, spills):
    assert ("spill" in parse(prompt).actions) is spills


def test_a_ball_kicked_over_a_wall_is_no_knock_and_a_can_kicked_over_is():
    over_wall = parse("a ball is kicked over the wall")
    assert "topple" not in over_wall.actions and "throw" in over_wall.actions
    assert {"topple", "knock"} <= parse("she kicks over the bucket").actions
    denied = parse("the dog does not kick over the bowl of water")
    assert "topple" in denied.negated and "topple" not in denied.actions


def test_one_points_back_to_a_thing_not_to_the_ramp_and_a_counted_pair_is_not_doubled():
    intent = parse("a heavy crate slides down the ramp and a light one follows")
    assert [m.asset for m in intent.mentions].count("ramp") == 1
    assert [m.asset for m in intent.mentions].count("crate") == 2
    balls = [m for m in parse("two balls, a big one and a small one, roll").mentions
             if m.asset == "ball"]
    assert sum(m.count for m in balls) == 2


def test_a_tablecloth_with_no_table_to_cover_is_claimed_dropped():
    draft = plan_offline("a glass of wine tips over on the floor and the wine spreads across "
                         "the tablecloth")
    assert not [b for b in draft.document["bodies"] if b["asset"] == "table"]
    claims = {c.text: c for c in draft.claims}
    assert claims["tablecloth"].fate == "dropped"


def test_turning_a_green_thing_is_no_colour_change():
    from planner.offline.refuse import screen

    screen("the lever turns the green wheel and a ball rolls off the table", True)
    with pytest.raises(RefusedError, match="chemistry"):
        screen("the water slowly turns green", True)

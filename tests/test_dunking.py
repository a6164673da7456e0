"""Things dropped into a drink float or sink through the particle liquid, and the floats and
sinks checks measure them against the liquid's level around them."""
from __future__ import annotations

import numpy as np

from bridge.loader import scene_from_document
from bridge.schema import check_kind
from physics.simulate import simulate
from planner.offline import plan_offline
from simshot.expectations import check_simulation


def test_an_ice_cube_floats_and_a_coin_sinks_in_a_glass_of_water():
    doc = plan_offline("An ice cube floats and a coin sinks in a glass of water").document
    doc["expect"] += [{"sinks": "ice_cube", "before": 2.0}, {"floats": "coin", "after": 2.0}]
    # a coin on the floor beside the glass is in no drink, whatever the level beside it
    doc["bodies"].append({"name": "beside", "asset": "cylinder", "material": "steel",
                          "params": {"radius": 0.012, "height": 0.002},
                          "position": [0.07, 0.0, 0.0]})
    doc["expect"] += [{"sinks": "beside", "before": 2.0}, {"floats": "beside", "after": 2.0}]
    scene = scene_from_document(doc)
    bodies = {b.name: b for b in scene.bodies}
    assert bodies["glass"].static and [l.inside for l in scene.liquids] == ["glass"]
    ice, coin = bodies["ice_cube"].position[0], bodies["coin"].position[0]
    assert coin - ice > 0.0212 + 0.012  # side by side (the cube's half diagonal, the coin's)
    assert ice - 0.0212 > -0.037 and coin + 0.012 < 0.037  # both within the mouth
    result = simulate(scene, None)
    verdicts = {(check_kind(c), r["subject"]): r["passed"]
                for c, r in zip(scene.expect, check_simulation(scene, result))}
    assert verdicts == {("floats", "ice_cube"): True, ("sinks", "coin"): True,
                        ("sinks", "ice_cube"): False, ("floats", "coin"): False,
                        ("sinks", "beside"): False, ("floats", "beside"): False}
    # the liquid stayed in the glass, but for a splash: the level the checks read is the drink's
    water = result.recording.particles["water"][-1]
    assert (np.hypot(water[:, 0], water[:, 1]) < 0.04).mean() > 0.95


def test_two_ping_pong_balls_do_not_fit_a_glass_side_by_side_and_one_is_said_left_out():
    draft = plan_offline("Two ping pong balls float in a glass of water")
    balls = [b for b in draft.document["bodies"] if b["name"].startswith("ping_pong")]
    assert len(balls) == 1  # 4 cm each: two take more than the glass's 7.4 cm mouth
    assert [c.fate for c in draft.claims if c.text == "ping pong ball"] == ["dropped"]

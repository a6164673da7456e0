"""The soccer goal: regulation sizes, a penalty that goes in, and shots that do not."""
from __future__ import annotations

import numpy as np
import pytest

from bridge.assets.build import BUILDERS
from bridge.assets.registry import ASSETS
from bridge.loader import scene_from_document
from physics.simulate import simulate
from planner.offline import plan_offline
from simshot.expectations import check_simulation
from tests.helpers import make_scene

GOAL = ASSETS["soccer_goal"].params


def test_the_goal_has_a_regulation_mouth_and_a_net_behind_it():
    visual, parts = BUILDERS["soccer_goal"](GOAL)
    posts = [p for p in parts if p.half_extents[2] > 1.2 and abs(p.position[0]) < 1e-9]
    inner = sorted(abs(p.position[1]) - p.half_extents[1] for p in posts)
    assert inner == pytest.approx([3.66, 3.66])  # 7.32 m between the posts
    bar = next(p for p in parts if p.half_extents[1] > 3.7 and p.half_extents[0] > 0.05)
    assert bar.position[2] - bar.half_extents[2] == pytest.approx(2.44)  # under the bar
    assert visual.bounds[1][0] == pytest.approx(2.0, abs=0.01)  # the net, 2 m deep
    assert visual.bounds[0][2] >= -1e-9  # nothing below the ground


def test_a_planned_penalty_goes_in_and_stays_in_the_net():
    scene = scene_from_document(plan_offline("A player kicks a football into the goal")
                                .document)
    result = simulate(scene, None)
    checks = check_simulation(scene, result)
    assert all(c["passed"] for c in checks), checks
    assert result.recording.pos["ball"][-1, 0] > 0.0  # behind the line at the end


@pytest.mark.parametrize(("aim_y", "aim_z"), [(4.2, 1.0), (1.0, 2.9)])
def test_a_shot_wide_of_the_post_or_over_the_bar_does_not_go_in(aim_y, aim_z):
    velocity = np.array([11.0, aim_y, aim_z + 0.5 * 9.81 - 0.11]) / 1.0  # there in 1 s
    scene = make_scene(duration=1.5, world={"ground": {"material": "felt"}}, bodies=[
        {"name": "goal", "asset": "soccer_goal", "static": True},
        {"name": "ball", "asset": "soccer_ball", "position": [-11.0, 0.0, 0.0],
         "velocity": velocity.tolist()}],
        expect=[{"passes_through": "ball", "target": "goal"}])
    (check,) = check_simulation(scene, simulate(scene, None))
    assert not check["passed"] and "outside" in check["detail"], check

"""Goals: a regulation basketball hoop, the `passes_through` check, and the planner's aimed
shot, which comes down through the rim and is verified in the engine."""
from __future__ import annotations

import math

import numpy as np
import pytest

from bridge.assets.build import BUILDERS
from bridge.assets.play import rim_centre
from bridge.assets.registry import ASSETS
from bridge.errors import RefusedError
from bridge.loader import scene_from_document
from bridge.semantics import check_semantics
from bridge.transforms import quat_to_matrix
from physics.simulate import simulate
from planner.offline import plan_offline
from planner.offline.aiming import ENTRY_DEG, launch
from simshot.expectations import check_simulation
from tests.helpers import make_scene

HOOP = ASSETS["basketball_hoop"].params


def test_the_hoop_has_regulation_sizes():
    assert HOOP["height"] == 3.05 and HOOP["radius"] == 0.225
    _, parts = BUILDERS["basketball_hoop"](HOOP)
    centre = rim_centre(HOOP)
    ring = [p for p in parts if p.kind == "box" and abs(p.position[2] - 3.05) < 1e-9
            and np.linalg.norm(p.position - centre) > 0.2]
    inner = [np.linalg.norm(p.position - centre) - p.half_extents[0] for p in ring]
    assert len(ring) >= 16 and np.allclose(inner, 0.225, atol=1e-3)  # 45 cm across, inside
    board = max(parts, key=lambda p: p.half_extents[1] * p.half_extents[2])
    assert 2 * board.half_extents[1:] == pytest.approx([1.83, 1.07])
    face = board.position[0] + board.half_extents[0]
    assert centre[0] - 0.225 - face == pytest.approx(0.15)  # the rim's near edge off the board


def test_the_launch_passes_the_target_at_the_entry_angle():
    vx, vz = launch(4.2, 0.95, 45.0)
    t = 4.2 / vx
    assert vz * t - 9.81 * t * t / 2 == pytest.approx(0.95)
    assert math.degrees(math.atan2(9.81 * t - vz, vx)) == pytest.approx(45.0)


def shot(extra: float = 0.0) -> tuple:
    """The planned free throw, aimed `extra` metres long (negative: short) of the rim."""
    scene = scene_from_document(plan_offline("A basketball is thrown through a hoop").document)
    ball = next(b for b in scene.bodies if b.name == "ball")
    rim = rim_centre(HOOP)
    distance = ball.position[0] - rim[0]
    vx, vz = launch(distance + extra, rim[2] - 2.1, ENTRY_DEG)
    scene = make_scene(**{**scene.model_dump(by_alias=True, exclude_none=True), "bodies": [
        b.model_dump(by_alias=True, exclude_none=True) | (
            {"velocity": [-vx, 0.0, vz]} if b.name == "ball" else {})
        for b in scene.bodies]})
    result = simulate(scene, None)
    return scene, result, {c["check"]: c for c in check_simulation(scene, result)}


@pytest.mark.slow
def test_the_planned_shot_is_a_swish_that_comes_down_steeply_and_bounces_on_the_court():
    _, result, checks = shot()
    assert all(c["passed"] for c in checks.values()), checks
    t = result.trajectory
    centre = t.pos["ball"] + np.einsum("fij,j->fi", quat_to_matrix(t.quat["ball"]),
                                       [0, 0, 0.119])
    rim = rim_centre(HOOP)
    k = int(np.flatnonzero((centre[:-1, 2] > rim[2]) & (centre[1:, 2] <= rim[2]))[0])
    step = centre[k + 1] - centre[k]
    assert math.degrees(math.atan2(-step[2], abs(step[0]))) >= 35  # a real arc, not a line drive
    assert np.linalg.norm(centre[k, :2] - rim[:2]) < 0.08


@pytest.mark.slow
@pytest.mark.parametrize("extra", [-0.5, 0.3])
def test_a_shot_short_or_long_does_not_pass_through(extra):
    _, _, checks = shot(extra)
    assert not checks["passes_through"]["passed"] or not checks["contacts"]["passed"], checks


def test_passes_through_needs_a_target_with_an_opening():
    scene = make_scene(bodies=[{"name": "ball", "asset": "basketball", "position": [0, 0, 1]},
                               {"name": "box", "asset": "box", "position": [1, 0, 0]}],
                       expect=[{"passes_through": "ball", "target": "box"}])
    ((path, message),) = check_semantics(scene)
    assert path == ("expect", 0, "target") and "has no opening" in message


def test_a_player_who_only_shoots_is_the_launch_but_a_running_dog_is_refused():
    scene = scene_from_document(plan_offline("A player shoots a three-pointer at the hoop")
                                .document)
    ball = next(b for b in scene.bodies if b.name == "ball")
    assert ball.position[0] - rim_centre(HOOP)[0] == pytest.approx(6.75)
    with pytest.raises(RefusedError):
        plan_offline("A dog runs after a ball")

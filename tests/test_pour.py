"""Pouring: a hand tips a container about its rim, and the checks that read where the
liquid ends (`pours_into`, `puddle`)."""
from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from bridge.transforms import quat_to_matrix, tilt_deg
from physics.simulate import simulate
from simshot.expectations import check_simulation
from tests.helpers import make_scene

pytestmark = pytest.mark.slow  # a few seconds of particle fluid

JUG = {"name": "jug", "asset": "tumbler", "position": [0, 0, 0.15], "static": True}
BOWL = {"name": "bowl", "asset": "bowl", "position": [0.1, 0, 0]}
WATER = {"name": "water", "inside": "jug", "volume_ml": 150, "particle_radius": 0.003}


def pour_scene(**pour) -> dict:
    return {"duration": 2.5, "bodies": [JUG, BOWL], "liquids": [WATER],
            "events": [{"at": 0.2, "pour": {"body": "jug", "angle": 120, "duration": 1.0,
                                            **pour}}]}


@pytest.fixture(scope="module")
def poured():
    scene = make_scene(**pour_scene(), expect=[
        {"pours_into": "water", "container": "bowl"},
        {"pours_into": "water", "container": "jug", "fraction": 0.5},
        {"puddle": "water", "max_radius": 0.2}])
    return scene, simulate(scene, None)


def test_a_pour_tips_the_jug_about_its_rim_and_holds_it(poured):
    traj = poured[1].trajectory
    frames = {round(t, 3): k for k, t in enumerate(traj.times)}
    assert tilt_deg(traj.quat["jug"][frames[0.5]]) == pytest.approx(0.3 / 1.0 * 120, abs=3)
    end = traj.quat["jug"][-1]
    assert tilt_deg(end) == pytest.approx(120, abs=1)
    # held: the hand keeps it still after the tilt, against gravity
    assert np.allclose(traj.pos["jug"][frames[1.5]], traj.pos["jug"][-1], atol=1e-3)
    # the rim on the +x side is the pivot: it stays where it was
    rim = np.array([0.04, 0.0, 0.25])
    for k in (frames[0.5], frames[1.0]):
        local = quat_to_matrix(traj.quat["jug"][0]).T @ (rim - traj.pos["jug"][0])
        moved = traj.pos["jug"][k] + quat_to_matrix(traj.quat["jug"][k]) @ local
        assert np.linalg.norm(moved - rim) < 0.01


def test_the_water_poured_out_of_the_jug_ends_in_the_bowl(poured):
    into_bowl, into_jug, puddle = check_simulation(*poured)
    assert into_bowl["passed"], into_bowl  # at least 60 % (the test)
    assert not into_jug["passed"], into_jug  # the jug it came from is empty
    assert not puddle["passed"], puddle  # in a bowl, not lying on the floor


def test_water_tipped_onto_the_floor_is_a_puddle():
    scene = make_scene(**{**pour_scene(), "bodies": [JUG]}, expect=[
        {"puddle": "water", "max_radius": 0.6}, {"puddle": "water", "max_radius": 0.02}])
    wide, narrow = check_simulation(scene, simulate(scene, None))
    assert wide["passed"], wide
    assert not narrow["passed"], narrow


def test_a_pour_needs_a_horizontal_direction_and_a_known_liquid():
    with pytest.raises(ValidationError, match="horizontal"):
        make_scene(**pour_scene(toward=[0, 0, 1]))
    with pytest.raises(ValidationError):
        make_scene(**pour_scene(angle=0))


@pytest.mark.parametrize("pieces, spray, max_blobs, passed", [
    (1, 0, 6, True), (3, 0, 3, True), (4, 0, 3, False),
    (2, 5, 6, True),  # five lone drops (under 1% each, 1.2% in all) are spray
    (2, 60, 6, False)])  # sixty hold 12%: too much spray
def test_holds_together_counts_the_blobs_and_lets_a_little_spray_go(pieces, spray, max_blobs,
                                                                      passed):
    from simshot.expectations import Outcome, check_all
    from tests.helpers import trajectory_of

    r = WATER["particle_radius"]
    lattice = np.stack(np.meshgrid(*[np.arange(6) * 2 * r] * 3, indexing="ij"), -1)
    blobs = [lattice.reshape(-1, 3) + [0.1 * k, 0, 0.5] for k in range(pieces)]
    drops = [np.array([[0.5 + 0.05 * k, 0.3, 0.5]]) for k in range(spray)]
    x = np.concatenate(blobs + drops)
    scene = make_scene(**pour_scene(), expect=[{"holds_together": "water",
                                                "max_blobs": max_blobs}])
    traj = trajectory_of(scene, {})
    traj.particles["water"] = np.repeat(x[None], scene.num_frames, axis=0)
    (result,) = check_all(Outcome(scene, traj, {"fractures": []}, {}))
    assert result["passed"] is passed, result
    assert f"in {pieces} blob(s)" in result["detail"]

"""Everyday mechanics from a prompt, verified and physically right: a door and a seesaw on
hinges, and a chair that tips over."""
from __future__ import annotations

import numpy as np
import pytest

from bridge.assets.build import BUILDERS
from bridge.assets.registry import ASSETS
from bridge.loader import scene_from_document
from bridge.materials import MATERIALS
from bridge.transforms import quat_to_matrix
from physics.simulate import simulate
from planner.offline import plan_offline
from simshot.expectations import check_simulation


def _verified(prompt: str):
    scene = scene_from_document(plan_offline(prompt).document)
    result = simulate(scene, None)
    checks = check_simulation(scene, result)
    assert all(c["passed"] for c in checks), checks
    return result.recording


def test_a_shoved_door_swings_open_to_its_stop_and_no_further():
    rec = _verified("Someone shoves a door open")
    facing = np.array([quat_to_matrix(q)[:, 0] for q in rec.quat["door"]])
    opened = np.degrees(np.arctan2(-facing[:, 1], facing[:, 0]))  # about -z from closed
    assert opened.max() > 90  # a 20 N s shove at the handle takes it to its stop
    assert opened.max() < 100.5 and opened.min() > -0.5  # the stop holds, and the frame
    hinge = rec.pos["door"] + np.array([quat_to_matrix(q) @ [0, -0.44, 0] for q in
                                        rec.quat["door"]])
    assert np.abs(hinge - hinge[0]).max() < 1e-4  # it turns on its hinge edge


def test_a_bowling_ball_on_a_seesaw_throws_the_tennis_ball_up():
    rec = _verified("A bowling ball drops onto a seesaw")
    rise = rec.pos["tennis_ball"][:, 2] - rec.pos["tennis_ball"][0, 2]
    assert rise.max() > 0.5


def test_a_chair_is_kitchen_chair_sized_and_tips_over_backward_when_shoved():
    visual, _ = BUILDERS["chair"](ASSETS["chair"].params)
    mass = visual.volume * MATERIALS["wood"].density
    assert visual.bounds[1][2] == pytest.approx(0.9) and 5.0 < mass < 8
    rec = _verified("A chair tips over")
    up = np.array([quat_to_matrix(q)[:, 2] for q in rec.quat["chair"]])
    assert up[-1, 0] > 0.8  # lying on its back: its up axis now points along +x


def test_a_pushed_swing_keeps_the_period_its_amplitude_gives():
    rec = _verified("A swing in a playground is pushed")
    seat = rec.pos["seat"]
    assert np.ptp(seat[:, 0]) > 1.5  # a good push: it swings well out both ways
    assert np.ptp(seat[:, 1]) < 1e-6  # in its plane


def test_saloon_doors_on_spring_hinges_flap_back_and_forth_at_their_springs_period():
    prompt = "a hand gives the saloon doors a shove and they keep flapping back and forth"
    scene = scene_from_document(plan_offline(prompt).document)
    rec = _verified(prompt)
    (spring,) = [j for j in scene.joints if j.name == "spring_left"]
    leaf = next(b for b in scene.bodies if b.name == "door_left")
    thick, wide = leaf.params["length"], leaf.params["width"]
    mass = thick * wide * leaf.params["height"] * MATERIALS["wood"].density
    # a pendulum's torque k r^2 sin(angle): a small swing takes 2 pi sqrt(I / (k r^2))
    inertia = mass * (wide ** 2 + thick ** 2) / 12 + mass * (wide / 2) ** 2
    small = 2 * np.pi * np.sqrt(inertia / (spring.stiffness * (wide / 2) ** 2))
    facing = np.array([quat_to_matrix(q)[:, 0] for q in rec.quat["door_left"]])
    angle = np.degrees(np.arctan2(facing[:, 1], facing[:, 0]))
    times = rec.times
    late = times > 0.6  # after the shove
    turns = np.flatnonzero(np.diff(np.sign(angle[late])) != 0)
    assert len(turns) >= 6  # through closed and back at least three times over
    crossings = times[late][turns]
    period = 2 * np.diff(crossings).mean()
    assert period == pytest.approx(small, rel=0.08)  # a 50-degree swing is a little slower
    assert 35 < np.abs(angle).max() < 70  # opened by the shove, short of the stops at 100
    first, last = np.abs(angle[times < 1.5]).max(), np.abs(angle[times > 4.0]).max()
    assert last < 0.8 * first  # the dashpot lets it die away
    # the right leaf mirrors the left: both pushed the same way, their free edges never meet
    right = np.array([quat_to_matrix(q)[:, 0] for q in rec.quat["door_right"]])
    assert np.allclose(np.degrees(np.arctan2(right[:, 1], right[:, 0])), -angle, atol=1.0)


def test_a_door_left_open_swings_shut_on_its_own_and_slams_on_its_stop():
    prompt = "a heavy wooden door slowly swings shut on its own and slams"
    scene = scene_from_document(plan_offline(prompt).document)
    rec = _verified(prompt)
    facing = np.array([quat_to_matrix(q)[:, 0] for q in rec.quat["door"]])
    angle = np.degrees(np.arctan2(facing[:, 1], facing[:, 0]))  # 0 when closed
    assert angle[0] == pytest.approx(-80.0, abs=0.01)  # it stands open at the start
    shut = np.flatnonzero(angle > -1.0)[0]
    # slowly: about a quarter of its closing torque's 7 s swing at this amplitude
    assert 1.5 < rec.times[shut] < 2.6
    assert abs(angle[-1]) < 1.0  # ends shut: the stop holds it, a hair from closed
    assert angle[shut:].min() > -8.0  # a slam that hardly rebounds off the bead (5 degrees)
    speed = np.linalg.norm(rec.angvel["door"], axis=1)
    assert speed[shut - 5:shut].max() > 1.0  # a slam: over 1 rad/s (its edge ~0.9 m/s)
    hinge = rec.pos["door"] + np.array([quat_to_matrix(q) @ [0, -0.44, 0] for q in
                                        rec.quat["door"]])
    assert np.abs(hinge - hinge[0]).max() < 1e-3  # it turns on its hinge edge
    assert {b.name for b in scene.bodies} == {"post_left", "post_right", "door_stop", "door"}

"""Scripted events: each action changes the world exactly as stated, at the stated time."""
from __future__ import annotations

import numpy as np
import pytest

from physics.simulate import simulate
from tests.helpers import make_scene

ZERO_G = {"gravity": [0, 0, 0], "ground": None}


def test_push_changes_velocity_by_impulse_over_mass():
    scene = make_scene(world=ZERO_G, bodies=[{"name": "b", "asset": "block"}],
                       events=[{"at": 0.5, "push": {"body": "b", "impulse": [0.35, 0, 0]}}])
    result = simulate(scene)
    v = result.trajectory.linvel["b"]
    assert np.allclose(v[:12], 0)
    assert v[-1, 0] == pytest.approx(0.35 / result.masses["b"], rel=1e-6)
    assert result.events["events"][0]["kind"] == "push"
    assert result.framed_events["events"][0]["frame"] == 12


def test_force_over_interval_gives_f_t_over_m():
    scene = make_scene(world=ZERO_G, bodies=[{"name": "b", "asset": "block"}],
                       events=[{"at": 0.25, "force": {"body": "b", "force": [0, 2.0, 0],
                                                      "duration": 0.5}}])
    result = simulate(scene)
    assert result.trajectory.linvel["b"][-1, 1] == pytest.approx(
        2.0 * 0.5 / result.masses["b"], rel=0.01)


def test_a_force_at_a_point_also_turns_the_body_by_its_torque():
    """2 N at the top face of a 10 cm block for 0.1 s: F t / m along, and about the centre
    of mass, 5 cm below, (r x F) t / I."""
    scene = make_scene(world=ZERO_G, bodies=[{"name": "b", "asset": "block"}],
                       events=[{"at": 0.25, "force": {"body": "b", "force": [0, 2.0, 0],
                                                      "duration": 0.1,
                                                      "point": [0.0, 0.0, 0.1]}}])
    result = simulate(scene)
    mass = result.masses["b"]
    inertia = mass * (0.1 ** 2 + 0.1 ** 2) / 12
    assert result.trajectory.linvel["b"][-1, 1] == pytest.approx(2.0 * 0.1 / mass, rel=0.01)
    spin = result.trajectory.angvel["b"][-1]
    assert spin[0] == pytest.approx(-0.05 * 2.0 * 0.1 / inertia, rel=0.03)
    assert abs(spin[1]) < 1e-6 and abs(spin[2]) < 1e-6


def test_set_velocity_and_gravity_change():
    scene = make_scene(world={"ground": None}, bodies=[{"name": "b", "asset": "block",
                                                        "position": [0, 0, 5]}],
                       events=[{"at": 0.5, "gravity": [0, 0, 0]},
                               {"at": 0.5, "set_velocity": {"body": "b", "linear": [1, 0, 0]}}])
    v = simulate(scene).trajectory.linvel["b"]
    assert v[-1] == pytest.approx([1, 0, 0], abs=1e-6)


def test_release_makes_a_static_body_fall():
    scene = make_scene(bodies=[{"name": "b", "asset": "block", "position": [0, 0, 1],
                                "static": True}],
                       events=[{"at": 0.5, "release": "b"}])
    z = simulate(scene).trajectory.pos["b"][:, 2]
    assert np.allclose(z[:12], 1.0)
    assert z[-1] < 0.8


def test_remove_and_spawn_leave_nan_where_the_body_does_not_exist():
    scene = make_scene(bodies=[{"name": "a", "asset": "block"}],
                       events=[{"at": 0.5, "remove": "a"},
                               {"at": 0.25, "spawn": {"name": "s", "asset": "ball",
                                                      "position": [1, 0, 0.5]}}])
    traj = simulate(scene).trajectory
    assert traj.exists("a")[:12].all() and not traj.exists("a")[13:].any()
    assert not traj.exists("s")[:6].any() and traj.exists("s")[7:].all()


def test_contact_trigger_fires_on_first_touch():
    scene = make_scene(duration=1.5, bodies=[
        {"name": "ball", "asset": "tennis_ball", "position": [0, 0, 1]},
        {"name": "target", "asset": "block", "position": [2, 0, 0]}],
        events=[{"on_contact": ["ball", "ground"], "push": {"body": "target",
                                                            "impulse": [0.5, 0, 0]}}])
    result = simulate(scene)
    fired = result.events["events"][0]
    touch = next(c for c in result.events["collisions"] if "ball" in c["bodies"])
    assert fired["time"] == pytest.approx(touch["time"], abs=0.01)
    # 0.5 N*s on 0.7 kg at mu = 0.65 x 0.9 slides v^2 / (2 mu g) = 4.4 cm
    assert result.trajectory.pos["target"][-1, 0] - 2 == pytest.approx(0.044, abs=0.006)


def test_push_at_a_point_spins_the_body():
    scene = make_scene(world=ZERO_G, bodies=[{"name": "b", "asset": "block"}],
                       events=[{"at": 0.0, "push": {"body": "b", "impulse": [0.07, 0, 0],
                                                    "point": [0, 0, 0.1]}}])
    result = simulate(scene)
    # lever 0.05 m above the centre of a 0.7 kg, 10 cm cube: w = r J / I = 0.05*0.07/(m a^2/6)
    inertia = 0.7 * 0.1 ** 2 / 6
    assert result.trajectory.angvel["b"][-1, 1] == pytest.approx(0.05 * 0.07 / inertia, rel=1e-3)
    assert result.trajectory.linvel["b"][-1, 0] == pytest.approx(0.1, rel=1e-3)
